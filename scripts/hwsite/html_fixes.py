"""Small fixes to Material's emitted HTML that no template block reaches (called by the
build plugin, hwsite.plugin, for every page and for the 404 and offline pages).

- <html lang>: BCP 47 `zh-Hans` for Chinese pages (Material writes plain `zh`).
- Absolute hreflang alternates plus x-default (Material writes relative ones).
- The search dialog gets an accessible name (axe: aria-dialog-name).
- Navigation sections whose title is an index-page link get a named toggle, so each
  section <nav> has a unique name (axe: landmark-unique).
Each rewrite checks that Material's markup still looks as expected and warns
otherwise, so a theme upgrade that moves it fails the strict build instead of
silently dropping the fix.
"""

from __future__ import annotations

import re

from mkdocs.plugins import get_plugin_logger

from hwsite.languages import Languages

log = get_plugin_logger("hwsite")
# no leading \s*: a pattern that can start anywhere is tried at every position (20+ ms a page)
_ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">')
# With navigation.indexes a section's toggle <label> holds only an icon, so every
# section <nav> it labels has an empty, duplicate name (axe: landmark-unique). Found by
# its <label> (a few a page), then the index-page link written just before it: a single
# pattern starting at <a tried every link of the page (8 ms a page on generated sites).
_SECTION_LABEL = re.compile(r'<label class="md-nav__link[^"]*" for="__nav_[\w]+" id="__nav_[\w]+_label"[^>]*>')
_SECTION_LINK = re.compile(
    r'<a href="[^"]*" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*([^<]+?)\s*</span>\s*</a>\s*')
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'


def _absolute(site_url: str, url: str) -> str:
    url = "" if url in ("", "./", ".") else url
    return site_url.rstrip("/") + "/" + url.lstrip("/")


def alternate_links(alternates: dict, languages: Languages, site_url: str) -> str:
    """hreflang links for every language version of the page (static-i18n's
    `page.file.alternates`: locale -> File), plus x-default for the default language's."""
    links = []
    for locale in sorted(alternates):
        links.append(
            f'<link rel="alternate" hreflang="{languages.get(locale).html_lang}" '
            f'href="{_absolute(site_url, alternates[locale].url)}">'
        )
    default = languages.default.locale
    if default in alternates:
        links.append(f'<link rel="alternate" hreflang="x-default" href="{_absolute(site_url, alternates[default].url)}">')
    return "".join(links)


def name_section_toggles(output: str) -> str:
    """After each section toggle <label> that directly follows the section's index-page
    link, a visually hidden copy of the link's title."""
    parts, done = [], 0
    for label in _SECTION_LABEL.finditer(output):
        start = output.rfind('<a href="', done, label.start())
        link = _SECTION_LINK.fullmatch(output, start, label.start()) if start >= 0 else None
        if link:
            parts += [output[done:label.end()], f'<span class="md-visually-hidden">{link.group(1).strip()}</span>']
            done = label.end()
    return "".join(parts) + output[done:] if parts else output


def fix_html(output: str, html_lang: str, links: str | None, search_label: str) -> str:
    """Apply every rewrite to one rendered HTML document: its <html lang>, its hreflang
    links (None: leave them), and the search dialog's accessible name."""
    lang = html_lang
    output, n = re.subn(r'<html lang="[^"]*"', f'<html lang="{lang}"', output, count=1)
    if not n:
        log.warning("html_fixes: <html lang> not found; Material's base.html changed")
    if links is not None:
        output = _ALTERNATE.sub("", output)
        output = output.replace("</title>", "</title>" + links, 1)
    # A hidden text name, not aria-label: aria-label is prohibited on <label> (axe 4.10+).
    output = name_section_toggles(output)
    label = search_label
    if _SEARCH_DIALOG in output:
        output = output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG[:-1] + f' aria-label="{label}">', 1)
    elif 'data-md-component="search"' in output:
        log.warning("html_fixes: search dialog markup changed; it has no accessible name")
    return output
