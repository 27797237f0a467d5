"""This project's own scripts and stylesheets, minified (rjsmin, rcssmin) for readers.

The readable sources stay in overrides/assets/ (javascripts/*.js, stylesheets/*.css); the
build plugin replaces their copies in the site with the minified text, which takes about a
quarter off what a phone downloads for them (gzip on both sides; see bench/REPORT.md).
Material's own files (*.min.*) and vendored files with a version in their name are left
as shipped.
"""

from __future__ import annotations

import os
import re

import rcssmin
import rjsmin

from hwsite.files import parsed_once_per_version

KINDS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}
VENDORED = re.compile(r"-\d+(?:\.\d+)+\.")  # iframe-worker-1.0.4.js


def _minify(path: str) -> str:
    """The minified text of one source file."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return KINDS[os.path.splitext(path)[1]](text).strip() + "\n"


# every build and every rebuild of `mkdocs serve` asks again
minified = parsed_once_per_version(_minify, maxsize=64)


def own_sources(assets_dir: str) -> list[str]:
    """Paths, relative to assets_dir, of the scripts and stylesheets to minify."""
    found = []
    for folder, _, names in os.walk(assets_dir):
        for name in names:
            if os.path.splitext(name)[1] in KINDS and ".min." not in name and not VENDORED.search(name):
                found.append(os.path.relpath(os.path.join(folder, name), assets_dir).replace(os.sep, "/"))
    return sorted(found)
