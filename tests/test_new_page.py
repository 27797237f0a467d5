"""Tests of scripts/new_page.py and hwsite/scaffold.py: pages for each section, nav
insertion that keeps mkdocs.yml byte-identical otherwise, refusals with exit code 2."""

from __future__ import annotations

import datetime

import pytest

import new_page
from hwsite import parity
from hwsite import source as md
from hwsite.lint_rules import lint_page
from hwsite.lint_rules.common import make_page
from hwsite.scaffold import NewPage, ScaffoldError, insert_nav, page_text, parse_page

MKDOCS = """\
site_name: Test
# the navigation
nav:
  - Home: index.md
  - Modules:
      - modules/index.md
      - modules/01-occupational-hazards.md
  - Fact sheets:
      - fact-sheets/index.md
      - Project: fact-sheets/ilo-china-osh-project.md
  - Resources:
      - resources/index.md
  - Trainings:
      - trainings/index.md
      - "trainings/chengdu-workshop-2014.md"
  - Glossary: glossary.md
markdown_extensions:
  - toc
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(MKDOCS, encoding="utf-8")
    for tree in ("docs", "docs_zh"):
        (tmp_path / tree / "modules").mkdir(parents=True)
        (tmp_path / tree / "modules" / "01-occupational-hazards.md").write_text("# M1\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def run(project, capsys):
    def call(*args: str) -> tuple[int, str, str]:
        code = new_page.main([*args, "--root", str(project)])
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def headings(path) -> list[tuple[int, str | None]]:
    return [(h.level, h.id) for h in md.headings(md.read_source(path))]


# ---------------------------------------------------------------- creating pages

def test_creates_fact_sheet_in_both_languages(project, run):
    code, out, err = run("fact-sheets/needlestick-response")
    assert (code, err) == (0, "")
    en = project / "docs/fact-sheets/needlestick-response.md"
    zh = project / "docs_zh/fact-sheets/needlestick-response.md"
    assert f"created {en.as_posix()}" in out and f"created {zh.as_posix()}" in out
    source = md.read_source(en)
    assert source.meta == {
        "title": "Needlestick response",
        "description": "DRAFT: one sentence of 50 to 160 characters for search results and link previews.",
        "last_reviewed": datetime.date.today(),
        "sources": ["DRAFT: Author, Title, year"]}
    assert source.lines[8] == "# Needlestick response"
    assert headings(en) == headings(zh) == [(1, None), (2, "at-a-glance"), (2, "for-your-workplace"),
                                            (2, "sources")]
    assert md.read_source(zh).meta["title"] == "草稿：中文标题"
    assert [a.title for a in md.admonitions(source)] == ["Draft"] * 4


def test_module_page_has_the_standard_headings(project, run):
    assert run("modules/03-biological-hazards", "--title", "Module 3: Biological hazards")[0] == 0
    en = project / "docs/modules/03-biological-hazards.md"
    zh = project / "docs_zh/modules/03-biological-hazards.md"
    expected = ([(1, None), (2, "overview"), (2, "checkpoints")]
                + [(3, f"checkpoint-{n}") for n in range(1, 7)]
                + [(2, "checklist"), (2, "for-trainers"), (2, "china-context"), (2, "sources")])
    assert headings(en) == headings(zh) == expected
    assert md.read_source(en).meta["module"] == 3
    assert md.read_source(en).meta["title"] == "Module 3: Biological hazards"
    assert md.read_source(zh).meta["title"] == "模块3：生物危害与感染控制：特别关注艾滋病和结核病"
    assert '<div class="hw-checklist" markdown>' in en.read_text(encoding="utf-8")


def test_training_page_has_when(project, run):
    assert run("trainings/wuhan-2021")[0] == 0
    meta = md.read_source(project / "docs/trainings/wuhan-2021.md").meta
    assert list(meta) == ["title", "description", "last_reviewed", "when", "sources"]
    assert headings(project / "docs/trainings/wuhan-2021.md") == [
        (1, None), (2, "overview"), (2, "participants"), (2, "key-messages"), (2, "sources")]


@pytest.mark.parametrize("page", ["modules/03-biological-hazards", "fact-sheets/x-y", "resources/tools",
                                  "trainings/wuhan-2021"])
def test_generated_pages_only_fail_on_drafts(page):
    new = parse_page(page)
    pages = {}
    for lang, tree in (("en", "docs"), ("zh", "docs_zh")):
        text = page_text(new, lang, datetime.date(2026, 11, 22))
        source = md.parse_source(text, f"{tree}/{new.rel_path}")
        pages[lang] = source
        findings = lint_page(make_page(source, f"{tree}/{new.rel_path}"), glossary=[])
        assert findings and {f.code for f in findings} == {"draft-left-in"}, [f for f in findings]
    # and the two languages have the same structure
    report = parity.check_pair(new.rel_path, pages["en"], pages["zh"], parity.load_config())
    assert [f for f in report if f.severity == "error"] == []


def test_pages_pass_once_drafts_are_replaced():
    new = parse_page("fact-sheets/needlestick-response")
    text = page_text(new, "en", datetime.date(2026, 11, 22))
    lines = [line for line in text.split("\n")
             if not line.startswith(("!!! warning", "    "))]
    text = "\n".join(lines).replace(
        "DRAFT: one sentence of 50 to 160 characters for search results and link previews.",
        "What to do in the first hour after a needlestick injury, step by step.").replace(
        "DRAFT: Author, Title, year", "ILO/WHO, HealthWISE, 2014")
    page = make_page(md.parse_source(text, "docs/fact-sheets/needlestick-response.md"),
                     "docs/fact-sheets/needlestick-response.md")
    assert lint_page(page, glossary=[]) == []


# ---------------------------------------------------------------- nav

def test_nav_insertion_after_the_sections_last_entry(project, run):
    run("fact-sheets/needlestick-response")
    run("trainings/wuhan-2021")
    run("resources/tools")
    run("modules/02-musculoskeletal-hazards")
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == MKDOCS.replace(
        "      - modules/01-occupational-hazards.md\n",
        "      - modules/01-occupational-hazards.md\n      - modules/02-musculoskeletal-hazards.md\n").replace(
        "      - Project: fact-sheets/ilo-china-osh-project.md\n",
        "      - Project: fact-sheets/ilo-china-osh-project.md\n      - fact-sheets/needlestick-response.md\n").replace(
        "      - resources/index.md\n", "      - resources/index.md\n      - resources/tools.md\n").replace(
        '      - "trainings/chengdu-workshop-2014.md"\n',
        '      - "trainings/chengdu-workshop-2014.md"\n      - trainings/wuhan-2021.md\n')


def test_nav_keeps_crlf_and_a_missing_final_newline():
    config = "nav:\r\n  - Fact sheets:\r\n      - fact-sheets/index.md\r\nfoo: 1\r\n"
    text, inserted = insert_nav(config, NewPage("fact-sheets", "a"))
    assert inserted and text == ("nav:\r\n  - Fact sheets:\r\n      - fact-sheets/index.md\r\n"
                                 "      - fact-sheets/a.md\r\nfoo: 1\r\n")
    text, _ = insert_nav("nav:\n  - resources/index.md", NewPage("resources", "b"))
    assert text == "nav:\n  - resources/index.md\n  - resources/b.md"


def test_nav_already_listing_the_page_is_left_alone():
    config = "nav:\n  - resources/index.md\n  - resources/b.md\n"
    assert insert_nav(config, NewPage("resources", "b")) == (config, False)


def test_nav_entries_outside_nav_are_ignored():
    config = "nav:\n  - resources/index.md\nnot_in_nav:\n  - resources/x.md\n"
    assert insert_nav(config, NewPage("resources", "b"))[0] == (
        "nav:\n  - resources/index.md\n  - resources/b.md\nnot_in_nav:\n  - resources/x.md\n")


@pytest.mark.parametrize("config, words", [
    ("site_name: x\n", "has no 'nav:' list"),
    ("nav:\n  - index.md\n", "no entry under trainings/"),
])
def test_nav_problems(config, words):
    with pytest.raises(ScaffoldError, match=words):
        insert_nav(config, NewPage("trainings", "x"))


# ---------------------------------------------------------------- refusals

def test_refuses_to_overwrite(project, run):
    assert run("fact-sheets/needlestick-response")[0] == 0
    en = project / "docs/fact-sheets/needlestick-response.md"
    en.write_text("edited\n", encoding="utf-8")
    config = (project / "mkdocs.yml").read_bytes()
    code, out, err = run("fact-sheets/needlestick-response")
    assert code == 2 and out == ""
    assert f"{en.as_posix()} already exists; nothing was changed" in err
    assert en.read_text(encoding="utf-8") == "edited\n"
    assert (project / "mkdocs.yml").read_bytes() == config


def test_refuses_when_only_the_chinese_page_exists(project, run):
    zh = project / "docs_zh/resources/tools.md"
    zh.parent.mkdir(parents=True)
    zh.write_text("x\n", encoding="utf-8")
    assert run("resources/tools")[0] == 2
    assert not (project / "docs/resources/tools.md").exists()
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == MKDOCS


@pytest.mark.parametrize("page, message", [
    ("blog/a-post", "new_page: unknown section 'blog'; choose one of modules, fact-sheets, resources, trainings\n"),
    ("fact-sheets/Needlestick_Response", "new_page: 'Needlestick_Response' is not a valid page name: use "
     "lower-case English words and numbers joined by hyphens (kebab-case), e.g. needlestick-response\n"),
    ("fact-sheets/a--b", "is not a valid page name"),
    ("fact-sheets/", "is not SECTION/NAME"),
    ("needlestick-response", "is not SECTION/NAME"),
    ("fact-sheets/x/y", "is not SECTION/NAME"),
    ("fact-sheets/index", "fact-sheets/index.md is the section's own page"),
    ("modules/biological-hazards", "a module page name starts with its two-digit number"),
    ("modules/09-more", "module numbers go from 01 to 08; '09' is not one"),
    ("modules/01-again", "module 1 already has a page"),
])
def test_bad_page(project, run, page, message):
    code, out, err = run(page)
    assert code == 2 and out == ""
    assert message in err
    assert (project / "mkdocs.yml").read_text(encoding="utf-8") == MKDOCS
    assert sorted(p.name for p in (project / "docs").rglob("*.md")) == ["01-occupational-hazards.md"]


def test_accepts_paths_with_tree_and_extension():
    assert parse_page("docs/fact-sheets/a-b.md") == NewPage("fact-sheets", "a-b")
    assert parse_page("docs_zh/modules/03-x.md") == NewPage("modules", "03-x")


def test_mkdocs_yml_without_the_section_creates_nothing(project, run):
    (project / "mkdocs.yml").write_text("site_name: x\nnav:\n  - index.md\n", encoding="utf-8")
    code, _, err = run("resources/tools")
    assert code == 2
    assert "no entry under resources/" in err
    assert not (project / "docs/resources/tools.md").exists()


def test_missing_mkdocs_yml(project, run):
    (project / "mkdocs.yml").unlink()
    code, _, err = run("resources/tools")
    assert code == 2 and "mkdocs.yml not found" in err


def test_multiline_title_is_refused(run):
    assert run("resources/tools", "--title", "a\nb")[0] == 2
