"""Trainer tools: short links to modules (/m3/), their checkpoints (/m3/4/) and
checklists (/m3/checklist/), the static redirect pages behind them, their QR codes,
the trainers' list of them, and the HTML wrapper that keeps a checkpoint on one printed page.

Pure functions over page data; the build plugin (hwsite.plugin) reads the
pages and writes the outputs. URLs are site-relative as MkDocs writes them ("zh/m3/4/",
or "zh/m3/4/index.html" without directory URLs) unless a name says absolute.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from . import md_tree
from .files import write_atomically
from .site_model import CHECKLIST_ID, CHECKPOINT_ID

QR_DIR = "assets/qr/"
# Fact sheets have no short link; their QR code carries the page URL.


class ShortLinkError(Exception):
    """Front matter or links that cannot give short links (names the file)."""

    def __init__(self, file: str, message: str):
        super().__init__(f"{file}: {message}")
        self.file, self.message = file, message


@dataclass(frozen=True)
class ShortLink:
    """One short link. path: where the redirect page lives ("zh/m3/4/"); target: URL of
    the page it leads to; anchor: the heading id on it (None for the page itself)."""

    path: str
    target: str
    anchor: str | None
    module: int
    kind: str  # "module", "checkpoint" or "checklist"
    title: str
    number: int | None = None
    source: str = ""
    page_title: str = ""  # title of the page it leads to

    @property
    def target_with_anchor(self) -> str:
        return self.target + (f"#{self.anchor}" if self.anchor else "")


# ---------------------------------------------------------------- short links

def module_number(meta: Mapping, source: str = "<page>") -> int | None:
    """The `module:` front matter value as a positive int, None when absent."""
    value = meta.get("module")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ShortLinkError(source, f"front matter `module: {value!r}` must be a whole number from 1 up")
    return value


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")


def plain_text(markdown: str) -> str:
    """Heading Markdown as plain text: links become their text, emphasis and code marks go."""
    text = _MD_LINK.sub(r"\1", markdown)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def short_links_for_page(meta: Mapping, headings: Iterable, page_url: str, prefix: str = "",
                         source: str = "<page>") -> list[ShortLink]:
    """Short links of one page: none unless its front matter has `module: N`; then
    <prefix>mN/ for the page, <prefix>mN/K/ for each heading {#checkpoint-K} and
    <prefix>mN/checklist/ for {#checklist}. headings: objects with level, text, id
    (hwsite.source.Heading). prefix: the language folder ("zh/") or ""."""
    module = module_number(meta, source)
    if module is None:
        return []
    headings = list(headings)
    h1 = next((h.text for h in headings if h.level == 1), None)
    title = plain_text(str(meta.get("title") or h1 or f"Module {module}"))
    base = f"{prefix}m{module}/"
    links = [ShortLink(base, page_url, None, module, "module", title, source=source, page_title=title)]
    seen: set[str] = set()
    for heading in headings:
        if not heading.id or heading.id in seen:
            continue  # a repeated id is renamed by the toc extension: only the first is reachable
        seen.add(heading.id)
        match = CHECKPOINT_ID.fullmatch(heading.id)
        if match:
            number = int(match[1])
            links.append(ShortLink(f"{base}{number}/", page_url, heading.id, module, "checkpoint",
                                   plain_text(heading.text), number, source, title))
        elif heading.id == CHECKLIST_ID:
            links.append(ShortLink(f"{base}checklist/", page_url, heading.id, module, "checklist",
                                   plain_text(heading.text), source=source, page_title=title))
    return links


def conflicts(links: Iterable[ShortLink]) -> list[str]:
    """Messages for short links that two pages claim (two pages with the same module)."""
    owner: dict[str, ShortLink] = {}
    problems = []
    for link in links:
        first = owner.setdefault(link.path, link)
        if first is not link and first.target != link.target:
            problems.append(f"short link /{link.path} claimed by both {first.source} and {link.source} "
                            f"(module: {link.module}); give each module page its own number")
    return problems


# ---------------------------------------------------------------- URLs

def link_url(path: str, use_directory_urls: bool = True) -> str:
    """The URL of a short link directory as the site writes URLs ("m3/" or "m3/index.html")."""
    return path if use_directory_urls else path + "index.html"


def output_file(url: str) -> str:
    """The file a URL is served from: "m3/4/" -> "m3/4/index.html"."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def relative_url(from_url: str, to_url: str) -> str:
    """to_url (site-relative, may carry #fragment) as seen from the page at from_url."""
    to_path, hash_, fragment = to_url.partition("#")
    from_dir = from_url if from_url == "" or from_url.endswith("/") else posixpath.dirname(from_url) + "/"
    rel = posixpath.relpath("/" + to_path, "/" + from_dir)
    if rel == ".":
        rel = "./"
    elif to_path.endswith("/") or to_path == "":
        rel += "/"
    return rel + (hash_ + fragment if hash_ else "")


def absolute_url(site_url: str, url: str) -> str:
    return site_url.rstrip("/") + "/" + url.lstrip("/")


def display_url(url: str) -> str:
    """An absolute URL the way people say and type it: no scheme."""
    return re.sub(r"^[a-z]+://", "", url)


def qr_file(url: str) -> str:
    """Site-relative path of the QR code SVG for a short link or page URL:
    "zh/m3/4/" -> "assets/qr/zh-m3-4.svg"."""
    stem = re.sub(r"(?:^|/)index\.html$|\.html$", "", url).strip("/") or "home"
    return QR_DIR + stem.replace("/", "-") + ".svg"


# ---------------------------------------------------------------- outputs

def qr_svg(data: str) -> str:
    """A QR code for `data` as a small standalone SVG (no size: CSS or <img> sets it).
    The SVG's <title> is the encoded text, for tests and assistive technology.
    Encoding is the slowest step of a build (about 25 ms a code), and every build and
    every live reload asks for the same URLs, so each result is kept per process and on
    disk in the git-ignored .cache/qr/ (keyed by segno's version and the text)."""
    return _qr_svg(data)


QR_CACHE = Path(__file__).resolve().parents[2] / ".cache" / "qr"


@functools.lru_cache(maxsize=4096)
def _qr_svg(data: str) -> str:
    import segno  # only the build needs it

    key = hashlib.sha256(f"{segno.__version__}|m|4|{data}".encode("utf-8")).hexdigest()[:32]
    cached = QR_CACHE / f"{key}.svg"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    code = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", xmldecl=False, svgns=True, title=data, svgclass=None,
              lineclass=None, omitsize=True, border=4, dark="#000", light="#fff", nl=False)
    svg = buffer.getvalue().decode("utf-8")
    try:
        write_atomically(cached, svg)
    except OSError:
        pass  # a read-only checkout still builds, only slower
    return svg


def redirect_page(link: ShortLink, *, site_url: str, html_lang: str, site_name: str, text: str,
                  use_directory_urls: bool = True) -> str:
    """The static redirect page behind a short link: meta refresh, canonical, noindex and a
    visible link, with a relative target so it works under any sub-path. text: the visible
    sentence, "{link}" marking where the link to the target goes."""
    here = link_url(link.path, use_directory_urls)
    target = relative_url(here, link.target_with_anchor)
    canonical = absolute_url(site_url, link.target) if site_url else None
    e = html.escape
    title = link.title if not link.page_title or link.title == link.page_title else f"{link.title} – {link.page_title}"
    before, _, after = text.partition("{link}")
    head = [
        "<!doctype html>",
        f'<html lang="{e(html_lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(title)} – {e(site_name)}</title>",
        '<meta name="robots" content="noindex">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ]
    if canonical:
        head.append(f'<link rel="canonical" href="{e(canonical)}">')
    head.append(f'<meta http-equiv="refresh" content="0; url={e(target)}">')
    body = [
        "</head>",
        '<body style="font-family: system-ui, sans-serif; margin: 2rem; line-height: 1.6">',
        f'<p>{e(before)}<a href="{e(target)}">{e(title)}</a>{e(after)}</p>',
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(head + body)


# UI strings the browser script needs (the rest are written into the HTML at build time).
_JS_STRINGS = ("tt.copy.failed", "tt.copied", "tt.qr.", "tt.present.")


def page_data_json(strings: Mapping[str, str], site_url: str, modules: Mapping[str, str]) -> str:
    """JSON for <template id="hw-tt">: the browser script's strings (tt.* keys without the
    prefix), the site's address and each module page's short link. <, > and & are
    escaped, so the text is safe inside any HTML element."""
    data = {"s": {key[3:]: value for key, value in strings.items() if key.startswith(_JS_STRINGS)},
            "site": site_url, "modules": dict(modules)}
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _escape_md(text: str) -> str:
    return re.sub(r"([\\\[\]|*_`<])", r"\\\1", text)


def short_links_markdown(links: Iterable[ShortLink], *, page_src: str, page_url: str,
                         sources: Mapping[str, str], site_url: str, headers: tuple[str, str],
                         use_directory_urls: bool = True, heading_level: int = 3) -> str:
    """The trainers' list: per module a heading {#mN} and a table of its short links.
    The short link cell links to the redirect page (raw HTML, as MkDocs does not know it);
    the target cell is a Markdown link to the source file, so the build validates it.
    sources: page URL -> source path (src_uri) of that page."""
    by_module: dict[int, list[ShortLink]] = {}
    for link in links:
        by_module.setdefault(link.module, []).append(link)
    page_dir = posixpath.dirname(page_src)
    out = []
    for module in sorted(by_module):
        group = by_module[module]
        head = next(link for link in group if link.kind == "module")
        out += [f"{'#' * heading_level} {_escape_md(head.title)} {{#m{module}}}", "",
                f"| {headers[0]} | {headers[1]} |", "|---|---|"]
        order = {"module": 0, "checkpoint": 1, "checklist": 2}
        for link in sorted(group, key=lambda l: (order[l.kind], l.number or 0)):
            short = relative_url(page_url, link_url(link.path, use_directory_urls))
            shown = display_url(absolute_url(site_url, link.path)) if site_url else "/" + link.path
            source = posixpath.relpath(sources[link.target], page_dir or ".")
            anchor = f"#{link.anchor}" if link.anchor else ""
            out.append(f'| <a href="{html.escape(short)}"><code>{html.escape(shown)}</code></a> '
                       f"| [{_escape_md(link.title)}]({source}{anchor}) |")
        out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------- page body (Python-Markdown's tree)

_SECTION_HEADING = frozenset(("h1", "h2", "h3"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
HEADERLINK_CLASS = "headerlink"  # the toc extension's permalink


def wrap_checkpoints(root: etree.Element, css_class: str = "hw-checkpoint") -> None:
    """Wrap each top-level checkpoint section of a page body, an <h3 id="checkpoint-N">
    and what follows it up to the next top-level h1-h3, in <div class="{css_class}">, so
    that print CSS can keep a checkpoint on one page. Nested headings are left alone.
    root: the body as Python-Markdown's tree (its children are the top level)."""
    wrapper: etree.Element | None = None
    for child in list(root):
        if child.tag in _SECTION_HEADING:
            wrapper = None
            if child.tag == "h3" and CHECKPOINT_ID.fullmatch(child.get("id") or ""):
                wrapper = etree.Element("div", {"class": css_class})
                root.insert(list(root).index(child), wrapper)
        if wrapper is not None:
            root.remove(child)
            wrapper.append(child)


def insert_after_heading(root: etree.Element, heading_id: str, element: etree.Element) -> bool:
    """Insert element right after the heading with this id (before the heading's tail);
    False, and nothing changed, when there is no such heading."""
    for parent in root.iter():
        for index, child in enumerate(parent):
            if child.tag in _HEADINGS and child.get("id") == heading_id:
                element.tail, child.tail = child.tail, None
                parent.insert(index + 1, element)
                return True
    return False


def _is_headerlink(element: etree.Element) -> bool:
    return element.tag == "a" and md_tree.has_class(element, HEADERLINK_CLASS)


def heading_text(heading: etree.Element, stash: md_tree.Stash = ()) -> str:
    """The words of a heading: its permalink left out, raw tags dropped, entities resolved."""
    return md_tree.plain_text(heading, stash, skip=_is_headerlink)


def heading_controls(root: etree.Element, copy_label: str, link_label: str, stash: md_tree.Stash = ()) -> None:
    """Every heading with an id: its permalink (toc's headerlink) gets a name in the page's
    language (link_label, e.g. 'Link to this section'), and each h2 and h3 a copy-link button before
    the permalink (copy_label, "{title}" marking the heading's words; trainer-tools.js copies
    the section's URL). Done at build time so a heading never moves when the script runs. No
    title attributes: Material mounts a tooltip for every element with a title, a cost paid on
    each page load (see bench/REPORT.md). root: the body as Python-Markdown's tree, after the
    toc extension added the permalinks; stash: md.htmlStash.rawHtmlBlocks."""
    for heading in root.iter():
        anchor = heading.get("id")
        if heading.tag not in _HEADINGS or not anchor:
            continue
        if any(el.tag == "button" and md_tree.has_class(el, "hw-copylink") for el in heading.iter()):
            continue
        permalink = next((el for el in heading.iter() if _is_headerlink(el)), None)
        if permalink is not None:
            permalink.attrib.pop("title", None)
            permalink.attrib.pop("aria-label", None)
            permalink.set("aria-label", link_label)
        if heading.tag not in ("h2", "h3"):
            continue
        button = etree.Element("button", {  # the icon: site.css
            "type": "button", "class": "hw-copylink",
            "aria-label": copy_label.replace("{title}", heading_text(heading, stash)), "data-hw-anchor": anchor})
        button.text = ""  # <button ...></button>, never self-closed
        if permalink is None:
            heading.append(button)
        else:
            parent = next(el for el in heading.iter() if permalink in list(el))
            parent.insert(list(parent).index(permalink), button)
