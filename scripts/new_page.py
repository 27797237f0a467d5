"""Create a new page in both languages (docs/ and docs_zh/) with the front matter and
standard headings of its section, and add it to the nav of mkdocs.yml.

Run from the repository root: `python scripts/new_page.py SECTION/NAME` (or `make new PAGE=...`).
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from hwsite.scaffold import SECTIONS, ScaffoldError, insert_nav, page_text, parse_page
from hwsite.files import write_atomically

ROOT = Path(__file__).resolve().parent.parent
PROG = "new_page"

EPILOG = f"""\
sections: {', '.join(SECTIONS)}. NAME is kebab-case (lower-case words and numbers joined
by hyphens); a module's NAME starts with its two-digit number (modules/03-...).

what it writes:
  docs/SECTION/NAME.md and docs_zh/SECTION/NAME.md: the section's front matter, a title
  heading, the standard ## headings with {{#ids}} (modules also ### Checkpoint 1-6 and
  the checklist table), and a '!!! warning "Draft"' box wherever text is needed. DRAFT
  and 草稿 mark the front matter values to replace. scripts/lint_content.py reports all
  of them as draft-left-in errors until they are replaced, so a draft cannot be merged.
  mkdocs.yml: one line '- SECTION/NAME.md' after the section's last nav entry; the rest
  of the file is not changed.

exit codes:
  0  pages created and nav updated
  2  bad PAGE (unknown section, not kebab-case, bad module number), a page that already
     exists (nothing is overwritten), a module number already used, mkdocs.yml missing or
     without a nav entry for the section
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="new_page.py", description=__doc__.split("\n\n")[0],
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", metavar="PAGE", help="SECTION/NAME, e.g. fact-sheets/needlestick-response")
    parser.add_argument("--title", default=None, help="English title (default: from NAME)")
    parser.add_argument("--title-zh", default=None, help="Chinese title (default: a 草稿 placeholder)")
    parser.add_argument("--root", default=str(ROOT), metavar="DIR",
                        help="project folder with docs/, docs_zh/ and mkdocs.yml (default: this repository)")
    return parser


def _error(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    for title in (args.title, args.title_zh):
        if title is not None and (not title.strip() or "\n" in title or "\r" in title):
            _error("a title must be one line of text")
            return 2
    try:
        page = parse_page(args.page)
    except ScaffoldError as error:
        _error(str(error))
        return 2
    root = Path(args.root)
    config = root / "mkdocs.yml"
    targets = {"en": root / "docs" / page.rel_path, "zh": root / "docs_zh" / page.rel_path}
    existing = [p for p in targets.values() if p.exists()]
    if existing:
        for path in existing:
            _error(f"{path.as_posix()} already exists; nothing was changed (choose another name, "
                   "or edit the existing page)")
        return 2
    if page.module is not None:
        for tree in ("docs", "docs_zh"):
            taken = sorted((root / tree / "modules").glob(f"{page.slug[:2]}-*.md"))
            if taken:
                _error(f"module {page.module} already has a page: {taken[0].as_posix()}; nothing was changed")
                return 2
    try:
        config_text = config.read_bytes().decode("utf-8")
        new_config, inserted = insert_nav(config_text, page)
    except FileNotFoundError:
        _error(f"{config.as_posix()} not found; run this from the repository root or give --root")
        return 2
    except UnicodeDecodeError:
        _error(f"{config.as_posix()} is not valid UTF-8; nothing was changed")
        return 2
    except OSError as error:
        _error(f"{config.as_posix()}: cannot read: {error.strerror or error}")
        return 2
    except ScaffoldError as error:
        _error(f"{config.as_posix()}: {error}; nothing was changed")
        return 2

    today = datetime.date.today()
    created: list[Path] = []
    try:
        for lang, path in targets.items():
            text = page_text(page, lang, today, args.title, args.title_zh)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8", newline="\n") as out:
                created.append(path)
                out.write(text)
        if inserted:
            write_atomically(config, new_config.encode("utf-8"))
    except OSError as error:
        for path in created:  # all or nothing
            path.unlink(missing_ok=True)
        _error(f"cannot write the new page: {error.strerror or error}; nothing was changed")
        return 2

    for path in created:
        print(f"created {path.as_posix()}")
    if inserted:
        print(f"added - {page.rel_path} to the nav in {config.as_posix()}")
    else:
        print(f"{page.rel_path} was already in the nav of {config.as_posix()}")
    print("next: replace every Draft box and DRAFT/草稿 placeholder, then run\n"
          f"  python scripts/lint_content.py {targets['en'].as_posix()} {targets['zh'].as_posix()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
