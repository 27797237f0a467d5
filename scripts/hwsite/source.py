"""The one reader of the site's Markdown sources: decoding, front matter, and the
headings, links, images, tables, admonitions and code blocks every tool agrees on.

Every checker, linter and build hook imports this module instead of parsing Markdown
itself, so "what counts as a heading" or "is this inside code" has one answer.
All functions are pure except read_source(), which reads one file.

Line numbers are 1-based and count every line of the file, front matter included.
Columns are preserved by masking: masked text has the same length as the original.

The dialect is Python-Markdown as MkDocs configures it here (attr_list, admonition,
pymdownx.details, pymdownx.superfences, md_in_html, footnotes, def_list, tables).
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
from pathlib import Path
from typing import Iterable, NamedTuple

import yaml

# libyaml is ten times faster and gives the same results for front matter.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

BOM = "\ufeff"
TAB_LENGTH = 4  # Python-Markdown's tab_length: indentation of admonition/list content


class SourceError(Exception):
    """A source that cannot be used (undecodable, malformed front matter ...).

    `file` is the path as the caller named it, `line` the 1-based line in that file
    (None when no line applies), `message` what is wrong and how to fix it.
    str(error) is "file:line: message", ready to print for an editor.
    """

    def __init__(self, file: str | Path, line: int | None, message: str):
        self.file = str(file)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class FrontMatter:
    """The YAML front matter of a source.

    present: the file starts with a '---' block. start_line/end_line: the lines of the
    opening and closing '---' (0 when absent). data: the parsed mapping ({} when absent
    or empty). key_lines: line of each top-level key as written.
    """

    present: bool
    data: dict
    start_line: int
    end_line: int
    key_lines: dict

    def line_of(self, key: str) -> int | None:
        """Line of a top-level key, or None when the key is not written."""
        return self.key_lines.get(key)


class Heading(NamedTuple):
    """An ATX heading. text is the raw Markdown text without '#'s and attr_list;
    id the explicit attr_list id ({#id}, {: #id}, {id=x}) or None."""

    level: int
    text: str
    id: str | None
    line: int


class Link(NamedTuple):
    """A link or image target.

    kind: 'inline' ([t](x), ![a](x)), 'definition' (a reference definition [label]: x;
    text is the label), 'html' (<a href>, <img src>; text is the inner text or alt),
    'autolink' (<https://...>).
    """

    target: str
    text: str
    line: int
    kind: str


class CodeBlock(NamedTuple):
    """A code block: fenced (``` or ~~~) or indented. lang is the first word of the
    info string ('' when none); end_line the closing fence (or last line if unclosed)."""

    line: int
    end_line: int
    lang: str
    fenced: bool
    closed: bool


class Table(NamedTuple):
    """A pipe table: line of its header row, number of body rows, number of columns."""

    line: int
    rows: int
    columns: int


class Admonition(NamedTuple):
    """An admonition (!!! type) or details block (??? type / ???+ type)."""

    type: str
    title: str | None
    line: int
    collapsible: bool


@dataclass(frozen=True)
class Source:
    """A decoded Markdown source, ready for matching.

    text: the whole file, BOM stripped, CRLF turned into LF. lines: text split on LF
    (no line ends; lines[0] is line 1). masked: lines of the same lengths with front
    matter, code (fenced, indented, inline) and HTML comments replaced by spaces.
    body / body_line: the text after the front matter and the line it starts on.
    """

    file: str
    text: str
    had_bom: bool
    had_crlf: bool
    lines: tuple[str, ...]
    front_matter: FrontMatter
    masked: tuple[str, ...]
    code_blocks: tuple[CodeBlock, ...]

    @property
    def meta(self) -> dict:
        """The front matter mapping ({} when there is none)."""
        return self.front_matter.data

    @property
    def body_line(self) -> int:
        return self.front_matter.end_line + 1

    @property
    def body(self) -> str:
        return "\n".join(self.lines[self.front_matter.end_line:])

    # Worked out once per source for the scanners that search the whole page.
    @cached_property
    def masked_text(self) -> str:
        """The masked lines joined by line ends."""
        return "\n".join(self.masked)

    @cached_property
    def line_starts(self) -> list[int]:
        """Offset where each line starts in the lines joined by line ends (the same in
        masked_text), and one past the end: bisect_right(line_starts, offset) is the
        line of an offset."""
        return list(accumulate((len(line) + 1 for line in self.lines), initial=0))

    @cached_property
    def links_and_images(self) -> tuple[tuple[Link, ...], tuple[Link, ...]]:
        """(links, images) in line order, found in one scan of the page (see links() and
        images()): the checkers ask for both."""
        links, images = _scan_links(self)
        return tuple(links), tuple(images)


# ---------------------------------------------------------------- reading

def decode_source(data: bytes, file: str | Path = "<bytes>") -> tuple[str, bool, bool]:
    """Decode a file's bytes: (text, had_bom, had_crlf). Text has no BOM and LF ends.

    Lone CRs are kept so that line numbers match what editors and `git diff` show.
    Raises SourceError with the line of the first byte that is not UTF-8.
    """
    had_bom = data.startswith(b"\xef\xbb\xbf")
    if had_bom:
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise SourceError(
            file, line,
            f"not valid UTF-8 (byte 0x{data[error.start]:02x} at column {column}); "
            "re-save the file as UTF-8",
        ) from None
    had_crlf = "\r\n" in text
    return text.replace("\r\n", "\n"), had_bom, had_crlf


def read_source(path: str | Path, name: str | None = None) -> Source:
    """Read and parse one Markdown file. `name` is how errors name the file
    (default: the path as given). Raises SourceError, also for unreadable files."""
    name = name if name is not None else str(path)
    try:
        with open(path, "rb") as handle:  # what Path.read_bytes() does, without a Path
            data = handle.read()
    except FileNotFoundError:
        raise SourceError(name, None, "file not found") from None
    except IsADirectoryError:
        raise SourceError(name, None, "is a folder, not a Markdown file") from None
    except OSError as error:
        raise SourceError(name, None, f"cannot read file: {error.strerror or error}") from None
    text, had_bom, had_crlf = decode_source(data, name)
    return parse_source(text, name, had_bom=had_bom, had_crlf=had_crlf)


def parse_source(text: str, file: str | Path = "<string>", *,
                 had_bom: bool = False, had_crlf: bool = False) -> Source:
    """Parse Markdown text (a BOM and CRLFs are accepted and normalised here too).
    Raises SourceError for malformed or non-mapping front matter."""
    file = str(file)
    if text.startswith(BOM):
        text, had_bom = text[1:], True
    if "\r\n" in text:
        text, had_crlf = text.replace("\r\n", "\n"), True
    lines = split_lines(text)
    front_matter = parse_front_matter(lines, file)
    blanked = list(lines)
    for index in range(front_matter.end_line):
        blanked[index] = " " * len(blanked[index])
    masked, blocks = _scan(blanked)
    return Source(file, text, had_bom, had_crlf, tuple(lines), front_matter,
                  tuple(masked), tuple(blocks))


def split_front_matter(text: str, file: str | Path = "<string>") -> tuple[dict, str, int]:
    """(front matter mapping, body, line the body starts on) of Markdown text.
    Raises SourceError like parse_source()."""
    source = parse_source(text, file)
    return source.meta, source.body, source.body_line


def split_lines(text: str) -> list[str]:
    """Split on LF only (str.splitlines also splits on form feeds, U+2028 ...,
    which would shift line numbers). A final line end does not start a new line."""
    if not text:
        return []
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def markdown_files(root: str | Path) -> list[str]:
    """Relative paths (forward slashes) of the .md files under root, sorted, skipping
    hidden files and folders as MkDocs does (what Path.rglob('*.md') finds: symlinked
    files are listed, symlinked folders are not entered). os.scandir knows from the
    folder listing what is a folder: pathlib spent a stat and several Path objects on
    each of 4,000 files before any was read."""
    found: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except PermissionError:
            return  # as rglob: a folder that cannot be listed is left out
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, prefix + entry.name + "/")
            elif entry.name.endswith(".md") and entry.is_file():
                found.append(prefix + entry.name)

    walk(os.fspath(root), "")
    return sorted(found)


# ---------------------------------------------------------------- front matter

_FM_OPEN = re.compile(r"---[ \t]*\Z")
_FM_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*\Z")
_FM_KEY = re.compile(r"""(?:"([^"]+)"|'([^']+)'|([^\s#'"\-?:][^:]*?))[ \t]*:(?:[ \t]|\Z)""")


def parse_front_matter(lines: list[str] | tuple[str, ...], file: str = "<string>") -> FrontMatter:
    """Find and parse the '---' front matter at the top of `lines`.

    Raises SourceError naming the real line in the file for malformed YAML, an
    unclosed block, or front matter that is not a mapping of keys to values.
    """
    if not lines or not _FM_OPEN.match(lines[0]):
        return FrontMatter(False, {}, 0, 0, {})
    end = next((i for i in range(1, len(lines)) if _FM_CLOSE.match(lines[i])), None)
    if end is None:
        raise SourceError(file, 1, "front matter opened by '---' on line 1 is never closed; "
                                   "add a '---' line after the last key")
    raw = "\n".join(lines[1:end])
    # The depth cannot exceed the number of openers: counting them is 20x cheaper.
    if raw.count("[") + raw.count("{") > MAX_FLOW_DEPTH and _flow_depth(raw) > MAX_FLOW_DEPTH:
        # libyaml crashes the interpreter (not an exception) on very deep [[[...]]].
        raise SourceError(file, 2, f"malformed front matter: brackets nested more than "
                                   f"{MAX_FLOW_DEPTH} deep; check the [ ] and {{ }}")
    try:
        data = yaml.load(raw, Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        # The YAML text starts on line 2, after the opening '---'.
        line, problem = yaml_error_position(error, first_line=2)
        raise SourceError(file, line or 1,
                          f"malformed front matter (YAML): {problem}; "
                          "check quotes, colons, brackets and indentation") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        # Well-formed YAML whose value cannot be built, e.g. the date 2026-13-01.
        line = _unbuildable_line(lines, 1, end)
        raise SourceError(file, line, f"malformed front matter: a value cannot be read "
                                      f"({error}); check dates (YYYY-MM-DD) and numbers") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise SourceError(file, 2, f"front matter must be 'key: value' lines, not a YAML "
                                   f"{type(data).__name__}")
    # Without an alias every value is written out, in at least one character of its
    # own: short front matter with no '*' cannot hold too many (most pages).
    size = _expanded_size(data) if "*" in raw or len(raw) > MAX_FRONT_MATTER_VALUES // 2 else 1
    if size is None or size > MAX_FRONT_MATTER_VALUES:
        # YAML aliases (*name) can make a value contain itself, or expand to billions of
        # values; every tool that walks or hashes the front matter would hang or crash.
        alias = next((i + 1 for i in range(1, end) if _ALIAS.search(lines[i])), 2)
        why = "refers to the value that contains it" if size is None else "expands to too many values"
        raise SourceError(file, alias, f"malformed front matter: a YAML alias (*name) {why}; "
                                       "write the value out instead")
    key_lines: dict[str, int] = {}
    for index in range(1, end):
        match = _FM_KEY.match(lines[index])
        if match:
            key = next(g for g in match.groups() if g is not None)
            key_lines.setdefault(key, index + 1)
    return FrontMatter(True, data, 1, end + 1, key_lines)


MAX_FLOW_DEPTH = 100
MAX_FRONT_MATTER_VALUES = 100_000
_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\]}]+")


def _expanded_size(root) -> int | None:
    """How many values `root` holds once YAML aliases are expanded (shared lists and
    mappings counted each time they appear); None when one contains itself."""
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        children = list(node.values()) if isinstance(node, dict) else node
        key = id(node)
        if leaving:
            active.discard(key)
            sizes[key] = 1 + sum(sizes.get(id(child), 1) for child in children)
            continue
        if key in sizes:
            continue
        if key in active:
            return None
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children
                     if isinstance(child, (list, dict)) and id(child) not in sizes)
    return sizes.get(id(root), 1)


def _flow_depth(text: str) -> int:
    """Deepest nesting of [ and { (quotes not considered: a cheap upper bound)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def _unbuildable_line(lines, start: int, end: int) -> int:
    """The file line (1-based) of the first front matter line whose value alone
    cannot be built (lines[start:end] is the YAML); the first YAML line if none is."""
    for index in range(start, end):
        try:
            yaml.load(lines[index].strip(), Loader=_YAML_LOADER)
        except (ValueError, TypeError, OverflowError, RecursionError):
            return index + 1
        except yaml.YAMLError:
            continue
    return start + 1


def yaml_error_position(error: yaml.YAMLError, first_line: int = 1) -> tuple[int | None, str]:
    """(line in the file, description) of a YAML error in text that starts on
    `first_line` of the file.

    An unclosed bracket or quote is only noticed at the end of the text; YAML's
    context mark ("while parsing a flow sequence") points at where it was opened,
    which is where an editor has to look, so it wins over the problem mark.
    """
    problem = getattr(error, "problem", None) or str(error).splitlines()[0]
    context = getattr(error, "context", None)
    problem_mark = getattr(error, "problem_mark", None)
    context_mark = getattr(error, "context_mark", None)
    mark = context_mark or problem_mark
    if mark is None:
        return None, problem
    if context:
        problem = f"{context}, {problem}"
        if problem_mark is not None and problem_mark.line != mark.line:
            problem += f" (noticed on line {problem_mark.line + first_line})"
    return mark.line + first_line, problem


# ---------------------------------------------------------------- masking

_FENCE_OPEN = re.compile(r"(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)\Z")
_CONTAINER = re.compile(
    r"(?:!!!|\?\?\?\+?|===\+?)[ \t]"  # admonition, details, tabs: content indented 4
    r"|(?:[-*+]|\d+[.)])(?:[ \t]|\Z)"  # list item
    r"|:[ \t]"  # definition list
    r"|\[\^[^\]]+\]:"  # footnote definition
)
_CONTAINER_FIRST = frozenset("!?=-*+:[0123456789")  # what a _CONTAINER match can start with


def _indent_width(line: str) -> int:
    if line[:1] not in (" ", "\t"):
        return 0
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += TAB_LENGTH - width % TAB_LENGTH
        else:
            break
    return width


def _blank(text: str) -> str:
    return " " * len(text)


_INLINE_SPECIAL = re.compile(r"[\\`<]")


def _mask_inline(line: str, in_comment: bool) -> tuple[str, bool]:
    """Mask code spans and HTML comments in one line; carry comment state over lines."""
    if not in_comment and not _INLINE_SPECIAL.search(line):
        return line, False
    out = list(line)
    i, n = 0, len(line)
    while i < n:
        if in_comment:
            end = line.find("-->", i)
            stop = n if end < 0 else end + 3
            out[i:stop] = " " * (stop - i)
            if end < 0:
                break
            in_comment, i = False, stop
            continue
        special = _INLINE_SPECIAL.search(line, i)
        if special is None:
            break
        i = special.start()
        char = line[i]
        if char == "\\":
            i += 2
        elif char == "<":
            if line.startswith("<!--", i):
                in_comment, i = True, i + 4
                out[i - 4:i] = "    "
            else:
                i += 1
        else:
            run = len(line[i:]) - len(line[i:].lstrip("`"))
            closing = re.compile(r"(?<!`)`{%d}(?!`)" % run).search(line, i + run)
            if closing:
                out[i:closing.end()] = " " * (closing.end() - i)
                i = closing.end()
            else:
                i += run  # an unmatched run is literal backticks
    return "".join(out), in_comment


def _scan(lines: list[str]) -> tuple[list[str], list[CodeBlock]]:
    """Mask code and comments; return the masked lines and the code blocks found."""
    masked: list[str] = []
    blocks: list[CodeBlock] = []
    fence: tuple[re.Pattern, int, str] | None = None  # closing line, start line, lang
    indented: tuple[int, int] | None = None  # code indent, start line
    containers = [0]  # content indents of open admonitions/list items
    in_comment = False
    prev_blank = True
    # Most pages have no code, HTML or escapes at all: then no line is searched for them.
    page = "\n".join(lines)
    fences = "```" in page or "~~~" in page
    inline = "`" in page or "<" in page or "\\" in page
    for number, line in enumerate(lines, start=1):
        if fence is not None:
            closing, start, lang = fence
            if closing.fullmatch(line):
                blocks.append(CodeBlock(start, number, lang, True, True))
                fence = None
                prev_blank = False
            masked.append(_blank(line))
            continue
        if in_comment:
            text, in_comment = _mask_inline(line, True)
            masked.append(text)
            prev_blank = not line.strip()
            continue
        if not line or line.isspace():
            masked.append(line)
            prev_blank = True
            continue
        indent = _indent_width(line) if line[0] in " \t" else 0
        content = line.lstrip(" \t")
        is_container = content[:1] in _CONTAINER_FIRST and bool(_CONTAINER.match(content))
        if indented is not None:
            if indent >= indented[0]:
                masked.append(_blank(line))
                blocks[-1] = blocks[-1]._replace(end_line=number)
                continue
            indented = None
        if prev_blank or is_container:
            # A lazy continuation line (no blank line before it) keeps its container open.
            while len(containers) > 1 and indent < containers[-1]:
                containers.pop()
        opening = _FENCE_OPEN.match(line) if fences and ("```" in line or "~~~" in line) else None
        if opening and not (opening["fence"][0] == "`" and "`" in opening["info"]):
            info = opening["info"].strip().lstrip("{").lstrip(".")
            lang = re.split(r"[\s{}]", info, maxsplit=1)[0] if info else ""
            closing = re.compile(r"[ \t]*%s{%d,}[ \t]*" % (re.escape(opening["fence"][0]), len(opening["fence"])))
            fence = (closing, number, lang)
            masked.append(_blank(line))
            prev_blank = False
            continue
        if prev_blank and indent >= containers[-1] + TAB_LENGTH:
            indented = (containers[-1] + TAB_LENGTH, number)
            blocks.append(CodeBlock(number, number, "", False, True))
            masked.append(_blank(line))
            prev_blank = False
            continue
        if is_container:
            containers.append(indent + TAB_LENGTH)
        if inline and ("`" in line or "<" in line or "\\" in line):
            text, in_comment = _mask_inline(line, False)
            masked.append(text)
        else:  # nothing to mask (what _mask_inline checks first, without the call)
            masked.append(line)
        prev_blank = False
    if fence is not None:
        blocks.append(CodeBlock(fence[1], len(lines), fence[2], True, False))
    return masked, blocks


def mask_code(lines: Iterable[str]) -> list[str]:
    """Return `lines` with fenced code blocks (``` or ~~~, any length, at any indent),
    indented code blocks, inline code spans and HTML comments (also multi-line)
    replaced by spaces. Every line keeps its length, so lines and columns still point
    at the original text. Front matter is not special here (see Source.masked)."""
    return _scan(list(lines))[0]


# ---------------------------------------------------------------- headings

_ATX = re.compile(r"(?P<indent>[ \t]*)(?P<hashes>#{1,6})(?!#)")
_HASH_LINE = re.compile(r"\n[ \t]*#")
_ATTR_LIST = re.compile(r"[ ]+\{:?[ ]*([^\}\n ][^\}\n]*)[ ]*\}[ ]*\Z")
_ATTR_ID = re.compile(r"""(?:^|\s)(?:\#([^\s"'}]+)|id=(?:"([^"]*)"|'([^']*)'|([^\s"'}]+)))""")


def parse_attr_list_id(attrs: str) -> str | None:
    """The id set by an attr_list body such as '#overview .cls' or 'id=x' (last wins)."""
    found = None
    for match in _ATTR_ID.finditer(attrs):
        found = next(g for g in match.groups() if g is not None)
    return found


def headings(source: Source) -> list[Heading]:
    """ATX headings (# to ######) outside front matter, code and HTML comments,
    including headings indented inside admonitions and lists. Like Python-Markdown,
    no space is needed after the '#'s, closing '#'s are dropped, and an attr_list
    must be separated from the text by a space: '## Overview {#overview}'."""
    found = []
    starts = source.line_starts
    # Only the lines whose masked text starts with a '#' (after spaces) can be headings;
    # in "\n" + masked_text, a match's "\n" is at the offset where its line starts.
    for line_start in _HASH_LINE.finditer("\n" + source.masked_text):
        number = bisect_right(starts, line_start.start())
        masked, original = source.masked[number - 1], source.lines[number - 1]
        match = _ATX.match(masked)
        if not match:
            continue
        start = match.end()
        rest_masked = masked[start:].rstrip()
        # Closing hashes go first, as in Python-Markdown; an escaped '\#' stays.
        stripped = rest_masked.rstrip("#")
        if stripped.endswith("\\"):
            stripped = rest_masked
        heading_id = None
        attrs = _ATTR_LIST.search(stripped)
        if attrs:
            heading_id = parse_attr_list_id(original[start + attrs.start(1):start + attrs.end(1)])
            stripped = stripped[:attrs.start()]
        text = original[start:start + len(stripped)].strip()
        found.append(Heading(len(match["hashes"]), text, heading_id, number))
    return found


# ---------------------------------------------------------------- links and images

_REF_DEF = re.compile(
    r"[ \t]*\[(?!\^)(?P<label>[^\[\]]+)\]:[ \t]*(?:<(?P<angle>[^>\n]*)>|(?P<dest>\S+))"
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?[ \t]*\Z"
)
_HTML_ATTR = r"""\s%s\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
# [^<>]: an unclosed "<a " stops at the next tag instead of scanning to the end of the page.
_HTML_A = re.compile(r"<a\b([^<>]*)>", re.IGNORECASE)
_HTML_A_END = re.compile(r"</a\s*>", re.IGNORECASE)
_HTML_IMG = re.compile(r"<img\b([^<>]*)>", re.IGNORECASE)
_HREF = re.compile(_HTML_ATTR % "href", re.IGNORECASE)
_SRC = re.compile(_HTML_ATTR % "src", re.IGNORECASE)
_ALT = re.compile(_HTML_ATTR % "alt", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^<>\s]+|mailto:[^<>\s]+|[^<>\s!@]+@[^<>\s@]+\.[^<>\s@]+)>",
                       re.IGNORECASE)


def _label_key(label: str) -> str:
    return " ".join(label.split()).lower()


def _squash(text: str) -> str:
    return " ".join(text.split())


def _attr_value(pattern: re.Pattern, attrs: str) -> str | None:
    match = pattern.search(" " + attrs)
    if not match:
        return None
    return next(g for g in match.groups() if g is not None)


class _Document:
    """Masked and original text joined, with offsets mapped back to lines."""

    def __init__(self, source: Source):
        self.definitions: dict[str, tuple[str, int, str]] = {}  # key -> target, line, label
        self.masked = source.masked_text
        if "]:" in self.masked:  # most pages have no reference definitions
            scan_lines = list(source.masked)
            for index, line in enumerate(source.masked):
                match = _REF_DEF.match(line) if "]:" in line else None
                if match:
                    target = match["angle"] if match["angle"] is not None else match["dest"]
                    # a repeated label: the last definition wins, as in Python-Markdown (which
                    # builds the site; CommonMark would keep the first)
                    self.definitions[_label_key(match["label"])] = (target, index + 1, match["label"].strip())
                    scan_lines[index] = _blank(line)  # a definition is no [shortcut] link
            self.masked = "\n".join(scan_lines)
        self.brackets = _bracket_pairs(self.masked)
        self.original = source.text  # the lines joined by line ends (and maybe one more)
        self.starts = source.line_starts

    def line_of(self, offset: int) -> int:
        return bisect_right(self.starts, offset)


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


# Each searched with a literal first character, which the regex engine skips to (a
# pattern with a class of first characters, such as [\[\]], has it test every character
# of the page). A paragraph break is the line end before a blank line.
_OPENING_BRACKET = re.compile(r"\[")
_CLOSING_BRACKET = re.compile(r"\]")
_PARAGRAPH_BREAK = re.compile(r"\n(?=[^\S\n]*(?:\n|\Z))")


def _bracket_pairs(text: str) -> dict[int, int]:
    """Index of each '[' -> its matching ']'. Brackets do not pair across a blank line,
    which ends the paragraph; a backslash escapes the character after it (a bracket, or
    the line end of a paragraph break). Linear, so a page full of unclosed '[' cannot
    make the scanners quadratic; only the brackets and the paragraph breaks are looked
    at (a character-by-character loop cost 1 ms a page)."""
    if "[" not in text or "]" not in text:
        return {}
    escapes = "\\" in text  # most pages have none
    brackets = sorted([m.start() for m in _OPENING_BRACKET.finditer(text)]
                      + [m.start() for m in _CLOSING_BRACKET.finditer(text)])
    breaks = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)
              if not (escapes and _escaped(text, m.start()))]
    pairs: dict[int, int] = {}
    stack: list[int] = []
    next_break = 0  # index in breaks of the first one after the last bracket looked at
    for at in brackets:
        if escapes and _escaped(text, at):
            continue
        if next_break < len(breaks) and breaks[next_break] < at:
            stack.clear()  # a paragraph ended since the last bracket
            next_break = bisect_right(breaks, at)
        if text[at] == "[":
            stack.append(at)
        elif stack:
            pairs[stack.pop()] = at
    return pairs


_DESTINATION_SPECIAL = re.compile(r"[\\ \t\n()]")


def _inline_destination(text: str, start: int) -> int | None:
    """Parse '(dest "title")' with text[start] == '('; return the index after ')',
    or None when it is not a link destination."""
    i, n = start + 1, len(text)
    while i < n and text[i] in " \t\n":
        i += 1
    if i < n and text[i] == "<":
        close = text.find(">", i)
        if close < 0 or "\n" in text[i:close]:
            return None
        i = close + 1
    else:
        depth = 0
        while i < n:
            special = _DESTINATION_SPECIAL.search(text, i)  # skips the ordinary characters
            if special is None:
                i = n
                break
            i = special.start()
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char in " \t\n":
                break
            if char == "(":
                depth += 1
            elif char == ")":
                if depth == 0:
                    break
                depth -= 1
            i += 1
    while i < n and text[i] in " \t\n":
        i += 1
    if i < n and text[i] in "\"'(":
        closer = ")" if text[i] == "(" else text[i]
        close = text.find(closer, i + 1)
        if close < 0:
            return None
        i = close + 1
        while i < n and text[i] in " \t\n":
            i += 1
    if i < n and text[i] == ")":
        return i + 1
    return None


_REFERENCE_LABEL = re.compile(r"[ ]?\[([^\[\]]*)\]")


def _markdown_links(doc: _Document) -> tuple[list, list, set[str], set[str]]:
    """Inline links and images as (offset, Link), and the definition labels used by
    links and by images."""
    links: list[tuple[int, Link]] = []
    images: list[tuple[int, Link]] = []
    used_by_links: set[str] = set()
    used_by_images: set[str] = set()
    text, original = doc.masked, doc.original

    def scan(begin: int, end: int) -> None:
        i = begin
        while i < end:
            open_at = text.find("[", i, end)
            if open_at < 0:
                return
            i = open_at + 1
            if _escaped(text, open_at):
                continue
            close = doc.brackets.get(open_at, -1)
            if close < 0 or close >= end:
                continue
            is_image = open_at > 0 and text[open_at - 1] == "!" and not _escaped(text, open_at - 1)
            label_text = original[open_at + 1:close]
            if label_text.startswith("^"):
                continue  # footnote reference
            start = open_at - 1 if is_image else open_at
            line = doc.line_of(start)
            after = close + 1
            if text[after:after + 1] == "(":
                stop = _inline_destination(text, after)
                if stop is None:
                    continue
                # The structure comes from the masked text, the target from the original.
                dest = _strip_title(original[after + 1:stop - 1].strip())
                (images if is_image else links).append(
                    (start, Link(dest, _squash(label_text), line, "inline")))
                scan(open_at + 1, close)
                i = stop
                continue
            stop = after
            bracket = _REFERENCE_LABEL.match(text[after:end])
            if bracket:
                reference = bracket[1] or label_text
                stop = after + bracket.end()
            else:
                reference = label_text
            key = _label_key(reference)
            if key in doc.definitions:
                (used_by_images if is_image else used_by_links).add(key)
                scan(open_at + 1, close)
                i = stop
    scan(0, len(text))
    return links, images, used_by_links, used_by_images


_TITLED_DESTINATION = re.compile(r"(\S+)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\Z", re.S)


def _strip_title(dest: str) -> str:
    """'x.md "Title"' -> 'x.md'; '<a b.md>' -> 'a b.md'."""
    if dest.startswith("<"):
        close = dest.find(">")
        return dest[1:close] if close > 0 else dest
    match = _TITLED_DESTINATION.match(dest)
    return match[1] if match else dest.split()[0] if dest.split() else ""


def _html_links(doc: _Document) -> tuple[list, list]:
    links, images = [], []
    if "<" not in doc.masked:
        return links, images  # most pages: no HTML and no autolinks
    for match in _HTML_A.finditer(doc.masked):
        href = _attr_value(_HREF, match[1])
        if href is None:
            continue
        end = _HTML_A_END.search(doc.masked, match.end())
        inner = doc.original[match.end():end.start()] if end else ""
        links.append((match.start(),
                      Link(href, _squash(_TAG.sub("", inner)), doc.line_of(match.start()), "html")))
    for match in _HTML_IMG.finditer(doc.masked):
        src = _attr_value(_SRC, match[1])
        if src is None:
            continue
        alt = _attr_value(_ALT, doc.original[match.start(1):match.end(1)]) or ""
        images.append((match.start(), Link(src, _squash(alt), doc.line_of(match.start()), "html")))
    for match in _AUTOLINK.finditer(doc.masked):
        links.append((match.start(), Link(match[1], match[1], doc.line_of(match.start()), "autolink")))
    return links, images


def _scan_links(source: Source) -> tuple[list[Link], list[Link]]:
    doc = _Document(source)
    links, images, by_links, by_images = _markdown_links(doc)
    html_links, html_images = _html_links(doc)
    links += html_links
    images += html_images
    for key, (target, line, label) in doc.definitions.items():
        offset = doc.starts[line - 1]
        if key in by_images:
            images.append((offset, Link(target, label, line, "definition")))
        if key in by_links or key not in by_images:
            links.append((offset, Link(target, label, line, "definition")))
    return ([link for _, link in sorted(links, key=lambda pair: pair[0])],
            [image for _, image in sorted(images, key=lambda pair: pair[0])])


def links(source: Source) -> list[Link]:
    """Links outside code, comments and front matter, in line order: inline links,
    reference definitions (one entry each, text = label), <a href> and autolinks.
    Link text is the raw Markdown between the brackets, whitespace collapsed.
    A definition used only by images is listed by images() instead."""
    return list(source.links_and_images[0])


def images(source: Source) -> list[Link]:
    """Images outside code, comments and front matter, in line order: ![alt](src),
    definitions used by ![alt][label], and <img src>. text is the alt text."""
    return list(source.links_and_images[1])


# ---------------------------------------------------------------- tables, admonitions

_TABLE_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*\Z")


_CELL_SEPARATOR = re.compile(r"(?<!\\)\|")


def _cells(row: str) -> int:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return len(_CELL_SEPARATOR.split(row))


def tables(source: Source) -> list[Table]:
    """Pipe tables (header row, '---|---' separator, body rows up to a blank line)."""
    found = []
    lines = source.masked
    number = 1
    while number < len(lines):
        header, separator = lines[number - 1], lines[number]
        if "|" in separator and "|" in header and _TABLE_SEPARATOR.match(separator) \
                and "-" in separator:
            rows = 0
            index = number + 1
            while index < len(lines) and lines[index].strip() and "|" in lines[index]:
                rows += 1
                index += 1
            found.append(Table(number, rows, _cells(separator)))
            number = index + 1
            continue
        number += 1
    return found


_ADMONITION = re.compile(
    r"[ \t]*(?P<marker>!!!|\?\?\?\+?)[ \t]+(?P<classes>[\w-]+(?:[ \t]+[\w-]+)*)"
    r"(?:[ \t]+\"(?P<title>[^\"]*)\")?[ \t]*\Z"
)


# A line that can open one: its masked text starts with '!!!' or '???' (after spaces).
_ADMONITION_LINE = re.compile(r"\n[ \t]*(?:!!!|\?\?\?)")


def admonitions(source: Source) -> list[Admonition]:
    """Admonitions and details blocks, outside code and comments, in line order."""
    found = []
    # As in headings(): in "\n" + masked_text, a match's "\n" is where its line starts.
    for line_start in _ADMONITION_LINE.finditer("\n" + source.masked_text):
        number = bisect_right(source.line_starts, line_start.start())
        match = _ADMONITION.match(source.masked[number - 1])
        if match:
            found.append(Admonition(match["classes"].split()[0].lower(), match["title"], number,
                                    match["marker"] != "!!!"))
    return found
