"""Build the self-check quiz pages from scripts/data/quizzes/<module>.yml.

on_files (after the i18n plugin has picked this pass's files): one generated page per
quiz in the language being built, modules/<module>/quiz/ or zh/modules/<module>/quiz/,
with the i18n attributes other hooks read (locale, alternates) and the page's source set
to the YAML file, so warnings and the link checker name the file editors fix. The pages
are not in the nav, are excluded from search and are added to the sitemap.
All logic is in scripts/hwsite/quiz.py; UI strings are the quiz.* entries of
partials/hw-strings.html; the browser side is assets/javascripts/quiz.js.
"""

from __future__ import annotations

import os
import sys

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.utils import get_relative_url

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from hwsite import quiz as hwquiz  # noqa: E402
from hwsite.files import parsed_once_per_version  # noqa: E402
from hwsite.source import SourceError, read_source  # noqa: E402

SCRIPT = "assets/javascripts/quiz.js"
STRINGS_FILE = os.path.join(os.path.dirname(__file__), "..", "partials", "hw-strings.html")
_strings_cache: dict[tuple, dict] = {}
_load = parsed_once_per_version(hwquiz.load_quiz, maxsize=32)


def _language(config) -> tuple[str, str, str]:
    """(language being built, default language, URL prefix of this language)."""
    plugin = config.plugins.get("i18n")
    current = getattr(plugin, "current_language", None) or "en"
    default = getattr(plugin, "default_language", None) or current
    return current, default, ("" if current == default else current + "/")


def _strings(config) -> dict:
    """This language's row of partials/hw-strings.html (read once per language and version)."""
    key = (config.theme["language"], os.stat(STRINGS_FILE).st_mtime_ns)
    if key not in _strings_cache:
        env = config.theme.get_env()
        _strings_cache[key] = dict(env.get_template("partials/hw-strings.html").make_module({"config": config}).hw)
    return _strings_cache[key]


def _real_source(file, root: str, lang: str) -> str:
    """Where a page's Markdown really is: until i18n_sources.py's on_nav, the Chinese
    pages still point at docs/zh/<rel> instead of docs_zh/<rel>."""
    if os.path.exists(file.abs_src_path) or not file.src_uri.startswith(lang + "/"):
        return file.abs_src_path
    return os.path.join(root, "docs_" + lang, file.src_uri[len(lang) + 1:])


@event_priority(-150)  # after the i18n plugin's on_files (-100) built this language's file list
def on_files(files, config):
    lang, default, prefix = _language(config)
    strings = _strings(config)
    plugin = config.plugins.get("i18n")
    root = os.path.dirname(config.config_file_path)
    for path in hwquiz.quiz_files():
        # a quiz belongs to the module page of the same name; a site without it (the
        # tests' fixture sites) gets no quiz page
        module_file = files.get_file_from_path(prefix + f"modules/{path.stem}.md")
        if module_file is None or not module_file.abs_src_path:
            continue
        name = os.path.relpath(path, root).replace(os.sep, "/")
        try:
            quiz = _load(str(path))
            module_src = read_source(_real_source(module_file, root, lang))
        except (hwquiz.QuizError, SourceError) as error:
            raise PluginError(f"quiz: {error}") from None
        module = hwquiz.module_number(quiz.slug)
        if module is None:
            raise PluginError(f"quiz: {name}: the file name must start with the module number (03-...)")
        src_uri = prefix + hwquiz.page_src_uri(quiz.slug)
        script = get_relative_url(SCRIPT, File.generated(config, src_uri, content="").url)
        text = hwquiz.render_quiz_page(quiz, lang, strings, module=module,
                                       module_title=str(module_src.meta.get("title", "")), script_src=script)
        page = File.generated(config, src_uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV)
        # hw_source (page_meta.py), warnings and the link checker name the data file
        page.abs_src_path = str(path)
        _add_i18n_attributes(page, config, plugin, lang, default, quiz.slug)
        existing = files.get_file_from_path(src_uri)
        if existing is not None:
            files.remove(existing)
        files.append(page)
        if plugin is not None and lang in getattr(plugin, "i18n_files_per_language", {}):
            plugin.i18n_files_per_language[lang].append(page)
    return files


def _add_i18n_attributes(page, config, plugin, lang: str, default: str, slug: str) -> None:
    """What mkdocs-static-i18n sets on its own files: the page's locale and its twin in
    every language (language switcher, hreflang links, sitemap)."""
    page.locale = page.locale_alternate_of = lang
    page.localization = None if lang == default else lang
    page.norm_src_uri = hwquiz.page_src_uri(slug)
    languages = [lang]
    if plugin is not None:
        languages = [language.locale for language in plugin.config.languages
                     if language.build and language.locale != "null"] or [lang]
    page.alternates = {}
    for other in languages:
        if other == lang:
            page.alternates[other] = page
        else:
            twin_prefix = "" if other == default else other + "/"
            twin = File.generated(config, twin_prefix + hwquiz.page_src_uri(slug), content="")
            twin.locale = twin.locale_alternate_of = other
            page.alternates[other] = twin
