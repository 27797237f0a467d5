/* Self-check quizzes (pages built by the hwsite plugin from
   scripts/data/quizzes/). Without this script the page is a list of questions with each
   answer in a <details>. With it: one question at a time in a fieldset, feedback when the
   answer is checked (focus moves to it; the result is announced), a score at the end,
   "try the wrong ones again", and answers and the best score kept in localStorage on this
   device only. ?present shows one large question at a time for a shared screen, the answer
   revealed on a key press. Loaded only by quiz pages; set up again after Material's
   instant navigation (document$). Strings: data-hw-strings on .hw-quiz. */
(function () {
  "use strict";
  if (window.hwQuiz) { window.hwQuiz.setup(); return; }

  var STORE = "hw-quiz:v1:";
  var active = { quiz: null, present: null };

  function format(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key)) || null; } catch (error) { return null; }
  }

  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (error) { /* private mode: keep going */ }
  }

  /* Copy of a text node's content without glossary tab stops (an <abbr tabindex> inside
     a label would add a stop per option) */
  function plainCopy(node) {
    var copy = node.cloneNode(true);
    copy.querySelectorAll("abbr").forEach(function (abbr) { abbr.replaceWith(document.createTextNode(abbr.textContent)); });
    copy.querySelectorAll("[id]").forEach(function (child) { child.removeAttribute("id"); });
    return copy;
  }

  function readQuiz(root) {
    var strings = {};
    try { strings = JSON.parse(root.getAttribute("data-hw-strings") || "{}"); } catch (error) { strings = {}; }
    var questions = Array.prototype.map.call(root.querySelectorAll(".hw-quiz__question"), function (section) {
      var options = Array.prototype.map.call(section.querySelectorAll(".hw-quiz__options > li"), function (li) {
        return {
          letter: (li.querySelector(".hw-quiz__letter") || { textContent: "" }).textContent.replace(/\W+$/, ""),
          text: li.querySelector(".hw-quiz__option"),
          correct: li.hasAttribute("data-hw-correct")
        };
      });
      return {
        id: section.getAttribute("data-hw-q"),
        kind: section.getAttribute("data-hw-kind"),
        section: section,
        prompt: section.querySelector(".hw-quiz__prompt"),
        kindText: section.querySelector(".hw-quiz__kind"),
        options: options,
        solution: section.querySelector(".hw-quiz__solution"),
        explanation: section.querySelector(".hw-quiz__explanation"),
        more: section.querySelector(".hw-quiz__more")
      };
    });
    return {
      root: root, s: strings, questions: questions,
      key: STORE + (root.getAttribute("data-hw-lang") || "") + ":" + root.getAttribute("data-hw-quiz")
    };
  }

  function byId(quiz, id) {
    for (var i = 0; i < quiz.questions.length; i++) if (quiz.questions[i].id === id) return quiz.questions[i];
    return null;
  }

  /* ------------------------------------------------------------ saved state */

  function freshState(quiz) {
    return { answers: {}, queue: quiz.questions.map(function (q) { return q.id; }), best: null };
  }

  function readState(quiz) {
    var state = load(quiz.key);
    if (!state || typeof state.answers !== "object" || !Array.isArray(state.queue)) return freshState(quiz);
    // questions may have changed since the answers were saved
    state.queue = state.queue.filter(function (id) { return byId(quiz, id); });
    Object.keys(state.answers).forEach(function (id) { if (!byId(quiz, id)) delete state.answers[id]; });
    if (!state.queue.length) state.queue = quiz.questions.map(function (q) { return q.id; });
    return state;
  }

  function score(quiz, state) {
    return quiz.questions.filter(function (q) { return state.answers[q.id] && state.answers[q.id].correct; }).length;
  }

  function nextOpen(state) {
    for (var i = 0; i < state.queue.length; i++) if (!state.answers[state.queue[i]]) return state.queue[i];
    return null;
  }

  /* ------------------------------------------------------------ one question at a time */

  function build(quiz) {
    var s = quiz.s, app = element("div", "hw-quiz__app");
    var bar = element("div", "hw-quiz__bar");
    var progress = element("p", "hw-quiz__progress");
    var present = element("button", "md-button hw-quiz__present", s.present);
    present.type = "button";
    present.addEventListener("click", function () { enterPresent(quiz, 0); });
    bar.appendChild(progress);
    bar.appendChild(present);
    var stage = element("div", "hw-quiz__stage");
    var live = element("p", "hw-quiz__live");
    live.setAttribute("aria-live", "polite");
    live.setAttribute("aria-atomic", "true");
    var note = element("p", "hw-quiz__saved", s.saved);
    app.appendChild(bar);
    app.appendChild(stage);
    app.appendChild(live);
    app.appendChild(note);
    quiz.root.insertBefore(app, quiz.root.firstChild);
    quiz.questions.forEach(function (q) { q.section.hidden = true; });
    quiz.app = { root: app, progress: progress, stage: stage, live: live };
  }

  function updateProgress(quiz) {
    var answered = Object.keys(quiz.state.answers).length;
    quiz.app.progress.textContent = format(quiz.s.progress, { n: answered, total: quiz.questions.length });
  }

  function announce(quiz, text) {
    var live = quiz.app.live;
    live.textContent = "";
    // a change the screen reader notices even when the same text comes twice
    setTimeout(function () { live.textContent = text; }, 50);
  }

  function showQuestion(quiz, id) {
    var q = byId(quiz, id), s = quiz.s, stage = quiz.app.stage;
    var number = quiz.questions.indexOf(q) + 1;
    var form = element("form", "hw-quiz__form");
    form.noValidate = true;
    var fieldset = element("fieldset", "hw-quiz__fieldset");
    var legend = element("legend", "hw-quiz__legend");
    legend.appendChild(element("span", "hw-quiz__count", format(s.question, { n: number, total: quiz.questions.length })));
    var prompt = element("span", "hw-quiz__prompt");
    prompt.appendChild(plainCopy(q.prompt));
    legend.appendChild(prompt);
    legend.appendChild(element("span", "hw-quiz__kind", q.kindText.textContent));
    fieldset.appendChild(legend);
    var type = q.kind === "multiple" ? "checkbox" : "radio";
    q.options.forEach(function (option, index) {
      var row = element("div", "hw-quiz__choice");
      var input = document.createElement("input");
      input.type = type;
      input.name = "hw-q-" + q.id;
      input.id = "hw-q-" + q.id + "-" + index;
      input.value = String(index);
      var label = element("label");
      label.htmlFor = input.id;
      label.appendChild(element("span", "hw-quiz__letter", option.letter + "."));
      label.appendChild(document.createTextNode(" "));
      label.appendChild(plainCopy(option.text));
      row.appendChild(input);
      row.appendChild(label);
      fieldset.appendChild(row);
    });
    form.appendChild(fieldset);
    var error = element("p", "hw-quiz__error");
    error.id = "hw-q-" + q.id + "-error";
    error.setAttribute("role", "alert");
    form.appendChild(error);
    var submit = element("button", "md-button md-button--primary hw-quiz__check", s.check);
    submit.type = "submit";
    form.appendChild(submit);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = Array.prototype.filter.call(form.querySelectorAll("input"), function (input) { return input.checked; })
        .map(function (input) { return Number(input.value); });
      if (!chosen.length) {
        error.textContent = s.choose;
        fieldset.setAttribute("aria-describedby", error.id);
        form.querySelector("input").focus();
        return;
      }
      answer(quiz, q, chosen, form);
    });
    stage.replaceChildren(form);
    updateProgress(quiz);
    return form;
  }

  function isRight(q, chosen) {
    return q.options.every(function (option, index) { return option.correct === (chosen.indexOf(index) >= 0); });
  }

  function feedbackBox(quiz, q, right, headingLevel) {
    var s = quiz.s, box = element("div", "hw-quiz__feedback " + (right ? "hw-quiz__feedback--right" : "hw-quiz__feedback--wrong"));
    box.setAttribute("tabindex", "-1");
    var verdict = element(headingLevel || "p", "hw-quiz__verdict", right ? s.correct : s.incorrect);
    box.appendChild(verdict);
    [q.solution, q.explanation, q.more].forEach(function (node) {
      if (node) box.appendChild(node.cloneNode(true));
    });
    return box;
  }

  function answer(quiz, q, chosen, form) {
    var right = isRight(q, chosen), state = quiz.state;
    state.answers[q.id] = { chosen: chosen, correct: right };
    save(quiz.key, state);
    form.querySelectorAll("input").forEach(function (input) { input.disabled = true; });
    form.querySelectorAll(".hw-quiz__choice").forEach(function (row, index) {
      var option = q.options[index], picked = chosen.indexOf(index) >= 0;
      if (option.correct) row.classList.add("hw-quiz__choice--right");
      if (picked && !option.correct) row.classList.add("hw-quiz__choice--wrong");
    });
    var check = form.querySelector(".hw-quiz__check");
    if (check) check.remove();
    form.querySelector(".hw-quiz__error").textContent = "";
    var box = feedbackBox(quiz, q, right);
    var following = nextOpen(state);
    var next = element("button", "md-button md-button--primary hw-quiz__next", following ? quiz.s.next : quiz.s.finish);
    next.type = "button";
    next.addEventListener("click", function () { advance(quiz); });
    box.appendChild(next);
    quiz.app.stage.appendChild(box);
    updateProgress(quiz);
    box.focus();
    announce(quiz, (right ? quiz.s.correct : quiz.s.incorrect) + " " + (q.solution ? q.solution.textContent : ""));
  }

  function advance(quiz) {
    var id = nextOpen(quiz.state);
    if (id) {
      var form = showQuestion(quiz, id);
      var legend = form.querySelector("legend");
      legend.setAttribute("tabindex", "-1");
      legend.focus();
    } else {
      showResults(quiz, true);
    }
  }

  function showResults(quiz, moveFocus) {
    var s = quiz.s, state = quiz.state, total = quiz.questions.length, got = score(quiz, state);
    if (state.best === null || got > state.best) state.best = got;
    save(quiz.key, state);
    var box = element("div", "hw-quiz__results");
    box.setAttribute("tabindex", "-1");
    box.appendChild(element("p", "hw-quiz__score", format(s.score, { score: got, total: total })));
    box.appendChild(element("p", "hw-quiz__best", format(s.best, { best: state.best, total: total })));
    var actions = element("p", "hw-quiz__actions");
    var wrong = quiz.questions.filter(function (q) { return !(state.answers[q.id] && state.answers[q.id].correct); });
    if (wrong.length) {
      var retry = element("button", "md-button md-button--primary hw-quiz__retry", s.retry);
      retry.type = "button";
      retry.addEventListener("click", function () {
        state.queue = wrong.map(function (q) { return q.id; });
        wrong.forEach(function (q) { delete state.answers[q.id]; });
        save(quiz.key, state);
        advance(quiz);
      });
      actions.appendChild(retry);
    }
    var restart = element("button", "md-button hw-quiz__restart", s.restart);
    restart.type = "button";
    restart.addEventListener("click", function () {
      var best = state.best;
      quiz.state = state = freshState(quiz);
      state.best = best;
      save(quiz.key, state);
      advance(quiz);
    });
    actions.appendChild(restart);
    box.appendChild(actions);
    quiz.app.stage.replaceChildren(box);
    updateProgress(quiz);
    if (moveFocus) box.focus();
    announce(quiz, format(s.score, { score: got, total: total }));
  }

  function resume(quiz) {
    var id = nextOpen(quiz.state);
    if (id) showQuestion(quiz, id);
    else showResults(quiz, false);
  }

  /* ------------------------------------------------------------ present view */

  /* A question with its answer is often longer than a projected screen: the slide scrolls
     within itself, as in the checkpoints' present view, whose code (trainer-tools.js, on
     every page) this shares. */
  function slides() { return window.hwTrainerTools; }

  function enterPresent(quiz, index) {
    if (active.present) return;
    var s = quiz.s, overlay = element("div", "hw-present hw-quiz-present");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-labelledby", "hw-quiz-present-title");
    var bar = element("div", "hw-present__bar");
    var h1 = document.querySelector(".md-content h1");
    var title = element("p", "hw-present__title", h1 ? h1.textContent.replace(/¶\s*$/, "").trim() : s["present.label"]);
    title.id = "hw-quiz-present-title";
    var count = element("p", "hw-present__count");
    count.setAttribute("aria-live", "polite");
    var exit = element("button", "hw-present__button", s["present.exit"] + " (Esc)");
    exit.type = "button";
    exit.addEventListener("click", function () { leavePresent(); });
    bar.appendChild(title);
    bar.appendChild(count);
    bar.appendChild(exit);
    var slide = element("div", "hw-present__slide hw-quiz-present__slide md-typeset");
    slide.setAttribute("tabindex", "-1");
    var nav = element("div", "hw-present__nav");
    var prev = element("button", "hw-present__button", "← " + s["present.prev"]);
    var reveal = element("button", "hw-present__button hw-quiz-present__reveal", s["present.reveal"]);
    var next = element("button", "hw-present__button", s["present.next"] + " →");
    [prev, reveal, next].forEach(function (button) { button.type = "button"; nav.appendChild(button); });
    prev.addEventListener("click", function () { presentStep(-1); });
    next.addEventListener("click", function () { presentStep(1); });
    reveal.addEventListener("click", function () { presentReveal(); });
    var keys = element("p", "hw-present__keys", s["present.keys"]);
    var body = element("div", "hw-present__body");
    body.appendChild(slides().slideFrame(slide, s["present.more"]));
    nav.insertBefore(keys, next);
    overlay.appendChild(bar);
    overlay.appendChild(body);
    overlay.appendChild(nav);
    var inert = [];
    Array.prototype.forEach.call(document.body.children, function (node) {
      if (node.tagName !== "SCRIPT" && !node.inert) { node.inert = true; inert.push(node); }
    });
    document.body.appendChild(overlay);
    document.documentElement.classList.add("hw-presenting");
    active.present = { quiz: quiz, overlay: overlay, slide: slide, count: count, reveal: reveal, prev: prev, next: next, inert: inert, index: 0, shown: false };
    presentShow(Math.max(0, Math.min(index || 0, quiz.questions.length - 1)));
    slide.focus();
    // opened by the address (?present) before the page has loaded: when it has, the browser goes
    // to the address's #q-… (the question's id on the page) and that takes the focus to the page
    if (document.readyState !== "complete") {
      window.addEventListener("load", function () {
        if (active.present && active.present.slide === slide && !active.present.overlay.contains(document.activeElement)) slide.focus();
      }, { once: true });
    }
  }

  function presentShow(index, atEnd) {
    var p = active.present, quiz = p.quiz, q = quiz.questions[index], s = quiz.s;
    p.index = index;
    p.shown = false;
    var heading = element("h2", "hw-quiz-present__prompt");
    heading.appendChild(plainCopy(q.prompt));
    var list = element("ol", "hw-quiz-present__options");
    q.options.forEach(function (option) {
      var li = element("li");
      if (option.correct) li.setAttribute("data-hw-correct", "");
      li.appendChild(element("span", "hw-quiz__letter", option.letter + "."));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(plainCopy(option.text));
      list.appendChild(li);
    });
    var kind = element("p", "hw-quiz-present__kind", q.kindText.textContent);
    p.slide.replaceChildren(heading, kind, list);
    p.slide.classList.remove("hw-quiz-present__slide--revealed");
    slides().slideShown(p.slide, atEnd);
    p.count.textContent = format(s["present.count"], { n: index + 1, total: quiz.questions.length });
    p.prev.setAttribute("aria-disabled", String(index === 0));
    p.next.setAttribute("aria-disabled", String(index === quiz.questions.length - 1));
    p.reveal.setAttribute("aria-disabled", "false");
    history.replaceState(history.state, "", location.pathname + location.search + "#q-" + q.id);
  }

  function presentReveal() {
    var p = active.present;
    if (!p || p.shown) return;
    var q = p.quiz.questions[p.index];
    p.shown = true;
    p.slide.classList.add("hw-quiz-present__slide--revealed");
    var box = feedbackBox(p.quiz, q, true, "p");
    box.removeAttribute("tabindex");
    box.querySelector(".hw-quiz__verdict").remove();
    box.className = "hw-quiz-present__answer";
    p.slide.appendChild(box);
    p.reveal.setAttribute("aria-disabled", "true");
    showAnswer(p.slide, box);
  }

  // the answer comes below the options, often under the screen's edge: scroll to it
  function showAnswer(slide, box) {
    var top = box.getBoundingClientRect().top - slide.getBoundingClientRect().top;
    var under = box.getBoundingClientRect().bottom - slide.getBoundingClientRect().bottom;
    // as much of the answer as fits, its start always on the screen
    if (under > 0) slide.scrollTop += Math.min(under, top);
    slides().updateCue(slide);
  }

  function presentStep(delta, atEnd) {
    var p = active.present, next = p && p.index + delta;
    if (p && next >= 0 && next < p.quiz.questions.length) presentShow(next, atEnd);
  }

  // scroll keys: the rest of this slide first; at its end atBottom (Space: the answer, then the next question) or the next slide
  function presentScroll(direction, lines, atBottom) {
    if (slides().scrollSlide(active.present.slide, direction, lines)) return;
    if (atBottom) atBottom();
    else presentStep(direction, direction < 0);
  }

  function revealOrNext() {
    if (active.present.shown) presentStep(1);
    else presentReveal();
  }

  function leavePresent() {
    var p = active.present;
    if (!p) return;
    active.present = null;
    p.overlay.remove();
    p.inert.forEach(function (node) { node.inert = false; });
    document.documentElement.classList.remove("hw-presenting");
    var search = location.search.replace(/([?&])present(=[^&]*)?(&|$)/, "$1").replace(/[?&]$/, "");
    history.replaceState(history.state, "", location.pathname + search);
    var button = document.querySelector(".hw-quiz__present");
    if (button) button.focus();
  }

  function onKey(event) {
    var p = active.present;
    if (!p || event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    var key = event.key, onControl = event.target.closest && event.target.closest("button, a[href]");
    if (key === "Escape") leavePresent();
    else if (key === "Enter" && !onControl) revealOrNext();
    else if (key === " " && !onControl) presentScroll(event.shiftKey ? -1 : 1, 0, event.shiftKey ? null : revealOrNext);
    else if (key === "PageDown" || key === "PageUp") presentScroll(key === "PageDown" ? 1 : -1);
    else if (key === "ArrowDown" || key === "ArrowUp") presentScroll(key === "ArrowDown" ? 1 : -1, 3);
    else if (key === "ArrowRight") presentStep(1);
    else if (key === "ArrowLeft") presentStep(-1);
    else if (key === "Home") presentShow(0);
    else if (key === "End") presentShow(p.quiz.questions.length - 1);
    else if (key === "Tab") {
      if (!slides().keepFocusInside(event, p.overlay.querySelectorAll("a[href], button, .hw-quiz-present__slide"))) return;
    } else {
      event.stopPropagation();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  /* ------------------------------------------------------------ wiring */

  function setup() {
    var root = document.querySelector(".hw-quiz[data-hw-quiz]");
    if (active.present && (!root || active.present.quiz.root !== root)) leavePresent();
    if (!root || root.hwQuizReady) return;
    root.hwQuizReady = true;
    var quiz = readQuiz(root);
    if (!quiz.questions.length) return;
    quiz.state = readState(quiz);
    active.quiz = quiz;
    build(quiz);
    resume(quiz);
    if (/[?&]present(=|&|$)/.test(location.search)) {
      var match = /^#q-(.+)$/.exec(location.hash), index = 0;
      if (match) quiz.questions.forEach(function (q, i) { if (q.id === match[1]) index = i; });
      enterPresent(quiz, index);
    }
  }

  function start() {
    window.addEventListener("keydown", onKey, true);  // capture: before Material's shortcuts
    if (window.document$ && typeof window.document$.subscribe === "function") window.document$.subscribe(function () { setup(); });
    else setup();
  }

  window.hwQuiz = { setup: setup };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
