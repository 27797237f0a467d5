"""What the build works out about one page, as one typed object (templates read it as
`hw_page`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from hwsite.languages import Language
from hwsite.trainer_links import ShortLink


@dataclass
class PageInfo:
    source: str  # the Markdown file, relative to mkdocs.yml (docs/... or docs_zh/...)
    rel_path: str  # the path inside its language's folder (modules/x.md)
    language: Language  # the language of the URL the page is published at
    content_language: Language  # the language of the text (the default one for a fallback)
    original_url: str | None = None  # the default language's version of the page
    translation_status: str | None = None  # parity status of a translation: translated, outdated, ...
    short_links: list[ShortLink] = field(default_factory=list)
    share: dict | None = None  # what partials/hw-share.html shows (short link, QR code)
    reading_minutes: int | None = None  # modules and fact sheets
    reviewed_iso: str | None = None
    reviewed_text: str | None = None

    @property
    def fallback(self) -> bool:
        """A page shown at another language's URL because it is not translated yet."""
        return self.language != self.content_language
