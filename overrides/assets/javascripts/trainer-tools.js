/* Trainer tools in the browser: the copy-link buttons by every h2/h3 with an id (put in the
   HTML at build time by the hwsite plugin), the Share
   panel, the present view (one checkpoint at a time, over the page's own DOM) and print
   helpers. Strings and data come from <template id="hw-tt"> (partials/hw-share.html), in
   the page's language. Set up again on every page of Material's instant navigation. */
(function () {
  "use strict";
  var CHECKPOINT = /^checkpoint-(\d+)$/;
  var page = { data: null, present: null };

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function readData() {
    var node = document.getElementById("hw-tt");
    try {
      var data = node ? JSON.parse(node.content ? node.content.textContent : node.textContent) : null;
      if (!data || !data.s) return null;
      data.root = node.getAttribute("data-root") || ".";
      return data;
    } catch (error) { return null; }
  }

  function display(url) { return url.replace(/^[a-z]+:\/\//, ""); }

  /* ------------------------------------------------------------ copy and toast */

  function toastBox() {
    var box = document.querySelector("body > .hw-toast");
    if (!box) {
      // exists (empty) before its first message, so screen readers announce the change
      box = document.createElement("div");
      box.className = "hw-toast";
      box.setAttribute("role", "status");
      document.body.appendChild(box);
    }
    return box;
  }

  function toast(message) {
    var box = toastBox();
    box.textContent = message;
    box.classList.add("hw-toast--show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.classList.remove("hw-toast--show"); box.textContent = ""; }, 4000);
  }

  function copyWithTextarea(text) {
    var area = document.createElement("textarea"), focused = document.activeElement, ok = false;
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;top:0;left:0;width:1px;height:1px;opacity:0";
    document.body.appendChild(area);
    area.select();
    area.setSelectionRange(0, text.length);
    try { ok = document.execCommand("copy"); } catch (error) { ok = false; }
    area.remove();
    if (focused && focused.focus) focused.focus({ preventScroll: true });
    return ok ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  function copy(text) {
    // the Clipboard API needs a secure context (https, localhost); plain http falls back
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return copyWithTextarea(text); });
    }
    return copyWithTextarea(text);
  }

  function copyAndTell(text) {
    var s = page.data.s;
    copy(text).then(function () { toast(s.copied); }, function () { toast(s["copy.failed"] + " " + text); });
  }

  function headingText(heading) {
    var clone = heading.cloneNode(true);
    clone.querySelectorAll(".headerlink, .hw-copylink").forEach(function (node) { node.remove(); });
    return clone.textContent.replace(/\s+/g, " ").trim();
  }

  function sectionUrl(id) {
    return location.href.split("#")[0].split("?")[0] + "#" + id;
  }

  /* ------------------------------------------------------------ share panel */

  function toggleShare(button, open) {
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    if (!panel) return;
    open = open === undefined ? button.getAttribute("aria-expanded") !== "true" : open;
    button.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
  }

  function printChecklist() {
    var heading = document.getElementById("checklist"), article = heading && heading.closest("article");
    if (!article) return;
    var root = document.documentElement, state = "before";
    Array.prototype.forEach.call(article.children, function (node) {
      if (node === heading) state = "in";
      else if (state === "in" && /^H[12]$/.test(node.tagName)) state = "after";
      // the module title stays, so the printed checklist says which module it is
      if (state !== "in" && node.tagName !== "H1") node.classList.add("hw-print-skip");
    });
    function done() {
      root.classList.remove("hw-print-checklist");
      article.querySelectorAll(".hw-print-skip").forEach(function (node) { node.classList.remove("hw-print-skip"); });
    }
    root.classList.add("hw-print-checklist");
    window.addEventListener("afterprint", done, { once: true });
    window.print();
  }

  /* Printed links show where they lead: the site's own address (not this copy's), and a
     module's short link when there is one. External links: print.css. */
  function annotateLinks(data) {
    if (!data.site) return;
    var root = new URL(String(data.root || ".").replace(/\/?$/, "/"), location.href).href;
    var site = data.site.replace(/\/?$/, "/"), modules = data.modules || {};
    document.querySelectorAll(".md-content article a[href]").forEach(function (a) {
      var href = a.getAttribute("href");
      if (!href || href.charAt(0) === "#" || a.classList.contains("headerlink") || a.closest(".hw-share")) return;
      var url = new URL(a.href, location.href), here = url.href.split("#")[0].split("?")[0];
      if (here.indexOf(root) !== 0) return;
      // same page (Material makes these absolute): the target is in the same handout
      if (here === location.href.split("#")[0].split("?")[0]) { a.setAttribute("data-hw-print-url", ""); return; }
      var rel = here.slice(root.length), hash = url.hash.slice(1), short = modules[rel], match = CHECKPOINT.exec(hash);
      var out = short && (!hash || match || hash === "checklist")
        ? short + (match ? match[1] + "/" : hash ? "checklist/" : "")
        : rel.replace(/(^|\/)index\.html$/, "$1") + (hash ? "#" + hash : "");
      a.setAttribute("data-hw-print-url", display(site + out));
    });
  }

  /* The printed link targets are only needed on paper: worked out when the page is idle
     (not in the tasks that make it ready to use), and again just before printing. */
  function annotateLater(data) {
    var run = function () { if (page.data === data) annotateLinks(data); };
    if (window.requestIdleCallback) window.requestIdleCallback(run, { timeout: 2000 });
    else setTimeout(run, 200);
  }

  function beforePrint() {
    if (page.data) annotateLinks(page.data);
    document.querySelectorAll(".hw-print-only img[loading=lazy]").forEach(function (img) { img.loading = "eager"; });
  }

  /* ------------------------------------------------------------ slides taller than the screen */

  /* Nearly every checkpoint is longer than a projected screen (1280 x 720, 1024 x 768), so a
     slide scrolls within itself and nothing is cut off: Page Down, Space and the arrow keys
     scroll it first and move on only at its end (a clicker sends Page Down), and a cue says
     there is more below. Shared with the quiz's present view (quiz.js). */

  // the box that scrolls: the slide, or on a narrow screen the whole body of the view
  function scroller(slide) {
    return getComputedStyle(slide).overflowY === "visible" ? slide.closest(".hw-present__body") || slide : slide;
  }

  function moreBelow(box) { return box.scrollTop + box.clientHeight < box.scrollHeight - 1; }

  function moreAbove(box) { return box.scrollTop > 1; }

  function updateCue(slide) {
    var frame = slide.closest(".hw-present__frame"), cue = frame && frame.querySelector(".hw-present__more");
    if (cue) cue.hidden = !moreBelow(scroller(slide));
  }

  /* The slide inside a frame that carries the cue. The cue is for the eyes only: a screen
     reader reads the whole slide anyway. */
  function slideFrame(slide, text) {
    var frame = element("div", "hw-present__frame"), cue = element("p", "hw-present__more", text + " ↓");
    cue.setAttribute("aria-hidden", "true");
    cue.hidden = true;
    frame.appendChild(slide);
    frame.appendChild(cue);
    return frame;
  }

  /* Scroll the slide one screen (by a few lines for the arrow keys) towards direction; false
     when it is already at that end, where the caller moves to the next or previous slide.
     A screen keeps two lines of the last one, so the audience does not lose its place. */
  function scrollSlide(slide, direction, lines) {
    var box = scroller(slide);
    if (direction > 0 ? !moreBelow(box) : !moreAbove(box)) return false;
    var line = parseFloat(getComputedStyle(slide).fontSize) * 1.5;
    box.scrollBy({ top: direction * (lines ? lines * line : Math.max(line, box.clientHeight - 2 * line)) });
    updateCue(slide);
    return true;
  }

  // a new slide starts at its top, or at its end when reached by scrolling back from the next one
  function slideShown(slide, atEnd) {
    var box = scroller(slide);
    box.scrollTop = atEnd ? box.scrollHeight : 0;
    updateCue(slide);
  }

  // the cue follows scrolling, images loading after a slide is shown and the window's size
  function onSlideChange() {
    var slide = document.querySelector(".hw-present .hw-present__slide");
    if (slide) updateCue(slide);
  }

  /* ------------------------------------------------------------ present view */

  function checkpoints() {
    return Array.prototype.filter.call(document.querySelectorAll(".md-content article h3[id]"), function (h) {
      return CHECKPOINT.test(h.id);
    });
  }

  function slideContent(heading) {
    var fragment = document.createDocumentFragment(), title = document.createElement("h2");
    title.className = "hw-present__heading";
    title.textContent = headingText(heading);
    fragment.appendChild(title);
    for (var node = heading.nextElementSibling; node && !/^H[1-3]$/.test(node.tagName); node = node.nextElementSibling) {
      if (!node.classList.contains("hw-print-only")) fragment.appendChild(node.cloneNode(true));
    }
    // a copy must not repeat the page's ids or its copy buttons
    fragment.querySelectorAll("[id]").forEach(function (node) { node.removeAttribute("id"); });
    fragment.querySelectorAll(".headerlink, .hw-copylink").forEach(function (node) { node.remove(); });
    fragment.querySelectorAll("[aria-label][role=region]").forEach(function (node) {
      node.setAttribute("aria-label", node.getAttribute("aria-label") + " ·");
    });
    return fragment;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function buildOverlay(s, title) {
    var overlay = element("div", "hw-present");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-labelledby", "hw-present-title");
    overlay.innerHTML =
      '<div class="hw-present__bar"><p class="hw-present__title" id="hw-present-title"></p>' +
      '<p class="hw-present__count" aria-live="polite" aria-atomic="true"></p>' +
      '<button type="button" class="hw-present__button" data-hw-present-exit></button></div>' +
      '<div class="hw-present__body"><div class="hw-present__share"><img alt="" width="200" height="200"><p><a></a></p></div></div>' +
      '<div class="hw-present__nav"><button type="button" class="hw-present__button" data-hw-present-step="-1"></button>' +
      '<p class="hw-present__keys"></p>' +
      '<button type="button" class="hw-present__button" data-hw-present-step="1"></button></div>';
    overlay.querySelector(".hw-present__title").textContent = s["present.label"] + ": " + title;
    overlay.querySelector("[data-hw-present-exit]").textContent = s["present.exit"] + " (Esc)";
    overlay.querySelector('[data-hw-present-step="-1"]').textContent = "← " + s["present.prev"];
    overlay.querySelector('[data-hw-present-step="1"]').textContent = s["present.next"] + " →";
    overlay.querySelector(".hw-present__keys").textContent = s["present.keys"];
    var slide = element("div", "hw-present__slide md-typeset");
    slide.setAttribute("tabindex", "-1");
    overlay.querySelector(".hw-present__body").prepend(slideFrame(slide, s["present.more"]));
    return overlay;
  }

  function show(index, atEnd) {
    var p = page.present, s = page.data.s, heading = p.list[index], share = document.querySelector("[data-hw-share]");
    var number = CHECKPOINT.exec(heading.id)[1], overlay = p.overlay, slide = overlay.querySelector(".hw-present__slide");
    p.index = index;
    slide.replaceChildren(slideContent(heading));
    overlay.querySelector(".hw-present__count").textContent = format(s["present.count"], { n: index + 1, total: p.list.length });
    overlay.querySelector('[data-hw-present-step="-1"]').setAttribute("aria-disabled", String(index === 0));
    overlay.querySelector('[data-hw-present-step="1"]').setAttribute("aria-disabled", String(index === p.list.length - 1));
    var side = overlay.querySelector(".hw-present__share");
    side.hidden = !share;
    if (share) {
      var url = share.getAttribute("data-url") + number + "/", img = side.querySelector("img"), link = side.querySelector("a");
      img.src = share.getAttribute("data-qr").replace(/\.svg$/, "-" + number + ".svg");
      img.alt = format(s["qr.alt"], { url: display(url) });
      link.href = new URL(String(page.data.root || ".").replace(/\/?$/, "/") + share.getAttribute("data-short") + number + "/" +
        (location.protocol === "file:" ? "index.html" : ""), location.href).href;
      link.textContent = display(url);
    }
    slideShown(slide, atEnd);
    // the address says where we are, so a reload comes back to this checkpoint
    history.replaceState(history.state, "", location.pathname + location.search + "#present-" + number);
  }

  function step(delta, atEnd) {
    var p = page.present, next = p && p.index + delta;
    if (p && next >= 0 && next < p.list.length) show(next, atEnd);
  }

  // Page Down, Space, arrow down: the rest of this checkpoint first, then the next one
  function scrollOrStep(direction, lines) {
    if (!scrollSlide(page.present.overlay.querySelector(".hw-present__slide"), direction, lines)) step(direction, direction < 0);
  }

  function currentCheckpoint(list) {
    var index = 0, limit = window.innerHeight * 0.4;
    list.forEach(function (heading, i) { if (heading.getBoundingClientRect().top <= limit) index = i; });
    return index;
  }

  function enterPresent(index) {
    var list = checkpoints(), data = page.data;
    if (!list.length || !data || page.present) return;
    var h1 = document.querySelector(".md-content article h1");
    var overlay = buildOverlay(data.s, h1 ? headingText(h1) : document.title);
    var inert = [];
    Array.prototype.forEach.call(document.body.children, function (node) {
      if (node.tagName !== "SCRIPT" && !node.inert) { node.inert = true; inert.push(node); }
    });
    document.body.appendChild(overlay);
    document.documentElement.classList.add("hw-presenting");
    page.present = { overlay: overlay, list: list, index: 0, inert: inert };
    show(Math.max(0, Math.min(index, list.length - 1)));
    overlay.querySelector(".hw-present__slide").focus();
  }

  /* Leave the present view. back: return to the checkpoint on the page (URL #checkpoint-N,
     scrolled to, focused); otherwise just close (a link in a slide is being followed). */
  function leavePresent(back) {
    var p = page.present;
    if (!p) return;
    page.present = null;
    p.overlay.remove();
    p.inert.forEach(function (node) { node.inert = false; });
    document.documentElement.classList.remove("hw-presenting");
    var search = location.search.replace(/([?&])present(=[^&]*)?(&|$)/, "$1").replace(/[?&]$/, "");
    var heading = p.list[p.index], hash = back ? "#" + heading.id : location.hash.replace(/^#present-\d+$/, "");
    // replaceState, not a fragment navigation: Material's instant navigation would reload the page
    history.replaceState(history.state, "", location.pathname + search + hash);
    if (!back || !document.body.contains(heading)) return;
    heading.style.scrollMarginTop = "3.6rem";  // clear of the sticky header, as Material does for :target
    heading.scrollIntoView();
    heading.style.scrollMarginTop = "";
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    heading.addEventListener("blur", function () { heading.removeAttribute("tabindex"); }, { once: true });
  }

  function presentFromUrl() {
    var hash = /^#present-(\d+)$/.exec(location.hash), list = checkpoints(), wanted = null;
    if (hash) wanted = "checkpoint-" + hash[1];
    else if (/[?&]present(=|&|$)/.test(location.search)) wanted = CHECKPOINT.test(location.hash.slice(1)) ? location.hash.slice(1) : "";
    if (wanted === null || !list.length) return;
    var index = list.findIndex(function (heading) { return heading.id === wanted; });
    enterPresent(Math.max(index, 0));
  }

  function onKey(event) {
    var p = page.present;
    if (!p || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key, onControl = event.target.closest && event.target.closest("button, a[href], summary");
    if (key === "Escape") leavePresent(true);
    else if (key === "ArrowRight") step(1);
    else if (key === "ArrowLeft") step(-1);
    else if (key === "PageDown" || (key === " " && !event.shiftKey && !onControl)) scrollOrStep(1);
    else if (key === "PageUp" || (key === " " && event.shiftKey && !onControl)) scrollOrStep(-1);
    else if (key === "ArrowDown" || key === "ArrowUp") scrollOrStep(key === "ArrowDown" ? 1 : -1, 3);
    else if (key === "Home") show(0);
    else if (key === "End") show(p.list.length - 1);
    else if (key === "Tab") {
      if (!keepFocusInside(event, p.overlay.querySelectorAll("a[href], button, summary, [tabindex='0']"))) return;
    } else {
      // Enter and Space on a control keep their default; Material's page shortcuts stay off
      event.stopPropagation();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  /* ------------------------------------------------------------ wiring */

  function onClick(event) {
    var target = event.target.closest && event.target.closest("button, a[href]");
    if (!target || !page.data) return;
    if (target.classList.contains("hw-copylink")) copyAndTell(sectionUrl(target.getAttribute("data-hw-anchor")));
    else if (target.hasAttribute("data-hw-copy")) copyAndTell(target.getAttribute("data-hw-copy"));
    else if (target.classList.contains("hw-share__toggle")) toggleShare(target);
    else if (target.hasAttribute("data-hw-print-checklist")) printChecklist();
    else if (target.hasAttribute("data-hw-present")) enterPresent(currentCheckpoint(checkpoints()));
    else if (target.hasAttribute("data-hw-present-exit")) leavePresent(true);
    else if (target.hasAttribute("data-hw-present-step")) step(Number(target.getAttribute("data-hw-present-step")));
    else if (page.present && target.closest(".hw-present__slide, .hw-present__share")) leavePresent(false);
  }

  function onShareKey(event) {
    if (event.key !== "Escape" || page.present) return;
    var panel = event.target.closest && event.target.closest(".hw-share__panel");
    var toggle = panel && document.querySelector('[aria-controls="' + panel.id + '"]');
    if (toggle) { toggleShare(toggle, false); toggle.focus(); }
  }

  function setup() {
    leavePresent(false);  // after instant navigation, a view of the previous page is stale
    page.data = readData();
    if (!page.data) return;
    toastBox();
    var share = document.querySelector("[data-hw-share]");
    if (share) share.hidden = false;
    annotateLater(page.data);
    presentFromUrl();
  }

  /* Tab in a present view: from the last control back to the first (and Shift+Tab the
     other way), so focus never leaves the dialog. Returns true when it moved focus itself;
     otherwise the browser's own Tab goes ahead, unseen by Material's shortcuts. */
  function keepFocusInside(event, focusable) {
    var first = focusable[0], last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) last.focus();
    else if (!event.shiftKey && document.activeElement === last) first.focus();
    else { event.stopPropagation(); return false; }
    return true;
  }

  // for checklist.js (copy the plan's summary) and quiz.js (its present view), loaded after this file
  window.hwTrainerTools = { copy: copy, toast: toast, slideFrame: slideFrame, scrollSlide: scrollSlide,
                            slideShown: slideShown, updateCue: updateCue, keepFocusInside: keepFocusInside };

  document.addEventListener("click", onClick);
  document.addEventListener("keydown", onShareKey);
  window.addEventListener("keydown", onKey, true);  // capture: before Material's shortcuts
  window.addEventListener("hashchange", function () { if (!page.present && page.data) presentFromUrl(); });
  window.addEventListener("beforeprint", beforePrint);
  document.addEventListener("scroll", onSlideChange, true);  // capture: scroll and load do not bubble
  document.addEventListener("load", onSlideChange, true);
  window.addEventListener("resize", onSlideChange);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else {
    document.addEventListener("DOMContentLoaded", setup);
  }
})();
