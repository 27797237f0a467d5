"""Draft lint: placeholders that scripts/new_page.py writes into a new page (a
`!!! warning "Draft"` box, DRAFT/草稿 in headings and front matter) must not be merged."""

from __future__ import annotations

import re

from hwsite import source as md
from hwsite.lint_rules.common import ERROR, Finding, Page

RULE = "drafts"
CODES = {"draft-left-in": ERROR}

# What new_page.py writes; editors replace it. Upper-case DRAFT only, so that an
# ordinary "draft" in a sentence or a source title is not mistaken for a placeholder.
PLACEHOLDER = re.compile(r"(?<![A-Za-z])DRAFT(?![A-Za-z])|草稿")
DRAFT_TITLES = ("draft", "草稿")
FRONTMATTER_KEYS = ("title", "description", "last_reviewed", "when", "sources")


def is_placeholder(text: str) -> bool:
    return bool(PLACEHOLDER.search(text))


def check(page: Page) -> list[Finding]:
    source = page.source
    findings = []

    def add(line: int | None, message: str) -> None:
        findings.append(Finding("draft-left-in", ERROR, page.file, line, message, RULE))

    for key in FRONTMATTER_KEYS:
        value = source.meta.get(key)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and is_placeholder(v) for v in values):
            add(source.front_matter.line_of(key),
                f"the front matter '{key}' still holds the draft placeholder; replace it "
                "with the real text")
    for admonition in md.admonitions(source):
        title = (admonition.title or "").strip().lower()
        if admonition.type == "draft" or title in DRAFT_TITLES:
            add(admonition.line,
                "a Draft box is still in the page; write the real text in its place, then "
                "delete the box (the '!!! warning \"Draft\"' line and the indented lines under it)")
    for heading in page.headings:
        if is_placeholder(heading.text):
            add(heading.line, f"the heading '{heading.text}' is still a draft placeholder; "
                              "write the real heading (keep the {#id} at the end)")
    return findings
