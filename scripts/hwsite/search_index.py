"""What the build adds to Material's search: the glossary's synonyms and abbreviations, stop
words and result labels in each language's index (its `config.hw`, read by the worker prelude
overrides/hw-search-worker.js), boosts for checkpoint sections, and the worker script
itself (the prelude followed by Material's worker, one file).

Called by the build plugin after it split the combined index per language.
"""

from __future__ import annotations

import re
from pathlib import Path

from hwsite.files import own_asset_name, theme_asset

# A checkpoint section is what a reader looks for when its words match: its lunr score is
# multiplied by this (Material's `boost` of a document). Measured with bench/search_eval.py
# (see README "Search"): 1 (none), 2, 3, 4.
CHECKPOINT_BOOST = 3.0
_CHECKPOINT = re.compile(r"#checkpoint-\d+$")

# The user dictionary jieba's default segmenter holds, in this process (None: none loaded yet).
_loaded_user_dict: str | None = None


def fresh_segmenter(user_dict: str) -> None:
    """Before Material's search plugin loads the jieba user dictionary `user_dict` (the file's
    text): jieba keeps every word it ever loaded for the life of the process, and `mkdocs serve`
    rebuilds in one process, so a term removed from the glossary stayed one word until restart.
    When the dictionary differs from the one loaded before, jieba's default segmenter starts
    again from its main dictionary (re-initialised in place: jieba's module functions, which
    Material calls, are bound to it); the same dictionary keeps it as it is."""
    global _loaded_user_dict
    if _loaded_user_dict is not None and user_dict != _loaded_user_dict:
        try:
            import jieba
        except ImportError:  # no Chinese segmentation at all
            return
        jieba.dt.__init__(jieba.dt.dictionary)
    _loaded_user_dict = user_dict


def worker_file_name(script: str) -> str:
    """Name of the combined worker under assets/javascripts/workers/ (keeps Material's
    `search.` prefix, which the request guard and the service worker look for)."""
    return own_asset_name("search", script, ".min.js")


def material_worker(theme_dirs: list[str]) -> Path | None:
    """Material's own search worker among the theme's folders."""
    return theme_asset(theme_dirs, "assets/javascripts/workers", "search.*.min.js")


def worker_script(prelude: str, material: str) -> str:
    """The prelude, then Material's worker (without its source-map comment: lines moved)."""
    material = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "", material)
    return prelude.rstrip() + "\n" + material + "\n"


_ABBREVIATION = re.compile(r"[A-Za-z0-9]*[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*")


def abbreviations(names: list[str]) -> list[str]:
    """The glossary names that are abbreviations (one word of letters and digits, two or more
    capitals: WHO, ToT, N95 is not), lower case. The worker matches them whole and never takes
    one for a stop word where it is written in capitals (WHO is not the pronoun who)."""
    return sorted({name.lower() for name in names if _ABBREVIATION.fullmatch(name)})


def enrich(index: dict, *, synonyms: dict[str, list[str]], stop_words: list[str],
           labels: dict[str, str], abbreviations: list[str] = (), keep: list[str] = ()) -> dict:
    """A language's index with the data the worker prelude reads (config.hw) and boosts:
    labels maps a page's location to the text put before its sections' titles; stop_words are
    the language's question words (the worker adds lunr's lists), keep the words of lunr's
    lists that are not stop words in this language (打, to hit). lunr's stop-word filters leave
    the index's pipeline: the worker applies one rule, with the abbreviations and keep, to the
    index's words and the query's (lunr's filters know neither)."""
    docs = []
    for doc in index.get("docs", []):
        if _CHECKPOINT.search(doc.get("location", "")):
            doc = {**doc, "boost": doc.get("boost", 1) * CHECKPOINT_BOOST}
        docs.append(doc)
    present = {doc["location"] for doc in docs}
    pipeline = [step for step in index.get("config", {}).get("pipeline", []) if step != "stopWordFilter"]
    config = {**index.get("config", {}), "pipeline": pipeline, "hw": {
        "aliases": synonyms, "stop": stop_words, "keep": list(keep), "abbreviations": list(abbreviations),
        "labels": {page: text for page, text in sorted(labels.items()) if page in present}}}
    return {**index, "config": config, "docs": docs}
