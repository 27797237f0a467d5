"""The source registry (scripts/data/sources.yml): loading it with the line of every
entry and field, and checking each entry against the fields its type needs.

Schema (one top-level key per source; keys are lower-case words joined by hyphens,
``issuer-year-topic``)::

    prc-labour-law:
      type: law                  # one of TYPES
      issuer: {en: "...", zh: "..."}
      authors: ["Boniol M", ...] # articles: instead of issuer
      title: {zh: "...", en: "..."}
      original_language: zh      # the language the source was published in
      translated_title: working  # official | working: status of the other title
      year: 1994                 # or, for a source that shows no date at all:
      undated: "why there is no year"
      date: 2014-07-30           # optional: the day of a release, news item or event
      revision: {text: "amended 2009 and 2018", date: 2018-12-29}
      edition: {en: "2nd edition", zh: "第2版"}             # optional
      series: {en: "...", zh: "..."}                        # optional
      published_in: {en: "Tencent News", zh: "腾讯网"}       # optional: outlet of news/web pages
      ids: {decree: "...", standard: "...", doi: "...", convention: "...",
            journal: {name: "...", volume: "7", issue: "6", pages: "e009316"},
            isbn: "...", document_number: "..."}
      url: https://...           # or no_url: "why there is none"
      verified: "YYYY-MM-DD, how it was checked"

``revision.text`` may be one string (English) or a mapping {en: ..., zh: ...}.

Required fields (REQUIRED below):
  every entry   type, title (holding the original_language), original_language, year
                (or undated: "why", for a source that shows no date),
                verified ("YYYY-MM-DD, how"), and exactly one of url (https) or no_url;
                translated_title when the title is given in a second language
  law, regulation  issuer, title in both languages, revision {text, date}
  standard      issuer, title in both languages, ids.standard
  convention    issuer, title in both languages, ids.convention
  article       authors, ids.journal {name, volume, pages}
  report, web page, news, event   issuer (or authors)
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hwsite.lint_rules.common import ERROR, WARNING, Finding
from hwsite.source import yaml_error_position

RULE = "citations"
SOURCES_FILE = Path(__file__).resolve().parents[2] / "data" / "sources.yml"

TYPES = ("law", "regulation", "standard", "convention", "report", "article",
         "web page", "news", "event")
LANGUAGES = ("en", "zh")
TITLE_STATUS = ("official", "working")
ID_FIELDS = ("decree", "standard", "doi", "convention", "journal", "isbn",
             "document_number")
FIELDS = ("type", "issuer", "authors", "title", "original_language", "translated_title",
          "year", "undated", "date", "revision", "edition", "series", "published_in", "ids", "url",
          "no_url", "verified")

# Fields each type needs beyond the ones every entry needs (see the module docstring).
# "issuer|authors" means one of the two.
REQUIRED: dict[str, tuple[str, ...]] = {
    "law": ("issuer", "title.both", "revision"),
    "regulation": ("issuer", "title.both", "revision"),
    "standard": ("issuer", "title.both", "ids.standard"),
    "convention": ("issuer", "title.both", "ids.convention"),
    "article": ("authors", "ids.journal"),
    "report": ("issuer|authors",),
    "web page": ("issuer|authors",),
    "news": ("issuer|authors",),
    "event": ("issuer|authors",),
}

CODES = {
    "registry-entry-incomplete": ERROR,
    "registry-value-invalid": ERROR,
    "registry-duplicate-key": ERROR,
    "registry-field-unknown": WARNING,
    "url-not-https": ERROR,
}

KEY_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_VERIFIED = re.compile(r"(\d{4}-\d{2}-\d{2}), \S")


class RegistryError(Exception):
    """The registry cannot be read (missing, not UTF-8, malformed YAML, not a mapping).
    str(error) is "file:line: message"."""

    def __init__(self, file: str, line: int | None, message: str):
        self.file, self.line, self.message = file, line, message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else \
            f"{self.file}: {self.message}"


@dataclass(frozen=True)
class Entry:
    """One source. data: the parsed mapping as written; line: the line of its key;
    field_lines: the line of each field (nested ones as 'ids.doi', 'revision.date')."""

    key: str
    data: Mapping[str, Any]
    line: int
    field_lines: Mapping[str, int] = field(default_factory=dict)

    def line_of(self, name: str) -> int:
        """Line of a field (or of its parent field, or of the entry)."""
        while name:
            if name in self.field_lines:
                return self.field_lines[name]
            name = name.rpartition(".")[0]
        return self.line

    @property
    def type(self) -> str:
        return str(self.data.get("type", ""))

    @property
    def url(self) -> str | None:
        value = self.data.get("url")
        return value if isinstance(value, str) else None

    def text(self, name: str, language: str) -> str | None:
        """A field that is a {language: text} mapping (or one string), in `language`;
        None when absent or not in that language."""
        value = self.data.get(name)
        if isinstance(value, Mapping):
            text = value.get(language)
            return str(text) if text not in (None, "") else None
        return str(value) if isinstance(value, (str, int)) and value != "" else None


@dataclass(frozen=True)
class Registry:
    """All entries in file order. file: how findings name the file."""

    file: str
    entries: Mapping[str, Entry]
    duplicates: tuple[tuple[str, int], ...] = ()  # (key, line) of keys written twice

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)


# ---------------------------------------------------------------- loading

def load_registry(path: str | Path = SOURCES_FILE, name: str | None = None) -> Registry:
    """Read and parse the registry file. Raises RegistryError (with a line where one
    applies) for a missing or unreadable file, malformed YAML, or a file that is not a
    mapping of keys to mappings."""
    name = name if name is not None else str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise RegistryError(name, None, "file not found") from None
    except UnicodeDecodeError as error:
        raise RegistryError(name, None, f"not valid UTF-8 (byte {error.start}); re-save "
                                        "the file as UTF-8") from None
    except OSError as error:
        raise RegistryError(name, None, f"cannot read file: {error.strerror or error}") from None
    return parse_registry(text, name)


def parse_registry(text: str, file: str = "sources.yml") -> Registry:
    """Parse registry YAML text; see load_registry()."""
    duplicates: list[tuple[str, int]] = []
    try:
        # libyaml when it is there: the pure-Python parser took 0.6 s of a 5.8 s build
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        root = yaml.compose(text, Loader=loader)
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        line, problem = yaml_error_position(error, first_line=1)
        raise RegistryError(file, line or 1, f"malformed YAML: {problem}; check quotes, "
                                             "colons, brackets and indentation") from None
    except (ValueError, TypeError, OverflowError, RecursionError) as error:
        raise RegistryError(file, 1, f"a value cannot be read ({error}); check dates "
                                     "(YYYY-MM-DD) and numbers") from None
    if root is None:
        return Registry(file, {})
    if not isinstance(root, yaml.MappingNode) or not isinstance(data, dict):
        raise RegistryError(file, root.start_mark.line + 1,
                            "the registry must be a mapping: one 'key:' line per source, "
                            "its fields indented under it")
    entries: dict[str, Entry] = {}
    for key_node, value_node in root.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 1
        if key in entries:
            duplicates.append((key, line))
            continue
        value = data.get(key if key in data else _scalar_key(key_node))
        if not isinstance(value, dict):
            value = {"__not_a_mapping__": value}
        entries[key] = Entry(key, value, line, _field_lines(value_node))
    return Registry(file, entries, tuple(duplicates))


def _scalar_key(node: yaml.Node) -> Any:
    return yaml.safe_load(node.value) if isinstance(node, yaml.ScalarNode) else node.value


def _field_lines(node: yaml.Node, prefix: str = "") -> dict[str, int]:
    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key_node, value_node in node.value:
        name = f"{prefix}{key_node.value}"
        lines.setdefault(name, key_node.start_mark.line + 1)
        if isinstance(value_node, yaml.MappingNode) and not prefix:
            lines.update({k: v for k, v in _field_lines(value_node, name + ".").items()
                          if k not in lines})
    return lines


# ---------------------------------------------------------------- validation

def validate_registry(registry: Registry) -> list[Finding]:
    """Findings for every entry: missing fields for its type, wrong values, http URLs,
    unknown fields, duplicate keys. Sorted by line."""
    findings = [Finding("registry-duplicate-key", ERROR, registry.file, line,
                        f"the key '{key}' is used twice; YAML keeps only the last one. "
                        "Merge the two entries or give one a new key", RULE)
                for key, line in registry.duplicates]
    for entry in registry:
        findings += validate_entry(entry, registry.file)
    return sorted(findings, key=lambda f: (f.line or 0, f.code))


def validate_entry(entry: Entry, file: str) -> list[Finding]:
    """Findings for one entry (see validate_registry)."""
    out: list[Finding] = []
    data = entry.data

    def add(code: str, name: str, message: str) -> None:
        out.append(Finding(code, CODES[code], file, entry.line_of(name),
                           f"{entry.key}: {message}", RULE))

    def missing(name: str, hint: str) -> None:
        add("registry-entry-incomplete", name if name in entry.field_lines else "",
            f"{name} is missing; add {hint}")

    if "__not_a_mapping__" in data:
        add("registry-value-invalid", "", "the entry must be a mapping of fields "
            "(type:, title:, ...), indented under the key")
        return out
    if not KEY_PATTERN.match(entry.key):
        add("registry-value-invalid", "", "keys are lower-case letters and digits joined "
            "by hyphens (issuer-year-topic), e.g. who-2003-sharps-ebd")
    for name in data:
        if name not in FIELDS:
            add("registry-field-unknown", name, f"unknown field '{name}'; the fields are "
                f"{', '.join(FIELDS)}")

    kind = data.get("type")
    if kind is None:
        missing("type", f"type: one of {', '.join(TYPES)}")
    elif kind not in TYPES:
        add("registry-value-invalid", "type", f"type '{kind}' is not one of {', '.join(TYPES)}")

    original = data.get("original_language")
    if original is None:
        missing("original_language", "original_language: en or zh (the language the "
                                     "source was published in)")
    elif original not in LANGUAGES:
        add("registry-value-invalid", "original_language",
            f"original_language must be one of {', '.join(LANGUAGES)}")

    title = data.get("title")
    titles = _language_map(title)
    if title is None:
        missing("title", "title: {en: \"...\", zh: \"...\"} (at least the original language)")
    elif titles is None:
        add("registry-value-invalid", "title",
            "title must be a mapping of language to text, e.g. {en: \"...\", zh: \"...\"}")
    else:
        if original in LANGUAGES and original not in titles:
            add("registry-entry-incomplete", "title",
                f"the title in the original language ({original}) is missing")
        if len(titles) > 1:
            status = data.get("translated_title")
            if status is None:
                missing("translated_title", "translated_title: official or working (is the "
                        "title in the other language official or our own translation?)")
            elif status not in TITLE_STATUS:
                add("registry-value-invalid", "translated_title",
                    "translated_title must be 'official' or 'working'")

    year, undated = data.get("year"), data.get("undated")
    if undated is not None and (not isinstance(undated, str) or not undated.strip()):
        add("registry-value-invalid", "undated",
            "undated must say why the source has no year, e.g. \"a web page that shows no date\"")
    if year is not None and undated is not None:
        add("registry-value-invalid", "undated", "give either year or undated, not both")
    if year is None:
        if undated is None:
            missing("year", "year: the year of publication or adoption, e.g. 2014 (or "
                            "undated: \"why\" for a source that shows no date)")
    elif isinstance(year, bool) or not isinstance(year, int) or not 1800 <= year <= 2200:
        add("registry-value-invalid", "year", "year must be a four-digit number, e.g. 2014")

    if "date" in data and not _is_date(data["date"]):
        add("registry-value-invalid", "date", "date must be written YYYY-MM-DD")

    for name in ("issuer", "edition", "series", "published_in"):
        if name in data and _language_map(data[name]) is None:
            add("registry-value-invalid", name,
                f"{name} must be a mapping of language to text, e.g. {{en: \"...\", zh: \"...\"}}")
    if "authors" in data and not (isinstance(data["authors"], list) and data["authors"]
                                  and all(isinstance(a, str) and a for a in data["authors"])):
        add("registry-value-invalid", "authors",
            "authors must be a list of names, e.g. [\"Boniol M\", \"Kunjumen T\"]")

    ids = data.get("ids", {})
    if not isinstance(ids, Mapping):
        add("registry-value-invalid", "ids", f"ids must be a mapping of {', '.join(ID_FIELDS)}")
        ids = {}
    for name in ids:
        if name not in ID_FIELDS:
            add("registry-field-unknown", f"ids.{name}",
                f"unknown identifier 'ids.{name}'; use {', '.join(ID_FIELDS)}")
    journal = ids.get("journal")
    if journal is not None and not (isinstance(journal, Mapping) and journal.get("name")):
        add("registry-value-invalid", "ids.journal",
            "ids.journal must be {name: ..., volume: ..., issue: ..., pages: ...}")

    if "revision" in data:
        revision = data["revision"]
        if not isinstance(revision, Mapping) or not revision.get("text") \
                or not _is_date(revision.get("date")):
            add("registry-value-invalid", "revision",
                "revision must be {text: \"amended 2009 and 2018\", date: YYYY-MM-DD} "
                "(the version in force and its date)")

    for need in REQUIRED.get(kind, ()) if isinstance(kind, str) else ():
        if need == "title.both":
            if titles is not None and any(lang not in titles for lang in LANGUAGES):
                lacking = [lang for lang in LANGUAGES if lang not in titles]
                add("registry-entry-incomplete", "title",
                    f"a {kind} needs its title in {' and '.join(LANGUAGES)}; add "
                    f"{', '.join(lacking)} (mark it translated_title: working if it is ours)")
        elif need.startswith("ids."):
            if need[4:] not in ids:
                missing(need, f"{need}: the {need[4:].replace('_', ' ')} of this {kind}")
        elif "|" in need:
            if not any(name in data for name in need.split("|")):
                missing("issuer", "issuer: {en: \"...\", zh: \"...\"} (or authors: [...])")
        elif need not in data:
            missing(need, _HINTS.get(need, f"{need}:"))

    url, no_url = data.get("url"), data.get("no_url")
    if url is None and not no_url:
        missing("url", "url: https://... (a page the search tool returned) or "
                       "no_url: \"why there is none\"")
    elif url is not None and no_url:
        add("registry-value-invalid", "no_url", "give either url or no_url, not both")
    if url is not None:
        if not isinstance(url, str) or not url.startswith("https://"):
            add("url-not-https", "url", f"the url must start with https:// (found "
                f"'{str(url)[:40]}'); use the https address of the page, or no_url if it "
                "has none")

    verified = data.get("verified")
    if verified is None:
        missing("verified", "verified: \"YYYY-MM-DD, how it was checked\"")
    else:
        match = _VERIFIED.match(str(verified))
        if not match or not _is_date(match.group(1)):
            add("registry-value-invalid", "verified",
                "verified must read \"YYYY-MM-DD, how it was checked\"")
    return out


_HINTS = {
    "issuer": "issuer: {en: \"...\", zh: \"...\"}",
    "authors": "authors: [\"Surname Initials\", ...]",
    "revision": "revision: {text: \"amended ...\", date: YYYY-MM-DD} (the version in force)",
}


def _language_map(value: Any) -> dict[str, str] | None:
    if not isinstance(value, Mapping) or not value:
        return None
    if not all(k in LANGUAGES and isinstance(v, (str, int)) and str(v).strip()
               for k, v in value.items()):
        return None
    return {k: str(v) for k, v in value.items()}


def _is_date(value: Any) -> bool:
    if isinstance(value, datetime.datetime):
        return False
    if isinstance(value, datetime.date):
        return True
    if isinstance(value, str):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return False
        return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", value))
    return False


def is_key(value: object) -> bool:
    """True when a front matter `sources:` item or an inline citation is written as a
    registry key (lower-case words joined by hyphens) rather than as free text."""
    return isinstance(value, str) and bool(KEY_PATTERN.match(value))
