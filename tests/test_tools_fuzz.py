"""Property-based robustness tests: random and malformed Markdown, front matter and raw
bytes thrown at every linter CLI's main() and at check_parity.main(): the exit code is
0, 1 or 2 and nothing raises. Example counts are limited to keep the file fast."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import check_parity
import lint_content
import new_page
from hwsite import scaffold

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

GLOSSARY = """\
terms:
  - en: needlestick injury
    zh: 针刺伤
    pinyin: zhen ci shang
    def_en: An injury from a used needle.
    def_zh: 被用过的针头刺伤。
    deprecated_zh: [针扎伤]
    deprecated_en: [needle-stick injury]
"""

SNIPPETS = [
    "---", "\n", "\n\n", "# ", "## ", "### ", " {#id}", " {: #x .y }", "{onclick=x}", "[", "]", "(", ")",
    "![", "](", "`", "``", "```", "~~~", "<", ">", "<div markdown>", "</div>", "<script>",
    "<span style='x'>", "<a href=\"javascript:x\">", "<!--", "-->", " <!-- lint-ignore terms -->",
    "<!-- lint-ignore -->", '!!! warning "Draft"', "???+ note", "    ", "\t", "- ", "1. ", "| a | b |",
    "|---|---|", "http://", "https://x.org/", "data:", "中文", "针扎伤", "，", "。", "。。", ",", ".",
    ":", ";", "?", "!", "（", "）", "《", "》", "2014", "HealthWISE", " ", "$", "$$", "\\", "*", "**",
    "_", "\r\n", "\r", "\ufeff", "\x00", "&#58;", "&nbsp;", "[^1]", "[^1]: x", "[x]: http://y",
    "DRAFT", "草稿", "…", "——", "\u2028", "\x0c",
]
FRONT_KEYS = ["title", "description", "module", "last_reviewed", "sources", "when",
              "translated_from", "hide", "x"]
FRONT_VALUES = ['"x"', "3", "0", "true", "2026-11-22", "2026-13-01", "[a, b", "[]", "{}", '"2014"',
                "\n  - a\n  - b", "\n  - 1", "|\n  a\n  b", "'unclosed", "null", "!!python/name:os",
                "&a [*a]", "12345678901a", '"0123456789ab"', "中文描述，足够长的一句话用于预览。"]

markdown = st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=6)), max_size=40).map("".join)
front_matter = st.lists(
    st.tuples(st.sampled_from(FRONT_KEYS), st.one_of(st.sampled_from(FRONT_VALUES), st.text(max_size=10))),
    max_size=6,
).map(lambda pairs: "---\n" + "".join(f"{k}: {v}\n" for k, v in pairs) + _closing(pairs))


def _closing(pairs) -> str:
    # Most blocks are closed; a few are left open on purpose.
    return "" if len(pairs) == 5 else "---\n"


page_bytes = st.one_of(
    markdown.map(lambda text: text.encode("utf-8")),
    st.tuples(front_matter, markdown).map(lambda fm_body: (fm_body[0] + fm_body[1]).encode("utf-8")),
    st.binary(max_size=120),
    st.tuples(front_matter, st.binary(max_size=60)).map(lambda fb: fb[0].encode("utf-8") + fb[1]),
)
REL_PATHS = ["index.md", "modules/03-x.md", "modules/index.md", "fact-sheets/a.md", "resources/r.md",
             "trainings/t.md", "glossary.md"]
pages = st.dictionaries(st.sampled_from(REL_PATHS), page_bytes, max_size=3)


def _write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _call(main, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@FAST
@given(en=pages, zh=pages, fmt=st.sampled_from(["text", "json"]),
       only=st.sets(st.sampled_from(lint_content.RULE_SETS), min_size=1),
       strict=st.booleans(), fix=st.booleans())
def test_lint_content_never_raises(en, zh, fmt, only, strict, fix):
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "docs").mkdir()
        (root / "docs_zh").mkdir()
        _write(root / "docs", en)
        _write(root / "docs_zh", zh)
        (root / "g.yml").write_text(GLOSSARY, encoding="utf-8")
        argv = [str(root / "docs"), str(root / "docs_zh"), "--glossary", str(root / "g.yml"),
                "--format", fmt, "--only", ",".join(sorted(only))]
        argv += ["--strict"] * strict + ["--fix"] * fix
        code, out, err = _call(lint_content.main, argv)
        assert code in (0, 1, 2)
        if fmt == "json":
            report = json.loads(out)
            assert (code == 2) == bool(report["bad_input"])
        if fix and code != 2:
            # A second --fix finds nothing more to fix: fixes do not fight each other.
            again, out, _ = _call(lint_content.main, argv[:-1] + ["--format", "json", "--fix"])
            assert json.loads(out)["fixed"] == []


@FAST
@given(en=pages, zh=pages, fmt=st.sampled_from(["text", "json"]), strict=st.booleans())
@example(en={"index.md": b"---\n(: &0 [*0]\n---"}, zh={}, fmt="text", strict=False)  # found by this test
def test_check_parity_never_raises(en, zh, fmt, strict):
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "en").mkdir()
        (root / "zh").mkdir()
        _write(root / "en", en)
        # The same relative paths in both trees most of the time, so pairs are compared.
        _write(root / "zh", {**{rel: data for rel, data in zip(en, zh.values())}, **zh})
        argv = ["--en", str(root / "en"), "--zh", str(root / "zh"), "--format", fmt]
        code, _, err = _call(check_parity.main, argv + ["--strict"] * strict)
        assert code in (0, 1, 2)


chinese_text = st.lists(st.sampled_from(
    ["中文", "培训", "HealthWISE", "2014", " ", "  ", ",", ".", ":", ";", "?", "!", "(", ")", "（", "）",
     "，", "。", "`", "[链接](x.md)", "**", "- ", "\n", "年", "%", "《", "》", "\t"]), max_size=30).map("".join)


@settings(max_examples=200, deadline=None)
@given(body=chinese_text)
def test_fix_is_idempotent_and_keeps_code(body):
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "docs_zh" / "index.md"
        path.parent.mkdir()
        text = f"---\ntitle: 标题\ndescription: 这是一个足够长的中文描述，用于链接预览。\n---\n\n{body}\n\n`a, b 2014 年`\n"
        path.write_text(text, encoding="utf-8")
        argv = [str(path), "--only", "typography", "--fix", "--format", "json"]
        code, out, _ = _call(lint_content.main, argv)
        assert code in (0, 1)
        fixed = path.read_text(encoding="utf-8")
        assert fixed.endswith("\n\n`a, b 2014 年`\n") and fixed.startswith(text.split("\n\n")[0])
        assert fixed.count("\n") == text.count("\n")
        code, out, _ = _call(lint_content.main, argv)
        assert json.loads(out)["fixed"] == []
        assert path.read_text(encoding="utf-8") == fixed


@settings(max_examples=80, deadline=None)
@given(page=st.one_of(st.text(max_size=30), st.sampled_from(
    ["fact-sheets/a", "modules/02-x", "modules/1-x", "trainings/", "/resources/a", "resources/a.md",
     "docs/resources/a", "resources/../a", "resources/a b", "resources/-a", "RESOURCES/a"])))
def test_new_page_never_raises(page):
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "mkdocs.yml").write_text(
            "nav:\n  - modules/index.md\n  - fact-sheets/index.md\n  - resources/index.md\n"
            "  - trainings/index.md\n", encoding="utf-8")
        code, _, err = _call(new_page.main, [page, "--root", str(root)] if not page.startswith("-")
                             else ["--root", str(root), "--", page])
        assert code in (0, 2)
        if code == 0:
            parsed = scaffold.parse_page(page)
            assert (root / "docs" / parsed.rel_path).is_file()
