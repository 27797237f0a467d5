"""Each language's own search index, sitemap and robots.txt, split from the combined files
mkdocs-static-i18n writes at the site root (called by the build plugin after its last pass).

A reader of one language downloads only that language's index; instant navigation
reads only its language's sitemap (a combined one lets it cross languages without a
reload, keeping the wrong config).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hwsite.languages import Languages

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
ET.register_namespace("", SITEMAP_NS)
ET.register_namespace("xhtml", XHTML_NS)


def split_search_index(data: dict, languages: Languages) -> dict[str, dict]:
    """The combined index as one index per language (locale -> index), each document's
    location made relative to its language's folder."""
    parts: dict[str, list] = {lang.locale: [] for lang in languages}
    for doc in data.get("docs", []):
        lang, rest = languages.split_uri(doc.get("location", ""))
        parts[lang.locale].append({**doc, "location": rest})
    return {locale: {**data, "docs": docs} for locale, docs in parts.items()}


class SitemapError(ValueError):
    """A sitemap that is not the XML urlset MkDocs writes."""


def split_sitemap(xml: str, site_url: str, languages: Languages) -> dict[str, str]:
    """The combined sitemap as one sitemap per language (locale -> XML), each <url> filed
    by the path of its <loc>; hreflang values of the alternates become the languages'
    <html lang> tags, as in the pages' own <link rel="alternate">."""
    try:
        root = ET.fromstring(xml.encode("utf-8"))
    except ET.ParseError as error:
        raise SitemapError(f"sitemap.xml is not well-formed XML: {error}") from None
    if root.tag != f"{{{SITEMAP_NS}}}urlset":
        raise SitemapError(f"sitemap.xml: expected a <urlset>, found <{root.tag}>")
    base = site_url.rstrip("/") + "/"
    sets = {lang.locale: ET.Element(root.tag, root.attrib) for lang in languages}
    for url in root.findall(f"{{{SITEMAP_NS}}}url"):
        loc = (url.findtext(f"{{{SITEMAP_NS}}}loc") or "").strip()
        path = loc[len(base):] if loc.startswith(base) else loc
        for link in url.findall(f"{{{XHTML_NS}}}link"):
            if link.get("hreflang") in languages:
                link.set("hreflang", languages.get(link.get("hreflang")).html_lang)
        sets[languages.split_uri(path)[0].locale].append(url)
    out = {}
    for locale, urlset in sets.items():
        ET.indent(urlset, space="    ")
        out[locale] = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(urlset, encoding="unicode") + "\n"
    return out


def robots_txt(site_url: str, languages: Languages) -> str:
    """Allow everything and name every language's sitemap."""
    root = site_url.rstrip("/") + "/"
    lines = "".join(f"Sitemap: {root}{lang.prefix}sitemap.xml\n" for lang in languages)
    return f"User-agent: *\nAllow: /\n\n{lines}"
