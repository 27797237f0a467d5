"""Citation lint: keys cited by pages exist in the source registry, both languages of a
page cite the same keys, and a paragraph that gives a figure cites a source. The
registry's own checks are in hwsite.sources.registry.

What counts as a key: a front matter `sources:` item written as lower-case words joined
by hyphens (who-2003-sharps-ebd), and every `[@...]` citation in the text. Free-text
`sources:` items ("ILO/WHO, HealthWISE, 2014") are the older way of listing sources and
are not checked, so pages can move to keys one at a time.

figure-without-citation looks at paragraphs and list items (a list item is its own
paragraph) for a percentage (37%, 37％, 37 per cent, 百分之), "N million/billion" or
"N万/亿", and reports the paragraph when no `[@key]` is in it. Headings, tables, code,
front matter and image alt text are not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hwsite.lint_rules.common import ERROR, PROTECTED, Finding, Page, excerpt, lines_holding
from hwsite.sources.cite import citations_in_line, frontmatter_keys
from hwsite.sources.registry import CODES as REGISTRY_CODES
from hwsite.sources.registry import Registry, is_key

RULE = "citations"
CODES = {
    "unknown-key": ERROR,
    "citations-differ-between-languages": ERROR,
    "figure-without-citation": ERROR,
    **REGISTRY_CODES,
}

FIGURE = re.compile(
    r"\d(?:[\d,.]*\d)?\s?(?:%|％|per ?cent\b|percent\b)"
    r"|百分之[\d零〇一二两三四五六七八九十百点.]+"
    r"|\d(?:[\d,.]*\d)?\s?(?:million|billion)\b"
    r"|\d(?:[\d,.]*\d)?\s?[万亿]",
    re.IGNORECASE)
# Every FIGURE match ends in one of these (case-insensitively "cent" or "llion": the
# letters IGNORECASE folds specially are i, k and s, and "llion" leaves out the i). The
# regex engine tries FIGURE at every digit of a page; looking for these first leaves it
# the few pages that can have a figure.
_FIGURE_ENDS = ("%", "％", "万", "亿", "百分之")
_FIGURE_WORDS = ("cent", "llion")


def _may_hold_figure(text: str) -> bool:
    if any(end in text for end in _FIGURE_ENDS):
        return True
    lowered = text.lower()
    return any(word in lowered for word in _FIGURE_WORDS)


_BLOCK_START = re.compile(r"[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S")
# Headings, table rows and images: an image's alt text repeats the figures that its
# caption (the next paragraph) cites.
_SKIP_LINE = re.compile(r"[ \t]*(?:#|\||!\[)")


def _keys_with_lines(page: Page) -> list[tuple[str, int]]:
    """(key, line) of every key the page cites: front matter first, then the text."""
    found = []
    source = page.source
    sources = source.meta.get("sources")
    keys = frontmatter_keys(sources)
    if keys:
        start = source.front_matter.line_of("sources") or 1
        end = source.front_matter.end_line
        for key in keys:
            line = next((n for n in range(start, end + 1)
                         if re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])",
                                      source.lines[n - 1])), start)
            found.append((key, line))
    first = source.front_matter.end_line + 1  # the line prose_body starts on
    for index in lines_holding(page.prose_body, page.prose_body_starts, "[@"):
        for _, cited in citations_in_line(page.prose[first + index - 1]):
            found.extend((key, first + index) for key in cited)
    return found


def check(page: Page, registry: Registry) -> list[Finding]:
    """unknown-key and figure-without-citation for one page."""
    findings = []
    for key, line in cited_keys(page):
        if key in registry:
            continue
        if is_key(key):
            hint = _near(key, registry)
            message = (f"'{key}' is not in the source registry (scripts/data/sources.yml)"
                       + (f"; did you mean '{hint}'?" if hint else
                          "; add an entry for it there, or correct the key"))
        else:
            message = (f"'[@{key}]' is not a source key: keys are lower-case words joined "
                       "by hyphens, as in scripts/data/sources.yml, e.g. [@who-2003-sharps-ebd]")
        findings.append(Finding("unknown-key", ERROR, page.file, line, message, RULE))
    findings += check_figures(page)
    return findings


def _near(key: str, registry: Registry) -> str | None:
    import difflib
    close = difflib.get_close_matches(key, list(registry.entries), n=1, cutoff=0.75)
    return close[0] if close else None


def _paragraphs(page: Page) -> list[list[int]]:
    """Line numbers of each paragraph or list item of the body, as prose."""
    blocks: list[list[int]] = []
    current: list[int] = []
    first = page.source.front_matter.end_line + 1
    for number in range(first, len(page.prose) + 1):
        text = page.prose[number - 1]
        blank = not text.strip(PROTECTED + " \t")
        if blank or _SKIP_LINE.match(text) or _BLOCK_START.match(text):
            if current:
                blocks.append(current)
            current = []
            if blank or _SKIP_LINE.match(text):
                continue
        current.append(number)
    if current:
        blocks.append(current)
    return blocks


def check_figures(page: Page) -> list[Finding]:
    """figure-without-citation: a paragraph or list item with a figure and no [@key]."""
    findings = []
    if not _may_hold_figure(page.prose_body) or not FIGURE.search(page.prose_body):
        return findings  # most pages: no figure anywhere, so no paragraph to look at
    for block in _paragraphs(page):
        lines = [page.prose[n - 1] for n in block]
        if any(citations_in_line(text) for text in lines):
            continue
        for number, text in zip(block, lines):
            match = FIGURE.search(text)
            if match:
                findings.append(Finding(
                    "figure-without-citation", ERROR, page.file, number,
                    f"the figure '{match.group(0)}' in '{excerpt(text, *match.span())}' has "
                    "no source in its paragraph; cite the source's key from "
                    "scripts/data/sources.yml at the end of the sentence, e.g. "
                    "[@who-2003-sharps-ebd] (several: [@a; @b]). If the number is not a "
                    "claim (an example, an exercise), end the line with "
                    "<!-- lint-ignore figure-without-citation -->", RULE))
                break
    return findings


def check_languages(pages: Iterable[Page], registry: Registry | None = None) -> list[Finding]:
    """citations-differ-between-languages: for each page whose twin in the other tree
    was linted too, every key one cites and the other does not (front matter and
    text together), reported where it is cited. Keys the registry does not know are
    left to unknown-key when a registry is given."""
    return check_cited_keys([(page.file, page.tree, cited_keys(page)) for page in pages], registry)


def cited_keys(page: Page) -> list[tuple[str, int]]:
    """(key, line) of every key the page cites: what check_cited_keys() compares.
    Worked out once per page: check() and the caller that collects them both ask."""
    cached = page.__dict__.get("_cited_keys")
    if cached is None:
        cached = _keys_with_lines(page)
        object.__setattr__(page, "_cited_keys", cached)  # frozen: a private memo only
    return cached


def check_cited_keys(cited_pages: Iterable[tuple[str, tuple[str, str] | None, list[tuple[str, int]]]],
                     registry: Registry | None = None) -> list[Finding]:
    """check_languages() of (page.file, page.tree, cited_keys(page)) triples: what worker
    processes that linted the pages send back instead of the pages."""
    by_path: dict[str, dict[str, tuple[str, list[tuple[str, int]]]]] = {}
    for file, where, cited in cited_pages:
        if where:
            by_path.setdefault(where[1], {})[where[0]] = (file, cited)
    findings = []
    for rel, twins in sorted(by_path.items()):
        if len(twins) < 2:
            continue
        keys = {lang: {k for k, _ in cited} for lang, (_, cited) in twins.items()}
        for lang, (file, cited) in sorted(twins.items()):
            reported: set[str] = set()  # one finding per key, at its first citation
            for key, line in cited:
                if key in reported or (registry is not None and key not in registry):
                    continue
                for other in sorted(twins):
                    if other == lang or key in keys[other]:
                        continue
                    reported.add(key)
                    findings.append(Finding(
                        "citations-differ-between-languages", ERROR, file, line,
                        f"'{key}' is cited here but not in {twins[other][0]}; both "
                        "languages of a page cite the same sources: cite it there too (in "
                        "the same place), or remove it here", RULE))
    return findings
