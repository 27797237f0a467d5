/* Behaviour added to every page, re-run on instant navigation (Material's document$). */
(function () {
  "use strict";
  var zh = document.documentElement.lang.indexOf("zh") === 0;
  var T = zh
    ? { table: "表格（可左右滚动）" }
    : { table: "Table (scrolls sideways)" };

  /* Material wraps wide tables in a scrolling box at run time; make that box reachable
     by keyboard and give it a name (axe: scrollable-region-focusable). */
  function labelScrollWrappers(root) {
    root.querySelectorAll(".md-typeset__scrollwrap").forEach(function (box) {
      if (box.hasAttribute("tabindex")) return;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", T.table);
    });
  }

  function onPage() { labelScrollWrappers(document); }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
})();
