"""The build of the HealthWISE OSH site, read top to bottom in build order.

One MkDocs plugin (`hwsite` in mkdocs.yml, registered through the `mkdocs.plugins`
entry point) runs every step the site adds to Material and mkdocs-static-i18n: the
translations' source folders, the glossary, translation status, trainer tools (short
links, QR codes, share panel), reading time, per-language search indexes, sitemaps and
404 pages, the offline web app and minified assets. Each step calls a pure function in
its own module of the hwsite package; this file only decides when.

Ordering against mkdocs-static-i18n (its events run at priorities -100 and 50): the
i18n plugin builds the default language first and, in its own on_post_build (-100),
runs a nested build of each other language with `building` set; every event here runs
once per language pass. So the translations' files are added before it sorts files
into languages (on_files at 50), their sources are pointed back at their own folder
after it re-creates every File (on_nav at -150), page HTML is fixed after it wrote
its alternates (on_post_page at -50), and the whole-site outputs are split per
language after its last pass merged them (on_post_build at -200, outer pass only).

What does not change between passes and `mkdocs serve` rebuilds is kept on the instance
(MkDocs keeps it for the whole serve session), keyed by what it is made from
(hwsite.build_cache): compiled templates; under serve, each page's rendered body and
search entries, so a save re-renders the saved page and what depends on it.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import re
from copy import deepcopy
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from hwsite import build_cache, figures, glossary, html_fixes, minify, offline, page_body, parity, quiz, reading, search_index, site_model, site_outputs, sources, theme_css
from hwsite import source as md
from hwsite import trainer_links as tl
from hwsite import translation_status
from hwsite import workplace_checklist as wc
from hwsite.files import write_atomically
from hwsite.languages import Language, LanguageError, Languages
from hwsite.plugin.config import HealthWiseConfig
from hwsite.plugin.page_info import PageInfo

log = get_plugin_logger("hwsite")

GLOSSARY_MARKER = "<!-- glossary -->"
SOURCES_MARKER = "<!-- sources -->"
SOURCES_PAGE = "sources.md"  # in each language's folder: the whole registry
SHORT_LINKS_MARKER = "<!-- short-links -->"
OFFLINE_TEMPLATE = "offline.html"
SEARCH_WORKER_PRELUDE = "hw-search-worker.js"  # a theme source, written into the search worker
POLYFILL = "assets/javascripts/iframe-worker-1.0.4.js"
PAGE_META_PARTIAL = "partials/hw-page-meta.html"
_H1_END = re.compile(r"</h1>", re.I)


class _SourcePathsInMessages(logging.Filter):
    """Log messages name a translation as MkDocs sees it ('zh/x.md'); editors open
    'docs_zh/x.md'. Rewritten for every language with its own source folder."""

    def __init__(self, replacements: list[tuple[re.Pattern, str]]):
        super().__init__()
        self.replacements = replacements

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        changed = message
        for pattern, folder in self.replacements:
            changed = pattern.sub(rf"{folder}/\1", changed)
        if changed != message:
            record.msg, record.args = changed, ()
        return True


def _headings_of(markdown: str, source: str):
    """A page's headings, parsed only when asked for (short links read them on module
    pages only)."""
    yield from md.headings(md.parse_source(markdown, source))


class _DropObsoleteWarning(logging.Filter):
    """static-i18n warns that its switcher breaks with navigation.instant; the
    per-language sitemaps written after the build fix exactly that."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "not compatible with theme.features = navigation.instant" not in record.getMessage()


class HealthWisePlugin(BasePlugin[HealthWiseConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        super().__init__()
        self.command = "build"  # kept for the whole `mkdocs serve` session
        # Kept for the whole `mkdocs serve` session too, each keyed by what it is made from
        self.templates = build_cache.TemplateBytecodeCache()
        self.search_entries = build_cache.SearchEntryCache()  # mkdocs serve only
        self.renders = build_cache.PageRenderCache()  # mkdocs serve only
        self._reset_build()

    def _reset_build(self) -> None:
        """State of one whole build (every language pass); set again at each build's start."""
        self.languages: Languages | None = None
        self.config_dir = ""
        self._log_filter: _SourcePathsInMessages | None = None
        self._validation: tuple[int, int] | None = None  # see on_files, previewing one language
        self.registry: sources.Registry | None = None
        self.citations: sources.CitationExtension | None = None
        self.source_strings: dict[str, sources.SourceStrings] = {}
        self.body = page_body.PageBodyExtension()
        self.search_labels: dict[str, str] = {}  # page URL (with language folder) -> label of its sections
        self.search_worker: tuple[str, str, str] | None = None  # Material's worker name, ours, our script
        self.theme_css: tuple[str, str, str] | None = None  # Material's main stylesheet's name, ours, our text
        self.figure_sizes: dict[str, figures.Size | None] = {}  # every figure in the source folders
        self._render_inputs = ""  # mkdocs serve: the files every page's render depends on, by content
        self._reset_pass()

    def _reset_pass(self) -> None:
        """State of one language pass."""
        self.language: Language | None = None
        self.pages: dict[str, PageInfo] = {}  # by source URI
        self.env: Environment | None = None
        self._statuses: list[parity.PageStatus] | None = None
        self._status_by_path: dict[str, str] | None = None

    # ------------------------------------------------------------------ helpers

    def _i18n(self, config: MkDocsConfig):
        return config.plugins.get("i18n")

    def _outer_pass(self, config: MkDocsConfig) -> bool:
        i18n = self._i18n(config)
        return not (i18n is not None and i18n.building)

    def _offline_edition(self, config: MkDocsConfig) -> bool:
        plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
        return bool(plugin is not None and plugin.config.enabled)

    def _web_app(self, config: MkDocsConfig) -> bool:
        return not self._offline_edition(config) and self.command != "serve"

    def _read_languages(self, config: MkDocsConfig) -> Languages:
        i18n = self._i18n(config)
        entries = [{"locale": lang.locale, "default": lang.default, "name": lang.name, "build": lang.build,
                    "site_name": lang.site_name, "site_description": lang.site_description}
                   for lang in (i18n.config.languages if i18n is not None else [])]
        try:
            return Languages.from_options(
                entries, docs_dir=config.docs_dir, config_dir=self.config_dir,
                options={locale: dict(opts) for locale, opts in self.config.languages.items()},
                strings_dirs=[os.path.join(self.config_dir, d) for d in self.config.strings_dirs],
                site_name=config.site_name, site_description=config.site_description or "")
        except LanguageError as error:
            raise PluginError(f"hwsite: {error}") from None

    def _path(self, option: str) -> str:
        return os.path.join(self.config_dir, option)

    def _glossary(self) -> list[glossary.Term]:
        try:
            return glossary.load_glossary_cached(self._path(self.config.glossary))
        except glossary.GlossaryError as error:
            raise PluginError(str(error)) from None

    def _page_language(self, page: Page) -> Language:
        """The language of the URL a page is published at."""
        return self.languages.get(getattr(page.file, "locale_alternate_of", None) or self.language.locale)

    def _source_name(self, path: str | None, fallback: str) -> str:
        return os.path.relpath(path, self.config_dir).replace(os.sep, "/") if path else fallback

    # ------------------------------------------------------------------ startup and config

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        try:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # its loading chatter on every build
        except ImportError:  # search still works for English without jieba
            pass

    def on_shutdown(self) -> None:
        # MkDocs keeps a plugin with on_startup for the whole process (every serve rebuild)
        self.command = "build"

    @event_priority(100)  # before the search plugin reads jieba_dict_user, before the offline plugin adds its shim
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self._outer_pass(config):
            self._reset_build()
            self.config_dir = os.path.dirname(config.config_file_path)
            self.languages = self._read_languages(config)
            self._install_log_filters()
            try:
                self.registry = sources.load_registry(self._path(self.config.sources))
            except sources.RegistryError as error:
                raise PluginError(f"hwsite: {error}") from None
            try:
                self.source_strings = {lang.locale: sources.source_strings(lang.strings, lang.html_lang)
                                       for lang in self.languages}
            except KeyError as error:
                raise PluginError(f"hwsite: {error.args[0]} (add it to the default language's file in "
                                  f"{', '.join(self.config.strings_dirs)})") from None
            self.citations = sources.CitationExtension(registry=self.registry, strings=self.source_strings)
            self._limit_preview(config)
            self.figure_sizes = figures.figure_sizes([lang.source_dir for lang in self.languages])
            if self.command == "serve":
                self.renders.new_build()
                self._render_inputs = self._versions_of(
                    config.config_file_path, self._path(self.config.glossary), self._path(self.config.sources),
                    *self.figure_sizes)
        # one instance each for every page of every pass; told about each page before it renders
        for extension in (self.citations, self.body):
            if not any(ext is extension for ext in config.markdown_extensions):
                config.markdown_extensions.append(extension)
        self._reset_pass()
        i18n = self._i18n(config)
        self.language = self.languages.get(getattr(i18n, "current_language", None))
        if self._validation is not None:  # the previewed language's pass checks its links again
            config.validation.nav.not_found, config.validation.links.not_found = self._validation
            self._validation = None

        search = config.plugins.get("material/search") or config.plugins.get("search")
        target = search.config.jieba_dict_user if search else None
        text = ""
        if target:
            path = os.path.join(self.config_dir, target)
            text = glossary.jieba_user_dict(self._glossary())
            if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
                write_atomically(path, text)
            search_index.fresh_segmenter(text)  # a removed term is no longer one word
        if self._outer_pass(config) and search is not None and self.command == "serve":
            main = search.config.jieba_dict  # jieba's main dictionary, if not its own
            main_version = os.stat(main).st_mtime_ns if main and os.path.isfile(main) else None
            self.search_entries.new_build(f"{main}\n{main_version}\n{text}")

        if self.search_worker is None and search is not None:
            self.search_worker = self._search_worker(config)
        if self.search_worker:
            config.extra["hw_search_worker"] = {"material": self.search_worker[0], "ours": self.search_worker[1]}
        if self.theme_css is None:
            self.theme_css = self._theme_css(config)
        if self.theme_css:
            config.extra["hw_theme_css"] = {"material": self.theme_css[0], "ours": self.theme_css[1]}

        config.extra["hw_offline_edition"] = self._offline_edition(config)
        config.extra["hw_web_app"] = self._web_app(config)
        if self._offline_edition(config):
            # Material's Web Worker shim for file:// from our assets, not from unpkg.com
            polyfills = [p for p in config.extra.get("polyfills", []) if "iframe-worker" not in str(p)]
            config.extra["polyfills"] = [*polyfills, POLYFILL]
            # Instant navigation cannot work from file://, and left on it breaks the page:
            # Material's setupInstantNavigation() returns EMPTY there, which completes its
            # document$ before DOMContentLoaded, so document$ never emits and nothing that
            # waits for it (Material's components: table scroll boxes, table of contents;
            # site.js, trainer-tools.js) ever sets itself up.
            config.theme["features"] = [feature for feature in config.theme.get("features") or []
                                        if not str(feature).startswith("navigation.instant")]
        elif self._web_app(config):
            config.theme.static_templates.add(OFFLINE_TEMPLATE)
        return config

    def _search_worker(self, config: MkDocsConfig) -> tuple[str, str, str] | None:
        material = search_index.material_worker(list(config.theme.dirs))
        prelude = next((Path(d, SEARCH_WORKER_PRELUDE) for d in config.theme.dirs
                        if Path(d, SEARCH_WORKER_PRELUDE).is_file()), None)
        if material is None or prelude is None:
            log.warning("search worker prelude or Material's search worker not found: search without synonyms")
            return None
        script = search_index.worker_script(prelude.read_text(encoding="utf-8"), material.read_text(encoding="utf-8"))
        return material.name, search_index.worker_file_name(script), script

    @staticmethod
    def _theme_css(config: MkDocsConfig) -> tuple[str, str, str] | None:
        """Material's main stylesheet without the content-tabs rules when no page can have
        content tabs (hwsite.theme_css: they made every tap on the menu or search restyle
        the whole page)."""
        if theme_css.TABS_EXTENSION in config.markdown_extensions:
            return None
        material = theme_css.material_stylesheet(config.theme.dirs)
        if material is None:
            log.warning("Material's main stylesheet not found: its content-tabs rules stay")
            return None
        try:
            text, _ = theme_css.pruned_stylesheet(str(material))
        except ValueError as error:
            raise PluginError(f"hwsite: {material}: {error}") from None
        return material.name, theme_css.stylesheet_file_name(text), text

    def _preview_language(self) -> Language | None:
        """The one language `mkdocs serve` previews (preview_language), else None."""
        locale = self.config.preview_language
        if self.command != "serve" or not locale:
            return None
        if locale not in self.languages:
            raise PluginError(f"hwsite: preview_language '{locale}' is not one of the site's languages "
                              f"({', '.join(lang.locale for lang in self.languages)})")
        return self.languages.get(locale)

    def _limit_preview(self, config: MkDocsConfig) -> None:
        """Previewing one language: no pass for the other translations, and the default
        language's pass (which the i18n plugin always runs first) reads only its home page
        when the previewed language is another one; fallback pages still come from the
        default language's sources, read in the previewed language's own pass."""
        preview = self._preview_language()
        i18n = self._i18n(config)
        if preview is None or i18n is None:
            return
        for entry in i18n.config.languages:
            if entry.locale not in (preview.locale, self.languages.default.locale):
                entry.build = False
        log.info("previewing %s only: other languages' pages are not rebuilt", preview.name)

    def _install_log_filters(self) -> None:
        replacements = []
        for lang in self.languages.others:
            folder = os.path.relpath(lang.source_dir, self.config_dir).replace(os.sep, "/")
            replacements.append((re.compile(rf"(?<![\w/]){re.escape(lang.prefix)}([^\s'\"]+\.md)"), folder))
        for handler in logging.getLogger("mkdocs").handlers:
            for old in [f for f in handler.filters if isinstance(f, _SourcePathsInMessages)]:
                handler.removeFilter(old)
            handler.addFilter(_SourcePathsInMessages(replacements))
        i18n_logger = logging.getLogger("mkdocs.plugins.mkdocs_static_i18n.reconfigure")
        if not any(isinstance(f, _DropObsoleteWarning) for f in i18n_logger.filters):
            i18n_logger.addFilter(_DropObsoleteWarning())

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        if self.command != "serve":  # one build indexes each page once: nothing to reuse
            return
        # the search plugin made this pass's index in its on_config
        search = config.plugins.get("material/search") or config.plugins.get("search")
        if search is not None and getattr(search, "search_index", None) is not None:
            self.search_entries.wrap(search.search_index)

    @staticmethod
    def _versions_of(*paths: str) -> str:
        digest = hashlib.sha256()
        for path in paths:
            try:
                digest.update(Path(path).read_bytes())
            except OSError:
                digest.update(b"missing")
            digest.update(b"\0")
        return digest.hexdigest()

    # ------------------------------------------------------------------ files and navigation

    @event_priority(50)  # before the i18n plugin sorts files into languages (-100)
    def _on_files_translations(self, files: Files, *, config: MkDocsConfig) -> Files:
        preview = self._preview_language()
        if preview is not None and self.language.default and not preview.default:
            # the default language's pass of a preview of another language: its home page only,
            # and no warnings about the nav entries and links this leaves without a page
            for file in [f for f in files.documentation_pages() if f.src_uri != "index.md"]:
                files.remove(file)
            self._validation = (config.validation.nav.not_found, config.validation.links.not_found)
            config.validation.nav.not_found = config.validation.links.not_found = logging.DEBUG
            return files
        # Theme sources that are not site files: overrides/sw.js (filled in after the
        # build) and the UI strings (read by the build, strings_dirs)
        strings = {os.path.realpath(self._path(d)) for d in self.config.strings_dirs}
        for file in list(files):
            if file.src_uri in (offline.SW_NAME, SEARCH_WORKER_PRELUDE) or (
                    file.abs_src_path and os.path.dirname(os.path.realpath(file.abs_src_path)) in strings):
                files.remove(file)
        for lang in self.languages.others:
            if not os.path.isdir(lang.source_dir):
                continue
            for dirpath, dirnames, filenames in os.walk(lang.source_dir):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(n for n in filenames if not n.startswith(".")):
                    rel = os.path.relpath(os.path.join(dirpath, name), lang.source_dir).replace(os.sep, "/")
                    # The i18n plugin only accepts files under docs_dir: added as
                    # docs_dir/<locale>/<rel>, pointed back at the real file in on_nav.
                    files.append(File(lang.prefix + rel, config.docs_dir, config.site_dir, config.use_directory_urls))
        return files

    @event_priority(-150)  # after the i18n plugin picked this pass's files (-100)
    def _on_files_quizzes(self, files: Files, *, config: MkDocsConfig) -> Files:
        """A self-check quiz page (modules/<module>/quiz/) for each quiz in
        scripts/data/quizzes/ whose module page this pass builds, in this pass's
        language. Generated pages cannot be given to the i18n plugin before it sorts
        files (it reads every file's source), so they are added after it, with the
        attributes it would have set (locale, alternates, the sitemap's page list)."""
        language = self.language
        if language.locale not in quiz.LANGUAGES:
            return files  # the quiz files have no text in this language
        i18n = self._i18n(config)
        for path in quiz.quiz_files(self._path(self.config.quizzes)):
            module_file = files.get_file_from_path(language.prefix + f"modules/{path.stem}.md")
            if module_file is None or not module_file.abs_src_path:
                continue  # a site without that module page (the tests' fixture sites)
            lang, rel = self.languages.split_uri(module_file.src_uri)
            module_source = os.path.join(lang.source_dir, rel)
            if not os.path.exists(module_source):  # not translated: the default language's page
                module_source = module_file.abs_src_path
            try:
                data = quiz.load_quiz_cached(str(path))
                module_title = str(md.read_source(module_source).meta.get("title", ""))
            except (quiz.QuizError, md.SourceError) as error:
                raise PluginError(f"quiz: {error}") from None
            module = quiz.module_number(data.slug)
            if module is None:
                raise PluginError(f"quiz: {self._source_name(str(path), path.name)}: the file name must start "
                                  f"with the module number (03-...)")
            src_uri = language.prefix + quiz.page_src_uri(data.slug)
            url = File.generated(config, src_uri, content="").url
            text = quiz.render_quiz_page(data, language.locale, language.strings, module=module,
                                         module_title=module_title,
                                         script_src=tl.relative_url(url, quiz.SCRIPT))
            page = File.generated(config, src_uri, content=text, inclusion=InclusionLevel.NOT_IN_NAV)
            page.abs_src_path = str(path)  # warnings, hw_page.source and the link checker name the data file
            self._add_i18n_attributes(page, config, data.slug)
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
            files.append(page)
            if i18n is not None and language.locale in getattr(i18n, "i18n_files_per_language", {}):
                i18n.i18n_files_per_language[language.locale].append(page)
        return files

    on_files = CombinedEvent(_on_files_translations, _on_files_quizzes)

    def _add_i18n_attributes(self, page: File, config: MkDocsConfig, slug: str) -> None:
        """What mkdocs-static-i18n sets on its own files: the page's locale and its twin
        in every language (language switcher, hreflang links, sitemap)."""
        language = self.language
        page.locale = page.locale_alternate_of = language.locale
        page.localization = None if language.default else language.locale
        page.norm_src_uri = quiz.page_src_uri(slug)
        page.alternates = {}
        for other in self.languages:
            if other == language:
                page.alternates[other.locale] = page
            else:
                twin = File.generated(config, other.prefix + quiz.page_src_uri(slug), content="")
                twin.locale = twin.locale_alternate_of = other.locale
                page.alternates[other.locale] = twin

    @event_priority(-150)  # after the i18n plugin re-created every File, before any page is read
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        for file in files:
            lang, rel = self.languages.split_uri(file.src_uri)
            if not lang.default:
                real = os.path.join(lang.source_dir, rel)
                if os.path.exists(real):
                    file.abs_src_path = real
        return nav

    # ------------------------------------------------------------------ each page's Markdown

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        language = self._page_language(page)
        content_language = self.languages.get(getattr(page.file, "locale", None) or language.locale)
        _, rel = self.languages.split_uri(page.file.src_uri)
        source = self._source_name(page.file.abs_src_path, page.file.src_uri)
        info = PageInfo(source=source, rel_path=rel, language=language, content_language=content_language)
        alternates = getattr(page.file, "alternates", None) or {}
        default = self.languages.default.locale
        if default in alternates:
            info.original_url = alternates[default].url or "./"
        self.pages[page.file.src_uri] = info

        self._cite_page(page, info, files)
        if SOURCES_MARKER in markdown:
            markdown = markdown.replace(SOURCES_MARKER, sources.render_sources_page(
                self.registry, content_language.locale, self.source_strings, title=False), 1)

        if GLOSSARY_MARKER in markdown:
            markdown = markdown.replace(GLOSSARY_MARKER, glossary.glossary_markdown(
                self._glossary(), content_language.locale, content_language.t("glossary.also_called")), 1)

        if not language.default and os.path.exists(os.path.join(self.languages.default.source_dir, rel)):
            info.translation_status = self._status_of(rel)
        if translation_status.MARKER in markdown:
            markdown = markdown.replace(translation_status.MARKER, self._status_page(language, rel), 1)

        try:
            info.short_links = tl.short_links_for_page(
                page.meta, _headings_of(markdown, source), page.file.url, language.prefix, source)
        except (tl.ShortLinkError, md.SourceError) as error:
            raise PluginError(str(error)) from None
        workplace_checklist = wc.MARKER in markdown
        info.share = self._share(config, page, info, language, workplace_checklist)
        if workplace_checklist:
            markdown = markdown.replace(wc.MARKER, self._workplace_checklist(page, files, language), 1)
        if SHORT_LINKS_MARKER in markdown:
            markdown = markdown.replace(SHORT_LINKS_MARKER, self._short_links_list(page, config, files, language), 1)
        body = self._shape_body(page, info)
        if self.command == "serve":
            self._render_from_cache(page, config, body)
        return markdown

    def _render_from_cache(self, page: Page, config: MkDocsConfig, body: page_body.PageBody) -> None:
        """mkdocs serve: the page's render taken from the previous rebuild when nothing it
        is made from changed: besides its Markdown and every file's address (the cache
        checks those), mkdocs.yml, the glossary and the registry by content, the link
        validation levels of this pass, and what the site's extensions were told."""
        links = config.validation.links
        context = json.dumps([
            self._render_inputs, [links.not_found, links.anchors, links.absolute_links, links.unrecognized_links],
            repr(replace(body, glossary_terms=())), len(body.glossary_terms),
            self.citations.language, self.citations.front_matter_keys, self.citations.registry_url,
        ], ensure_ascii=False, default=repr)
        self.renders.install(page, context, on_hit=self.body.take_page)

    def _shape_body(self, page: Page, info: PageInfo) -> page_body.PageBody:
        """Tell the page body extension about the page it renders next: glossary
        definitions (not on the glossary itself), heading controls in the page's language,
        and on module pages the checkpoint wrappers and the checklist's print QR block."""
        language, text_language = info.language, info.content_language.locale
        define = not page.file.src_uri.endswith("glossary.md") and text_language in glossary.LANGUAGES
        checklist = (info.share or {}).get("checklist") if info.short_links else None
        # a relative image path from the page's folder, else from its folder in the default
        # language's sources (the i18n plugin serves that file when a language has none)
        folders = dict.fromkeys(os.path.dirname(path) for path in (
            page.file.abs_src_path, os.path.join(self.languages.default.source_dir, info.rel_path)) if path)
        body = page_body.PageBody(
            copy_label=language.t("heading.copy"), link_label=language.t("heading.permalink"),
            glossary_terms=tuple(self._glossary()) if define else (), glossary_language=text_language,
            checkpoints=bool(info.short_links),
            checklist_html=self._print_qr(page, checklist["qr"], checklist["url"], language.t("tt.print.checklist"),
                                          language.t("tt.qr.alt")) if checklist else None,
            figure_folders=tuple(folders), figure_sizes=self.figure_sizes)
        self.body.set_page(body)
        return body

    @staticmethod
    def _print_qr(page: Page, qr: str, url: str, label: str, alt: str) -> str:
        src = tl.relative_url(page.file.url, qr)
        shown = tl.display_url(url)
        return (f'<div class="hw-print-only hw-print-qr" data-search-exclude>'
                f'<img src="{html.escape(src)}" alt="{html.escape(alt.replace("{url}", shown))}" width="96" height="96" loading="lazy">'
                f'<p>{html.escape(label)}<br><strong>{html.escape(shown)}</strong></p></div>')

    def _cite_page(self, page: Page, info: PageInfo, files: Files) -> None:
        """Tell the citation extension about the page it renders next: its language, its
        front matter `sources:` and where its language's list of all sources is."""
        registry_page = files.get_file_from_path(info.language.prefix + SOURCES_PAGE)
        # A link to the Markdown file, like the ones editors write: MkDocs turns it into
        # the page's URL and validates it and its #src-KEY anchor in --strict builds.
        registry_url = (Path(os.path.relpath(registry_page.src_uri, os.path.dirname(page.file.src_uri) or ".")).as_posix()
                        if registry_page is not None and registry_page is not page.file else None)
        self.citations.set_page(info.content_language.locale, page.meta.get("sources") or [],
                                registry_url=registry_url)

    def _statuses_for(self, language: Language) -> list[parity.PageStatus]:
        if self._statuses is None:
            try:
                self._statuses = parity.tree_statuses(self.languages.default.source_dir, language.source_dir,
                                                      self._parity_settings())
            except md.SourceError as error:
                raise PluginError(f"translation status: {error}") from None
        return self._statuses

    def _parity_settings(self) -> parity.ParityConfig:
        try:
            return parity.load_config_cached(self._path(self.config.parity_config))
        except md.SourceError as error:
            raise PluginError(f"translation status: {error}") from None

    def _status_of(self, rel: str) -> str | None:
        if self._status_by_path is None:  # asked for every page of the pass
            self._status_by_path = {s.path: s.status for s in self._statuses_for(self.language)}
        return self._status_by_path.get(rel)

    def _status_page(self, language: Language, rel: str) -> str:
        """The status table of each translation (on a translation's own page: its own)."""
        targets = [language] if not language.default else self.languages.others
        parts = []
        for target in targets:
            try:
                statuses = (self._statuses_for(target) if target == self.language else
                            parity.tree_statuses(self.languages.default.source_dir, target.source_dir,
                                                 self._parity_settings()))
            except md.SourceError as error:
                raise PluginError(f"translation status: {error}") from None
            parts.append(translation_status.status_markdown(
                statuses, language.strings, rel, language.source_dir, link_orphans=not language.default))
        return "\n".join(parts)

    def _share(self, config: MkDocsConfig, page: Page, info: PageInfo, language: Language,
               workplace_checklist: bool = False) -> dict | None:
        site = config.site_url
        if not site:
            return None
        udu = config.use_directory_urls
        if info.short_links:
            head = info.short_links[0]
            share = {"kind": "module", "module": head.module, "short": head.path, "path": tl.link_url(head.path, udu),
                     "url": tl.absolute_url(site, head.path), "qr": tl.qr_file(head.path),
                     "checkpoints": sum(1 for link in info.short_links if link.kind == "checkpoint")}
            checklist = next((link for link in info.short_links if link.kind == "checklist"), None)
            if checklist:
                share["checklist"] = {"url": tl.absolute_url(site, checklist.path), "qr": tl.qr_file(checklist.path)}
        elif workplace_checklist or site_model.is_fact_sheet(info.rel_path):
            share = {"kind": "checklist" if workplace_checklist else "fact-sheet", "path": page.file.url,
                     "url": tl.absolute_url(site, page.file.url), "qr": tl.qr_file(page.file.url)}
        else:
            return None
        share["display"] = tl.display_url(share["url"])
        return share

    def _workplace_checklist(self, page: Page, files: Files, language: Language) -> str:
        """The workplace checklist of every module page of this language, read from the
        module sources themselves: the checklist page may be rendered before them."""
        found = []
        for file in files.documentation_pages():
            if not file.abs_src_path or not os.path.exists(file.abs_src_path):
                continue
            name = self._source_name(file.abs_src_path, file.src_uri)
            try:
                src = md.read_source(file.abs_src_path, name)
                found.append(wc.module_of(src.meta, md.headings(src), file.src_uri, name))
            except (tl.ShortLinkError, md.SourceError) as error:
                raise PluginError(str(error)) from None
        try:
            return wc.render_checklist(wc.collect(found), page_src=page.file.src_uri, strings=language.strings)
        except wc.ChecklistError as error:
            raise PluginError(f"hwsite: {error}") from None

    def _short_links_list(self, page: Page, config: MkDocsConfig, files: Files, language: Language) -> str:
        """Every short link of this language, read from the module sources themselves: the
        list page may be rendered before the module pages."""
        links, sources = [], {}
        for file in files.documentation_pages():
            if not file.abs_src_path or not os.path.exists(file.abs_src_path):
                continue
            name = self._source_name(file.abs_src_path, file.src_uri)
            try:
                src = md.read_source(file.abs_src_path, name)
                found = tl.short_links_for_page(src.meta, md.headings(src), file.url, language.prefix, name)
            except (tl.ShortLinkError, md.SourceError) as error:
                raise PluginError(str(error)) from None
            if found:
                links += found
                sources[file.url] = file.src_uri
        problems = tl.conflicts(links)
        if problems:
            raise PluginError("; ".join(problems))
        return tl.short_links_markdown(
            links, page_src=page.file.src_uri, page_url=page.file.url, sources=sources,
            site_url=config.site_url or "", headers=(language.t("tt.list.short"), language.t("tt.list.target")),
            use_directory_urls=config.use_directory_urls)

    # ------------------------------------------------------------------ each page's HTML

    def on_page_content(self, html_text: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        # glossary definitions, heading controls and checkpoints: made while the page
        # rendered, on its parsed tree (_shape_body)
        info = self.pages[page.file.src_uri]
        language = info.language
        self._warn_unsized_figures(page, info)
        if site_model.is_module_page(info.rel_path) or site_model.is_fact_sheet(info.rel_path):
            info.reading_minutes = reading.reading_minutes(html_text)
            value = page.meta.get("last_reviewed")
            if value is not None:
                try:
                    date = reading.parse_review_date(value)
                except ValueError as error:
                    log.warning("%s: %s", info.source, error)
                else:
                    info.reviewed_iso = date.isoformat()
                    info.reviewed_text = reading.format_date(date, language.t("date.format"), language.t("date.months"))
        return html_text

    def _warn_unsized_figures(self, page: Page, info: PageInfo) -> None:
        """A figure without width and height takes no room until its file arrives, then
        pushes the page down; the build gives SVG and PNG files their size, the editor
        writes any other's (a strict build stops here)."""
        if not self.body.unsized:
            return
        try:
            lines = {image.target: image.line for image in md.images(md.read_source(page.file.abs_src_path, info.source))}
        except (OSError, md.SourceError):
            lines = {}
        for src in self.body.unsized:
            where = f"{info.source}:{lines[src]}" if src in lines else info.source
            log.warning("%s: the size of the image %s cannot be read from its file (an SVG needs a viewBox): "
                        'write it after the image, as in ![...](%s){ width="640" height="480" }', where, src, src)

    # ------------------------------------------------------------------ after every page is read

    @event_priority(-50)  # after the i18n plugin's on_env; outputs go through MkDocs' own file copying
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self.env = env
        env.bytecode_cache = self.templates  # every pass and serve rebuild makes a new environment
        language = self.language
        env.globals["hw"] = language.strings
        env.globals["hw_language"] = language
        env.globals["hw_languages"] = self.languages

        links, fact_sheets = [], []
        for info in self.pages.values():
            links += info.short_links
            if (info.share or {}).get("kind") in ("fact-sheet", "checklist"):  # modules: their short links'
                fact_sheets.append(info.share)
        problems = tl.conflicts(links)
        if problems:
            raise PluginError("; ".join(problems))
        udu, site = config.use_directory_urls, config.site_url or ""
        written: set[str] = set()

        def add(path: str, content: str) -> None:
            if path in written or files.get_file_from_path(path):
                return
            written.add(path)
            files.append(File.generated(config, path, content=content))

        for link in links:
            add(tl.output_file(tl.link_url(link.path, udu)), tl.redirect_page(
                link, site_url=site, html_lang=language.html_lang, site_name=config.site_name,
                text=language.t("tt.redirect"), use_directory_urls=udu))
            if site:
                add(tl.qr_file(link.path), tl.qr_svg(tl.absolute_url(site, link.path)))
        for share in fact_sheets:
            add(share["qr"], tl.qr_svg(share["url"]))
        # For trainer-tools.js; modules: print shows a module's short link, not its long URL.
        modules = {link.target: link.path for link in links if link.kind == "module"}
        env.globals["hw_tt_json"] = tl.page_data_json(language.strings, site, modules)
        return env

    # ------------------------------------------------------------------ templates and pages

    def on_template_context(self, context: dict[str, Any], *, template_name: str, config: MkDocsConfig) -> dict[str, Any]:
        i18n = self._i18n(config)
        alternates = getattr(i18n, "extra_alternate", None)
        if template_name == "404.html" and alternates:
            # the switcher points at the last rendered page; here: each language's home
            config.extra.alternate = deepcopy(alternates)
        elif template_name == OFFLINE_TEMPLATE:
            context["base_url"] = urlsplit(config.site_url or "/").path or "/"
            if alternates:
                # the switcher leads to the other language's offline page; when the page is
                # shown at another page's address, hw-offline.js points it at that page's twin
                alternates = deepcopy(alternates)
                for alternate in alternates:
                    alternate["link"] = alternate["link"].rstrip("/") + f"/{offline.OFFLINE_DIR}/"
                config.extra.alternate = alternates
        return context

    @event_priority(-100)  # after the search plugin read page.content (default priority)
    def on_page_context(self, context: dict[str, Any], *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
        info = self.pages.get(page.file.src_uri)
        context["hw_page"] = info
        module = page.meta.get("module")
        if info is not None and module is not None and site_model.is_module_page(info.rel_path):
            self.search_labels[page.url] = info.language.t("search.section_label", module=module)
        if info is None or info.reading_minutes is None or page.content is None:
            return context
        env = self.env or config.theme.get_env()
        meta = env.get_template(PAGE_META_PARTIAL).render(page=page, config=config, hw_page=info)
        content, n = _H1_END.subn(lambda m: m.group(0) + meta, page.content, count=1)
        # without an <h1> in the body, Material writes the title itself, right before it
        page.content = content if n else meta + page.content
        return context

    @event_priority(-50)  # after other plugins' page output (default 0): the HTML as Material rendered it
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        language = self._page_language(page)
        alternates = getattr(page.file, "alternates", None) or {}
        if self._offline_edition(config):
            # no hreflang links: search engines never see the offline edition, and Material
            # fetches <href>/sitemap.xml for each; from file:// that leaves the reader's disk
            links = ""
        else:
            links = html_fixes.alternate_links(alternates, self.languages, config.site_url) if config.site_url else None
        return html_fixes.fix_html(output, language.html_lang, links, language.t("search.label"))

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        if template_name not in ("404.html", OFFLINE_TEMPLATE):
            return output_content
        language = self.language
        output = html_fixes.fix_html(output_content, language.html_lang, None, language.t("search.label"))
        site = Path(config.site_dir)
        if template_name == OFFLINE_TEMPLATE:
            write_atomically(site / language.folder / offline.OFFLINE_DIR / "index.html", output)
        elif not language.default:
            # every pass renders 404.html at the root: file it under the language's folder
            # and keep the default language's page at the root
            write_atomically(site / language.folder / "404.html", output)
            default_page = site / "404.html"
            if default_page.exists():
                return default_page.read_text(encoding="utf-8")
        return output

    # ------------------------------------------------------------------ after the build

    @event_priority(-200)  # after the i18n plugin's last language pass (-100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self._outer_pass(config):
            return
        site = Path(config.site_dir)
        self._minify_assets(config, site)
        if self.theme_css:
            stylesheets = site / "assets" / "stylesheets"
            write_atomically(stylesheets / self.theme_css[1], self.theme_css[2])
            # no page links Material's own any more (main.html): not a file to cache offline
            for name in (self.theme_css[0], self.theme_css[0] + ".map"):
                (stylesheets / name).unlink(missing_ok=True)
        if self.search_worker and (site / "search" / "search_index.json").exists():
            write_atomically(site / "assets" / "javascripts" / "workers" / self.search_worker[1], self.search_worker[2])
        self._split_per_language(config, site)
        (site / OFFLINE_TEMPLATE).unlink(missing_ok=True)  # the static template's own copy
        if self._web_app(config):
            self._write_web_app(config, site)  # last: its build id hashes every other output

    def _minify_assets(self, config: MkDocsConfig, site: Path) -> None:
        """The theme overrides' own scripts and stylesheets (custom_dir), not Material's."""
        if not config.theme.custom_dir:
            return
        assets = os.path.join(config.theme.custom_dir, "assets")
        for rel in minify.own_sources(assets):
            target = site / "assets" / rel
            if target.exists():
                write_atomically(target, minify.minified(os.path.join(assets, rel)))

    def _split_per_language(self, config: MkDocsConfig, site: Path) -> None:
        index_path = site / "search" / "search_index.json"
        if index_path.exists():
            parts = site_outputs.split_search_index(json.loads(index_path.read_text(encoding="utf-8")), self.languages)
            terms = self._glossary()
            for lang in self.languages:
                labels = {}
                for url, text in self.search_labels.items():
                    owner, rest = self.languages.split_uri(url)
                    if owner.locale == lang.locale:
                        labels[rest] = text
                glossary_lang = lang.locale if lang.locale in glossary.LANGUAGES else "en"
                part = search_index.enrich(
                    parts[lang.locale], labels=labels,
                    synonyms=glossary.search_synonyms(terms, glossary_lang),
                    abbreviations=search_index.abbreviations(
                        [n for t in terms for n in (t.en, t.name(glossary_lang), *t.aliases_in("en"), *t.aliases_in(glossary_lang))]),
                    stop_words=lang.strings.get("search.stop_words", "").split(),
                    keep=lang.strings.get("search.not_stop_words", "").split())
                path = site / lang.folder / "search" / "search_index.json"
                text = json.dumps(part, ensure_ascii=False, separators=(",", ":"))
                write_atomically(path, text)
                if self._offline_edition(config):
                    write_atomically(path.with_suffix(".js"), "var __index = " + text)
        sitemap_path = site / "sitemap.xml"
        if sitemap_path.exists() and config.site_url:
            try:
                maps = site_outputs.split_sitemap(sitemap_path.read_text(encoding="utf-8"), config.site_url, self.languages)
            except site_outputs.SitemapError as error:
                raise PluginError(f"hwsite: {error}") from None
            for lang in self.languages:
                write_atomically(site / lang.folder / "sitemap.xml", maps[lang.locale])
                (site / lang.folder / "sitemap.xml.gz").unlink(missing_ok=True)
            # Crawlers find every language's sitemap here; the root one stays the default
            # language's, for instant navigation.
            write_atomically(site / "robots.txt", site_outputs.robots_txt(config.site_url, self.languages))

    def _write_web_app(self, config: MkDocsConfig, site: Path) -> None:
        for lang in self.languages:
            manifest = offline.web_manifest(
                lang=lang.html_lang, name=lang.site_name or config.site_name, short_name=lang.t("app.short_name"),
                description=lang.site_description or config.site_description or "",
                depth=1 if lang.folder else 0, theme_color=self.config.theme_color)
            write_atomically(site / lang.folder / offline.MANIFEST_NAME,
                             json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        search = config.plugins.get("material/search") or config.plugins.get("search")
        search_langs = list(search.config.lang or ["en"]) if search is not None else ["en"]
        folders = [lang.folder for lang in self.languages]
        built = offline.site_files(site)  # once for both: nothing is written in between
        shell = offline.shell_urls(site, folders, search_langs, built)
        expected = [f"{lang.prefix}{offline.OFFLINE_DIR}/" for lang in self.languages]
        missing = [u for u in expected if u not in shell]
        if missing:
            log.warning("offline pages were not built: %s", ", ".join(missing))
        try:
            text = offline.render_service_worker(self._service_worker_source(config), offline.build_id(site, built), shell)
        except ValueError as error:
            raise PluginError(f"hwsite: {error}") from None
        write_atomically(site / offline.SW_NAME, text)

    @staticmethod
    def _service_worker_source(config: MkDocsConfig) -> str:
        for folder in config.theme.dirs:
            path = Path(folder, offline.SW_NAME)
            if path.is_file():
                return path.read_text(encoding="utf-8")
        raise PluginError(f"hwsite: {offline.SW_NAME} not found in the theme folders {config.theme.dirs}")

    # ------------------------------------------------------------------ live preview

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder) -> LiveReloadServer:
        for lang in self.languages.others:
            if os.path.isdir(lang.source_dir):
                server.watch(lang.source_dir)
        return server
