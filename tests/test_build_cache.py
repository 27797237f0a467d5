"""What the build keeps between language passes and `mkdocs serve` rebuilds
(hwsite.build_cache): a rebuild after an edit shows the edit, whatever the edited file.

Serve rebuilds run in-process the way `mkdocs serve` runs them: one on_startup, then a
freshly loaded config for every rebuild (MkDocs keeps the plugin instances)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jinja2
import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from selectolax.lexbor import LexborHTMLParser

from hwsite import build_cache
from conftest import ROOT, write_fixture_site

EN = {
    "index.md": "# Home\n\nSee [page A](a.md).\n",
    "a.md": "# Page A\n\n## Hands {#hands}\n\nKnow each hand hygiene moment of your shift.\n\n![A chart](chart.svg)\n",
    "chart.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200"/>\n',
}
ZH = {
    "index.md": "# 首页\n\n见[页面A](a.md)。\n",
    "a.md": "# 页面A\n\n## 手 {#hands}\n\n接触患者前要把握手卫生时机。\n",
}
NAV = "nav:\n  - index.md\n  - a.md\n"

GLOSSARY_ENTRY = """\
  - en: hand hygiene moment
    zh: 手卫生时机
    pinyin: shou wei sheng shi ji
    def_en: One of the five moments when a health worker cleans their hands.
    def_zh: 医务人员应当进行手卫生的五个时刻之一。
"""
OTHER_GLOSSARY_ENTRY = """\
  - en: shift
    zh: 班次
    pinyin: ban ci
    def_en: A period of work.
    def_zh: 一段工作时间。
"""


class Serve:
    """`mkdocs serve` of one project, rebuilt on demand like the live-reload loop does."""

    def __init__(self, config_path: Path, site: Path):
        self.config_path, self.site = config_path, site
        config = load_config(str(config_path), site_dir=str(site))
        config.plugins.on_startup(command="serve", dirty=False)
        self.plugins = config.plugins
        self.rebuild()

    def rebuild(self, site: Path | None = None) -> None:
        config = load_config(str(self.config_path), site_dir=str(site or self.site))
        self.plugin = config.plugins["hwsite"]
        build(config, serve_url="http://127.0.0.1:8000/")

    def assert_same_as_without_caches(self, tmp_path: Path) -> None:
        """Every file the rebuild served is what a rebuild with empty caches serves."""
        kept = (self.plugin.templates, self.plugin.search_entries, self.plugin.renders)
        self.plugin.templates = build_cache.TemplateBytecodeCache()
        self.plugin.search_entries = build_cache.SearchEntryCache()
        self.plugin.renders = build_cache.PageRenderCache()
        fresh = tmp_path / "fresh"
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            self.rebuild(fresh)
        finally:
            self.plugin.templates, self.plugin.search_entries, self.plugin.renders = kept
        served = {p.relative_to(self.site).as_posix(): p.read_bytes() for p in self.site.rglob("*") if p.is_file()}
        expected = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
        assert sorted(served) == sorted(expected)
        assert [name for name in served if served[name] != expected[name]] == []

    def page(self, path: str) -> LexborHTMLParser:
        return LexborHTMLParser((self.site / path).read_text(encoding="utf-8"))

    def index(self, folder: str = "") -> dict[str, dict]:
        data = json.loads((self.site / folder / "search" / "search_index.json").read_text(encoding="utf-8"))
        return {doc["location"]: doc for doc in data["docs"]}

    def close(self) -> None:
        self.plugins.on_shutdown()


@pytest.fixture
def served(tmp_path, monkeypatch):
    config_path = write_fixture_site(tmp_path, EN, ZH, NAV)
    glossary = tmp_path / "glossary.yml"
    shutil.copy(ROOT / "scripts" / "data" / "glossary.yml", glossary)
    text = config_path.read_text(encoding="utf-8").replace(
        f"glossary: {ROOT}/scripts/data/glossary.yml", f"glossary: {glossary}")
    config_path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(config_path.parent)
    serve = Serve(config_path, tmp_path / "served")
    yield serve, config_path.parent, glossary
    serve.close()


EDITS = {
    "page body": ("docs_zh/a.md", lambda text: text + "\n新增的句子：佩戴口罩。\n"),
    "front matter title": ("docs/a.md", lambda text: "---\ntitle: Renamed page\n---\n" + text),
    "heading id": ("docs/a.md", lambda text: text.replace("{#hands}", "{#clean-hands}")),
    "link target": ("docs/index.md", lambda text: text.replace("(a.md)", "(a.md#hands)")),
    "nav": ("mkdocs.yml", lambda text: text.replace("  - a.md\n", "  - Page A in the nav: a.md\n")),
    "glossary term": ("glossary", lambda text: text + OTHER_GLOSSARY_ENTRY),
    # the same number of terms, one definition changed
    "glossary definition": ("glossary", lambda text: text.replace(
        "def_en: Cleaning hands with soap and water", "def_en: Washing hands with soap and water")),
    "new page": ("docs/c.md", lambda text: "# Page C\n\nSee [page A](a.md#hands).\n"),
    "figure size": ("docs/chart.svg", lambda text: text.replace("0 0 320 200", "0 0 320 400")),
}


@pytest.mark.parametrize("kind", EDITS)
def test_a_serve_rebuild_after_an_edit_serves_what_a_rebuild_without_caches_serves(served, tmp_path, kind):
    serve, project, glossary = served
    rel, edit = EDITS[kind]
    path = glossary if rel == "glossary" else project / rel
    path.write_text(edit(path.read_text(encoding="utf-8") if path.exists() else ""), encoding="utf-8")

    serve.rebuild()

    # every file's address is part of a render's key: a new page renders every page again
    assert serve.plugin.renders.hits > 0 or kind in ("glossary term", "glossary definition", "nav", "new page",
                                                                 "figure size")
    serve.assert_same_as_without_caches(tmp_path)


def abbr_texts(page: LexborHTMLParser) -> set[str]:
    return {node.text() for node in page.css("article abbr")}


def test_a_serve_rebuild_after_a_glossary_edit_shows_the_new_term(served):
    serve, project, glossary = served
    assert "hand hygiene moment" not in abbr_texts(serve.page("a/index.html"))
    zh_before = serve.index("zh")["a/#hands"]["text"]
    glossary.write_text(glossary.read_text(encoding="utf-8") + GLOSSARY_ENTRY, encoding="utf-8")

    serve.rebuild()

    assert "hand hygiene moment" in abbr_texts(serve.page("a/index.html"))
    assert "手卫生时机" in abbr_texts(serve.page("zh/a/index.html"))
    # the Chinese index is segmented again with the new word in the user dictionary
    assert "\u200b手卫生时机\u200b" in serve.index("zh")["a/#hands"]["text"]
    assert serve.index("zh")["a/#hands"]["text"] != zh_before


def test_a_serve_rebuild_after_a_term_is_removed_no_longer_keeps_it_as_one_word(served):
    """jieba's user dictionary words live in its process-wide segmenter: Material loads the
    dictionary file on every build, which adds words and never drops one. A term removed from
    the glossary while serving is segmented like any other text at the next rebuild."""
    serve, project, glossary = served
    original = glossary.read_text(encoding="utf-8")
    glossary.write_text(original + GLOSSARY_ENTRY, encoding="utf-8")
    serve.rebuild()
    assert "\u200b手卫生时机\u200b" in serve.index("zh")["a/#hands"]["text"]
    glossary.write_text(original, encoding="utf-8")

    serve.rebuild()

    assert "手卫生时机" not in serve.index("zh")["a/#hands"]["text"].split("\u200b")
    serve.assert_same_as_without_caches(serve.site.parent)


def test_a_serve_rebuild_indexes_the_edited_page_and_reuses_the_others(served):
    serve, project, _ = served
    before = serve.index("zh")
    page = project / "docs_zh" / "a.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n新增的句子：佩戴口罩。\n", encoding="utf-8")

    serve.rebuild()

    after = serve.index("zh")
    assert "佩戴" in after["a/#hands"]["text"] and "佩戴" not in before["a/#hands"]["text"]
    assert after[""] == before[""]  # the home page, unchanged, has the same entry
    assert serve.plugin.search_entries.hits > 0  # ... taken from the cache


def test_a_serve_rebuild_after_a_front_matter_title_edit_shows_it_in_the_index(served):
    serve, project, _ = served
    page = project / "docs" / "a.md"
    # without an <h1>, the index takes the page's first section title from the front matter
    body = page.read_text(encoding="utf-8").replace("# Page A\n\n", "")
    page.write_text("---\ntitle: Page A\n---\n" + body, encoding="utf-8")
    serve.rebuild()
    assert serve.index()["a/"]["title"] == "Page A"
    page.write_text("---\ntitle: Renamed page\n---\n" + body, encoding="utf-8")  # the body is the same

    serve.rebuild()

    assert serve.page("a/index.html").css_first("title").text().startswith("Renamed page")
    assert serve.index()["a/"]["title"] == "Renamed page"


def count_compiles(monkeypatch) -> list[str]:
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self, source, name=None, filename=None, *args, **kwargs):
        compiled.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return compiled


def test_compiled_templates_are_reused_until_the_template_changes(tmp_path, monkeypatch):
    compiled = count_compiles(monkeypatch)
    cache = build_cache.TemplateBytecodeCache()
    template = tmp_path / "page.html"
    template.write_text("<p>{{ word }} one</p>", encoding="utf-8")

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache)
        return env.get_template("page.html").render(word="hand")

    assert render() == "<p>hand one</p>" and compiled == ["page.html"]
    assert render() == "<p>hand one</p>" and compiled == ["page.html"]  # a new environment, not compiled again
    template.write_text("<p>{{ word }} two</p>", encoding="utf-8")
    assert render() == "<p>hand two</p>" and compiled == ["page.html", "page.html"]


def test_compiled_templates_are_not_shared_between_environments_that_compile_differently(tmp_path, monkeypatch):
    cache = build_cache.TemplateBytecodeCache()
    (tmp_path / "page.html").write_text("<p>{{ word }}</p>", encoding="utf-8")
    plain = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache)
    escaping = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache, autoescape=True)
    assert plain.get_template("page.html").render(word="<b>") == "<p><b></p>"
    assert escaping.get_template("page.html").render(word="<b>") == "<p>&lt;b&gt;</p>"


def test_the_search_entry_cache_is_emptied_when_the_segmenter_changes():
    class Page:
        url, title, content, toc, meta = "a/", "A", "<h1>A</h1><p>患者</p>", [], {}

    class Index:
        def __init__(self):
            self.entries = []
            self.calls = 0

        def add_entry_from_context(self, page):
            self.calls += 1
            self.entries.append({"location": page.url, "text": page.content})

    cache = build_cache.SearchEntryCache()
    for segmenter, expected_calls in (("dict v1", 1), ("dict v1", 0), ("dict v2", 1)):
        cache.new_build(segmenter)
        index = Index()
        cache.wrap(index)
        index.add_entry_from_context(Page())
        assert index.calls == expected_calls and index.entries == [{"location": "a/", "text": Page.content}]
