"""Writing files so that no reader or build ever sees half of one, and reading a data
file once per version of it."""

from __future__ import annotations

import functools
import os
import tempfile
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
