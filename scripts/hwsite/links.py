"""Core of the built-site link checker: parse every page once, then resolve every reference
a reader's browser would follow or load the way a static host serves the site.

Pure except scan_site() (reads the built site) and read_site_url() (reads mkdocs.yml).
The CLI is scripts/check_links.py; fetching external URLs lives in external_links.py.
"""

from __future__ import annotations

import difflib
import html
import os
import posixpath
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import yaml
from selectolax.lexbor import LexborHTMLParser

from hwsite.external_links import validate_mailto, validate_tel

ERROR = "error"
WARNING = "warning"

# kind -> severity. Warnings only fail a run with --strict.
KINDS = {
    "missing-page": ERROR,
    "missing-anchor": ERROR,
    "missing-asset": ERROR,
    "wrong-case": ERROR,
    "outside-site": ERROR,
    "file-url": ERROR,
    "bad-mailto": ERROR,
    "bad-tel": ERROR,
    "switcher-mismatch": ERROR,
    "cross-language": WARNING,
    "unsafe-url": WARNING,
    "external-broken": ERROR,
    "external-unreachable": WARNING,
}

DEFAULT_LANG_PREFIXES = ("zh",)
HTML_SUFFIXES = (".html", ".htm")

# Any origin works as long as no real link can share it; .invalid is reserved (RFC 2606).
_SENTINEL_NETLOC = "site.invalid"
_SENTINEL_ORIGIN = "http://" + _SENTINEL_NETLOC

# One selector list so lexbor walks the tree once; it yields a node once per matching
# selector, hence the de-duplication in parse_page().
_SELECTOR = (
    "[id],a[name],[href],[src],[srcset],[poster],object[data],[xlink\\:href],"
    "meta[http-equiv],meta[name=hw-source],base"
)
# rel values that name an origin to warm up, not a resource the browser loads.
_HINT_RELS = {"preconnect", "dns-prefetch"}
_IGNORED_SCHEMES = {"data", "blob", "about"}
_URL_WS = "\t\n\x0c\r "


class BadInput(Exception):
    """The site or its configuration cannot be checked; the message names the file."""


@dataclass(frozen=True)
class Finding:
    page: str
    line: int
    kind: str
    href: str
    hint: str | None = None
    source: str | None = None
    severity: str = ERROR

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "page": self.page,
            "href": self.href,
            "line": self.line,
            "hint": self.hint,
            "source": self.source,
            "severity": self.severity,
        }


# Roles of a reference; they decide which language rules apply.
NAV = "nav"  # followed or loaded: the ordinary case
SWITCH = "switch"  # Material's language selector entry (a.md-select__link[hreflang])
ALT = "alt"  # <link rel=alternate hreflang=..>
XLANG = "xlang"  # any other a[hreflang]: the author marked the crossing as intended


@dataclass(frozen=True)
class Ref:
    href: str
    line: int
    role: str = NAV
    hreflang: str | None = None


@dataclass
class PageData:
    """What the checker keeps of one HTML file: no DOM, only ids and references."""

    path: str
    ids: frozenset[str]
    refs: list[Ref]
    source: str | None = None
    base_href: str | None = None
    refresh: str | None = None  # meta-refresh target as written, for following redirects


@dataclass(frozen=True)
class SiteConfig:
    base_path: str = "/"  # where the site is served, "/" or "/sub/"
    own_hosts: frozenset[str] = frozenset()  # netlocs that are this site (from site_url)
    origin: str | None = None  # scheme://host of site_url, for hints of absolute links
    lang_prefixes: tuple[str, ...] = DEFAULT_LANG_PREFIXES


@dataclass(frozen=True)
class ExternalRef:
    href: str  # as written
    url: str  # cleaned, what would be fetched (fragment kept)
    page: str
    line: int
    source: str | None


@dataclass
class Report:
    pages: int
    links: int
    findings: list[Finding] = field(default_factory=list)
    external: list[ExternalRef] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# configuration


class _TolerantLoader(yaml.SafeLoader):
    """SafeLoader that maps tags it does not know (!!python/name:..., !ENV) to None."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_site_url(config_path: Path) -> str | None:
    """site_url from an mkdocs.yml, or None when it has none."""
    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{config_path}: cannot read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_TolerantLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{config_path}:{mark.line + 1}" if mark is not None else str(config_path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise BadInput(f"{where}: malformed YAML: {problem}") from exc
    if not isinstance(data, dict):
        return None
    value = data.get("site_url")
    return value if isinstance(value, str) and value.strip() else None


def normalize_base_path(path: str) -> str:
    path = "/" + path.strip().strip("/")
    return path if path == "/" else path + "/"


def make_config(
    site_url: str | None = None,
    base_path: str | None = None,
    lang_prefixes: Iterable[str] = DEFAULT_LANG_PREFIXES,
) -> SiteConfig:
    own_hosts: frozenset[str] = frozenset()
    origin = None
    path_from_url = "/"
    if site_url:
        parts = urlsplit(site_url.strip())
        if parts.netloc:
            own_hosts = frozenset({_host_key(parts.scheme, parts.netloc)})
            origin = f"{parts.scheme or 'https'}://{parts.netloc}"
        path_from_url = parts.path or "/"
    return SiteConfig(
        base_path=normalize_base_path(base_path if base_path is not None else path_from_url),
        own_hosts=own_hosts,
        origin=origin,
        lang_prefixes=tuple(p.strip("/") for p in lang_prefixes if p.strip("/")),
    )


def _host_key(scheme: str, netloc: str) -> str:
    """Host and non-default port, lower-cased, without credentials."""
    host = netloc.rpartition("@")[2].lower()
    default_port = {"http": ":80", "https": ":443"}.get(scheme.lower())
    if default_port and host.endswith(default_port):
        host = host[: -len(default_port)]
    return host


# ---------------------------------------------------------------------------------------
# parsing one page


class _Locator:
    """Line numbers of attribute values, found by scanning the raw text forward.

    One cursor per attribute name: nodes come in document order, so each attribute's
    occurrences do too, and the same href written twice gets two different lines.
    """

    _patterns: dict[str, re.Pattern] = {}

    def __init__(self, text: str):
        self.text = text
        self.newlines: list[int] | None = None
        self.cursor: dict[str, int] = {}

    @classmethod
    def _pattern(cls, attr: str) -> re.Pattern:
        pat = cls._patterns.get(attr)
        if pat is None:
            pat = re.compile(
                r"(?<=[\s\"'/])" + re.escape(attr)
                + r"\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))",
                re.IGNORECASE,
            )
            cls._patterns[attr] = pat
        return pat

    def line_of(self, offset: int) -> int:
        if self.newlines is None:
            self.newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect_right(self.newlines, offset - 1) + 1

    def find(self, attr: str, value: str) -> tuple[int, str]:
        """(offset where the value starts, raw value) of the next occurrence of attr=value."""
        pat = self._pattern(attr)
        start = self.cursor.get(attr, 0)
        first = None
        for m in pat.finditer(self.text, start):
            idx = 1 if m.group(1) is not None else 2 if m.group(2) is not None else 3
            raw = m.group(idx)
            if raw == value or ("&" in raw and html.unescape(raw) == value):
                self.cursor[attr] = m.end()
                return m.start(idx), raw
            if first is None:
                first = (m, idx)
        if first is not None:
            # Entity edge cases html.unescape decodes differently from an attribute
            # value: fall back to the next occurrence, which is right in document order.
            m, idx = first
            self.cursor[attr] = m.end()
            return m.start(idx), m.group(idx)
        return start, value


def _mask_comments(text: str) -> str:
    if "<!--" not in text:
        return text
    return re.sub(
        r"<!--.*?(?:-->|\Z)", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S
    )


def parse_srcset(value: str) -> list[tuple[str, int]]:
    """Candidate URLs of a srcset with their offsets, following the HTML parsing rules."""
    out = []
    pos, n = 0, len(value)
    while True:
        while pos < n and (value[pos] in _URL_WS or value[pos] == ","):
            pos += 1
        if pos >= n:
            return out
        start = pos
        while pos < n and value[pos] not in _URL_WS:
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while pos < n:
                ch = value[pos]
                if ch == "(":
                    depth += 1
                elif ch == ")" and depth:
                    depth -= 1
                elif ch == "," and not depth:
                    break
                pos += 1
        if url:
            out.append((url, start))


def parse_refresh(content: str) -> tuple[str, int] | None:
    """(URL, offset) of a <meta http-equiv=refresh> content, per the HTML refresh steps.

    None when the content is malformed or reloads the same page without a URL.
    """
    pos, n = 0, len(content)

    def skip_ws() -> None:
        nonlocal pos
        while pos < n and content[pos] in _URL_WS:
            pos += 1

    skip_ws()
    start = pos
    while pos < n and content[pos].isdigit():
        pos += 1
    if pos == start and not (pos < n and content[pos] == "."):
        return None
    while pos < n and (content[pos].isdigit() or content[pos] == "."):
        pos += 1
    skip_ws()
    if pos < n and content[pos] in ";,":
        pos += 1
    skip_ws()
    if pos >= n:
        return None
    if content[pos : pos + 3].lower() == "url":
        save = pos
        pos += 3
        skip_ws()
        if pos < n and content[pos] == "=":
            pos += 1
            skip_ws()
        else:
            pos = save
    quote_char = None
    if pos < n and content[pos] in "'\"":
        quote_char = content[pos]
        pos += 1
    url = content[pos:]
    if quote_char and quote_char in url:
        url = url[: url.index(quote_char)]
    url = url.strip(_URL_WS)
    return (url, pos) if url else None


def _has_ancestor_class(node, cls: str) -> bool:
    node = node.parent
    while node is not None:
        classes = node.attributes.get("class") if node.tag not in ("-document", None) else None
        if classes and cls in classes.split():
            return True
        node = node.parent
    return False


def parse_page(path: str, text: str) -> PageData:
    """Collect ids and references of one page in one parse. path is relative to SITE_DIR."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        # The HTML parser normalises newlines before anything else; do the same so the
        # raw text and the parsed attribute values agree.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    tree = LexborHTMLParser(text)
    loc = _Locator(_mask_comments(text))
    ids: set[str] = set()
    refs: list[Ref] = []
    source = base_href = refresh = None
    seen: set[int] = set()

    def add(attr: str, value: str | None, role: str = NAV, hreflang: str | None = None,
            keep: bool = True) -> None:
        if value is None:
            return
        offset, _ = loc.find(attr, value)
        if keep:
            refs.append(Ref(value, loc.line_of(offset), role, hreflang))

    for node in tree.css(_SELECTOR):
        mem = node.mem_id
        if mem in seen:
            continue
        seen.add(mem)
        tag = node.tag
        attrs = node.attributes
        node_id = attrs.get("id")
        if node_id is not None:
            ids.add(node_id)
        if tag == "a" and attrs.get("name") is not None:
            ids.add(attrs["name"])
        if tag == "meta":
            name = (attrs.get("name") or "").lower()
            if name == "hw-source":
                source = attrs.get("content") or None
            elif (attrs.get("http-equiv") or "").lower() == "refresh":
                content = attrs.get("content")
                if content is not None:
                    offset, _ = loc.find("content", content)
                    parsed = parse_refresh(content)
                    if parsed is not None:
                        url, rel_off = parsed
                        line = loc.line_of(offset) + content.count("\n", 0, rel_off)
                        refs.append(Ref(url, line))
                        refresh = url
            continue
        if tag == "base":
            if "href" in attrs:
                loc.find("href", attrs["href"] or "")
                if base_href is None:
                    base_href = attrs["href"] or ""
            continue
        href = attrs.get("href")
        if href is not None:
            if tag == "link":
                rels = set((attrs.get("rel") or "").lower().split())
                hreflang = attrs.get("hreflang")
                if rels & _HINT_RELS:
                    add("href", href, keep=False)
                elif "alternate" in rels and hreflang:
                    add("href", href, ALT, hreflang)
                else:
                    add("href", href)
            elif tag == "a" and attrs.get("hreflang"):
                classes = (attrs.get("class") or "").split()
                if "md-select__link" in classes and _has_ancestor_class(node, "md-select"):
                    add("href", href, SWITCH, attrs["hreflang"])
                else:
                    add("href", href, XLANG, attrs["hreflang"])
            else:
                add("href", href)
        xhref = attrs.get("xlink:href")
        if xhref is not None:
            add("xlink:href", xhref)
        if tag == "input" and (attrs.get("type") or "").lower() != "image":
            if attrs.get("src") is not None:
                add("src", attrs["src"], keep=False)
        else:
            add("src", attrs.get("src"))
        srcset = attrs.get("srcset")
        if srcset is not None:
            offset, _ = loc.find("srcset", srcset)
            base_line = loc.line_of(offset)
            for url, rel_off in parse_srcset(srcset):
                refs.append(Ref(url, base_line + srcset.count("\n", 0, rel_off)))
        add("poster", attrs.get("poster"))
        if tag == "object":
            add("data", attrs.get("data"))
    return PageData(path, frozenset(ids), refs, source, base_href, refresh)


def read_page(site_dir: str, path: str) -> PageData:
    """parse_page() of SITE_DIR/path; undecodable files are bad input."""
    full = os.path.join(site_dir, path)
    try:
        with open(full, "rb") as fh:
            raw = fh.read()
        text = raw.decode("utf-8")
    except OSError as exc:
        raise BadInput(f"{full}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadInput(f"{full}:{line}: not valid UTF-8 ({exc.reason})") from exc
    return parse_page(path, text)


# ---------------------------------------------------------------------------------------
# CSS


_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_URL = re.compile(
    r"""\burl\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|((?:[^)\s"'\\]|\\.)*))\s*\)"""
    r"""|@import\s+(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')""",
    re.IGNORECASE | re.S,
)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(\n)|(.))", re.S)


def _css_unescape(value: str) -> str:
    if "\\" not in value:
        return value

    def repl(m: re.Match) -> str:
        if m.group(1):
            cp = int(m.group(1), 16)
            return chr(cp) if 0 < cp <= 0x10FFFF else "\ufffd"
        return "" if m.group(2) else m.group(3)

    return _CSS_ESCAPE.sub(repl, value)


def parse_css(text: str) -> list[Ref]:
    """url() and @import references of a stylesheet, with their lines."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _CSS_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    refs = []
    line, last = 1, 0
    for m in _CSS_URL.finditer(text):
        idx = next(i for i in range(1, 6) if m.group(i) is not None)
        line += text.count("\n", last, m.start(idx))
        last = m.start(idx)
        refs.append(Ref(_css_unescape(m.group(idx)).strip(_URL_WS), line))
    return refs


# ---------------------------------------------------------------------------------------
# the site


@dataclass
class _Target:
    """Outcome of resolving one reference."""

    status: str  # ok | missing | wrong-case | outside | external | mailto | tel | ignore | ...
    path: str | None = None  # site path of the file (ok, wrong-case)
    query: str | None = None  # site path that was looked up (missing)
    fragment: str | None = None
    url: str | None = None  # absolute URL (external)
    form: str = "relative"  # how the href was written: relative | root | absolute


def _remove_dot_segments(path: str) -> str:
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


class Site:
    """The built site's files, parsed pages and the rules to resolve references."""

    def __init__(self, files: Iterable[str], pages: dict[str, PageData], config: SiteConfig):
        self.files = set(files)
        self.pages = pages
        self.config = config
        self.dirs: set[str] = set()
        for f in self.files:
            d = posixpath.dirname(f)
            while d and d not in self.dirs:
                self.dirs.add(d)
                d = posixpath.dirname(d)
        self._lower: dict[str, str] | None = None
        self._page_candidates: list[str] | None = None
        self._asset_candidates: list[str] | None = None
        self._resolve_cache: dict[tuple[str, str], _Target] = {}
        self._hint_cache: dict[tuple[bool, str], str | None] = {}

    # -- languages

    def lang_of(self, path: str) -> str:
        for prefix in self.config.lang_prefixes:
            if path.startswith(prefix + "/"):
                return prefix
        return ""

    def in_lang(self, path: str, lang: str) -> str:
        current = self.lang_of(path)
        rest = path[len(current) + 1 :] if current else path
        return f"{lang}/{rest}" if lang else rest

    def lang_for_hreflang(self, hreflang: str) -> str | None:
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

    # -- files

    def lookup(self, site_path: str) -> tuple[str, str | None]:
        """('ok'|'wrong-case'|'missing', actual file) the way a case-sensitive host serves it."""
        if site_path == "" or site_path.endswith("/"):
            candidates = [site_path + "index.html"]
        else:
            candidates = [site_path]
            if site_path in self.dirs:
                # A static host redirects /dir to /dir/ and serves its index.html.
                candidates.append(site_path + "/index.html")
        for cand in candidates:
            if cand in self.files:
                return "ok", cand
        if self._lower is None:
            self._lower = {}
            for f in sorted(self.files):
                self._lower.setdefault(f.lower(), f)
                if f.endswith("/index.html"):
                    self._lower.setdefault(f[: -len("/index.html")].lower(), f)
        for cand in candidates:
            actual = self._lower.get(cand.lower())
            if actual is not None:
                return "wrong-case", actual
        return "missing", None

    def base_url(self, page: PageData) -> str:
        url = _SENTINEL_ORIGIN + quote(self.config.base_path + page.path, safe="/")
        if page.base_href is not None:
            url = urljoin(url, page.base_href.strip(_URL_WS))
        return url

    def resolve(self, base_url: str, href: str) -> _Target:
        key = (base_url, href)
        hit = self._resolve_cache.get(key)
        if hit is None:
            hit = self._resolve_cache[key] = self._resolve(base_url, href)
        return hit

    def _resolve(self, base_url: str, href: str) -> _Target:
        clean = href.strip(_URL_WS)
        if any(c in clean for c in "\t\n\r"):
            clean = re.sub("[\t\n\r]", "", clean)
        m = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", clean)
        scheme = m.group(1).lower() if m else ""
        if scheme in _IGNORED_SCHEMES:
            return _Target("ignore")
        if scheme == "javascript":
            return _Target("javascript")
        if scheme == "mailto":
            return _Target("mailto", url=clean)
        if scheme == "tel":
            return _Target("tel", url=clean)
        if scheme == "file":
            return _Target("file")
        if scheme and scheme not in ("http", "https"):
            return _Target("external", url=clean)
        if scheme:
            form = "absolute"
        elif clean.startswith(("//", "\\\\")):
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
        host = _host_key(parts.scheme, parts.netloc)
        if parts.netloc != _SENTINEL_NETLOC and host not in self.config.own_hosts:
            url = clean if scheme else absolute
            if clean.startswith("//"):
                url = "https:" + clean  # the site is served over https
            return _Target("external", url=url, form=form)
        fragment = parts.fragment if "#" in absolute else None
        path = unquote(_remove_dot_segments(parts.path or "/"))
        base = self.config.base_path
        if path + "/" == base:
            path = base
        if not path.startswith(base):
            return _Target("outside", query=path.lstrip("/"), fragment=fragment, form=form)
        site_path = path[len(base) :]
        status, actual = self.lookup(site_path)
        if status == "ok":
            return _Target("ok", path=actual, fragment=fragment, form=form)
        if status == "wrong-case":
            return _Target("wrong-case", path=actual, query=site_path, fragment=fragment, form=form)
        return _Target("missing", query=site_path, fragment=fragment, form=form)

    # -- hints

    def suggest(self, page: PageData, target: str, form: str, href: str,
                fragment: str | None = None) -> str:
        """An href to target written like href (relative, root-absolute or absolute)."""
        keep_index = "index.html" in href.partition("#")[0].partition("?")[0]
        if target.endswith("index.html") and not keep_index:
            shown = target[: -len("index.html")]
        else:
            shown = target
        if form == "relative":
            start = posixpath.dirname(page.path) or "."
            if shown == "" or shown.endswith("/"):
                rel = posixpath.relpath(shown.rstrip("/") or ".", start)
                out = "./" if rel == "." else rel + "/"
            else:
                out = posixpath.relpath(shown, start)
        else:
            out = self.config.base_path + shown
            if form == "absolute":
                out = (self.config.origin or "") + out
        if fragment:
            out += "#" + fragment
        if re.search("%[0-9A-Fa-f]{2}", href):
            out = quote(out, safe="/:#@!$&'()*+,;=-._~?")
        return out

    def closest_file(self, query: str, page_like: bool) -> str | None:
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
            if q and not q.endswith("/") and not q.endswith(HTML_SUFFIXES):
                q += "/"
        else:
            if self._asset_candidates is None:
                self._asset_candidates = sorted(f for f in self.files if f not in self.pages)
            cands, q = self._asset_candidates, query
        match = difflib.get_close_matches(q, cands, n=1, cutoff=0.6)
        result = None
        if match:
            best = match[0]
            result = best + "index.html" if (best == "" or best.endswith("/")) else best
        self._hint_cache[key] = result
        return result


def _is_page_path(site_path: str) -> bool:
    last = site_path.rsplit("/", 1)[-1]
    return last == "" or last.lower().endswith(HTML_SUFFIXES) or "." not in last


def _is_404(path: str, site: Site) -> bool:
    lang = site.lang_of(path)
    return path == (f"{lang}/404.html" if lang else "404.html")


def _fragment_ok(fragment: str, ids: frozenset[str]) -> bool:
    # HTML "find a potential indicated element": as written, then percent-decoded;
    # "" and "top" scroll to the top of the document without any element.
    if fragment in ids:
        return True
    decoded = unquote(fragment)
    return decoded in ids or decoded == "" or decoded.lower() == "top"


def _closest_id(fragment: str, ids: frozenset[str]) -> str | None:
    decoded = unquote(fragment)
    folded = [i for i in ids if i.lower() == decoded.lower()]
    if folded:
        return sorted(folded)[0]
    match = difflib.get_close_matches(decoded, sorted(ids), n=1, cutoff=0.6)
    return match[0] if match else None


class _Checker:
    def __init__(self, site: Site):
        self.site = site
        self.findings: list[Finding] = []
        self.external: list[ExternalRef] = []
        self.stylesheets: set[str] = set()
        self.links = 0

    def emit(self, kind: str, page: PageData, ref: Ref, hint: str | None) -> None:
        self.findings.append(
            Finding(page.path, ref.line, kind, ref.href, hint, page.source, KINDS[kind])
        )

    def target_ids(self, path: str) -> frozenset[str] | None:
        """ids of an HTML target, looking through one meta-refresh redirect."""
        data = self.site.pages.get(path)
        if data is None:
            return None
        if data.refresh is not None:
            t = self.site.resolve(self.site.base_url(data), data.refresh)
            if t.status == "ok" and t.path in self.site.pages:
                return self.site.pages[t.path].ids
        return data.ids

    def check_ref(self, page: PageData, ref: Ref, base_url: str) -> None:
        site = self.site
        self.links += 1
        t = site.resolve(base_url, ref.href)
        status = t.status
        if status == "ignore":
            return
        if status == "javascript":
            self.emit("unsafe-url", page, ref, "javascript: URLs do nothing without scripts")
            return
        if status == "file":
            self.emit("file-url", page, ref, "file: URLs point at the author's own disk")
            return
        if status in ("mailto", "tel", "external"):
            if status == "mailto":
                problem = validate_mailto(t.url)
                if problem:
                    self.emit("bad-mailto", page, ref, problem)
            elif status == "tel":
                problem = validate_tel(t.url)
                if problem:
                    self.emit("bad-tel", page, ref, problem)
            self.external.append(ExternalRef(ref.href, t.url, page.path, ref.line, page.source))
            return
        if status == "outside":
            inside = site.lookup(t.query)
            hint = None
            if inside[0] == "ok":
                hint = f"did you mean {site.suggest(page, inside[1], 'root', ref.href, t.fragment)}?"
            else:
                hint = f"not under the site's base path {site.config.base_path}"
            self.emit("outside-site", page, ref, hint)
            return
        if status == "wrong-case":
            self.emit("wrong-case", page, ref,
                      f"did you mean {site.suggest(page, t.path, t.form, ref.href, t.fragment)}?")
            return
        if status == "missing":
            page_like = _is_page_path(t.query)
            best = site.closest_file(t.query, page_like)
            hint = None
            if best is not None:
                frag = t.fragment
                if frag and not (best in site.pages and _fragment_ok(frag, site.pages[best].ids)):
                    frag = None
                hint = f"did you mean {site.suggest(page, best, t.form, ref.href, frag)}?"
            self.emit("missing-page" if page_like else "missing-asset", page, ref, hint)
            return
        # ok
        target = t.path
        if target.endswith(".css"):
            self.stylesheets.add(target)
        if target not in site.pages:
            return
        if t.fragment:
            ids = self.target_ids(target)
            if not _fragment_ok(t.fragment, ids):
                best = _closest_id(t.fragment, ids)
                hint = None
                if best is not None:
                    head = ref.href.strip(_URL_WS).partition("#")[0]
                    hint = f"did you mean {head}#{best}?"
                self.emit("missing-anchor", page, ref, hint)
                return
        if _is_404(page.path, site):
            return
        self.check_language(page, ref, target, t)

    def check_language(self, page: PageData, ref: Ref, target: str, t: _Target) -> None:
        site = self.site
        page_lang = site.lang_of(page.path)
        if ref.role in (SWITCH, ALT):
            lang = site.lang_for_hreflang(ref.hreflang or "")
            if lang is None:
                return
            expected = site.in_lang(page.path, lang)
            if expected in site.files and target != expected:
                hint = f"did you mean {site.suggest(page, expected, t.form, ref.href)}?"
                self.emit("switcher-mismatch", page, ref, hint)
            return
        if ref.role == XLANG:
            return
        target_lang = site.lang_of(target)
        if target_lang == page_lang:
            return
        counterpart = site.in_lang(target, page_lang)
        if counterpart in site.pages:
            frag = t.fragment
            if frag and not _fragment_ok(frag, site.pages[counterpart].ids):
                frag = None
            hint = f"did you mean {site.suggest(page, counterpart, t.form, ref.href, frag)}?"
            self.emit("cross-language", page, ref, hint)

    def check_stylesheet(self, path: str, text: str) -> None:
        css_page = PageData(path, frozenset(), [], None)
        base_url = self.site.base_url(css_page)
        for ref in parse_css(text):
            self.check_ref(css_page, ref, base_url)


def list_files(site_dir: str) -> list[str]:
    out = []
    for root, dirs, files in os.walk(site_dir):
        dirs.sort()
        rel = os.path.relpath(root, site_dir)
        rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        out.extend(rel + f for f in sorted(files))
    return out


def _parse_job(args: tuple[str, str]) -> PageData:
    return read_page(*args)


def scan_site(site_dir: str | os.PathLike, jobs: int = 1) -> tuple[list[str], dict[str, PageData]]:
    """All files of a built site and the parsed data of its HTML pages."""
    root = os.fspath(site_dir)
    if not os.path.isdir(root):
        raise BadInput(f"{root}: no such directory")
    if not os.path.isfile(os.path.join(root, "index.html")):
        raise BadInput(f"{root}: not a built site (no index.html at its root)")
    files = list_files(root)
    html_files = [f for f in files if f.lower().endswith(HTML_SUFFIXES)]
    if jobs > 1 and len(html_files) > 200:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            parsed = pool.map(_parse_job, [(root, f) for f in html_files], chunksize=64)
    else:
        parsed = [read_page(root, f) for f in html_files]
    return files, {p.path: p for p in parsed}


def check_site(site_dir: str | os.PathLike, config: SiteConfig | None = None,
               jobs: int = 1) -> Report:
    """Check every page of the built site in site_dir; external URLs are only collected."""
    config = config or SiteConfig()
    files, pages = scan_site(site_dir, jobs)
    site = Site(files, pages, config)
    checker = _Checker(site)
    for path in sorted(pages):
        page = pages[path]
        base_url = site.base_url(page)
        for ref in page.refs:
            checker.check_ref(page, ref, base_url)
    done: set[str] = set()
    while checker.stylesheets - done:
        path = sorted(checker.stylesheets - done)[0]
        done.add(path)
        full = os.path.join(os.fspath(site_dir), path)
        try:
            with open(full, "rb") as fh:
                raw = fh.read()
            text = raw.decode("utf-8")
        except OSError as exc:
            raise BadInput(f"{full}: cannot read: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            raise BadInput(f"{full}:{line}: not valid UTF-8 ({exc.reason})") from exc
        checker.check_stylesheet(path, text)
    return Report(len(pages), checker.links, sort_findings(checker.findings), checker.external)


def external_findings(refs: Iterable[ExternalRef], results: dict) -> list[Finding]:
    """Findings for external references whose URL check failed.

    results maps a URL without fragment to an object with ok, broken (permanent) and
    describe() as returned by external_links.check_urls().
    """
    out = []
    for ref in refs:
        res = results.get(strip_fragment(ref.url))
        if res is None or res.ok:
            continue
        kind = "external-broken" if res.broken else "external-unreachable"
        out.append(Finding(ref.page, ref.line, kind, ref.href, res.describe(), ref.source,
                           KINDS[kind]))
    return sort_findings(out)


def strip_fragment(url: str) -> str:
    return url.partition("#")[0]


def fetchable(ref: ExternalRef) -> bool:
    return urlsplit(ref.url).scheme.lower() in ("http", "https") or ref.url.startswith("//")


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.page, f.line, f.kind, f.href, f.hint or ""))
