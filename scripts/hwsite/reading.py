"""Reading time and review dates shown under the title of modules and fact sheets.

Reading speed: about 200 English words or 300 Chinese characters a minute; a page that
mixes both (Chinese text with English names) adds the two.
"""

from __future__ import annotations

import datetime as dt
import math
import re

from selectolax.lexbor import LexborHTMLParser

from hwsite.site_model import HAN

WORDS_PER_MINUTE = 200
HAN_PER_MINUTE = 300

_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’.\-][A-Za-z0-9\u00c0-\u024f]+)*")
# Not read: scripts and heading permalinks (¶).
_NOT_TEXT = "script, style, template, a.headerlink"


def visible_text(html: str) -> str:
    """The text of rendered Markdown that readers read, one space between the texts of
    neighbouring elements. Parsed with Lexbor (selectolax), ten times faster than the
    standard library's HTMLParser on a module page."""
    body = LexborHTMLParser(html).body
    if body is None:
        return ""
    for node in body.css(_NOT_TEXT):
        node.decompose()
    return body.text(separator=" ")


def count_text(text: str) -> tuple[int, int]:
    """(Han characters, words in Latin script) of a text."""
    han = len(HAN.findall(text))
    words = len(_WORD.findall(HAN.sub(" ", text)))
    return han, words


def reading_minutes(html: str) -> int:
    """Whole minutes (at least 1) to read the rendered page body."""
    han, words = count_text(visible_text(html))
    return max(1, math.ceil(han / HAN_PER_MINUTE + words / WORDS_PER_MINUTE))


def parse_review_date(value) -> dt.date:
    """A front-matter last_reviewed value (YAML date or YYYY-MM-DD string) as a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"last_reviewed must be a date written YYYY-MM-DD, not {value!r}")


def format_date(date: dt.date, pattern: str, month_names: str) -> str:
    """A date in a language's own pattern (its UI strings `date.format`, with {day},
    {month}, {month_name} and {year}); month_names: the twelve names, space-separated."""
    names = month_names.split()
    return (pattern.replace("{year}", str(date.year)).replace("{month_name}", names[date.month - 1])
            .replace("{month}", str(date.month)).replace("{day}", str(date.day)))
