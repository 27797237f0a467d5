"""The checkers read Markdown with the project's own line-keeping reader (hwsite.source);
the build renders it with Python-Markdown. Both must see the same headings (levels and
explicit ids), links and images, or a checker would pass what the build breaks. Proven
here over every page of the real site and over generated documents."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.config import load_config
from selectolax.lexbor import LexborHTMLParser

from hwsite import source as md

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.relative_to(ROOT).as_posix() for tree in ("docs", "docs_zh") for p in (ROOT / tree).rglob("*.md"))


@pytest.fixture(scope="module")
def render():
    """Python-Markdown with the site's own extensions and their settings (mkdocs.yml)."""
    config = load_config(str(ROOT / "mkdocs.yml"))

    def to_html(text: str) -> LexborHTMLParser:
        converter = markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)
        return LexborHTMLParser(converter.convert(text))

    return to_html


def seen_by_both(text: str, html: LexborHTMLParser) -> tuple:
    """(what hwsite.source reads, what Python-Markdown rendered): heading levels with the
    ids the Markdown names, link targets, image sources. Targets are compared as sets: the
    reader lists a reference definition once however often the text uses it."""
    src = md.parse_source(text)
    ours = ([(h.level, h.id) for h in md.headings(src)],
            {link.target for link in md.links(src)},
            {image.target for image in md.images(src)})
    rendered = html.css("h1, h2, h3, h4, h5, h6")
    theirs = ([(int(h.tag[1]), ours_id and h.attributes.get("id"))
               for h, (_, ours_id) in zip(rendered, ours[0] + [(0, None)] * len(rendered))],
              {a.attributes["href"] for a in html.css("a:not(.headerlink)") if "href" in a.attributes},
              {img.attributes.get("src") for img in html.css("img")})
    return ours, theirs


@pytest.mark.parametrize("rel", PAGES)
def test_every_page_reads_the_same_as_the_build_renders_it(render, rel):
    text = md.read_source(ROOT / rel).body
    ours, theirs = seen_by_both(text, render(text))
    assert ours == theirs


# ---------------------------------------------------------------- generated documents

WORD = st.sampled_from(["hand", "hygiene", "针刺伤", "职业暴露", "PPE", "TB", "the", "checkpoint", "手卫生", "3"])
TEXT = st.lists(WORD, min_size=1, max_size=4).map(" ".join)
ID = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
TARGET = st.sampled_from(["a.md", "../modules/03-biological-hazards.md#checkpoint-5", "https://www.ilo.org/",
                          "#overview", "b.md#x", "img/chart.svg", "mailto:a@example.org"])


@st.composite
def blocks(draw) -> str:
    kind = draw(st.sampled_from(["heading", "heading-id", "para-link", "para-image", "ref-link",
                                 "code-span", "fenced", "admonition", "list", "html-link"]))
    text, target = draw(TEXT), draw(TARGET)
    if kind == "heading":
        return f"{'#' * draw(st.integers(1, 4))} {text}"
    if kind == "heading-id":
        return f"{'#' * draw(st.integers(2, 4))} {text} {{#{draw(ID)}}}"
    if kind == "para-link":
        return f"{text} [{draw(TEXT)}]({target}) {text}."
    if kind == "para-image":
        return f"![{text}]({target})"
    if kind == "ref-link":
        label = draw(st.sampled_from(["one", "two"]))
        return f"See [{text}][{label}].\n\n[{label}]: {target}"
    if kind == "code-span":
        return f"Type `[{text}]({target})` to link."
    if kind == "fenced":
        return f"```text\n[{text}]({target})\n# {text}\n```"
    if kind == "admonition":
        return f'!!! note "{text}"\n    {text} [{text}]({target}).'
    if kind == "list":
        return f"- {text}\n- [{text}]({target})"
    return f'<p><a href="{target}">{text}</a></p>'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(blocks(), min_size=1, max_size=8))
def test_generated_documents_read_the_same_as_they_render(render, parts):
    text = "\n\n".join(parts) + "\n"
    ours, theirs = seen_by_both(text, render(text))
    assert ours == theirs, text


def test_markdown_files_lists_what_rglob_finds(tmp_path):
    """The one tree walker (os.scandir) lists what Path.rglob('*.md') finds, the way the
    checkers used it: hidden files and folders left out, symlinked files listed,
    symlinked folders not entered, a folder named x.md not a file; sorted as strings."""
    tree, other = tmp_path / "docs", tmp_path / "other"
    for rel in ("x.md", "a/y.md", "a/b/z.md", "a-b/q.md", ".hidden/h.md", "a/.g.md", "notes.txt",
                "dir.md/in.md"):
        (tree / rel).parent.mkdir(parents=True, exist_ok=True)
        (tree / rel).write_text("# x\n", encoding="utf-8")
    (other / "sub").mkdir(parents=True)
    (other / "sub" / "o.md").write_text("# o\n", encoding="utf-8")
    (other / "f.md").write_text("# f\n", encoding="utf-8")
    (tree / "linked").symlink_to(other, target_is_directory=True)
    (tree / "linked.md").symlink_to(other / "f.md")
    (tree / "broken.md").symlink_to(tmp_path / "nowhere.md")
    expected = sorted(path.relative_to(tree).as_posix() for path in tree.rglob("*.md")
                      if path.is_file() and not any(part.startswith(".") for part in path.relative_to(tree).parts))
    assert md.markdown_files(tree) == expected == [
        "a-b/q.md", "a/b/z.md", "a/y.md", "dir.md/in.md", "linked.md", "x.md"]
