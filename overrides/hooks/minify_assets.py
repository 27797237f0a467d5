"""Serve this project's own scripts and stylesheets minified.

The readable sources stay in overrides/assets/ (javascripts/*.js, stylesheets/*.css);
after MkDocs has copied them into the site, they are replaced by their minified text
(rjsmin, rcssmin), which takes about a quarter off what a phone downloads for them (gzip
on both sides; see bench/REPORT.md). Material's own files (*.min.*) and vendored files with
a version in their name are left as shipped. Listed first among the hooks, so the service
worker's build id (offline_app.py, also on_post_build) is computed from the final files;
the web build, `mkdocs serve` and the offline edition all get the same output.
"""

from __future__ import annotations

import os
import re
import sys

import rcssmin
import rjsmin

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from hwsite.files import parsed_once_per_version, write_atomically  # noqa: E402

OWN_ASSETS = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", "assets"))
KINDS = {".js": rjsmin.jsmin, ".css": rcssmin.cssmin}
VENDORED = re.compile(r"-\d+(?:\.\d+)+\.")  # iframe-worker-1.0.4.js


def _minify(path: str) -> str:
    """The minified text of one source file."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return KINDS[os.path.splitext(path)[1]](text).strip() + "\n"


# every language pass of the build and every rebuild of `mkdocs serve` asks again
_minified = parsed_once_per_version(_minify, maxsize=64)


def own_sources() -> list[str]:
    """Paths, relative to overrides/assets, of the scripts and stylesheets to minify."""
    found = []
    for folder, _, names in os.walk(OWN_ASSETS):
        for name in names:
            if os.path.splitext(name)[1] in KINDS and ".min." not in name and not VENDORED.search(name):
                found.append(os.path.relpath(os.path.join(folder, name), OWN_ASSETS).replace(os.sep, "/"))
    return sorted(found)


def on_post_build(config) -> None:
    for rel in own_sources():
        source = os.path.join(OWN_ASSETS, rel)
        target = os.path.join(config.site_dir, "assets", rel)
        if os.path.exists(target):
            write_atomically(target, _minified(source))
