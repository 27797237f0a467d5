"""The source registry and citations (hwsite.sources, hwsite.lint_rules.citations):
loading and validating sources.yml, the lint rules, the Markdown extension and the
sources page. Fixtures are tiny files in tmp_path."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import markdown
import pytest

import lint_content
from hwsite.lint_rules import citations, make_page, read_page
from hwsite.source import parse_source
from hwsite.sources import (SOURCES_FILE, CitationExtension, RegistryError,
                            format_reference, load_registry, parse_registry,
                            render_sources_page, source_strings, validate_registry)
from hwsite.languages import strings_for

ROOT = Path(__file__).resolve().parent.parent
# The site's own citation strings, from the UI string files the build reads
STRINGS = {locale: source_strings(strings_for(locale, [str(ROOT / "overrides" / "strings")], "en"), tag)
           for locale, tag in (("en", "en"), ("zh", "zh-Hans"))}

GOOD = textwrap.dedent("""\
    who-2003-sharps-ebd:
      type: report
      issuer: {en: "World Health Organization", zh: "世界卫生组织"}
      authors: ["Prüss-Üstün A", "Rapiti E", "Hutin Y"]
      title: {en: "Sharps injuries", zh: "锐器伤"}
      original_language: en
      translated_title: working
      year: 2003
      url: https://example.org/sharps
      verified: "2026-12-03, search tool: the WHO page"
    prc-law:
      type: law
      issuer: {en: "NPC Standing Committee", zh: "全国人民代表大会常务委员会"}
      title: {zh: "中华人民共和国职业病防治法", en: "Occupational Disease Law"}
      original_language: zh
      translated_title: working
      year: 2001
      revision: {text: "amended 2011, 2016, 2017 and 2018", date: 2018-12-29}
      ids: {decree: "主席令第二十四号"}
      no_url: "none found"
      verified: "2026-12-03, search tool: a legal database"
    """)


def registry(text: str = GOOD):
    return parse_registry(text, "sources.yml")


def codes(findings) -> list[tuple[str, int | None]]:
    return [(f.code, f.line) for f in findings]


# ---------------------------------------------------------------- registry

def test_a_complete_registry_has_no_findings():
    reg = registry()
    assert list(reg.entries) == ["who-2003-sharps-ebd", "prc-law"]
    assert reg.get("prc-law").line == 11
    assert validate_registry(reg) == []


def test_the_real_registry_is_valid_and_has_the_healthwise_manual():
    reg = load_registry(SOURCES_FILE)
    assert validate_registry(reg) == []
    assert reg.get("ilo-who-2014-healthwise").type == "report"


def test_a_law_without_revision_is_incomplete_at_its_key_line():
    text = GOOD.replace('  revision: {text: "amended 2011, 2016, 2017 and 2018", date: 2018-12-29}\n', "")
    assert codes(validate_registry(registry(text))) == [("registry-entry-incomplete", 11)]


def test_a_law_needs_its_title_in_both_languages():
    text = GOOD.replace('{zh: "中华人民共和国职业病防治法", en: "Occupational Disease Law"}',
                        '{zh: "中华人民共和国职业病防治法"}')
    found = validate_registry(registry(text))
    assert codes(found) == [("registry-entry-incomplete", 14)]
    assert "title in en and zh" in found[0].message


def test_an_article_needs_authors_and_journal():
    text = GOOD.replace("type: report", "type: article").replace(
        '  authors: ["Prüss-Üstün A", "Rapiti E", "Hutin Y"]\n', "")
    assert sorted(f.message.split(":")[1].strip().split()[0] for f in validate_registry(registry(text))) \
        == ["authors", "ids.journal"]


def test_http_url_is_reported_on_the_url_line():
    found = validate_registry(registry(GOOD.replace("https://example.org", "http://example.org")))
    assert codes(found) == [("url-not-https", 9)]


def test_url_or_no_url_and_verified_are_required():
    text = GOOD.replace("  url: https://example.org/sharps\n", "").replace(
        '  verified: "2026-12-03, search tool: the WHO page"\n', "")
    assert sorted(codes(validate_registry(registry(text)))) == [
        ("registry-entry-incomplete", 1), ("registry-entry-incomplete", 1)]


@pytest.mark.parametrize("old, new, code, line", [
    ("type: report", "type: book", "registry-value-invalid", 2),
    ("year: 2003", "year: recent", "registry-value-invalid", 8),
    ('verified: "2026-12-03, search', 'verified: "checked, search', "registry-value-invalid", 10),
    ("translated_title: working\n  year: 2003", "translated_title: maybe\n  year: 2003",
     "registry-value-invalid", 7),
    ("  year: 2003\n", "  year: 2003\n  publisher: WHO\n", "registry-field-unknown", 9),
])
def test_invalid_values(old, new, code, line):
    assert codes(validate_registry(registry(GOOD.replace(old, new, 1)))) == [(code, line)]


def test_duplicate_key_is_reported():
    text = GOOD + GOOD.split("prc-law:")[0]
    assert codes(validate_registry(registry(text))) == [("registry-duplicate-key", 22)]


def test_malformed_yaml_raises_one_error_with_a_line(tmp_path):
    path = tmp_path / "sources.yml"
    path.write_text(GOOD.replace('title: {en: "Sharps injuries", zh: "锐器伤"}',
                                 'title: {en: "Sharps injuries", zh: "锐器伤"'), encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        load_registry(path, "sources.yml")
    assert error.value.line == 5
    assert str(error.value).startswith("sources.yml:5: malformed YAML")


# ---------------------------------------------------------------- lint

EN_PAGE = """\
---
title: "Sharps"
description: "A page about sharps injuries for health workers, with figures and sources."
sources:
  - who-2003-sharps-ebd
  - "ILO/WHO, HealthWISE, 2014"
---

# Sharps

Sharps cause 37% of hepatitis B infections in health workers [@who-2003-sharps-ebd].

- About 3 million sharps injuries happen a year [@who-2003-sharps-ebd].
- The law applies [@prc-law; @who-2003-sharps-ebd].

`[@not-in-code]` and

```
[@also-not-in-code] 40%
```
"""


def write_site(root: Path, en: str = EN_PAGE, zh: str | None = None) -> None:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "docs_zh").mkdir(parents=True, exist_ok=True)
    (root / "docs" / "sharps.md").write_text(en, encoding="utf-8")
    (root / "docs_zh" / "sharps.md").write_text(en if zh is None else zh, encoding="utf-8")
    (root / "sources.yml").write_text(GOOD, encoding="utf-8")


def run_lint(capsys, root: Path, *extra: str) -> tuple[int, dict, str]:
    code = lint_content.main([str(root / "docs"), str(root / "docs_zh"), "--only", "citations",
                              "--sources", str(root / "sources.yml"), "--format", "json", *extra])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def found(report) -> list[tuple[str, str, int]]:
    return [(f["code"], Path(f["file"]).parent.name + "/" + Path(f["file"]).name, f["line"])
            for f in report["findings"]]


def test_clean_pages_pass_and_free_text_sources_are_not_keys(tmp_path, capsys):
    write_site(tmp_path)
    code, report, err = run_lint(capsys, tmp_path)
    assert (code, found(report), err) == (0, [], "")


def test_unknown_keys_in_front_matter_and_text(tmp_path, capsys):
    page = EN_PAGE.replace("  - who-2003-sharps-ebd", "  - who-2003-sharp-ebd").replace(
        "[@prc-law;", "[@prc-lawx;")
    write_site(tmp_path, page, page)
    code, report, _ = run_lint(capsys, tmp_path)
    assert code == 1
    assert found(report) == [("unknown-key", "docs/sharps.md", 5), ("unknown-key", "docs/sharps.md", 14),
                             ("unknown-key", "docs_zh/sharps.md", 5), ("unknown-key", "docs_zh/sharps.md", 14)]
    assert "did you mean 'who-2003-sharps-ebd'" in report["findings"][0]["message"]


def test_a_key_cited_in_one_language_only(tmp_path, capsys):
    write_site(tmp_path, zh=EN_PAGE.replace("[@prc-law; @who-2003-sharps-ebd]", ""))
    code, report, _ = run_lint(capsys, tmp_path)
    assert code == 1
    assert found(report) == [("citations-differ-between-languages", "docs/sharps.md", 14)]
    assert "docs_zh/sharps.md" in report["findings"][0]["message"]


def test_figure_without_citation_is_reported_by_default(tmp_path, capsys):
    uncited = EN_PAGE.replace("happen a year [@who-2003-sharps-ebd].", "happen a year.")
    write_site(tmp_path, uncited, uncited)
    code, report, _ = run_lint(capsys, tmp_path)
    # The list item with "3 million" cites nothing; the cited 37% paragraph and the
    # 40% inside code are fine.
    assert (code, found(report)) == (1, [("figure-without-citation", "docs/sharps.md", 13),
                                         ("figure-without-citation", "docs_zh/sharps.md", 13)])


@pytest.mark.parametrize("text, flagged", [
    ("Nurses are 67％ of staff.", True),
    ("卫生技术人员1248.8万人。", True),
    ("About 2.9 million deaths.", True),
    ("百分之三十的人。", True),
    ("Module 8 has 6 checkpoints since 2014.", False),
    ("Nurses are 67% of staff [@who-2003-sharps-ebd].", False),
    ("![Chart: sharps cause 37% of hepatitis B infections](chart.svg)", False),  # alt text
])
def test_figure_patterns(text, flagged):
    page = make_page(parse_source(f"---\ntitle: x\n---\n\n{text}\n", "docs/x.md"), "docs/x.md")
    assert bool(citations.check_figures(page)) == flagged


def test_malformed_registry_is_bad_input_with_a_line(tmp_path, capsys):
    write_site(tmp_path)
    (tmp_path / "sources.yml").write_text("a:\n  type: [law\n", encoding="utf-8")
    code, report, err = run_lint(capsys, tmp_path)
    assert code == 2
    assert len(report["bad_input"]) == 1 and report["bad_input"][0]["line"] == 2
    assert "Traceback" not in err and "sources.yml:2: malformed YAML" in err


def test_registry_findings_name_the_registry_file(tmp_path, capsys):
    write_site(tmp_path)
    (tmp_path / "sources.yml").write_text(GOOD.replace("https://", "http://"), encoding="utf-8")
    code, report, _ = run_lint(capsys, tmp_path)
    assert (code, found(report)) == (1, [("url-not-https", f"{tmp_path.name}/sources.yml", 9)])


# ---------------------------------------------------------------- Markdown extension

PAGE = """\
Sharps cause 37% [@who-2003-sharps-ebd].

- Both [@prc-law; @who-2003-sharps-ebd] and [@missing].

Code `[@prc-law]` stays.

```
[@prc-law]
```
"""


def render(ext: CitationExtension, text: str = PAGE) -> str:
    md = markdown.Markdown(extensions=[ext, "fenced_code"])
    return md.convert(text)


def test_extension_numbers_citations_and_appends_the_list():
    ext = CitationExtension(registry=registry(), strings=STRINGS)
    ext.set_page("en", ["prc-law", "Free text, 2014"])
    html = render(ext)
    assert '<span class="hw-cites"><a aria-label="Source 1" class="hw-cite" href="#ref-who-2003-sharps-ebd">[1]</a></span>' in html
    assert ('<a aria-label="Source 2" class="hw-cite" href="#ref-prc-law">[2]</a>'
            '<a aria-label="Source 1" class="hw-cite" href="#ref-who-2003-sharps-ebd">[1]</a>') in html
    assert '<span class="hw-cite-error">[unknown source: missing]</span>' in html
    assert "<code>[@prc-law]</code>" in html and "<code>[@prc-law]\n</code>" in html
    assert html.index('<h2 data-search-exclude="" id="references">Sources</h2>') < html.index('<li id="ref-who-2003-sharps-ebd">') \
        < html.index('<li id="ref-prc-law">')
    assert (ext.last.numbered, ext.last.unknown) == (["who-2003-sharps-ebd", "prc-law"], ["missing"])


def test_front_matter_keys_not_cited_come_after_the_cited_ones():
    ext = CitationExtension(registry=registry(), strings=STRINGS)
    ext.set_page("en", ["prc-law"])
    html = render(ext, "Only [@who-2003-sharps-ebd].\n")
    assert html.index('id="ref-who-2003-sharps-ebd"') < html.index('id="ref-prc-law"')


def test_same_markdown_instance_switches_language_between_pages():
    ext = CitationExtension(registry=registry(), strings=STRINGS)
    md = markdown.Markdown(extensions=[ext])
    ext.set_page("zh", [])
    zh = md.convert("锐器伤 [@who-2003-sharps-ebd]。")
    md.reset()
    ext.set_page("en", [], registry_url="../sources/")
    en = md.convert("Sharps [@who-2003-sharps-ebd].")
    assert '<h2 data-search-exclude="" id="references">参考资料</h2>' in zh and 'aria-label="参考资料 1"' in zh
    assert "《<cite>锐器伤</cite>》（<cite lang=\"en\">Sharps injuries</cite>，暂译）" in zh
    assert "Sources</h2>" in en and "参考资料" not in en
    assert '<a class="hw-ref-registry" href="../sources/#src-who-2003-sharps-ebd">all sources</a>' in en


def test_page_without_citations_gets_no_list():
    ext = CitationExtension(registry=registry(), strings=STRINGS)
    ext.set_page("en", ["Free text, 2014"])
    assert render(ext, "No sources here, [a link](x.md).\n") == '<p>No sources here, <a href="x.md">a link</a>.</p>'


def test_format_reference_per_language():
    # The revision text already names 2018, the year of its date: the date is not repeated.
    law = registry().get("prc-law")
    assert format_reference(law, "zh", STRINGS) == (
        "全国人民代表大会常务委员会：《<cite>中华人民共和国职业病防治法</cite>》，2001年"
        "（amended 2011, 2016, 2017 and 2018），主席令第二十四号。")
    assert format_reference(law, "en", STRINGS) == (
        "NPC Standing Committee. <cite>Occupational Disease Law</cite> "
        "(《<cite lang=\"zh-Hans\">中华人民共和国职业病防治法</cite>》, working title). 2001 "
        "(amended 2011, 2016, 2017 and 2018). 主席令第二十四号.")


def test_revision_date_only_when_its_text_does_not_date_the_version():
    text = GOOD.replace('revision: {text: "amended 2011, 2016, 2017 and 2018"',
                        'revision: {text: {en: "amended", zh: "修正"}')
    law = registry(text).get("prc-law")
    assert "（修正，2018年12月29日）" in format_reference(law, "zh", STRINGS)
    assert "(amended; 29 December 2018)" in format_reference(law, "en", STRINGS)
    law = registry(GOOD.replace('revision: {text: "amended 2011, 2016, 2017 and 2018"',
                                'revision: {text: {en: "adopted 28 December 2019, in force 1 June 2020", '
                                'zh: "2019年12月28日通过，2020年6月1日起施行"}')
                    .replace("2018-12-29", "2020-06-01")).get("prc-law")
    assert format_reference(law, "zh", STRINGS).endswith("2001年（2019年12月28日通过，2020年6月1日起施行），主席令第二十四号。")


def test_an_article_is_dated_by_its_journal_and_ends_et_al_once():
    text = GOOD + textwrap.dedent("""\
        liu-2019:
          type: article
          authors: ["Liu J", "Gan Y", "et al."]
          title: {en: "Prevalence of workplace violence?"}
          original_language: en
          year: 2019
          ids: {journal: {name: "Occup Environ Med", volume: "76", pages: "927-937"}}
          no_url: "none"
          verified: "2026-12-03, search tool: the abstract"
        """)
    article = registry(text).get("liu-2019")
    assert format_reference(article, "en", STRINGS) == (
        "Liu J, Gan Y, et al. <cite>Prevalence of workplace violence?</cite> "
        "<i>Occup Environ Med</i> 2019;76:927-937.")
    assert format_reference(article, "zh", STRINGS).startswith("Liu J、Gan Y等：")


def test_an_undated_source_says_so_instead_of_a_year():
    text = GOOD.replace("  year: 2003\n", '  undated: "a web page that shows no date"\n')
    reg = registry(text)
    assert validate_registry(reg) == []
    page = reg.get("who-2003-sharps-ebd")
    assert ". Undated." in format_reference(page, "en", STRINGS)
    assert "，未注明日期。" in format_reference(page, "zh", STRINGS)
    both = registry(text.replace("  undated:", "  year: 2003\n  undated:"))
    assert codes(validate_registry(both)) == [("registry-value-invalid", 9)]  # at undated:


# ---------------------------------------------------------------- sources page

def test_sources_page_groups_by_type_with_anchors():
    page = render_sources_page(registry(), "en", STRINGS)
    assert page.index("## Laws {#laws}") < page.index('<li id="src-prc-law">') \
        < page.index("## Reports and manuals {#reports}") < page.index('<li id="src-who-2003-sharps-ebd">')
    assert "## Journal articles" not in page
    assert "## 法律 {#laws}" in render_sources_page(registry(), "zh", STRINGS)
    # each entry says when the project last checked it, in the page's language
    assert '(<span class="hw-src-checked">checked 3 December 2026</span>)</li>' in page
    assert '（<span class="hw-src-checked">2026年12月3日核查</span>）</li>' in render_sources_page(registry(), "zh", STRINGS)


def test_sources_page_renders_as_markdown():
    html = markdown.markdown(render_sources_page(registry(), "en", STRINGS), extensions=["attr_list"])
    assert '<h2 id="laws">Laws</h2>' in html and '<li id="src-prc-law">' in html


def test_real_site_pages_pass_the_citations_rules():
    root = SOURCES_FILE.parents[2]
    reg = load_registry(SOURCES_FILE)
    pages = [read_page(p) for tree in ("docs", "docs_zh") for p in sorted((root / tree).rglob("*.md"))]
    assert [f for p in pages for f in citations.check(p, reg)] == []
    assert citations.check_languages(pages, reg) == []


# ---------------------------------------------------------------- link checker

def test_link_checker_checks_registry_urls_and_says_when_offline(tmp_path, capsys, monkeypatch):
    import check_links
    from hwsite.links import external as external_links

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    (tmp_path / "sources.yml").write_text(GOOD, encoding="utf-8")
    refs = check_links._registry_refs(tmp_path / "sources.yml")
    assert [(r.url, r.line) for r in refs] == [("https://example.org/sharps", 9)]

    seen = []
    monkeypatch.setattr(external_links, "network_available", lambda urls, timeout: False)
    monkeypatch.setattr(external_links, "check_urls", lambda urls, *a, **k: seen.append(list(urls)))
    code = check_links.main([str(site), "--external", "--no-cache", "--sources",
                             str(tmp_path / "sources.yml")])
    _, err = capsys.readouterr()
    assert code == 0 and seen == []
    assert "no network" in err and "skipped the external check of 1 URLs (1 from the source registry)" in err

    broken = external_links.UrlResult("https://example.org/sharps", False, 404, broken=True)
    monkeypatch.setattr(external_links, "network_available", lambda urls, timeout: True)
    monkeypatch.setattr(external_links, "check_urls",
                        lambda urls, *a, **k: {u: broken for u in urls})
    code = check_links.main([str(site), "--external", "--no-cache", "--format", "json",
                             "--sources", str(tmp_path / "sources.yml")])
    out, _ = capsys.readouterr()
    finding = json.loads(out)["findings"][0]
    assert code == 1 and (finding["kind"], finding["line"]) == ("external-broken", 9)
    assert finding["page"].endswith("sources.yml")


def test_link_checker_malformed_registry_is_bad_input(tmp_path, capsys):
    import check_links

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body></body></html>", encoding="utf-8")
    (tmp_path / "sources.yml").write_text("a: [b\n", encoding="utf-8")
    code = check_links.main([str(site), "--external", "--sources", str(tmp_path / "sources.yml")])
    _, err = capsys.readouterr()
    assert code == 2 and "sources.yml:1: malformed YAML" in err and "Traceback" not in err
