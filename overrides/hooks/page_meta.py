"""Attach what templates need to know about a page's source to page.meta.

- hw_source: the Markdown file the page was built from, relative to the repo root
  (docs/... or docs_zh/...); the link checker reports it to editors.
- hw_fallback: true when a Chinese URL shows the English text (no translation yet).
- hw_original_url: the English page's URL, for notices that link to the original.
"""

from __future__ import annotations

import os


def on_page_markdown(markdown, page, config, files):
    root = os.path.dirname(config.config_file_path)
    page.meta["hw_source"] = os.path.relpath(page.file.abs_src_path, root).replace(os.sep, "/")
    locale = getattr(page.file, "locale", None)
    building = getattr(page.file, "locale_alternate_of", None)
    page.meta["hw_fallback"] = bool(locale and building and locale != building)
    alternates = getattr(page.file, "alternates", None) or {}
    if "en" in alternates:
        page.meta["hw_original_url"] = alternates["en"].url or "./"
    return markdown
