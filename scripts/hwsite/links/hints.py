"""The "did you mean" part of a finding: the existing page, file or element id closest to
what a broken reference asked for, and an href to it written the way the author wrote
theirs (relative, root-absolute or absolute)."""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote

from hwsite.links.config import SiteConfig
from hwsite.links.resolve import HTML_SUFFIXES


def suggest_href(config: SiteConfig, page: str, target: str, form: str, href: str,
                 fragment: str | None = None) -> str:
    """An href from page to target written like href (relative, root or absolute)."""
    keep_index = "index.html" in href.partition("#")[0].partition("?")[0]
    if target.endswith("index.html") and not keep_index:
        shown = target[: -len("index.html")]
    else:
        shown = target
    if form == "relative":
        start = posixpath.dirname(page) or "."
        if shown == "" or shown.endswith("/"):
            rel = posixpath.relpath(shown.rstrip("/") or ".", start)
            out = "./" if rel == "." else rel + "/"
        else:
            out = posixpath.relpath(shown, start)
    else:
        out = config.base_path + shown
        if form == "absolute":
            out = (config.origin or "") + out
    if fragment:
        out += "#" + fragment
    if re.search("%[0-9A-Fa-f]{2}", href):
        out = quote(out, safe="/:#@!$&'()*+,;=-._~?")
    return out


class PathHints:
    """Closest existing paths of one site's file list; the candidate lists and the answers
    are cached, since many broken references ask for the same path."""

    def __init__(self, files: Iterable[str], pages: Iterable[str]):
        self.files = frozenset(files)
        self.pages = frozenset(pages)
        self._page_candidates: list[str] | None = None
        self._asset_candidates: dict[str, list[str]] | None = None
        self._hint_cache: dict[tuple[bool, str], str | None] = {}

    def closest_file(self, query: str, page_like: bool) -> str | None:
        """The existing page (or other file) whose path is most like query, if any is close."""
        key = (page_like, query)
        if key in self._hint_cache:
            return self._hint_cache[key]
        if page_like:
            if self._page_candidates is None:
                self._page_candidates = sorted(
                    p[: -len("index.html")] if p.endswith("index.html") else p
                    for p in self.pages
                )
            cands = self._page_candidates
            q = query[: -len("index.html")] if query.endswith("index.html") else query
            if q and not q.endswith("/") and not q.lower().endswith(HTML_SUFFIXES):
                q += "/"
        else:
            # Only files of the same type: a missing .mp4 is not "meant to be" a .png.
            if self._asset_candidates is None:
                by_ext: dict[str, list[str]] = {}
                for f in sorted(self.files - self.pages):
                    by_ext.setdefault(posixpath.splitext(f)[1].lower(), []).append(f)
                self._asset_candidates = by_ext
            cands = self._asset_candidates.get(posixpath.splitext(query)[1].lower(), [])
            q = query
        best = _most_similar_path(q, cands)
        if best is not None and (best == "" or best.endswith("/")):
            best += "index.html"
        self._hint_cache[key] = best
        return best


def _most_similar_path(query: str, candidates: list[str], cutoff: float = 0.6) -> str | None:
    """difflib similarity on characters, ranked together with similarity on path segments
    so that a wrong prefix (/sub/x/ for x/) does not beat the page with the same name.
    The first candidate with the best score wins.

    Exact but pruned, best first: a candidate's score is at most a cheap bound (the length
    bound of its character ratio plus its segments that occur in the query, as a ratio),
    then a tighter one (quick_ratio instead of the length bound); candidates are visited in
    order of the cheap bound and the rest skipped once it falls below the best score, so
    that most never reach difflib's quick_ratio (the 40 planted broken paths of the bench's
    4,001-page site on a loaded machine: 1.7 s with the quick_ratio bound alone, 1.1 s with
    the cheap bound first; same answers)."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(query)
    query_segments = query.split("/")
    query_set = frozenset(query_segments)
    n_query = len(query_segments)
    len_query = len(query)
    bounded = []
    for index, cand in enumerate(candidates):
        total = len(cand) + len_query
        length_bound = 2.0 * min(len(cand), len_query) / total if total else 1.0
        if length_bound < cutoff:  # difflib's real_quick_ratio
            continue
        segments = cand.split("/")
        # Matching segments are at most those of the candidate found in the query, and at
        # most the query's count.
        common = min(n_query, sum(segment in query_set for segment in segments))
        segment_bound = 2.0 * common / (len(segments) + n_query)
        bounded.append((length_bound + segment_bound, index, cand, segment_bound, segments))
    bounded.sort(key=lambda item: (-item[0], item[1]))
    best, best_score, best_index = None, -1.0, -1
    for bound, index, cand, segment_bound, segments in bounded:
        if bound < best_score:
            break
        matcher.set_seq1(cand)
        quick = matcher.quick_ratio()
        if quick < cutoff or quick + segment_bound < best_score:
            continue
        ratio = matcher.ratio()
        if ratio < cutoff:
            continue
        score = ratio + difflib.SequenceMatcher(None, segments, query_segments).ratio()
        if score > best_score or (score == best_score and index < best_index):
            best, best_score, best_index = cand, score, index
    return best


def closest_id(fragment: str, ids: frozenset[str]) -> str | None:
    decoded = unquote(fragment)
    folded = sorted(i for i in ids if i.lower() == decoded.lower())
    if folded:
        return folded[0]
    match = difflib.get_close_matches(decoded, sorted(ids), n=1, cutoff=0.6)
    return match[0] if match else None
