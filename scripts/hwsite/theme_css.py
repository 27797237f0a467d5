"""Material's main stylesheet without the content-tabs rules, for a site without content tabs.

Why: Material's content-tabs rules (pymdownx.tabbed) are of the form
`.tabbed-set > input:nth-child(2):checked ~ .tabbed-content > :nth-child(2)`. Chromium keeps
one invalidation set per pseudo-class for every `:checked` rule of the page, and a subject
with no class or tag (`:nth-child(2)`) makes it "restyle the whole subtree" of each sibling
after a checkbox that changes. Material's drawer and search toggles are checkboxes at the
start of <body>, so without tabs on any page every first tap on the menu or the search icon
restyled the whole page (module 3 in Chinese, phone, CPU 4x slower: 1,192 elements, 47-87 ms);
without these rules, 60 elements, 6-9 ms. The rules match nothing on a site that does not
enable pymdownx.tabbed, so dropping them changes no element's style.

The stylesheet is parsed with tinycss2 (CSS Syntax Level 3): a selector list is split at its
top-level commas, so `:is(a, b)` stays whole, and only the selectors that need an element
of one of the classes go (`.tabbed-set > input`, not `:not(.tabbed-set)`); a rule left without
selectors goes with them, and every other rule keeps Material's text byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import tinycss2
from tinycss2 import ast

from hwsite.files import own_asset_name, parsed_once_per_version, theme_asset

TABS_EXTENSION = "pymdownx.tabbed"
TABS_CLASSES = frozenset({"tabbed-set"})
# at-rules whose block holds rules (not declarations)
_GROUPING = {"media", "supports", "layer", "container", "document"}
_SOURCE_MAP = re.compile(r"^#\s*sourceMappingURL=")


def material_stylesheet(theme_dirs: Iterable[str]) -> Path | None:
    """Material's main stylesheet (assets/stylesheets/main.<hash>.min.css) among the theme's folders."""
    return theme_asset(theme_dirs, "assets/stylesheets", "main.*.min.css")


def stylesheet_file_name(css: str) -> str:
    """Name of the pruned stylesheet under assets/stylesheets/ (our own content hash)."""
    return own_asset_name("main", css, ".min.css")


def _needs_class(selector: list, classes: frozenset[str]) -> bool:
    """Whether the selector can only match inside an element of one of the classes: a
    `.class` of its own compounds (not inside :not() or :is(), which may match without)."""
    previous = None
    for token in selector:
        if token.type == "ident" and token.value in classes and previous is not None \
                and previous.type == "literal" and previous.value == ".":
            return True
        previous = token
    return False


def _selectors(prelude: list) -> list[list]:
    """A selector list's selectors, split at its top-level commas."""
    out: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            out.append([])
        else:
            out[-1].append(token)
    return out


class _Source:
    """Original text of parsed nodes: a rule that keeps all its selectors keeps Material's bytes."""

    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.line_starts.append(index + 1)

    def offset(self, node) -> int:
        return self.line_starts[node.source_line - 1] + node.source_column - 1


def _without(nodes: list, classes: frozenset[str], source: _Source, end: int) -> tuple[str, int]:
    parts: list[str] = []
    dropped = 0
    bounds = [source.offset(node) for node in nodes] + [end]
    for node, start, stop in zip(nodes, bounds, bounds[1:]):
        text = source.text[start:stop]
        if node.type == "qualified-rule":
            selectors = _selectors(node.prelude)
            kept = [s for s in selectors if not _needs_class(s, classes)]
            dropped += len(selectors) - len(kept)
            if len(kept) == len(selectors):
                parts.append(text)
            elif kept:
                parts.append(",".join(tinycss2.serialize(s).strip() for s in kept)
                             + "{" + tinycss2.serialize(node.content) + "}")
        elif node.type == "at-rule" and node.lower_at_keyword in _GROUPING and node.content:
            inner_nodes = tinycss2.parse_rule_list(node.content)
            inner, count = _without(inner_nodes, classes, source, stop - 1)  # its closing brace
            dropped += count
            if not count:
                parts.append(text)
            elif any(n.type not in ("whitespace", "comment") for n in inner_nodes) and inner.strip():
                parts.append("@" + node.at_keyword + tinycss2.serialize(node.prelude) + "{" + inner + "}")
        elif isinstance(node, ast.Comment) and _SOURCE_MAP.match(node.value):
            continue  # the map is Material's file's, not this one's
        else:
            parts.append(text)
    return "".join(parts), dropped


def without_classes(css: str, classes: frozenset[str] = TABS_CLASSES) -> tuple[str, int]:
    """The stylesheet without the selectors that name one of the classes, and how many went.
    Raises ValueError on a stylesheet tinycss2 reports a parse error in."""
    nodes = tinycss2.parse_stylesheet(css)
    errors = [n for n in nodes if n.type == "error"]
    if errors:
        raise ValueError(f"line {errors[0].source_line}: {errors[0].message}")
    return _without(nodes, classes, _Source(css), len(css))


def _pruned_file(path: str) -> tuple[str, int]:
    with open(path, encoding="utf-8") as handle:
        return without_classes(handle.read())


# every build and every rebuild of `mkdocs serve` asks again (parsing takes about 0.15 s)
pruned_stylesheet = parsed_once_per_version(_pruned_file)
