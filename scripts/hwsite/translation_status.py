"""The translation status page's body: progress per section and one row per page, from the
parity checker's page statuses (hwsite.parity.tree_statuses), in the page's language."""

from __future__ import annotations

import os
import posixpath
from collections import OrderedDict
from collections.abc import Mapping

from hwsite import parity
from hwsite.source import SourceError, read_source

MARKER = "<!-- translation-status -->"


def section_title(root: str, section: str, fallback: str) -> str:
    """A section's name in the page's language: the title of its index page."""
    try:
        meta = read_source(os.path.join(root, section, "index.md")).meta if section else {}
    except (SourceError, FileNotFoundError):
        meta = {}
    return str(meta.get("title") or fallback)


def status_markdown(statuses: list[parity.PageStatus], strings: Mapping[str, str], page_rel: str, root: str,
                    link_orphans: bool) -> str:
    """Progress per section and one row per page, links relative to page_rel. root: the
    page's own source folder (section names); link_orphans: pages that exist only in the
    translation are linked (true on the translation's own pages)."""
    def t(key: str) -> str:
        return strings["status." + key]

    sections: OrderedDict[str, list[parity.PageStatus]] = OrderedDict()
    for status in statuses:
        section = status.path.split("/")[0] if "/" in status.path else ""
        sections.setdefault(section, []).append(status)
    counts = {key: sum(1 for p in statuses if p.status == key) for key in ("translated", "outdated", "missing")}
    out = [t("summary").format(total=len(statuses), **counts), "",
           f"| {t('section')} | {t('progress')} |", "|---|---|"]
    for section, pages in sections.items():
        done = sum(1 for p in pages if p.status == "translated")
        percent = round(100 * done / len(pages))
        name = section_title(root, section, section) if section else t("root")
        out.append(f'| {name} | <progress max="{len(pages)}" value="{done}" aria-label="{name}: {percent}%"></progress> {done}/{len(pages)} |')
    out += ["", f"| {t('page')} | {t('status')} |", "|---|---|"]
    base = posixpath.dirname(page_rel)
    for status in statuses:
        target = posixpath.relpath(status.path, base or ".")
        link = f"[{status.path}]({target})" if status.status != "orphan" or link_orphans else status.path
        out.append(f'| {link} | <span class="hw-status hw-status--{status.status}">{t(status.status)}</span> |')
    return "\n".join(out) + "\n"
