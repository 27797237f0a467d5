"""What the build keeps between its language passes and between `mkdocs serve` rebuilds:
compiled theme templates, and under `mkdocs serve` each page's rendered body and search
index entries. Each is keyed by what
it is made from (a template's source, a page's rendered body and what else the index
reads), so an edited file is never served from the cache; the plugin holds them on its
instance, which MkDocs keeps for the whole `mkdocs serve` session.
"""

from __future__ import annotations

import copy
import hashlib
import json
import logging
from dataclasses import dataclass
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


class _Records(logging.Handler):
    """The log records of one page render (MkDocs' link warnings), to repeat them when
    the render is taken from the cache."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass
class _Rendered:
    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # by the linked file's src_uri
    records: list[logging.LogRecord]


class PageRenderCache:
    """Each page's rendered body for `mkdocs serve`, by everything Page.render() reads:
    the page's final Markdown, its address, every file's address (links are resolved
    against them), and a context string from the caller with the rest (Markdown
    extensions and their settings, what the site's own extensions are told about the
    page, the versions of the data files they read). A save re-renders the saved page;
    the others come from the cache, with the warnings their render logged repeated.

    Entries not used during one whole build are dropped at the next (new_build)."""

    def __init__(self) -> None:
        self._previous: dict[str, _Rendered] = {}
        self._current: dict[str, _Rendered] = {}
        self._files_keys: dict[int, tuple[Any, str]] = {}
        self.hits = 0  # for tests and measurements

    def new_build(self) -> None:
        self._previous, self._current = self._current, {}
        self._files_keys = {}
        self.hits = 0

    def _files_key(self, files: Any) -> str:
        """Every file's source and address; once per Files object (one per pass; files are
        only added after the pages are rendered)."""
        known = self._files_keys.get(id(files))
        if known is None or known[0] is not files:
            text = "\n".join(f"{f.src_uri}\t{f.url}\t{f.dest_uri}\t{f.inclusion}" for f in files)
            known = (files, hashlib.sha256(text.encode("utf-8")).hexdigest())
            self._files_keys[id(files)] = known
        return known[1]

    def install(self, page: Any, context: str, on_hit: Callable[[], None] = lambda: None) -> None:
        """Make page.render(config, files), which MkDocs calls right after the
        on_page_markdown event, take the page's body from the cache when nothing it is
        made from changed. on_hit: called instead of a render (to forget what the
        caller told its extensions about the page)."""
        def render(config, files) -> None:
            key = hashlib.sha256(json.dumps(
                [context, page.file.src_uri, page.file.url, page.file.dest_uri, page.markdown, self._files_key(files)],
                ensure_ascii=False).encode("utf-8")).hexdigest()
            done = self._current.get(key) or self._previous.get(key)
            if done is not None:
                self.hits += 1
                self._current[key] = done
                on_hit()
                page.content, page.toc = done.content, copy.deepcopy(done.toc)
                page._title_from_render = done.title
                page.present_anchor_ids = None if done.anchors is None else set(done.anchors)
                if done.links_to_anchors is not None:
                    page.links_to_anchors = {files.get_file_from_path(uri): dict(links)
                                             for uri, links in done.links_to_anchors.items()}
                for record in done.records:
                    logging.getLogger(record.name).handle(record)
                return
            records = _Records()
            logger = logging.getLogger("mkdocs")
            logger.addHandler(records)
            try:
                type(page).render(page, config, files)
            finally:
                logger.removeHandler(records)
            links = getattr(page, "links_to_anchors", None)
            self._current[key] = _Rendered(
                page.content, copy.deepcopy(page.toc), page._title_from_render,
                None if page.present_anchor_ids is None else set(page.present_anchor_ids),
                None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
                records.records)

        page.render = render
