"""Translation parity between the English and Chinese source trees: which pages are
translated, outdated, missing or orphaned, and where a translation's structure differs.

Pure core shared by scripts/check_parity.py and the build hook that shows translation
banners and the status page. Policy and settings: scripts/data/parity.yml.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import yaml

from hwsite import parallel
from hwsite import source as md
from hwsite.findings import Finding as _Finding
from hwsite.files import parsed_once_per_version
from hwsite.source import Source, SourceError

CONFIG_FILE = Path(__file__).resolve().parent.parent / "data" / "parity.yml"

STAMP_KEY = "translated_from"
VERSION_LENGTH = 12
# Keys that do not make a translation outdated when they change in the English page.
VERSION_IGNORED_KEYS = ("last_reviewed", STAMP_KEY)

# Finding kinds in report order; the first two are warnings unless --strict.
KINDS = (
    "missing-translation", "orphan-translation", "outdated", "frontmatter-mismatch",
    "heading-mismatch", "link-mismatch", "image-mismatch", "table-mismatch",
    "admonition-mismatch", "codeblock-mismatch", "bad-input",
)
WARNING_KINDS = frozenset({"missing-translation", "outdated"})

# Page statuses.
TRANSLATED, OUTDATED, MISSING, ORPHAN, ENGLISH_ONLY = (
    "translated", "outdated", "missing", "orphan", "english-only")


@dataclass(frozen=True)
class ParityConfig:
    """Settings from parity.yml (see the comments there)."""

    english_only: tuple[str, ...] = ()
    paired: tuple[str, ...] = ()
    equal: tuple[str, ...] = ("module",)
    same_length: tuple[str, ...] = ()

    def is_english_only(self, rel_path: str) -> bool:
        return any(fnmatch.fnmatchcase(rel_path, pattern) for pattern in self.english_only)


@dataclass(frozen=True)
class Finding(_Finding):
    """One problem (hwsite.findings.Finding; its code is one of KINDS). file is relative to
    the tree root (forward slashes); lang says which tree file and line refer to."""

    lang: str = "zh"

    @property
    def kind(self) -> str:
        return self.code

    def to_dict(self) -> dict:
        return {"kind": self.kind, "file": self.file, "line": self.line,
                "message": self.message, "severity": self.severity, "lang": self.lang}


@dataclass(frozen=True)
class PageStatus:
    """Translation status of one relative path: translated, outdated, missing,
    orphan or english-only; with the English version and the Chinese stamp."""

    path: str
    status: str
    version: str | None = None
    translated_from: str | None = None

    def to_dict(self) -> dict:
        return {"path": self.path, "status": self.status, "version": self.version,
                "translated_from": self.translated_from}


@dataclass(frozen=True)
class Report:
    findings: list[Finding] = field(default_factory=list)
    pages: list[PageStatus] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    def to_json(self) -> str:
        return json.dumps({"findings": [f.to_dict() for f in self.findings],
                           "pages": [p.to_dict() for p in self.pages]},
                          ensure_ascii=False, indent=2)


def severity_of(kind: str, strict: bool = False) -> str:
    """Missing translations and outdated pages are warnings; the rest are errors.
    strict makes every finding an error."""
    return "warning" if kind in WARNING_KINDS and not strict else "error"


# ---------------------------------------------------------------- configuration

_CONFIG_KEYS = ("english_only", "paired", "equal", "same_length")


def load_config_cached(path: str | Path | None = None) -> ParityConfig:
    """load_config(), parsed once per version of the file (the build asks on every page).
    Callers must not change it."""
    return _config_per_version(Path(path) if path is not None else CONFIG_FILE)


def load_config(path: str | Path | None = None) -> ParityConfig:
    """Read parity.yml (default: scripts/data/parity.yml). Raises SourceError naming
    the file and line for malformed YAML, unknown keys or values that are not lists."""
    path = Path(path) if path is not None else CONFIG_FILE
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(name, None, f"cannot read parity config: {error.strerror or error}") from None
    text = md.decode_source(data, name)[0]
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        line, problem = md.yaml_error_position(error)
        raise SourceError(name, line, f"malformed YAML: {problem}") from None
    raw = raw or {}
    if not isinstance(raw, dict):
        raise SourceError(name, 1, "parity config must be a mapping of settings")
    lines = md.split_lines(text)

    def line_of(key: str) -> int | None:
        return next((i for i, l in enumerate(lines, 1) if re.match(rf"{re.escape(key)}\s*:", l)), None)

    values = {}
    for key, value in raw.items():
        if key not in _CONFIG_KEYS:
            raise SourceError(name, line_of(str(key)),
                              f"unknown setting '{key}'; known: {', '.join(_CONFIG_KEYS)}")
        value = value or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SourceError(name, line_of(key), f"'{key}' must be a list of strings")
        values[key] = tuple(value)
    return ParityConfig(**values)


# ---------------------------------------------------------------- versions

def source_version(source: Source) -> str:
    """The version of a parsed English page: see english_version()."""
    meta = {str(k): v for k, v in source.meta.items() if str(k) not in VERSION_IGNORED_KEYS}
    canonical = json.dumps(meta, sort_keys=True, ensure_ascii=False, default=str)
    normalised = " ".join(f"{canonical}\n{source.body}".split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:VERSION_LENGTH]


def english_version(en_text: str) -> str:
    """Short hash (12 hex) of an English page, the value of `translated_from:`.

    Only a change of words changes it: BOM, CRLF, runs of whitespace, line wrapping,
    blank lines, trailing spaces, the order of front matter keys and the last_reviewed
    date do not. Raises SourceError for malformed front matter.
    """
    return source_version(md.parse_source(en_text))


_STAMP_LINE = re.compile(rf"{STAMP_KEY}[ \t]*:[ \t]*(?P<value>.*?)[ \t]*(?:#.*)?\Z")


def read_stamp(source: Source) -> tuple[str | None, int | None]:
    """The translated_from value of a Chinese page as written, and its line."""
    line = source.front_matter.line_of(STAMP_KEY)
    if line is None:
        return None, None
    match = _STAMP_LINE.match(source.lines[line - 1])
    value = match["value"].strip("\"'") if match else ""
    return value, line


def stamp_bytes(data: bytes, version: str, file: str = "<bytes>") -> bytes:
    """Set `translated_from: "<version>"` in a page's front matter, changing nothing
    else: an existing line is replaced in place, otherwise a line is added before the
    closing '---' (or a front matter block is added). BOM and line ends are kept.
    Raises SourceError for undecodable bytes or malformed front matter."""
    text, had_bom, _ = md.decode_source(data, file)
    md.parse_front_matter(md.split_lines(text), file)  # refuse to edit broken front matter
    raw = data[3:] if had_bom else data
    parts = re.split(r"(?<=\n)", raw.decode("utf-8"))
    if parts and parts[-1] == "":
        parts.pop()
    eol = "\r\n" if parts and parts[0].endswith("\r\n") else "\n"
    new_line = f'{STAMP_KEY}: "{version}"'

    def content(part: str) -> str:
        return part.rstrip("\r\n")

    if parts and re.fullmatch(r"---[ \t]*", content(parts[0])):
        close = next(i for i in range(1, len(parts))
                     if re.fullmatch(r"(?:---|\.\.\.)[ \t]*", content(parts[i])))
        replaced = False
        for index in range(1, close):
            if re.match(rf"{STAMP_KEY}[ \t]*:", parts[index]):
                parts[index] = new_line + parts[index][len(content(parts[index])):]
                replaced = True
        if not replaced:
            parts.insert(close, new_line + eol)
    else:
        parts[:0] = ["---" + eol, new_line + eol, "---" + eol]
    return (b"\xef\xbb\xbf" if had_bom else b"") + "".join(parts).encode("utf-8")


# ---------------------------------------------------------------- comparison

# Compiled once: normalise_target runs for every link of every page.
_EXTERNAL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:|//")
_ZH_VARIANT = re.compile(r"\.zh(\.[A-Za-z0-9]+)\Z")


def normalise_target(target: str, lang: str) -> str:
    """A link or image target as compared across languages: x.zh.svg is x.svg,
    '/zh/...' in a Chinese page is '/...', relative paths are normalised; external
    URLs stay as they are."""
    target = target.strip()
    if _EXTERNAL.match(target):
        return target
    path, hash_, fragment = target.partition("#")
    path = unquote(path)
    prefix = f"/{lang}"
    if path == prefix or path.startswith(prefix + "/"):
        path = path[len(prefix):] or "/"
    if path:
        trailing = "/" if path.endswith("/") and path != "/" else ""
        path = posixpath.normpath(path) + trailing
        if path == ".":
            path = ""
    path = _ZH_VARIANT.sub(r"\1", path)
    return path + hash_ + fragment


def _show_heading(heading: md.Heading) -> str:
    shown = f"{'#' * heading.level} {heading.text}"
    return shown + (f" {{#{heading.id}}}" if heading.id else "")


_CHECKPOINT = re.compile(r"checkpoint-\d+\Z")


def _heading_findings(en: Source, zh: Source, make) -> list[Finding]:
    en_h, zh_h = md.headings(en), md.headings(zh)
    for index in range(max(len(en_h), len(zh_h))):
        e = en_h[index] if index < len(en_h) else None
        z = zh_h[index] if index < len(zh_h) else None
        if e and z and (e.level, e.id) == (z.level, z.id):
            continue
        hint = ""
        if any(h and h.id and _CHECKPOINT.match(h.id) for h in (e, z)):
            hint = " Checkpoint ids (checkpoint-1, checkpoint-2 ...) must match one to one."
        if e and z:
            what = "levels differ" if e.level != z.level else "ids differ"
            return [make("heading-mismatch", z.line,
                         f"heading {index + 1} {what}: English has '{_show_heading(e)}' (line {e.line}), "
                         f"Chinese has '{_show_heading(z)}' (line {z.line}); use the same level and "
                         f"the same {{#id}} as the English heading.{hint}")]
        if e:
            return [make("heading-mismatch", e.line,
                         f"English heading {index + 1} '{_show_heading(e)}' (line {e.line}) has no "
                         f"Chinese counterpart (English has {len(en_h)} headings, Chinese {len(zh_h)}); "
                         f"add it to the Chinese page with the same level and id.{hint}", "en")]
        return [make("heading-mismatch", z.line,
                     f"Chinese heading {index + 1} '{_show_heading(z)}' (line {z.line}) has no English "
                     f"counterpart (English has {len(en_h)} headings, Chinese {len(zh_h)}); remove it "
                     f"or add the heading to the English page first.{hint}")]
    return []


def _target_findings(kind: str, noun: str, en_items, zh_items, make) -> list[Finding]:
    en_targets: dict[str, md.Link] = {}
    zh_targets: dict[str, md.Link] = {}
    for link in en_items:
        en_targets.setdefault(normalise_target(link.target, "en"), link)
    for link in zh_items:
        zh_targets.setdefault(normalise_target(link.target, "zh"), link)
    findings = []
    same = ("the Chinese variant x.zh.svg counts as x.svg" if noun == "image"
            else "relative .md links are written the same in both languages; link text may differ")
    for target, link in en_targets.items():
        if target not in zh_targets:
            findings.append(make(kind, link.line,
                                 f"{noun} '{link.target}' (English line {link.line}) is missing from the "
                                 f"Chinese page; add it with the same target ({same})", "en"))
    for target, link in zh_targets.items():
        if target not in en_targets:
            findings.append(make(kind, link.line,
                                 f"{noun} '{link.target}' (line {link.line}) is not in the English page; "
                                 f"use the English page's targets ({same})"))
    return findings


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _show_value(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _frontmatter_findings(en: Source, zh: Source, config: ParityConfig, make) -> list[Finding]:
    findings = []
    pages = (("en", en, "English"), ("zh", zh, "Chinese"))
    # Which keys a page must have is the content lint's (frontmatter rules, per page
    # kind); parity only compares the two languages.
    for key in config.paired:
        for (lang, page, name), (_, other, other_name) in (pages, pages[::-1]):
            if key not in page.meta and key in other.meta:
                findings.append(make("frontmatter-mismatch", page.front_matter.start_line or 1,
                                     f"front matter has no '{key}' but the {other_name} page has it "
                                     f"(line {other.front_matter.line_of(key)}); add it", lang))
    for key in config.equal:
        if key in en.meta and key in zh.meta and en.meta[key] != zh.meta[key]:
            findings.append(make("frontmatter-mismatch", zh.front_matter.line_of(key),
                                 f"'{key}' is {_show_value(zh.meta[key])} but the English page has "
                                 f"{_show_value(en.meta[key])} (line {en.front_matter.line_of(key)}); "
                                 f"use the English value"))
    for key in config.same_length:
        e, z = en.meta.get(key), zh.meta.get(key)
        if isinstance(e, list) and isinstance(z, list) and len(e) != len(z):
            findings.append(make("frontmatter-mismatch", zh.front_matter.line_of(key),
                                 f"'{key}' has {_entries(len(z))} but the English page has {len(e)} "
                                 f"(line {en.front_matter.line_of(key)}); keep one entry per English entry"))
    return findings


def _sequence_finding(kind: str, noun: str, en_items: list, zh_items: list, describe, make) -> list[Finding]:
    """First difference between two sequences of structural items (tables, admonitions
    and code blocks, each with .line), described by describe(item)."""
    for index in range(max(len(en_items), len(zh_items))):
        e = en_items[index] if index < len(en_items) else None
        z = zh_items[index] if index < len(zh_items) else None
        if e is not None and z is not None:
            if describe(e) == describe(z):
                continue
            return [make(kind, z.line,
                         f"{noun} {index + 1} is {describe(z)} but in the English page (line {e.line}) it is "
                         f"{describe(e)}; make them match")]
        counts = f"English has {len(en_items)}, Chinese {len(zh_items)}"
        if e is not None:
            return [make(kind, e.line,
                         f"English {noun} {index + 1} ({describe(e)}, line {e.line}) has no Chinese "
                         f"counterpart ({counts}); add it to the Chinese page", "en")]
        return [make(kind, z.line,
                     f"Chinese {noun} {index + 1} ({describe(z)}, line {z.line}) has no English "
                     f"counterpart ({counts}); remove it or add it to the English page first")]
    return []


def _describe_table(table: md.Table) -> str:
    return f"{table.rows} rows x {table.columns} columns"


def _describe_admonition(admonition: md.Admonition) -> str:
    marker = "???" if admonition.collapsible else "!!!"
    return f"'{marker} {admonition.type}'"


def _describe_code(block: md.CodeBlock) -> str:
    if not block.fenced:
        return "an indented code block"
    return f"a '{block.lang}' code block" if block.lang else "a code block without language"


def check_pair(rel_path: str, en: Source, zh: Source, config: ParityConfig | None = None,
               *, strict: bool = False) -> list[Finding]:
    """Structural findings for one English/Chinese pair (not outdated/missing):
    front matter, headings, links, images, tables, admonitions, code blocks."""
    config = config or ParityConfig()

    def make(kind, line, message, lang="zh"):
        return Finding(kind, severity_of(kind, strict), rel_path, line, message, lang)

    findings = _frontmatter_findings(en, zh, config, make)
    findings += _heading_findings(en, zh, make)
    findings += _target_findings("link-mismatch", "link to", md.links(en), md.links(zh), make)
    findings += _target_findings("image-mismatch", "image", md.images(en), md.images(zh), make)
    findings += _sequence_finding("table-mismatch", "table", md.tables(en), md.tables(zh),
                                  _describe_table, make)
    findings += _sequence_finding("admonition-mismatch", "admonition", md.admonitions(en),
                                  md.admonitions(zh), _describe_admonition, make)
    findings += _sequence_finding("codeblock-mismatch", "code block", list(en.code_blocks),
                                  list(zh.code_blocks), _describe_code, make)
    return findings


def version_status(rel_path: str, en: Source, zh: Source, *, strict: bool = False
                   ) -> tuple[PageStatus, list[Finding]]:
    """'translated' or 'outdated' for a pair, with the outdated finding if any."""
    version = source_version(en)
    stamp, line = read_stamp(zh)
    if stamp == version:
        return PageStatus(rel_path, TRANSLATED, version, stamp), []
    command = "python scripts/check_parity.py"
    if stamp is None:
        message = (f"no translated_from stamp; check the translation against the English page, "
                   f"then run `{command} --stamp {rel_path}`")
    elif not re.fullmatch(r"[0-9a-f]{%d}" % VERSION_LENGTH, stamp):
        message = (f"translated_from '{stamp}' is not a {VERSION_LENGTH}-character version; "
                   f"check the translation, then run `{command} --stamp {rel_path}`")
    else:
        message = (f"the English page changed since it was translated (translated_from {stamp}, "
                   f"English is now {version}); see what changed with `{command} --diff {rel_path}`, "
                   f"update the translation, then run `{command} --stamp {rel_path}`")
    finding = Finding("outdated", severity_of("outdated", strict), rel_path,
                      line or (1 if zh.lines else None), message, "zh")
    return PageStatus(rel_path, OUTDATED, version, stamp), [finding]


# ---------------------------------------------------------------- trees

markdown_files = md.markdown_files


def _require_tree(root: Path, name: str) -> None:
    if not root.is_dir():
        raise SourceError(str(root), None, f"{name} tree not found (expected a folder of .md files)")


def _sort_key(finding: Finding) -> tuple:
    return (finding.file, finding.line or 0, finding.lang != "zh", KINDS.index(finding.kind),
            finding.message)


def check_trees(en_root: str | Path, zh_root: str | Path, config: ParityConfig | None = None,
                *, strict: bool = False, jobs: int = 1) -> Report:
    """Compare two trees page by page. Findings are sorted by file and line; pages list
    every relative path found in either tree. Raises SourceError for a missing tree; an
    unreadable, undecodable or malformed page is a `bad-input` finding (with its file and
    line) and the other pages are still compared. jobs: worker processes (see
    hwsite.parallel); the report is the same with any number."""
    config = config or ParityConfig()
    en_root, zh_root = Path(en_root), Path(zh_root)
    _require_tree(en_root, "English")
    _require_tree(zh_root, "Chinese")
    en_set, zh_set = set(markdown_files(en_root)), set(markdown_files(zh_root))

    def check(rel: str) -> tuple[PageStatus | None, list[Finding]]:
        return _check_path(rel, en_root, zh_root, rel in en_set, rel in zh_set, config, strict)

    findings: list[Finding] = []
    pages: list[PageStatus] = []
    for page, found in parallel.map_in_processes(check, sorted(en_set | zh_set), jobs):
        if page is not None:
            pages.append(page)
        findings += found
    return Report(sorted(findings, key=_sort_key), pages)


def _check_path(rel: str, en_root: Path, zh_root: Path, in_en: bool, in_zh: bool,
                config: ParityConfig, strict: bool) -> tuple[PageStatus | None, list[Finding]]:
    """The status and findings of one relative path (no status for a bad page)."""
    try:
        en = _read_source(en_root / rel) if in_en else None
        zh = _read_source(zh_root / rel) if in_zh else None
    except SourceError as error:
        lang = "en" if Path(error.file) == en_root / rel else "zh"
        return None, [Finding("bad-input", "error", rel, error.line, error.message, lang)]
    if en is None:
        return PageStatus(rel, ORPHAN, None, read_stamp(zh)[0]), [Finding(
            "orphan-translation", severity_of("orphan-translation", strict), rel, None,
            "Chinese page has no English page at the same path; rename it to the path of its "
            "English page, or delete it if the English page was removed", "zh")]
    if zh is None:
        if config.is_english_only(rel):
            return PageStatus(rel, ENGLISH_ONLY, source_version(en)), []
        return PageStatus(rel, MISSING, source_version(en)), [Finding(
            "missing-translation", severity_of("missing-translation", strict), rel, None,
            f"no Chinese page at {(zh_root / rel).as_posix()}; translate the page (same relative "
            f"path), or list '{rel}' under english_only in scripts/data/parity.yml", "en")]
    status, outdated = version_status(rel, en, zh, strict=strict)
    return status, outdated + check_pair(rel, en, zh, config, strict=strict)


def page_status(en_root: str | Path, zh_root: str | Path, rel_path: str,
                config: ParityConfig | None = None) -> str:
    """Status of one page for banners: 'translated', 'outdated', 'missing', 'orphan'
    or 'english-only' (missing but listed under english_only). Raises SourceError for
    an unreadable or malformed page, or when neither tree has the page."""
    config = config or ParityConfig()
    en_path, zh_path = Path(en_root) / rel_path, Path(zh_root) / rel_path
    has_en, has_zh = en_path.is_file(), zh_path.is_file()
    if not has_en and not has_zh:
        raise SourceError(rel_path, None, "page is in neither tree")
    if not has_en:
        return ORPHAN
    if not has_zh:
        return ENGLISH_ONLY if config.is_english_only(rel_path) else MISSING
    en, zh = _read_source(en_path), _read_source(zh_path)
    return version_status(rel_path, en, zh)[0].status



def tree_statuses(en_root: str | Path, zh_root: str | Path, config: ParityConfig | None = None
                  ) -> list[PageStatus]:
    """The translation status of every relative path in either tree, in path order: what
    the status page and the banners show, without the full comparison check_trees makes."""
    config = config or ParityConfig()
    en_root, zh_root = Path(en_root), Path(zh_root)
    _require_tree(en_root, "English")
    _require_tree(zh_root, "Chinese")
    en_set, zh_set = set(markdown_files(en_root)), set(markdown_files(zh_root))
    pages = []
    for rel in sorted(en_set | zh_set):
        if rel not in en_set:
            pages.append(PageStatus(rel, ORPHAN, None, read_stamp(_read_source(zh_root / rel))[0]))
        elif rel not in zh_set:
            en = _read_source(en_root / rel)
            pages.append(PageStatus(rel, ENGLISH_ONLY if config.is_english_only(rel) else MISSING, source_version(en)))
        else:
            pages.append(version_status(rel, _read_source(en_root / rel), _read_source(zh_root / rel))[0])
    return pages

_config_per_version = parsed_once_per_version(load_config)
# Sources are immutable; a build asks for each page's status and then compares the whole
# trees once per language, and each of those parsed every page again.
_read_source = parsed_once_per_version(md.read_source, maxsize=8192)
