"""Tests of the shared Markdown reader (hwsite.source), the parity core (hwsite.parity)
and the check_parity CLI. Golden cases live in tests/fixtures/parity/<case>/ (en/, zh/,
optional parity.yml, expected.json); regenerate them with UPDATE_GOLDEN=1 pytest."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import check_parity
from hwsite import parity
from hwsite import source as md
from hwsite.source import SourceError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "parity"
CASES = sorted(p for p in FIXTURES.iterdir() if p.is_dir())


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = check_parity.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def kinds(report: parity.Report) -> list[tuple[str, str, str, int | None]]:
    return [(f.kind, f.file, f.lang, f.line) for f in report.findings]


# ---------------------------------------------------------------- golden cases

@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path, monkeypatch, capsys):
    monkeypatch.chdir(case)
    config = case / "parity.yml" if (case / "parity.yml").exists() else FIXTURES / "parity.yml"
    code, out, err = run(["--en", "en", "--zh", "zh", "--config", config, "--format", "json"], capsys)
    result = {"exit": code, "output": json.loads(out) if out else None, "stderr": err}
    expected_file = case / "expected.json"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    assert expected_file.exists(), f"no {expected_file}; run UPDATE_GOLDEN=1 pytest"
    assert result == json.loads(expected_file.read_text(encoding="utf-8"))


def test_every_kind_has_a_golden_case():
    seen = set()
    for case in CASES:
        output = json.loads((case / "expected.json").read_text(encoding="utf-8"))["output"]
        seen |= {f["kind"] for f in (output or {}).get("findings", [])}
    assert seen == set(parity.KINDS)


def test_byte_fixtures_kept_their_bytes():
    # If git or an editor converted these, the CRLF/BOM/GBK cases would test nothing.
    assert (FIXTURES / "crlf-bom/zh/bom.md").read_bytes().startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\r\n" in (FIXTURES / "crlf-bom/en/crlf.md").read_bytes()
    assert (FIXTURES / "empty-file/zh/index.md").read_bytes() == b""
    with pytest.raises(UnicodeDecodeError):
        (FIXTURES / "non-utf8/zh/page.md").read_bytes().decode("utf-8")


def golden(case: str) -> dict:
    return json.loads((FIXTURES / case / "expected.json").read_text(encoding="utf-8"))


def findings_of(case: str) -> list[tuple]:
    return [(f["kind"], f["file"], f["lang"], f["line"], f["severity"])
            for f in golden(case)["output"]["findings"]]


# Explicit expectations, so a wrong golden regeneration cannot slip through unnoticed.

def test_clean_case_has_traps_and_no_findings():
    result = golden("clean")
    assert result["exit"] == 0
    assert result["output"]["findings"] == []
    assert result["output"]["pages"] == [
        {"path": "index.md", "status": "translated", "version": "b23506f8437b",
         "translated_from": "b23506f8437b"},
        {"path": "modules/03-biological-hazards.md", "status": "translated",
         "version": "c03272754121", "translated_from": "c03272754121"},
    ]


def test_heading_mismatch_findings():
    assert golden("heading-mismatch")["exit"] == 1
    assert findings_of("heading-mismatch") == [
        # Chinese lines are one more than English ones: the stamp line in the front matter.
        ("heading-mismatch", "modules/01-level.md", "zh", 11, "error"),
        ("heading-mismatch", "modules/02-checkpoint-ids.md", "zh", 11, "error"),
        ("heading-mismatch", "modules/03-missing-in-zh.md", "en", 11, "error"),
        ("heading-mismatch", "modules/04-extra-in-zh.md", "zh", 11, "error"),
        ("heading-mismatch", "modules/05-missing-id.md", "zh", 9, "error"),
        # 06-code-hashes.md: '#' lines in a ~~~~ fence and a comment are no headings.
    ]
    messages = [f["message"] for f in golden("heading-mismatch")["output"]["findings"]]
    assert "English has '### Detail {#detail}' (line 10), Chinese has '## 细节 {#detail}' (line 11)" in messages[0]
    assert "Checkpoint ids" in messages[1] and "{#checkpoint-2}" in messages[1]


def test_link_image_frontmatter_findings():
    assert findings_of("link-mismatch") == [
        ("link-mismatch", "modules/02-links.md", "en", 8, "error"),
        ("link-mismatch", "modules/02-links.md", "zh", 9, "error"),
        ("link-mismatch", "modules/02-links.md", "zh", 14, "error"),
    ]
    assert findings_of("image-mismatch") == [
        ("image-mismatch", "modules/01-images.md", "en", 10, "error"),
        ("image-mismatch", "modules/01-images.md", "zh", 11, "error"),
    ]
    assert findings_of("frontmatter-mismatch") == [
        ("frontmatter-mismatch", "modules/03-biological-hazards.md", "zh", 1, "error"),  # description
        ("frontmatter-mismatch", "modules/03-biological-hazards.md", "zh", 3, "error"),  # module 4
        ("frontmatter-mismatch", "modules/03-biological-hazards.md", "zh", 4, "error"),  # 1 source
        ("frontmatter-mismatch", "trainings/chengdu.md", "zh", 1, "error"),  # last_reviewed
        ("frontmatter-mismatch", "trainings/chengdu.md", "zh", 2, "error"),  # when
    ]
    messages = [f["message"] for f in golden("frontmatter-mismatch")["output"]["findings"]]
    assert messages[2].startswith("'sources' has 1 entry but the English page has 2 (line 6)")
    # The Chinese front matter lists its keys in another order: that alone is no finding.


def test_version_cases():
    assert findings_of("outdated") == [
        ("outdated", "bad-stamp.md", "zh", 4, "warning"),
        ("outdated", "changed.md", "zh", 4, "warning"),
        ("outdated", "unstamped.md", "zh", 1, "warning"),
    ]
    assert golden("outdated")["exit"] == 0
    assert findings_of("missing-translation") == [
        ("missing-translation", "modules/07-working-time.md", "en", None, "warning")]
    statuses = {p["path"]: p["status"] for p in golden("missing-translation")["output"]["pages"]}
    assert statuses == {"drafts/notes.md": "english-only", "index.md": "translated",
                        "modules/07-working-time.md": "missing"}
    assert findings_of("orphan-translation") == [
        ("orphan-translation", "modules/old-name.md", "zh", None, "error")]
    assert golden("orphan-translation")["exit"] == 1


def test_structure_findings():
    assert findings_of("structure-mismatch") == [
        # Only the first difference of each kind is reported.
        ("table-mismatch", "page.md", "zh", 9, "error"),
        ("admonition-mismatch", "page.md", "zh", 17, "error"),
        ("codeblock-mismatch", "page.md", "zh", 20, "error"),
    ]


def test_byte_cases():
    assert golden("crlf-bom")["output"]["findings"] == []
    assert {p["status"] for p in golden("crlf-bom")["output"]["pages"]} == {"translated"}
    assert findings_of("empty-file") == [
        # Two empty pages: stamped, so translated; which keys a page needs is the content
        # lint's business, not parity's (nothing to compare between two empty pages).
        # An empty Chinese page for a full English page.
        ("outdated", "index.md", "zh", None, "warning"),
        ("frontmatter-mismatch", "index.md", "zh", 1, "error"),
        ("frontmatter-mismatch", "index.md", "zh", 1, "error"),
        ("heading-mismatch", "index.md", "en", 6, "error"),
        ("link-mismatch", "index.md", "en", 10, "error"),
    ]
    # A page that cannot be read is one finding with its file and line (exit 2), never the
    # end of the run; only a missing tree stops it.
    bad = {"malformed-yaml": ("page.md", "zh", 4, "malformed front matter (YAML): while parsing a flow sequence"),
           "non-utf8": ("page.md", "zh", 7, "not valid UTF-8 (byte 0xd6 at column 1)"),
           "frontmatter-not-mapping": ("page.md", "zh", 2, "front matter must be 'key: value' lines")}
    for case, (file, lang, line, message) in bad.items():
        result = golden(case)
        assert result["exit"] == 2 and result["stderr"] == "", case
        [finding] = result["output"]["findings"]
        assert (finding["kind"], finding["file"], finding["lang"], finding["line"]) == ("bad-input", file, lang, line)
        assert finding["message"].startswith(message), case
    missing = golden("missing-tree")
    assert missing["exit"] == 2 and missing["output"] is None
    assert missing["stderr"].startswith("check_parity: zh: Chinese tree not found")


def test_unreadable_pages_hide_no_other_finding():
    result = golden("bad-input-hides-nothing")
    assert result["exit"] == 2
    found = [(f["kind"], f["file"], f["lang"], f["line"]) for f in result["output"]["findings"]]
    assert found[:2] == [("bad-input", "a.md", "zh", 2), ("bad-input", "b.md", "en", 5)]
    assert ("heading-mismatch", "c.md", "zh", 7) in found  # the readable pair is still compared


# ---------------------------------------------------------------- source: reading

def test_read_source_flags_and_normalisation(tmp_path):
    path = write(tmp_path / "a.md", b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n# H\r\n")
    source = md.read_source(path)
    assert (source.had_bom, source.had_crlf) == (True, True)
    assert source.text == "---\ntitle: T\n---\n# H\n"
    assert source.meta == {"title": "T"} and source.body_line == 4 and source.body == "# H"
    assert md.headings(source) == [md.Heading(1, "H", None, 4)]


def test_read_source_empty_file(tmp_path):
    source = md.read_source(write(tmp_path / "e.md", b""))
    assert (source.lines, source.meta, source.body, source.body_line) == ((), {}, "", 1)
    assert md.headings(source) == [] and md.links(source) == []


def test_non_utf8_names_line_of_first_bad_byte(tmp_path):
    path = write(tmp_path / "bad.md", b"# ok\n\nok\nstill ok \xe4\xb8\n")
    with pytest.raises(SourceError) as caught:
        md.read_source(path, name="docs/bad.md")
    assert (caught.value.file, caught.value.line) == ("docs/bad.md", 4)
    assert str(caught.value).startswith("docs/bad.md:4: not valid UTF-8 (byte 0xe4 at column 10)")


def test_unreadable_and_missing_files(tmp_path):
    with pytest.raises(SourceError, match="file not found"):
        md.read_source(tmp_path / "nope.md")
    with pytest.raises(SourceError, match="is a folder"):
        md.read_source(tmp_path)


@pytest.mark.parametrize("text, line, fragment", [
    ("---\ntitle: a\nbad: [1, 2\n---\n", 3, "flow sequence"),
    ("---\ntitle: a\n  nested: b\n---\n", 3, "mapping values are not allowed"),
    ("---\ntitle: \"open\n---\n", 2, "quoted scalar"),
    ("---\n- a\n---\n", 2, "not a YAML list"),
    ("---\njust words\n---\n", 2, "not a YAML str"),
    ("---\ntitle: a\n", 1, "never closed"),
])
def test_front_matter_errors_give_the_file_line(text, line, fragment):
    with pytest.raises(SourceError) as caught:
        md.parse_source(text, "x.md")
    assert caught.value.line == line and fragment in caught.value.message


def test_front_matter_key_lines_and_absent_front_matter():
    source = md.parse_source('---\ntitle: "A: b"\nsources:\n  - x\n"when": "2020"\n---\nBody\n')
    assert source.front_matter.key_lines == {"title": 2, "sources": 3, "when": 5}
    assert source.front_matter.end_line == 6 and source.body == "Body"
    assert md.split_front_matter("---\ntitle: T\n---\n\nBody\n") == ({"title": "T"}, "\nBody", 4)
    plain = md.parse_source("# Title\n\n---\n\nText\n")
    assert not plain.front_matter.present and plain.body_line == 1


# ---------------------------------------------------------------- source: masking

def test_mask_code_keeps_lengths_and_hides_code_and_comments():
    lines = [
        "a `code [x](y)` b",
        "````markdown",
        "```",
        "# inside",
        "```",
        "````",
        "c <!-- [hidden](h.md) --> d",
        "<!--",
        "# comment heading",
        "-->after",
        "``double ` tick`` e",
        "an `unclosed tick",
        "\\`not code\\` [link](l.md)",
    ]
    masked = md.mask_code(lines)
    assert [len(m) for m in masked] == [len(line) for line in lines]
    assert masked[0] == "a " + " " * 13 + " b"
    assert all(not m.strip() for m in masked[1:6])
    assert masked[6].split() == ["c", "d"]
    assert not masked[7].strip() and not masked[8].strip() and masked[9] == "   after"
    assert masked[10].split() == ["e"]
    assert masked[11] == lines[11] and masked[12] == lines[12]


def test_mask_code_indented_fences_and_indented_code():
    lines = [
        "- item",
        "",
        "    ```python",
        "    # in a list's fence",
        "    ```",
        "",
        "!!! note",
        "    ~~~",
        "    # in an admonition's fence",
        "    ~~~",
        "",
        "Paragraph.",
        "",
        "    # indented code at top level",
        "",
        "    more code",
        "back",
    ]
    masked = md.mask_code(lines)
    kept = [i for i, m in enumerate(masked) if m.strip()]
    assert kept == [0, 6, 11, 16]
    blocks = md._scan(lines)[1]
    assert [(b.line, b.end_line, b.lang, b.fenced) for b in blocks] == [
        (3, 5, "python", True), (8, 10, "", True), (14, 16, "", False)]


def test_unclosed_fence_runs_to_the_end():
    source = md.parse_source("# A\n\n```\n# not a heading\n")
    assert md.headings(source) == [md.Heading(1, "A", None, 1)]
    assert source.code_blocks == (md.CodeBlock(3, 4, "", True, False),)


# ---------------------------------------------------------------- source: headings

def test_headings_ids_admonitions_and_traps():
    text = "\n".join([
        "---",
        "title: '# not a heading'",
        "---",
        "# Title",
        "## Overview {#overview}",
        "## Spaced {: #spaced .cls }",
        "## Keyed {id=\"keyed\"}",
        "## Closed ##",
        "## Glued{#not-attr}",
        "!!! note \"N\"",
        "    ### In a note {#in-note}",
        "",
        "    Text.",
        "",
        "    ## After a blank line {#after-blank}",
        "```",
        "## fenced",
        "```",
        "<!-- ## commented -->",
        "Use `## code` here.",
        "### `code` in heading {#code-h}",
        "####### seven",
    ])
    found = md.headings(md.parse_source(text))
    assert found == [
        md.Heading(1, "Title", None, 4),
        md.Heading(2, "Overview", "overview", 5),
        md.Heading(2, "Spaced", "spaced", 6),
        md.Heading(2, "Keyed", "keyed", 7),
        md.Heading(2, "Closed", None, 8),
        md.Heading(2, "Glued{#not-attr}", None, 9),
        md.Heading(3, "In a note", "in-note", 11),
        md.Heading(2, "After a blank line", "after-blank", 15),
        md.Heading(3, "`code` in heading", "code-h", 21),
    ]


# ---------------------------------------------------------------- source: links, images

def test_links_and_images():
    text = "\n".join([
        "Read [the 术语表](../glossary.md#term-hazard \"title\") and",
        "[a link that",
        "wraps](wrapped.md). Also [![badge](b.zh.svg)](big.svg) and [ref][r] and [Short].",
        "<a href=\"a.md#x\">A <b>tag</b></a> <img alt='Alt' src=\"i.svg\"> <https://www.ilo.org/>",
        "`[code](c.md)` <!-- [comment](c.md) --> \\[escaped](e.md) [^1] [undefined][nope]",
        "![pic][p] [paren](<with space.md>) [nested (parens)](f(1).md)",
        "",
        "[r]: https://example.org/r",
        "[short]: short.md 'T'",
        "[p]: pic.svg",
        "[^1]: A footnote, not a link.",
    ])
    source = md.parse_source(text)
    assert [(l.target, l.text, l.line, l.kind) for l in md.links(source)] == [
        ("../glossary.md#term-hazard", "the 术语表", 1, "inline"),
        ("wrapped.md", "a link that wraps", 2, "inline"),
        ("big.svg", "![badge](b.zh.svg)", 3, "inline"),
        ("a.md#x", "A tag", 4, "html"),
        ("https://www.ilo.org/", "https://www.ilo.org/", 4, "autolink"),
        ("with space.md", "paren", 6, "inline"),
        ("f(1).md", "nested (parens)", 6, "inline"),
        ("https://example.org/r", "r", 8, "definition"),
        ("short.md", "short", 9, "definition"),
    ]
    assert [(i.target, i.text, i.line, i.kind) for i in md.images(source)] == [
        ("b.zh.svg", "badge", 3, "inline"),
        ("i.svg", "Alt", 4, "html"),
        ("pic.svg", "p", 10, "definition"),
    ]


def test_tables_and_admonitions():
    text = "\n".join([
        "| a | b |", "|---|:-:|", "| 1 | 2 |", "",
        "    !!! not at top",  # indented code
        "",
        "!!! warning \"Title\"", "    Text.", "???+ tip", "    Text.",
        "```", "| x | y |", "|---|---|", "```",
        "a | b | c", "--|--|--", "1 | 2 | 3", "4 | 5 | 6",
    ])
    source = md.parse_source(text)
    assert md.tables(source) == [md.Table(1, 1, 2), md.Table(15, 2, 3)]
    assert md.admonitions(source) == [md.Admonition("warning", "Title", 7, False),
                                      md.Admonition("tip", None, 9, True)]


# ---------------------------------------------------------------- versions and stamps

EN = """---
title: "Module 1"
description: "One sentence."
module: 1
last_reviewed: 2026-11-22
---

# Module 1

Keep a sharps container within reach. Report every injury.

## Overview {#overview}
"""


def test_english_version_ignores_whitespace_and_review_date():
    base = parity.english_version(EN)
    assert len(base) == 12 and all(c in "0123456789abcdef" for c in base)
    same = [
        "\ufeff" + EN.replace("\n", "\r\n"),
        EN.replace("Report every", "Report\nevery").replace("\n\n", "\n\n\n"),
        EN.replace("reach.", "reach.   ").replace("## Overview", "##   Overview"),
        EN.replace("2026-11-22", "2027-01-05"),
        EN.replace('title: "Module 1"\ndescription: "One sentence."',
                   'description: "One sentence."\ntitle: "Module 1"'),
    ]
    for variant in same:
        assert parity.english_version(variant) == base, variant
    changed = [EN.replace("every injury", "each injury"), EN.replace("module: 1", "module: 2"),
               EN.replace("{#overview}", "{#summary}")]
    for variant in changed:
        assert parity.english_version(variant) != base, variant


def test_stamp_bytes_changes_only_the_stamp_line():
    zh = ("\ufeff---\r\ntitle: \"模块1\"\r\ntranslated_from: \"000000000000\"  # old\r\n"
          "description: \"x\"\r\n---\r\n\r\n# 模块1\r\n").encode("utf-8")
    new = parity.stamp_bytes(zh, "abcdef012345")
    old_lines, new_lines = zh.split(b"\r\n"), new.split(b"\r\n")
    assert len(old_lines) == len(new_lines)
    changed = [i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b]
    assert changed == [2] and new_lines[2] == b'translated_from: "abcdef012345"'
    assert new.startswith(b"\xef\xbb\xbf---\r\n")


def test_stamp_bytes_inserts_and_creates_front_matter():
    inserted = parity.stamp_bytes(b"---\ntitle: x\n---\nBody", "abcdef012345")
    assert inserted == b'---\ntitle: x\ntranslated_from: "abcdef012345"\n---\nBody'
    created = parity.stamp_bytes(b"# Only a body\r\n", "abcdef012345")
    assert created == b'---\r\ntranslated_from: "abcdef012345"\r\n---\r\n# Only a body\r\n'
    with pytest.raises(SourceError, match="never closed"):
        parity.stamp_bytes(b"---\ntitle: x\n", "abcdef012345")
    # An all-digit version must stay a string for YAML.
    assert md.parse_source(parity.stamp_bytes(b"", "012345678901").decode()).meta == {
        "translated_from": "012345678901"}


def make_pair(tmp_path: Path, en: str = EN, zh: str | bytes | None = None) -> tuple[Path, Path]:
    en_root, zh_root = tmp_path / "docs", tmp_path / "docs_zh"
    write(en_root / "modules/01.md", en)
    if zh is None:
        zh = ("---\r\ntitle: \"模块1\"\r\ndescription: \"一句话。\"\r\nlast_reviewed: 2026-11-22\r\n"
              "module: 1\r\n---\r\n\r\n# 模块1\r\n\r\n把锐器盒放在手边。\r\n\r\n## 概述 {#overview}\r\n")
    write(zh_root / "modules/01.md", zh)
    return en_root, zh_root


def test_stamp_cli_then_translated_then_outdated(tmp_path, capsys):
    en_root, zh_root = make_pair(tmp_path)
    zh_file = zh_root / "modules/01.md"
    before = zh_file.read_bytes()
    assert parity.page_status(en_root, zh_root, "modules/01.md") == "outdated"
    code, out, err = run(["--en", en_root, "--zh", zh_root, "--stamp", "modules/01.md"], capsys)
    assert code == 0 and err == ""
    version = parity.english_version(EN)
    assert out == f"{zh_file.as_posix()}: stamped translated_from {version}\n"
    after = zh_file.read_bytes()
    # Only the inserted line is new; everything else is byte for byte the same.
    assert after.replace(f'translated_from: "{version}"\r\n'.encode(), b"") == before
    assert parity.page_status(en_root, zh_root, "modules/01.md") == "translated"
    code, out, _ = run(["--en", en_root, "--zh", zh_root, "--stamp", str(zh_file)], capsys)
    assert code == 0 and "already stamped" in out and zh_file.read_bytes() == after

    en_file = en_root / "modules/01.md"
    en_file.write_text(EN.replace("Report every", "Report\n   every") + "\n\n", encoding="utf-8")
    assert parity.page_status(en_root, zh_root, "modules/01.md") == "translated"
    en_file.write_text(EN.replace("every injury", "each injury"), encoding="utf-8")
    assert parity.page_status(en_root, zh_root, "modules/01.md") == "outdated"
    code, out, _ = run(["--en", en_root, "--zh", zh_root], capsys)
    assert code == 0
    assert "docs_zh/modules/01.md:6: warning: outdated: the English page changed" in out
    assert "--diff modules/01.md" in out


def test_stamp_refuses_pages_without_english(tmp_path, capsys):
    en_root, zh_root = make_pair(tmp_path)
    write(zh_root / "orphan.md", "---\ntitle: x\n---\n")
    before = (zh_root / "modules/01.md").read_bytes()
    code, out, err = run(["--en", en_root, "--zh", zh_root, "--stamp", "modules/01.md", "orphan.md"],
                         capsys)
    assert code == 2 and out == ""
    assert "orphan.md: no English page" in err and "nothing stamped" in err
    assert (zh_root / "modules/01.md").read_bytes() == before
    code, _, err = run(["--en", en_root, "--zh", zh_root, "--stamp", "nope.md"], capsys)
    assert code == 2 and "no such Chinese page" in err


def test_default_trees_are_in_the_working_directory(tmp_path, monkeypatch, capsys):
    # A --stamp run elsewhere must never write into this checkout's docs_zh/.
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["--stamp"], capsys)
    assert (code, out, err) == (2, "", "check_parity: docs: English tree not found\n")
    make_pair(tmp_path)
    code, out, _ = run(["--stamp"], capsys)
    assert code == 0 and out.startswith("docs_zh/modules/01.md: stamped translated_from ")


def test_page_arguments_must_stay_inside_the_trees(tmp_path, capsys):
    en_root, zh_root = make_pair(tmp_path)
    outside = write(tmp_path / "outside.md", "---\ntitle: x\n---\n")
    for arg in (outside, "../outside.md"):
        code, out, err = run(["--en", en_root, "--zh", zh_root, "--stamp", arg], capsys)
        assert code == 2 and out == "" and "is not a page of the English or Chinese tree" in err
    assert outside.read_text() == "---\ntitle: x\n---\n"


def test_stamp_all_skips_orphans(tmp_path, capsys):
    en_root, zh_root = make_pair(tmp_path)
    write(zh_root / "orphan.md", "---\ntitle: x\n---\n")
    code, out, _ = run(["--en", en_root, "--zh", zh_root, "--stamp"], capsys)
    assert code == 0 and out.count("stamped") == 1
    assert (zh_root / "orphan.md").read_text() == "---\ntitle: x\n---\n"


def test_strict_makes_warnings_errors(tmp_path, capsys):
    en_root, zh_root = make_pair(tmp_path)
    code, out, _ = run(["--en", en_root, "--zh", zh_root, "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["findings"][0]["severity"] == "warning"
    code, out, _ = run(["--en", en_root, "--zh", zh_root, "--format", "json", "--strict"], capsys)
    assert code == 1 and json.loads(out)["findings"][0]["severity"] == "error"


def test_text_output_groups_by_file(monkeypatch, capsys):
    monkeypatch.chdir(FIXTURES / "structure-mismatch")
    code, out, err = run(["--en", "en", "--zh", "zh", "--config", FIXTURES / "parity.yml"], capsys)
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0] == "page.md"
    assert lines[1].startswith("  zh/page.md:9: error: table-mismatch: table 1 is 2 rows x 2 columns "
                               "but in the English page (line 8) it is 2 rows x 3 columns")
    assert lines[-1] == "parity (en vs zh): 3 errors, 0 warnings; 1 pages: 1 translated, 0 outdated, " \
                        "0 missing, 0 orphan"


def test_bad_config_exits_2(tmp_path, capsys):
    en_root, zh_root = make_pair(tmp_path)
    config = write(tmp_path / "parity.yml", "english_only: []\nrequierd: [title]\n")
    code, out, err = run(["--en", en_root, "--zh", zh_root, "--config", config], capsys)
    assert code == 2 and out == ""
    assert err == f"check_parity: {config}:2: unknown setting 'requierd'; known: english_only, " \
                  "paired, equal, same_length\n"
    write(config, "equal: module\n")
    code, _, err = run(["--en", en_root, "--zh", zh_root, "--config", config], capsys)
    assert code == 2 and "'equal' must be a list of strings" in err


def test_help_documents_policy_and_exit_codes(capsys):
    with pytest.raises(SystemExit) as exited:
        check_parity.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for needle in ("missing-translation  warning", "orphan-translation   error", "--strict",
                   "exit codes:", "  2  bad input", "translated_from", "--stamp", "--diff"):
        assert needle in out


def test_normalise_target():
    assert parity.normalise_target("/zh/modules/x/", "zh") == "/modules/x/"
    assert parity.normalise_target("/zh", "zh") == "/"
    assert parity.normalise_target("./a%20b.md#x", "en") == "a b.md#x"
    assert parity.normalise_target("../img/a.zh.svg", "zh") == "../img/a.svg"
    assert parity.normalise_target("#checkpoint-1", "zh") == "#checkpoint-1"
    assert parity.normalise_target("https://www.ilo.org/zh/x.zh.svg", "zh") == "https://www.ilo.org/zh/x.zh.svg"


def test_check_trees_api_and_page_status(tmp_path):
    en_root, zh_root = make_pair(tmp_path)
    write(en_root / "only-en.md", "# x\n")
    write(zh_root / "only-zh.md", "# x\n")
    report = parity.check_trees(en_root, zh_root, parity.ParityConfig())
    assert [(p.path, p.status) for p in report.pages] == [
        ("modules/01.md", "outdated"), ("only-en.md", "missing"), ("only-zh.md", "orphan")]
    assert kinds(report) == [("outdated", "modules/01.md", "zh", 1),
                             ("missing-translation", "only-en.md", "en", None),
                             ("orphan-translation", "only-zh.md", "zh", None)]
    assert parity.page_status(en_root, zh_root, "only-zh.md") == "orphan"
    assert parity.page_status(en_root, zh_root, "only-en.md",
                              parity.ParityConfig(english_only=("only-*",))) == "english-only"
    with pytest.raises(SourceError):
        parity.page_status(en_root, zh_root, "nowhere.md")
    with pytest.raises(SourceError, match="English tree not found"):
        parity.check_trees(tmp_path / "nope", zh_root)


def test_hidden_files_are_skipped(tmp_path):
    en_root, zh_root = make_pair(tmp_path)
    write(en_root / ".drafts/x.md", "# x\n")
    assert parity.markdown_files(en_root) == ["modules/01.md"]


# ---------------------------------------------------------------- --diff

def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def git_env(monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for key, value in {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                       "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}.items():
        monkeypatch.setenv(key, value)


def repo_with_history(tmp_path: Path) -> tuple[Path, Path, Path]:
    repo = tmp_path / "repo"
    en_root, zh_root = make_pair(repo)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "-q", "-m", "v1", cwd=repo)
    zh_file = zh_root / "modules/01.md"
    zh_file.write_bytes(parity.stamp_bytes(zh_file.read_bytes(), parity.english_version(EN)))
    (en_root / "modules/01.md").write_text(EN.replace("every injury", "each injury"), encoding="utf-8")
    git("commit", "-q", "-am", "v2", cwd=repo)
    (en_root / "modules/01.md").write_text(
        EN.replace("every injury", "each injury and near miss"), encoding="utf-8")
    return repo, en_root, zh_root


def test_diff_shows_changes_since_the_stamp(tmp_path, git_env, capsys):
    repo, en_root, zh_root = repo_with_history(tmp_path)
    code, out, err = run(["--en", en_root, "--zh", zh_root, "--diff", "modules/01.md"], capsys)
    assert code == 0 and err == ""
    first = git("rev-list", "--max-parents=0", "HEAD", cwd=repo).strip()
    assert f"@ {first[:10]} (translated_from {parity.english_version(EN)})" in out
    assert "-Keep a sharps container within reach. Report every injury.\n" in out
    assert "+Keep a sharps container within reach. Report each injury and near miss.\n" in out


def test_diff_when_up_to_date_or_unstamped(tmp_path, git_env, capsys):
    repo, en_root, zh_root = repo_with_history(tmp_path)
    (en_root / "modules/01.md").write_text(EN, encoding="utf-8")
    code, out, _ = run(["--en", en_root, "--zh", zh_root, "--diff", "modules/01.md"], capsys)
    assert code == 0 and "has not changed since it was translated" in out
    en2, zh2 = make_pair(tmp_path / "plain")
    code, out, _ = run(["--en", en2, "--zh", zh2, "--diff", "modules/01.md"], capsys)
    assert code == 1 and "has no translated_from stamp" in out
    code, _, err = run(["--en", en2, "--zh", zh2, "--diff", "nope.md"], capsys)
    assert code == 2 and "no such English page" in err


def test_diff_stamp_not_in_history(tmp_path, git_env, capsys):
    repo, en_root, zh_root = repo_with_history(tmp_path)
    zh_file = zh_root / "modules/01.md"
    zh_file.write_bytes(parity.stamp_bytes(zh_file.read_bytes(), "0123456789ab"))
    code, out, _ = run(["--en", en_root, "--zh", zh_root, "--diff", "modules/01.md"], capsys)
    assert code == 1
    assert "none of the 2 commits of docs/modules/01.md has version 0123456789ab" in out


def test_diff_in_shallow_clone(tmp_path, git_env, capsys):
    repo, _, _ = repo_with_history(tmp_path)
    git("commit", "-q", "-am", "v3", cwd=repo)
    clone = tmp_path / "clone"
    git("clone", "-q", "--depth", "1", f"file://{repo}", str(clone), cwd=tmp_path)
    code, out, _ = run(["--en", clone / "docs", "--zh", clone / "docs_zh", "--diff", "modules/01.md"],
                       capsys)
    assert code == 1 and "this is a shallow clone" in out and "git fetch --unshallow" in out


def test_diff_without_git(tmp_path, monkeypatch, capsys):
    en_root, zh_root = make_pair(tmp_path)
    zh_file = zh_root / "modules/01.md"
    zh_file.write_bytes(parity.stamp_bytes(zh_file.read_bytes(), "0123456789ab"))
    # Not inside any repository:
    if shutil.which("git"):
        monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
        code, out, _ = run(["--en", en_root, "--zh", zh_root, "--diff", "modules/01.md"], capsys)
        assert code == 1 and "is not inside a git repository" in out
    # git not installed at all:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, out, err = run(["--en", en_root, "--zh", zh_root, "--diff", "modules/01.md"], capsys)
    assert code == 1 and err == ""
    assert "git is not installed" in out and "Compare" in out


def test_bracket_pairs_nest_skip_escapes_and_stop_at_blank_lines():
    from hwsite.source import _bracket_pairs

    text = "[a [b] \\[c\\] d]\n[open\n\n] [x]"
    pairs = _bracket_pairs(text)
    assert pairs == {0: 14, 3: 5, 25: 27}
    # unclosed brackets (a page of '[') pair with nothing and do not rescan the page
    assert _bracket_pairs("[" * 5000) == {}


def _bracket_pairs_one_char_at_a_time(text: str) -> dict[int, int]:
    """The first implementation, kept as the reference for the faster one."""
    pairs, stack, i, n = {}, [], 0, len(text)
    while i < n:
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            stack.append(i)
        elif char == "]":
            if stack:
                pairs[stack.pop()] = i
        elif char == "\n" and stack:
            next_end = text.find("\n", i + 1)
            if not text[i + 1:next_end if next_end >= 0 else n].strip():
                stack.clear()
        i += 1
    return pairs


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="[]\\\n \tab\u3000", max_size=60))
def test_bracket_pairs_agree_with_the_reference(text):
    from hwsite.source import _bracket_pairs

    assert _bracket_pairs(text) == _bracket_pairs_one_char_at_a_time(text)


def test_cached_config_is_read_once_per_version_of_the_file(tmp_path):
    path = tmp_path / "parity.yml"
    path.write_text("english_only:\n  - news/*.md\n", encoding="utf-8")
    first = parity.load_config_cached(path)
    assert parity.load_config_cached(path) is first and first.is_english_only("news/a.md")
    path.write_text("english_only:\n  - events/*.md\n", encoding="utf-8")
    os.utime(path, ns=(1, 2_000_000_000))  # a new version even within the clock's resolution
    second = parity.load_config_cached(path)
    assert second is not first and second.is_english_only("events/a.md") and not second.is_english_only("news/a.md")
    path.write_text("english_only: [\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        parity.load_config_cached(path)
    assert "parity.yml" in str(error.value)
