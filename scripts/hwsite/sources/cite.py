"""Citations as editors write them in Markdown: `[@key]`, several as `[@a; @b]`, and
registry keys in the front matter list `sources:`. Shared by the Markdown extension
and the lint so both agree on what a citation is."""

from __future__ import annotations

import re
from collections.abc import Iterable

from hwsite.sources.registry import is_key

# `[@...]` with no nested brackets; what is inside is checked by parse_citation().
CITATION = re.compile(r"\[@([^\[\]\n]*)\]")
_ONE = re.compile(r"\s*@([^\s;@\[\]]+)\s*")


def parse_citation(inner: str) -> list[str] | None:
    """The keys of a citation's inside (the text after '[@' ... before ']', with the
    leading '@' put back by the caller or not): ['a', 'b'] for '@a; @b'. None when it
    is not a citation (empty parts, spaces inside a key)."""
    text = inner if inner.startswith("@") else "@" + inner
    keys = []
    for part in text.split(";"):
        match = _ONE.fullmatch(part)
        if not match:
            return None
        keys.append(match.group(1))
    return keys


def citations_in_line(text: str) -> list[tuple[int, list[str]]]:
    """(column, keys) of each citation in one line of prose."""
    found = []
    for match in CITATION.finditer(text):
        keys = parse_citation(match.group(1))
        if keys is not None:
            found.append((match.start(), keys))
    return found


def frontmatter_keys(sources: object) -> list[str]:
    """The items of a front matter `sources:` list written as registry keys, in order.
    Free-text items ("ILO/WHO, HealthWISE, 2014") are the pre-registry way of listing a
    source and are left out; a list that is not a list gives []."""
    if not isinstance(sources, list):
        return []
    return [item for item in sources if is_key(item)]


def unique(keys: Iterable[str]) -> list[str]:
    """Keys in order of first appearance."""
    return list(dict.fromkeys(keys))
