"""Line numbers of attribute values in a page's raw HTML, for the findings: the parser
gives values without positions, so each value is found again in the text, in order."""

from __future__ import annotations

import functools
import html
import re

_ATTR_PRECEDERS = frozenset(" \t\n\x0c\r\"'/")


@functools.lru_cache(maxsize=None)
def _attr_pattern(attr: str) -> re.Pattern:
    """attr=value in any spelling HTML allows (case, spaces, quotes)."""
    return re.compile(
        r"(?<=[\s\"'/])" + re.escape(attr)
        + r"\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))",
        re.IGNORECASE,
    )


class _Locator:
    """Line numbers of attribute values, found by scanning the raw text forward.

    One cursor per attribute name: nodes come in document order, so each attribute's
    occurrences do too, and the same href written twice gets two different lines.
    Lines are counted incrementally between cursor positions, so a page costs one
    forward scan per attribute name.
    """

    def __init__(self, text: str):
        self.text = text
        self.cursor: dict[str, tuple[int, int]] = {}  # attr -> (offset, line at offset)

    def line(self, attr: str, value: str) -> int:
        """1-based line on which the value of the next attr=value starts."""
        pos, line = self.cursor.get(attr, (0, 1))
        found = self._find(attr, value, pos)
        if found is None:
            return line
        start, end = found
        text = self.text
        line += text.count("\n", pos, start)
        self.cursor[attr] = (end, line + text.count("\n", start, end))
        return line

    def _find(self, attr: str, value: str, pos: int) -> tuple[int, int] | None:
        """(start, end) of the raw value of the next attr=value at or after pos."""
        first = None
        for m in _attr_pattern(attr).finditer(self.text, pos):
            idx = 1 if m.group(1) is not None else 2 if m.group(2) is not None else 3
            raw = m.group(idx)
            if raw == value or ("&" in raw and html.unescape(raw) == value):
                return m.start(idx), m.end(idx)
            if first is None:
                first = m.start(idx), m.end(idx)
        # Entity edge cases html.unescape decodes unlike an attribute value: the next
        # occurrence of the attribute is the right one in document order.
        return first


_NON_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea|title|xmp)\b[^>]*>(.*?)(?:</\1\s*>|\Z)",
    re.S | re.I,
)
_NOT_NEWLINE = re.compile(r"[^\n]")


def _mask_non_markup(text: str) -> str:
    """Blank out comments and the text of raw-text elements (keeping length and newlines)
    so that an href= inside a script or a comment is not taken for an attribute."""

    def blank(m: re.Match) -> str:
        if m.group(1) is None:
            return _NOT_NEWLINE.sub(" ", m.group())
        start, end = m.span(2)
        whole = m.group()
        offset = m.start()
        return (whole[: start - offset] + _NOT_NEWLINE.sub(" ", m.group(2))
                + whole[end - offset :])

    return _NON_MARKUP.sub(blank, text)


@functools.lru_cache(maxsize=None)
def _quoted_attr_pattern(attr: str) -> re.Pattern:
    # A literal prefix lets the regex engine skip ahead at C speed.
    return re.compile(re.escape(attr) + r'="([^"]*)"')


def _fast_lines(text: str, attr: str, values: list[str]) -> list[int] | None:
    """Lines of the values when every occurrence is written attr="value" exactly as
    parsed, so that the raw occurrences and the parsed values are the same list."""
    starts, raws = [], []
    for m in _quoted_attr_pattern(attr).finditer(text):
        i = m.start()
        if i and text[i - 1] in _ATTR_PRECEDERS:
            starts.append(m.start(1))
            raws.append(m.group(1))
    if raws != values:
        # &amp; in a query string and the like: compare what the parser made of them.
        if len(raws) != len(values) or [
            html.unescape(r) if "&" in r else r for r in raws
        ] != values:
            return None
    lines, pos, line = [], 0, 1
    for start in starts:
        line += text.count("\n", pos, start)
        pos = start
        lines.append(line)
    return lines


def attribute_lines(text: str, occurrences: dict[str, list[str]]) -> dict[str, list[int]]:
    """Line of each value, given every value of each attribute in document order.

    Fast path: _fast_lines() on the raw text. Otherwise (entities, other quoting, upper
    case, href= inside a script or a comment) the same on the text with comments and
    scripts blanked out, then the exact cursor scan of _Locator.
    """
    lines: dict[str, list[int]] = {}
    masked = None
    for attr, values in occurrences.items():
        if not values:
            continue
        found = _fast_lines(text, attr, values)
        if found is None:
            # Blanking comments and scripts costs more than a parse: only on demand.
            masked = masked if masked is not None else _mask_non_markup(text)
            found = _fast_lines(masked, attr, values)
            if found is None:
                loc = _Locator(masked)
                found = [loc.line(attr, v) for v in values]
        lines[attr] = found
    return lines
