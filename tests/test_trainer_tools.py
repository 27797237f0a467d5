"""Trainer tools: short links and their redirect pages, QR codes, the trainers' list,
copy-link buttons, the Share panel, the present view and print. Unit tests of
scripts/hwsite/trainer_links.py, build tests (fixture sites and the real site) and
browser tests in headless Chromium against the real site."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin

import jinja2
import pytest
import segno
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, address, build_fixture_site, goto_settled, open_page, render_page_body
from hwsite import source, trainer_links as tl

SITE = "https://healthwise-osh.github.io/"
MODULE = "modules/03-biological-hazards/"
MODULE_PAGES = sorted(p.name for p in (ROOT / "docs" / "modules").glob("0*.md"))


def heading(level, text, id_=None):
    return source.Heading(level, text, id_, 1)


def html(path: Path) -> LexborHTMLParser:
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def svg_matrix(svg: str, border: int = 4) -> set[tuple[int, int]]:
    """The dark modules (row, column) drawn by a segno SVG path (M, m and h commands)."""
    x = y = 0.0
    dark = set()
    for command, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", re.search(r'<path stroke="#000" d="([^"]+)"', svg)[1]):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            for column in range(int(x), int(x + float(a))):
                dark.add((int(y - 0.5) - border, column - border))
            x += float(a)
    return dark


def qr_matrix(data: str) -> set[tuple[int, int]]:
    code = segno.make(data, error="m", micro=False)
    return {(r, c) for r, row in enumerate(code.matrix) for c, value in enumerate(row) if value & 1}


# ---------------------------------------------------------------- unit: short links

MODULE_HEADINGS = [
    heading(1, "Module 3: Biological hazards"),
    heading(2, "Overview", "overview"),
    heading(3, "Checkpoint 1: Apply **standard** precautions", "checkpoint-1"),
    heading(3, "Checkpoint 2: [Hand hygiene](x.md)", "checkpoint-2"),
    heading(3, "Checkpoint 2 again", "checkpoint-2"),
    heading(3, "Checkpoint zero", "checkpoint-0"),
    heading(3, "Not a checkpoint", "checkpoint-2b"),
    heading(2, "Module checklist", "checklist"),
]


def test_short_links_of_a_module_page():
    links = tl.short_links_for_page({"module": 3, "title": "Module 3: Biological hazards"}, MODULE_HEADINGS,
                                    "modules/03-bio/", "", "docs/modules/03-bio.md")
    assert [(l.path, l.target, l.anchor, l.kind, l.number) for l in links] == [
        ("m3/", "modules/03-bio/", None, "module", None),
        ("m3/1/", "modules/03-bio/", "checkpoint-1", "checkpoint", 1),
        ("m3/2/", "modules/03-bio/", "checkpoint-2", "checkpoint", 2),
        ("m3/checklist/", "modules/03-bio/", "checklist", "checklist", None),
    ]
    assert [l.title for l in links] == ["Module 3: Biological hazards", "Checkpoint 1: Apply standard precautions",
                                        "Checkpoint 2: Hand hygiene", "Module checklist"]
    assert {l.page_title for l in links} == {"Module 3: Biological hazards"}
    assert links[1].target_with_anchor == "modules/03-bio/#checkpoint-1"


def test_short_links_carry_the_language_folder():
    links = tl.short_links_for_page({"module": 3}, MODULE_HEADINGS, "zh/modules/03-bio/", "zh/")
    assert [l.path for l in links] == ["zh/m3/", "zh/m3/1/", "zh/m3/2/", "zh/m3/checklist/"]
    assert links[0].title == "Module 3: Biological hazards"  # the h1 when there is no title


def test_pages_without_module_have_no_short_links():
    assert tl.short_links_for_page({"title": "Fact"}, MODULE_HEADINGS, "fact-sheets/x/") == []


@pytest.mark.parametrize("value", [0, -1, "3", 2.5, True])
def test_a_bad_module_number_names_the_file(value):
    with pytest.raises(tl.ShortLinkError) as error:
        tl.short_links_for_page({"module": value}, [], "modules/x/", source="docs/modules/x.md")
    assert error.value.file == "docs/modules/x.md"
    assert "whole number" in str(error.value)


def test_two_pages_with_one_module_number_conflict():
    a = tl.short_links_for_page({"module": 2}, [], "modules/a/", source="docs/modules/a.md")
    b = tl.short_links_for_page({"module": 2}, [], "modules/b/", source="docs/modules/b.md")
    c = tl.short_links_for_page({"module": 3}, [], "modules/c/", source="docs/modules/c.md")
    problems = tl.conflicts(a + b + c)
    assert len(problems) == 1
    assert "/m2/" in problems[0] and "docs/modules/a.md" in problems[0] and "docs/modules/b.md" in problems[0]
    assert tl.conflicts(a + c) == []


@pytest.mark.parametrize("rel, expected", [
    ("fact-sheets/safety.md", True), ("fact-sheets/index.md", False), ("modules/01-x.md", False),
])
def test_fact_sheet_pages(rel, expected):
    from hwsite import site_model

    assert site_model.is_fact_sheet(rel) is expected
    assert site_model.is_module_page(rel) is (rel == "modules/01-x.md")


@pytest.mark.parametrize("frm, to, expected", [
    ("m3/4/", "modules/03-bio/#checkpoint-4", "../../modules/03-bio/#checkpoint-4"),
    ("zh/m3/", "zh/modules/03-bio/", "../modules/03-bio/"),
    ("m3/4/index.html", "modules/03-bio.html#checkpoint-4", "../../modules/03-bio.html#checkpoint-4"),
    ("trainers/short-links/", "m3/4/", "../../m3/4/"),
    ("", "m3/", "m3/"),
    ("m3/", "m3/", "./"),
    ("m3/", "", "../"),
])
def test_relative_url(frm, to, expected):
    assert tl.relative_url(frm, to) == expected
    # and it resolves where it should
    assert urljoin("https://x.org/sub/" + frm, expected) == "https://x.org/sub/" + to


@pytest.mark.parametrize("url, expected", [
    ("m3/", "assets/qr/m3.svg"), ("zh/m3/4/", "assets/qr/zh-m3-4.svg"), ("m3/checklist/", "assets/qr/m3-checklist.svg"),
    ("fact-sheets/safety/", "assets/qr/fact-sheets-safety.svg"), ("fact-sheets/safety.html", "assets/qr/fact-sheets-safety.svg"),
    ("zh/m3/index.html", "assets/qr/zh-m3.svg"),
])
def test_qr_file_names(url, expected):
    assert tl.qr_file(url) == expected


def test_url_helpers():
    assert tl.link_url("m3/4/") == "m3/4/"
    assert tl.link_url("m3/4/", use_directory_urls=False) == "m3/4/index.html"
    assert tl.output_file("m3/4/") == "m3/4/index.html"
    assert tl.output_file("m3/4/index.html") == "m3/4/index.html"
    assert tl.absolute_url("https://x.org/sub", "zh/m3/") == "https://x.org/sub/zh/m3/"
    assert tl.display_url("https://x.org/sub/m3/") == "x.org/sub/m3/"


def test_redirect_page():
    link = tl.short_links_for_page({"module": 3, "title": "Module 3"}, MODULE_HEADINGS, "zh/modules/03-bio/", "zh/")[1]
    page = tl.redirect_page(link, site_url="https://x.org/sub/", html_lang="zh-Hans", site_name="网站",
                            text="此短链接指向：{link}")
    doc = LexborHTMLParser(page)
    assert doc.css_first("html").attributes["lang"] == "zh-Hans"
    assert doc.css_first('meta[http-equiv="refresh"]').attributes["content"] == "0; url=../../modules/03-bio/#checkpoint-1"
    assert doc.css_first('link[rel="canonical"]').attributes["href"] == "https://x.org/sub/zh/modules/03-bio/"
    assert doc.css_first('meta[name="robots"]').attributes["content"] == "noindex"
    visible = doc.css_first("body p")
    assert visible.text() == "此短链接指向：Checkpoint 1: Apply standard precautions – Module 3"
    assert visible.css_first("a").attributes["href"] == "../../modules/03-bio/#checkpoint-1"
    assert "<script" not in page


def test_redirect_page_without_directory_urls():
    link = tl.short_links_for_page({"module": 1}, [], "modules/01-x.html")[0]
    page = tl.redirect_page(link, site_url="", html_lang="en", site_name="S", text="Go: {link}", use_directory_urls=False)
    assert 'content="0; url=../modules/01-x.html"' in page
    assert "canonical" not in page


def test_qr_svg_encodes_exactly_the_url():
    url = "https://healthwise-osh.github.io/zh/m3/4/"
    svg = tl.qr_svg(url)
    assert svg.startswith("<svg") and "<?xml" not in svg
    assert f"<title>{url}</title>" in svg
    assert 'width="' not in svg.split(">")[0]  # sized by CSS / <img>
    assert svg_matrix(svg) == qr_matrix(url)
    assert svg_matrix(svg) != qr_matrix(url.replace("/4/", "/5/"))


def test_qr_codes_are_kept_on_disk_between_builds(tmp_path, monkeypatch):
    monkeypatch.setattr(tl, "QR_CACHE", tmp_path / "qr")
    url = "https://example.org/m9/cache-test/"
    tl._qr_svg.cache_clear()
    svg = tl.qr_svg(url)
    kept = list((tmp_path / "qr").glob("*.svg"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == svg
    kept[0].write_text(svg.replace("<title>", "<title>from disk: "), encoding="utf-8")
    tl._qr_svg.cache_clear()  # a new build process
    assert "from disk: " in tl.qr_svg(url)
    tl._qr_svg.cache_clear()


def test_short_links_markdown_lists_each_module_with_checked_target_links():
    links = (tl.short_links_for_page({"module": 3, "title": "Module 3: Bio | hazards"}, MODULE_HEADINGS, "modules/03-bio/")
             + tl.short_links_for_page({"module": 1, "title": "Module 1"}, [heading(3, "Checkpoint 1", "checkpoint-1")], "modules/01-x/"))
    text = tl.short_links_markdown(links, page_src="trainers/short-links.md", page_url="trainers/short-links/",
                                   sources={"modules/03-bio/": "modules/03-bio.md", "modules/01-x/": "modules/01-x.md"},
                                   site_url=SITE, headers=("Short link", "Goes to"))
    lines = text.splitlines()
    assert lines[0] == "### Module 1 {#m1}"
    assert lines.index("### Module 3: Bio \\| hazards {#m3}") > lines.index("### Module 1 {#m1}")
    assert '| <a href="../../m3/1/"><code>healthwise-osh.github.io/m3/1/</code></a> | ' \
           "[Checkpoint 1: Apply standard precautions](../modules/03-bio.md#checkpoint-1) |" in lines
    assert '| <a href="../../m3/checklist/"><code>healthwise-osh.github.io/m3/checklist/</code></a> | ' \
           "[Module checklist](../modules/03-bio.md#checklist) |" in lines
    assert sum(1 for line in lines if line.startswith("| <a")) == 6


CHECKPOINTS_PAGE = """# T {#t}

intro

### C1 {#checkpoint-1}

a<br>b

<div class="admonition" markdown>

### N {#nested}

x

</div>

![](i.svg)

<!-- <h2> in a comment -->

### C2 {#checkpoint-2}

- y

## L {#checklist}

z
"""


def test_wrap_checkpoints_keeps_each_checkpoint_section_together():
    out = render_page_body(CHECKPOINTS_PAGE, checkpoints=True)
    doc = LexborHTMLParser(out)
    first, second = doc.css(".hw-checkpoint")
    assert [n.tag for n in first.iter() if n.tag != "-comment"] == ["h3", "p", "div", "p"]
    assert [n.tag for n in second.iter()] == ["h3", "ul"]
    assert doc.css_first("#checklist").parent.tag == "body" and doc.css_first("#nested").parent.tag == "div"
    # nothing else changes: without the wrappers it is the page as rendered without checkpoints
    for wrapper in doc.css(".hw-checkpoint"):
        wrapper.unwrap()
    assert doc.body.html == LexborHTMLParser(render_page_body(CHECKPOINTS_PAGE)).body.html
    assert out.startswith('<h1 id="t">') and '<p>intro</p>\n<div class="hw-checkpoint"><h3 id="checkpoint-1">' in out
    assert "<li>y</li>\n</ul>\n</div><h2 id=\"checklist\">" in out
    assert "hw-checkpoint" not in render_page_body("## x {#checkpoint-1}\n\ny", checkpoints=True)
    assert render_page_body("### a {#checkpoint-1}\n\nb", checkpoints=True).endswith("<p>b</p>\n</div>")


def test_insert_after_heading():
    page = "## O {#overview}\n\nx\n\n## L {#checklist}\n\ny\n"
    out = render_page_body(page, checklist_html='<div class="qr"><img src="q.svg" alt=""></div>')
    assert '</a></h2><div class="qr"><img src="q.svg" alt=""></div>\n<p>y</p>' in out
    assert render_page_body(page.replace("checklist", "other"), checklist_html="<div>QR</div>") == \
        render_page_body(page.replace("checklist", "other"))
    root = etree.fromstring('<div><h2 id="o">O</h2><p>x</p></div>')
    assert not tl.insert_after_heading(root, "checklist", etree.Element("hr"))
    assert tl.insert_after_heading(root, "o", etree.Element("hr"))
    assert etree.tostring(root, encoding="unicode") == '<div><h2 id="o">O</h2><hr /><p>x</p></div>'


HEADINGS_PAGE = """# Module *3* {#t}

## A &amp; “B” {#a-b}

### C<abbr title="t">1</abbr> {: #checkpoint-1 .x }

#### D `e` {#d}

<h2>No id</h2>
"""


class _Twice(Extension):
    """Runs heading_controls a second time, after the page body extension."""

    def extendMarkdown(self, md):  # noqa: N802
        class Again(Treeprocessor):
            def run(self, root):
                tl.heading_controls(root, "Copy “{title}”", "Link here", md.htmlStash.rawHtmlBlocks)
        md.treeprocessors.register(Again(md), "again", 3)


def test_heading_controls_name_permalinks_and_add_copy_buttons_to_h2_and_h3_only():
    out = render_page_body(HEADINGS_PAGE, copy_label="Copy “{title}”", link_label="Link here")
    doc = LexborHTMLParser(out)
    assert [b.attributes["data-hw-anchor"] for b in doc.css("button.hw-copylink")] == ["a-b", "checkpoint-1"]
    assert doc.css_first("#a-b button").attributes["aria-label"] == "Copy “A & “B””"
    assert doc.css_first("#checkpoint-1 button").attributes["aria-label"] == "Copy “C1”"
    assert [a.attributes.get("aria-label") for a in doc.css("a.headerlink")] == ["Link here"] * 4
    assert " title=" not in out.replace('<abbr title="t">', "")
    # the button comes before the permalink, which stays last; running twice changes nothing
    assert doc.css_first("#a-b").html.index("hw-copylink") < doc.css_first("#a-b").html.index("headerlink")
    assert render_page_body(HEADINGS_PAGE, extensions=(_Twice(),), copy_label="Copy “{title}”",
                            link_label="Link here") == out
    assert "<h2>No id</h2>" in out
    assert tl.heading_text(etree.fromstring('<h2>A <em>b</em>\n c<a class="headerlink">¶</a></h2>')) == "A b c"


def test_page_data_json_has_only_the_browser_strings_and_is_script_safe():
    strings = {"heading.copy": "Copy “{title}”", "tt.copy.failed": "Copy:", "tt.copied": "复制了", "tt.present.next": "</script>", "tt.list.short": "x",
               "tt.share": "Share", "notfound.title": "x"}
    text = tl.page_data_json(strings, SITE, {"modules/03-bio/": "m3/"})
    assert "</script>" not in text and "\\u003c/script\\u003e" in text
    assert "复制了" in text  # not \\u-escaped: smaller Chinese pages
    import json
    data = json.loads(text)
    assert data == {"s": {"copy.failed": "Copy:", "copied": "复制了", "present.next": "</script>"},
                    "site": SITE, "modules": {"modules/03-bio/": "m3/"}}


def test_ui_strings_exist_in_both_languages_with_the_same_placeholders():
    from hwsite.languages import load_strings

    en = load_strings(str(ROOT / "overrides/strings/en.yml"))
    zh = load_strings(str(ROOT / "overrides/strings/zh.yml"))
    assert set(en) == set(zh) and len([k for k in en if k.startswith(("tt.", "heading."))]) >= 20
    for key in set(en) - {"date.format"}:  # a date pattern picks its own fields
        assert sorted(re.findall(r"\{\w+\}", en[key])) == sorted(re.findall(r"\{\w+\}", zh[key])), key
    assert "{link}" in en["tt.redirect"]


# ---------------------------------------------------------------- build: fixture sites

FX_MODULE = """\
---
title: "Module 1: One"
module: 1
---

# Module 1: One

## Checkpoints {#checkpoints}

### Checkpoint 1: First {#checkpoint-1}

Text.

### Checkpoint 2: Second {#checkpoint-2}

More text.

## Module checklist {#checklist}

| No. | Checkpoint |
|---|---|
| 1 | [First](#checkpoint-1) |
"""
FX_EN = {
    "index.md": "# Home\n\n[Module 1](modules/01-one.md)\n",
    "modules/01-one.md": FX_MODULE,
    "fact-sheets/sheet.md": "# Sheet\n\n## Part {#part}\n\nText.\n",
    "trainers/short-links.md": "# Short links\n\n<!-- short-links -->\n",
}
FX_ZH = {
    "index.md": "# 首页\n\n[模块1](modules/01-one.md)\n",
    "modules/01-one.md": FX_MODULE.replace("Module 1: One", "模块1：一").replace("Checkpoint 1: First", "检查点1：第一"),
    "trainers/short-links.md": "# 短链接\n\n<!-- short-links -->\n",
}
# appended to the fixture config: later keys win
FX_CONFIG = "site_url: https://example.org/sub/\nuse_directory_urls: false\n"


@pytest.fixture(scope="module")
def fx_site(tmp_path_factory):
    site, result = build_fixture_site(tmp_path_factory.mktemp("tt"), FX_EN, FX_ZH, FX_CONFIG)
    assert result.returncode == 0, result.stderr
    return site


def test_fixture_short_links_work_under_a_sub_path_without_directory_urls(fx_site):
    cases = {"m1/index.html": "../modules/01-one.html", "m1/2/index.html": "../../modules/01-one.html#checkpoint-2",
             "m1/checklist/index.html": "../../modules/01-one.html#checklist",
             "zh/m1/1/index.html": "../../modules/01-one.html#checkpoint-1"}
    for rel, target in cases.items():
        doc = html(fx_site / rel)
        assert doc.css_first('meta[http-equiv="refresh"]').attributes["content"] == f"0; url={target}", rel
        resolved = (fx_site / rel).parent / target.split("#")[0]
        assert resolved.resolve().is_file(), rel
    canonical = html(fx_site / "zh/m1/1/index.html").css_first('link[rel="canonical"]').attributes["href"]
    assert canonical == "https://example.org/sub/zh/modules/01-one.html"
    assert "检查点1：第一" in (fx_site / "zh/m1/1/index.html").read_text(encoding="utf-8")


def test_fixture_qr_codes_carry_the_published_short_link(fx_site):
    for name, url in [("m1", "https://example.org/sub/m1/"), ("zh-m1-2", "https://example.org/sub/zh/m1/2/"),
                      ("m1-checklist", "https://example.org/sub/m1/checklist/"),
                      ("fact-sheets-sheet", "https://example.org/sub/fact-sheets/sheet.html"),
                      ("zh-fact-sheets-sheet", "https://example.org/sub/zh/fact-sheets/sheet.html")]:
        svg = (fx_site / "assets/qr" / f"{name}.svg").read_text(encoding="utf-8")
        assert f"<title>{url}</title>" in svg
        assert svg_matrix(svg) == qr_matrix(url), name


def test_fixture_list_page_and_module_page_markup(fx_site):
    listing = html(fx_site / "zh/trainers/short-links.html")
    shown = [c.text() for c in listing.css("td code")]
    assert shown == ["example.org/sub/zh/m1/", "example.org/sub/zh/m1/1/", "example.org/sub/zh/m1/2/",
                     "example.org/sub/zh/m1/checklist/"]
    hrefs = [a.attributes["href"] for a in listing.css("td a") if a.css_first("code")]
    assert hrefs[1] == "../m1/1/index.html"
    module = html(fx_site / "modules/01-one.html")
    share = module.css_first("[data-hw-share]")
    assert share.attributes["data-url"] == "https://example.org/sub/m1/"
    assert share.attributes["data-qr"] == "../assets/qr/m1.svg"
    assert len(module.css(".hw-checkpoint")) == 2
    checklist_qr = module.css_first("#checklist").next
    assert "hw-print-qr" in checklist_qr.attributes["class"]
    assert checklist_qr.css_first("img").attributes["src"] == "../assets/qr/m1-checklist.svg"
    assert html(fx_site / "index.html").css_first("[data-hw-share]") is None
    assert html(fx_site / "index.html").css_first("#hw-tt") is not None


def test_fixture_two_modules_with_one_number_fail_the_build(tmp_path):
    en = {**FX_EN, "modules/02-two.md": FX_MODULE.replace("Module 1: One", "Module 1 again")}
    _, result = build_fixture_site(tmp_path, en, FX_ZH)
    assert result.returncode != 0
    assert "short link /m1/ claimed by both" in result.stderr
    assert "docs/modules/01-one.md" in result.stderr and "docs/modules/02-two.md" in result.stderr


# ---------------------------------------------------------------- build: the real site

def test_every_module_and_checkpoint_has_a_working_short_link(real_site):
    for lang in ("", "zh/"):
        for name in MODULE_PAGES:
            src = source.read_source(ROOT / ("docs_zh" if lang else "docs") / "modules" / name)
            number = src.meta["module"]
            page = real_site / lang / "modules" / name[:-3] / "index.html"
            ids = {node.attributes.get("id") for node in html(page).css("[id]")}
            checkpoints = [h.id for h in source.headings(src) if h.id and h.id.startswith("checkpoint-")]
            assert len(checkpoints) >= 5
            for anchor, short in [(None, "")] + [(c, c.split("-")[1] + "/") for c in checkpoints] + [("checklist", "checklist/")]:
                redirect = real_site / lang / f"m{number}" / short / "index.html"
                refresh = html(redirect).css_first('meta[http-equiv="refresh"]').attributes["content"]
                target = urljoin(f"https://h.org/{lang}m{number}/{short}", refresh.split("url=", 1)[1])
                assert target == f"https://h.org/{lang}modules/{name[:-3]}/" + (f"#{anchor}" if anchor else ""), redirect
                assert anchor is None or anchor in ids
                qr = (real_site / tl.qr_file(f"{lang}m{number}/{short}")).read_text(encoding="utf-8")
                assert f"<title>{SITE}{lang}m{number}/{short}</title>" in qr


def test_fact_sheets_have_qr_codes_of_their_address(real_site):
    for path in sorted((ROOT / "docs" / "fact-sheets").glob("*.md")):
        for lang in ("", "zh/"):
            url = f"{lang}fact-sheets/{path.stem}/"
            qr = real_site / tl.qr_file(url)
            if path.name == "index.md":
                assert not qr.exists()
                continue
            svg = qr.read_text(encoding="utf-8")
            assert svg_matrix(svg) == qr_matrix(SITE + url)
            share = html(real_site / url / "index.html").css_first("[data-hw-share]")
            assert share.attributes["data-url"] == SITE + url


def test_trainers_page_is_in_the_nav_of_both_languages(real_site):
    for lang, label in (("", "Trainer's kit"), ("zh/", "培训师工具包")):
        doc = html(real_site / lang / "index.html")
        assert label in [n.text(strip=True) for n in doc.css("nav.md-nav--primary .md-nav__link")]
        listing = html(real_site / lang / "trainers/short-links/index.html")
        redirects = sorted(p.parent.relative_to(real_site / lang).as_posix() + "/"
                           for p in (real_site / lang).glob("m[0-9]*/**/index.html"))
        listed = sorted(urljoin(f"https://h.org/{lang}trainers/short-links/", a.attributes["href"])[len(f"https://h.org/{lang}"):]
                        for a in listing.css("td a") if a.css_first("code"))
        assert listed == redirects and len(listed) >= 8 * 7


# ---------------------------------------------------------------- browser

@pytest.fixture
def clipboard_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, permissions=["clipboard-read", "clipboard-write"])
    yield context
    context.close()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 850})
    yield context
    context.close()


def in_viewport(page, selector):
    return page.evaluate(f"""(() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();
        return r.top >= 0 && r.top < window.innerHeight; }})()""")


@pytest.mark.parametrize("lang, toast", [("", "Link copied"), ("zh/", "链接已复制")])
def test_copy_link_by_tap_puts_the_section_url_on_the_clipboard(clipboard_phone, site_url, lang, toast):
    page = open_page(clipboard_phone, site_url + lang + MODULE)
    button = page.locator("#checkpoint-4 .hw-copylink")
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44  # tap target on a touch screen
    assert ("“" in button.get_attribute("aria-label")) and ("4" in button.get_attribute("aria-label"))
    button.tap()
    status = page.locator(".hw-toast[role=status]")
    status.filter(has_text=toast).wait_for(timeout=5000)
    assert page.evaluate("navigator.clipboard.readText()") == site_url + lang + MODULE + "#checkpoint-4"


def test_copy_link_by_keyboard_and_without_the_clipboard_api(clipboard_phone, site_url):
    page = clipboard_phone.new_page()
    # as on a plain-http origin: no navigator.clipboard, so the textarea fallback copies
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined})")
    goto_settled(page, site_url + MODULE)
    assert page.evaluate("navigator.clipboard") is None
    page.locator("#overview .hw-copylink").focus()
    page.keyboard.press("Enter")
    page.locator(".hw-toast").filter(has_text="Link copied").wait_for(timeout=5000)
    reader = clipboard_phone.new_page()
    goto_settled(reader, site_url)
    assert reader.evaluate("navigator.clipboard.readText()") == site_url + MODULE + "#overview"
    page.locator("#checkpoint-2 .hw-copylink").focus()
    page.keyboard.press(" ")
    page.wait_for_function("document.querySelector('.hw-toast').textContent === 'Link copied'")
    assert reader.evaluate("navigator.clipboard.readText()") == site_url + MODULE + "#checkpoint-2"


@pytest.mark.parametrize("lang", ["", "zh/"])
@pytest.mark.parametrize("javascript", [True, False])
def test_short_links_land_on_the_checkpoint(browser, site_url, lang, javascript):
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(site_url + lang + "m3/4/")
        page.wait_for_url(site_url + lang + MODULE + "#checkpoint-4", timeout=10000)
        page.wait_for_load_state("networkidle")
        assert in_viewport(page, "#checkpoint-4")
        page.goto(site_url + lang + "m3/checklist/")
        page.wait_for_url(site_url + lang + MODULE + "#checklist", timeout=10000)
        page.goto(site_url + lang + "m7/")
        page.wait_for_url(site_url + lang + "modules/07-working-time/", timeout=10000)
    finally:
        context.close()


@pytest.mark.parametrize("lang, heading", [("", "Module 3"), ("zh/", "模块3")])
def test_trainers_list_page_lists_the_short_links(phone, site_url, lang, heading):
    page = open_page(phone, site_url + lang + "trainers/short-links/")
    codes = page.locator("td a code").all_inner_texts()
    assert f"healthwise-osh.github.io/{lang}m3/4/" in codes
    assert page.locator("#m3").inner_text().startswith(heading)
    page.locator("td a", has=page.locator("code", has_text=f"/{lang}m3/4/")).click()
    page.wait_for_url(site_url + lang + MODULE + "#checkpoint-4", timeout=10000)


def present_count(page):
    return page.locator(".hw-present__count").inner_text()


def test_present_view_steps_by_keyboard_and_buttons_and_returns_to_the_checkpoint(desktop, site_url):
    page = open_page(desktop, site_url + MODULE)
    page.locator("[data-hw-present]").click()
    dialog = page.locator(".hw-present[role=dialog]")
    dialog.wait_for()
    assert present_count(page) == "Checkpoint 1 of 8"
    assert page.evaluate("document.activeElement.classList.contains('hw-present__slide')")
    assert page.evaluate("document.querySelector('.md-container').inert")
    assert page.locator(".hw-present__heading").inner_text().startswith("Checkpoint 1:")
    # the slides are longer than this screen: Page Down, Space and the arrows up and down scroll
    # them first (test_present_view_never_cuts_a_slide_off); left and right always change slides
    for key, expected in [("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2), ("ArrowLeft", 1), ("ArrowLeft", 1),
                          ("End", 8), ("Home", 1)]:
        page.keyboard.press(key)
        assert present_count(page) == f"Checkpoint {expected} of 8", key
    assert page.locator(".hw-present__count").get_attribute("aria-live") == "polite"
    page.locator('[data-hw-present-step="1"]').click()
    page.locator('[data-hw-present-step="1"]').click()
    page.locator('[data-hw-present-step="-1"]').click()
    assert present_count(page) == "Checkpoint 2 of 8"
    assert address(page).endswith("#present-2")
    side = page.locator(".hw-present__share")
    assert side.locator("a").inner_text() == "healthwise-osh.github.io/m3/2/"
    assert side.locator("img").get_attribute("src").endswith("assets/qr/m3-2.svg")
    page.wait_for_function("document.querySelector('.hw-present__share img').naturalWidth > 0")
    # a slide repeats no id of the page
    assert page.locator(".hw-present [id]").count() == 1  # the dialog title only
    # Tab and Shift+Tab go round the dialog's controls and never leave it
    for key in ["Tab"] * 12 + ["Shift+Tab"] * 12:
        page.keyboard.press(key)
        assert page.evaluate("document.querySelector('.hw-present').contains(document.activeElement)"), key
    page.keyboard.press("Escape")
    assert dialog.count() == 0
    assert address(page) == site_url + MODULE + "#checkpoint-2"
    assert in_viewport(page, "#checkpoint-2")
    assert page.evaluate("document.activeElement.id") == "checkpoint-2"
    assert not page.evaluate("document.querySelector('.md-container').inert")


@pytest.mark.parametrize("lang, count", [("", "Checkpoint 5 of 8"), ("zh/", "第5个检查点，共8个")])
def test_present_view_from_the_url_and_on_a_phone(phone, site_url, lang, count):
    page = open_page(phone, site_url + lang + MODULE + "#present-5")
    page.locator(".hw-present").wait_for()
    assert present_count(page) == count
    page.locator('[data-hw-present-step="1"]').tap()
    page.locator("[data-hw-present-exit]").tap()
    assert address(page) == site_url + lang + MODULE + "#checkpoint-6"
    assert in_viewport(page, "#checkpoint-6")
    page = open_page(phone, site_url + lang + MODULE + "?present#checkpoint-3")
    page.locator(".hw-present").wait_for()
    assert present_count(page).replace("3", "5") == count
    page.keyboard.press("Escape")
    assert address(page) == site_url + lang + MODULE + "#checkpoint-3"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


# ---------------------------------------------------------------- browser: slides longer than the screen

PRESENT_SCREENS = [{"width": 1280, "height": 720}, {"width": 1024, "height": 768}]  # projectors, old laptops

# What a reader of the slide can see now: the slide's scroll position and the band of it on the
# screen (less the strip the cue "more below" covers), whether the slide or the view would cut
# anything off, and where the focus is.
SLIDE_STATE = """() => {
    const view = document.querySelector('.hw-present'), slide = view.querySelector('.hw-present__slide');
    const cue = view.querySelector('.hw-present__more'), box = slide.getBoundingClientRect();
    const cueShown = !!cue && !cue.hidden && cue.getBoundingClientRect().height > 0;
    const answer = slide.querySelector('.hw-quiz-present__answer');
    return {
        count: view.querySelector('.hw-present__count').textContent,
        revealed: slide.classList.contains('hw-quiz-present__slide--revealed'),
        answerTop: answer ? answer.getBoundingClientRect().top - box.top + slide.scrollTop : null,
        top: slide.scrollTop, height: slide.clientHeight, full: slide.scrollHeight,
        width: slide.clientWidth, fullWidth: slide.scrollWidth, overflowY: getComputedStyle(slide).overflowY,
        cue: cueShown, covered: cueShown ? box.bottom - cue.getBoundingClientRect().top + 10 : 0,
        boxTop: box.top, boxBottom: box.bottom,
        barBottom: view.querySelector('.hw-present__bar').getBoundingClientRect().bottom,
        navTop: view.querySelector('.hw-present__nav').getBoundingClientRect().top,
        focusInside: view.contains(document.activeElement),
    };
}"""


def slide_state(page) -> dict:
    return page.evaluate(SLIDE_STATE)


def check_frame(state: dict, where: str) -> None:
    """Nothing of the slide is cut off by the view: it lies between the title bar and the
    buttons, scrolls (keyboard, wheel, touch) when longer than its box, is not wider than
    its box, keeps the focus in the dialog and shows the cue exactly when there is more below."""
    assert state["boxTop"] >= state["barBottom"] - 1 and state["boxBottom"] <= state["navTop"] + 1, where
    assert state["full"] <= state["height"] + 1 or state["overflowY"] in ("auto", "scroll"), where
    assert state["fullWidth"] <= state["width"] + 1, where
    assert state["focusInside"], where
    assert state["cue"] == (state["top"] + state["height"] < state["full"] - 1), where


def assert_covered(bands: list[tuple[float, float]], start: float, end: float, where: str) -> None:
    """The bands seen on the screen, one per key press, leave no gap from start to end."""
    reach = start
    for top, bottom in sorted(bands):
        assert top <= reach + 1, f"{where}: {reach:.0f} to {top:.0f} never on the screen (seen: {bands})"
        reach = max(reach, bottom)
    assert reach >= end - 1, f"{where}: {reach:.0f} to {end:.0f} never on the screen (seen: {bands})"


def band(state: dict) -> tuple[float, float]:
    return state["top"], state["top"] + state["height"] - state["covered"]


def walk_slide(page, key: str, where: str) -> tuple[list[dict], dict]:
    """Press key until the slide changes (or, on the last one, nothing moves any more); the
    states seen on this slide, and the first state after it."""
    seen = [slide_state(page)]
    while True:
        check_frame(seen[-1], where)
        page.keyboard.press(key)
        now = slide_state(page)
        if now["count"] != seen[-1]["count"] or (now["top"], now["revealed"]) == (seen[-1]["top"], seen[-1]["revealed"]):
            return seen, now
        assert len(seen) < 40, f"{where}: {key} does not get to the end of the slide"
        seen.append(now)


@pytest.fixture(params=PRESENT_SCREENS, ids=lambda size: f"{size['width']}x{size['height']}")
def projector(browser, request):
    context = browser.new_context(viewport=request.param)
    yield context
    context.close()


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_present_view_never_cuts_a_slide_off(projector, site_url, lang):
    """Every checkpoint of every module, read with Page Down alone (what a clicker sends):
    each part of each slide comes on the screen, none is hidden or out of reach."""
    for module in MODULE_PAGES:
        page = open_page(projector, f"{site_url}{lang}modules/{module.removesuffix('.md')}/?present")
        page.locator(".hw-present").wait_for()
        total = page.evaluate("document.querySelectorAll('.md-content article h3[id^=checkpoint-]').length")
        for number in range(1, total + 1):
            where = f"{lang}{module} checkpoint {number}"
            seen, after = walk_slide(page, "PageDown", where)
            assert_covered([band(state) for state in seen], 0, seen[-1]["full"], where)
            if number < total:
                assert after["top"] == 0 and after["count"] != seen[-1]["count"], where  # the next one, from its top
        page.close()


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_present_view_scrolls_back_and_by_space_and_arrows(projector, site_url, lang):
    page = open_page(projector, site_url + lang + MODULE + "#present-8")
    page.locator(".hw-present").wait_for()
    # Space and Shift+Space, and the arrows up and down, walk a slide too
    for forward, back in [(" ", "Shift+ "), ("ArrowDown", "ArrowUp")]:
        seen, after = walk_slide(page, forward, f"{forward} on checkpoint 8")
        assert len(seen) > 1 and not seen[-1]["cue"]
        assert_covered([band(state) for state in seen], 0, seen[-1]["full"], forward)
        back_seen, after = walk_slide(page, back, f"{back} on checkpoint 8")
        assert back_seen[-1]["top"] == 0 and after["count"] != back_seen[-1]["count"]
        # back on the checkpoint before, at its end: Page Up reads the slides backwards
        assert after["top"] + after["height"] >= after["full"] - 1 and not after["cue"]
        page.keyboard.press("ArrowRight")
    walk_slide(page, "PageDown", "Page Down on checkpoint 8")  # the last one: to its end, and no further
    assert slide_state(page)["count"].count("8") == 2 and not slide_state(page)["cue"]
    seen, _ = walk_slide(page, "PageUp", "Page Up on checkpoint 8")
    assert_covered([band(state) for state in seen], 0, seen[0]["full"], "Page Up")
    # with the focus on a button, Page Down still scrolls the slide first
    page.keyboard.press("End")
    page.locator('[data-hw-present-step="-1"]').focus()
    page.keyboard.press("PageDown")
    assert slide_state(page)["top"] > 0 and slide_state(page)["count"] == after["count"].replace("7", "8")


def swipe_up(cdp, x: float, y: float, distance: float) -> None:
    """A finger drawn up the screen (Chromium's touch events, as a tablet sends them)."""
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - distance * step / 10}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_present_view_slide_scrolls_by_touch(browser, site_url, lang):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, has_touch=True)
    try:
        page = open_page(context, site_url + lang + MODULE + "#present-5")
        page.locator(".hw-present").wait_for()
        assert slide_state(page)["cue"]
        box = page.locator(".hw-present__slide").bounding_box()
        cdp = context.new_cdp_session(page)
        tops = [0]
        while slide_state(page)["cue"] and len(tops) < 20:
            swipe_up(cdp, box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8, box["height"] * 0.6)
            page.wait_for_timeout(300)  # the fling after the finger leaves
            tops.append(slide_state(page)["top"])
            assert tops[-1] > tops[-2], tops
        state = slide_state(page)
        assert state["top"] + state["height"] >= state["full"] - 1 and not state["cue"], tops
        assert present_count(page).count("5") == 1  # still checkpoint 5: a swipe scrolls, it does not change slides
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_axe_reports_no_violations_on_a_long_slide(browser, site_url, lang):
    from test_browser import axe_violations

    context = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        page = open_page(context, site_url + lang + MODULE + "#present-5")
        page.locator(".hw-present").wait_for()
        page.keyboard.press("PageDown")
        assert slide_state(page)["cue"] and slide_state(page)["top"] > 0
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.fixture
def portless(browser, real_site):
    """The real site at http://hw.test/, answered by Playwright from the build: Material's
    instant navigation only works when page URLs have no port (it matches the sitemap's
    URLs by scheme and host), and a plain-http origin has no Clipboard API."""
    import mimetypes
    from urllib.parse import unquote, urlparse

    def answer(route):
        path = real_site / unquote(urlparse(route.request.url).path).lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return route.fulfill(status=404, path=real_site / "404.html", content_type="text/html; charset=utf-8")
        route.fulfill(status=200, path=path, content_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream")

    context = browser.new_context(viewport={"width": 1100, "height": 850})
    context.route("http://hw.test/**", answer)
    yield context
    context.close()


def test_tools_work_after_instant_navigation_on_plain_http(portless):
    page = portless.new_page()
    goto_settled(page, "http://hw.test/modules/")
    assert page.evaluate("window.isSecureContext") is False and page.evaluate("navigator.clipboard") is None
    page.evaluate("window.__hw_same_document = true")
    page.locator('.md-content a[href$="07-working-time/"]').first.click()
    page.wait_for_url("http://hw.test/modules/07-working-time/")
    page.locator("#checkpoint-1 .hw-copylink").wait_for()
    assert page.evaluate("window.__hw_same_document")  # Material swapped the page in, no reload
    assert page.locator("[data-hw-share]").get_attribute("data-url") == SITE + "m7/"
    assert page.locator("[data-hw-share]").is_visible()
    # copy without the Clipboard API: the textarea fallback
    page.locator("#checkpoint-2 .hw-copylink").click()
    page.locator(".hw-toast").filter(has_text="Link copied").wait_for(timeout=5000)
    page.locator("[data-hw-present]").click()
    assert page.locator(".hw-present__share a").inner_text() == "healthwise-osh.github.io/m7/1/"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Escape")
    assert address(page) == "http://hw.test/modules/07-working-time/#checkpoint-2"
    assert page.evaluate("window.__hw_same_document")
    # and on to another module, still without a reload
    page.locator(".md-footer__link--next").click()
    page.wait_for_url("http://hw.test/modules/08-equipment-and-supplies/")
    page.locator("h1", has_text="Module 8").wait_for()
    page.locator("#checkpoint-1 .hw-copylink").wait_for()
    assert page.locator(".hw-copylink").count() >= 8
    assert page.locator("[data-hw-share]").get_attribute("data-url") == SITE + "m8/"
    assert page.evaluate("window.__hw_same_document")


def test_share_panel_loads_its_qr_code_only_when_opened(desktop, site_url):
    context = desktop
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = open_page(context, site_url + "zh/" + MODULE)
    assert not any("/assets/qr/" in u for u in page.hw_requests)
    toggle = page.locator(".hw-share__toggle")
    assert toggle.inner_text() == "分享"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    panel = page.locator("#hw-share-panel")
    assert panel.locator(".hw-share__link").inner_text() == "healthwise-osh.github.io/zh/m3/"
    page.wait_for_function("document.querySelector('.hw-share__qr').naturalWidth > 0")
    assert [u for u in page.hw_requests if "/assets/qr/" in u] == [site_url + "assets/qr/zh-m3.svg"]
    qr = page.locator(".hw-share__qr").evaluate("img => [img.width, img.height]")
    assert qr[0] == qr[1] > 100  # square at the panel's size (9rem), not stretched like a figure
    panel.locator("[data-hw-copy]").click()
    page.locator(".hw-toast").filter(has_text="链接已复制").wait_for(timeout=5000)
    assert page.evaluate("navigator.clipboard.readText()") == SITE + "zh/m3/"
    page.keyboard.press("Escape")
    assert panel.is_hidden() and toggle.get_attribute("aria-expanded") == "false"


@pytest.mark.parametrize("path", [MODULE, "zh/" + MODULE, "fact-sheets/safety-in-figures/"])
def test_print_hides_the_chrome_and_shows_the_qr_code(desktop, site_url, path):
    page = open_page(desktop, site_url + path)
    assert page.locator(".hw-print-qr--page").is_hidden()
    page.emulate_media(media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search", ".md-footer",
                   ".hw-share", ".hw-copylink"):
        assert page.locator(chrome).first.is_hidden(), chrome
    qr = page.locator(".hw-print-qr--page img")
    assert qr.is_visible()
    page.wait_for_function("document.querySelector('.hw-print-qr--page img').naturalWidth > 0")
    expected = SITE + (path if "fact-sheets" in path else ("zh/" if path.startswith("zh/") else "") + "m3/")
    assert page.locator(".hw-print-qr--page strong").inner_text() == expected.replace("https://", "")
    assert qr.evaluate("img => img.getBoundingClientRect().top") < 300  # on the first page
    # square, at the print stylesheet's size (26 mm), not stretched like a figure
    assert qr.evaluate("img => [img.width, img.height]") == [98, 98]
    if "modules" in path:
        assert page.locator(".hw-checkpoint").first.evaluate("n => getComputedStyle(n).breakInside") == "avoid"
        assert page.locator("#checklist").evaluate("n => getComputedStyle(n).breakBefore") == "page"
        assert page.locator("#checklist + .hw-print-qr img").is_visible()
        assert page.locator("#checklist + .hw-print-qr img").evaluate("img => [img.width, img.height]") == [98, 98]
        # links to other modules print their short link; links within the page print nothing
        # (worked out when the page is idle, or on beforeprint)
        page.wait_for_selector('.md-content a[data-hw-print-url$="m1/"]', state="attached")
        assert page.locator('.md-content a[data-hw-print-url$="m1/"]').count() >= 1
        assert page.locator('.hw-checklist a[data-hw-print-url=""]').count() == 8
    family = page.locator("article.md-typeset").evaluate("n => getComputedStyle(n).fontFamily")
    assert ("Songti SC" in family) == path.startswith("zh/")


def test_print_the_checklist_alone(desktop, site_url):
    page = open_page(desktop, site_url + MODULE)
    page.evaluate("window.print = () => { window.__printed = document.documentElement.className; }")
    page.locator(".hw-share__toggle").click()
    page.locator("[data-hw-print-checklist]").click()
    assert "hw-print-checklist" in page.evaluate("window.__printed")
    page.emulate_media(media="print")
    assert page.locator(".hw-checklist").is_visible()
    assert page.locator("article h1").is_visible()
    assert page.locator("#checkpoint-1").is_hidden() and page.locator("#overview").is_hidden()
    assert page.locator(".hw-print-qr--page").is_hidden()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert "hw-print-checklist" not in page.evaluate("document.documentElement.className")
    assert page.locator("#checkpoint-1").is_visible()


@pytest.mark.parametrize("path, action", [(MODULE, "share"), ("zh/" + MODULE, "present"), (MODULE, "copy"),
                                          ("trainers/short-links/", None), ("zh/trainers/short-links/", None)])
def test_axe_reports_no_violations_with_the_tools_open(phone, site_url, path, action):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(phone, site_url + path)
    if action == "share":
        page.locator(".hw-share__toggle").tap()
    elif action == "present":
        page.locator("[data-hw-present]").tap()
        page.keyboard.press("ArrowRight")
    elif action == "copy":
        page.locator("#checkpoint-1 .hw-copylink").tap()
        page.locator(".hw-toast--show").wait_for()
    results = Axe().run(page)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert violations == []
    origin = site_url.rstrip("/")
    assert [u for u in page.hw_requests if u.startswith("http") and not u.startswith(origin)] == []
