"""The glossary's term matcher (hwsite.glossary): its trie-shaped regex finds exactly what
the plain alternation of the terms, longest first, finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hwsite import glossary

# Few letters, so that terms share prefixes and contain each other, as glossary terms do.
WORDS = st.text(alphabet="abAB -卫生手", min_size=1, max_size=6).filter(lambda w: w.strip() == w and w)


def longest_first(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@settings(max_examples=400, deadline=None)
@given(words=st.sets(WORDS, min_size=1, max_size=12), text=st.text(alphabet="abAB -卫生手x.", max_size=60))
def test_the_trie_matches_what_the_longest_first_alternation_matches(words, text):
    words = {w.lower() for w in words}
    for wrap, flags in (("{}", 0), (r"(?<![\w-])(?:{})(?![\w-])", re.I)):  # Chinese / English, as _term_matcher
        trie = re.compile(wrap.format(glossary.trie_alternation(words)), flags)
        plain = re.compile(wrap.format(longest_first(words)), flags)
        assert [(m.start(), m.group(0)) for m in trie.finditer(text)] == \
               [(m.start(), m.group(0)) for m in plain.finditer(text)]


def test_a_term_inside_a_longer_term_matches_where_the_longer_one_does_not():
    pattern = re.compile(rf"(?<![\w-])(?:{glossary.trie_alternation(['hand', 'hand hygiene'])})(?![\w-])", re.I)
    assert [m.group(0) for m in pattern.finditer("Hand hygiene, a hand, hand hygienes")] == \
           ["Hand hygiene", "hand", "hand"]
