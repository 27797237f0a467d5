"""Chinese typography lint (Chinese pages only): half-width punctuation and brackets in
Chinese text, doubled punctuation, mixed brackets, and spaces between Chinese and Latin
letters or numbers (mainland style: none). Safe fixes for --fix."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from hwsite import source as md
from hwsite.lint_rules.common import (CJK_CLOSING, CJK_OPENING, ERROR, HAN, HAN_CHARS, Finding, Page,
                                      excerpt, frontmatter_prose, lines_holding)

RULE = "typography"
CODES = {
    "halfwidth-punctuation": ERROR,
    "doubled-punctuation": ERROR,
    "mixed-brackets": ERROR,
    "cjk-latin-space": ERROR,
}
MAX_FIX_ROUNDS = 10

FULL_WIDTH = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
LEFT_CHINESE = HAN_CHARS + CJK_CLOSING
RIGHT_CHINESE = HAN_CHARS + CJK_OPENING
CHINESE_CONTEXT = set(CJK_CLOSING + CJK_OPENING)

_PUNCT = re.compile(
    rf"(?<=[{LEFT_CHINESE}])[*_~]*(?P<p>[,.:;?!])(?P<space>[ \t]*)"
    rf"(?=[*_~]*(?P<right>[{RIGHT_CHINESE}]|[A-Za-z0-9\[]|\Z))")
_BRACKET = re.compile(r"[(（)）]")
_DOUBLED = re.compile(r"([。，！？；：、])\1+")
_SPACE = re.compile(rf"(?<=[{HAN_CHARS}])[ \t]+(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])[ \t]+(?=[{HAN_CHARS}])")
_ENTITY_END = re.compile(r"&#?[A-Za-z0-9]+\Z")
# Where the rules above can find something (more places than they do, none across a line
# end): a half-width mark or closing bracket, a doubled mark, and _SPACE's own matches
# (a space next to any Chinese character made every list item and heading a candidate).
# Searching the whole page for these leaves the few lines worth checking: the marks with
# str.find, the spaces with one pattern per kind of space, each starting with a literal,
# which the regex engine skips to quickly (a class of first characters it tests at
# every character).
_CANDIDATE_MARKS = tuple(",.:;?!)）") + tuple(mark * 2 for mark in "。，！？；：、")
_CANDIDATE_SPACES = tuple(
    re.compile(rf"{space}(?:(?<=[{HAN_CHARS}]{space})[ \t]*(?=[A-Za-z0-9])"
               rf"|(?<=[A-Za-z0-9%]{space})[ \t]*(?=[{HAN_CHARS}]))")
    for space in " \t")


@dataclass(frozen=True)
class Edit:
    """Replace columns [start, end) of a line."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True)
class Issue:
    code: str
    line: int
    start: int
    end: int
    message: str
    edits: tuple[Edit, ...] = ()


@dataclass(frozen=True)
class Change:
    """A fix that was applied: the line, the finding code, the text before and after."""

    line: int
    code: str
    before: str
    after: str

    def to_dict(self) -> dict:
        return {"line": self.line, "code": self.code, "before": self.before, "after": self.after}


def _is_chinese(char: str) -> bool:
    return bool(char) and (bool(HAN.match(char)) or char in CHINESE_CONTEXT)


def _punctuation(text: str, number: int) -> list[Issue]:
    issues = []
    for match in _PUNCT.finditer(text):
        punct, right = match["p"], match["right"]
        at = match.start("p")
        if punct == "." and right and not _is_chinese(right):
            continue  # 说明.docx, or an abbreviation before Latin text
        if punct == "!" and right == "[":
            continue  # ![image](...)
        if punct == ";" and _ENTITY_END.search(text, 0, at):
            continue  # &nbsp;
        if punct == "." and text[at + 1:at + 2] == ".":
            continue  # an ellipsis written with dots
        edits = [Edit(at, at + 1, FULL_WIDTH[punct])]
        if match["space"] and right:  # trailing spaces may be a Markdown line break
            edits.append(Edit(match.start("space"), match.end("space"), ""))
        issues.append(Issue(
            "halfwidth-punctuation", number, at, at + 1,
            f"use the Chinese '{FULL_WIDTH[punct]}' instead of '{punct}' in "
            f"'{excerpt(text, at, at + 1)}'", tuple(edits)))
    return issues


def _doubled(text: str, number: int) -> list[Issue]:
    return [Issue("doubled-punctuation", number, m.start(), m.end(),
                  f"'{m.group(0)}' repeats a punctuation mark in '{excerpt(text, m.start(), m.end())}'; "
                  "keep one (only …… and —— are written double)")
            for m in _DOUBLED.finditer(text)]


def _neighbour(text: str, index: int, step: int) -> tuple[str, int]:
    """The nearest non-space character from index in direction step, and where the
    spaces before it begin (index itself when there are none)."""
    position = index
    while 0 <= position < len(text) and text[position] in " \t":
        position += step
    return (text[position] if 0 <= position < len(text) else ""), position


def _bracket_edits(text: str, opening: int, closing: int) -> tuple[Edit, ...]:
    """Both brackets to full width, and the spaces around them removed when they sit
    between words (not after a list marker, not before a line end)."""
    def removable(char: str) -> bool:
        return _is_chinese(char) or char.isalnum()

    left_char, left_at = _neighbour(text, opening - 1, -1)
    right_char, right_at = _neighbour(text, closing + 1, 1)
    inner_start = _neighbour(text, opening + 1, 1)[1]
    inner_end = _neighbour(text, closing - 1, -1)[1]
    start = left_at + 1 if removable(left_char) else opening
    end = right_at if removable(right_char) else closing + 1
    edits = [Edit(start, opening + 1, "（"), Edit(closing, end, "）")]
    if inner_start < closing and inner_start > opening + 1:
        edits.append(Edit(opening + 1, inner_start, ""))
    if inner_end > opening and inner_end < closing - 1:
        edits.append(Edit(inner_end + 1, closing, ""))
    return tuple(edits)


def _brackets(text: str, number: int) -> list[Issue]:
    issues = []
    stack: list[int] = []
    for bracket in _BRACKET.finditer(text):
        index, char = bracket.start(), bracket.group()
        if char in "(（":
            stack.append(index)
            continue
        if not stack:
            continue
        opening = stack.pop()
        open_char = text[opening]
        content = text[opening + 1:index]
        has_han = bool(HAN.search(content))
        shown = excerpt(text, opening, index + 1, width=4)
        if (open_char == "（") != (char == "）"):
            edits = _bracket_edits(text, opening, index) if has_han or _is_chinese(
                _neighbour(text, opening - 1, -1)[0]) else ()
            issues.append(Issue(
                "mixed-brackets", number, opening, index + 1,
                f"the bracket opened with '{open_char}' is closed with '{char}' in '{shown}'; "
                "use （…） in Chinese text", edits))
        elif open_char == "(":
            left = _neighbour(text, opening - 1, -1)[0]
            right = _neighbour(text, index + 1, 1)[0]
            chinese_content = has_han and not re.search(r"[A-Za-z]", content)
            if _is_chinese(left) or _is_chinese(right) or chinese_content:
                issues.append(Issue(
                    "halfwidth-punctuation", number, opening, index + 1,
                    f"use Chinese brackets （…） instead of (…) in '{shown}'",
                    _bracket_edits(text, opening, index)))
    return issues


def _spaces(text: str, number: int) -> list[Issue]:
    issues = []
    for match in _SPACE.finditer(text):
        before, after = text[match.start() - 1], text[match.end()]
        issues.append(Issue(
            "cjk-latin-space", number, match.start(), match.end(),
            f"remove the space between '{before}' and '{after}' in "
            f"'{excerpt(text, match.start(), match.end())}': Chinese is written next to Latin "
            "letters and numbers without a space, e.g. 'HealthWISE培训', '2014年'",
            (Edit(match.start(), match.end(), ""),)))
    return issues


def line_issues(text: str, number: int) -> list[Issue]:
    """Typography issues of one prose line (see common.Page.prose)."""
    if not text.strip("\x00 \t"):
        return []
    return sorted(_punctuation(text, number) + _doubled(text, number) + _brackets(text, number)
                  + _spaces(text, number), key=lambda i: (i.start, i.code))


def _issues(page: Page) -> tuple[list[Issue], list[Issue]]:
    """(body issues, front matter issues) of a Chinese page."""
    body = []
    end = page.source.front_matter.end_line
    texts = page.prose[end:]
    starts, joined = page.prose_body_starts, page.prose_body
    candidates = {index for mark in _CANDIDATE_MARKS for index in lines_holding(joined, starts, mark)}
    candidates.update(bisect_right(starts, m.start()) - 1
                      for pattern in _CANDIDATE_SPACES for m in pattern.finditer(joined))
    for index in sorted(candidates):
        body += line_issues(texts[index], end + index + 1)
    front = []
    for number, text in sorted(frontmatter_prose(page.source).items()):
        front += line_issues(text, number)
    return body, front


def check(page: Page) -> list[Finding]:
    if page.lang != "zh":
        return []
    body, front = _issues(page)
    findings = []
    for issue in body:
        tail = " (python scripts/lint_content.py --fix can do this)" if issue.edits else ""
        findings.append(Finding(issue.code, CODES[issue.code], page.file, issue.line,
                                issue.message + tail, RULE))
    for issue in front:
        findings.append(Finding(issue.code, CODES[issue.code], page.file, issue.line,
                                issue.message + " (front matter: change it by hand)", RULE))
    return findings


def _apply(line: str, edits: list[Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        line = line[:edit.start] + edit.replacement + line[edit.end:]
    return line


def fix_text(text: str, page: Page) -> tuple[str, list[Change]]:
    """Apply the safe typography fixes to a Chinese page's text (LF line ends, no BOM).
    Front matter and code are never changed. Returns the new text and the changes."""
    if page.lang != "zh":
        return text, []
    changes: list[Change] = []
    current = page
    for _ in range(MAX_FIX_ROUNDS):
        body, _front = _issues(current)
        lines = list(current.source.lines)
        touched: dict[int, list[Edit]] = {}
        taken: dict[int, list[tuple[int, int]]] = {}
        for issue in body:
            if not issue.edits:
                continue
            spans = [(e.start, e.end) for e in issue.edits]
            low, high = min(s for s, _ in spans), max(e for _, e in spans)
            # Overlapping fixes on one line wait for the next round.
            if any(low < end and start < high for start, end in taken.get(issue.line, [])):
                continue
            taken.setdefault(issue.line, []).append((low, high))
            touched.setdefault(issue.line, []).extend(issue.edits)
            original = lines[issue.line - 1]
            region = slice(max(0, low - 6), min(len(original), high + 6))
            after = _apply(original, [Edit(e.start, e.end, e.replacement) for e in issue.edits])
            shift = len(after) - len(original)
            changes.append(Change(issue.line, issue.code, original[region].strip(),
                                  after[region.start:region.stop + shift].strip()))
        if not touched:
            break
        for number, edits in touched.items():
            lines[number - 1] = _apply(lines[number - 1], edits)
        text = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
        current = Page(md.parse_source(text, page.file), page.lang, page.section, page.kind, page.name,
                       page.tree)
    return text, changes


def restore_line_ends(raw: str, new_text: str) -> str:
    """Put the fixed lines of new_text (LF only) back into raw (the file as it was,
    possibly with CRLF), keeping every line's own line end. Fixes never add or remove
    lines, so the lines correspond one to one."""
    parts = re.split(r"(?<=\n)", raw)
    if parts and parts[-1] == "":
        parts.pop()
    new_lines = md.split_lines(new_text)
    if len(parts) != len(new_lines):  # cannot happen: fixes keep the number of lines
        raise ValueError("a typography fix changed the number of lines")
    out = []
    for part, line in zip(parts, new_lines):
        end = "\r\n" if part.endswith("\r\n") else "\n" if part.endswith("\n") else ""
        out.append(line + end)
    return "".join(out)
