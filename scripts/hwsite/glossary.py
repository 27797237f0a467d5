"""The EN-ZH glossary: load and validate scripts/data/glossary.yml, and generate from it
the glossary page body (per language) and the jieba user dictionary for Chinese search.

The build plugin (hwsite.plugin), the terminology lint and the tests all
import this module; nothing else parses the glossary file.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from markdown.util import STX

from hwsite import md_tree
from hwsite.files import parsed_once_per_version
from hwsite.site_model import HAN

GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "data" / "glossary.yml"

# libyaml's loader when PyYAML has it (its wheels do): 20x faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class GlossaryError(Exception):
    """A problem in the glossary file, with the file and line it is on."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__(f"{file}:{line}: {message}")
        self.file, self.line, self.message = file, line, message


@dataclass(frozen=True)
class Term:
    en: str
    zh: str
    pinyin: str
    def_en: str
    def_zh: str
    line: int
    deprecated_zh: tuple[str, ...] = field(default=())
    note: str = ""
    # Optional English variants the site avoids (e.g. "needle-stick injury"); the
    # terminology lint warns about them on English pages.
    deprecated_en: tuple[str, ...] = field(default=())
    # Other names readers search for, per language (colloquial, older, regional, short
    # forms: 针扎 for 针刺伤, TB for tuberculosis): search takes them as the term, and the
    # glossary page lists them ("also called"). Not a judgement on the wording.
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def aliases_in(self, lang: str) -> tuple[str, ...]:
        return self.aliases.get(lang, ())

    def __hash__(self) -> int:  # frozen, but the aliases dict is not hashable
        return hash((self.en, self.zh, self.line))

    @property
    def anchor(self) -> str:
        return "term-" + re.sub(r"[^a-z0-9]+", "-", self.en.lower()).strip("-")


# The languages the glossary has columns for (a page in another language gets no definitions).
LANGUAGES = ("en", "zh")
REQUIRED = ("en", "zh", "pinyin", "def_en", "def_zh")


def load_glossary(path: Path | str = GLOSSARY_FILE) -> list[Term]:
    """Parse and validate the glossary; raise GlossaryError naming file and line."""
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GlossaryError(name, 1, "glossary file not found") from None
    except UnicodeDecodeError as error:
        line = text_line_of_byte(path.read_bytes(), error.start)
        raise GlossaryError(name, line, "not valid UTF-8; save the file as UTF-8") from None
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise GlossaryError(name, line, f"malformed YAML: {getattr(error, 'problem', error)}") from None
    if root is None or not isinstance(root, yaml.MappingNode):
        raise GlossaryError(name, 1, "expected a mapping with a 'terms:' list")
    terms_node = next((v for k, v in root.value if k.value == "terms"), None)
    if not isinstance(terms_node, yaml.SequenceNode):
        raise GlossaryError(name, 1, "expected 'terms:' to be a list of entries")
    data = yaml.load(text, Loader=_LOADER)["terms"]
    terms: list[Term] = []
    seen_en: dict[str, int] = {}
    seen_zh: dict[str, int] = {}
    for node, entry in zip(terms_node.value, data):
        line = node.start_mark.line + 1
        if not isinstance(entry, dict):
            raise GlossaryError(name, line, "each term must be a mapping with en, zh, pinyin, def_en, def_zh")
        for key in REQUIRED:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise GlossaryError(name, line, f"term is missing '{key}' (a non-empty string)")
        deprecated = entry.get("deprecated_zh") or []
        if not isinstance(deprecated, list) or not all(isinstance(d, str) and d for d in deprecated):
            raise GlossaryError(name, line, "'deprecated_zh' must be a list of strings")
        deprecated_en = entry.get("deprecated_en") or []
        if not isinstance(deprecated_en, list) or not all(isinstance(d, str) and d.strip() for d in deprecated_en):
            raise GlossaryError(name, line, "'deprecated_en' must be a list of strings")
        aliases = _aliases(entry.get("aliases"), name, line, entry)
        term = Term(
            en=entry["en"].strip(), zh=entry["zh"].strip(), pinyin=entry["pinyin"].strip().lower(),
            def_en=entry["def_en"].strip(), def_zh=entry["def_zh"].strip(), line=line,
            deprecated_zh=tuple(d.strip() for d in deprecated), note=str(entry.get("note") or "").strip(),
            deprecated_en=tuple(d.strip() for d in deprecated_en), aliases=aliases,
        )
        if not HAN.search(term.zh):
            raise GlossaryError(name, line, f"'zh' of '{term.en}' contains no Chinese characters")
        key_en = term.en.lower()
        if key_en in seen_en:
            raise GlossaryError(name, line, f"duplicate English term '{term.en}' (first on line {seen_en[key_en]})")
        if term.zh in seen_zh:
            raise GlossaryError(name, line, f"duplicate Chinese term '{term.zh}' (first on line {seen_zh[term.zh]})")
        seen_en[key_en], seen_zh[term.zh] = line, line
        terms.append(term)
    preferred = {t.zh: t for t in terms}
    for term in terms:
        for variant in term.deprecated_zh:
            if variant in preferred:
                raise GlossaryError(
                    name, term.line,
                    f"deprecated variant '{variant}' of '{term.zh}' is itself the preferred term for '{preferred[variant].en}'",
                )
    return terms


def _aliases(value, name: str, line: int, entry: dict) -> dict[str, tuple[str, ...]]:
    """The optional `aliases:` mapping of an entry: language -> list of other names."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GlossaryError(name, line, "'aliases' must be a mapping of language to a list of names, "
                                        "e.g. aliases: {en: [TB], zh: [结核]}")
    out: dict[str, tuple[str, ...]] = {}
    for lang, names in value.items():
        if lang not in LANGUAGES:
            raise GlossaryError(name, line, f"'aliases' has an unknown language '{lang}' "
                                            f"(one of {', '.join(LANGUAGES)})")
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise GlossaryError(name, line, f"'aliases' of '{lang}' must be a list of non-empty strings")
        own = str(entry.get(lang) or "").strip().lower()
        cleaned = tuple(dict.fromkeys(n.strip() for n in names))
        for alias in cleaned:
            if alias.lower() == own:
                raise GlossaryError(name, line, f"alias '{alias}' is the term itself; remove it")
        out[lang] = cleaned
    return out


def load_glossary_cached(path: Path | str = GLOSSARY_FILE) -> list[Term]:
    """load_glossary(), parsed once per version of the file: a build asks for the terms
    on every page, and `mkdocs serve` must still see an edited glossary."""
    return list(_glossary_per_version(path))


_glossary_per_version = parsed_once_per_version(lambda path: tuple(load_glossary(path)))


def search_synonyms(terms: list[Term], lang: str) -> dict[str, list[str]]:
    """For search in one language: each name of a term (the term and its aliases, lower
    case) -> the term's other names. A name shared by two terms leads to both."""
    out: dict[str, list[str]] = {}
    for term in terms:
        names = [term.name(lang), *term.aliases_in(lang)]
        if lang != "en":  # abbreviations readers type in Latin letters in any language (HIV, PPE)
            names += [a for a in (term.en, *term.aliases_in("en")) if a.isupper() and " " not in a]
        names = list(dict.fromkeys(n.lower() for n in names))
        if len(names) < 2:
            continue
        for name in names:
            out.setdefault(name, [])
            out[name] += [n for n in names if n != name and n not in out[name]]
    return out


def text_line_of_byte(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _group_key(term: Term, lang: str) -> str:
    first = (term.en if lang == "en" else term.pinyin)[:1].upper()
    return first if first.isalpha() else "#"


def _sort_key(term: Term, lang: str) -> tuple:
    return (term.en.lower(),) if lang == "en" else (term.pinyin, term.zh)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def glossary_markdown(terms: list[Term], lang: str, also_called: str = "") -> str:
    """The generated body of the glossary page: one table per initial letter
    (English term for `en`, pinyin for `zh`), with a letter index on top. A term's
    aliases in the page's language follow its definition after `also_called`
    (a UI string with {names})."""
    groups: dict[str, list[Term]] = {}
    for term in sorted(terms, key=lambda t: _sort_key(t, lang)):
        groups.setdefault(_group_key(term, lang), []).append(term)
    letters = sorted(groups)
    out = [" · ".join(f"[{letter}](#letter-{letter.lower()})" for letter in letters), ""]
    header = ("| English | 中文 | Definition |\n|---|---|---|" if lang == "en"
              else "| 中文 | 拼音 | English | 释义 |\n|---|---|---|---|")
    for letter in letters:
        out += [f"## {letter} {{#letter-{letter.lower()}}}", "", header]
        for t in groups[letter]:
            anchor = f'<span id="{t.anchor}"></span>'
            definition = t.def_en if lang == "en" else t.def_zh
            names = t.aliases_in(lang)
            if names and also_called:
                quoted = ("、" if lang == "zh" else ", ").join(
                    (f"“{n}”" if lang == "zh" else f"*{n}*") for n in names)
                definition += (" " if lang == "en" else "") + also_called.replace("{names}", quoted)
            if lang == "en":
                out.append(f"| {anchor}**{_cell(t.en)}** | {_cell(t.zh)} | {_cell(definition)} |")
            else:
                out.append(f"| {anchor}**{_cell(t.zh)}** | {_cell(t.pinyin)} | {_cell(t.en)} | {_cell(definition)} |")
        out.append("")
    return "\n".join(out)


def jieba_user_dict(terms: list[Term]) -> str:
    """jieba user dictionary: every Chinese term and alias as one word, so search keeps it whole."""
    # jieba's format has no comment syntax, so this generated file cannot say so inside;
    # it lives in the git-ignored .cache/generated/ and is rebuilt on every build.
    words = sorted({t.zh for t in terms if all(HAN.match(c) for c in t.zh)})
    # aliases too, so that the index holds 针扎 as the word readers type
    words = sorted(set(words) | {a for t in terms for a in t.aliases_in("zh") if all(HAN.match(c) for c in a)})
    lines = [f"{word} 50 n" for word in words]
    return "\n".join(lines) + "\n"


# Elements whose text is never annotated: links, code, headings, existing abbreviations,
# and anything that is not running text; and, by class, the reference lists (titles of
# documents are names, not the site's words).
_SKIP = {"a", "abbr", "code", "pre", "kbd", "h1", "h2", "h3", "h4", "h5", "h6", "script",
         "style", "svg", "button", "label", "summary", "title", "figcaption", "progress"}
SKIP_CLASSES = frozenset({"hw-references", "hw-sources"})  # hwsite.sources


def trie_alternation(words) -> str:
    """A regex alternation of the words that matches what `a|b|...` with the longest
    words first matches, as a trie (`hand(?: hygiene)?|...`): at each position the regex
    engine follows one branch of shared prefixes instead of trying every word, four times
    faster over the site's English pages. A word that is a prefix of another ends with an
    optional continuation, tried first, so the longest word wins as before; and at one
    position the words that match are prefixes of each other, so following one branch
    finds all of them."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" not in node:
            return body
        return f"(?:{body})?" if len(branches) == 1 else body + "?"

    return emit(trie)


@lru_cache(maxsize=8)
def _term_matcher(terms: tuple[Term, ...], lang: str) -> tuple[dict[str, str], re.Pattern | None]:
    """Definitions by matched text, and one regex for all terms (longest first)."""
    by_text = {}
    for term in terms:
        key = term.zh if lang == "zh" else term.en.lower()
        by_text[key] = term.def_zh if lang == "zh" else term.def_en
    if not by_text:
        return by_text, None
    alternatives = trie_alternation(by_text)
    if lang == "zh":
        return by_text, re.compile(alternatives)
    return by_text, re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.I)


def _skipped(element: etree.Element) -> bool:
    return not isinstance(element.tag, str) or element.tag in _SKIP or any(
        name in SKIP_CLASSES for name in (element.get("class") or "").split())


def _keep(text: str, lead: list[str], abbrs: list[etree.Element]) -> None:
    """Text that stays as it is: after the last new <abbr>, or before the first."""
    if abbrs:
        abbrs[-1].tail += text
    else:
        lead.append(text)


def annotate_terms(root: etree.Element, terms: list[Term], lang: str, stash: md_tree.Stash = ()) -> None:
    """Wrap the first occurrence of each glossary term in a page's running text in
    <abbr title="definition" tabindex="0">, so readers get the definition on hover, focus
    or tap. root: a page body as Python-Markdown's tree (in a treeprocessor, after inline
    processing); stash: md.htmlStash.rawHtmlBlocks, so that text inside inline raw HTML
    such as <a> or <code> is left alone too. Raw HTML blocks are not Markdown text and
    are never annotated.

    English terms match whole words, case-insensitively; Chinese terms match as written
    (Chinese has no spaces). Longer terms win over terms they contain."""
    by_text, pattern = _term_matcher(tuple(terms), lang)
    if pattern is None:
        return
    used: set[str] = set()
    raw_open: list[str] = []  # skipped elements opened by inline raw HTML tags

    def define(text: str, lead: list[str], abbrs: list[etree.Element]) -> None:
        """Running text: its first occurrences of terms become <abbr>s; the text before the
        first goes to lead, the rest to the tails."""
        position = 0
        for match in pattern.finditer(text):
            key = match.group(0) if lang == "zh" else match.group(0).lower()
            if key in used:
                continue
            used.add(key)
            _keep(text[position:match.start()], lead, abbrs)
            abbr = etree.Element("abbr", {"title": by_text[key], "tabindex": "0"})
            abbr.text, abbr.tail = match.group(0), ""
            abbrs.append(abbr)
            position = match.end()
        _keep(text[position:], lead, abbrs)

    def annotate(text: str, skipped: bool) -> tuple[str, list[etree.Element]]:
        """text -> (its text before the first new <abbr>, the new <abbr>s, each with its tail)."""
        lead: list[str] = []
        abbrs: list[etree.Element] = []
        if STX not in text:  # most text: no raw HTML placeholder to follow
            if not (skipped or raw_open):
                define(text, lead, abbrs)
            return ("".join(lead), abbrs) if abbrs else (text, abbrs)
        for piece, raw in md_tree.pieces(text, stash):
            if raw is None:
                if skipped or raw_open:
                    _keep(piece, lead, abbrs)
                else:
                    define(piece, lead, abbrs)
                continue
            tag = md_tree.raw_tag(raw) if raw else None
            if tag and tag[0] == "start" and tag[1] in _SKIP:
                raw_open.append(tag[1])
            elif tag and tag[0] == "end" and tag[1] in raw_open:
                del raw_open[len(raw_open) - 1 - raw_open[::-1].index(tag[1]):]
            _keep(piece, lead, abbrs)
        return "".join(lead), abbrs

    def visit(element: etree.Element, skipped: bool) -> None:
        skipped = skipped or _skipped(element)
        depth = len(raw_open)
        children = list(element)  # not the <abbr>s added below
        if element.text:
            element.text, abbrs = annotate(element.text, skipped)
            for index, abbr in enumerate(abbrs):
                element.insert(index, abbr)
        for child in children:
            visit(child, skipped)
            if child.tail:
                child.tail, abbrs = annotate(child.tail, skipped)
                at = list(element).index(child) + 1
                for index, abbr in enumerate(abbrs):
                    element.insert(at + index, abbr)
        del raw_open[depth:]  # raw tags left open inside an element end with it

    visit(root, False)
