"""Content safety lint: raw HTML only from a short allowlist, no scripts, styles, event
handlers or dangerous URLs, no images from other sites, https links, and explicit
heading ids where people link to headings."""

from __future__ import annotations

import html
import re
from bisect import bisect_right

from hwsite.lint_rules.common import ERROR, Finding, Page

RULE = "safety"

CODES = {
    "html-unsafe": ERROR,
    "html-not-allowed": ERROR,
    "html-attribute-not-allowed": ERROR,
    "style-attribute": ERROR,
    "event-handler": ERROR,
    "unsafe-url": ERROR,
    "external-image": ERROR,
    "http-link": ERROR,
    "heading-id-missing": ERROR,
    "heading-id-invalid": ERROR,
    "heading-id-duplicate": ERROR,
}

ALLOWED_TAGS = frozenset({"div", "span", "abbr", "br", "sup", "sub", "kbd", "figure",
                          "figcaption", "details", "summary"})
ALLOWED_ATTRIBUTES = frozenset({"class", "id", "markdown", "lang"})
ALLOWED_TAG_ATTRIBUTES = {"abbr": frozenset({"title"}), "details": frozenset({"open"})}

# Tags that run code, load other pages or media, change the page's look or collect input.
UNSAFE_TAGS = {
    **dict.fromkeys(("script", "noscript", "template"), "runs code in the reader's browser"),
    **dict.fromkeys(("iframe", "frame", "frameset", "object", "embed", "applet", "portal"),
                    "loads another page or program into this one"),
    **dict.fromkeys(("style", "link", "meta", "base"), "changes how the whole site looks or behaves"),
    **dict.fromkeys(("form", "input", "button", "textarea", "select", "option", "label",
                     "fieldset", "output"), "collects input from readers"),
    **dict.fromkeys(("video", "audio", "source", "track", "picture", "canvas", "svg", "math"),
                    "embeds media directly"),
}
TAG_HINTS = {
    "a": "write a Markdown link: [text](page.md)",
    "img": "write a Markdown image: ![alt text](../assets/images/section/name.svg)",
    "b": "write **bold**", "strong": "write **bold**", "i": "write *italics*",
    "em": "write *italics*", "u": "use **bold** or *italics* instead of underlining",
    "p": "separate paragraphs with a blank line",
    "table": "write a Markdown table (| a | b |)", "ul": "write a list with '- '",
    "ol": "write a list with '1. '", "li": "write a list with '- '",
    "h1": "write '# Heading'", "h2": "write '## Heading {#id}'", "h3": "write '### Heading {#id}'",
    "h4": "use a bold lead-in (**Why it matters.**)", "font": "remove it; the theme sets fonts",
    "center": "remove it; the theme sets the layout", "hr": "write --- on its own line",
    "blockquote": "start the lines with '> '", "pre": "use a ``` code block",
    "code": "use `backticks`",
}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "poster", "srcset",
                  "xlink:href", "background", "cite")

_TAG = re.compile(r"<(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>(?:\s[^<>]*?)?)\s*/?>")
_ATTR = re.compile(r"""(?P<name>[^\s"'>/=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'=<>`]+)))?""")
_ATTR_LIST = re.compile(r"\{:?[ \t]*(?P<body>[^{}\n]*?)[ \t]*\}")
_ATTR_LIST_BAD = re.compile(r"""(?:^|\s)(?P<name>style|on[a-z]+)\s*=""", re.IGNORECASE)
_UNSAFE_SCHEME = re.compile(r"(?:javascript|vbscript|data|livescript):", re.IGNORECASE)
_HEADING_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
ID_SECTIONS = ("modules", "fact-sheets")


_CONTROL = re.compile(r"[\x00-\x20]+")
_REMOTE = re.compile(r"(?:https?:)?//", re.IGNORECASE)


def _scheme_is_unsafe(url: str) -> bool:
    # Browsers ignore whitespace and control characters inside a scheme, and entities
    # are decoded first: "java&#10;script:" still runs.
    cleaned = _CONTROL.sub("", html.unescape(url))
    return bool(_UNSAFE_SCHEME.match(cleaned))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _html_findings(page: Page, add) -> None:
    source = page.source
    masked = source.masked_text
    original = source.text  # the lines joined by line ends (and maybe one more)
    starts = source.line_starts
    for match in _TAG.finditer(masked):
        begin = match.start()
        if begin > 0 and original[begin - 1] == "\\":
            continue  # \<tag> is shown as text
        line = bisect_right(starts, begin)
        name = match["name"].lower()
        attrs_text = original[match.start("attrs"):match.end("attrs")]
        if name in UNSAFE_TAGS:
            add("html-unsafe", line,
                f"<{name}> is not allowed: it {UNSAFE_TAGS[name]}. Remove it; to show a video, "
                "map or form, link to it instead: [text](https://…)")
            continue
        if name not in ALLOWED_TAGS:
            hint = TAG_HINTS.get(name, "use Markdown instead")
            add("html-not-allowed", line,
                f"the HTML tag <{name}> is not allowed in pages; {hint}. Allowed HTML: "
                f"{', '.join(sorted(ALLOWED_TAGS))}")
            continue
        allowed = ALLOWED_ATTRIBUTES | ALLOWED_TAG_ATTRIBUTES.get(name, frozenset())
        for attr in _ATTR.finditer(attrs_text):
            attr_name = attr["name"].lower()
            value = next((v for v in (attr["dq"], attr["sq"], attr["uq"]) if v is not None), "")
            if attr_name == "style":
                add("style-attribute", line,
                    f"remove style=\"…\" from <{name}>; the site's look comes from the theme. "
                    "Ask the lead for a CSS class if you need a special layout")
            elif attr_name.startswith("on"):
                add("event-handler", line,
                    f"remove {attr_name}=\"…\" from <{name}>: it runs code in the reader's browser")
            elif attr_name in URL_ATTRIBUTES and _scheme_is_unsafe(value):
                add("unsafe-url", line,
                    f"remove the {attr_name} of <{name}>: javascript:, vbscript: and data: "
                    "addresses can run code or hide content")
            elif attr_name not in allowed:
                add("html-attribute-not-allowed", line,
                    f"the attribute {attr_name} is not allowed on <{name}>; allowed: "
                    f"{', '.join(sorted(allowed))}")


def _attr_list_findings(page: Page, add) -> None:
    # attr_list ({: ...} after a heading, link or paragraph) can set any HTML attribute.
    # No match crosses a line end, so one search of the page finds what one per line would.
    source = page.source
    body_start = source.line_starts[source.front_matter.end_line]
    for match in _ATTR_LIST.finditer(source.masked_text, body_start):
        if "=" not in match["body"]:
            continue  # most attr_lists: only an #id or .class
        number = bisect_right(source.line_starts, match.start())
        for bad in _ATTR_LIST_BAD.finditer(match["body"]):
            name = bad["name"].lower()
            if name == "style":
                add("style-attribute", number,
                    "remove style=… from the {…} attribute list; the site's look comes "
                    "from the theme")
            else:
                add("event-handler", number,
                    f"remove {name}=… from the {{…}} attribute list: it runs code in the "
                    "reader's browser")


def _url_findings(page: Page, add) -> None:
    for link in page.links:
        target = link.target.strip()
        if _scheme_is_unsafe(target):
            add("unsafe-url", link.line,
                f"the link '{link.text}' points to a javascript:, vbscript: or data: address, "
                "which can run code; link to a page or an https:// address instead")
        elif target.lower().startswith("http://"):
            add("http-link", link.line,
                f"change http:// to https:// in {target} (check that the page opens); if the "
                "site has no https version, find another source or ask the lead")
    for image in page.images:
        target = image.target.strip()
        if _scheme_is_unsafe(target):
            add("unsafe-url", image.line,
                "the image uses a javascript:, vbscript: or data: address; save the image as "
                "a file under docs/assets/images/ and link to it")
        elif _REMOTE.match(target):
            add("external-image", image.line,
                f"the image {target} is loaded from another website; pages must only use "
                "images stored in this project. Draw an SVG or save the image (if its licence "
                "allows) under docs/assets/images/<section>/ and link to it relatively")


def _heading_findings(page: Page, add) -> None:
    needs_id = page.section in ID_SECTIONS
    seen: dict[str, int] = {}
    for heading in page.headings:
        if heading.id is None:
            if needs_id and heading.level in (2, 3):
                hint = ""
                if page.lang == "en" and _slug(heading.text):
                    hint = f", e.g. '{'#' * heading.level} {heading.text} {{#{_slug(heading.text)}}}'"
                elif page.lang == "zh":
                    hint = ", the same id as the heading on the English page"
                add("heading-id-missing", heading.line,
                    f"add an id at the end of the heading{hint}: people link to headings on "
                    "this page, and the id keeps those links working when the wording changes")
            continue
        if not _HEADING_ID.match(heading.id):
            add("heading-id-invalid", heading.line,
                f"the heading id '{heading.id}' should be lower-case English words or numbers "
                "joined by hyphens, e.g. {#hand-hygiene}, the same in both languages")
        if heading.id in seen:
            add("heading-id-duplicate", heading.line,
                f"the id '{heading.id}' is already used by the heading on line "
                f"{seen[heading.id]}; every id on a page must be different")
        else:
            seen[heading.id] = heading.line


def check(page: Page) -> list[Finding]:
    findings: list[Finding] = []

    def add(code: str, line: int | None, message: str) -> None:
        findings.append(Finding(code, CODES[code], page.file, line, message, RULE))

    _html_findings(page, add)
    _attr_list_findings(page, add)
    _url_findings(page, add)
    _heading_findings(page, add)
    return findings
