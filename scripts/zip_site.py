"""Pack a built site folder into one zip for download (the offline edition, `make offline`).

Everything goes under one top folder, in a stable order with fixed timestamps, so the
same build gives the same zip and unpacking it never scatters files.
"""

from __future__ import annotations

import argparse
import fnmatch
import sys
import zipfile
from pathlib import Path

EPILOG = """\
exit codes:
  0  zip written
  2  bad input: SITE_DIR missing or without index.html, zip cannot be written
"""

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def zip_site(site: Path, target: Path, folder: str, exclude: tuple[str, ...] = ()) -> int:
    """Write target; return the number of files packed. exclude: glob patterns matched
    against each file's path relative to site (e.g. "*.map")."""
    files = sorted(p for p in site.rglob("*") if p.is_file()
                   and not any(fnmatch.fnmatch(p.relative_to(site).as_posix(), pattern) for pattern in exclude))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"{folder}/{path.relative_to(site).as_posix()}", FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    tmp.replace(target)
    return len(files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="zip_site.py", description=__doc__, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site_dir", type=Path, metavar="SITE_DIR", help="the built site, e.g. site-offline")
    parser.add_argument("zip", type=Path, metavar="ZIP", help="the zip to write, e.g. dist/healthwise-osh-offline.zip")
    parser.add_argument("--folder", help="top folder inside the zip (default: the zip's name without .zip)")
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="leave out files whose path inside SITE_DIR matches (repeatable), e.g. '*.map'")
    args = parser.parse_args(argv)
    if not (args.site_dir / "index.html").is_file():
        print(f"{args.site_dir}: not a built site (no index.html)", file=sys.stderr)
        return 2
    folder = args.folder or args.zip.name.removesuffix(".zip")
    try:
        count = zip_site(args.site_dir, args.zip, folder, tuple(args.exclude))
    except OSError as error:
        print(f"{args.zip}: cannot write: {error.strerror}", file=sys.stderr)
        return 2
    print(f"{args.zip}: {count} files, {args.zip.stat().st_size // 1024} KB (open {folder}/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
