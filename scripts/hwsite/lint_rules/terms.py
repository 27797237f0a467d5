"""Terminology lint: Chinese pages use the glossary's preferred term instead of a
deprecated variant (glossary.yml deprecated_zh); English pages avoid the variants
listed in deprecated_en. Code, URLs and official names in 《》 are not checked, nor a
variant that is also a glossary alias and stands in quotation marks (“针扎”, "needle prick"):
that is a name quoted as such, as in "also called ..."."""

from __future__ import annotations

import functools
import re

from hwsite.glossary import Term
from hwsite.lint_rules.common import ERROR, WARNING, Finding, Page, excerpt, frontmatter_prose

RULE = "terms"
CODES = {"deprecated-term": ERROR, "inconsistent-term": WARNING}

_QUOTED_NAME = re.compile(r"《[^《》]*》")
_QUOTES = (("“", "”"), ("「", "」"), ('"', '"'), ("‘", "’"), ("'", "'"), ("*", "*"))


def _quoted_aliases(terms: list[Term], lang: str) -> re.Pattern | None:
    """Any alias of the page's language inside quotation marks (or *emphasis*)."""
    names = sorted({a for t in terms for a in t.aliases_in(lang)}, key=len, reverse=True)
    if not names:
        return None
    body = "|".join(map(re.escape, names))
    pairs = "|".join(re.escape(o) + "(?:" + body + ")" + re.escape(c) for o, c in _QUOTES)
    return re.compile(pairs, re.IGNORECASE)


def _spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [match.span() for match in pattern.finditer(text)]


def _inside(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in spans)


def _alternation(words, boundary: bool) -> re.Pattern | None:
    words = sorted({w for w in words if w}, key=len, reverse=True)
    if not words:
        return None
    body = "|".join(map(re.escape, words))
    if boundary:
        return re.compile(r"(?<![A-Za-z0-9-])(?:" + body + r")(?![A-Za-z0-9-])", re.IGNORECASE)
    return re.compile(body)


@functools.lru_cache(maxsize=8)
def _patterns(terms: tuple[Term, ...], lang: str):
    """The glossary's patterns for one language, built once per glossary version: every
    page asks, and building them escaped every term again (half the lint's time)."""
    zh = lang == "zh"
    variants: dict[str, Term] = {}
    for term in terms:
        for variant in (term.deprecated_zh if zh else term.deprecated_en):
            variants.setdefault(variant if zh else variant.lower(), term)
    pattern = _alternation(variants, boundary=not zh)
    preferred = _alternation([t.zh if zh else t.en for t in terms], boundary=not zh)
    return variants, pattern, preferred, _quoted_aliases(list(terms), lang)


def check(page: Page, terms: list[Term]) -> list[Finding]:
    zh = page.lang == "zh"
    variants, pattern, preferred, quoted_aliases = _patterns(tuple(terms), page.lang)
    if pattern is None:
        return []
    lines = dict(enumerate(page.prose, start=1))
    lines.update(frontmatter_prose(page.source))
    findings = []
    for number, text in sorted(lines.items()):
        hits = list(pattern.finditer(text))
        if not hits:
            continue
        # A variant inside the preferred term of another entry, or inside an official
        # name in 《》, is not a wrong term.
        keep_out = _spans(preferred, text) if preferred else []
        if quoted_aliases is not None:
            keep_out += _spans(quoted_aliases, text)
        if zh:
            keep_out += _spans(_QUOTED_NAME, text)
        for match in hits:
            if _inside(match.span(), keep_out):
                continue
            found = match.group(0)
            term = variants[found if zh else found.lower()]
            if zh:
                findings.append(Finding(
                    "deprecated-term", ERROR, page.file, number,
                    f"write '{term.zh}' ({term.en}) instead of '{found}' in "
                    f"'{excerpt(text, *match.span())}': the site uses one term per idea, as in "
                    "the glossary. If you are quoting someone word for word, add "
                    "<!-- lint-ignore terms --> at the end of the line", RULE))
            else:
                findings.append(Finding(
                    "inconsistent-term", WARNING, page.file, number,
                    f"the site writes '{term.en}', not '{found}' (see the glossary); change "
                    "it unless you are quoting a title or a person, then add "
                    "<!-- lint-ignore terms --> at the end of the line", RULE))
    return findings
