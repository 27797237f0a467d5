"""Offline reading: the build id, the precached site shell and the web-app manifests.

Used by the build plugin, hwsite.plugin (writes sw.js and the manifests after a build)
and by the tests. The service worker itself is overrides/sw.js.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

SW_NAME = "sw.js"
BUILD_ID_MARKER = "__HW_BUILD_ID__"
PRECACHE_MARKER = "[/* __HW_PRECACHE__ */]"
MANIFEST_NAME = "manifest.webmanifest"
OFFLINE_DIR = "offline"

# sitemap.xml carries the build date (<lastmod>): hashing it would make every day's
# build a "new version" for readers although nothing they see changed.
_NOT_HASHED = re.compile(r"(^|/)(sitemap\.xml(\.gz)?|[^/]*\.tmp)$")
HASHED_ASSET = re.compile(r"\.[0-9a-f]{8}\.min\.(js|css)$")

ICONS = (
    ("assets/images/icon-192.png", "192x192", "any"),
    ("assets/images/icon-512.png", "512x512", "any"),
    ("assets/images/icon-maskable-192.png", "192x192", "maskable"),
    ("assets/images/icon-maskable-512.png", "512x512", "maskable"),
)


def site_files(site_dir: Path) -> list[str]:
    """Every file of a built site, relative, sorted (build_id and shell_urls take it)."""
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())


def build_id(site_dir: Path, files: list[str] | None = None) -> str:
    """A short hash of everything the build wrote that readers can fetch, except sw.js
    itself and the sitemaps' dates: equal outputs give equal ids, any change a new one."""
    digest = hashlib.sha256()
    for rel in site_files(site_dir) if files is None else files:
        if rel == SW_NAME or _NOT_HASHED.search(rel):
            continue
        digest.update(rel.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256((site_dir / rel).read_bytes()).digest())
    return digest.hexdigest()[:16]


def shell_urls(site_dir: Path, languages: list[str], search_langs: list[str],
               files: list[str] | None = None) -> list[str]:
    """Site-relative URLs the service worker caches on install, so that every saved
    page renders offline: home and offline pages, manifests and sitemaps of each
    language folder ("" = root), the theme's CSS and JS, the search worker with the
    lunr files it imports for search_langs, logo, favicon and app icons."""
    urls: list[str] = []
    for lang in languages:
        prefix = f"{lang}/" if lang else ""
        urls += [prefix, f"{prefix}{OFFLINE_DIR}/", f"{prefix}{MANIFEST_NAME}", f"{prefix}sitemap.xml"]
    files = set(site_files(site_dir) if files is None else files)
    for rel in sorted(files):
        folder, _, name = rel.rpartition("/")
        if folder == "assets/stylesheets" and name.endswith(".css"):
            urls.append(rel)
        elif folder in ("assets/javascripts", "assets/javascripts/workers") and name.endswith(".js") \
                and "iframe-worker" not in name:  # the file:// shim of the offline edition
            urls.append(rel)
        elif folder == "assets/images" and (name.startswith(("logo.", "favicon.", "icon-"))):
            urls.append(rel)
    lunr = "assets/javascripts/lunr/"
    others = [lang for lang in search_langs if lang != "en"]
    wanted = [f"{lunr}min/lunr.stemmer.support.min.js"] if others else []
    for lang in others:
        wanted += {"ja": [f"{lunr}tinyseg.js"], "th": [f"{lunr}wordcut.js"], "hi": [f"{lunr}wordcut.js"]}.get(lang, [])
        wanted.append(f"{lunr}min/lunr.{lang}.min.js")
    if len(search_langs) > 1:
        wanted.append(f"{lunr}min/lunr.multi.min.js")
    urls += [rel for rel in dict.fromkeys(wanted) if rel in files]
    present = [u for u in urls if u in files or (u == "" or u.endswith("/")) and f"{u}index.html" in files]
    return ["./" if u == "" else u for u in dict.fromkeys(present)]


def render_service_worker(source: str, build: str, precache: list[str]) -> str:
    """Fill the build id and the precache list into overrides/sw.js."""
    if BUILD_ID_MARKER not in source or PRECACHE_MARKER not in source:
        raise ValueError(f"{SW_NAME}: {BUILD_ID_MARKER} or {PRECACHE_MARKER} missing")
    listing = "[\n" + ",\n".join("  " + json.dumps(url, ensure_ascii=False) for url in precache) + ",\n]"
    return source.replace(BUILD_ID_MARKER, build).replace(PRECACHE_MARKER, listing)


def web_manifest(*, lang: str, name: str, short_name: str, description: str, depth: int,
                 theme_color: str, background_color: str = "#ffffff") -> dict:
    """The manifest of one language, written `depth` folders below the site root; its
    URLs are relative to the manifest, so the site works under any base path."""
    up = "../" * depth
    return {
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": lang,
        "dir": "ltr",
        "start_url": "./",
        # the whole site, so the language switcher stays inside the installed app
        "scope": up or "./",
        "display": "standalone",
        "background_color": background_color,
        "theme_color": theme_color,
        "icons": [{"src": up + src, "sizes": sizes, "type": "image/png", "purpose": purpose}
                  for src, sizes, purpose in ICONS],
    }
