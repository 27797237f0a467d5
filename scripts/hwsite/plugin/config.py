"""Options of the hwsite plugin (mkdocs.yml: `plugins: - hwsite: ...`)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class LanguageOptions(Config):
    """What the i18n plugin does not know about a language."""

    source_dir = c.Optional(c.Type(str))  # its Markdown folder; default docs_<locale>/ (docs_dir for the default)
    html_lang = c.Optional(c.Type(str))  # BCP 47 tag for <html lang> and hreflang; default: the locale


class HealthWiseConfig(Config):
    enabled = c.Type(bool, default=True)
    # Per-language options, keyed by the i18n plugin's locales.
    languages = c.DictOfItems(c.SubConfig(LanguageOptions), default={})
    # Folders of UI strings (<locale>.yml), relative to mkdocs.yml; later ones override earlier ones.
    strings_dirs = c.ListOfItems(c.Type(str), default=["overrides/strings"])
    glossary = c.Type(str, default="scripts/data/glossary.yml")
    sources = c.Type(str, default="scripts/data/sources.yml")  # the source registry pages cite
    quizzes = c.Type(str, default="scripts/data/quizzes")  # one self-check quiz per module
    parity_config = c.Type(str, default="scripts/data/parity.yml")
    theme_color = c.Type(str, default="#00695c")
    # `mkdocs serve` of one language only (make serve LANG=zh): the others' pages are not
    # rebuilt on each save; ignored by `mkdocs build`.
    preview_language = c.Optional(c.Type(str))
