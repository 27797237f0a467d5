"""Front matter lint: the keys and values each kind of page must carry (module,
fact sheet, resource, training, index and other pages)."""

from __future__ import annotations

import datetime
import re

from hwsite.lint_rules.common import ERROR, WARNING, Finding, Page
from hwsite.lint_rules.drafts import is_placeholder
from hwsite.site_model import MODULE_RANGE

RULE = "frontmatter"

CODES = {
    "frontmatter-missing": ERROR,
    "key-missing": ERROR,
    "key-unknown": WARNING,
    "title-invalid": ERROR,
    "description-invalid": ERROR,
    "description-length": ERROR,
    "module-invalid": ERROR,
    "module-mismatch": ERROR,
    "date-invalid": ERROR,
    "sources-invalid": ERROR,
    "when-invalid": ERROR,
    "translated-from-invalid": ERROR,
}

REQUIRED = {
    "module": ("title", "description", "module", "last_reviewed", "sources"),
    "fact-sheet": ("title", "description", "last_reviewed", "sources"),
    "resource": ("title", "description", "last_reviewed", "sources"),
    "training": ("title", "description", "last_reviewed", "sources", "when"),
    "index": ("title", "description"),
    "other": ("title", "description"),
}
# Keys a page may carry beyond its required ones. hide/search are Material's own.
OPTIONAL = ("last_reviewed", "sources", "hide", "search")
OPTIONAL_ZH = ("translated_from",)

DESCRIPTION_LENGTH = {"en": (50, 160), "zh": (20, 120)}

_MODULE_FILE = re.compile(r"(\d\d)-")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_WHEN = re.compile(r"(\d{4})\Z|(\d{4}-\d{2}-\d{2})\Z|(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})\Z")
_HEX12 = re.compile(r"[0-9a-f]{12}\Z")

HINTS = {
    "title": 'title: "The page title, as in the first # heading"',
    "description": 'description: "One sentence for search results and link previews."',
    "module": "module: 3   (the module number, without quotes)",
    "last_reviewed": "last_reviewed: 2026-11-22   (the date you last checked the facts)",
    "sources": 'sources:\n    - "Author, Title, year"',
    "when": 'when: "2014-10-28/2014-10-30"   (or just the year, "2020")',
}

KIND_NAMES = {"module": "module page", "fact-sheet": "fact sheet", "resource": "resource page",
              "training": "training page", "index": "section index page", "other": "page"}


def _valid_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_date(value) -> bool:
    if isinstance(value, datetime.datetime):
        return False
    if isinstance(value, datetime.date):
        return True
    return isinstance(value, str) and bool(_DATE.match(value)) and _valid_date(value)


def _when_problem(value) -> str | None:
    """Why a `when` value is wrong, or None when it is right."""
    if isinstance(value, (datetime.date, int)) and not isinstance(value, bool):
        return (f"write it in quotes, e.g. when: \"{value}\"; without quotes it is read as a "
                "number or date, not as text")
    if not isinstance(value, str):
        return 'write it as "YYYY", "YYYY-MM-DD" or "YYYY-MM-DD/YYYY-MM-DD" in quotes'
    match = _WHEN.match(value.strip())
    if not match:
        return ('write the year ("2020"), a date ("2014-10-28") or a range of dates '
                '("2014-10-28/2014-10-30")')
    dates = [d for d in match.groups()[1:] if d]
    for date in dates:
        if not _valid_date(date):
            return f"{date} is not a real date"
    if len(dates) == 2 and dates[0] > dates[1]:
        return f"the range ends ({dates[1]}) before it starts ({dates[0]})"
    return None


def check(page: Page) -> list[Finding]:
    source = page.source
    findings: list[Finding] = []
    fm = source.front_matter

    def add(code: str, line: int | None, message: str) -> None:
        findings.append(Finding(code, CODES[code], page.file, line, message, RULE))

    if not fm.present:
        required = REQUIRED[page.kind]
        add("frontmatter-missing", 1,
            f"the page has no front matter; start the file with a '---' line, then "
            f"{', '.join(required)} (one 'key: value' per line), then another '---' line")
        return findings
    meta = fm.data
    line_of = lambda key: fm.line_of(key) or fm.start_line  # noqa: E731 - a tiny helper
    kind_name = KIND_NAMES[page.kind]
    required = REQUIRED[page.kind]
    for key in required:
        if key not in meta:
            add("key-missing", fm.end_line,
                f"a {kind_name} needs '{key}' in its front matter; add a line before the "
                f"closing '---': {HINTS[key]}")
    allowed = set(required) | set(OPTIONAL) | (set(OPTIONAL_ZH) if page.lang == "zh" else set())
    for key in meta:
        if str(key) in allowed:
            continue
        if str(key) in OPTIONAL_ZH:
            why = "translated_from only belongs on Chinese pages (docs_zh/)"
        elif str(key) in ("module", "when"):
            why = f"'{key}' only belongs on {'module' if key == 'module' else 'training'} pages"
        else:
            why = f"known keys here are {', '.join(sorted(allowed))}; check the spelling"
        add("key-unknown", line_of(str(key)), f"unknown front matter key '{key}': {why}")

    def placeholder(value) -> bool:
        # The drafts rules report scaffold placeholders; checking them again is noise.
        return isinstance(value, str) and is_placeholder(value)

    if "title" in meta and not placeholder(meta["title"]):
        title = meta["title"]
        if not isinstance(title, str) or not title.strip():
            add("title-invalid", line_of("title"),
                'the title must be text; write it in quotes: title: "…"')
        elif "\n" in title.strip():
            add("title-invalid", line_of("title"), "write the title on one line")

    if "description" in meta and not placeholder(meta["description"]):
        description = meta["description"]
        low, high = DESCRIPTION_LENGTH[page.lang]
        if not isinstance(description, str) or not description.strip():
            add("description-invalid", line_of("description"),
                'the description must be text; write it in quotes: description: "…"')
        elif "\n" in description.strip():
            add("description-invalid", line_of("description"),
                "write the description on one line (it is shown as one line in search "
                "results and link previews)")
        else:
            length = len(description.strip())
            if not low <= length <= high:
                language = "Chinese" if page.lang == "zh" else "English"
                change = "shorten it" if length > high else "add a few words"
                add("description-length", line_of("description"),
                    f"the description has {length} characters; {language} descriptions need "
                    f"{low} to {high} so they fit search results and link previews: {change}")

    if "module" in meta and page.kind == "module":
        module = meta["module"]
        low, high = MODULE_RANGE
        if isinstance(module, bool) or not isinstance(module, int) or not low <= module <= high:
            add("module-invalid", line_of("module"),
                f"module must be a whole number from {low} to {high}, without quotes "
                f"(e.g. module: 3); found {module!r}")
        else:
            number = _MODULE_FILE.match(page.name)
            if not number:
                add("module-mismatch", line_of("module"),
                    f"the file name {page.name} should start with the two-digit module "
                    f"number, e.g. {module:02d}-{page.name}")
            elif int(number[1]) != module:
                add("module-mismatch", line_of("module"),
                    f"module: {module} does not match the file name {page.name} (module "
                    f"{int(number[1])}); correct whichever is wrong")

    if "last_reviewed" in meta and not placeholder(meta["last_reviewed"]):
        value = meta["last_reviewed"]
        if not _is_date(value):
            add("date-invalid", line_of("last_reviewed"),
                f"last_reviewed must be a real date written YYYY-MM-DD, e.g. "
                f"last_reviewed: 2026-11-22; found {value!r}")
        elif datetime.date.fromisoformat(str(value)) > datetime.date.today():
            # the date a person checked the page's facts: it cannot be ahead of today
            add("date-invalid", line_of("last_reviewed"),
                f"last_reviewed {value} is in the future; write the date you checked the "
                f"page's facts (today is {datetime.date.today().isoformat()})")

    if "sources" in meta:
        sources = meta["sources"]
        must_list = page.kind in ("module", "fact-sheet", "resource", "training")
        if not isinstance(sources, list) or not all(isinstance(s, str) and s.strip() for s in sources):
            add("sources-invalid", line_of("sources"),
                "sources must be a list with one line per source, each starting with '  - ' "
                'and written in quotes, e.g.\n    sources:\n      - "ILO/WHO, HealthWISE Action Manual, 2014"')
        elif must_list and not sources:
            add("sources-invalid", line_of("sources"),
                f"a {kind_name} needs at least one source; list the publications the facts "
                "on this page come from")

    if "when" in meta and page.kind == "training" and not placeholder(meta["when"]):
        problem = _when_problem(meta["when"])
        if problem:
            add("when-invalid", line_of("when"), f"'when' is not a date the site understands: {problem}")

    if "translated_from" in meta and page.lang == "zh":
        value = meta["translated_from"]
        if not isinstance(value, str) or not _HEX12.match(value):
            add("translated-from-invalid", line_of("translated_from"),
                "translated_from must be the 12-character code written by "
                "`python scripts/check_parity.py --stamp FILE`; do not edit it by hand, run "
                "that command again")
    return findings
