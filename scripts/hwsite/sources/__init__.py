"""The source registry and citations: one entry per source in scripts/data/sources.yml,
cited from pages by key (front matter `sources:` and `[@key]` in the text).

- registry: load_registry(), validate_registry(), Entry, Registry, RegistryError
- render: format_reference(), render_sources_page(), SourceStrings, source_strings()
- extension: CitationExtension (Python-Markdown), set_page() before each page
- cite: how a citation is written (shared by the extension and the lint)

The lint rules that use them are in hwsite.lint_rules.citations.
"""

# The lint rules import this package and it imports their Finding type: load them
# first so that either entry point (lint or sources) sees complete modules.
import hwsite.lint_rules  # noqa: F401  (isort: skip)
from hwsite.sources.cite import CITATION, citations_in_line, frontmatter_keys, parse_citation
from hwsite.sources.extension import CitationExtension, PageCitations
from hwsite.sources.registry import (CODES, SOURCES_FILE, TYPES, Entry, Registry, RegistryError,
                                     is_key, load_registry, parse_registry, validate_registry)
from hwsite.sources.render import (SourceStrings, format_reference, render_sources_page,
                                   source_strings, type_anchor)

__all__ = [
    "CITATION", "CODES", "SOURCES_FILE", "TYPES", "CitationExtension",
    "Entry", "PageCitations", "Registry", "RegistryError", "SourceStrings",
    "citations_in_line", "format_reference", "frontmatter_keys", "is_key", "load_registry",
    "parse_citation", "parse_registry", "render_sources_page", "source_strings", "type_anchor",
    "validate_registry",
]
