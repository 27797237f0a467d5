"""Each figure's intrinsic size, so that the build can give every <img> on a page its
width and height: with both, the browser keeps the figure's place before its file
arrives, and nothing below it moves when it does (no layout shift).

An SVG's size is its root element's viewBox (or its width and height in px); a PNG's is
in its header. Anything else, or a file where neither can be read, has no size here:
the build asks the editor to write it in the Markdown.

    sizes = figure_sizes(["docs", "docs_zh"])   # every figure under those folders
    sizes["/abs/docs/assets/images/x.svg"]      # (640, 314), or None if unreadable
"""

from __future__ import annotations

import os
import re
import struct
import xml.etree.ElementTree as etree
from urllib.parse import unquote, urlsplit

Size = tuple[int, int]

SUFFIXES = (".svg", ".png")
_NUMBER = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(px)?\s*\Z")


def _length(value: str | None) -> float | None:
    match = _NUMBER.match(value or "")
    return float(match.group(1)) if match else None


def _rounded(width: float, height: float) -> Size | None:
    if width <= 0 or height <= 0:
        return None
    return max(1, round(width)), max(1, round(height))


def svg_size(path: str) -> Size | None:
    """The root <svg>'s viewBox width and height, else its width and height attributes
    when both are plain numbers or px; None when the file is not an SVG with either."""
    try:
        for _, root in etree.iterparse(path, events=("start",)):
            break  # the root element only: its attributes are all that is needed
        else:
            return None
    except (OSError, etree.ParseError):
        return None
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return None
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return _rounded(float(box[2]), float(box[3]))
        except ValueError:
            pass
    width, height = _length(root.get("width")), _length(root.get("height"))
    return _rounded(width, height) if width is not None and height is not None else None


def png_size(path: str) -> Size | None:
    """Width and height from a PNG's IHDR chunk; None when the file is not a PNG."""
    try:
        with open(path, "rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return _rounded(*struct.unpack(">II", head[16:24]))


def size_of(path: str) -> Size | None:
    lower = path.lower()
    if lower.endswith(".svg"):
        return svg_size(path)
    if lower.endswith(".png"):
        return png_size(path)
    return None


def figure_sizes(roots: list[str]) -> dict[str, Size | None]:
    """Every SVG and PNG file under the given folders, by real path, with its size (None
    when it cannot be read). Folders that do not exist are skipped."""
    found: dict[str, Size | None] = {}
    for root in roots:
        for folder, dirs, names in os.walk(root):
            dirs.sort()
            for name in sorted(names):
                if name.lower().endswith(SUFFIXES):
                    path = os.path.realpath(os.path.join(folder, name))
                    found[path] = size_of(path)
    return found


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def size_images(root: etree.Element, folders: list[str] | tuple[str, ...], sizes: dict[str, Size | None]) -> list[str]:
    """Give each <img> of a page's tree that lacks a width or height the size of its file:
    both from the file, or the missing one in proportion to the one written. A src is
    looked up relative to each of the folders in turn (the page's own folder first).
    Returns the src of each image whose file is there but has no size that can be read;
    images on other hosts, with a data: URL or whose file is missing are left alone."""
    unsized = []
    for image in root.iter("img"):
        width, height = image.get("width"), image.get("height")
        if width and height:
            continue
        src = image.get("src") or ""
        parts = urlsplit(src)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            continue
        size, found = None, False
        for folder in folders:
            path = os.path.realpath(os.path.join(folder, unquote(parts.path)))
            if path in sizes or os.path.isfile(path):
                size, found = sizes.get(path), True
                break
        if not found:
            continue
        if size is None:
            unsized.append(src)
            continue
        given_width, given_height = _number(width), _number(height)
        if width is None and height is None:
            image.set("width", str(size[0]))
            image.set("height", str(size[1]))
        elif height is None and given_width:
            image.set("height", str(max(1, round(given_width * size[1] / size[0]))))
        elif width is None and given_height:
            image.set("width", str(max(1, round(given_height * size[0] / size[1]))))
    return unsized
