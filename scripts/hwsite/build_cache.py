"""What the build keeps between its language passes and between `mkdocs serve` rebuilds:
compiled theme templates and each page's search index entries. Each is keyed by what
it is made from (a template's source, a page's rendered body and what else the index
reads), so an edited file is never served from the cache; the plugin holds them on its
instance, which MkDocs keeps for the whole `mkdocs serve` session.
"""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any, Callable

import jinja2


class TemplateBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates in memory. Each language pass and each serve rebuild makes a new
    Jinja environment and would compile every theme template again (about 40, a tenth of
    a build). Jinja checks each entry against the template source's checksum and its own
    bytecode version, so an edited template is compiled anew; the key also carries the
    environment's settings that change the compiled code."""

    def __init__(self) -> None:
        self._store: dict[tuple, bytes] = {}

    @staticmethod
    def _env_key(environment: jinja2.Environment) -> tuple:
        return (environment.autoescape if isinstance(environment.autoescape, bool) else id(environment.autoescape),
                environment.finalize is not None, environment.optimized, tuple(sorted(environment.extensions)),
                environment.block_start_string, environment.variable_start_string, environment.comment_start_string,
                environment.line_statement_prefix, environment.line_comment_prefix, environment.trim_blocks,
                environment.lstrip_blocks, environment.newline_sequence, environment.keep_trailing_newline)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get((bucket.key, self._env_key(bucket.environment)))
        if data is not None:
            bucket.bytecode_from_string(data)  # resets the bucket when the source changed

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[(bucket.key, self._env_key(bucket.environment))] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._store.clear()


def _toc_key(items) -> list:
    return [[item.id, item.url, _toc_key(item.children)] for item in items]


class SearchEntryCache:
    """Material's search index entries of each page, by everything its indexer reads: the
    page's URL, title, rendered body, table of contents, the front matter it looks at,
    and the segmenter (jieba's dictionaries, by content). Material parses each page's HTML
    and segments its Chinese text with jieba on every build, the slowest part of a serve
    rebuild; a page whose inputs did not change gets the same entries back.

    Entries not used during one whole build are dropped at the next (new_build)."""

    def __init__(self) -> None:
        self._previous: dict[str, list[dict]] = {}
        self._current: dict[str, list[dict]] = {}
        self.segmenter = ""
        self.hits = 0  # for tests and measurements

    def new_build(self, segmenter: str) -> None:
        """Start of a build; segmenter: what the Chinese word segmentation depends on."""
        if segmenter != self.segmenter:
            self._previous, self._current = {}, {}
        else:
            self._previous, self._current = self._current, {}
        self.segmenter = segmenter
        self.hits = 0

    def key(self, page: Any) -> str:
        meta = page.meta or {}
        parts = [page.url, str(page.title), page.content or "", _toc_key(page.toc or []),
                 repr(meta.get("title")), repr(meta.get("tags")), repr(meta.get("search"))]
        return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=repr).encode("utf-8")).hexdigest()

    def wrap(self, index: Any) -> None:
        """Make a Material SearchIndex (one per language pass) take a page's entries from
        the cache when its inputs are unchanged."""
        if getattr(index, "_hw_cached", False):
            return
        add: Callable = index.add_entry_from_context

        def add_entry_from_context(page):
            key = self.key(page)
            entries = self._current.get(key)
            if entries is None:
                entries = self._previous.get(key)
            if entries is not None:
                self.hits += 1
                self._current[key] = entries
                index.entries.extend(copy.deepcopy(entries))
                return
            start = len(index.entries)
            add(page)
            self._current[key] = copy.deepcopy(index.entries[start:])

        index.add_entry_from_context = add_entry_from_context
        index._hw_cached = True
