"""Show readers how current each Chinese page is, from the same code the parity
checker uses (scripts/hwsite/parity.py):

- page.meta["hw_translation_status"] on every Chinese page, which
  partials/translation-notice.html turns into an "outdated" banner;
- the translation status page (about/translation-status.md in each language),
  where <!-- translation-status --> is replaced by per-section progress and a
  table of every page.
"""

from __future__ import annotations

import os
import posixpath
import sys
from collections import OrderedDict

from mkdocs.exceptions import PluginError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from hwsite import parity  # noqa: E402
from hwsite.source import SourceError, read_source  # noqa: E402

MARKER = "<!-- translation-status -->"
ZH = "zh"

LABELS = {
    "en": {
        "section": "Section", "progress": "Translated", "page": "Page", "status": "Status",
        "root": "Home and other pages",
        "translated": "Translated", "outdated": "Outdated", "missing": "Not yet translated",
        "orphan": "Chinese only", "english-only": "English only",
        "summary": "{translated} of {total} pages translated and current; {outdated} outdated; {missing} not yet translated.",
    },
    "zh": {
        "section": "栏目", "progress": "已翻译", "page": "页面", "status": "状态",
        "root": "首页及其他页面",
        "translated": "已翻译", "outdated": "译文过时", "missing": "尚未翻译",
        "orphan": "仅有中文", "english-only": "仅有英文",
        "summary": "共{total}个页面，其中{translated}个已翻译且为最新，{outdated}个译文过时，{missing}个尚未翻译。",
    },
}


def _roots(config) -> tuple[str, str]:
    root = os.path.dirname(config.config_file_path)
    return config.docs_dir, os.path.join(root, "docs_zh")


def _rel(page) -> str:
    uri = page.file.src_uri
    return uri[len(ZH) + 1:] if uri.startswith(ZH + "/") else uri


def _language(page) -> str:
    return getattr(page.file, "locale_alternate_of", None) or "en"


def section_title(root: str, section: str, fallback: str) -> str:
    """A section's name in the page's language: the title of its index page."""
    try:
        meta = read_source(os.path.join(root, section, "index.md")).meta if section else {}
    except (SourceError, FileNotFoundError):
        meta = {}
    return str(meta.get("title") or fallback)


def status_markdown(report: parity.Report, lang: str, page_rel: str, root: str) -> str:
    """Progress per section and one row per page, links relative to page_rel."""
    labels = LABELS[lang]
    sections: OrderedDict[str, list[parity.PageStatus]] = OrderedDict()
    for status in report.pages:
        section = status.path.split("/")[0] if "/" in status.path else ""
        sections.setdefault(section, []).append(status)
    counts = {key: sum(1 for p in report.pages if p.status == key) for key in ("translated", "outdated", "missing")}
    out = [labels["summary"].format(total=len(report.pages), **counts), "",
           f"| {labels['section']} | {labels['progress']} |", "|---|---|"]
    for section, pages in sections.items():
        done = sum(1 for p in pages if p.status == "translated")
        percent = round(100 * done / len(pages))
        name = section_title(root, section, section) if section else labels["root"]
        out.append(f'| {name} | <progress max="{len(pages)}" value="{done}" aria-label="{name}: {percent}%"></progress> {done}/{len(pages)} |')
    out += ["", f"| {labels['page']} | {labels['status']} |", "|---|---|"]
    base = posixpath.dirname(page_rel)
    for status in report.pages:
        target = posixpath.relpath(status.path, base or ".")
        link = f"[{status.path}]({target})" if status.status != "orphan" or lang == ZH else status.path
        out.append(f'| {link} | <span class="hw-status hw-status--{status.status}">{labels[status.status]}</span> |')
    return "\n".join(out) + "\n"


def on_page_markdown(markdown, page, config, files):
    lang = _language(page)
    en_root, zh_root = _roots(config)
    rel = _rel(page)
    try:
        settings = parity.load_config_cached()
        if lang == ZH and os.path.exists(os.path.join(en_root, rel)):
            page.meta["hw_translation_status"] = parity.page_status(en_root, zh_root, rel, settings)
        if MARKER in markdown:
            report = parity.check_trees(en_root, zh_root, settings)
            root = zh_root if lang == ZH else en_root
            markdown = markdown.replace(MARKER, status_markdown(report, lang, rel, root), 1)
    except SourceError as error:
        raise PluginError(f"translation status: {error}") from None
    return markdown
