"""Self-check quizzes: the data checks (one test per finding code, on tiny fixture trees),
the pages built in both languages, and the quiz in headless Chromium (answer, feedback,
score, progress kept over a reload, present view, offline and from file://)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT, address, goto_settled, open_page
from test_trainer_tools import projector  # noqa: F401 (a fixture: the screen sizes of the present views)
from hwsite import quiz as hwquiz
from hwsite.lint_rules import quizzes as quiz_rules

SLUG = "03-biological-hazards"
QUIZ_URL = f"modules/{SLUG}/quiz/"
EN = {"quiz.title": "Check yourself: Module {n}", "quiz.description": "{total} questions, Module {n}.",
      "quiz.about": "A quiz on {module}.", "quiz.module.link": "Read the module", "quiz.intro": "{total} questions.",
      "quiz.question": "Question {n} of {total}", "quiz.kind.single": "Choose one.",
      "quiz.kind.multiple": "Choose all.", "quiz.kind.true-false": "True or false?",
      "quiz.kind.scenario": "What would you do?", "quiz.true": "True", "quiz.false": "False",
      "quiz.show": "Show the answer", "quiz.answer.one": "Answer: {answer}", "quiz.answer.many": "Answers: {answer}",
      "quiz.join": "; ", "quiz.read": "Read checkpoint {n}", "quiz.back": "Back to {module}",
      **{f"quiz.{key}": key for key in hwquiz.JS_STRINGS if f"quiz.{key}" not in ("quiz.true", "quiz.false")}}


# ---------------------------------------------------------------- fixtures: a module and its quiz

MODULE_PAGE = """\
---
title: "Module 3: Test"
---

# Module 3: Test

## Checkpoints {#checkpoints}

### Checkpoint 1: One {#checkpoint-1}

### Checkpoint 2: Two {#checkpoint-2}

### Checkpoint 3: Three {#checkpoint-3}
"""


def question(number: int, **changes) -> dict:
    base = {
        "id": f"q{number}", "kind": "single", "checkpoint": 1 + number % 3,
        "prompt": {"en": f"Question {number}?", "zh": f"第{number}题？"},
        "options": [{"en": "Right", "zh": "对的做法", "correct": True}, {"en": "Wrong", "zh": "错的做法"}],
        "explanation": {"en": "Because.", "zh": "因为如此。"},
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def write_tree(tmp_path: Path, questions: list[dict] | None = None, text: str | None = None,
               zh_module: bool = True) -> tuple[Path, Path, Path]:
    en, zh = tmp_path / "docs", tmp_path / "docs_zh"
    (en / "modules").mkdir(parents=True)
    (en / "modules" / f"{SLUG}.md").write_text(MODULE_PAGE, encoding="utf-8")
    if zh_module:
        (zh / "modules").mkdir(parents=True)
        (zh / "modules" / f"{SLUG}.md").write_text(MODULE_PAGE, encoding="utf-8")
    path = tmp_path / "quizzes" / f"{SLUG}.yml"
    path.parent.mkdir()
    if text is None:
        text = json.dumps({"questions": questions if questions is not None else [question(n) for n in range(1, 7)]},
                          ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    return path, en, zh


def findings(tmp_path, questions=None, text=None, **kwargs):
    path, en, zh = write_tree(tmp_path, questions, text, **kwargs)
    return quiz_rules.check_file(path, "quiz.yml", en, zh)


def codes(found) -> list[str]:
    return [f.code for f in found]


# ---------------------------------------------------------------- the data checks

def test_a_good_quiz_has_no_findings(tmp_path):
    assert findings(tmp_path) == []


def test_the_real_quizzes_are_clean_and_cover_every_module():
    modules = sorted(p.stem for p in (ROOT / "docs" / "modules").glob("0*.md"))
    assert [p.stem for p in hwquiz.quiz_files()] == modules
    for path in hwquiz.quiz_files():
        quiz = hwquiz.load_quiz(path)
        assert hwquiz.MIN_QUESTIONS <= len(quiz.questions) <= hwquiz.MAX_QUESTIONS
        assert quiz_rules.check_quiz(quiz, ROOT / "docs", ROOT / "docs_zh") == [], path.name
        kinds = {q.kind for q in quiz.questions}
        assert "scenario" in kinds or "multiple" in kinds, f"{path.name}: only recall questions"


def test_finding_lines_point_into_the_yaml_file(tmp_path):
    text = textwrap.dedent("""\
        questions:
          - id: first
            kind: single
            checkpoint: 9
            prompt: {en: "A?", zh: "甲？"}
            options:
              - {en: "x", zh: "乙"}
              - {en: "y", zh: "丙"}
            explanation: {en: "E.", zh: "解释。"}
        """)
    found = findings(tmp_path, text=text)
    by_code = {f.code: f.line for f in found}
    assert by_code["quiz-anchor-missing"] == 4
    assert by_code["quiz-answer-missing"] == 6
    assert by_code["quiz-question-count"] == 1
    assert all(f.file == "quiz.yml" for f in found)


@pytest.mark.parametrize("change, code", [
    ({"options": [{"en": "a", "zh": "甲"}, {"en": "b", "zh": "乙"}]}, "quiz-answer-missing"),
    ({"kind": "true-false", "options": None}, "quiz-answer-missing"),
    ({"options": [{"en": "a", "zh": "甲", "correct": True}, {"en": "b", "zh": "乙", "correct": True}]}, "quiz-answer-invalid"),
    ({"kind": "multiple", "options": [{"en": "a", "zh": "甲", "correct": True}, {"en": "b", "zh": "乙", "correct": True}]},
     "quiz-answer-invalid"),
    ({"options": [{"en": "a", "zh": "甲", "correct": True}]}, "quiz-options-invalid"),
    ({"kind": "true-false", "answer": True}, "quiz-options-invalid"),
    ({"explanation": None}, "quiz-explanation-missing"),
    ({"checkpoint": None}, "quiz-checkpoint-missing"),
    ({"checkpoint": 9}, "quiz-anchor-missing"),
    ({"checkpoint": [1, 8]}, "quiz-anchor-missing"),
    ({"prompt": {"en": "Only English?"}}, "quiz-translation-missing"),
    ({"explanation": {"en": "", "zh": "解释。"}}, "quiz-translation-missing"),
    ({"options": [{"en": "a", "correct": True}, {"en": "b", "zh": "乙"}]}, "quiz-translation-missing"),
    ({"kind": "essay"}, "quiz-kind-invalid"),
    ({"kind": None}, "quiz-kind-invalid"),
    ({"id": "Bad Id"}, "quiz-id-invalid"),
    ({"id": None}, "quiz-id-invalid"),
    ({"id": "q2"}, "quiz-id-duplicate"),
    ({"colour": "red"}, "quiz-invalid"),
    ({"prompt": "not per language"}, "quiz-invalid"),
    ({"checkpoint": "four"}, "quiz-invalid"),
    ({"prompt": {"en": "A?", "zh": "甲,乙"}}, "halfwidth-punctuation"),
])
def test_each_data_error_is_reported(tmp_path, change, code):
    questions = [question(n) for n in range(1, 7)]
    questions[0] = question(1, **change)
    found = findings(tmp_path, questions)
    assert code in codes(found), found
    assert all(f.file == "quiz.yml" and f.line for f in found)


def test_question_count_and_missing_module_page(tmp_path):
    assert codes(findings(tmp_path / "a", [question(n) for n in range(1, 6)])) == ["quiz-question-count"]
    assert codes(findings(tmp_path / "b", [question(n) for n in range(1, 12)])) == ["quiz-question-count"]
    assert codes(findings(tmp_path / "c", zh_module=False)) == ["quiz-module-missing"]


def test_deprecated_chinese_terms_are_reported_on_the_quiz_line(tmp_path):
    from hwsite.glossary import load_glossary, GLOSSARY_FILE

    questions = [question(n) for n in range(1, 7)]
    questions[2] = question(3, prompt={"en": "Needlestick?", "zh": "发生针扎伤后怎么办？"})
    path, en, zh = write_tree(tmp_path, questions)
    found = quiz_rules.check_file(path, "quiz.yml", en, zh, load_glossary(GLOSSARY_FILE))
    assert codes(found) == ["deprecated-term"]
    line = path.read_text(encoding="utf-8").splitlines()[found[0].line - 1]
    assert "针扎伤" in line


def test_broken_yaml_is_bad_input_with_a_line(tmp_path):
    path, en, zh = write_tree(tmp_path, text="questions:\n  - id: a\n    prompt: [\n")
    with pytest.raises(hwquiz.QuizError) as error:
        quiz_rules.check_file(path, "quiz.yml", en, zh)
    assert error.value.line is not None and str(error.value).startswith("quiz.yml:")


def test_lint_content_reports_quiz_files_and_exit_codes(tmp_path, capsys):
    import lint_content

    questions = [question(n) for n in range(1, 7)]
    questions[0] = question(1, options=[{"en": "a", "zh": "甲"}, {"en": "b", "zh": "乙"}])
    bad = tmp_path / "bad" / f"{SLUG}.yml"  # a real module's name: its anchors come from docs/
    bad.parent.mkdir()
    bad.write_text(json.dumps({"questions": questions}, ensure_ascii=False), encoding="utf-8")
    assert lint_content.main([str(bad), "--only", "quizzes"]) == 1
    out = capsys.readouterr().out
    assert re.search(rf"{re.escape(bad.as_posix())}:\d+: error: quiz-answer-missing", out)
    broken = tmp_path / "broken.yml"
    broken.write_text("questions: [\n", encoding="utf-8")
    assert lint_content.main([str(broken)]) == 2
    assert lint_content.main(["--only", "quizzes"]) == 0


# ---------------------------------------------------------------- rendering

def test_page_markup_works_without_javascript():
    quiz = hwquiz.load_quiz(hwquiz.QUIZ_DIR / f"{SLUG}.yml")
    text = hwquiz.render_quiz_markdown(quiz, "en", EN, module=3, module_title="Module 3", script_src="q.js")
    for q in quiz.questions:
        assert f'id="q-{q.id}"' in text
    assert text.count('<details class="hw-quiz__answer" markdown>') == len(quiz.questions)
    assert f"](../{SLUG}.md#checkpoint-5)" in text
    assert text.count("data-hw-correct") == sum(sum(c for _, c in q.choices()) for q in quiz.questions)
    assert text.rstrip().endswith('<script src="q.js"></script>')


# ---------------------------------------------------------------- the built site

def question_ids(html: str) -> list[str]:
    return re.findall(r'<h2 class="hw-quiz__count" id="q-([a-z0-9-]+)"', html)


def test_every_quiz_page_exists_in_both_languages_with_the_same_questions(real_site):
    for path in hwquiz.quiz_files():
        quiz = hwquiz.load_quiz(path)
        ids = [q.id for q in quiz.questions]
        pages = {}
        for prefix in ("", "zh/"):
            page = real_site / prefix / "modules" / quiz.slug / "quiz" / "index.html"
            assert page.exists(), page
            pages[prefix] = page.read_text(encoding="utf-8")
            assert question_ids(pages[prefix]) == ids
            assert 'src="../../../' + ("../" if prefix else "") + 'assets/javascripts/quiz.js"' in pages[prefix]
            module = (real_site / prefix / "modules" / quiz.slug / "index.html").read_text(encoding="utf-8")
            assert 'href="quiz/"' in module and 'href="quiz/?present"' in module
        assert '<html lang="zh-Hans"' in pages["zh/"] and '<html lang="en"' in pages[""]
        assert f'hreflang="en" href="https://healthwise-osh.github.io/modules/{quiz.slug}/quiz/"' in pages["zh/"]
    index = (real_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "/quiz/" not in index  # the module page is where search should land
    assert "modules/03-biological-hazards/quiz/" in (real_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "zh/modules/03-biological-hazards/quiz/" in (real_site / "zh" / "sitemap.xml").read_text(encoding="utf-8")


# ---------------------------------------------------------------- in the browser

def numbers(locator) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", locator.inner_text())]


def answer_current(page, right: bool):
    """Answer the question on screen, rightly or wrongly, and wait for the feedback."""
    quiz = page.evaluate("""() => {
        const legend = document.querySelector('.hw-quiz__legend .hw-quiz__count').textContent;
        const n = Number(legend.match(/\\d+/)[0]) - 1;
        const section = document.querySelectorAll('.hw-quiz__question')[n];
        return [...section.querySelectorAll('.hw-quiz__options > li')].map(li => li.hasAttribute('data-hw-correct'));
    }""")
    choices = page.locator(".hw-quiz__choice input")
    if right:
        picks = [i for i, correct in enumerate(quiz) if correct]
    else:
        picks = [next(i for i, correct in enumerate(quiz) if not correct)]
    for index in picks:
        choices.nth(index).check()
    page.locator(".hw-quiz__check").click()
    page.locator(".hw-quiz__feedback").wait_for()


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_answer_feedback_score_and_progress_kept_over_a_reload(phone, site_url, lang):
    page = open_page(phone, site_url + lang + QUIZ_URL)
    total = page.locator(".hw-quiz__question").count()
    assert page.locator(".hw-quiz__question:visible").count() == 0  # one question at a time
    assert page.locator("fieldset.hw-quiz__fieldset legend").count() == 1
    # checking without a choice says what to do
    page.locator(".hw-quiz__check").click()
    assert page.locator(".hw-quiz__error").inner_text().strip() != ""
    answer_current(page, right=False)
    feedback = page.locator(".hw-quiz__feedback")
    assert page.evaluate("document.activeElement.classList.contains('hw-quiz__feedback')")
    assert feedback.locator(".hw-quiz__explanation").inner_text().strip()
    assert feedback.locator(f'a[href$="#checkpoint-5"]').count() == 1
    assert page.locator(".hw-quiz__choice--wrong").count() == 1 and page.locator(".hw-quiz__choice--right").count() >= 1
    page.locator(".hw-quiz__live").filter(has_text=re.compile(r"\S")).wait_for(state="attached")
    page.locator(".hw-quiz__next").click()
    answer_current(page, right=True)
    assert "hw-quiz__feedback--right" in feedback.get_attribute("class")
    # reload: the two answers are kept and the quiz goes on at question 3
    goto_settled(page)
    assert numbers(page.locator(".hw-quiz__legend .hw-quiz__count")) == [3, total]
    for _ in range(total - 2):
        answer_current(page, right=True)
        page.locator(".hw-quiz__next").click()
    results = page.locator(".hw-quiz__results")
    results.wait_for()
    assert sorted(numbers(page.locator(".hw-quiz__score"))) == [total - 1, total]
    assert sorted(numbers(page.locator(".hw-quiz__best"))) == [total - 1, total]
    # try the wrong one again: only question 1 comes back
    page.locator(".hw-quiz__retry").click()
    assert numbers(page.locator(".hw-quiz__legend .hw-quiz__count")) == [1, total]
    answer_current(page, right=True)
    page.locator(".hw-quiz__next").click()
    assert numbers(page.locator(".hw-quiz__score")) == [total, total]
    assert page.locator(".hw-quiz__retry").count() == 0
    goto_settled(page)
    assert numbers(page.locator(".hw-quiz__best")) == [total, total]
    stored = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('hw-quiz:'))")
    assert stored == [f"hw-quiz:v1:{'zh' if lang else 'en'}:{SLUG}"]


def test_without_javascript_every_answer_is_in_a_details(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + QUIZ_URL)
        sections = page.locator(".hw-quiz__question")
        assert sections.count() == page.locator("details.hw-quiz__answer").count() >= 6
        first = page.locator("details.hw-quiz__answer").first
        assert not first.locator(".hw-quiz__explanation").is_visible()
        first.locator("summary").click()
        assert first.locator(".hw-quiz__explanation").is_visible()
    finally:
        context.close()


def test_keyboard_only_answer(phone, site_url):
    page = open_page(phone, site_url + QUIZ_URL)
    page.locator(".hw-quiz__choice input").first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.locator(".hw-quiz__feedback").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('hw-quiz__feedback')")


def test_present_view_reveals_the_answer_on_a_key_press(browser, site_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page = open_page(context, site_url + "zh/" + QUIZ_URL + "?present")
        overlay = page.locator(".hw-quiz-present")
        overlay.wait_for()
        assert page.locator(".hw-quiz-present__answer").count() == 0
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.hw-quiz-present__slide')).fontSize)")
        assert size >= 20
        # Space first scrolls a slide taller than the screen (with a Chinese font, the first
        # question is, at 1280x720), then shows the answer, then goes to the next question.
        at_bottom = ("(s => s.scrollTop + s.clientHeight >= s.scrollHeight - 1)"
                     "(document.querySelector('.hw-quiz-present__slide'))")
        for _ in range(10):
            seen_whole = page.evaluate(at_bottom)
            page.keyboard.press("Space")
            if page.locator(".hw-quiz-present__answer").count():
                assert seen_whole, "the answer came before the whole question was on the screen"
                break
        else:
            raise AssertionError("Space never showed the answer")
        for _ in range(10):
            page.keyboard.press("Space")  # the rest of the answer, then the next question
            if "2" in page.locator(".hw-present__count").inner_text():
                break
        assert "2" in page.locator(".hw-present__count").inner_text()
        assert page.locator(".hw-quiz-present__answer").count() == 0  # hidden again
        page.keyboard.press("Escape")
        assert overlay.count() == 0 and "present" not in address(page)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_quiz_present_view_never_cuts_a_slide_off(projector, site_url, lang):
    """Every question of every quiz, presented with Space alone: the whole question is on the
    screen (scrolled to) before its answer is shown, and then the whole answer."""
    from test_trainer_tools import MODULE_PAGES, assert_covered, band, check_frame, slide_state

    for module in MODULE_PAGES:
        page = open_page(projector, f"{site_url}{lang}modules/{module.removesuffix('.md')}/quiz/?present")
        page.locator(".hw-quiz-present").wait_for()
        total = page.locator(".hw-quiz__question").count()
        groups = [[slide_state(page)]]  # the states seen, one list per question before and after its answer
        for _ in range(total * 40):
            where = f"{lang}{module} quiz, {groups[-1][-1]['count']}, answer shown: {groups[-1][-1]['revealed']}"
            check_frame(groups[-1][-1], where)
            page.keyboard.press(" ")
            now, last = slide_state(page), groups[-1][-1]
            if (now["count"], now["revealed"]) != (last["count"], last["revealed"]):
                groups.append([now])
            elif now["top"] == last["top"]:
                break  # the end of the last answer
            else:
                groups[-1].append(now)
        assert len(groups) == 2 * total, f"{lang}{module}: {[(g[0]['count'], g[0]['revealed']) for g in groups]}"
        for group in groups:
            first = group[0]
            where = f"{lang}{module} quiz, {first['count']}, answer shown: {first['revealed']}"
            assert_covered([band(state) for state in group], first["answerTop"] if first["revealed"] else 0,
                           group[-1]["full"], where)
        page.close()


def test_quiz_page_has_no_axe_violations(browser, site_url):
    from test_browser import axe_violations

    for lang in ("", "zh/"):
        context = browser.new_context(viewport={"width": 360, "height": 800})
        try:
            page = context.new_page()
            goto_settled(page, site_url + lang + QUIZ_URL)
            assert axe_violations(page) == []
            answer_current(page, right=False)
            # moving focus scrolls the page: Material's header swaps its title with a 400 ms
            # fade, and axe must not measure the contrast of a title half faded in
            page.wait_for_timeout(600)
            assert axe_violations(page) == []
        finally:
            context.close()


def test_visited_quiz_works_without_a_connection(phone, site_url):
    from test_offline import wait_until_kept

    page = open_page(phone, site_url + "zh/" + QUIZ_URL)
    wait_until_kept(page)
    phone.set_offline(True)
    try:
        page.reload()
        answer_current(page, right=True)
        assert page.locator(".hw-quiz__feedback--right").count() == 1
    finally:
        phone.set_offline(False)


def test_offline_edition_quiz_from_file_urls(phone, offline_edition):
    site = offline_edition
    page = phone.new_page()
    url = (site / "modules" / SLUG / "quiz.html").as_uri()
    page.goto(url)
    answer_current(page, right=True)
    page.reload()
    assert numbers(page.locator(".hw-quiz__legend .hw-quiz__count"))[0] == 2
    # the module page of the offline edition links to its quiz
    module = (site / "modules" / f"{SLUG}.html").read_text(encoding="utf-8")
    assert f'href="{SLUG}/quiz.html"' in module
