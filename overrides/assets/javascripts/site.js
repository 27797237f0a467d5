/* Behaviour added to every page, re-run on instant navigation (Material's document$):
   table wrappers reachable by keyboard, glossary definitions on tap or focus, and the
   workplace checklist's script where a page has the checklist. */
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

  /* Glossary terms (<abbr title tabindex="0">, added by the hwsite plugin): a tap, a click
     or keyboard focus shows the definition in a box under the term; Escape, or focus
     elsewhere, hides it. One set of listeners for the whole page and nothing done per term
     at load: Material's content.tooltips mounted a tooltip for every term on every page
     load, most of a module page's blocking time (bench/REPORT.md). The box is only a visual
     aid (aria-hidden): screen readers already read the title as the term's description;
     on a desktop, hovering shows the title as the browser's own tooltip. */
  var tip = null, tipFor = null;

  function hideTerm() {
    if (tip) tip.hidden = true;
    tipFor = null;
  }

  function showTerm(term) {
    var text = term.getAttribute("title"), root = document.documentElement;
    if (!text) return;
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "hw-term-tip";
      tip.setAttribute("aria-hidden", "true");
      document.body.appendChild(tip);
    }
    tip.textContent = text;
    tip.hidden = false;
    tipFor = term;
    var box = term.getBoundingClientRect(), page = root.clientWidth;
    tip.style.maxWidth = Math.min(320, page - 16) + "px";
    var left = Math.min(box.left, page - 8 - tip.offsetWidth);
    tip.style.left = Math.max(8, left) + window.scrollX + "px";
    tip.style.top = box.bottom + window.scrollY + 6 + "px";
  }

  document.addEventListener("focusin", function (event) {
    var term = event.target.closest && event.target.closest(".md-content abbr[title]");
    if (term) showTerm(term);
    else hideTerm();
  });
  document.addEventListener("focusout", function (event) {
    if (event.target === tipFor && !(event.relatedTarget && event.relatedTarget.closest &&
                                      event.relatedTarget.closest(".md-content abbr[title]"))) hideTerm();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && tipFor) hideTerm();
  });

  /* The workplace checklist's script, only on a page that has the checklist: added once,
     next to this file (also under file:// in the offline edition); it sets itself up again
     on later pages of instant navigation. */
  var here = document.currentScript && document.currentScript.src, checklistScript = null;

  function loadChecklist() {
    if (checklistScript || !here || !document.querySelector("[data-hw-checklist]")) return;
    checklistScript = document.createElement("script");
    checklistScript.src = new URL("checklist.js", here).href;
    document.body.appendChild(checklistScript);
  }

  function onPage() {
    hideTerm();
    labelScrollWrappers(document);
    loadChecklist();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else {
    document.addEventListener("DOMContentLoaded", onPage);
  }
})();
