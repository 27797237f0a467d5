"""Python-Markdown extension for citations: `[@key]` and `[@a; @b]` become numbered
links to a reference list appended at the end of the page.

MkDocs reuses one extension instance for every page, so the caller tells it about each
page before rendering it:

    ext = CitationExtension(registry=load_registry(), strings={"zh": source_strings(ui, "zh-Hans")})
    ext.set_page("zh", ["prc-labour-law"], registry_url="../sources/")
    html = markdown.markdown(text, extensions=[ext])

An inline processor (priority 175: after code spans, 190, and escapes, 180; before
links, 160) turns each citation into a placeholder element. A treeprocessor, run after
all inline processing, numbers the citations in document order (order of first
appearance), fills in `<a class="hw-cite" href="#ref-KEY">[n]</a>`, and appends the
reference list: the cited keys first, then front matter keys not cited in the text.
An unknown key is shown as a visible error marker; the lint reports it too.
Citations inside code (fenced, indented, inline) are never touched.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from hwsite.sources.cite import CITATION, frontmatter_keys, parse_citation, unique
from hwsite.sources.registry import Registry
from hwsite.sources.render import SourceStrings, format_reference

_KEYS_ATTR = "data-hw-cite"


@dataclass
class PageCitations:
    """What the last rendered page cited: keys in numbered order (inline first, then
    front matter) and the keys the registry does not know."""

    numbered: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


class _CitationInline(InlineProcessor):
    def handleMatch(self, m, data):  # noqa: N802 (Python-Markdown's name)
        keys = parse_citation(m.group(1))
        if keys is None:
            return None, None, None
        element = etree.Element("span")
        element.set("class", "hw-cites")
        element.set(_KEYS_ATTR, " ".join(keys))
        return element, m.start(0), m.end(0)


class _CitationTree(Treeprocessor):
    def __init__(self, md: Markdown, extension: CitationExtension):
        super().__init__(md)
        self.ext = extension

    def run(self, root: etree.Element) -> None:
        ext = self.ext
        strings = ext.strings[ext.language]
        registry = ext.registry
        numbers: dict[str, int] = {}
        unknown: list[str] = []
        for span in [e for e in root.iter("span") if e.get(_KEYS_ATTR) is not None]:
            keys = span.attrib.pop(_KEYS_ATTR).split()
            for key in keys:
                if registry is None or key not in registry:
                    marker = etree.SubElement(span, "span")
                    marker.set("class", "hw-cite-error")
                    marker.text = f"[{strings.unknown_source.format(key=key)}]"
                    unknown.append(key)
                    continue
                number = numbers.setdefault(key, len(numbers) + 1)
                link = etree.SubElement(span, "a")
                link.set("class", "hw-cite")
                link.set("href", f"#ref-{key}")
                link.set("aria-label", strings.cite_label.format(n=number))
                link.text = f"[{number}]"
        for key in ext.front_matter_keys:
            if registry is not None and key in registry:
                numbers.setdefault(key, len(numbers) + 1)
            elif key not in unknown:
                unknown.append(key)
        ext.last = PageCitations(list(numbers), unique(unknown))
        if not numbers and not ext.front_matter_keys:
            return
        # Not in search results: every page's list repeats the titles of the sources
        # (search for "C155" found eight reference lists before the page about it).
        heading = etree.SubElement(root, "h2")
        heading.set("id", ext.getConfig("heading_id"))
        heading.set("data-search-exclude", "")
        heading.text = strings.references_heading
        listing = etree.SubElement(root, "ol")
        listing.set("class", "hw-references")
        listing.set("data-search-exclude", "")
        for key in numbers:
            item = etree.fromstring(
                f'<li id="ref-{key}">{format_reference(registry.entries[key], ext.language, ext.strings)}</li>')
            if ext.registry_url is not None:
                if len(item):
                    item[-1].tail = (item[-1].tail or "") + " "
                else:
                    item.text = (item.text or "") + " "
                back = etree.SubElement(item, "a")
                back.set("class", "hw-ref-registry")
                back.set("href", f"{ext.registry_url}#src-{key}")
                back.text = strings.registry_link
            listing.append(item)
        for key in ext.front_matter_keys:
            if key in unknown:
                item = etree.SubElement(listing, "li")
                marker = etree.SubElement(item, "span")
                marker.set("class", "hw-cite-error")
                marker.text = strings.unknown_source.format(key=key)


class CitationExtension(Extension):
    """Numbered citations and a per-page reference list (see the module docstring).

    registry: the source registry (None renders every key as unknown); strings: the
    SourceStrings of each language a page may be rendered in. Config: heading_id (id of
    the appended heading, default 'references').
    """

    def __init__(self, registry: Registry | None, strings: Mapping[str, SourceStrings], **kwargs):
        # Not Python-Markdown config options: those with a None default are parsed
        # as booleans.
        self.registry = registry
        self.strings = strings
        self.config = {
            "heading_id": ["references", "id of the reference list's heading"],
        }
        super().__init__(**kwargs)
        self.language = next(iter(strings))
        self.front_matter_keys: list[str] = []
        self.registry_url: str | None = None
        self.last = PageCitations()

    def set_page(self, language: str, front_matter_keys: Sequence[object] = (),
                 registry_url: str | None = None) -> None:
        """Call before rendering each page. front_matter_keys: the page's `sources:`
        list (free-text items are ignored); registry_url: the sources page relative to
        this page, to link each reference to its entry there (None: no such links)."""
        self.language = language
        self.front_matter_keys = unique(frontmatter_keys(list(front_matter_keys)))
        if language not in self.strings:
            raise ValueError(f"no citation strings for language {language!r}")
        self.registry_url = registry_url
        self.last = PageCitations()

    def reset(self) -> None:
        self.last = PageCitations()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.inlinePatterns.register(_CitationInline(CITATION.pattern, md), "hw_citation", 175)
        # After 'inline' (20), before 'prettify' (10) and 'toc' (5), so the heading
        # gets a permalink and a table-of-contents entry like the others.
        md.treeprocessors.register(_CitationTree(md, self), "hw_references", 15)
