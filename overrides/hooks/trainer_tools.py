"""Build-time side of the trainer tools (the browser side is trainer-tools.js).

- Short links: a page with `module: N` in its front matter gets <lang>/mN/, and
  <lang>/mN/K/ for each heading {#checkpoint-K}, <lang>/mN/checklist/ for {#checklist};
  each is a static redirect page (meta refresh, canonical, noindex, visible link).
- QR codes (segno, SVG files in assets/qr/) of those short links and of fact-sheet pages.
- page.meta.hw_share: what partials/hw-share.html needs for the share panel, the
  present view and the printed first page.
- Every page: a copy-link button in each h2/h3 with an id (trainer-tools.js does the copying)
  and a name in the page's language on each heading's permalink.
- Module pages: each checkpoint section wrapped so print keeps it together, and the
  checklist's own QR code under its heading for the printed checklist.
- Where a page says <!-- short-links -->, the list of every short link of its language.
Logic in scripts/hwsite/trainer_links.py; UI strings in partials/hw-strings.html (tt.*).
"""

from __future__ import annotations

import html
import os
import sys

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from hwsite import source, trainer_links as tl  # noqa: E402

MARKER = "<!-- short-links -->"
HTML_LANG = {"en": "en", "zh": "zh-Hans"}


def _language(config) -> tuple[str, str]:
    """(current language, its URL prefix: "" for the default language, else "zh/")."""
    plugin = config.plugins.get("i18n")
    current = getattr(plugin, "current_language", None) or "en"
    default = getattr(plugin, "default_language", None) or current
    return current, ("" if current == default else current + "/")


STRINGS_FILE = os.path.join(os.path.dirname(__file__), "..", "partials", "hw-strings.html")
_strings_cache: dict[tuple, dict] = {}


def _strings(config, env=None) -> dict:
    """This language's row of partials/hw-strings.html, so Python and templates share one table.
    Read once per language and version of the file: every page asks, and a theme environment
    costs tens of milliseconds to create."""
    key = (config.theme["language"], os.stat(STRINGS_FILE).st_mtime_ns)
    if key not in _strings_cache:
        env = env or config.theme.get_env()
        _strings_cache[key] = dict(env.get_template("partials/hw-strings.html").make_module({"config": config}).hw)
    return _strings_cache[key]


def _source_name(page, config) -> str:
    root = os.path.dirname(config.config_file_path)
    return os.path.relpath(page.file.abs_src_path, root).replace(os.sep, "/") if page.file.abs_src_path else page.file.src_uri


def _links_of(meta, markdown: str, url: str, prefix: str, name: str) -> list[tl.ShortLink]:
    try:
        return tl.short_links_for_page(meta, source.headings(source.parse_source(markdown, name)), url, prefix, name)
    except (tl.ShortLinkError, source.SourceError) as error:
        raise PluginError(str(error)) from None


def _share(config, page, links: list[tl.ShortLink], prefix: str) -> dict | None:
    site = config.site_url
    if not site:
        return None
    udu = config.use_directory_urls
    if links:
        head = links[0]
        share = {"kind": "module", "module": head.module, "short": head.path, "path": tl.link_url(head.path, udu),
                 "url": tl.absolute_url(site, head.path), "qr": tl.qr_file(head.path),
                 "checkpoints": sum(1 for link in links if link.kind == "checkpoint")}
        checklist = next((link for link in links if link.kind == "checklist"), None)
        if checklist:
            share["checklist"] = {"url": tl.absolute_url(site, checklist.path), "qr": tl.qr_file(checklist.path)}
    elif tl.is_fact_sheet(page.file.src_uri, prefix):
        share = {"kind": "fact-sheet", "path": page.file.url, "url": tl.absolute_url(site, page.file.url),
                 "qr": tl.qr_file(page.file.url)}
    else:
        return None
    share["display"] = tl.display_url(share["url"])
    return share


def _list_markdown(page, config, files, prefix: str) -> str:
    """Every short link of this language, read from the module sources themselves: the
    list page may be rendered before the module pages."""
    links, sources = [], {}
    for file in files.documentation_pages():
        if not file.abs_src_path or not os.path.exists(file.abs_src_path):
            continue
        name = os.path.relpath(file.abs_src_path, os.path.dirname(config.config_file_path))
        try:
            src = source.read_source(file.abs_src_path, name)
            found = tl.short_links_for_page(src.meta, source.headings(src), file.url, prefix, name)
        except (tl.ShortLinkError, source.SourceError) as error:
            raise PluginError(str(error)) from None
        if found:
            links += found
            sources[file.url] = file.src_uri
    problems = tl.conflicts(links)
    if problems:
        raise PluginError("; ".join(problems))
    strings = _strings(config)
    return tl.short_links_markdown(
        links, page_src=page.file.src_uri, page_url=page.file.url, sources=sources,
        site_url=config.site_url or "", headers=(strings["tt.list.short"], strings["tt.list.target"]),
        use_directory_urls=config.use_directory_urls)


def on_page_markdown(markdown, page, config, files):
    _, prefix = _language(config)
    links = _links_of(page.meta, markdown, page.file.url, prefix, _source_name(page, config))
    page.meta["hw_short_links"] = links
    share = _share(config, page, links, prefix)
    if share:
        page.meta["hw_share"] = share
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, _list_markdown(page, config, files, prefix), 1)
    return markdown


def _print_qr(page, qr: str, url: str, label: str, alt: str) -> str:
    src = tl.relative_url(page.file.url, qr)
    shown = tl.display_url(url)
    return (f'<div class="hw-print-only hw-print-qr" data-search-exclude>'
            f'<img src="{html.escape(src)}" alt="{html.escape(alt.format(url=shown))}" width="96" height="96" loading="lazy">'
            f'<p>{html.escape(label)}<br><strong>{html.escape(shown)}</strong></p></div>')


def on_page_content(content, page, config, files):
    strings = _strings(config)
    content = tl.heading_controls(content, strings["heading.copy"], strings["heading.permalink"])
    links = page.meta.get("hw_short_links")
    if not links:
        return content
    content = tl.wrap_checkpoints(content)
    checklist = (page.meta.get("hw_share") or {}).get("checklist")
    if checklist:
        content = tl.insert_after_heading(content, tl.CHECKLIST_ID, _print_qr(
            page, checklist["qr"], checklist["url"], strings["tt.print.checklist"], strings["tt.qr.alt"]))
    return content


@event_priority(-50)  # after every page is read; the outputs go through MkDocs' own file copying
def on_env(env, config, files):
    lang, _ = _language(config)
    links, pages = [], []
    for file in files.documentation_pages():
        meta = file.page.meta if file.page else {}
        links += meta.get("hw_short_links") or []
        if (meta.get("hw_share") or {}).get("kind") == "fact-sheet":
            pages.append(meta["hw_share"])
    problems = tl.conflicts(links)
    if problems:
        raise PluginError("; ".join(problems))
    strings = _strings(config, env)
    udu, site = config.use_directory_urls, config.site_url or ""
    written: set[str] = set()

    def add(path: str, content: str) -> None:
        if path in written or files.get_file_from_path(path):
            return
        written.add(path)
        files.append(File.generated(config, path, content=content))

    for link in links:
        add(tl.output_file(tl.link_url(link.path, udu)), tl.redirect_page(
            link, site_url=site, html_lang=HTML_LANG.get(lang, lang), site_name=config.site_name,
            text=strings["tt.redirect"], use_directory_urls=udu))
        if site:
            add(tl.qr_file(link.path), tl.qr_svg(tl.absolute_url(site, link.path)))
    for share in pages:
        add(share["qr"], tl.qr_svg(share["url"]))
    # For trainer-tools.js; modules: print shows a module's short link, not its long URL.
    modules = {link.target: link.path for link in links if link.kind == "module"}
    env.globals["hw_tt_json"] = tl.page_data_json(strings, site, modules)
    return env
