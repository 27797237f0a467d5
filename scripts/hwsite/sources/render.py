"""How a registry entry is written for readers: format_reference() gives the one
canonical HTML form of a source per language, render_sources_page() the page that
lists the whole registry grouped by type.

UI words and punctuation live in SourceStrings, one instance per language, made by
source_strings() from the language's UI strings (`sources.*` in
overrides/strings/<locale>.yml); nothing here branches on a language code.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from hwsite.sources.registry import TYPES, Entry, Registry


@dataclass(frozen=True)
class SourceStrings:
    """Words and punctuation of one language for references and the sources page.

    title_marks: how a title written in THIS language is marked (《》 for Chinese);
    html_lang: the lang attribute for text in this language.
    """

    html_lang: str
    references_heading: str
    cite_label: str  # accessible name of a citation link; {n} is its number
    unknown_source: str  # the visible error marker; {key} is the unknown key
    working_title: str
    registry_link: str  # text of the link from a page's reference to the sources page
    page_title: str
    page_intro: str
    checked: str  # on the sources page, after each entry: when it was last checked; {date}
    type_headings: Mapping[str, str]
    months: tuple[str, ...]
    date_format: str  # {day} {month} {month_name} {year}
    year_format: str
    undated: str  # in place of the year of a source that shows no date
    revision_sep: str  # between a revision's text and its date, when the date is added
    after_who: str  # between the issuer/authors and the title
    sep: str  # between the other parts
    end: str  # after the last part
    paren: tuple[str, str]
    paren_sep: str  # between a title in brackets and the working-title note
    list_sep: str  # between several authors or parts of an identifier list
    et_al: str  # after the last named author when the list ends with "et al."; {names} is the list
    title_marks: tuple[str, str] = ("", "")
    id_labels: Mapping[str, str] = field(default_factory=dict)


def source_strings(ui: Mapping[str, str], html_lang: str) -> SourceStrings:
    """A language's SourceStrings from its UI strings (the `sources.*` keys of
    overrides/strings/<locale>.yml, read through hwsite.languages)."""
    def get(key: str) -> str:
        try:
            return ui["sources." + key]
        except KeyError:
            raise KeyError(f"UI strings lack 'sources.{key}'") from None
    return SourceStrings(
        html_lang=html_lang,
        references_heading=get("heading"),
        cite_label=get("cite_label"),
        unknown_source=get("unknown"),
        working_title=get("working_title"),
        registry_link=get("registry_link"),
        page_title=get("page_title"),
        page_intro=get("page_intro"),
        checked=get("checked"),
        type_headings={kind: get("type." + kind) for kind in TYPES},
        months=tuple(get("months").split()),
        date_format=get("date_format"),
        year_format=get("year_format"),
        undated=get("undated"),
        revision_sep=get("revision_sep"),
        after_who=get("after_who"),
        sep=get("sep"),
        end=get("end"),
        paren=(get("paren_open"), get("paren_close")),
        paren_sep=get("paren_sep"),
        list_sep=get("list_sep"),
        et_al=get("et_al"),
        title_marks=(get("title_open"), get("title_close")),
        id_labels={name: get("id." + name) for name in ("doi", "isbn", "convention")},
    )


def format_date(value: datetime.date, strings: SourceStrings) -> str:
    return strings.date_format.format(day=value.day, month=value.month, year=value.year,
                                      month_name=strings.months[value.month - 1])


def _title_html(text: str, title_lang: str, reader: SourceStrings,
                all_strings: Mapping[str, SourceStrings]) -> str:
    own = all_strings.get(title_lang, reader)
    lang = "" if own.html_lang == reader.html_lang else f' lang="{escape(own.html_lang)}"'
    left, right = own.title_marks
    return f"{left}<cite{lang}>{escape(text)}</cite>{right}"


def _ids_html(entry: Entry, s: SourceStrings, shown: str = "") -> str:
    """Identifiers of `entry`; a convention number already in the shown titles
    ("... Convention, 1981 (No. 155)") is not repeated."""
    ids = entry.data.get("ids") or {}
    parts = []
    journal = ids.get("journal")
    if isinstance(journal, Mapping) and journal.get("name"):
        text = f"<i>{escape(str(journal['name']))}</i> {entry.data.get('year', '')}"
        if journal.get("volume"):
            text += f";{escape(str(journal['volume']))}"
        if journal.get("issue"):
            text += f"({escape(str(journal['issue']))})"
        if journal.get("pages"):
            text += f":{escape(str(journal['pages']))}"
        parts.append(text)
    for name in ("standard", "decree", "document_number"):
        if ids.get(name):
            parts.append(escape(str(ids[name])))
    if ids.get("convention"):
        text = s.id_labels["convention"].replace("{number}", str(ids["convention"]))
        if text not in shown:
            parts.append(escape(text))
    if ids.get("doi"):
        doi = str(ids["doi"])
        parts.append(f'{escape(s.id_labels["doi"])}{escape(doi)}')
    if ids.get("isbn"):
        parts.append(escape(s.id_labels["isbn"] + str(ids["isbn"])))
    return s.sep.join(parts)


def format_reference(entry: Entry, language: str, strings: Mapping[str, SourceStrings]) -> str:
    """The canonical way to write `entry` for readers of `language`, as an HTML
    fragment (well-formed, escaped; no block elements).

    English: Issuer. <cite>Title</cite> (other-language title, working title). Year
    (revision). Identifiers. Link. Chinese: 发布机构：《标题》（原文标题），2014年（修正说明）。
    The revision's date follows its text only when the text does not already name that
    year; a source with `undated:` instead of a year says so where the year would be.
    A title in the reader's language comes first; the original follows in brackets when
    it differs, and a title that is our own translation says so.
    """
    all_strings = strings
    s = all_strings[language]
    data = entry.data
    original = str(data.get("original_language", language))
    titles = data.get("title") if isinstance(data.get("title"), Mapping) else {}
    working = data.get("translated_title") == "working"

    if isinstance(data.get("authors"), list):
        authors = [str(a) for a in data["authors"]]
        more = bool(authors) and authors[-1].strip().lower() in ("et al.", "et al")
        names = [a for a in authors if not (a.strip().lower() in ("et al.", "et al"))]
        who = s.list_sep.join(escape(a.removesuffix(" et al.")) for a in names)
        if more or any(a.endswith(" et al.") for a in names):
            who = s.et_al.replace("{names}", who)
    else:
        who = escape(entry.text("issuer", language) or entry.text("issuer", original) or "")

    shown_lang = language if titles.get(language) else original
    title = _title_html(str(titles.get(shown_lang, entry.key)), shown_lang, s, all_strings)
    other_lang = original if shown_lang != original else None
    if other_lang and titles.get(other_lang):
        title += s.paren[0] + _title_html(str(titles[other_lang]), other_lang, s, all_strings)
        if working:
            title += s.paren_sep + escape(s.working_title)
        title += s.paren[1]
    elif shown_lang != original and working:
        title += s.paren[0] + escape(s.working_title) + s.paren[1]

    parts = [title]
    for name in ("edition", "series", "published_in"):
        text = entry.text(name, language) or entry.text(name, original)
        if text:
            parts.append(escape(text))
    when = data.get("date")
    journal = (data.get("ids") or {}).get("journal") if isinstance(data.get("ids"), Mapping) else None
    if isinstance(journal, Mapping) and journal.get("name") and not isinstance(when, datetime.date):
        stamp = ""  # the journal reference that follows gives the year
    elif isinstance(when, datetime.date):
        stamp = format_date(when, s)
    elif data.get("year") is None and data.get("undated"):
        stamp = s.undated
    else:
        stamp = s.year_format.format(year=data.get("year", ""))
    revision = data.get("revision")
    if isinstance(revision, Mapping) and revision.get("text"):
        text = revision["text"]
        if isinstance(text, Mapping):
            text = text.get(language) or text.get("en") or next(iter(text.values()), "")
        text = str(text)
        stamp += s.paren[0] + escape(text)
        revised = revision.get("date")
        if isinstance(revised, datetime.date) and not _dates(text, revised):
            stamp += s.revision_sep + format_date(revised, s)
        stamp += s.paren[1]
    if stamp:
        parts.append(stamp)
    ids = _ids_html(entry, s, " ".join(str(t) for t in titles.values()))
    if ids:
        parts.append(ids)
    body = _join(parts, s)
    if who:
        body = who + s.after_who + body
    url = entry.url
    if url and url.startswith("https://"):
        host = urlsplit(url).hostname or url
        host = host[4:] if host.startswith("www.") else host
        body += f' <a class="hw-ref-url" href="{escape(url)}">{escape(host)}</a>'
    return body


_TAG = re.compile(r"<[^>]+>")


def _join(parts: list[str], s: SourceStrings) -> str:
    """Parts joined by the separator, ended by the final mark; a part whose text already
    ends with a full stop, question or exclamation mark is not given a second one."""
    out = ""
    for index, part in enumerate(parts):
        mark = s.sep if index < len(parts) - 1 else s.end
        if _TAG.sub("", part).rstrip().endswith((".", "?", "!", "。", "？", "！")) and mark[:1] in ".。":
            mark = mark[1:]
        out += part + mark
    return out


def _dates(text: str, day: datetime.date) -> bool:
    """True when a revision text already dates the version: it names the year of the
    revision date ("amended 2009 and 2018", "2020年6月1日起施行"), so printing the
    date after it would say the same thing twice."""
    return str(day.year) in text


def type_anchor(kind: str) -> str:
    """The id of a type's heading on the sources page: 'web page' -> 'web-pages'."""
    return kind.replace(" ", "-") + ("" if kind.endswith("s") else "s")


def render_sources_page(registry: Registry, language: str,
                        strings: Mapping[str, SourceStrings], *, title: bool = True) -> str:
    """Markdown for the page listing the whole registry in `language`: a heading per
    type (in TYPES order, empty types left out, id from type_anchor()), and under it a
    list of references, newest first, each `<li id="src-KEY">`. The lists are HTML
    blocks, which Markdown passes through unchanged."""
    all_strings = strings
    s = all_strings[language]
    lines = [f"# {s.page_title}", "", s.page_intro, ""] if title else []
    for kind in TYPES:
        entries = [e for e in registry if e.type == kind]
        if not entries:
            continue
        entries.sort(key=lambda e: (-_year(e), e.key))
        lines += [f"## {s.type_headings.get(kind, kind)} {{#{type_anchor(kind)}}}", "",
                  '<ul class="hw-sources">']
        lines += [f'<li id="src-{escape(e.key)}">{format_reference(e, language, all_strings)}{_checked(e, s)}</li>'
                  for e in entries]
        lines += ["</ul>", ""]
    return "\n".join(lines)


def _year(entry: Entry) -> int:
    year = entry.data.get("year")
    return year if isinstance(year, int) and not isinstance(year, bool) else 0


def _checked(entry: Entry, s: SourceStrings) -> str:
    """When the project last checked the entry (the date its `verified` note starts with)."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", str(entry.data.get("verified") or ""))
    if not match:
        return ""
    date = datetime.date(*map(int, match.groups()))
    text = escape(s.checked.replace("{date}", format_date(date, s)))
    return f'{s.paren[0]}<span class="hw-src-checked">{text}</span>{s.paren[1]}'
