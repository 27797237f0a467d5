"""Under the title of every module and fact sheet: when it was last reviewed
(front matter `last_reviewed`) and how long it takes to read, in the page's language;
on module pages also the "Save for offline" control (see overrides/sw.js).

The numbers come from scripts/hwsite/reading.py; the markup from
partials/hw-page-meta.html, placed after the page's <h1> once the search plugin has
indexed the page, so the line does not end up in search results.
"""

from __future__ import annotations

import os
import re
import sys

from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from hwsite import reading  # noqa: E402

log = get_plugin_logger("reading_meta")

PARTIAL = "partials/hw-page-meta.html"
# modules/01-... and fact-sheets/..., not the section index pages
_APPLIES = re.compile(r"^(?:zh/)?(?:modules/\d\d-[^/]+|fact-sheets/(?!index\.md$)[^/]+)\.md$")
_H1_END = re.compile(r"</h1>", re.I)

# The Jinja environment of the current build pass (set in on_env): the partial is
# rendered with the theme's loaders and filters, in the pass's language.
_build = {}


def _language(config) -> str:
    plugin = config.plugins.get("i18n")
    return getattr(plugin, "current_language", None) or config.theme.get("language") or "en"


def applies(src_uri: str) -> bool:
    return bool(_APPLIES.match(src_uri))


def on_env(env, config, files):
    _build["env"] = env
    return env


def on_page_content(html, page, config, files):
    if not applies(page.file.src_uri):
        return html
    page.meta["hw_reading_minutes"] = reading.reading_minutes(html)
    value = page.meta.get("last_reviewed")
    if value is not None:
        try:
            date = reading.parse_review_date(value)
        except ValueError as error:
            log.warning("%s: %s", page.file.src_uri, error)
        else:
            page.meta["hw_reviewed_iso"] = date.isoformat()
            page.meta["hw_reviewed_text"] = reading.format_date(date, _language(config))
    return html


@event_priority(-100)  # after the search plugin read page.content
def on_page_context(context, page, config, nav):
    if "hw_reading_minutes" not in page.meta or page.content is None:
        return context
    env = _build.get("env") or config.theme.get_env()
    meta = env.get_template(PARTIAL).render(page=page, config=config)
    content, n = _H1_END.subn(lambda m: m.group(0) + meta, page.content, count=1)
    # without an <h1> in the body, Material writes the title itself, right before it
    page.content = content if n else meta + page.content
    return context
