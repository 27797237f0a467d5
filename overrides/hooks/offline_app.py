"""Offline reading on phones: the installable web app and the offline edition.

Web edition (`mkdocs build`):
- a web-app manifest per language (manifest.webmanifest, zh/manifest.webmanifest);
- the offline page of each language (offline/, zh/offline/), rendered from
  overrides/offline.html like the 404 pages (root-absolute links: the service worker
  shows it at other pages' addresses);
- sw.js at the site root, from overrides/sw.js with the build id (a hash of the built
  output, scripts/hwsite/offline.py) and the shell to precache filled in, after every
  other hook and plugin has written its files.
Offline edition (OFFLINE=true, Material's offline plugin): none of the above (no
service worker under file://), and Material's Web Worker shim for file:// comes from
assets/javascripts/ instead of unpkg.com, so nothing is requested from another host.
`mkdocs serve` gets no service worker either: it would cache the live preview.
"""

from __future__ import annotations

import json
import os
import sys
from copy import deepcopy
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from hwsite import offline  # noqa: E402
from hwsite.files import write_atomically  # noqa: E402

log = get_plugin_logger("offline_app")

ZH = "zh"
TEMPLATE = "offline.html"
POLYFILL = "assets/javascripts/iframe-worker-1.0.4.js"
THEME_COLOR = "#00695c"
SHORT_NAMES = {"en": "HealthWISE", "zh": "职业安全卫生"}

# The command mkdocs runs (on_startup): the hook module lives for the whole
# `mkdocs serve` session, across rebuilds.
_session = {"command": "build"}


def offline_edition(config) -> bool:
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin is not None and plugin.config.enabled)


def web_app(config) -> bool:
    return not offline_edition(config) and _session["command"] != "serve"


def _language(config) -> str:
    plugin = config.plugins.get("i18n")
    return getattr(plugin, "current_language", None) or "en"


def on_startup(*, command, dirty):
    _session["command"] = command


@event_priority(100)  # before the offline plugin adds its unpkg.com shim
def on_config(config):
    config.extra["hw_offline_edition"] = offline_edition(config)
    config.extra["hw_web_app"] = web_app(config)
    if offline_edition(config):
        polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
        config.extra["polyfills"] = [*polyfills, POLYFILL]
    elif web_app(config):
        config.theme.static_templates.add(TEMPLATE)
    return config


def on_files(files, config):
    """overrides/sw.js is a source, filled in by on_post_build: never copy it as is."""
    source = files.get_file_from_path(offline.SW_NAME)
    if source is not None:
        files.remove(source)
    return files


def on_template_context(context, template_name, config):
    if template_name == TEMPLATE:
        context["base_url"] = urlsplit(config.site_url or "/").path or "/"
        plugin = config.plugins.get("i18n")
        if getattr(plugin, "extra_alternate", None):
            # the switcher leads to the other language's offline page; when the page is
            # shown at another page's address, hw-offline.js points it at that page's twin
            alternates = deepcopy(plugin.extra_alternate)
            for alternate in alternates:
                alternate["link"] = alternate["link"].rstrip("/") + f"/{offline.OFFLINE_DIR}/"
            config.extra.alternate = alternates
    return context


@event_priority(-100)  # after html_fixes
def on_post_template(output, template_name, config):
    if template_name == TEMPLATE:
        lang = _language(config)
        write_atomically(Path(config.site_dir, ZH if lang == ZH else "", offline.OFFLINE_DIR, "index.html"), output)
    return output


def _languages(config) -> list[dict]:
    plugin = config.plugins.get("i18n")
    entries = []
    for language in getattr(plugin, "config", {}).get("languages", []) if plugin else []:
        if language.locale == "null" or not language.build:
            continue
        entries.append({
            "locale": language.locale,
            "folder": "" if language.default else language.locale,
            "name": language.site_name or config.site_name,
            "description": language.site_description or config.site_description or "",
        })
    return entries or [{"locale": "en", "folder": "", "name": config.site_name,
                        "description": config.site_description or ""}]


def _sw_source(config) -> str:
    for folder in config.theme.dirs:
        path = Path(folder, offline.SW_NAME)
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise PluginError(f"offline_app: {offline.SW_NAME} not found in the theme folders {config.theme.dirs}")


@event_priority(-300)  # after per_language_outputs.py split the search index and sitemap
def on_post_build(config):
    plugin = config.plugins.get("i18n")
    if plugin is not None and plugin.building:
        return
    site = Path(config.site_dir)
    (site / TEMPLATE).unlink(missing_ok=True)  # the static template's own copy
    if not web_app(config):
        return
    languages = _languages(config)
    for language in languages:
        folder = language["folder"]
        manifest = offline.web_manifest(
            lang="zh-Hans" if language["locale"] == ZH else language["locale"],
            name=language["name"], short_name=SHORT_NAMES.get(language["locale"], language["name"][:12]),
            description=language["description"], depth=1 if folder else 0, theme_color=THEME_COLOR)
        write_atomically(site / folder / offline.MANIFEST_NAME, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    search = config.plugins.get("material/search") or config.plugins.get("search")
    search_langs = list(search.config.lang or ["en"]) if search is not None else ["en"]
    shell = offline.shell_urls(site, [lang["folder"] for lang in languages], search_langs)
    expected = [(f"{lang['folder']}/" if lang["folder"] else "") + f"{offline.OFFLINE_DIR}/" for lang in languages]
    missing = [u for u in expected if u not in shell]
    if missing:
        log.warning("offline_app: offline pages were not built: %s", ", ".join(missing))
    try:
        text = offline.render_service_worker(_sw_source(config), offline.build_id(site), shell)
    except ValueError as error:
        raise PluginError(f"offline_app: {error}") from None
    write_atomically(site / offline.SW_NAME, text)
