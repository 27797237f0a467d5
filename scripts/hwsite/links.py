"""Core of the built-site link checker: parse every page once, then resolve every reference
a reader's browser would follow or load the way a static host serves the site.

Pure except check_site() (reads the built site) and read_site_url() (reads mkdocs.yml).
The CLI is scripts/check_links.py; fetching external URLs lives in external_links.py.
"""

from __future__ import annotations

import difflib
import functools
import html
import multiprocessing
import os
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
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

# One :is() selector so lexbor walks the tree once and yields each node once (a plain
# selector list yields a node once per selector it matches).
_SELECTOR = (
    ":is([id],a[name],[href],[src],[srcset],[poster],object[data],[xlink\\:href],"
    "meta[http-equiv],meta[name=hw-source],base)"
)
# rel values that name an origin to warm up, not a resource the browser loads.
_HINT_RELS = frozenset({"preconnect", "dns-prefetch"})
# Attributes whose values are located in the raw text for line numbers.
_LOCATED_ATTRS = ("href", "src", "srcset", "poster", "xlink:href", "data", "content")
_IGNORED_SCHEMES = frozenset({"data", "blob", "about"})
_URL_WS = "\t\n\x0c\r "
_ATTR_PRECEDERS = frozenset(" \t\n\x0c\r\"'/")
_SCHEME_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
# hrefs the fast resolver leaves to urljoin: a scheme, protocol-relative, whitespace to
# strip or remove, backslashes.
_SLOW_HREF = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*:|//|[\x00-\x20])|[\t\n\r\\]|[\x00-\x20]$")


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


class Ref(NamedTuple):
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


class ExternalRef(NamedTuple):
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
    """SafeLoader that maps tags it does not know (!!python/name:...) to None and reads
    !ENV the way MkDocs does."""

    environ: Mapping[str, str] = os.environ


def _env_tag(loader: _TolerantLoader, node: yaml.Node):
    # !ENV NAME or !ENV [NAME, OTHER, default]: the first variable set wins.
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    for name in names:
        if isinstance(name, str) and name in loader.environ:
            return loader.environ[name]
    return default


_TolerantLoader.add_constructor("!ENV", _env_tag)
_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_site_url(config_path: Path, environ: Mapping[str, str] | None = None) -> str | None:
    """site_url from an mkdocs.yml, or None when it has none."""
    loader = _TolerantLoader
    if environ is not None:
        loader = type("_Loader", (_TolerantLoader,), {"environ": environ})
    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInput(f"{config_path}: cannot read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=loader)
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


@functools.lru_cache(maxsize=None)
def _attr_pattern(attr: str) -> re.Pattern:
    """attr=value in any spelling HTML allows (case, spaces, quotes)."""
    return re.compile(
        r"(?<=[\s\"'/])" + re.escape(attr)
        + r"\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))",
        re.IGNORECASE,
    )


class _Locator:
    """Line numbers of attribute values, found by scanning the raw text forward.

    One cursor per attribute name: nodes come in document order, so each attribute's
    occurrences do too, and the same href written twice gets two different lines.
    Lines are counted incrementally between cursor positions, so a page costs one
    forward scan per attribute name.
    """

    def __init__(self, text: str):
        self.text = text
        self.cursor: dict[str, tuple[int, int]] = {}  # attr -> (offset, line at offset)

    def line(self, attr: str, value: str) -> int:
        """1-based line on which the value of the next attr=value starts."""
        pos, line = self.cursor.get(attr, (0, 1))
        found = self._find(attr, value, pos)
        if found is None:
            return line
        start, end = found
        text = self.text
        line += text.count("\n", pos, start)
        self.cursor[attr] = (end, line + text.count("\n", start, end))
        return line

    def _find(self, attr: str, value: str, pos: int) -> tuple[int, int] | None:
        """(start, end) of the raw value of the next attr=value at or after pos."""
        first = None
        for m in _attr_pattern(attr).finditer(self.text, pos):
            idx = 1 if m.group(1) is not None else 2 if m.group(2) is not None else 3
            raw = m.group(idx)
            if raw == value or ("&" in raw and html.unescape(raw) == value):
                return m.start(idx), m.end(idx)
            if first is None:
                first = m.start(idx), m.end(idx)
        # Entity edge cases html.unescape decodes unlike an attribute value: the next
        # occurrence of the attribute is the right one in document order.
        return first


_NON_MARKUP = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea|title|xmp)\b[^>]*>(.*?)(?:</\1\s*>|\Z)",
    re.S | re.I,
)
_NOT_NEWLINE = re.compile(r"[^\n]")


def _mask_non_markup(text: str) -> str:
    """Blank out comments and the text of raw-text elements (keeping length and newlines)
    so that an href= inside a script or a comment is not taken for an attribute."""

    def blank(m: re.Match) -> str:
        if m.group(1) is None:
            return _NOT_NEWLINE.sub(" ", m.group())
        start, end = m.span(2)
        whole = m.group()
        offset = m.start()
        return (whole[: start - offset] + _NOT_NEWLINE.sub(" ", m.group(2))
                + whole[end - offset :])

    return _NON_MARKUP.sub(blank, text)


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


@functools.lru_cache(maxsize=None)
def _quoted_attr_pattern(attr: str) -> re.Pattern:
    # A literal prefix lets the regex engine skip ahead at C speed.
    return re.compile(re.escape(attr) + r'="([^"]*)"')


def _fast_lines(text: str, attr: str, values: list[str]) -> list[int] | None:
    """Lines of the values when every occurrence is written attr="value" exactly as
    parsed, so that the raw occurrences and the parsed values are the same list."""
    starts, raws = [], []
    for m in _quoted_attr_pattern(attr).finditer(text):
        i = m.start()
        if i and text[i - 1] in _ATTR_PRECEDERS:
            starts.append(m.start(1))
            raws.append(m.group(1))
    if raws != values:
        # &amp; in a query string and the like: compare what the parser made of them.
        if len(raws) != len(values) or [
            html.unescape(r) if "&" in r else r for r in raws
        ] != values:
            return None
    lines, pos, line = [], 0, 1
    for start in starts:
        line += text.count("\n", pos, start)
        pos = start
        lines.append(line)
    return lines


def attribute_lines(text: str, attr: str, values: list[str], masked: str | None = None
                    ) -> list[int]:
    """Line of each value of attr, given every value of attr in document order.

    Fast path: _fast_lines() on the raw text. Otherwise (entities, other quoting, upper
    case, href= inside a script or a comment) the same on the text with comments and
    scripts blanked out, then the exact cursor scan of _Locator.
    """
    lines = _fast_lines(text, attr, values)
    if lines is None:
        masked = masked if masked is not None else _mask_non_markup(text)
        lines = _fast_lines(masked, attr, values)
        if lines is None:
            loc = _Locator(masked)
            lines = [loc.line(attr, v) for v in values]
    return lines


def parse_page(path: str, text: str) -> PageData:
    """Collect ids and references of one page in one parse. path is relative to SITE_DIR."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        # The HTML parser normalises newlines before anything else; do the same so the
        # raw text and the parsed attribute values agree.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    ids: set[str] = set()
    # Every value of each located attribute in document order (also those not checked,
    # so that occurrences line up with the raw text), and the references to report.
    occurrences: dict[str, list[str]] = {attr: [] for attr in _LOCATED_ATTRS}
    hrefs = occurrences["href"]
    items: list[tuple[str, int, str, str, str | None, str]] = []
    add_item = items.append
    source = base_href = refresh = None

    def note(attr: str, value: str) -> int:
        values = occurrences[attr]
        values.append(value)
        return len(values) - 1

    def ref(attr: str, value: str, role: str = NAV, hreflang: str | None = None) -> None:
        items.append((attr, note(attr, value), value, role, hreflang, ""))

    for node in LexborHTMLParser(text).css(_SELECTOR):
        attrs = node.attributes
        tag = node.tag
        if "id" in attrs:
            ids.add(attrs["id"] or "")
        href = attrs.get("href")
        if tag == "a":
            if "name" in attrs:
                ids.add(attrs["name"] or "")
            if href is not None:
                hreflang = attrs.get("hreflang")
                role = NAV
                if hreflang:
                    classes = (attrs.get("class") or "").split()
                    role = SWITCH if "md-select__link" in classes and \
                        _has_ancestor_class(node, "md-select") else XLANG
                hrefs.append(href)  # inlined ref(): most references are <a href>
                add_item(("href", len(hrefs) - 1, href, role, hreflang, ""))
            if "xlink:href" not in attrs:
                continue
            href = None
        elif tag == "link" and href is not None:
            rels = (attrs.get("rel") or "").lower().split()
            if _HINT_RELS.intersection(rels):
                note("href", href)
            else:
                hreflang = attrs.get("hreflang")
                if hreflang and "alternate" in rels:
                    ref("href", href, ALT, hreflang)
                else:
                    ref("href", href)
            href = None
        elif tag == "meta":
            if (attrs.get("name") or "").lower() == "hw-source":
                source = attrs.get("content") or None
            elif (attrs.get("http-equiv") or "").lower() == "refresh" and "content" in attrs:
                content = attrs["content"] or ""
                index = note("content", content)
                parsed = parse_refresh(content)
                if parsed is not None:
                    url, offset = parsed
                    items.append(("content", index, url, NAV, None, content[:offset]))
                    refresh = url
            continue
        elif tag == "base":
            if href is not None:
                note("href", href)
                if base_href is None:  # only the first <base href> counts
                    base_href = href
            continue
        if href is not None:  # area, and SVG elements such as <use> and <image>
            ref("href", href)
        src = attrs.get("src")
        if src is not None:
            if tag != "input" or (attrs.get("type") or "").lower() == "image":
                ref("src", src)
            else:
                note("src", src)
        srcset = attrs.get("srcset")
        if srcset is not None:
            index = note("srcset", srcset)
            for url, offset in parse_srcset(srcset):
                items.append(("srcset", index, url, NAV, None, srcset[:offset]))
        for attr in ("poster", "xlink:href"):
            value = attrs.get(attr)
            if value is not None:
                ref(attr, value)
        if tag == "object" and attrs.get("data") is not None:
            ref("data", attrs["data"])

    lines: dict[str, list[int]] = {}
    masked = None
    for attr, values in occurrences.items():
        if values:
            found = _fast_lines(text, attr, values)
            if found is None:
                # Blanking comments and scripts costs more than a parse: only on demand.
                masked = masked if masked is not None else _mask_non_markup(text)
                found = attribute_lines(masked, attr, values, masked)
            lines[attr] = found
    refs = [
        Ref(url, lines[attr][index] + before.count("\n"), role, hreflang)
        for attr, index, url, role, hreflang, before in items
    ]
    return PageData(path, frozenset(ids), refs, source, base_href, refresh)


# ---------------------------------------------------------------------------------------
# CSS


_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_URL = re.compile(
    r"""\burl\(\s*(?:"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'"""
    r"""|((?:[^)\s"'\\]|\\[0-9a-fA-F]{1,6}\s?|\\.)*))\s*\)"""
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


class _Target(NamedTuple):
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


def _join_relative(doc_path: str, rel: str) -> str:
    """Absolute path of the relative path rel in the document at doc_path."""
    if not rel:
        return doc_path
    directory = doc_path[: doc_path.rfind("/") + 1]
    if rel[0] == ".":
        m = _LEADING_UPS.match(rel)
        if m:
            lead = m.group()
            ups = lead.count("../")
            rel = rel[m.end() :]
            if ups:
                directory = directory.rsplit("/", ups + 1)[0] + "/"
    if rel.startswith(".") or "/." in rel:
        return _remove_dot_segments(directory + rel)
    return directory + rel


class _PageCtx(NamedTuple):
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
        self._page_candidates: list[str] | None = None
        self._asset_candidates: dict[str, list[str]] | None = None
        self._resolve_cache: dict[str, _Target] = {}
        self._hint_cache: dict[tuple[bool, str], str | None] = {}

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
                 base_href: str | None = None) -> _PageCtx:
        url = _SENTINEL_ORIGIN + quote(self.config.base_path + path, safe="/")
        if base_href is not None:
            url = urljoin(url, base_href.strip(_URL_WS))
        lang = self.lang_of(path)
        is_404 = path == (f"{lang}/404.html" if lang else "404.html")
        doc = None
        if url.startswith(_SENTINEL_ORIGIN + "/"):
            doc = url[len(_SENTINEL_ORIGIN) :].partition("#")[0].partition("?")[0]
        return _PageCtx(path, source, lang, is_404 or path not in self.pages, url,
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

    def resolve(self, base_url: str, href: str, doc: str | None = None) -> _Target:
        """Where href, written in a document whose URL is base_url, leads.

        doc: the path of base_url, when the caller has it at hand."""
        if doc is None and base_url.startswith(_SENTINEL_ORIGIN + "/"):
            doc = base_url[len(_SENTINEL_ORIGIN) :].partition("#")[0].partition("?")[0]
        if doc is not None and href and not _SLOW_HREF.search(href):
            # Fast path for the relative and root-absolute links that make up nearly
            # every reference: the same result as urljoin at a fraction of its cost.
            rest, hashmark, fragment = href.partition("#")
            path = rest.partition("?")[0] if "?" in rest else rest
            frag = fragment if hashmark else None
            if path.startswith("/"):
                return self._locate(_remove_dot_segments(path), frag, "root")
            return self._locate(_join_relative(doc, path), frag, "relative")
        key = href if _SCHEME_RE.match(href) else base_url + "\0" + href
        hit = self._resolve_cache.get(key)
        if hit is None:
            hit = self._resolve_cache[key] = self._resolve(base_url, href)
        return hit

    def _resolve(self, base_url: str, href: str) -> _Target:
        clean = href.strip(_URL_WS)
        if any(c in clean for c in "\t\n\r"):
            clean = re.sub("[\t\n\r]", "", clean)
        m = _SCHEME_RE.match(clean)
        scheme = m.group(1).lower() if m else ""
        if scheme in _IGNORED_SCHEMES:
            return _Target("ignore")
        if scheme in ("javascript", "mailto", "tel", "file"):
            return _Target(scheme, url=clean)
        if scheme and scheme not in ("http", "https"):
            return _Target("external", url=clean)
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
            _host_key(parts.scheme, parts.netloc) not in self.config.own_hosts
            # Our host but outside our base path: another site that shares the host.
            or not (unquote(path) + "/").startswith(self.config.base_path)
        ):
            url = clean if scheme else absolute
            if clean.startswith("//"):
                url = "https:" + clean  # protocol-relative: the site is served over https
            return _Target("external", url=url, form=form)
        fragment = parts.fragment if "#" in absolute else None
        return self._locate(path, fragment, form)

    def _locate(self, url_path: str, fragment: str | None, form: str) -> _Target:
        """Look up an absolute, dot-free URL path (still percent-encoded) on the host."""
        path = unquote(url_path) if "%" in url_path else url_path
        base = self.config.base_path
        if base != "/":
            if path + "/" == base:
                path = base
            if not path.startswith(base):
                return _Target("outside", query=path.lstrip("/"), fragment=fragment, form=form)
        site_path = path[len(base) :]
        if site_path[-1:] in ("/", ""):
            if site_path + "index.html" in self.files:  # the common case, inlined
                return _Target("ok", site_path + "index.html", None, fragment, None, form)
        elif site_path in self.files:
            return _Target("ok", site_path, None, fragment, None, form)
        status, actual = self.lookup(site_path)
        if status == "ok":
            return _Target("ok", actual, None, fragment, None, form)
        if status == "wrong-case":
            return _Target("wrong-case", actual, site_path, fragment, None, form)
        return _Target("missing", None, site_path, fragment, None, form)

    # -- hints

    def suggest(self, page: str, target: str, form: str, href: str,
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
            out = self.config.base_path + shown
            if form == "absolute":
                out = (self.config.origin or "") + out
        if fragment:
            out += "#" + fragment
        if re.search("%[0-9A-Fa-f]{2}", href):
            out = quote(out, safe="/:#@!$&'()*+,;=-._~?")
        return out

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
    The first candidate with the best score wins. Exact but pruned: a candidate's score is
    at most its quick_ratio plus the length bound of its segment ratio, so candidates are
    scored in order of that bound and the rest skipped once it falls below the best score
    (40 mistyped near-duplicate paths among 4,001 pages: 21 s -> 4 s)."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(query)
    query_segments = query.split("/")
    n_query = len(query_segments)
    bounded = []
    for index, cand in enumerate(candidates):
        matcher.set_seq1(cand)
        if matcher.real_quick_ratio() < cutoff:
            continue
        quick = matcher.quick_ratio()
        if quick < cutoff:
            continue
        n_cand = cand.count("/") + 1
        bounded.append((quick + 2.0 * min(n_cand, n_query) / (n_cand + n_query), index, cand))
    bounded.sort(key=lambda item: (-item[0], item[1]))
    best, best_score, best_index = None, -1.0, -1
    for bound, index, cand in bounded:
        if bound < best_score:
            break
        matcher.set_seq1(cand)
        ratio = matcher.ratio()
        if ratio < cutoff:
            continue
        score = ratio + difflib.SequenceMatcher(None, cand.split("/"), query_segments).ratio()
        if score > best_score or (score == best_score and index < best_index):
            best, best_score, best_index = cand, score, index
    return best


def _is_page_path(site_path: str) -> bool:
    last = site_path.rsplit("/", 1)[-1]
    return last == "" or last.lower().endswith(HTML_SUFFIXES) or "." not in last


def _fragment_ok(fragment: str, ids: frozenset[str]) -> bool:
    # HTML "find a potential indicated element": as written, then percent-decoded;
    # "" and "top" scroll to the top of the document without any element.
    if fragment in ids:
        return True
    decoded = unquote(fragment) if "%" in fragment else fragment
    return decoded in ids or decoded == "" or decoded.lower() == "top"


def _closest_id(fragment: str, ids: frozenset[str]) -> str | None:
    decoded = unquote(fragment)
    folded = sorted(i for i in ids if i.lower() == decoded.lower())
    if folded:
        return folded[0]
    match = difflib.get_close_matches(decoded, sorted(ids), n=1, cutoff=0.6)
    return match[0] if match else None


# A reference to a fragment of another page, checked once every page's ids are known:
# (ctx, *ref, *target). Plain tuples because they travel back from worker processes,
# and pickling named tuples costs several times more.
_Pending = tuple


@dataclass
class _Partial:
    """What checking a batch of pages produces; batches from worker processes are merged."""

    ids: dict[str, frozenset[str]] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)  # page -> meta-refresh target
    findings: list[Finding] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    external: list[ExternalRef] = field(default_factory=list)
    stylesheets: set[str] = field(default_factory=set)
    links: int = 0

    def merge(self, other: _Partial) -> None:
        self.ids.update(other.ids)
        self.redirects.update(other.redirects)
        self.findings += other.findings
        self.pending += other.pending
        self.external += other.external
        self.stylesheets |= other.stylesheets
        self.links += other.links


class _Checker:
    def __init__(self, site: Site, collect_external: bool = True):
        self.site = site
        self.collect_external = collect_external
        self.out = _Partial()

    def emit(self, kind: str, ctx: _PageCtx, ref: Ref, hint: str | None) -> None:
        self.out.findings.append(
            Finding(ctx.path, ref.line, kind, ref.href, hint, ctx.source, KINDS[kind]))

    def check_page(self, path: str, text: str) -> None:
        data = parse_page(path, text)
        site = self.site
        ctx = site.page_ctx(path, data.source, data.base_href)
        self.out.ids[path] = data.ids
        if data.refresh is not None:
            t = site.resolve(ctx.base_url, data.refresh)
            if t.status == "ok" and t.path in site.pages and t.path != path:
                self.out.redirects[path] = t.path
        ids_of = {path: data.ids}.get
        for ref in data.refs:
            self.check_ref(ctx, ref, ids_of)

    def check_stylesheet(self, path: str, text: str) -> None:
        ctx = self.site.page_ctx(path)
        for ref in parse_css(text):
            self.check_ref(ctx, ref, lambda p: None)

    def check_ref(self, ctx: _PageCtx, ref: Ref, ids_of) -> None:
        """Resolve one reference; ids_of(page) gives the ids of pages already parsed."""
        site = self.site
        self.out.links += 1
        href = ref.href
        if href[:1] == "#" and ctx.own_url:
            t = _Target("ok", ctx.path, None, href[1:], None, "relative")
        else:
            t = site.resolve(ctx.base_url, href, ctx.doc)
        status = t.status
        if status == "ok":
            target = t.path
            if target not in site.pages:
                if target.endswith(".css"):
                    self.out.stylesheets.add(target)
                return
            if t.fragment:
                ids = ids_of(target)
                if ids is None:
                    self.out.pending.append((ctx, *ref, *t))
                    return
                if not _fragment_ok(t.fragment, ids):
                    self.missing_anchor(ctx, ref, t, ids)
                    return
            if ref.role == NAV and (ctx.skip_lang or site.lang_of(target) == ctx.lang):
                return  # the common case: a page in the reader's own language
            self.check_language(ctx, ref, t, ids_of)
            return
        if status == "ignore":
            return
        if status in ("mailto", "tel", "external"):
            problem = None
            if status == "mailto":
                problem = validate_mailto(t.url)
            elif status == "tel":
                problem = validate_tel(t.url)
            if problem:
                self.emit(f"bad-{status}", ctx, ref, problem)
            if self.collect_external:
                self.out.external.append(
                    ExternalRef(ref.href, t.url, ctx.path, ref.line, ctx.source))
            return
        if status == "javascript":
            self.emit("unsafe-url", ctx, ref, "javascript: URLs do nothing without scripts")
        elif status == "file":
            self.emit("file-url", ctx, ref, "file: URLs point at the author's own disk")
        elif status == "outside":
            found, inside = site.lookup(t.query)
            if found == "ok":
                sugg = site.suggest(ctx.path, inside, "root", ref.href, t.fragment)
                hint = f"did you mean {sugg}?"
            else:
                hint = f"not under the site's base path {site.config.base_path}"
            self.emit("outside-site", ctx, ref, hint)
        elif status == "wrong-case":
            sugg = site.suggest(ctx.path, t.path, t.form, ref.href, t.fragment)
            self.emit("wrong-case", ctx, ref, f"did you mean {sugg}?")
        elif status == "missing":
            page_like = _is_page_path(t.query)
            best = site.closest_file(t.query, page_like)
            hint = None
            if best is not None:
                hint = f"did you mean {site.suggest(ctx.path, best, t.form, ref.href)}?"
            self.emit("missing-page" if page_like else "missing-asset", ctx, ref, hint)

    def missing_anchor(self, ctx: _PageCtx, ref: Ref, t: _Target, ids: frozenset[str]) -> None:
        best = _closest_id(t.fragment, ids)
        hint = None
        if best is not None:
            head = ref.href.strip(_URL_WS).partition("#")[0]
            hint = f"did you mean {head}#{best}?"
        self.emit("missing-anchor", ctx, ref, hint)

    def check_language(self, ctx: _PageCtx, ref: Ref, t: _Target, ids_of) -> None:
        """Language rules for a reference that reached an existing page."""
        site = self.site
        target = t.path
        if ctx.skip_lang:
            return
        if ref.role == SWITCH or ref.role == ALT:
            lang = site.lang_for_hreflang(ref.hreflang or "")
            if lang is None:
                return
            expected = site.in_lang(ctx.path, lang)
            if expected in site.pages and target != expected:
                hint = f"did you mean {site.suggest(ctx.path, expected, t.form, ref.href)}?"
                self.emit("switcher-mismatch", ctx, ref, hint)
            return
        if ref.role == XLANG or site.lang_of(target) == ctx.lang:
            return
        counterpart = site.in_lang(target, ctx.lang)
        if counterpart in site.pages:
            frag = t.fragment
            if frag:
                ids = ids_of(counterpart)
                if ids is None or not _fragment_ok(frag, ids):
                    frag = None
            hint = f"did you mean {site.suggest(ctx.path, counterpart, t.form, ref.href, frag)}?"
            self.emit("cross-language", ctx, ref, hint)

    def finish_pending(self) -> None:
        all_ids, redirects = self.out.ids, self.out.redirects
        site_lang = self.site.lang_of

        def ids_of(page: str) -> frozenset[str] | None:
            # A link to a redirect page lands on the redirect's target.
            return all_ids.get(redirects.get(page, page))

        pending, self.out.pending = self.out.pending, []
        for ctx, *fields in pending:
            ref, t = Ref(*fields[:4]), _Target(*fields[4:])
            ids = ids_of(t.path)
            if ids is not None and not _fragment_ok(t.fragment, ids):
                self.missing_anchor(ctx, ref, t, ids)
            elif ref.role != NAV or (not ctx.skip_lang and site_lang(t.path) != ctx.lang):
                self.check_language(ctx, ref, t, ids_of)


def list_files(site_dir: str) -> list[str]:
    """Every file under site_dir as a POSIX path relative to it."""
    out = []
    for root, dirs, files in os.walk(site_dir):
        dirs.sort()
        rel = os.path.relpath(root, site_dir)
        rel = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in sorted(files):
            path = rel + name
            try:
                path.encode("utf-8")
            except UnicodeEncodeError:
                # os.walk smuggles undecodable bytes in as surrogates; no URL reaches them.
                raise BadInput(f"{os.path.join(root, name)!r}: file name is not UTF-8") from None
            out.append(path)
    return out


def _read_text(full: str) -> str:
    try:
        with open(full, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise BadInput(f"{full}: cannot read: {exc.strerror or exc}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise BadInput(f"{full}:{line}: not valid UTF-8 ({exc.reason})") from exc


def _check_batch(args: tuple[str, Site, list[str], bool]) -> _Partial:
    root, site, paths, collect_external = args
    checker = _Checker(site, collect_external)
    for path in paths:
        checker.check_page(path, _read_text(os.path.join(root, path)))
    return checker.out


def check_site(site_dir: str | os.PathLike, config: SiteConfig | None = None,
               jobs: int = 1, collect_external: bool = True) -> Report:
    """Check every page of the built site in site_dir; external URLs are only collected
    (into Report.external, unless collect_external is false).

    Each page is parsed once and its references resolved right away against the file
    list; only ids and references to other pages' fragments are kept until the end.
    """
    root = os.fspath(site_dir)
    if not os.path.isdir(root):
        raise BadInput(f"{root}: no such directory")
    if not os.path.isfile(os.path.join(root, "index.html")):
        raise BadInput(f"{root}: not a built site (no index.html at its root)")
    site = Site(list_files(root), config or SiteConfig())
    paths = sorted(site.pages)
    main = _Checker(site, collect_external)
    # fork: workers inherit the loaded modules; forking costs a few ms, so small sites
    # stay in one process.
    if jobs > 1 and len(paths) >= 200 and "fork" in multiprocessing.get_all_start_methods():
        size = -(-len(paths) // (jobs * 4))
        batches = [(root, site, paths[i : i + size], collect_external)
                   for i in range(0, len(paths), size)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part in pool.imap_unordered(_check_batch, batches):
                main.out.merge(part)
    else:
        main.out.merge(_check_batch((root, site, paths, collect_external)))
    done: set[str] = set()
    while main.out.stylesheets - done:
        path = min(main.out.stylesheets - done)
        done.add(path)
        main.check_stylesheet(path, _read_text(os.path.join(root, path)))
    main.finish_pending()
    # Stable sort: references on one line stay in document order.
    external = sorted(main.out.external, key=lambda r: (r.page, r.line))
    return Report(len(paths), main.out.links, sort_findings(main.out.findings), external)


def external_findings(refs: Iterable[ExternalRef], results: dict) -> list[Finding]:
    """Findings for external references whose URL check failed.

    results maps a URL without fragment to an external_links.UrlResult."""
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
    return urlsplit(ref.url).scheme.lower() in ("http", "https")


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.page, f.line, f.kind, f.href, f.hint or ""))
