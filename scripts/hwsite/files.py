"""Writing files so that no reader or build ever sees half of one, reading a data file
once per version of it, and the theme assets the build replaces with its own."""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomically(path: str | Path, data: bytes | str) -> None:
    """Write data (str as UTF-8) beside path, then rename it into place. An existing
    file keeps its permissions; missing parent folders are created."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o777)
        else:
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def parsed_once_per_version(load, maxsize: int = 4):
    """Wrap load(path) so each version of a file (its mtime and size) is parsed once: a
    build asks for the same file on every page, and `mkdocs serve` must still see it
    edited. A file that cannot be stat'ed goes to load() uncached, to raise its own error
    naming the file. maxsize: how many file versions are kept. Callers must not change
    what they get back."""
    @functools.lru_cache(maxsize=maxsize)
    def versioned(path: str, mtime_ns: int, size: int):
        return load(path)

    @functools.wraps(load)
    def cached(path):
        try:
            stat = os.stat(path)
        except OSError:
            return load(path)
        return versioned(str(path), stat.st_mtime_ns, stat.st_size)

    return cached


# Files the build writes in place of a theme asset carry `.hw.` in their names.
OWN_MARK = ".hw."


def theme_asset(theme_dirs: Iterable[str], folder: str, pattern: str) -> Path | None:
    """The theme's own file matching pattern in folder (e.g. "assets/stylesheets",
    "main.*.min.css"), from the first of the theme's folders that has one; never one the
    build wrote (OWN_MARK)."""
    for theme_dir in theme_dirs:
        found = sorted(p for p in Path(theme_dir, folder).glob(pattern) if OWN_MARK not in p.name)
        if found:
            return found[0]
    return None


def own_asset_name(prefix: str, text: str, suffix: str) -> str:
    """Name of a file the build writes in place of a theme asset: the asset's prefix, the
    mark and our content's hash, e.g. main.hw.1a2b3c4d.min.css."""
    return f"{prefix}{OWN_MARK}{hashlib.sha256(text.encode('utf-8')).hexdigest()[:8]}{suffix}"
