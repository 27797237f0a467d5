"""Python-Markdown's element tree as a treeprocessor sees it: text that still holds
placeholders for stashed raw HTML (inline tags, entities), and an element's plain text.

Used by the treeprocessors that change a page's body (hwsite.page_body): they run
before Python-Markdown puts the raw HTML back, so each placeholder is looked up in the
stash (`md.htmlStash.rawHtmlBlocks`) instead of matching tags in the serialized HTML.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from html.parser import HTMLParser

from markdown.treeprocessors import UnescapeTreeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString

# Placeholders -> stashed raw HTML (md.htmlStash.rawHtmlBlocks); an element for md_in_html.
Stash = Sequence["str | etree.Element"]


def pieces(text: str, stash: Stash) -> Iterator[tuple[str, str | None]]:
    """text cut at its raw-HTML placeholders, in order: (text, None) for running text,
    (placeholder, raw HTML) for each placeholder, which must be kept as it is."""
    position = 0
    for match in HTML_PLACEHOLDER_RE.finditer(text):
        if match.start() > position:
            yield text[position:match.start()], None
        index = int(match.group(1))
        raw = stash[index] if index < len(stash) else None
        yield match.group(0), raw if isinstance(raw, str) else ""
        position = match.end()
    if position < len(text):
        yield text[position:], None


class _Tag(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        self.found = self.found or ("start", tag)

    def handle_endtag(self, tag: str) -> None:
        self.found = self.found or ("end", tag)


@lru_cache(maxsize=1024)
def raw_tag(raw: str) -> tuple[str, str] | None:
    """("start" | "end", tag name) when a stashed piece of inline raw HTML is one opening or
    closing tag; None for anything else (an entity, a comment, a self-closing tag)."""
    parser = _Tag()
    parser.feed(raw)
    parser.close()
    return parser.found


_unescape_backslashes = UnescapeTreeprocessor().unescape


def plain_text(element: etree.Element, stash: Stash, skip: Callable[[etree.Element], bool] = lambda e: False) -> str:
    """The words of an element as a reader sees them: raw tags dropped, entities and
    backslash escapes resolved, white space collapsed; descendants for which skip() is
    true left out (their tails kept)."""
    parts: list[str] = []

    def text(value: str | None) -> None:
        if not value:
            return
        if isinstance(value, AtomicString):  # code: already escaped, as the serializer keeps it
            parts.append(html.unescape(value))
            return
        for piece, raw in pieces(value, stash):
            if raw is None:
                parts.append(_unescape_backslashes(piece))
            elif raw.startswith("&"):
                parts.append(html.unescape(raw))

    def walk(node: etree.Element) -> None:
        text(node.text)
        for child in node:
            if not skip(child):
                walk(child)
            text(child.tail)

    walk(element)
    return " ".join("".join(parts).split())


def has_class(element: etree.Element, name: str) -> bool:
    return name in (element.get("class") or "").split()
