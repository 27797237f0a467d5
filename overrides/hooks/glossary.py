"""Generate the glossary outputs from scripts/data/glossary.yml at build time.

- before the search plugin loads it: the jieba user dictionary (.cache/generated/),
  so Chinese search keeps the site's domain terms whole;
- the glossary page body of each language, appended where glossary.md says
  <!-- glossary -->;
- definitions of glossary terms in every other page: the first occurrence of each
  term gets <abbr title tabindex="0">; site.js shows the definition on tap or focus.
The logic lives in scripts/hwsite/glossary.py, shared with the linters and tests.
"""

from __future__ import annotations

import os
import sys

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from hwsite import glossary  # noqa: E402
from hwsite.files import write_atomically  # noqa: E402

MARKER = "<!-- glossary -->"


def _terms(config):
    try:
        return glossary.load_glossary_cached()
    except glossary.GlossaryError as error:
        raise PluginError(str(error)) from None


@event_priority(100)  # before Material's search plugin reads jieba_dict_user
def on_config(config):
    terms = _terms(config)
    search = config.plugins.get("material/search") or config.plugins.get("search")
    target = search.config.jieba_dict_user if search else None
    if target:
        path = os.path.join(os.path.dirname(config.config_file_path), target)
        text = glossary.jieba_user_dict(terms)
        if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
            write_atomically(path, text)
    return config


def on_page_markdown(markdown, page, config, files):
    if MARKER not in markdown:
        return markdown
    lang = "zh" if getattr(page.file, "locale", "en") == "zh" else "en"
    return markdown.replace(MARKER, glossary.glossary_markdown(_terms(config), lang), 1)


def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith("glossary.md"):
        return html
    lang = "zh" if getattr(page.file, "locale_alternate_of", "en") == "zh" and getattr(page.file, "locale", "en") == "zh" else "en"
    return glossary.annotate_terms(html, _terms(config), lang)
