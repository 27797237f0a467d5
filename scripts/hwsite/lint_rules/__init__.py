"""The editors' content lint: rule sets for front matter, content safety, terminology,
Chinese typography and leftover drafts, run over Markdown sources.

Pure core of scripts/lint_content.py: lint_page() takes a parsed page and returns
findings; lint_file() reads one file; fix_file_bytes() computes the typography fixes.
"""

from __future__ import annotations

from pathlib import Path

from hwsite import source as md
from hwsite.glossary import Term
from hwsite.sources.registry import Registry
from hwsite.lint_rules import citations, drafts, frontmatter, quizzes, safety, terms, typography
from hwsite.lint_rules.common import ERROR, WARNING, Finding, Page, apply_ignores, make_page, real_paths

RULE_SETS = ("frontmatter", "safety", "terms", "typography", "drafts", "citations", "quizzes")
FILE_CODES = {"empty-file": ERROR, "bom": WARNING, "crlf-line-endings": WARNING,
              "unknown-lint-ignore": WARNING}
CODES = {**FILE_CODES, **frontmatter.CODES, **safety.CODES, **terms.CODES,
         **typography.CODES, **drafts.CODES, **citations.CODES, **quizzes.CODES}
# Names a lint-ignore comment may use: a rule set or a single finding code.
IGNORE_NAMES = set(RULE_SETS) | set(CODES)

__all__ = ["RULE_SETS", "CODES", "Finding", "Page", "lint_page", "lint_file", "fix_file_bytes",
           "markdown_files", "real_paths"]


def _file_findings(page: Page) -> list[Finding]:
    source = page.source
    found = []
    if source.had_bom:
        found.append(Finding(
            "bom", WARNING, page.file, 1,
            "the file starts with an invisible byte-order mark (BOM); save it as 'UTF-8' "
            "without BOM (VS Code: click 'UTF-8 with BOM' in the status bar, 'Save with "
            "Encoding', 'UTF-8')", "file"))
    if source.had_crlf:
        found.append(Finding(
            "crlf-line-endings", WARNING, page.file, 1,
            "the file has Windows line endings (CRLF); save it with LF line endings "
            "(VS Code: click 'CRLF' in the status bar and choose 'LF')", "file"))
    return found


def lint_page(page: Page, rules: tuple[str, ...] = RULE_SETS,
              glossary: list[Term] | None = None, registry: Registry | None = None,
              ) -> list[Finding]:
    """All findings of the selected rule sets for one page, lint-ignore comments
    applied, sorted by line. `glossary` is needed when 'terms' is selected, `registry`
    (the source registry) for 'citations'."""
    findings = _file_findings(page)
    if not page.source.text.strip():
        findings.append(Finding(
            "empty-file", ERROR, page.file, None,
            "the file is empty; add the front matter and the page text, or delete the file",
            "file"))
        return findings
    if "frontmatter" in rules:
        findings += frontmatter.check(page)
    if "safety" in rules:
        findings += safety.check(page)
    if "terms" in rules:
        findings += terms.check(page, glossary or [])
    if "typography" in rules:
        findings += typography.check(page)
    if "drafts" in rules:
        findings += drafts.check(page)
    if "citations" in rules and registry is not None:
        findings += citations.check(page, registry)
    findings = apply_ignores(findings, page.source, IGNORE_NAMES)
    return sorted(findings, key=Finding.sort_key)


def read_page(path: str | Path, name: str | None = None, lang: str | None = None,
              real_path: str | None = None) -> Page:
    """Read and classify one file (real_path: see make_page). Raises SourceError
    (unreadable, not UTF-8, malformed front matter)."""
    return make_page(md.read_source(path, name), path, lang, real_path)


def lint_file(path: str | Path, name: str | None = None, rules: tuple[str, ...] = RULE_SETS,
              glossary: list[Term] | None = None, lang: str | None = None) -> list[Finding]:
    return lint_page(read_page(path, name, lang), rules, glossary)


def fix_file_bytes(data: bytes, path: str | Path, name: str | None = None,
                   lang: str | None = None) -> tuple[bytes, list[typography.Change]]:
    """The file's bytes with the safe typography fixes applied (BOM and every line's
    own line end kept) and the list of changes. Raises SourceError like read_page."""
    name = name if name is not None else str(path)
    text, had_bom, had_crlf = md.decode_source(data, name)
    page = make_page(md.parse_source(text, name, had_bom=had_bom, had_crlf=had_crlf), path, lang)
    new_text, changes = typography.fix_text(text, page)
    if not changes:
        return data, []
    raw = (data[3:] if had_bom else data).decode("utf-8")
    fixed = typography.restore_line_ends(raw, new_text)
    return (b"\xef\xbb\xbf" if had_bom else b"") + fixed.encode("utf-8"), changes


def markdown_files(folder: str | Path) -> list[tuple[str, str]]:
    """(path, path relative to folder) of the Markdown files under folder (see
    hwsite.source.markdown_files), in the order of the paths' parts. path is what
    (Path(folder) / rel).as_posix() gives, built as a string: pathlib's parsing of
    4,000 paths was serial work before any file was linted."""
    root = Path(folder).as_posix()
    prefix = "" if root == "." else root if root.endswith("/") else root + "/"
    return [(prefix + rel, rel) for rel in sorted(md.markdown_files(root), key=lambda rel: rel.split("/"))]
