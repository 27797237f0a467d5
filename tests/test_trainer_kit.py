"""The trainer's kit (docs/trainers/, docs_zh/trainers/): course outlines whose sessions
link to module sections that exist in both languages and whose timings add up, forms with
the expected columns in both languages, composite scenarios that follow the HealthWISE
steps, the nav section, and forms that print on one A4 sheet without the site's menus."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, open_page
from hwsite import source

LANGS = {"en": ROOT / "docs", "zh": ROOT / "docs_zh"}
KIT = "trainers"
COURSES = ["course-half-day.md", "course-one-day.md", "course-tot-three-days.md"]
FORMS = ["form-action-plan.md", "form-follow-up.md", "form-evaluation.md"]
SCENARIOS = ["scenario-county-hospital-ward.md", "scenario-township-health-centre.md",
             "scenario-city-emergency-department.md"]
PAGES = ["index.md", *COURSES, *FORMS, *SCENARIOS, "short-links.md"]

# Per language: the outline table's header, how its length is stated, and what a break is called.
OUTLINE_HEADER = {"en": ["Time", "Minutes", "Session", "Module sections", "Materials"],
                  "zh": ["时间", "分钟", "环节", "模块内容", "材料"]}
LENGTH = {"en": re.compile(r"\*\*Length:\*\* (\d+) minutes, (\d\d:\d\d)–(\d\d:\d\d)"),
          "zh": re.compile(r"\*\*时长：\*\*(\d+)分钟（(\d\d:\d\d)–(\d\d:\d\d)）")}
BREAK = {"en": re.compile(r"^(Tea break|Lunch)$"), "zh": re.compile(r"^(茶歇|午餐)$")}
NO_LINK = "—"
TIME_RANGE = re.compile(r"(\d\d):(\d\d)–(\d\d):(\d\d)\Z")
MODULE_LINK = re.compile(r"\]\(\.\./modules/(\d\d-[a-z0-9-]+\.md)#([a-z0-9-]+)\)")

# The form tables, by the class of the <div> that holds each one.
FORM_TABLES = {
    "hw-form--action-plan": {
        "en": ["No.", "What will be done", "Checkpoint", "Who is responsible", "By when", "Cost", "Follow-up date"],
        "zh": ["序号", "做什么", "对应检查点", "负责人", "完成时限", "费用", "跟进日期"]},
    "hw-form--follow-up": {
        "en": ["No.", "Action from the plan", "Done", "Partly", "Not yet", "What changed", "What got in the way",
               "Next step"],
        "zh": ["序号", "计划中的行动", "已完成", "部分完成", "未完成", "带来的变化", "遇到的阻碍", "下一步"]},
    "hw-form--ratings": {
        "en": ["No.", "Statement", "Agree", "Partly", "Disagree"],
        "zh": ["序号", "评价内容", "同意", "部分同意", "不同意"]},
}
FORM_LAYOUT = {  # form page -> the classes of its form tables, in order
    "form-action-plan.md": ["hw-form--action-plan"],
    "form-follow-up.md": ["hw-form--follow-up", "hw-form--questions"],
    "form-evaluation.md": ["hw-form--ratings", "hw-form--questions"],
}
QUESTIONS_HEADER = {"form-follow-up.md": {"en": ["Question", "Answer"], "zh": ["问题", "回答"]},
                    "form-evaluation.md": {"en": ["Question", "Your answer"], "zh": ["问题", "你的回答"]}}
TICK_COLUMNS = {"hw-form--follow-up": [2, 3, 4], "hw-form--ratings": [2, 3, 4]}
MIN_ROWS = {"hw-form--action-plan": 8, "hw-form--follow-up": 6, "hw-form--ratings": 8, "hw-form--questions": 3}

WALK_HEADER = {"en": ["Checkpoint", "Mark", "Remarks"], "zh": ["检查点", "标记", "备注"]}
MARKS = {"en": {"No", "Yes", "Priority"}, "zh": {"否", "是", "优先"}}
COMPOSITE = {"en": '!!! note "A composite example"', "zh": '!!! note "综合案例"'}
SCENARIO_STEPS = ["walk", "priorities", "action-plan", "follow-up"]
SHORT_CHECKPOINT = re.compile(r"m([1-8])/([1-8])\Z")


# ---------------------------------------------------------------- parsing helpers

def read(lang: str, name: str) -> str:
    return (LANGS[lang] / KIT / name).read_text(encoding="utf-8")


def cells(row: str) -> list[str]:
    row = row.strip()
    return [c.strip() for c in row.strip("|").split("|")]


def tables(text: str) -> list[dict]:
    """Pipe tables in order: {line, header, rows}, with the line index of the header."""
    lines = text.split("\n")
    found, i = [], 0
    while i < len(lines) - 1:
        if lines[i].lstrip().startswith("|") and re.fullmatch(r"\|(\s*:?-+:?\s*\|)+", lines[i + 1].strip()):
            rows, j = [], i + 2
            while j < len(lines) and lines[j].lstrip().startswith("|"):
                rows.append(cells(lines[j]))
                j += 1
            found.append({"line": i, "header": cells(lines[i]), "rows": rows})
            i = j
        else:
            i += 1
    return found


def form_tables(text: str) -> list[tuple[str, dict]]:
    """(modifier class, table) for every table inside a <div class="hw-form hw-form--X">."""
    lines = text.split("\n")
    result = []
    for table in tables(text):
        opener = next((lines[k] for k in range(table["line"] - 1, -1, -1) if lines[k].startswith("<div")), "")
        match = re.match(r'<div class="hw-form (hw-form--[a-z-]+)" markdown>', opener)
        if match:
            result.append((match[1], table))
    return result


def outline_blocks(lang: str, name: str, text: str | None = None) -> list[dict]:
    """Each stated length with the outline table that follows it."""
    text = read(lang, name) if text is None else text
    lines = text.split("\n")
    blocks = []
    for table in tables(text):
        if table["header"] != OUTLINE_HEADER[lang]:
            continue
        stated = next((LENGTH[lang].search(lines[k]) for k in range(table["line"] - 1, -1, -1)
                       if LENGTH[lang].search(lines[k])), None)
        blocks.append({"stated": stated, "rows": table["rows"]})
    return blocks


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def heading_ids(path: Path) -> set[str]:
    return {h.id for h in source.headings(source.parse_source(path.read_text(encoding="utf-8"), path)) if h.id}


MODULE_IDS = {lang: {p.name: heading_ids(p) for p in sorted((root / "modules").glob("0*.md"))}
              for lang, root in LANGS.items()}


def missing_anchor(module_file: str, anchor: str) -> list[str]:
    """The languages in which modules/<module_file>#<anchor> does not exist."""
    return [lang for lang in LANGS if anchor not in MODULE_IDS[lang].get(module_file, set())]


def checkpoint_file(module: int) -> str:
    return next(name for name in MODULE_IDS["en"] if name.startswith(f"{module:02d}-"))


# ---------------------------------------------------------------- course outlines

def outline_problems(lang: str, name: str, text: str | None = None) -> list[str]:
    """Everything wrong with one course outline: stated lengths, clock times, links."""
    problems = []
    blocks = outline_blocks(lang, name, text)
    if not blocks:
        problems.append("no outline table")
    for number, block in enumerate(blocks, start=1):
        where = f"{lang}/{name} table {number}"
        if not block["stated"]:
            problems.append(f"{where}: no stated length before the table")
            continue
        total, start, end = int(block["stated"][1]), block["stated"][2], block["stated"][3]
        if minutes(end) - minutes(start) != total:
            problems.append(f"{where}: {start}–{end} is not {total} minutes")
        if sum(int(row[1]) for row in block["rows"]) != total:
            problems.append(f"{where}: the sessions add up to {sum(int(r[1]) for r in block['rows'])}, "
                            f"not the stated {total} minutes")
        clock = start
        for row in block["rows"]:
            time, length, session, links = row[0], int(row[1]), row[2], row[3]
            span = TIME_RANGE.match(time)
            if not span:
                problems.append(f"{where}: bad time {time!r}")
                continue
            begin, finish = f"{span[1]}:{span[2]}", f"{span[3]}:{span[4]}"
            if begin != clock:
                problems.append(f"{where}: {time} starts at {begin}, the session before ends at {clock}")
            if minutes(finish) - minutes(begin) != length:
                problems.append(f"{where}: {time} is not {length} minutes")
            clock = finish
            if links == NO_LINK:
                if not BREAK[lang].match(session):
                    problems.append(f"{where}: session {time} links to no module section")
                continue
            found = MODULE_LINK.findall(links)
            if not found:
                problems.append(f"{where}: session {time} links to no module section")
            for module_file, anchor in found:
                for missing in missing_anchor(module_file, anchor):
                    problems.append(f"{where}: session {time} links to modules/{module_file}#{anchor}, "
                                    f"which does not exist in {missing}")
        if clock != end:
            problems.append(f"{where}: the last session ends at {clock}, not {end}")
    return problems


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", COURSES)
def test_outline_timings_add_up_and_sessions_link_to_module_sections(lang, name):
    assert outline_problems(lang, name) == []


@pytest.mark.parametrize("name", COURSES)
def test_outlines_say_the_same_in_both_languages(name):
    en, zh = outline_blocks("en", name), outline_blocks("zh", name)
    assert len(en) == len(zh) and en
    for block_en, block_zh in zip(en, zh):
        assert block_en["stated"].groups() == block_zh["stated"].groups()
        assert [(r[0], r[1], MODULE_LINK.findall(r[3])) for r in block_en["rows"]] == \
               [(r[0], r[1], MODULE_LINK.findall(r[3])) for r in block_zh["rows"]]


def test_tot_has_three_days():
    assert [len(outline_blocks(lang, "course-tot-three-days.md")) for lang in LANGS] == [3, 3]


def test_outline_check_catches_broken_outlines():
    """The checks above fail on a wrong sum, a gap in the times, a missing anchor and a
    session without a link."""
    text = read("en", "course-half-day.md")
    broken = {
        "sum": text.replace("| 08:30–08:45 | 15 |", "| 08:30–08:45 | 20 |", 1),
        "gap": text.replace("| 08:45–09:05 | 20 |", "| 08:50–09:05 | 15 |", 1),
        "anchor": text.replace("01-occupational-hazards.md#overview", "01-occupational-hazards.md#no-such-id", 1),
        "unlinked": text.replace("| [Module 1: overview](../modules/01-occupational-hazards.md#overview) |", "| — |", 1),
    }
    assert outline_problems("en", "course-half-day.md", text) == []
    for kind, changed in broken.items():
        assert changed != text, kind
        assert outline_problems("en", "course-half-day.md", changed), kind


# ---------------------------------------------------------------- forms

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", FORMS)
def test_forms_have_the_expected_columns(lang, name):
    found = form_tables(read(lang, name))
    assert [kind for kind, _ in found] == FORM_LAYOUT[name]
    for kind, table in found:
        expected = QUESTIONS_HEADER[name][lang] if kind == "hw-form--questions" else FORM_TABLES[kind][lang]
        assert table["header"] == expected, kind
        assert len(table["rows"]) >= MIN_ROWS[kind], kind
        ticks = TICK_COLUMNS.get(kind, [])
        for row in table["rows"]:
            assert len(row) == len(expected), row
            assert row[0], f"{kind}: the first column numbers the row or asks the question"
            assert all(row[i] == "☐" for i in ticks), (kind, row)
            if kind != "hw-form--ratings":  # ratings: a statement, then tick boxes only
                assert all(c == "" for i, c in enumerate(row[1:], start=1) if i not in ticks), \
                    f"{kind}: leave the cells empty to write in: {row}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_form_page_keeps_its_notes_off_the_printed_sheet(lang):
    for name in FORMS:
        text = read(lang, name)
        notes = text.index('<div class="hw-form-notes" markdown>')
        assert all(text.index(f'<div class="hw-form {kind}"') < notes for kind in FORM_LAYOUT[name])
        assert text.rstrip().endswith("</div>"), f"{name}: the notes (and sources) should close the page"


def test_print_stylesheet_has_the_form_rules():
    css = (ROOT / "overrides/assets/stylesheets/print.css").read_text(encoding="utf-8")
    assert re.search(r"\.hw-form-notes\s*\{\s*display:\s*none", css)
    for kind in ("hw-form--action-plan", "hw-form--follow-up", "hw-form--ratings", "hw-form--questions"):
        assert f".{kind} " in css, kind
    assert re.search(r"\.hw-form table:not\(\[class\]\) td \{ height: \d+mm", css)


# ---------------------------------------------------------------- scenarios

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", SCENARIOS)
def test_scenarios_walk_through_the_method(lang, name):
    text = read(lang, name)
    assert COMPOSITE[lang] in text, "a scenario must say that it is a composite example"
    assert "%" not in text and "％" not in text, "composite examples carry no statistics"
    ids = [h.id for h in source.headings(source.parse_source(text))]
    assert [i for i in ids if i in SCENARIO_STEPS] == SCENARIO_STEPS
    all_tables = tables(text)
    walk = next(t for t in all_tables if t["header"] == WALK_HEADER[lang])
    assert len(walk["rows"]) >= 5
    for checkpoint, mark, remarks in walk["rows"]:
        assert mark in MARKS[lang] and remarks
        (module_file, anchor), = MODULE_LINK.findall(checkpoint)
        assert anchor.startswith("checkpoint-") and not missing_anchor(module_file, anchor)
    assert {mark for _, mark, _ in walk["rows"]} == MARKS[lang], "show every kind of mark"
    plan = next(t for t in all_tables if t["header"] == FORM_TABLES["hw-form--action-plan"][lang])
    follow_up = next(t for t in all_tables if t["header"] == FORM_TABLES["hw-form--follow-up"][lang])
    assert [row[0] for row in plan["rows"]] == [row[0] for row in follow_up["rows"]]
    for row in plan["rows"]:
        short = SHORT_CHECKPOINT.match(row[2])
        assert short, row[2]
        assert not missing_anchor(checkpoint_file(int(short[1])), f"checkpoint-{short[2]}")
        assert all(row), f"every column of a worked action plan is filled in: {row}"
    for row in follow_up["rows"]:
        assert sum(cell == "✓" for cell in row[2:5]) == 1, row


@pytest.mark.parametrize("name", SCENARIOS)
def test_scenarios_have_the_same_plan_in_both_languages(name):
    def plan(lang):
        text = read(lang, name)
        table = next(t for t in tables(text) if t["header"] == FORM_TABLES["hw-form--action-plan"][lang])
        return [row[2] for row in table["rows"]]

    assert plan("en") == plan("zh")


# ---------------------------------------------------------------- navigation

def test_every_kit_page_is_in_the_nav_and_translated():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    section = re.search(r"^  - Trainer's kit:\n((?:      - .*\n)+)", config, re.M)
    assert section, "mkdocs.yml: no nav section \"Trainer's kit\""
    listed = re.findall(r"- (trainers/[a-z0-9-]+\.md)", section[1])
    assert listed == [f"{KIT}/{name}" for name in PAGES]
    assert sorted(p.name for p in (ROOT / "docs" / KIT).glob("*.md")) == sorted(PAGES)
    assert sorted(p.name for p in (ROOT / "docs_zh" / KIT).glob("*.md")) == sorted(PAGES)
    assert re.search(r"^ +Trainer's kit: 培训师工具包$", config, re.M)


# ---------------------------------------------------------------- built site and browser

FORM_URLS = [f"{lang}{KIT}/{name[:-3]}/" for lang in ("", "zh/") for name in FORMS]


@pytest.mark.parametrize("path", FORM_URLS)
def test_forms_print_on_one_a4_sheet_without_menus(browser, site_url, path):
    context = browser.new_context(viewport={"width": 1100, "height": 850})
    try:
        page = open_page(context, site_url + path)
        page.emulate_media(media="print")
        for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer",
                       ".hw-form-notes"):
            assert page.locator(chrome).first.is_hidden(), chrome
        article = page.locator("article.md-typeset").bounding_box()
        for table in page.locator(".hw-form table").all():
            assert table.bounding_box()["width"] >= article["width"] - 2
        cell = page.locator(".hw-form tbody td").first.bounding_box()
        assert cell["height"] >= 30  # at least 8 mm: room to write
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert int(re.search(rb"/Count (\d+)", pdf)[1]) == 1
    finally:
        context.close()


@pytest.mark.parametrize("path", [f"{lang}{KIT}/{name}" for lang in ("", "zh/")
                                  for name in ("", "course-one-day/", "form-evaluation/",
                                               "scenario-city-emergency-department/")])
def test_axe_reports_no_violations_on_kit_pages(phone, site_url, path):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(phone, site_url + path)
    violations = Axe().run(page).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []
