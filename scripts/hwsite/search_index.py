"""What the build adds to Material's search: the glossary's synonyms, query stop words and
result labels in each language's index (its `config.hw`, read by the worker prelude
overrides/hw-search-worker.js), boosts for checkpoint sections, and the worker script
itself (the prelude followed by Material's worker, one file).

Called by the build plugin after it split the combined index per language.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

# A checkpoint section is what a reader looks for when its words match: its lunr score is
# multiplied by this (Material's `boost` of a document). Measured with bench/search_eval.py
# (see README "Search"): 1 (none), 2, 3, 4.
CHECKPOINT_BOOST = 3.0
_CHECKPOINT = re.compile(r"#checkpoint-\d+$")

def worker_file_name(script: str) -> str:
    """Name of the combined worker under assets/javascripts/workers/ (keeps Material's
    `search.` prefix, which the request guard and the service worker look for)."""
    return f"search.hw.{hashlib.sha256(script.encode('utf-8')).hexdigest()[:8]}.min.js"


def material_worker(theme_dirs: list[str]) -> Path | None:
    """Material's own search worker among the theme's folders."""
    for folder in theme_dirs:
        found = sorted(Path(folder, "assets", "javascripts", "workers").glob("search.*.min.js"))
        found = [p for p in found if ".hw." not in p.name]
        if found:
            return found[0]
    return None


def worker_script(prelude: str, material: str) -> str:
    """The prelude, then Material's worker (without its source-map comment: lines moved)."""
    material = re.sub(r"\n?//# sourceMappingURL=\S+\s*$", "", material)
    return prelude.rstrip() + "\n" + material + "\n"


def enrich(index: dict, *, synonyms: dict[str, list[str]], stop_words: list[str],
           labels: dict[str, str]) -> dict:
    """A language's index with the data the worker prelude reads (config.hw) and boosts:
    labels maps a page's location to the text put before its sections' titles."""
    docs = []
    for doc in index.get("docs", []):
        if _CHECKPOINT.search(doc.get("location", "")):
            doc = {**doc, "boost": doc.get("boost", 1) * CHECKPOINT_BOOST}
        docs.append(doc)
    present = {doc["location"] for doc in docs}
    config = {**index.get("config", {}), "hw": {
        "aliases": synonyms, "stop": stop_words,
        "labels": {page: text for page, text in sorted(labels.items()) if page in present}}}
    return {**index, "config": config, "docs": docs}
