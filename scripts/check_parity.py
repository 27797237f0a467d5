"""Check that the Chinese pages (docs_zh/) follow the English pages (docs/): missing,
orphaned and outdated translations and structural differences; stamp and diff versions.

Run from the repository root: `python scripts/check_parity.py [--help]`.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

from hwsite import parity
from hwsite.files import write_atomically
from hwsite.parallel import default_jobs
from hwsite.source import SourceError, decode_source, parse_source, read_source

PROG = "check_parity"

EPILOG = """\
findings (kind: severity):
  missing-translation  warning  English page without a Chinese page (unless english_only)
  outdated             warning  English page changed since the Chinese page's translated_from
                                stamp, or the Chinese page has no stamp
  orphan-translation   error    Chinese page without an English page
  frontmatter-mismatch error    keys/values of parity.yml's paired, equal, same_length
  heading-mismatch     error    heading levels, count or explicit {#ids} differ
  link-mismatch        error    link targets differ (text may differ; x.md#id is the same
                                string in both languages)
  image-mismatch       error    images differ (x.zh.svg counts as x.svg)
  table-mismatch, admonition-mismatch, codeblock-mismatch
                       error    number or shape of tables, admonition types, code blocks
  Headings, tables, admonitions and code blocks report the first difference of each kind
  per page (later ones are often knock-on effects): fix it and run again.
  --strict makes every finding an error.

tracking: a Chinese page says which English version it translates in its front matter,
  translated_from: "<12 hex>", a hash of the English text that ignores whitespace, blank
  lines, front matter key order and last_reviewed. After checking a translation, record it
  with --stamp FILE (only that line of the Chinese page changes). --diff FILE shows what
  changed in the English page since then (needs the git history).

exit codes:
  0  no errors (warnings may be printed); --stamp done; --diff shown or nothing changed
  1  errors found; --diff could not find the stamped version (no git, shallow clone,
     stamp not in history, no stamp)
  2  bad input: missing tree, unreadable or non-UTF-8 file, malformed front matter,
     broken parity.yml, --stamp/--diff of a page without an English or Chinese page

settings: scripts/data/parity.yml (english_only, paired, equal, same_length).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="check_parity.py", description=__doc__.split("\n\n")[0],
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    # Relative to the working directory, never silently to this checkout: a --stamp run
    # in another copy of the site must not write into this one.
    parser.add_argument("--en", default="docs", metavar="DIR",
                        help="English tree (default: docs, in the working directory)")
    parser.add_argument("--zh", default="docs_zh", metavar="DIR",
                        help="Chinese tree (default: docs_zh, in the working directory)")
    parser.add_argument("--config", default=None, metavar="FILE",
                        help="settings file (default: scripts/data/parity.yml)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text (default, grouped by file) or one JSON object")
    parser.add_argument("--strict", action="store_true", help="treat every finding as an error")
    parser.add_argument("--jobs", type=int, default=0, metavar="N",
                        help="processes that read and compare pages (default 0: one per CPU, at "
                             "most 2; trees under 200 pages always use one)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--stamp", nargs="*", metavar="FILE",
                      help="write translated_from (the current English version) into these Chinese "
                           "pages, paths relative to the Chinese tree; no FILE: every page that has "
                           "an English page")
    mode.add_argument("--diff", metavar="FILE",
                      help="show what changed in the English page since the version the Chinese "
                           "page was stamped with (uses git history)")
    return parser


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


# ---------------------------------------------------------------- check

def _print_text(report: parity.Report, en_root: str, zh_root: str) -> None:
    roots = {"en": en_root, "zh": zh_root}
    current = None
    for finding in report.findings:
        if finding.file != current:
            if current is not None:
                print()
            print(finding.file)
            current = finding.file
        where = f"{roots[finding.lang].rstrip('/')}/{finding.file}"
        if finding.line:
            where += f":{finding.line}"
        print(f"  {where}: {finding.severity}: {finding.kind}: {finding.message}")
    if report.findings:
        print()
    statuses = Counter(page.status for page in report.pages)
    order = (parity.TRANSLATED, parity.OUTDATED, parity.MISSING, parity.ORPHAN, parity.ENGLISH_ONLY)
    pages = ", ".join(f"{statuses[s]} {s}" for s in order if statuses[s] or s != parity.ENGLISH_ONLY)
    errors, warnings = len(report.errors), len(report.warnings)
    verdict = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    print(f"parity ({en_root} vs {zh_root}): {verdict}; {len(report.pages)} pages: {pages}")


def run_check(args, config: parity.ParityConfig) -> int:
    report = parity.check_trees(args.en, args.zh, config, strict=args.strict,
                                jobs=args.jobs or default_jobs())
    if args.format == "json":
        print(report.to_json())
    else:
        _print_text(report, args.en, args.zh)
    if any(finding.kind == "bad-input" for finding in report.findings):
        return 2  # every other page was still compared and reported
    return 1 if report.errors else 0


# ---------------------------------------------------------------- stamp

def _relative(arg: str, roots: list[str]) -> str:
    """A page argument as a path relative to the trees: 'modules/x.md', or a path into
    either tree such as 'docs_zh/modules/x.md'. Raises SourceError for a path that
    leads out of the trees."""
    resolved = Path(arg).resolve()
    for root in roots:
        try:
            return resolved.relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
    rel = Path(os.path.normpath(arg)).as_posix()
    if Path(rel).is_absolute() or rel == ".." or rel.startswith("../"):
        raise SourceError(arg, None, "is not a page of the English or Chinese tree; give its path "
                                     "relative to the tree, e.g. modules/03-biological-hazards.md")
    return rel


def run_stamp(args) -> int:
    en_root, zh_root = Path(args.en), Path(args.zh)
    for root, name in ((en_root, "English"), (zh_root, "Chinese")):
        if not root.is_dir():
            _error(f"{root}: {name} tree not found")
            return 2
    if args.stamp:
        rels = [_relative(arg, [args.zh, args.en]) for arg in args.stamp]
    else:
        english = set(parity.markdown_files(en_root))
        rels = [rel for rel in parity.markdown_files(zh_root) if rel in english]
    problems = []
    for rel in rels:
        if not (zh_root / rel).is_file():
            problems.append(f"{(zh_root / rel).as_posix()}: no such Chinese page")
        elif not (en_root / rel).is_file():
            problems.append(f"{(zh_root / rel).as_posix()}: no English page {(en_root / rel).as_posix()}; "
                            "a stamp records the English version a translation follows")
    if problems:
        for problem in problems:
            _error(problem)
        _error("nothing stamped")
        return 2
    # Everything is computed before anything is written: all pages are stamped or none.
    updates = []
    for rel in rels:
        version = parity.source_version(read_source(en_root / rel))
        zh_path = zh_root / rel
        old = zh_path.read_bytes()
        new = parity.stamp_bytes(old, version, zh_path.as_posix())
        updates.append((zh_path, version, old, new))
    for zh_path, version, old, new in updates:
        if new != old:
            write_atomically(zh_path, new)
        state = "stamped" if new != old else "already stamped"
        print(f"{zh_path.as_posix()}: {state} translated_from {version}")
    return 0


# ---------------------------------------------------------------- diff

def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True)


def find_stamped_text(en_file: Path, stamp: str) -> tuple[str | None, str | None, str]:
    """Search the git history of en_file for the text whose version is `stamp`.
    Returns (text, commit, '') when found, else (None, None, why not)."""
    if shutil.which("git") is None:
        return None, None, "git is not installed, so the English history cannot be read"
    folder = en_file.resolve().parent
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        return None, None, f"{folder} is not inside a git repository, so there is no history to search"
    toplevel = Path(top.stdout.decode().strip())
    rel = en_file.resolve().relative_to(toplevel.resolve()).as_posix()
    log = _git(["log", "--format=%H", "--", rel], toplevel)
    commits = log.stdout.decode().split() if log.returncode == 0 else []
    for commit in commits:
        shown = _git(["show", f"{commit}:{rel}"], toplevel)
        if shown.returncode != 0:
            continue
        try:
            text = decode_source(shown.stdout, rel)[0]
            if parity.source_version(parse_source(text, rel)) == stamp:
                return text, commit, ""
        except SourceError:
            continue  # an old revision with broken front matter cannot be the stamped one
    shallow = _git(["rev-parse", "--is-shallow-repository"], toplevel).stdout.decode().strip()
    searched = f"{len(commits)} commit{'s' * (len(commits) != 1)} of {rel}"
    if shallow == "true":
        return None, None, (f"this is a shallow clone and none of its {searched} has version {stamp}; "
                            "fetch the full history (git fetch --unshallow) and try again")
    return None, None, (f"none of the {searched} has version {stamp}; the translation may have been "
                        "stamped from uncommitted text, or the stamp was edited by hand")


def run_diff(args) -> int:
    rel = _relative(args.diff, [args.zh, args.en])
    en_path, zh_path = Path(args.en) / rel, Path(args.zh) / rel
    for path, name in ((en_path, "English"), (zh_path, "Chinese")):
        if not path.is_file():
            _error(f"{path.as_posix()}: no such {name} page")
            return 2
    en, zh = read_source(en_path), read_source(zh_path)
    stamp, _ = parity.read_stamp(zh)
    version = parity.source_version(en)
    if stamp is None:
        print(f"{zh_path.as_posix()} has no translated_from stamp, so there is no recorded English "
              f"version to compare with; check the translation against {en_path.as_posix()} by hand, "
              f"then run --stamp {rel}")
        return 1
    if stamp == version:
        print(f"{en_path.as_posix()} has not changed since it was translated (version {stamp}); "
              "nothing to show")
        return 0
    old, commit, why = find_stamped_text(en_path, stamp)
    if old is None:
        print(f"cannot show what changed in {en_path.as_posix()} since version {stamp}: {why}. "
              f"Compare {zh_path.as_posix()} with the English page by hand.")
        return 1
    diff = difflib.unified_diff(
        old.splitlines(keepends=True), en.text.splitlines(keepends=True),
        fromfile=f"{en_path.as_posix()} @ {commit[:10]} (translated_from {stamp})",
        tofile=f"{en_path.as_posix()} (working copy, version {version})")
    sys.stdout.writelines(line if line.endswith("\n") else line + "\n" for line in diff)
    return 0


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = parity.load_config(args.config)
        if args.stamp is not None:
            return run_stamp(args)
        if args.diff is not None:
            return run_diff(args)
        return run_check(args, config)
    except SourceError as error:
        _error(str(error))
        return 2


if __name__ == "__main__":
    sys.exit(main())
