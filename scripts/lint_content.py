"""Lint the site's Markdown pages for editors: front matter, content safety, terminology,
Chinese typography and leftover drafts. `--fix` applies the safe typography fixes.

Run from the repository root: `python scripts/lint_content.py [PATHS...] [--help]`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from hwsite.glossary import GLOSSARY_FILE, GlossaryError, load_glossary
from hwsite.files import write_atomically
from hwsite.lint_rules import (RULE_SETS, Finding, fix_file_bytes, lint_page, markdown_files, quizzes,
                               read_page, real_paths)
from hwsite.lint_rules.citations import check_cited_keys, cited_keys
from hwsite.parallel import default_jobs, map_in_processes
from hwsite.quiz import QUIZ_DIR, QuizError, quiz_files
from hwsite.source import SourceError
from hwsite.sources.registry import SOURCES_FILE, RegistryError, load_registry, validate_registry

ROOT = Path(__file__).resolve().parent.parent
PROG = "lint_content"

EPILOG = """\
rule sets (--only) and finding codes (E = error, W = warning):
  frontmatter  frontmatter-missing E, key-missing E, key-unknown W, title-invalid E,
               description-invalid E, description-length E (English 50-160 characters,
               Chinese 20-120), module-invalid E (1-8), module-mismatch E (module: and
               the NN- of the file name), date-invalid E (last_reviewed YYYY-MM-DD),
               sources-invalid E, when-invalid E ("YYYY", "YYYY-MM-DD" or
               "YYYY-MM-DD/YYYY-MM-DD"), translated-from-invalid E
               Required keys: modules/NN-*.md title, description, module, last_reviewed,
               sources; fact-sheets/ and resources/ title, description, last_reviewed,
               sources; trainings/ the same and when; index and other pages title and
               description. Chinese pages may add translated_from.
  safety       html-unsafe E (script, iframe, style, form ...), html-not-allowed E (HTML
               other than div, span, abbr, br, sup, sub, kbd, figure, figcaption, details,
               summary), html-attribute-not-allowed E (allowed: class, id, markdown, lang;
               title on abbr, open on details), style-attribute E, event-handler E (on...=),
               unsafe-url E (javascript:, vbscript:, data:), external-image E (images from
               http(s)://), http-link E (use https://), heading-id-missing E (## and ###
               in modules/ and fact-sheets/ need {#id}), heading-id-invalid E (lower-case
               ASCII words joined by hyphens), heading-id-duplicate E
  terms        deprecated-term E (a Chinese page uses a deprecated_zh variant from the
               glossary), inconsistent-term W (an English page uses a deprecated_en variant).
               Code, link addresses and names in 《》 are not checked.
  typography   Chinese pages only: halfwidth-punctuation E (,.:;?!() in Chinese text),
               doubled-punctuation E (。。 ，， ！！; …… and —— are fine), mixed-brackets E
               (（...) or (...）), cjk-latin-space E (no space between Chinese and Latin
               letters or numbers: "HealthWISE培训", "2014年"). Code, URLs, inline math,
               HTML and Markdown markers are left alone.
  drafts       draft-left-in E: a '!!! warning "Draft"' box, or DRAFT/草稿 placeholders in
               headings or front matter, as written by scripts/new_page.py
  citations    unknown-key E (a key in front matter sources: or a [@key] citation that
               scripts/data/sources.yml does not have), citations-differ-between-languages E
               (docs/X.md and docs_zh/X.md cite different keys), figure-without-citation E
               (a paragraph or list item with a percentage, "N million" or N万/亿 and no
               [@key]); the registry itself: registry-entry-incomplete E (a field
               its type needs is missing), registry-value-invalid E, registry-duplicate-key
               E, registry-field-unknown W, url-not-https E. Registry findings name the
               line in sources.yml. Free-text sources: items are not checked.
  quizzes      the module quizzes, scripts/data/quizzes/<module page>.yml: quiz-invalid E
               (shape, unknown key), quiz-module-missing E, quiz-question-count E (6-10),
               quiz-id-invalid E, quiz-id-duplicate E, quiz-kind-invalid E (single,
               multiple, true-false, scenario), quiz-options-invalid E, quiz-answer-missing E
               (no correct answer), quiz-answer-invalid E (one right answer for single and
               scenario; not every option right for multiple), quiz-translation-missing E,
               quiz-explanation-missing E, quiz-checkpoint-missing E (an explanation that
               links to no checkpoint), quiz-anchor-missing E (#checkpoint-N not on the
               module page in English or Chinese); the Chinese texts also get the terms
               and typography rules. A YAML file given as PATH is read as a quiz.
  (always)     empty-file E, bom W, crlf-line-endings W, unknown-lint-ignore W

ignoring one line: end it with <!-- lint-ignore RULE[,RULE] --> where RULE is a rule set
  or a finding code, e.g. a quotation: ... 针扎伤 ...” <!-- lint-ignore terms -->
  (in front matter: a YAML comment, # lint-ignore terms).

--fix changes only Chinese body text, never code or front matter: half-width punctuation
  and brackets in Chinese text become full-width, and spaces between Chinese and Latin
  letters or numbers are removed. It lists what it changed, then lints again.

exit codes:
  0  no errors (warnings may be printed; --strict makes them errors)
  1  errors found
  2  bad input: a path that does not exist, a file that cannot be read or is not UTF-8,
     malformed front matter (YAML), a broken glossary (scripts/data/glossary.yml), an
     unreadable or malformed source registry (scripts/data/sources.yml)
"""


def _default_paths() -> list[str]:
    return [os.path.relpath(ROOT / "docs"), os.path.relpath(ROOT / "docs_zh")]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lint_content.py", description=__doc__.split("\n\n")[0],
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="Markdown files or folders (default: docs and docs_zh)")
    parser.add_argument("--only", metavar="RULES", default=",".join(RULE_SETS),
                        help=f"comma-separated rule sets to run (default: all: {','.join(RULE_SETS)})")
    parser.add_argument("--fix", action="store_true",
                        help="apply the safe Chinese typography fixes, then report what is left")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default, one line per finding) or one JSON object")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--glossary", metavar="FILE", default=None,
                        help="glossary for the terms rules (default: scripts/data/glossary.yml)")
    parser.add_argument("--sources", metavar="FILE", default=None,
                        help="source registry for the citations rules (default: "
                             "scripts/data/sources.yml)")
    parser.add_argument("--jobs", type=int, default=0, metavar="N",
                        help="processes that lint files (default 0: one per CPU, at most 2; "
                             "fewer than 200 files and --fix always use one)")
    parser.add_argument("--lang", choices=("en", "zh"), default=None,
                        help="language of every page (default: docs_zh/ is Chinese, the rest English)")
    return parser


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def _collect(paths: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(file, real path) of each file, and the paths that do not exist. The file is also
    the name findings give: the path as pathlib writes it."""
    files, missing = [], []
    for arg in paths:
        path = Path(arg)
        if path.is_dir():
            files += [found for found, _ in markdown_files(path)]
        elif path.exists():
            files.append(path.as_posix())
        else:
            missing.append(arg)
    seen, unique = set(), []
    for path, real in zip(files, real_paths(files)):
        if real not in seen:
            seen.add(real)
            unique.append((path, real))
    return unique, missing


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    rules = tuple(r.strip() for r in args.only.split(",") if r.strip())
    unknown = [r for r in rules if r not in RULE_SETS]
    if unknown or not rules:
        _error(f"unknown rule set {', '.join(unknown) or '(none given)'} in --only; "
               f"choose from {','.join(RULE_SETS)}")
        return 2
    paths, quiz_paths = quizzes.split_paths(args.paths) if args.paths else (
        _default_paths(), [(path, os.path.relpath(path)) for path in quiz_files(QUIZ_DIR)])
    if "quizzes" not in rules:
        quiz_paths = []
    files, missing = _collect(paths) if paths else ([], [])
    if missing:
        for arg in missing:
            _error(f"{arg}: no such file or folder")
        return 2
    glossary = []
    if "terms" in rules:
        try:
            glossary = load_glossary(args.glossary or GLOSSARY_FILE)
        except GlossaryError as error:
            _error(str(error))
            return 2
        except (OSError, ValueError) as error:
            _error(f"{args.glossary or GLOSSARY_FILE}: cannot read the glossary: {error}")
            return 2

    findings: list[Finding] = []
    bad: list[SourceError] = []
    registry = None
    if "citations" in rules:
        registry_file = args.sources or os.path.relpath(SOURCES_FILE)
        try:
            registry = load_registry(registry_file)
        except RegistryError as error:
            bad.append(SourceError(error.file, error.line, error.message))
        else:
            findings += validate_registry(registry)
    fixing = args.fix and "typography" in rules

    def lint_one(item: tuple[str, str]) -> tuple[list[dict], list[Finding], tuple | None, tuple | None]:
        """(fixes, findings, bad input as (file, line, message), (file, tree, cited keys))
        of one file; plain values, as they come back from a worker process."""
        path, real = item
        name = path
        fixes = []
        try:
            if fixing:
                data = Path(path).read_bytes()
                new, changes = fix_file_bytes(data, path, name, args.lang)
                if changes:
                    write_atomically(path, new)
                    fixes = [{"file": name, **change.to_dict()} for change in changes]
            page = read_page(path, name, args.lang, real)
        except SourceError as error:
            return fixes, [], (error.file, error.line, error.message), None
        except OSError as error:
            return fixes, [], (name, None, f"cannot read file: {error.strerror or error}"), None
        cited = (page.file, page.tree, cited_keys(page)) if registry is not None else None
        return fixes, lint_page(page, rules, glossary, registry), None, cited

    fixed: list[dict] = []
    cited_pages = []
    # --fix writes files: one process, in file order.
    jobs = 1 if fixing else (args.jobs or default_jobs())
    for fixes, found, error, cited in map_in_processes(lint_one, files, jobs):
        fixed += fixes
        findings += found
        if error is not None:
            bad.append(SourceError(*error))
        if cited is not None:
            cited_pages.append(cited)
    if registry is not None:
        findings += check_cited_keys(cited_pages, registry)
    for path, name in quiz_paths:
        try:
            findings += quizzes.check_file(path, name, ROOT / "docs", ROOT / "docs_zh", glossary)
        except QuizError as error:
            bad.append(SourceError(error.file, error.line, error.message))
    files += quiz_paths

    if args.strict:
        findings = [Finding(f.code, "error", f.file, f.line, f.message, f.rule) for f in findings]
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    if args.format == "json":
        print(json.dumps({
            "findings": [f.to_dict() for f in findings],
            "fixed": fixed,
            "bad_input": [{"file": e.file, "line": e.line, "message": e.message} for e in bad],
            "summary": {"files": len(files), "errors": errors, "warnings": warnings,
                        "fixed": len(fixed), "bad_input": len(bad)},
        }, ensure_ascii=False, indent=2))
    else:
        for change in fixed:
            print(f"{change['file']}:{change['line']}: fixed {change['code']}: "
                  f"{change['before']}  ->  {change['after']}")
        for f in findings:
            where = f"{f.file}:{f.line}" if f.line else f.file
            print(f"{where}: {f.severity}: {f.code}: {f.message}")
        with_findings = len({f.file for f in findings})
        summary = (f"lint: {errors} error{'s' * (errors != 1)}, {warnings} "
                   f"warning{'s' * (warnings != 1)} in {with_findings} of {len(files)} "
                   f"file{'s' * (len(files) != 1)}")
        if fixed:
            summary += f"; {len(fixed)} fix{'es' * (len(fixed) != 1)} applied"
        print(summary)
    for error in bad:
        _error(str(error))
    if bad:
        return 2
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
