"""The site's languages as one object: codes, URL roots, `<html lang>` values, source
folders, UI strings and the fallback language. Everything in the build asks it; nothing
else spells a language code.

Read once from mkdocs-static-i18n's configuration (`languages:`: locale, default, name,
site_name, site_description) plus the hwsite plugin's per-language options (source
folder, `<html lang>`), and the UI strings from `<strings_dir>/<locale>.yml`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import yaml

from hwsite.files import parsed_once_per_version


class LanguageError(Exception):
    """A language configuration or strings file that cannot be used (message names the file)."""


@dataclass(frozen=True)
class Language:
    locale: str  # the i18n plugin's locale: its URL folder and the key of everything per language
    default: bool  # the default language: served at the site root, the fallback for the others
    name: str  # the language's own name, as the switcher shows it
    html_lang: str  # BCP 47 tag for <html lang> and hreflang ("zh-Hans")
    source_dir: str  # absolute path of the folder its Markdown sources live in
    site_name: str = ""
    site_description: str = ""
    strings: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def folder(self) -> str:
        """The URL folder of this language: "" for the default language, else its locale."""
        return "" if self.default else self.locale

    @property
    def prefix(self) -> str:
        """The folder as a path prefix of URLs and source URIs ("" or "zh/")."""
        return f"{self.folder}/" if self.folder else ""

    def t(self, key: str, **values: object) -> str:
        """One UI string, with {placeholders} filled in."""
        text = self.strings[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text


def _load_strings(path: str) -> dict[str, str]:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else path
        raise LanguageError(f"{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
    except UnicodeDecodeError:
        raise LanguageError(f"{path}: not UTF-8 text") from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise LanguageError(f"{path}:1: UI strings must be a mapping of 'key: text' lines")
    return data


load_strings = parsed_once_per_version(_load_strings, maxsize=16)


def strings_for(locale: str, strings_dirs: Iterable[str], default_locale: str) -> dict[str, str]:
    """The UI strings of a language: the default language's table, overlaid by the
    language's own (later folders override earlier ones). Keys a language lacks show the
    default language's text rather than breaking the page."""
    table: dict[str, str] = {}
    for wanted in dict.fromkeys((default_locale, locale)):
        for folder in strings_dirs:
            path = os.path.join(folder, f"{wanted}.yml")
            if os.path.exists(path):
                table.update(load_strings(path))
    return table


class Languages:
    """Every language the site is built in, in configuration order, default first."""

    def __init__(self, languages: Iterable[Language]):
        self._all = sorted(languages, key=lambda lang: not lang.default)
        if not self._all or not self._all[0].default or sum(lang.default for lang in self._all) != 1:
            raise LanguageError("exactly one language must be the default")
        self._by_locale = {lang.locale: lang for lang in self._all}

    def __iter__(self) -> Iterator[Language]:
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._all)

    def __contains__(self, locale: object) -> bool:
        return locale in self._by_locale

    @property
    def default(self) -> Language:
        return self._all[0]

    @property
    def others(self) -> list[Language]:
        return self._all[1:]

    def get(self, locale: str | None) -> Language:
        """The language with this locale; the default language for None or an unknown one."""
        return self._by_locale.get(locale or "", self.default)

    def split_uri(self, uri: str) -> tuple[Language, str]:
        """A site-relative URL or source URI ("zh/modules/x.md") as (its language, the rest)."""
        for lang in self.others:
            if uri == lang.folder or uri.startswith(lang.prefix):
                return lang, uri[len(lang.prefix):]
        return self.default, uri

    def of_source(self, path: str) -> Language | None:
        """The language whose source folder holds this file (None: no language's)."""
        real = os.path.realpath(path)
        best = None
        for lang in self._all:
            root = os.path.realpath(lang.source_dir) + os.sep
            if real.startswith(root) and (best is None or len(root) > len(os.path.realpath(best.source_dir))):
                best = lang
        return best

    @classmethod
    def from_options(cls, entries: Iterable[Mapping], *, docs_dir: str, config_dir: str,
                     options: Mapping[str, Mapping], strings_dirs: Iterable[str],
                     site_name: str = "", site_description: str = "") -> Languages:
        """Languages from i18n-style entries (locale, default, name, build, site_name,
        site_description) and the hwsite plugin's per-language options (source_dir,
        html_lang). A non-default language's sources default to `docs_<locale>/` beside
        mkdocs.yml."""
        entries = [e for e in entries if e.get("locale") not in (None, "null") and e.get("build", True)]
        default_locale = next((e["locale"] for e in entries if e.get("default")), entries[0]["locale"] if entries else "en")
        strings_dirs = list(strings_dirs)
        found = []
        for entry in entries or [{"locale": "en", "default": True, "name": "English"}]:
            locale = entry["locale"]
            own = options.get(locale, {})
            default = locale == default_locale
            source = own.get("source_dir") or (docs_dir if default else f"docs_{locale}")
            found.append(Language(
                locale=locale, default=default, name=entry.get("name") or locale,
                html_lang=own.get("html_lang") or locale,
                source_dir=os.path.normpath(os.path.join(config_dir, source)),
                site_name=entry.get("site_name") or site_name,
                site_description=entry.get("site_description") or site_description,
                strings=strings_for(locale, strings_dirs, default_locale)))
        return cls(found)
