"""What a link check returns: findings (a stable kind, its severity, the page and line, a
hint), the report of a whole site, the external references it collected, and BadInput
for a site or configuration that cannot be checked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from hwsite.findings import ERROR, WARNING
from hwsite.findings import Finding as _Finding

# kind -> severity. Warnings only fail a run with --strict.
KINDS = {
    "missing-page": ERROR,
    "missing-anchor": ERROR,
    "missing-asset": ERROR,
    "wrong-case": ERROR,
    "outside-site": ERROR,
    "file-url": ERROR,
    "bad-mailto": ERROR,
    "bad-tel": ERROR,
    "switcher-mismatch": ERROR,
    "cross-language": WARNING,
    "unsafe-url": WARNING,
    "external-broken": ERROR,
    "external-unreachable": WARNING,
}


class BadInput(Exception):
    """The site or its configuration cannot be checked; the message names the file."""


@dataclass(frozen=True)
class Finding(_Finding):
    """A broken reference (hwsite.findings.Finding; code is one of KINDS, file the built
    page) with what the link check reports beside it: the href as written, a hint, and
    the Markdown source of the page when the build recorded it."""

    href: str = ""
    hint: str | None = None
    source: str | None = None

    @classmethod
    def of(cls, page: str, line: int, kind: str, href: str, hint: str | None = None,
           source: str | None = None) -> Finding:
        message = f"{kind} {href}" + (f" -> {hint}" if hint else "")
        return cls(kind, KINDS[kind], page, line, message, href, hint, source)

    @property
    def page(self) -> str:
        return self.file

    @property
    def kind(self) -> str:
        return self.code

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "page": self.page,
            "href": self.href,
            "line": self.line,
            "hint": self.hint,
            "source": self.source,
            "severity": self.severity,
        }


class ExternalRef(NamedTuple):
    href: str  # as written
    url: str  # cleaned, what would be fetched (fragment kept)
    page: str
    line: int
    source: str | None


@dataclass
class Report:
    pages: int
    links: int
    findings: list[Finding] = field(default_factory=list)
    external: list[ExternalRef] = field(default_factory=list)
    # files that could not be checked (not UTF-8, unreadable, name not UTF-8): a BadInput
    # message naming each; the other pages are still checked
    unreadable: list[str] = field(default_factory=list)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.page, f.line, f.kind, f.href, f.hint or ""))
