"""Tests of the built-site link checker: scripts/check_links.py and the hwsite.links
package (external links included). The fixture site (tests/fixtures/links/built) holds
every defect kind next to the valid traps that must not be reported."""

from __future__ import annotations

import http.server
import json
import re
import socket
import threading
import time
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import check_links
from hwsite import links
from hwsite.links import external as external_links, hints, resolve

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "links"
SITE = FIXTURES / "built"
CONFIG = FIXTURES / "mkdocs.yml"

# (kind, page, line, href, hint): everything the fixture site must report, nothing more.
EXPECTED = [
    # 404 pages are served at any URL: root-absolute links are checked, language rules not.
    ("missing-page", "404.html", 12, "/healthwise/missing/", None),
    # Stylesheets pages load, and the ones they @import; orphan.css is never loaded.
    ("missing-asset", "assets/css/extra.css", 7, "../fonts/missing.woff2",
     "did you mean ../fonts/ok.woff2?"),
    ("missing-asset", "assets/css/more.css", 2, "../img/gone.png", "did you mean ../img/a.png?"),
    # A meta-refresh redirect to nowhere.
    ("missing-page", "gone/index.html", 5, "../nowhere/", None),
    ("missing-anchor", "index.html", 20, "#nowhere", None),
    ("missing-anchor", "index.html", 22, "modules/bio/#checkpont-4",
     "did you mean modules/bio/#checkpoint-4?"),
    ("missing-page", "index.html", 23, "modules/biology/", "did you mean modules/bio/?"),
    ("wrong-case", "index.html", 23, "Modules/bio/", "did you mean modules/bio/?"),
    ("missing-anchor", "index.html", 24, "modules/bio/#Checkpoint-4",
     "did you mean modules/bio/#checkpoint-4?"),
    # The same broken href a second time: its own line, not the first one's.
    ("missing-page", "index.html", 25, "modules/biology/", "did you mean modules/bio/?"),
    ("outside-site", "index.html", 26, "/modules/bio/", "did you mean /healthwise/modules/bio/?"),
    ("missing-page", "index.html", 28, "https://example.org/healthwise/nope/",
     "did you mean https://example.org/healthwise/gone/?"),
    # old/ redirects to modules/bio/: #checkpoint-4 is found there, #gone is not.
    ("missing-anchor", "index.html", 29, "old/#gone", None),
    ("bad-mailto", "index.html", 32, "mailto:team@@example",
     "not an email address: 'team@@example'"),
    ("bad-tel", "index.html", 33, "tel:call-me", "not a phone number: 'call-me'"),
    ("file-url", "index.html", 34, "file:///C:/site/index.html",
     "file: URLs point at the author's own disk"),
    ("unsafe-url", "index.html", 34, "javascript:void(0)",
     "javascript: URLs do nothing without scripts"),
    # Third candidate of a srcset that starts on line 35.
    ("missing-asset", "index.html", 36, "assets/img/missing@3x.png",
     "did you mean assets/img/a@2x.png?"),
    ("missing-asset", "index.html", 38, "assets/img/clip.mp4", None),
    ("missing-anchor", "modules/bio/index.html", 18, "../chem/#missing", None),
    ("cross-language", "modules/bio/index.html", 20, "../../zh/modules/bio/", "did you mean ./?"),
    ("missing-anchor", "zh/index.html", 18, "术语/#术语", "did you mean 术语/#术语表?"),
    ("cross-language", "zh/index.html", 19, "../modules/bio/", "did you mean modules/bio/?"),
    ("switcher-mismatch", "zh/modules/bio/index.html", 11, "../../../",
     "did you mean ../../../modules/bio/?"),
    ("cross-language", "zh/modules/bio/index.html", 17, "../../../modules/bio/#checkpoint-4",
     "did you mean ./#checkpoint-4?"),
]
WARNING_KINDS = {"cross-language", "unsafe-url"}


def as_tuples(findings):
    return [(f.kind, f.page, f.line, f.href, f.hint) for f in findings]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = check_links.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write_site(root: Path, pages: dict[str, str]) -> Path:
    for rel, text in pages.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test on any outgoing connection; returns the list of attempts."""
    attempts = []

    def refuse(self, address):
        attempts.append(address)
        raise AssertionError(f"network access to {address}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    # The CLI reads ./mkdocs.yml when there is one: run from a directory without it.
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---------------------------------------------------------------------------------------
# the fixture site


def fixture_report() -> links.Report:
    config = links.make_config(links.read_site_url(CONFIG, environ={}))
    return links.check_site(SITE, config)


def test_fixture_site_findings_are_exact(no_network):
    report = fixture_report()
    assert as_tuples(report.findings) == EXPECTED
    assert report.pages == 9
    assert no_network == []


def test_findings_carry_source_and_severity():
    by_key = {(f.page, f.line, f.href): f for f in fixture_report().findings}
    assert by_key[("index.html", 20, "#nowhere")].source == "docs/index.md"
    assert by_key[("zh/modules/bio/index.html", 11, "../../../")].source == "docs_zh/modules/bio.md"
    assert by_key[("gone/index.html", 5, "../nowhere/")].source is None
    assert by_key[("assets/css/more.css", 2, "../img/gone.png")].source is None
    for f in by_key.values():
        assert f.severity == ("warning" if f.kind in WARNING_KINDS else "error"), f


def test_external_references_are_collected_not_fetched(no_network):
    report = fixture_report()
    assert [(r.url, r.page, r.line) for r in report.external] == [
        ("http://127.0.0.1:9/never-fetched", "index.html", 30),
        ("https://cdn.example.com/lib.js", "index.html", 30),
        ("https://example.com/ok", "index.html", 31),
        ("mailto:team@example.org?subject=Hi%20there", "index.html", 32),
        ("mailto:team@@example", "index.html", 32),
        ("tel:+86 10 1234 5678", "index.html", 33),
        ("tel:120", "index.html", 33),
        ("tel:call-me", "index.html", 33),
    ]
    assert no_network == []


def test_parallel_run_gives_the_same_report(tmp_path):
    pages = {"index.html": '<a href="p0/">first</a>'}
    n = 210  # enough for check_site to use worker processes
    for i in range(n):
        broken = f'<a href="../q{i}/">broken</a>' if i % 30 == 0 else ""
        pages[f"p{i}/index.html"] = (
            f'<h1 id="top-{i}">P{i}</h1>\n<a href="../p{(i + 1) % n}/#top-{(i + 1) % n}">next</a>\n'
            f'{broken} <a href="../p{(i + 7) % n}/#nope">bad anchor</a> <a href="mailto:x">m</a>'
        )
    write_site(tmp_path / "site", pages)
    serial = links.check_site(tmp_path / "site", jobs=1)
    parallel = links.check_site(tmp_path / "site", jobs=2)
    assert len(serial.findings) == n + 7 + n and len(serial.external) == n
    assert serial == parallel


def test_byte_order_mark_and_crlf_pages(tmp_path):
    """The parser reads a page's bytes (its text when it has carriage returns), the line
    numbers come from its text: both must agree on pages with a byte-order mark."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "index.html").write_bytes(
        b'\xef\xbb\xbf<h1 id="intro">T</h1>\n<p>\n<a href="a/#sec">x</a>\n'
        b'<a href="nowhere/">y</a> <a href="#gone">z</a></p>\n')
    (site / "a" / "index.html").write_bytes(  # old Mac line ends
        b'\xef\xbb\xbf<h2 id="sec">A</h2>\r<a\rhref="../#intro">back</a>\r<img src="\xe5\x9b\xbe.png">')
    report = links.check_site(site)
    assert [(f.kind, f.page, f.line, f.href) for f in report.findings] == [
        ("missing-asset", "a/index.html", 4, "图.png"),
        ("missing-anchor", "index.html", 4, "#gone"),
        ("missing-page", "index.html", 4, "nowhere/"),
    ]


# ---------------------------------------------------------------------------------------
# the CLI


def test_cli_json_shape_and_exit_code(capsys, in_tmp, no_network):
    code, out, err = run(capsys, SITE, "--config", CONFIG, "--format", "json")
    assert code == 1 and err == ""
    data = json.loads(out)
    assert set(data) == {"pages", "links", "findings"}
    assert data["pages"] == 9 and data["links"] == 100
    for item in data["findings"]:
        assert set(item) == {"kind", "page", "href", "line", "hint", "source", "severity"}
    assert [(f["kind"], f["page"], f["line"], f["href"], f["hint"]) for f in data["findings"]] \
        == EXPECTED


def test_cli_text_groups_by_source(capsys, in_tmp):
    code, out, _ = run(capsys, SITE, "--config", CONFIG)
    assert code == 1
    lines = out.splitlines()
    start = lines.index("docs_zh/modules/bio.md (zh/modules/bio/index.html)")
    assert lines[start + 1 : start + 3] == [
        "  11: switcher-mismatch ../../../ -> did you mean ../../../modules/bio/?",
        "  17: cross-language ../../../modules/bio/#checkpoint-4 -> did you mean ./#checkpoint-4?",
    ]
    # Without a source the group is the page itself; a finding without hint has no arrow.
    assert lines[lines.index("gone/index.html") + 1] == "  5: missing-page ../nowhere/"
    assert lines[-1] == "9 pages, 100 links: 21 errors, 4 warnings"


def test_cli_reads_mkdocs_yml_in_the_working_directory(capsys, tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, SITE, "--format", "json")
    assert [(f["kind"], f["page"], f["line"], f["href"], f["hint"])
            for f in json.loads(out)["findings"]] == EXPECTED


def test_base_path_flag_overrides_config(capsys, in_tmp):
    # Served at the root, /modules/bio/ is right and every /healthwise/ link is broken.
    code, out, _ = run(capsys, SITE, "--config", CONFIG, "--base-path", "/", "--format", "json")
    found = {(f["kind"], f["page"], f["line"], f["href"]) for f in json.loads(out)["findings"]}
    assert ("outside-site", "index.html", 26, "/modules/bio/") not in found
    assert ("missing-page", "index.html", 26, "/healthwise/modules/bio/") in found
    assert ("missing-page", "index.html", 16, "/healthwise/") in found


def test_list_external_needs_no_network(capsys, in_tmp, no_network):
    code, out, _ = run(capsys, SITE, "--config", CONFIG, "--list-external", "--format", "json")
    data = json.loads(out)
    assert data["external"][0] == {
        "url": "http://127.0.0.1:9/never-fetched",
        "references": [
            {"page": "index.html", "line": 30, "href": "http://127.0.0.1:9/never-fetched"}],
    }
    assert not any("127.0.0.1" in f["href"] for f in data["findings"])
    code, out, _ = run(capsys, SITE, "--config", CONFIG, "--list-external")
    assert "  http://127.0.0.1:9/never-fetched\n      index.html:30\n" in out
    assert no_network == []


CLEAN_PAGE = """<!doctype html>
<html lang="en"><head><link rel="stylesheet" href="style.css"></head>
<body><h1 id="a">A</h1><a href="#a">self</a> <a href="zh/">中文</a></body></html>
"""


def test_exit_code_0_on_a_clean_site(capsys, in_tmp):
    site = write_site(in_tmp / "site", {
        "index.html": CLEAN_PAGE.replace('href="zh/"', 'href="zh/" hreflang="zh"'),
        "style.css": "body{background:url(bg.png)}",
        "bg.png": "",
        "zh/index.html": '<a href="../">English home</a> <a href="./#x">broken</a>',
    })
    code, out, _ = run(capsys, site)
    assert code == 1 and "  1: missing-anchor ./#x" in out
    (site / "zh/index.html").write_text('<a href="../" hreflang="en">English</a>', encoding="utf-8")
    code, out, _ = run(capsys, site)
    assert code == 0
    assert out == "2 pages, 5 links: 0 errors, 0 warnings\n"


def test_warnings_fail_only_with_strict(capsys, in_tmp):
    site = write_site(in_tmp / "site", {
        "index.html": '<a href="zh/" hreflang="zh">中文</a>',
        "zh/index.html": '<p>\n<a href="../">English home</a></p>',
    })
    code, out, _ = run(capsys, site)
    assert code == 0
    assert "  2: cross-language ../ -> did you mean ./?" in out
    code, _, _ = run(capsys, site, "--strict")
    assert code == 1


@pytest.mark.parametrize("case", ["missing", "not-a-site", "bad-yaml", "missing-config", "not-utf8",
                                  "bad-name"])
def test_exit_code_2_on_bad_input(capsys, in_tmp, case):
    site = in_tmp / "site"
    args = [site]
    if case == "not-a-site":
        write_site(site, {"page.html": "<p>no index.html at the root</p>"})
    elif case in ("bad-yaml", "missing-config"):
        write_site(site, {"index.html": "<p>fine</p>"})
        config = in_tmp / "mkdocs.yml"
        if case == "bad-yaml":
            config.write_text("site_name: x\nsite_url: [unclosed\nnav: {}\n", encoding="utf-8")
        args += ["--config", config]
    elif case == "not-utf8":
        write_site(site, {"index.html": "<p>fine</p>"})
        (site / "zh").mkdir()
        (site / "zh" / "index.html").write_bytes(b"<p>\n\n\xff\xfe</p>")
    elif case == "bad-name":
        write_site(site, {"index.html": "<p>fine</p>"})
        with open(bytes(site) + b"/bad\xff.html", "wb") as fh:
            fh.write(b"<p>x</p>")
    code, out, err = run(capsys, *args)
    assert code == 2
    # a file that cannot be read stops nothing else: the other pages are still reported
    assert out == "" if case in ("missing", "not-a-site", "bad-yaml", "missing-config") \
        else out.endswith("0 errors, 0 warnings\n")
    assert err.startswith("check_links: ")  # in-process: a traceback would have raised
    expected = {
        "missing": f"{site}: no such directory",
        "not-a-site": f"{site}: not a built site (no index.html at its root)",
        "bad-yaml": f"{in_tmp / 'mkdocs.yml'}:3: malformed YAML",
        "missing-config": f"{in_tmp / 'mkdocs.yml'}: no such file",
        "not-utf8": f"{site / 'zh' / 'index.html'}:3: not valid UTF-8",
        "bad-name": "file name is not UTF-8",
    }[case]
    assert expected in err


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_unreadable_files_do_not_hide_the_other_pages_findings(capsys, in_tmp, fmt):
    site = in_tmp / "site"
    write_site(site, {
        "index.html": '<p>home</p>\n<a href="gone/">gone</a>',
        "a/index.html": '<p>a</p>\n\n<a href="../b/#nowhere">b</a>',
        "b/index.html": '<p id="here">b</p>',
    })
    (site / "zh").mkdir()
    (site / "zh" / "index.html").write_bytes(b"<p>\n\xff</p>")
    with open(bytes(site) + b"/bad\xff.html", "wb") as fh:
        fh.write(b"<p>x</p>")
    code, out, err = run(capsys, site, "--format", fmt)
    assert code == 2
    if fmt == "json":
        found = {(f["page"], f["line"], f["kind"]) for f in json.loads(out)["findings"]}
    else:
        found = {(page, int(line), kind) for page, line, kind in re.findall(
            r"^(\S+)\n  (\d+): (\S+)", out, re.M)}
    assert found == {("index.html", 2, "missing-page"), ("a/index.html", 3, "missing-anchor")}
    assert f"check_links: {site / 'zh' / 'index.html'}:2: not valid UTF-8" in err
    assert "file name is not UTF-8" in err


def test_help_documents_exit_codes(capsys):
    with pytest.raises(SystemExit):
        check_links.main(["--help"])
    out = capsys.readouterr().out
    assert "0  no errors" in out and "1  broken links" in out and "2  bad input" in out


# ---------------------------------------------------------------------------------------
# parsing units


def test_duplicate_and_oddly_written_attributes_get_their_own_lines():
    text = (
        '<a href="x">1</a>\n'  # 1
        '<a data-href="x" href="x">2</a>\n'  # 2: data-href is not href
        "<a HREF='x'>3</a>\n"  # 3: upper case, single quotes
        '<a href="?a=1&amp;b=2">4</a>\n'  # 4: entity in the raw text
        '<script>var s = \'<a href="x">\';</script>\n'  # 5: not an element
        '<a\n  href = x>6</a>\n'  # 6-7: spaces, unquoted, value on the next line
        '<!-- <a href="x"> -->\n'  # 8: comment
        '<a href="x">9</a>\n'
    )
    page = links.parse_page("index.html", text)
    assert [(r.href, r.line) for r in page.refs] == [
        ("x", 1), ("x", 2), ("x", 3), ("?a=1&b=2", 4), ("x", 7), ("x", 9)]


def test_page_ids_roles_source_and_refresh():
    text = (
        '<meta name="hw-source" content="docs/a.md"><meta http-equiv="refresh" content="0;url=b/">'
        '<a name="old"></a><h2 id="new">x</h2>'
        '<div class="md-select"><a href="x/" hreflang="zh" class="md-select__link">zh</a></div>'
        '<a href="y/" hreflang="zh" class="md-select__link">not in .md-select</a>'
        '<link rel="alternate" hreflang="zh-Hans" href="z/"><link rel="alternate" href="feed.xml" '
        'type="application/rss+xml"><link rel="dns-prefetch" href="//fonts.example">'
        '<input type="checkbox" src="ignored.png"><input type="image" src="btn.png">'
        '<object data="doc.pdf"></object><svg><use href="#icon"></use></svg>'
    )
    page = links.parse_page("a/index.html", text)
    assert page.ids == {"old", "new"}
    assert page.source == "docs/a.md" and page.refresh == "b/"
    assert [(r.href, r.role, r.hreflang) for r in page.refs] == [
        ("b/", links.NAV, None),
        ("x/", links.SWITCH, "zh"),
        ("y/", links.XLANG, "zh"),
        ("z/", links.ALT, "zh-Hans"),
        ("feed.xml", links.NAV, None),
        ("btn.png", links.NAV, None),
        ("doc.pdf", links.NAV, None),
        ("#icon", links.NAV, None),
    ]


@pytest.mark.parametrize("href, expected", [
    ("x/", ("ok", "b/x/index.html")),  # relative to <base href>, not to the page
    ("#frag", ("ok", "b/index.html")),
    ("https://example.org/hw/a/", ("ok", "a/index.html")),  # own host
    ("//example.org/hw/a/", ("ok", "a/index.html")),
    ("https://example.org/other/", ("external", "https://example.org/other/")),  # other site
    ("//cdn.example.net/x.js", ("external", "https://cdn.example.net/x.js")),
    ("/a/", ("outside", "a/")),
    ("/hw/a", ("ok", "a/index.html")),  # the host redirects a directory to dir/
    ("/hw/A/", ("wrong-case", "a/index.html")),
    ("/hw/../hw/./a/", ("ok", "a/index.html")),
    ("/hw/%61/", ("ok", "a/index.html")),
    ("\\hw\\a\\", ("ok", "a/index.html")),  # browsers read backslashes as slashes
    (" /hw/a/ ", ("ok", "a/index.html")),
])
def test_resolve(href, expected):
    site = links.Site(["index.html", "a/index.html", "b/index.html", "b/x/index.html"],
                      links.make_config("https://example.org/hw/"))
    ctx = site.page_ctx("a/index.html", base_href="/hw/b/")
    t = site.resolve(ctx.base_url, href, ctx.doc)
    assert (t.status, t.url or t.path or t.query) == expected


_HREF_SEGMENTS = ["..", ".", "a", "A", "b", "x.html", "", "%61", "%E6%9C%AF", "术", "..%2F", ".x"]
_FILES = ["index.html", "a/index.html", "a/b/x.html", "a/x.html", "b/index.html", "术/index.html",
          "x.html"]
# One site per base path across all examples, so that its caches fill up as in a real run.
_SITES = {base: links.Site(_FILES, links.make_config("https://e.org" + base))
          for base in ("/", "/hw/")}


@settings(max_examples=600, deadline=None)
@given(st.sampled_from(["index.html", "a/index.html", "a/b/x.html", "术/index.html"]),
       st.sampled_from(["/", "/hw/"]),
       st.sampled_from(["", "/", "./", "../"]),
       st.lists(st.sampled_from(_HREF_SEGMENTS), max_size=5),
       st.sampled_from(["", "/", "?q=1", "#f", "#", "?q#%61", "#术"]))
def test_resolve_fast_path_agrees_with_urljoin(page, base, lead, segments, tail):
    """Relative and root-absolute hrefs skip urljoin and are cached per site: from pages
    in different folders, they must land where urljoin sends them on a fresh site."""
    href = lead + "/".join(segments) + tail
    # Empty segments ("a//b") are left out: urljoin drops them, browsers and the fast path
    # keep them.
    assume("//" not in href.partition("?")[0].partition("#")[0])
    site = _SITES[base]
    for doc_page in (page, "a/b/x.html"):
        ctx = site.page_ctx(doc_page)
        fast = site.resolve(ctx.base_url, href, ctx.doc)
        slow = links.Site(_FILES, site.config)._resolve(ctx.base_url, href)
        # An empty fragment ("x#") is no fragment either way; urljoin drops it.
        assert fast._replace(fragment=fast.fragment or None) == slow, (doc_page, href)


@pytest.mark.parametrize("value, urls", [
    ("a.png", ["a.png"]),
    ("a.png 1x, b.png 2x", ["a.png", "b.png"]),
    ("a.png,b.png", ["a.png,b.png"]),  # a comma inside a URL needs whitespace after it
    ("a.png, b.png", ["a.png", "b.png"]),
    ("data:image/png;base64,AA 1x, c.png 2x", ["data:image/png;base64,AA", "c.png"]),
    ("x.png 100w (max-width: 3px, y) , z.png", ["x.png", "z.png"]),
    (" , ", []),
])
def test_parse_srcset(value, urls):
    assert [u for u, _ in links.parse_srcset(value)] == urls


@pytest.mark.parametrize("content, url", [
    ("0; url=../new/", "../new/"),
    ("3;URL='../q/'", "../q/"),
    ("0, url = \"a b\"", "a b"),
    ("5; x.html", "x.html"),
    ("0", None),
    ("soon; url=x", None),
])
def test_parse_refresh(content, url):
    parsed = links.parse_refresh(content)
    assert (parsed[0] if parsed else None) == url


def test_parse_css_lines_comments_and_escapes():
    css = '/* url(no.png)\n */ a{b:url( "x.png" )}\n@import \'y.css\';\n.c{d:url(z\\28 1\\29.png)}'
    assert [(r.href, r.line) for r in links.parse_css(css)] == [
        ("x.png", 2), ("y.css", 3), ("z(1).png", 4)]


@pytest.mark.parametrize("path, expected", [
    ("/a/b/../c/", "/a/c/"), ("/a/./b", "/a/b"), ("/../x", "/x"), ("/a/b/..", "/a/"),
    ("/a//./..", "/a/"), ("/x.html", "/x.html"),
])
def test_remove_dot_segments(path, expected):
    assert resolve._remove_dot_segments(path) == expected


def test_read_site_url_env_and_unknown_tags(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_url: !ENV [SITE_URL, 'https://default.example/']\n"
        "x: !!python/name:builtins.print\ny: !custom {a: 1}\n", encoding="utf-8")
    assert links.read_site_url(config, environ={}) == "https://default.example/"
    assert links.read_site_url(config, environ={"SITE_URL": "https://e.org/sub/"}) \
        == "https://e.org/sub/"
    config.write_text("site_name: no url\n", encoding="utf-8")
    assert links.read_site_url(config, environ={}) is None


def test_make_config():
    config = links.make_config("https://Example.org:443/hw", lang_prefixes=["zh/"])
    assert config.base_path == "/hw/" and config.own_hosts == {"example.org"}
    assert config.origin == "https://Example.org:443" and config.lang_prefixes == ("zh",)
    assert links.make_config("https://example.org/hw/", base_path="").base_path == "/"


@pytest.mark.parametrize("href, ok", [
    ("mailto:a@example.org", True),
    ("mailto:a.b+c@sub.example.co.uk,d@example.org", True),
    ("mailto:?to=a@example.org&subject=x", True),
    ("mailto:%E5%BC%A0@例子.中国", True),
    ("mailto:", False),
    ("mailto:a@localhost", False),
    ("mailto:a..b@example.org", False),
    ("mailto:a@example.org?subject", False),
    ("mailto:a@exa%mple.org", False),
    ("mailto:a@example.org,", False),
])
def test_validate_mailto(href, ok):
    assert (external_links.validate_mailto(href) is None) == ok


@pytest.mark.parametrize("href, ok", [
    ("tel:+86-10-1234-5678", True),
    ("tel:+1 (555) 010.9999", True),
    ("tel:120", True),
    ("tel:*31%23", True),
    ("tel:+86-10-1234;ext=5", True),
    ("tel:", False),
    ("tel:+", False),
    ("tel:1-800-FLOWERS", False),
    ("tel:12+34", False),
    ("tel:+1234567890123456", False),
    ("tel:123;=x", False),
])
def test_validate_tel(href, ok):
    assert (external_links.validate_tel(href) is None) == ok


# ---------------------------------------------------------------------------------------
# external checking against a local server


class _Server:
    """127.0.0.1 server: /ok 200, /missing 404, /flaky 429 (Retry-After: 0) then 200,
    /limited 429 with a long Retry-After, /down 503, /slow answers after 3 s."""

    def __init__(self):
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self):
                with server.lock:
                    n = server.hits[self.path] = server.hits.get(self.path, 0) + 1
                status, headers = 200, {}
                if self.path == "/missing":
                    status = 404
                elif self.path == "/flaky" and n == 1:
                    status, headers = 429, {"Retry-After": "0"}
                elif self.path == "/limited":
                    status, headers = 429, {"Retry-After": "120"}
                elif self.path == "/down":
                    status = 503
                elif self.path == "/slow":
                    time.sleep(3)
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the client gave up (timeout test)

            do_GET = do_HEAD = answer

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def snapshot(self) -> dict[str, int]:
        with self.lock:
            return dict(self.hits)


@pytest.fixture
def server():
    srv = _Server()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


def external_site(root: Path, base: str) -> Path:
    body = "\n".join(f'<a href="{base}/{p}#frag">{p}</a>'
                     for p in ("ok", "missing", "flaky", "slow"))
    return write_site(root, {"index.html": f"<!doctype html>\n<body>\n{body}\n</body>\n"})


def test_external_links_not_fetched_without_flag(capsys, in_tmp, server):
    site = external_site(in_tmp / "site", server.url)
    code, out, _ = run(capsys, site, "--list-external")
    assert code == 0 and f"  {server.url}/missing#frag\n      index.html:4\n" in out
    assert server.snapshot() == {}


def test_external_check_retries_times_out_and_caches(capsys, in_tmp, server):
    site = external_site(in_tmp / "site", server.url)
    cache = in_tmp / "cache" / "ext.json"
    args = [site, "--external", "--format", "json", "--cache", cache, "--timeout", "0.5",
            "--retries", "1", "--backoff", "0.05", "--per-host-delay", "0"]
    code, out, _ = run(capsys, *args)
    expected = [
        ("external-broken", "index.html", 4, f"{server.url}/missing#frag", "HTTP 404", "error"),
        ("external-unreachable", "index.html", 6, f"{server.url}/slow#frag",
         "timed out after 0.5s", "warning"),
    ]
    findings = [(f["kind"], f["page"], f["line"], f["href"], f["hint"], f["severity"])
                for f in json.loads(out)["findings"]]
    assert findings == expected and code == 1
    # HEAD then GET for the 404; 429 then a retry for /flaky; two timed-out HEADs for /slow.
    hits = server.snapshot()
    assert hits == {"/ok": 1, "/missing": 2, "/flaky": 2, "/slow": 2}
    entries = json.loads(cache.read_text(encoding="utf-8"))["urls"]
    assert set(entries) == {f"{server.url}/{p}" for p in ("ok", "missing", "flaky", "slow")}

    code, out, _ = run(capsys, *args)  # second run: answered from the cache
    assert server.snapshot() == hits
    assert [(f["kind"], f["page"], f["line"], f["href"], f["hint"], f["severity"])
            for f in json.loads(out)["findings"]] == expected

    run(capsys, *args[:-2], "--per-host-delay", "0", "--cache-ttl", "0", "--retries", "0")
    assert server.snapshot()["/ok"] == 2  # expired: fetched again


def test_check_url_honours_retry_after_and_backs_off(server):
    waits: list[float] = []
    opts = external_links.CheckOptions(timeout=2, retries=2, backoff=0.25, max_retry_after=30,
                                       per_host_delay=0)
    spacing = external_links._HostSpacing(0, time.monotonic, time.sleep)
    opener = external_links.urllib.request.build_opener()

    def check(path):
        waits.clear()
        return external_links.check_url(f"{server.url}{path}", opts, spacing, opener, waits.append)

    result = check("/flaky")
    assert result.ok and result.attempts == 2 and waits == [0.0]
    result = check("/down")
    assert not result.ok and not result.broken and result.describe() == "HTTP 503"
    assert waits == [0.25, 0.5] and result.attempts == 3
    result = check("/limited")
    assert waits == [30, 30]  # Retry-After: 120 capped


def test_host_spacing_reserves_slots():
    now = [100.0]
    slept: list[float] = []
    spacing = external_links._HostSpacing(0.5, lambda: now[0], slept.append)
    for host in ("a", "a", "b", "a"):
        spacing.wait(host)
    assert slept == [0.5, 1.0]


def test_cache_expiry_and_corruption(tmp_path):
    path = tmp_path / "c.json"
    path.write_text("{not json", encoding="utf-8")
    assert external_links.load_cache(path) == {}
    now = time.time()
    ok = external_links.UrlResult("u", True, 200, checked=now - 2 * 3600).to_json()
    flaky = external_links.UrlResult("u", False, 503, checked=now - 2 * 3600).to_json()
    gone = external_links.UrlResult("u", False, 404, broken=True, checked=now - 2 * 3600).to_json()
    assert external_links._fresh(ok, now, 24) is not None
    assert external_links._fresh(gone, now, 24) is not None
    assert external_links._fresh(flaky, now, 24) is None  # transient: kept at most an hour
    assert external_links._fresh(ok, now, 1) is None


def _most_similar_by_brute_force(query, candidates, cutoff=0.6):
    """The rule _most_similar_path implements, without its pruning: character ratio plus
    segment ratio, the first candidate with the best score wins."""
    import difflib

    best, best_score = None, -1.0
    for cand in candidates:
        ratio = difflib.SequenceMatcher(None, cand, query).ratio()
        if ratio < cutoff:
            continue
        score = ratio + difflib.SequenceMatcher(None, cand.split("/"), query.split("/")).ratio()
        if score > best_score:
            best, best_score = cand, score
    return best


def test_did_you_mean_pruning_picks_what_scoring_every_candidate_picks():
    import random

    rng = random.Random(7)
    words = ["ppe", "sharps", "lifting", "shift", "zh", "modules", "m3", "checklist", "a", "b"]
    for _ in range(300):
        paths = sorted({"/".join(rng.choice(words) for _ in range(rng.randint(1, 4))) + rng.choice(["/", ".html", ""])
                        for _ in range(rng.randint(1, 40))})
        query = "/".join(rng.choice(words) for _ in range(rng.randint(1, 4))) + "/"
        assert hints._most_similar_path(query, paths) == _most_similar_by_brute_force(query, paths), (query, paths)
    # equal scores: the first candidate wins, as before the pruning
    assert hints._most_similar_path("a/x/", ["a/b/", "a/c/"]) == "a/b/"
