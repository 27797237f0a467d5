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


# Patterns of the glossaries seen last: (id of the list, lang) -> (the list, patterns).
# Keyed by identity because hashing a 150-term tuple on every page cost more than the
# search itself; the list is kept so that its id is not reused.
_SEEN: dict[tuple[int, str], tuple[list, tuple]] = {}


def _patterns(terms: list[Term], lang: str):
    seen = _SEEN.get((id(terms), lang))
    if seen is not None and seen[0] is terms:
        return seen[1]
    if len(_SEEN) >= 8:
        _SEEN.clear()
    patterns = _glossary_patterns(tuple(terms), lang)
    _SEEN[(id(terms), lang)] = (terms, patterns)
    return patterns


@functools.lru_cache(maxsize=8)
def _glossary_patterns(terms: tuple[Term, ...], lang: str):
    """The glossary's patterns for one language, built once per glossary version: every
    page asks, and building them escaped every term again (half the lint's time)."""
    zh = lang == "zh"
    variants: dict[str, Term] = {}
    for term in terms:
        for variant in (term.deprecated_zh if zh else term.deprecated_en):
            variants.setdefault(variant if zh else variant.lower(), term)
    pattern = _alternation(variants, boundary=not zh)
    preferred = _alternation([t.zh if zh else t.en for t in terms], boundary=not zh)
    # A variant with a line end in it could match across lines of the joined page text.
    one_line = not any("\n" in variant for variant in variants)
    return variants, pattern, preferred, _quoted_aliases(list(terms), lang), one_line, _ascii_words(variants)


# The characters that IGNORECASE matches to an ASCII letter without being one (İ ı to i,
# ſ to s, the Kelvin sign to k): folded first, a lower-cased ASCII page then contains a
# lower-cased variant wherever the IGNORECASE pattern matches.
_ASCII_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


def _ascii_words(variants) -> tuple[str, ...] | None:
    """The lower-cased variants, or None when one is not ASCII. Found in the folded,
    lower-cased page with str.find, they are at every place the boundary-checking
    IGNORECASE pattern matches, and more; the pattern's first characters are a class,
    which the regex engine tests at every place of the page (five times slower)."""
    words = sorted({w.lower() for w in variants if w}, key=len, reverse=True)
    if not words or not all(w.isascii() for w in words):
        return None
    return tuple(words)


def _variant_term(variants: dict[str, Term], found: str) -> Term:
    """The term of the variant that the IGNORECASE pattern matched as `found` when
    lower-casing does not give it back ('needle-ſtick' lower-cased keeps its long s)."""
    return next(term for variant, term in variants.items()
                if re.fullmatch(re.escape(variant), found, re.IGNORECASE))


def check(page: Page, terms: list[Term]) -> list[Finding]:
    zh = page.lang == "zh"
    variants, pattern, preferred, quoted_aliases, one_line, ascii_words = _patterns(terms, page.lang)
    if pattern is None:
        return []
    front = frontmatter_prose(page.source)  # the front matter lines readers see
    if one_line:
        # One search of the page's prose body (and of the title and description) finds
        # the few lines worth looking at.
        end = page.source.front_matter.end_line

        def found_in(text: str) -> set[int]:
            """Indexes of the lines of text where a variant may be."""
            if zh or ascii_words is None:
                return {text.count("\n", 0, m.start()) for m in pattern.finditer(text)}
            folded = (text if text.isascii() else text.translate(_ASCII_FOLD)).lower()
            found = set()
            for word in ascii_words:
                at = folded.find(word)
                while at >= 0:
                    found.add(folded.count("\n", 0, at))
                    at = folded.find(word, at + 1)
            return found

        found = {end + 1 + index for index in found_in(page.prose_body)}
        found.update(number for number, text in front.items() if found_in(text))
        numbered = [(number, front.get(number) or page.prose[number - 1]) for number in sorted(found)]
    else:
        lines = dict(enumerate(page.prose, start=1))
        lines.update(front)
        numbered = sorted(lines.items())
    findings = []
    for number, text in numbered:
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
            term = variants.get(found if zh else found.lower()) or _variant_term(variants, found)
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
