"""Python-Markdown extension for the site's changes to each page's body, made on the
parsed tree: glossary definitions (hwsite.glossary), heading controls, checkpoint
wrappers and the checklist's print QR block (hwsite.trainer_links), and each figure's
width and height (hwsite.figures).

MkDocs reuses one extension instance for every page, so the caller tells it about each
page before rendering it; a page rendered without set_page() is left unchanged:

    ext = PageBodyExtension()
    ext.set_page(PageBody(copy_label="Copy link to “{title}”", link_label="Link to this section"))
    html = markdown.markdown(text, extensions=["toc", ext])

One treeprocessor at priority 4: after the toc extension (5) added ids and permalinks,
the abbr extension (7) its abbreviations and the citations (15) their reference list,
and after 'prettify' (10), so that nothing here gets white space of its own; before
'unescape' (0), while raw HTML is still in the stash, where each placeholder says what
it is (a tag, an entity) without matching the serialized HTML.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from hwsite import figures, glossary
from hwsite import trainer_links as tl


@dataclass(frozen=True)
class PageBody:
    """What to do to the next page's body. copy_label: the copy-link button's name,
    "{title}" marking the heading's words; link_label: the permalinks' name;
    glossary_terms/glossary_language: define the first occurrence of each term (an empty
    list: none); checkpoints: wrap checkpoint sections; checklist_html: raw HTML placed
    right after the heading {#checklist} (None: nothing); figure_folders: where the page's
    relative image paths are looked up, in order; figure_sizes: the figures' sizes by real
    path (hwsite.figures.figure_sizes), left out of repr: the caller keys a cached render
    on the figures' files itself."""

    copy_label: str
    link_label: str
    glossary_terms: tuple[glossary.Term, ...] = ()
    glossary_language: str = "en"
    checkpoints: bool = False
    checklist_html: str | None = None
    figure_folders: tuple[str, ...] = ()
    figure_sizes: dict = field(default_factory=dict, repr=False, compare=False)


class _PageBodyTree(Treeprocessor):
    def __init__(self, md: Markdown, extension: PageBodyExtension):
        super().__init__(md)
        self.ext = extension

    def run(self, root: etree.Element) -> None:
        page = self.ext.take_page()
        if page is None:
            return
        stash = self.md.htmlStash.rawHtmlBlocks
        self.ext.unsized = figures.size_images(root, page.figure_folders, page.figure_sizes)
        if page.glossary_terms:
            glossary.annotate_terms(root, list(page.glossary_terms), page.glossary_language, stash)
        tl.heading_controls(root, page.copy_label, page.link_label, stash)
        if page.checkpoints:
            tl.wrap_checkpoints(root)
        if page.checklist_html:
            # A block placeholder: Python-Markdown puts the HTML back exactly as written.
            block = etree.Element("p")
            block.text = self.md.htmlStash.store(page.checklist_html)
            tl.insert_after_heading(root, tl.CHECKLIST_ID, block)


class PageBodyExtension(Extension):
    """The site's changes to each page's body (see the module docstring)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._page: PageBody | None = None
        self.unsized: list[str] = []  # images of the last page rendered whose size could not be read

    def set_page(self, page: PageBody) -> None:
        """Call before rendering each page; used by that one render only."""
        self._page = page

    def take_page(self) -> PageBody | None:
        page, self._page = self._page, None
        self.unsized = []
        return page

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.treeprocessors.register(_PageBodyTree(md, self), "hw_page_body", 4)
