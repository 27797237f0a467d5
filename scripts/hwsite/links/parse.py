"""What the link checker keeps of one built file: the ids and the references (with their
lines and roles) of an HTML page, parsed once, and the url()/@import references of a
stylesheet; srcset and <meta http-equiv=refresh> per the HTML parsing rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser

from hwsite.links.lines import attribute_lines

# ASCII whitespace, which HTML strips from both ends of a URL.
URL_WS = "\t\n\x0c\r "
# One :is() selector so lexbor walks the tree once and yields each node once (a plain
# selector list yields a node once per selector it matches).
_SELECTOR = (
    ":is([id],a[name],[href],[src],[srcset],[poster],object[data],[xlink\\:href],"
    "meta[http-equiv],meta[name=hw-source],base)"
)
# rel values that name an origin to warm up, not a resource the browser loads.
_HINT_RELS = frozenset({"preconnect", "dns-prefetch"})
# Attributes whose values are located in the raw text for line numbers.
_LOCATED_ATTRS = ("href", "src", "srcset", "poster", "xlink:href", "data", "content")

# Roles of a reference; they decide which language rules apply.
NAV = "nav"  # followed or loaded: the ordinary case
SWITCH = "switch"  # Material's language selector entry (a.md-select__link[hreflang])
ALT = "alt"  # <link rel=alternate hreflang=..>
XLANG = "xlang"  # any other a[hreflang]: the author marked the crossing as intended


class Ref(NamedTuple):
    """A reference. line is 0 until known: parse_page(lines=False) leaves it to
    PageData.ref_lines(), and index (the reference's position in PageData.refs) finds it."""

    href: str
    line: int
    role: str = NAV
    hreflang: str | None = None
    index: int = -1


@dataclass
class PageData:
    """What the checker keeps of one HTML file: no DOM, only ids and references."""

    path: str
    ids: frozenset[str]
    refs: list[Ref]
    source: str | None = None
    base_href: str | None = None
    refresh: str | None = None  # meta-refresh target as written, for following redirects
    # What ref_lines() needs: the text, every value of each located attribute, and where
    # each reference is among them. None once the lines are known.
    located: tuple | None = None

    def ref_lines(self) -> list[int]:
        """The line of each reference in self.refs (worked out on the first call)."""
        if self.located is not None:
            text, occurrences, items = self.located
            self.refs = _with_lines(text, occurrences, items)
            self.located = None
        return [ref.line for ref in self.refs]


def parse_srcset(value: str) -> list[tuple[str, int]]:
    """Candidate URLs of a srcset with their offsets, following the HTML parsing rules."""
    out = []
    pos, n = 0, len(value)
    while True:
        while pos < n and (value[pos] in URL_WS or value[pos] == ","):
            pos += 1
        if pos >= n:
            return out
        start = pos
        while pos < n and value[pos] not in URL_WS:
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while pos < n:
                ch = value[pos]
                if ch == "(":
                    depth += 1
                elif ch == ")" and depth:
                    depth -= 1
                elif ch == "," and not depth:
                    break
                pos += 1
        if url:
            out.append((url, start))


def parse_refresh(content: str) -> tuple[str, int] | None:
    """(URL, offset) of a <meta http-equiv=refresh> content, per the HTML refresh steps.

    None when the content is malformed or reloads the same page without a URL.
    """
    pos, n = 0, len(content)

    def skip_ws() -> None:
        nonlocal pos
        while pos < n and content[pos] in URL_WS:
            pos += 1

    skip_ws()
    start = pos
    while pos < n and content[pos].isdigit():
        pos += 1
    if pos == start and not (pos < n and content[pos] == "."):
        return None
    while pos < n and (content[pos].isdigit() or content[pos] == "."):
        pos += 1
    skip_ws()
    if pos < n and content[pos] in ";,":
        pos += 1
    skip_ws()
    if pos >= n:
        return None
    if content[pos : pos + 3].lower() == "url":
        save = pos
        pos += 3
        skip_ws()
        if pos < n and content[pos] == "=":
            pos += 1
            skip_ws()
        else:
            pos = save
    quote_char = None
    if pos < n and content[pos] in "'\"":
        quote_char = content[pos]
        pos += 1
    url = content[pos:]
    if quote_char and quote_char in url:
        url = url[: url.index(quote_char)]
    url = url.strip(URL_WS)
    return (url, pos) if url else None


def _has_ancestor_class(node, cls: str) -> bool:
    node = node.parent
    while node is not None:
        classes = node.attributes.get("class") if node.tag not in ("-document", None) else None
        if classes and cls in classes.split():
            return True
        node = node.parent
    return False


def _with_lines(text: str, occurrences: dict[str, list[str]], items: list[tuple]) -> list[Ref]:
    lines = attribute_lines(text, occurrences)
    return [
        Ref(url, lines[attr][index] + before.count("\n"), role, hreflang)
        for attr, index, url, role, hreflang, before in items
    ]


def parse_page(path: str, text: str, lines: bool = True, raw: bytes | None = None) -> PageData:
    """Collect ids and references of one page in one parse. path is relative to SITE_DIR.

    lines=False leaves the references' lines to PageData.ref_lines(): finding them in
    the raw text costs half as much as the parse, and only a page with something to
    report needs them. raw: the UTF-8 bytes text was decoded from, when the caller has
    them; the parser reads them as they are instead of encoding text again (a seventh
    of reading and parsing the bench's 4,001 pages)."""
    if text.startswith("\ufeff"):
        text = text[1:]
        raw = raw[3:] if raw is not None else None
    if "\r" in text:
        # The HTML parser normalises newlines before anything else; do the same so the
        # raw text and the parsed attribute values agree.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        raw = None
    ids: set[str] = set()
    # Every value of each located attribute in document order (also those not checked,
    # so that occurrences line up with the raw text), and the references to report.
    occurrences: dict[str, list[str]] = {attr: [] for attr in _LOCATED_ATTRS}
    hrefs = occurrences["href"]
    items: list[tuple[str, int, str, str, str | None, str]] = []
    add_item = items.append
    source = base_href = refresh = None

    def note(attr: str, value: str) -> int:
        values = occurrences[attr]
        values.append(value)
        return len(values) - 1

    def ref(attr: str, value: str, role: str = NAV, hreflang: str | None = None) -> None:
        items.append((attr, note(attr, value), value, role, hreflang, ""))

    for node in LexborHTMLParser(text if raw is None else raw).css(_SELECTOR):
        attrs = node.attributes
        tag = node.tag
        if "id" in attrs:
            ids.add(attrs["id"] or "")
        href = attrs.get("href")
        if tag == "a":
            if "name" in attrs:
                ids.add(attrs["name"] or "")
            if href is not None:
                hreflang = attrs.get("hreflang")
                role = NAV
                if hreflang:
                    classes = (attrs.get("class") or "").split()
                    role = SWITCH if "md-select__link" in classes and \
                        _has_ancestor_class(node, "md-select") else XLANG
                hrefs.append(href)  # inlined ref(): most references are <a href>
                add_item(("href", len(hrefs) - 1, href, role, hreflang, ""))
            if "xlink:href" not in attrs:
                continue
            href = None
        elif tag == "link" and href is not None:
            rels = (attrs.get("rel") or "").lower().split()
            if _HINT_RELS.intersection(rels):
                note("href", href)
            else:
                hreflang = attrs.get("hreflang")
                if hreflang and "alternate" in rels:
                    ref("href", href, ALT, hreflang)
                else:
                    ref("href", href)
            href = None
        elif tag == "meta":
            if (attrs.get("name") or "").lower() == "hw-source":
                source = attrs.get("content") or None
            elif (attrs.get("http-equiv") or "").lower() == "refresh" and "content" in attrs:
                content = attrs["content"] or ""
                index = note("content", content)
                parsed = parse_refresh(content)
                if parsed is not None:
                    url, offset = parsed
                    items.append(("content", index, url, NAV, None, content[:offset]))
                    refresh = url
            continue
        elif tag == "base":
            if href is not None:
                note("href", href)
                if base_href is None:  # only the first <base href> counts
                    base_href = href
            continue
        if href is not None:  # area, and SVG elements such as <use> and <image>
            ref("href", href)
        src = attrs.get("src")
        if src is not None:
            if tag != "input" or (attrs.get("type") or "").lower() == "image":
                ref("src", src)
            else:
                note("src", src)
        srcset = attrs.get("srcset")
        if srcset is not None:
            index = note("srcset", srcset)
            for url, offset in parse_srcset(srcset):
                items.append(("srcset", index, url, NAV, None, srcset[:offset]))
        for attr in ("poster", "xlink:href"):
            value = attrs.get(attr)
            if value is not None:
                ref(attr, value)
        if tag == "object" and attrs.get("data") is not None:
            ref("data", attrs["data"])

    if lines:
        return PageData(path, frozenset(ids), _with_lines(text, occurrences, items),
                        source, base_href, refresh)
    refs = [Ref(url, 0, role, hreflang, index)
            for index, (_, _, url, role, hreflang, _) in enumerate(items)]
    return PageData(path, frozenset(ids), refs, source, base_href, refresh,
                    (text, occurrences, items))


# ---------------------------------------------------------------------------------------
# CSS


_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_URL = re.compile(
    r"""\burl\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'"""
    r"""|((?:[^)\s"'\\]|\\[0-9a-fA-F]{1,6}\s?|\\.)*))\s*\)"""
    r"""|@import\s+(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')""",
    re.IGNORECASE | re.S,
)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(\n)|(.))", re.S)


def _css_unescape(value: str) -> str:
    if "\\" not in value:
        return value

    def repl(m: re.Match) -> str:
        if m.group(1):
            cp = int(m.group(1), 16)
            return chr(cp) if 0 < cp <= 0x10FFFF else "\ufffd"
        return "" if m.group(2) else m.group(3)

    return _CSS_ESCAPE.sub(repl, value)


def parse_css(text: str) -> list[Ref]:
    """url() and @import references of a stylesheet, with their lines."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    refs = []
    line, last = 1, 0
    for m in _CSS_URL.finditer(text):
        idx = next(i for i in range(1, 6) if m.group(i) is not None)
        line += text.count("\n", last, m.start(idx))
        last = m.start(idx)
        refs.append(Ref(_css_unescape(m.group(idx)).strip(URL_WS), line))
    return refs
