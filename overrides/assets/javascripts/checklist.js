/* The workplace checklist and action plan (/checklist/), on top of the form the build
   writes (hwsite/workplace_checklist.py): answers kept in this browser's localStorage,
   keyed by checkpoint id ("m3-cp5", the same in every language), progress and a jump to
   each module, the action plan made from the Yes and Priority answers, CSV download,
   a summary to paste into a chat, printing the plan and "Start a new walk".
   Nothing leaves the device. Loaded by site.js only on a page with [data-hw-checklist];
   set up again on every page of Material's instant navigation. Strings: the root's
   data-hw-strings (the wc.* UI strings of the page's language). */
(function () {
  "use strict";
  var KEY = "hw-checklist";  // one entry for the whole walk
  var SET_ASIDE = "hw-checklist-unreadable";  // unreadable data is kept here, never silently lost
  var FORMAT = "hw-checklist", VERSION = 1;
  var ANSWERS = ["no", "yes", "priority"];
  var ID = /^m[1-9][0-9]*-cp[1-9][0-9]*$/;
  var TEXT_FIELDS = ["remark", "what", "who", "when", "cost", "follow"];
  var PLAN_FIELDS = [["what", "textarea"], ["who", "text"], ["when", "date"], ["cost", "text"], ["follow", "date"]];
  var MAX_TEXT = 4000;
  var page = null;  // the checklist on screen: { root, s, items, byId, store, canStore }

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(className, text) {
    var node = el("button", "md-button " + className, text);
    node.type = "button";
    return node;
  }

  /* ------------------------------------------------------------ storage */

  function emptyStore() { return { format: FORMAT, version: VERSION, items: {} }; }

  /* An entry as kept, or null when it is not one this version understands. */
  function cleanEntry(value) {
    if (!value || typeof value !== "object" || Array.isArray(value)) return null;
    var out = {};
    if (value.answer !== undefined && value.answer !== "") {
      if (ANSWERS.indexOf(value.answer) < 0) return null;
      out.answer = value.answer;
    }
    for (var i = 0; i < TEXT_FIELDS.length; i++) {
      var field = TEXT_FIELDS[i], text = value[field];
      if (text === undefined || text === "") continue;
      if (typeof text !== "string" || text.length > MAX_TEXT) return null;
      out[field] = text;
    }
    return out;
  }

  /* What is kept: { store, problem: null | "unreadable" | n entries left out, canStore }. */
  function load() {
    var raw;
    try {
      raw = window.localStorage.getItem(KEY);
    } catch (error) {
      return { store: emptyStore(), problem: null, canStore: false };
    }
    if (raw === null) return { store: emptyStore(), problem: null, canStore: true };
    var data = null;
    try { data = JSON.parse(raw); } catch (error) { data = null; }
    if (!data || typeof data !== "object" || data.format !== FORMAT || data.version !== VERSION ||
        !data.items || typeof data.items !== "object" || Array.isArray(data.items)) {
      try {
        window.localStorage.setItem(SET_ASIDE, raw);
        window.localStorage.removeItem(KEY);
      } catch (error) { /* full or blocked: it stays where it is, and is still ignored */ }
      return { store: emptyStore(), problem: "unreadable", canStore: true };
    }
    var store = emptyStore(), dropped = 0;
    Object.keys(data.items).forEach(function (id) {
      var entry = ID.test(id) ? cleanEntry(data.items[id]) : null;
      if (entry) store.items[id] = entry;
      else dropped += 1;
    });
    if (dropped) {
      try { window.localStorage.setItem(SET_ASIDE, raw); } catch (error) { /* the notice still says so */ }
    }
    return { store: store, problem: dropped || null, canStore: true };
  }

  function save() {
    if (!page.canStore) return;
    try {
      window.localStorage.setItem(KEY, JSON.stringify(page.store));
    } catch (error) {
      page.canStore = false;
      notice(page.s.nostorage);
    }
  }

  function entry(id) {
    var items = page.store.items;
    return items[id] || (items[id] = {});
  }

  function setField(id, field, value) {
    var item = entry(id);
    if (value) item[field] = value;
    else delete item[field];
    if (!Object.keys(item).length) delete page.store.items[id];
    save();
  }

  /* ------------------------------------------------------------ reading the form */

  function readItems(root) {
    var modules = {};
    root.querySelectorAll("h2[id^='module-'], h3[id^='module-']").forEach(function (heading) {
      var clone = heading.cloneNode(true);
      clone.querySelectorAll(".headerlink, .hw-copylink").forEach(function (node) { node.remove(); });
      modules[heading.id.slice(7)] = clone.textContent.replace(/\s+/g, " ").trim();
    });
    return Array.prototype.map.call(root.querySelectorAll("[data-hw-item]"), function (fieldset) {
      var id = fieldset.getAttribute("data-hw-item"), link = fieldset.querySelector("legend a");
      var parts = /^m(\d+)-cp(\d+)$/.exec(id);
      return {
        id: id, fieldset: fieldset, module: Number(parts[1]), number: Number(parts[2]),
        moduleTitle: modules[parts[1]] || "", title: link ? link.textContent.replace(/\s+/g, " ").trim() : id,
        href: link ? link.href : ""
      };
    });
  }

  function answerOf(id) { return (page.store.items[id] || {}).answer || ""; }

  function fill() {
    page.items.forEach(function (item) {
      var kept = page.store.items[item.id] || {};
      item.fieldset.querySelectorAll("input[type=radio]").forEach(function (radio) {
        radio.checked = radio.value === kept.answer;
      });
      var remark = item.fieldset.querySelector("textarea");
      if (remark) remark.value = kept.remark || "";
    });
  }

  /* ------------------------------------------------------------ the controls scripts add */

  function notice(message) {
    var box = page.root.querySelector(".hw-wc__notice");
    var line = el("p", "", message);
    box.appendChild(line);
    box.hidden = false;
  }

  function buildTop() {
    var s = page.s, top = el("div", "hw-wc__tools");
    var box = el("div", "hw-wc__notice");
    box.setAttribute("role", "alert");
    box.hidden = true;
    top.appendChild(box);
    top.appendChild(el("p", "hw-wc__privacy", page.canStore ? s.saved : s.nostorage));
    var reset = el("div", "hw-wc__reset");
    var start = button("hw-wc__reset-start", s.reset);
    start.setAttribute("data-hw-wc", "reset");
    start.setAttribute("aria-expanded", "false");
    start.setAttribute("aria-controls", "hw-wc-reset-ask");
    var ask = el("div", "hw-wc__reset-ask");
    ask.id = "hw-wc-reset-ask";
    ask.hidden = true;
    ask.appendChild(el("p", "", s["reset.ask"]));
    var yes = button("hw-wc__danger", s["reset.yes"]), no = button("", s["reset.no"]);
    yes.setAttribute("data-hw-wc", "reset-yes");
    no.setAttribute("data-hw-wc", "reset-no");
    ask.appendChild(yes);
    ask.appendChild(no);
    reset.appendChild(start);
    reset.appendChild(ask);
    top.appendChild(reset);

    var bar = el("div", "hw-wc__bar");
    var progress = el("p", "hw-wc__progress");
    progress.setAttribute("aria-live", "polite");
    bar.appendChild(progress);
    var label = el("label", "hw-wc__jump-label hw-wc__hidden");
    var select = el("select", "hw-wc__jump-select");
    select.id = "hw-wc-jump";
    label.htmlFor = "hw-wc-jump";
    label.textContent = s.jump;
    select.appendChild(el("option", "", s.jump)).value = "";
    page.root.querySelectorAll(".hw-wc__jump a").forEach(function (a) {
      // a.hash: Material makes same-page links absolute
      var id = decodeURIComponent(a.hash.slice(1)), heading = document.getElementById(id);
      var option = el("option", "", heading ? page.moduleName(heading) : a.textContent);
      option.value = id;
      select.appendChild(option);
    });
    var plan = el("option", "", s["plan.title"]);
    plan.value = "action-plan";
    select.appendChild(plan);
    bar.appendChild(label);
    bar.appendChild(select);
    page.root.insertBefore(bar, page.root.firstChild);
    page.root.insertBefore(top, bar);
  }

  function buildPlan() {
    var s = page.s, section = page.root.querySelector("[data-hw-plan]");
    var live = el("div", "hw-wc__live");
    live.appendChild(el("p", "hw-wc__plan-intro", s["plan.intro"]));
    live.appendChild(el("p", "hw-wc__plan-count"));
    live.appendChild(el("div", "hw-wc__cards"));
    var table = el("div", "hw-wc__plan-print");  // the plan as printed on A4 (print.css)
    live.appendChild(table);
    var actions = el("div", "hw-wc__actions");
    [["csv", s.csv], ["copy", s.copy], ["print", s.print]].forEach(function (pair) {
      var node = button("", pair[1]);
      node.setAttribute("data-hw-wc", pair[0]);
      actions.appendChild(node);
    });
    live.appendChild(actions);
    var details = el("details", "hw-wc__summary");
    details.appendChild(el("summary", "", s["summary.show"]));
    var pre = el("pre", "hw-wc__summary-text");
    details.appendChild(pre);
    live.appendChild(details);
    section.appendChild(live);
  }

  /* ------------------------------------------------------------ the plan */

  function planItems() {
    var priority = [], yes = [];
    page.items.forEach(function (item) {
      var answer = answerOf(item.id);
      if (answer === "priority") priority.push(item);
      else if (answer === "yes") yes.push(item);
    });
    return { priority: priority, yes: yes, all: priority.concat(yes) };
  }

  function planCard(item) {
    var s = page.s, kept = page.store.items[item.id] || {}, answer = kept.answer;
    var card = el("fieldset", "hw-wc__card hw-wc__card--" + answer);
    card.setAttribute("data-hw-plan-item", item.id);
    var legend = el("legend");
    legend.appendChild(el("span", "hw-wc__badge hw-wc__badge--" + answer, s["answer." + answer]));
    legend.appendChild(el("span", "hw-wc__num", item.module + "." + item.number));
    var link = el("a", "", item.title);
    link.href = "#" + item.id;
    legend.appendChild(link);
    card.appendChild(legend);
    PLAN_FIELDS.forEach(function (pair) {
      var field = pair[0], kind = pair[1], id = "hw-wc-" + item.id + "-" + field;
      var wrap = el("div", "hw-wc__field hw-wc__field--" + field);
      var label = el("label", "", s["plan." + field]);
      label.htmlFor = id;
      var input = kind === "textarea" ? el("textarea") : el("input");
      if (kind === "textarea") input.rows = 2;
      else input.type = kind;
      input.id = id;
      input.setAttribute("data-hw-plan-field", field);
      input.value = field === "what" ? (kept.what || item.title) : (kept[field] || "");
      wrap.appendChild(label);
      wrap.appendChild(input);
      card.appendChild(wrap);
    });
    return card;
  }

  function renderPlan() {
    var s = page.s, plan = planItems(), root = page.root;
    var cards = root.querySelector(".hw-wc__cards");
    var focused = document.activeElement, focusKey = null;
    if (focused && cards.contains(focused)) {
      focusKey = [focused.closest("[data-hw-plan-item]").getAttribute("data-hw-plan-item"),
                  focused.getAttribute("data-hw-plan-field")];
    }
    var fragment = document.createDocumentFragment();
    plan.all.forEach(function (item) { fragment.appendChild(planCard(item)); });
    cards.replaceChildren(fragment);
    if (focusKey) {
      var again = cards.querySelector('[data-hw-plan-item="' + focusKey[0] + '"] [data-hw-plan-field="' + focusKey[1] + '"]');
      if (again) again.focus();
    }
    root.toggleAttribute("data-hw-plan-empty", !plan.all.length);  // print.css: the blank plan instead
    root.querySelector(".hw-wc__plan-count").textContent = plan.all.length
      ? format(s["plan.count"], { priority: plan.priority.length, yes: plan.yes.length }) : s["plan.empty"];
    renderPrintTable(plan.all);
    root.querySelector(".hw-wc__summary-text").textContent = summary();
    root.querySelectorAll("[data-hw-wc=csv], [data-hw-wc=print]").forEach(function (node) {
      node.disabled = !plan.all.length;
    });
  }

  function planRow(item) {
    var kept = page.store.items[item.id] || {}, s = page.s;
    return {
      item: item, answer: s["answer." + kept.answer], what: kept.what || item.title, who: kept.who || "",
      when: kept.when || "", cost: kept.cost || "", follow: kept.follow || "", remark: kept.remark || ""
    };
  }

  function renderPrintTable(items) {
    var s = page.s, box = page.root.querySelector(".hw-wc__plan-print");
    if (!items.length) { box.replaceChildren(); return; }
    var table = el("table"), head = el("thead"), row = el("tr");
    ["#", s["plan.mark"], s["plan.what"], s["plan.who"], s["plan.when"], s["plan.cost"], s["plan.follow"]]
      .forEach(function (text) { row.appendChild(el("th", "", text)); });
    head.appendChild(row);
    table.appendChild(head);
    var body = el("tbody");
    items.forEach(function (item) {
      var r = planRow(item), tr = el("tr");
      [item.module + "." + item.number, r.answer, r.what + (r.remark ? "\n" + s.remark + ": " + r.remark : ""),
       r.who, r.when, r.cost, r.follow].forEach(function (text) { tr.appendChild(el("td", "", text)); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.replaceChildren(table);
  }

  /* ------------------------------------------------------------ progress */

  function renderProgress() {
    var answered = page.items.filter(function (item) { return answerOf(item.id); }).length;
    page.root.querySelector(".hw-wc__progress").textContent =
      format(page.s.progress, { n: answered, total: page.items.length });
  }

  /* ------------------------------------------------------------ CSV and summary */

  function csvField(value) { return '"' + String(value).replace(/"/g, '""') + '"'; }

  /* UTF-8 with a byte order mark, CRLF line ends and every field quoted: what Excel and
     WPS need to open Chinese text correctly with a double click. */
  function csv() {
    var s = page.s, lines = [];
    lines.push([s["plan.mark"], s["plan.module"], s["plan.checkpoint"], s["plan.title_column"], s["plan.what"],
                s["plan.who"], s["plan.when"], s["plan.cost"], s["plan.follow"], s.remark].map(csvField).join(","));
    planItems().all.forEach(function (item) {
      var r = planRow(item);
      lines.push([r.answer, item.module, item.number, item.title, r.what, r.who, r.when, r.cost, r.follow, r.remark]
        .map(csvField).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function download() {
    var blob = new Blob([csv()], { type: "text/csv;charset=utf-8" });
    var url = URL.createObjectURL(blob), a = el("a");
    a.href = url;
    a.download = page.s["csv.file"] + "-" + today() + ".csv";
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  function summary() {
    var s = page.s, plan = planItems(), lines = [format(s["summary.title"], { date: today() })];
    lines.push(format(s.progress, { n: page.items.filter(function (i) { return answerOf(i.id); }).length, total: page.items.length }));
    if (!plan.all.length) {
      lines.push(s["summary.none"]);
      return lines.join("\n");
    }
    lines.push(format(s["plan.count"], { priority: plan.priority.length, yes: plan.yes.length }));
    plan.all.forEach(function (item) {
      var r = planRow(item), fields = [];
      lines.push("");
      lines.push(format(s["summary.mark"], { answer: r.answer }) + item.module + "." + item.number + " " + r.what);
      [["who", r.who], ["when", r.when], ["cost", r.cost], ["follow", r.follow]].forEach(function (pair) {
        if (pair[1]) fields.push(format(s["summary.field"], { label: s["plan." + pair[0]], value: pair[1] }));
      });
      if (fields.length) lines.push(fields.join(s["summary.sep"]));
      if (r.remark) lines.push(format(s["summary.field"], { label: s.remark, value: r.remark }));
    });
    return lines.join("\n");
  }

  function copySummary() {
    var text = summary(), tools = window.hwTrainerTools, s = page.s;
    var tell = tools ? tools.toast : function () {};
    var failed = function () {
      var details = page.root.querySelector(".hw-wc__summary");
      details.open = true;
      tell(s["copy.failed"]);
    };
    if (!tools) { failed(); return; }
    tools.copy(text).then(function () { tell(s.copied); }, failed);
  }

  /* ------------------------------------------------------------ print the plan alone */

  function printPlan() {
    var root = document.documentElement;
    root.classList.add("hw-print-plan");
    window.addEventListener("afterprint", function () { root.classList.remove("hw-print-plan"); }, { once: true });
    window.print();
  }

  /* ------------------------------------------------------------ new walk */

  function askReset(open) {
    var start = page.root.querySelector("[data-hw-wc=reset]"), ask = document.getElementById("hw-wc-reset-ask");
    start.setAttribute("aria-expanded", String(open));
    ask.hidden = !open;
    if (open) ask.querySelector("[data-hw-wc=reset-no]").focus();
    else start.focus();
  }

  function reset() {
    page.store = emptyStore();
    if (page.canStore) {
      try { window.localStorage.removeItem(KEY); } catch (error) { /* nothing kept */ }
    }
    fill();
    update();
    askReset(false);
    var box = page.root.querySelector(".hw-wc__notice");
    box.replaceChildren();
    box.hidden = true;
    if (window.hwTrainerTools) window.hwTrainerTools.toast(page.s["reset.done"]);
  }

  /* ------------------------------------------------------------ events */

  function update() {
    renderProgress();
    renderPlan();
  }

  /* what a typed word changes: the printed plan and the summary, not the cards being typed in */
  function refreshOutputs() {
    renderPrintTable(planItems().all);
    page.root.querySelector(".hw-wc__summary-text").textContent = summary();
  }

  function onChange(event) {
    if (!page || !page.root.contains(event.target)) return;
    var target = event.target, item = target.closest("[data-hw-item]"), card = target.closest("[data-hw-plan-item]");
    if (item && target.type === "radio") {
      if (event.type !== "change") return;
      setField(item.getAttribute("data-hw-item"), "answer", target.value);
      update();
    } else if (event.type === "change" && target.id === "hw-wc-jump" && target.value) {
      var heading = document.getElementById(target.value);
      target.value = "";
      if (heading) {
        // below the sticky header and this bar, not under them
        var bar = page.root.querySelector(".hw-wc__bar").getBoundingClientRect();
        window.scrollTo(0, window.scrollY + heading.getBoundingClientRect().top - bar.bottom - 8);
        heading.setAttribute("tabindex", "-1");
        heading.focus({ preventScroll: true });
      }
    } else if (item && target.tagName === "TEXTAREA") {
      setField(item.getAttribute("data-hw-item"), "remark", target.value);
      refreshOutputs();
    } else if (card && target.hasAttribute("data-hw-plan-field")) {
      var id = card.getAttribute("data-hw-plan-item"), field = target.getAttribute("data-hw-plan-field");
      var value = target.value;
      if (field === "what" && value === (page.byId[id] || {}).title) value = "";  // unchanged: follows the checkpoint
      setField(id, field, value);
      refreshOutputs();
    }
  }

  function onClick(event) {
    if (!page) return;
    var target = event.target.closest && event.target.closest("[data-hw-wc]");
    if (!target || !page.root.contains(target)) return;
    var action = target.getAttribute("data-hw-wc");
    if (action === "csv") download();
    else if (action === "copy") copySummary();
    else if (action === "print") printPlan();
    else if (action === "reset") askReset(target.getAttribute("aria-expanded") !== "true");
    else if (action === "reset-no") askReset(false);
    else if (action === "reset-yes") reset();
  }

  /* Another tab of the same site changed the walk: show its answers here too. */
  function onStorage(event) {
    if (!page || event.key !== KEY) return;
    var kept = load();
    page.store = kept.store;
    fill();
    update();
  }

  function setup() {
    var root = document.querySelector("[data-hw-checklist]");
    if (!root) { page = null; return; }
    if (page && page.root === root) return;
    var strings = {};
    try { strings = JSON.parse(root.getAttribute("data-hw-strings") || "{}"); } catch (error) { return; }
    var kept = load();
    page = { root: root, s: strings, store: kept.store, canStore: kept.canStore };
    page.moduleName = function (heading) {
      var clone = heading.cloneNode(true);
      clone.querySelectorAll(".headerlink, .hw-copylink").forEach(function (node) { node.remove(); });
      return clone.textContent.replace(/\s+/g, " ").trim();
    };
    page.items = readItems(root);
    page.byId = {};
    page.items.forEach(function (item) { page.byId[item.id] = item; });
    buildTop();
    buildPlan();
    if (kept.problem === "unreadable") notice(strings.badstorage);
    else if (kept.problem) notice(format(strings.badentries, { n: kept.problem }));
    fill();
    update();
    root.setAttribute("data-hw-ready", "");
  }

  document.addEventListener("change", onChange);
  document.addEventListener("input", onChange);
  document.addEventListener("click", onClick);
  window.addEventListener("storage", onStorage);
  // site.js adds this script once the page is set up: document$ (a replay of the current
  // page, then each page of instant navigation) calls setup() at once and on every page after
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
