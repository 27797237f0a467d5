"""Where a reference leads on the built site, the way a browser joins it and a
case-sensitive static host serves it: URL joining, the target file, its letter case, the
base path, the language folders, and whether a #fragment names an element."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import NamedTuple
from urllib.parse import quote, unquote, urljoin, urlsplit

from hwsite.links.config import SiteConfig, host_key
from hwsite.links.parse import URL_WS

HTML_SUFFIXES = (".html", ".htm")

# Any origin works as long as no real link can share it; .invalid is reserved (RFC 2606).
_SENTINEL_NETLOC = "site.invalid"
_SENTINEL_ORIGIN = "http://" + _SENTINEL_NETLOC
_IGNORED_SCHEMES = frozenset({"data", "blob", "about"})
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# hrefs the fast resolver leaves to urljoin: a scheme, protocol-relative, whitespace to
# strip or remove, backslashes.
_SLOW_HREF = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:|//|[\x00-\x20])|[\t\n\r\\]|[\x00-\x20]$")


class Target(NamedTuple):
    """Outcome of resolving one reference."""

    status: str  # ok | missing | wrong-case | outside | external | mailto | tel | ignore | ...
    path: str | None = None  # site path of the file (ok, wrong-case)
    query: str | None = None  # site path that was looked up (missing, outside)
    fragment: str | None = None
    url: str | None = None  # absolute URL (external)
    form: str = "relative"  # how the href was written: relative | root | absolute


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 remove_dot_segments for an absolute path (browsers keep empty segments)."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        elif seg == ".":
            if last:
                out.append("")
        else:
            out.append(seg)
    return "/".join(out)


_LEADING_UPS = re.compile(r"(?:\.\.?/)+")
# How _split_href marks the path of an href that is not relative to the document's folder.
_ROOT = -1  # root-absolute: the path is already the URL path
_SAME = -2  # empty path ("", "?q", "#f"): the document itself


def _split_href(href: str) -> tuple[int, str, str | None, bool, str] | None:
    """What resolving href needs regardless of the document it is in, or None when href
    needs urljoin (a scheme, protocol-relative, whitespace, backslashes): (folders up,
    path below that folder, fragment or None, whether the path has dot segments, form).
    Folders up is _ROOT or _SAME for the paths that do not join the document's folder."""
    if not href or _SLOW_HREF.search(href):
        return None
    rest, hashmark, fragment = href.partition("#")
    path = rest.partition("?")[0] if "?" in rest else rest
    frag = fragment if hashmark else None
    if path.startswith("/"):
        return _ROOT, _remove_dot_segments(path), frag, False, "root"
    if not path:
        return _SAME, "", frag, False, "relative"
    ups = 0
    if path[0] == ".":
        m = _LEADING_UPS.match(path)
        if m:
            ups = m.group().count("../")
            path = path[m.end() :]
    return ups, path, frag, path.startswith(".") or "/." in path, "relative"


class PageCtx(NamedTuple):
    """A page (or stylesheet) as the place references are resolved from."""

    path: str
    source: str | None
    lang: str
    skip_lang: bool  # 404 pages (served at any URL) and stylesheets
    base_url: str  # the document's URL on the sentinel origin, or its <base href>
    own_url: bool  # base_url is the document's own URL (no <base href>)
    doc: str | None  # path part of base_url when it is on the sentinel origin


class Site:
    """The built site's file list and the rules to resolve references against it."""

    def __init__(self, files: Iterable[str], config: SiteConfig):
        self.files = frozenset(files)
        self.pages = frozenset(f for f in self.files if f.lower().endswith(HTML_SUFFIXES))
        self.config = config
        self._prefixes = tuple((p, p + "/") for p in config.lang_prefixes)
        dirs: set[str] = set()
        for f in self.files:
            d = posixpath.dirname(f)
            while d and d not in dirs:
                dirs.add(d)
                d = posixpath.dirname(d)
        self.dirs = frozenset(dirs)
        self._lower: dict[str, str] | None = None
        self._resolve_cache: dict[str, Target] = {}
        # href -> _split_href(href); (form, URL path) -> Target without fragment. Links
        # between sibling pages ("../x/") reach the same URL path from every sibling.
        self._split_cache: dict[str, tuple | None] = {}
        self._located: dict[tuple[str, str], Target] = {}
        # The language folder of every page; None for other files.
        self.page_lang = {page: self.lang_of(page) for page in self.pages}

    def __getstate__(self) -> dict:
        # Only what a worker process needs; caches are rebuilt there.
        return {"files": self.files, "config": self.config}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["files"], state["config"])

    # -- languages

    def lang_of(self, path: str) -> str:
        for prefix, with_slash in self._prefixes:
            if path.startswith(with_slash):
                return prefix
        return ""

    def in_lang(self, path: str, lang: str) -> str:
        current = self.lang_of(path)
        rest = path[len(current) + 1 :] if current else path
        return f"{lang}/{rest}" if lang else rest

    def lang_for_hreflang(self, hreflang: str) -> str | None:
        """The directory of a language code, "" for the default language at the root."""
        code = hreflang.strip().lower()
        if code == "x-default":
            return None
        for prefix in self.config.lang_prefixes:
            if prefix.lower() == code:
                return prefix
        primary = code.split("-")[0]
        for prefix in self.config.lang_prefixes:
            if prefix.lower().split("-")[0] == primary:
                return prefix
        return ""

    def page_ctx(self, path: str, source: str | None = None,
                 base_href: str | None = None) -> PageCtx:
        url = _SENTINEL_ORIGIN + quote(self.config.base_path + path, safe="/")
        if base_href is not None:
            url = urljoin(url, base_href.strip(URL_WS))
        lang = self.lang_of(path)
        is_404 = path == (f"{lang}/404.html" if lang else "404.html")
        doc = None
        if url.startswith(_SENTINEL_ORIGIN + "/"):
            doc = url[len(_SENTINEL_ORIGIN) :].partition("#")[0].partition("?")[0]
        return PageCtx(path, source, lang, is_404 or path not in self.pages, url,
                        base_href is None, doc)

    # -- files

    def lookup(self, site_path: str) -> tuple[str, str | None]:
        """('ok'|'wrong-case'|'missing', actual file) the way a case-sensitive host serves it."""
        if site_path == "" or site_path.endswith("/"):
            index = site_path + "index.html"
            if index in self.files:
                return "ok", index
            candidates = (index,)
        else:
            if site_path in self.files:
                return "ok", site_path
            if site_path in self.dirs:
                # A static host redirects /dir to /dir/ and serves its index.html.
                index = site_path + "/index.html"
                if index in self.files:
                    return "ok", index
            candidates = (site_path, site_path + "/index.html")
        if self._lower is None:
            self._lower = {}
            for f in sorted(self.files):
                self._lower.setdefault(f.lower(), f)
        for cand in candidates:
            actual = self._lower.get(cand.lower())
            if actual is not None:
                return "wrong-case", actual
        return "missing", None

    def resolve(self, base_url: str, href: str, doc: str | None = None) -> Target:
        """Where href, written in a document whose URL is base_url, leads.

        doc: the path of base_url, when the caller has it at hand."""
        if doc is None and base_url.startswith(_SENTINEL_ORIGIN + "/"):
            doc = base_url[len(_SENTINEL_ORIGIN) :].partition("#")[0].partition("?")[0]
        if doc is not None:
            # Fast path for the relative and root-absolute links that make up nearly
            # every reference: the same result as urljoin at a fraction of its cost.
            split = self._split_cache.get(href, False)
            if split is False:
                split = self._split_cache[href] = _split_href(href)
            if split is not None:
                ups, path, frag, dots, form = split
                if ups == _ROOT:
                    return self._locate(path, frag, form)
                if ups == _SAME:
                    return self._locate(doc, frag, form)
                directory = doc[: doc.rfind("/") + 1]
                if ups:
                    directory = directory.rsplit("/", ups + 1)[0] + "/"
                if dots:
                    return self._locate(_remove_dot_segments(directory + path), frag, form)
                return self._locate(directory + path, frag, form)
        key = href if _SCHEME_RE.match(href) else base_url + "\0" + href
        hit = self._resolve_cache.get(key)
        if hit is None:
            hit = self._resolve_cache[key] = self._resolve(base_url, href)
        return hit

    def _resolve(self, base_url: str, href: str) -> Target:
        clean = href.strip(URL_WS)
        if any(c in clean for c in "\t\n\r"):
            clean = re.sub("[\t\n\r]", "", clean)
        m = _SCHEME_RE.match(clean)
        scheme = m.group(1).lower() if m else ""
        if scheme in _IGNORED_SCHEMES:
            return Target("ignore")
        if scheme in ("javascript", "mailto", "tel", "file"):
            return Target(scheme, url=clean)
        if scheme and scheme not in ("http", "https"):
            return Target("external", url=clean)
        if scheme or clean.startswith(("//", "\\\\")):
            form = "absolute"
        elif clean.startswith(("/", "\\")):
            form = "root"
        else:
            form = "relative"
        if "\\" in clean:
            # Browsers read backslashes in http(s) URLs as slashes.
            head, sep, frag = clean.partition("#")
            clean = head.replace("\\", "/") + sep + frag
        absolute = urljoin(base_url, clean)
        parts = urlsplit(absolute)
        path = _remove_dot_segments(parts.path or "/")
        if parts.netloc != _SENTINEL_NETLOC and (
            host_key(parts.scheme, parts.netloc) not in self.config.own_hosts
            # Our host but outside our base path: another site that shares the host.
            or not (unquote(path) + "/").startswith(self.config.base_path)
        ):
            url = clean if scheme else absolute
            if clean.startswith("//"):
                url = "https:" + clean  # protocol-relative: the site is served over https
            return Target("external", url=url, form=form)
        fragment = parts.fragment if "#" in absolute else None
        return self._locate(path, fragment, form)

    def _locate(self, url_path: str, fragment: str | None, form: str) -> Target:
        """Look up an absolute, dot-free URL path (still percent-encoded) on the host."""
        key = (form, url_path)
        t = self._located.get(key)
        if t is None:
            t = self._located[key] = self._lookup_url_path(url_path, form)
        if fragment is None:
            return t
        return Target(t.status, t.path, t.query, fragment, None, form)

    def _lookup_url_path(self, url_path: str, form: str) -> Target:
        path = unquote(url_path) if "%" in url_path else url_path
        base = self.config.base_path
        if base != "/":
            if path + "/" == base:
                path = base
            if not path.startswith(base):
                return Target("outside", query=path.lstrip("/"), form=form)
        site_path = path[len(base) :]
        status, actual = self.lookup(site_path)
        if status == "ok":
            return Target("ok", actual, None, None, None, form)
        if status == "wrong-case":
            return Target("wrong-case", actual, site_path, None, None, form)
        return Target("missing", None, site_path, None, None, form)


def is_page_path(site_path: str) -> bool:
    last = site_path.rsplit("/", 1)[-1]
    return last == "" or last.lower().endswith(HTML_SUFFIXES) or "." not in last


def fragment_ok(fragment: str, ids: frozenset[str]) -> bool:
    # HTML "find a potential indicated element": as written, then percent-decoded;
    # "" and "top" scroll to the top of the document without any element.
    if fragment in ids:
        return True
    decoded = unquote(fragment) if "%" in fragment else fragment
    return decoded in ids or decoded == "" or decoded.lower() == "top"
