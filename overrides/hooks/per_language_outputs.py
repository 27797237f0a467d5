"""Give each language its own search index, sitemap and 404 page.

mkdocs-static-i18n writes one combined search index and sitemap at the site root and
lets the Chinese pass overwrite the root 404.html. This hook, after the plugin's
outer on_post_build (priority -100), splits the index and the sitemap by location
prefix into / and /zh/, and keeps the English 404 at the root while writing the
Chinese one to zh/404.html. Chinese pages point Material at /zh/ as their base
(see overrides/main.html), so a Chinese reader downloads only the Chinese index.
"""

from __future__ import annotations

import json
import os
import re
from copy import deepcopy

import sys

from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from hwsite.files import write_atomically  # noqa: E402

log = get_plugin_logger("per_language_outputs")

ZH = "zh"
_URL_BLOCK = re.compile(r"\s*<url>.*?</url>", re.S)


def _i18n(config):
    return config.plugins.get("i18n")


def _current_language(config) -> str:
    plugin = _i18n(config)
    return getattr(plugin, "current_language", None) or "en"


def split_search_index(data: dict, prefix: str = ZH + "/") -> tuple[dict, dict]:
    """Return (default-language index, prefixed-language index with locations relative to it)."""
    default_docs, prefixed_docs = [], []
    for doc in data.get("docs", []):
        location = doc.get("location", "")
        if location.startswith(prefix):
            prefixed_docs.append({**doc, "location": location[len(prefix):]})
        else:
            default_docs.append(doc)
    return {**data, "docs": default_docs}, {**data, "docs": prefixed_docs}


def split_sitemap(xml: str, site_url: str, prefix: str = ZH + "/") -> tuple[str, str]:
    """Split a combined sitemap into one per language by each <loc>'s path."""
    zh_root = site_url.rstrip("/") + "/" + prefix
    head_end = xml.index("<url>") if "<url>" in xml else xml.index("</urlset>")
    head, tail = xml[:head_end].rstrip(), "\n</urlset>\n"
    default_urls, prefixed_urls = [], []
    for block in _URL_BLOCK.findall(xml):
        loc = re.search(r"<loc>(.*?)</loc>", block, re.S).group(1).strip()
        (prefixed_urls if loc.startswith(zh_root) else default_urls).append(block)
    return head + "".join(default_urls) + tail, head + "".join(prefixed_urls) + tail


def robots_txt(site_url: str) -> str:
    root = site_url.rstrip("/") + "/"
    return f"User-agent: *\nAllow: /\n\nSitemap: {root}sitemap.xml\nSitemap: {root}{ZH}/sitemap.xml\n"


def on_template_context(context, template_name, config):
    """The i18n plugin points the language switcher at the last rendered page; on
    the 404 page it must point at each language's home page."""
    plugin = _i18n(config)
    if template_name == "404.html" and getattr(plugin, "extra_alternate", None):
        config.extra.alternate = deepcopy(plugin.extra_alternate)
    return context


def on_post_template(output: str, template_name: str, config):
    """The Chinese pass renders 404.html too: file it under zh/, keep the English one."""
    if template_name != "404.html" or _current_language(config) != ZH:
        return output
    write_atomically(os.path.join(config.site_dir, ZH, "404.html"), output)
    english = os.path.join(config.site_dir, "404.html")
    if os.path.exists(english):
        with open(english, encoding="utf-8") as handle:
            return handle.read()
    return output


@event_priority(-200)  # after the i18n plugin merged both passes
def on_post_build(config):
    plugin = _i18n(config)
    if plugin is None or plugin.building:
        return
    site = config.site_dir
    index_path = os.path.join(site, "search", "search_index.json")
    if os.path.exists(index_path):
        with open(index_path, encoding="utf-8") as handle:
            data = json.load(handle)
        english, chinese = split_search_index(data)
        for path, part in ((index_path, english), (os.path.join(site, ZH, "search", "search_index.json"), chinese)):
            text = json.dumps(part, ensure_ascii=False, separators=(",", ":"))
            write_atomically(path, text)
            # mkdocs names the plugin "material/offline" in config.plugins
            offline = config.plugins.get("material/offline") or config.plugins.get("offline")
            if offline is not None and offline.config.enabled:
                write_atomically(path[: -len(".json")] + ".js", "var __index = " + text)
    sitemap_path = os.path.join(site, "sitemap.xml")
    if os.path.exists(sitemap_path) and config.site_url:
        with open(sitemap_path, encoding="utf-8") as handle:
            english_map, chinese_map = split_sitemap(handle.read(), config.site_url)
        write_atomically(sitemap_path, english_map)
        write_atomically(os.path.join(site, ZH, "sitemap.xml"), chinese_map)
        for stale in (sitemap_path + ".gz", os.path.join(site, ZH, "sitemap.xml.gz")):
            if os.path.exists(stale):
                os.remove(stale)
        # Crawlers find both languages' sitemaps here (each lists its pages with
        # hreflang alternates); the root one must stay English for instant navigation.
        write_atomically(os.path.join(site, "robots.txt"), robots_txt(config.site_url))
