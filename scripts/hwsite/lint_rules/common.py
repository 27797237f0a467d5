"""Shared parts of the content lint: the Finding type, what kind of page a file is,
`<!-- lint-ignore RULE -->` comments, and "prose" lines (code, URLs, HTML, math blanked).
"""

from __future__ import annotations

import functools
import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from hwsite import source as md
from hwsite.source import Source
from hwsite.site_model import HAN, HAN_CHARS, PAGE_KINDS, SECTIONS  # noqa: F401  (re-exported to the rules)

from hwsite.findings import ERROR, WARNING  # noqa: F401  (re-exported to the rules)
from hwsite.findings import Finding as _Finding

# Chinese punctuation that closes or opens a phrase; it counts as Chinese context.
CJK_CLOSING = "）》」』”’】〕、。，：；？！…—"
CJK_OPENING = "（《「『“‘【〔—…"

# Stands in for text that is not prose (code, URLs, HTML tags ...): it is neither a
# letter, a Chinese character nor a space, so no prose rule matches across it.
PROTECTED = "\x00"



@dataclass(frozen=True)
class Finding(_Finding):
    """One problem (hwsite.findings.Finding) and the rule set that found it."""

    rule: str = ""

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "file": self.file,
                "line": self.line, "message": self.message, "rule": self.rule}

    def sort_key(self) -> tuple:
        # Findings on one line keep the order they were found in (rule set, then column).
        return (self.file, self.line or 0)


@dataclass(frozen=True)
class Page:
    """A parsed source with what the rules need to know about where it lives.

    lang: 'en' or 'zh'; section: 'modules', 'fact-sheets', ... or '' for pages
    outside a section folder; kind: one of PAGE_KINDS; name: the file name.
    """

    source: Source
    lang: str
    section: str
    kind: str
    name: str
    # (language of the docs/ or docs_zh/ folder the file is in, path inside it), None
    # outside both: where its twin in the other language is. --lang does not change it.
    tree: tuple[str, str] | None = None

    @property
    def file(self) -> str:
        return self.source.file

    # Several rule sets need these; a 5 MB page should be parsed for them once.
    @cached_property
    def links(self) -> list[md.Link]:
        return md.links(self.source)

    @cached_property
    def images(self) -> list[md.Link]:
        return md.images(self.source)

    @cached_property
    def headings(self) -> list[md.Heading]:
        return md.headings(self.source)

    # Rules search the whole body at once, then look only at the lines a match is on.
    @cached_property
    def prose_body(self) -> str:
        """prose_text() of the source: the body as readers see its words."""
        return prose_text(self.source, self.links + self.images)

    @cached_property
    def prose(self) -> list[str]:
        """Each line of the file as prose (prose_body's lines), the front matter's lines
        all PROTECTED. Lines keep their lengths, so columns match the file."""
        source = self.source
        end = source.front_matter.end_line
        body = self.prose_body.split("\n") if len(source.lines) > end else []
        return [PROTECTED * len(line) for line in source.lines[:end]] + body

    @cached_property
    def prose_body_starts(self) -> list[int]:
        """Offset in prose_body where each of its lines starts (and one past the end)."""
        starts = self.source.line_starts
        base = starts[self.source.front_matter.end_line]
        return [start - base for start in starts[self.source.front_matter.end_line:]]


TREES = {"docs": "en", "docs_zh": "zh"}


def classify(path: str | Path) -> tuple[str, str, str]:
    """(lang, section, kind) of a Markdown file from where it is.

    The language comes from the nearest enclosing folder named docs_zh (Chinese) or
    docs (English); files elsewhere are English. The section is the folder directly
    under the tree (or, outside a tree, the file's own folder) when it is one of the
    site's sections.
    """
    return _locate(Path(path).resolve().parts)[:3]


def _locate(parts: tuple[str, ...]) -> tuple[str, str, str, tuple[str, str] | None]:
    """classify() of a path with symlinks resolved, split into parts, and the page's
    tree (Page.tree)."""
    lang, rel, tree = "en", parts[-2:], None
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in TREES:
            lang = TREES[parts[index]]
            rel = parts[index + 1:]
            tree = (lang, "/".join(rel))
            break
    name = parts[-1] if parts else ""
    folder = rel[-2] if len(rel) >= 2 else ""
    section = folder if folder in SECTIONS and len(rel) == 2 else ""
    if name == "index.md":
        kind = "index"
    elif section:
        kind = SECTIONS[section]
    else:
        kind = "other"
    return lang, section, kind, tree


def real_paths(paths: list[str] | list[Path]) -> list[str]:
    """os.path.realpath() (what Path.resolve() returns) of each file path, each folder
    resolved once: resolving 4,000 files one by one walked every folder of every path
    again, a quarter of a second before any file was read."""
    folders: dict[str, str] = {}
    found = []
    for path in paths:
        folder, name = os.path.split(os.fspath(path))
        if name in ("", ".", "..") or os.path.islink(path):
            found.append(os.path.realpath(path))
            continue
        real = folders.get(folder)
        if real is None:
            real = folders[folder] = os.path.realpath(folder or ".")
        found.append(os.path.join(real, name))
    return found


def make_page(source: Source, path: str | Path, lang: str | None = None,
              real_path: str | None = None) -> Page:
    """A Page for `source` read from `path`; `lang` overrides the language guess.
    real_path: the path with symlinks resolved, when the caller has it (real_paths())."""
    parts = Path(real_path).parts if real_path is not None else Path(path).resolve().parts
    guessed, section, kind, tree = _locate(parts)
    return Page(source, lang or guessed, section, kind, Path(path).name, tree)


# ---------------------------------------------------------------- lint-ignore comments

_IGNORE_HTML = re.compile(r"<!--[ \t]*lint-ignore[ \t]+(?P<rules>[^>]*?)[ \t]*-->[ \t]*\Z")
_IGNORE_YAML = re.compile(r"#[ \t]*lint-ignore[ \t]+(?P<rules>[\w, \t-]+?)[ \t]*\Z")
_RULE_NAME = re.compile(r"[a-z][a-z0-9-]*\Z")


def ignore_comments(source: Source) -> dict[int, tuple[frozenset[str], str]]:
    """Lines that end in `<!-- lint-ignore RULE[,RULE] -->` (in front matter: a YAML
    comment `# lint-ignore RULE`): line -> (rule names, raw text). A comment inside
    code does not count."""
    if "lint-ignore" not in source.text:
        return {}  # most pages
    in_code = set()
    for block in source.code_blocks:
        in_code.update(range(block.line, block.end_line + 1))
    found = {}
    end = source.front_matter.end_line
    for number, line in enumerate(source.lines, start=1):
        if "lint-ignore" not in line or number in in_code:
            continue
        if number <= end:
            match = _IGNORE_YAML.search(line) if 1 < number < end else None
        else:
            match = _IGNORE_HTML.search(line)
            # An odd number of backticks before the comment: it is inside a code span.
            if match and line[:match.start()].count("`") % 2:
                match = None
        if match:
            names = frozenset(n.strip().lower() for n in match["rules"].split(",") if n.strip())
            found[number] = (names, match.group(0).strip())
    return found


def apply_ignores(findings: list[Finding], source: Source, known: set[str],
                  rule: str = "file") -> list[Finding]:
    """Drop findings whose line carries a lint-ignore comment naming their rule set
    or code; warn about comments that name nothing known (a typo silently ignores
    nothing otherwise)."""
    comments = ignore_comments(source)
    kept = [f for f in findings
            if not (f.line in comments and ({f.rule, f.code} & comments[f.line][0]))]
    for line, (names, raw) in sorted(comments.items()):
        unknown = sorted(n for n in names if n not in known)
        if not names or unknown:
            what = ", ".join(f"'{n}'" for n in unknown) or "no rule"
            kept.append(Finding(
                "unknown-lint-ignore", WARNING, source.file, line,
                f"the comment {raw} names {what}; write a rule set (frontmatter, safety, "
                f"terms, typography, drafts) or a finding code, e.g. <!-- lint-ignore terms -->",
                rule))
    return kept


# ---------------------------------------------------------------- prose

# What prose_text() protects, one alternative each, tried in this order at each place:
# autolinks, HTML tags, bare URLs, attr_lists, inline math, footnote references. The
# patterns are compiled with IGNORECASE, but every alternative starts with a literal or a
# case-sensitive class ((?-i:[hH]) is what IGNORECASE makes of h, which has no other
# case variants): the regex engine then skips an alternative after one character
# instead of trying it at every place of the page (2.6 times faster on generated pages).
_URL_CHARS = r"[^\s<>\"'（）【】《》，。；！？、“”]+"
# The alternatives that start with a symbol, each with the text its matches start with.
_SYMBOL_ALTERNATIVES = (
    ("<", r"<(?:(?:https?|ftp)://|mailto:)[^<>\s]*>"), ("<", r"<[^<>\s@]+@[^<>\s@]+>"),  # autolinks
    ("<", r"</?[A-Za-z][A-Za-z0-9:-]*(?:[^\S\n][^<>\n]*)?/?>"),  # HTML tags
    ("{", r"\{:?[ \t]*(?:[#.][\w-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+))"  # attr_lists
          r"(?:[ \t]+(?:[#.][\w-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+)))*[ \t]*\}"),
    # inline math: $$...$$, $...$ (not after a backslash, $ or word character), \(...\)
    ("$", r"\$\$.+?\$\$"), ("$", r"\$(?<![\\$\w]\$)(?=\S)[^$\n]*?(?<=\S)\$(?![\w$])"),
    ("\\(", r"\\\(.+?\\\)"),
    ("[^", r"\[\^[^\]\s]+\]"),  # footnote references
)
# The alternatives that start with a letter: bare URLs and addresses.
_WORD_ALTERNATIVES = (
    r"(?-i:[hH])ttps?://" + _URL_CHARS, r"(?-i:[fF])tp://" + _URL_CHARS,
    r"(?-i:[mM])ailto:[^\s<>]+", r"(?-i:[wW])ww\.[A-Za-z0-9-]+\.[^\s<>（）【】《》，。；！？、“”]+",
)
_BLOCK_MARKER = re.compile(r"[ \t]*(?:!!!|\?\?\?\+?|===\+?)[ \t]+[\w-]+(?:[ \t]+[\w-]+)*")
_ABBREVIATION = re.compile(r"[ \t]*\*\[[^\]\n]+\]:")


_PARENTHESIS = re.compile(r"[()]")


def _destination_end(line: str, start: int) -> int:
    """Index after the ')' that closes the '(' at start (balanced, one line)."""
    depth = 0
    for match in _PARENTHESIS.finditer(line, start):
        if match.group() == "(":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return match.end()
    return len(line)


# No alternative matches across a line end, so one search of the whole body finds
# what a search of each line would. The alternatives that start with a letter are
# searched apart from the others, see _prose_spans().
_SYMBOL_LEADS = tuple(dict.fromkeys(lead for lead, _ in _SYMBOL_ALTERNATIVES))
_PROSE_WORDS = re.compile("|".join(_WORD_ALTERNATIVES), re.IGNORECASE)
# Where a _PROSE_WORDS match can start: at one of these letters (each alternative starts
# with a case-sensitive class), with ':' 3 to 6 characters in (ftp:, http:, https:,
# mailto:) or '.' 3 characters in (www.). Two patterns, each with a literal first
# character, which the regex engine skips to quickly (one pattern of both made it test
# every character of the page against the pair).
_WORD_FIRST = frozenset("hHfFmMwW")
_WORD_MARKS = ((re.compile(":"), (3, 4, 5, 6)), (re.compile(r"\.(?<=[wW]{3}\.)"), (3,)))


@functools.lru_cache(maxsize=None)
def _symbols_pattern(leads: tuple[str, ...]) -> re.Pattern | None:
    """One pattern of the _SYMBOL_ALTERNATIVES that start with one of leads, in their
    order; None for none. A page holds a few of the leads: alternatives that cannot
    match there are left out, and with one lead left the regex engine skips to it
    instead of testing every character against the set of first characters."""
    alternatives = [pattern for lead, pattern in _SYMBOL_ALTERNATIVES if lead in leads]
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


# Searched in "\n" + body: a literal first character lets the regex engine skip to the
# line starts instead of trying ^ at every character.
_BLOCK_MARKER_LINE = re.compile(r"\n" + _BLOCK_MARKER.pattern)
_ABBREVIATION_LINE = re.compile(r"\n" + _ABBREVIATION.pattern)
_MASKED_RUN = re.compile(r" +")
_NOT_SPACE = re.compile(r"[^ ]")


def _prose_spans(body: str) -> list[tuple[int, int]]:
    """The spans that re.finditer() of one pattern of all the alternatives (autolinks,
    HTML tags, bare URLs, the rest) finds in body (tried in order at each place, each
    search going on after the last match). That pattern spent most of its time trying the letter
    alternatives at every h, f, m and w of the page; a match of them starts where
    _WORD_MARKS say, so only those places are tried. At any place only one of the two
    groups can match: their first characters differ."""
    found = set()
    for mark_pattern, distances in _WORD_MARKS:
        for mark in mark_pattern.finditer(body):
            at = mark.start()
            for distance in distances:
                if at >= distance and body[at - distance] in _WORD_FIRST:
                    found.add(at - distance)
    candidates = sorted(found)
    spans = []
    at = index = 0
    symbols = _symbols_pattern(tuple(lead for lead in _SYMBOL_LEADS if lead in body))
    symbol = symbols.search(body) if symbols else None
    while True:
        word = None
        while index < len(candidates):
            start = candidates[index]
            if symbol is not None and start >= symbol.start():
                break
            index += 1
            if start >= at:
                word = _PROSE_WORDS.match(body, start)
                if word is not None:
                    break
        match = word or symbol
        if match is None:
            return spans
        spans.append(match.span())
        at = match.end()
        if symbol is not None and symbol.start() < at:
            symbol = symbols.search(body, at)


def _unmasked(original: str, masked: str) -> str:
    """original with what masking blanked (code, comments) as PROTECTED characters.
    Masking only ever turns characters into spaces."""
    if masked == original:
        return original
    parts, at = [], 0
    for run in _MASKED_RUN.finditer(masked):
        start, end = run.span()
        parts.append(original[at:start])
        parts.append(_NOT_SPACE.sub(PROTECTED, original[start:end]))
        at = end
    parts.append(original[at:])
    return "".join(parts)


def _protected(text: str, spans: list[tuple[int, int]]) -> str:
    """text with every character inside a span (start, end) replaced by PROTECTED."""
    parts, at = [], 0
    for start, end in sorted(spans):
        start = max(start, at)
        if end <= start:
            continue
        parts.append(text[at:start])
        parts.append(PROTECTED * (end - start))
        at = end
    parts.append(text[at:])
    return "".join(parts)


def prose_text(source: Source, links: list | None = None) -> str:
    """The body (the lines after the front matter, joined by line ends) as readers see
    its words: code, HTML comments and tags, link and image destinations, reference
    definitions, URLs, attr_lists, inline math, footnote references and admonition
    markers replaced by PROTECTED characters. It has the body's length, so offsets and
    columns match the file. `links`: md.links(source) + md.images(source) when the
    caller has them already."""
    if links is None:
        links = md.links(source) + md.images(source)
    end = source.front_matter.end_line
    line_starts = source.line_starts
    base = line_starts[end]  # where the body starts in the text
    body = source.text[base:line_starts[-1] - 1]  # without the file's last line end
    # masked_text[base:] has the body's length: compared without copying it.
    if not source.masked_text.endswith(body):  # only where code or comments were masked
        body = "\n".join(o if o == m else _unmasked(o, m)
                         for o, m in zip(source.lines[end:], source.masked[end:]))
    spans = []  # (start, end) in body to protect; none crosses a line end

    def whole_line(start: int) -> None:
        stop = body.find("\n", start)
        spans.append((start, len(body) if stop < 0 else stop))

    for link in links:
        if link.kind == "definition" and link.line > end:  # [label]: url
            whole_line(line_starts[link.line - 1] - base)
    # In "\n" + body, a match's "\n" is at the body offset where its line starts.
    lined = "\n" + body
    for match in _ABBREVIATION_LINE.finditer(lined):
        whole_line(match.start())
    for match in _BLOCK_MARKER_LINE.finditer(lined):
        spans.append((match.start(), match.end() - 1))
    spans += _prose_spans(body)
    targets_by_line: dict[int, list[str]] = {}
    for link in links:
        if link.kind == "inline" and link.line > end:
            targets_by_line.setdefault(link.line, []).append(link.target)
    for number, targets in targets_by_line.items():
        line_start = line_starts[number - 1] - base
        line = body[line_start:line_starts[number] - 1 - base]
        start = 0
        while True:
            at = line.find("](", start)
            if at < 0:
                break
            start = at + 2
            rest = line[at + 2:].lstrip(" \t").lstrip("<")
            if any(rest.startswith(target) for target in targets):
                spans.append((line_start + at + 1, line_start + _destination_end(line, at + 1)))
    return _protected(body, spans)


def lines_holding(body: str, starts: list[int], needle: str) -> list[int]:
    """Indexes of the lines of body (starts: where each begins, and one past the end)
    that hold needle, in order: str.find skips to it, where a regex whose first
    characters are a class has the regex engine test every character of the page."""
    found = []
    at = body.find(needle)
    while at >= 0:
        index = bisect_right(starts, at) - 1
        found.append(index)
        at = body.find(needle, starts[index + 1])
    return found


_FM_VALUE = re.compile(r"(?P<key>[\w-]+)[ \t]*:[ \t]*(?P<quote>[\"']?)(?P<value>.*?)(?P=quote)[ \t]*(?:#.*)?\Z")


def frontmatter_prose(source: Source, keys: tuple[str, ...] = ("title", "description")) -> dict[int, str]:
    """Prose of one-line front matter values shown to readers: line -> the line with
    everything but the value protected."""
    found = {}
    for key in keys:
        number = source.front_matter.line_of(key)
        if number is None:
            continue
        line = source.lines[number - 1]
        match = _FM_VALUE.match(line)
        if not match or match["key"] != key or not match["value"]:
            continue
        start, end = match.span("value")
        found[number] = PROTECTED * start + line[start:end] + PROTECTED * (len(line) - end)
    return found


def excerpt(line: str, start: int, end: int, width: int = 12) -> str:
    """A short piece of `line` around [start, end) for messages."""
    left = max(0, start - width)
    right = min(len(line), end + width)
    text = line[left:right].replace(PROTECTED, " ").strip()
    return ("…" if left > 0 else "") + text + ("…" if right < len(line) else "")
