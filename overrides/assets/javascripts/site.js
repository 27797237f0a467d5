/* Behaviour added to every page, re-run on instant navigation (Material's document$). */
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var T = zh
    ? { table: "表格（可左右滚动）" }
    : { table: "Table (scrolls sideways)" };

  /* Material wraps wide tables in a scrolling box at run time; make that box reachable
     by keyboard and give it a unique name from its section heading
     (axe: scrollable-region-focusable, landmark-unique). */
  function labelScrollWrappers(root) {
    var heading = "", used = {};
    root.querySelectorAll(".md-content h1, .md-content h2, .md-content h3, .md-typeset__scrollwrap").forEach(function (node) {
      if (!node.classList.contains("md-typeset__scrollwrap")) {
        heading = node.textContent.replace(/[¶#]\s*$/, "").trim();
        return;
      }
      var label = T.table + (heading ? " – " + heading : "");
      used[label] = (used[label] || 0) + 1;
      if (used[label] > 1) label += " (" + used[label] + ")";
      node.setAttribute("tabindex", "0");
      node.setAttribute("role", "region");
      node.setAttribute("aria-label", label);
    });
  }

  function onPage() { labelScrollWrappers(document); }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
})();
