"""Draw the web-app icons (PNG) from the site logo's shield-and-cross shape, stdlib only.

Writes icon-192.png, icon-512.png (rounded square, transparent corners) and
icon-maskable-192.png, icon-maskable-512.png (full bleed, shape inside the 80 % safe
zone) into overrides/assets/images/. The output is deterministic: --check compares.
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "overrides" / "assets" / "images"

TEAL = (0x00, 0x69, 0x5C)  # --md-primary-fg-color in site.css
WHITE = (0xFF, 0xFF, 0xFF)

EPILOG = """\
exit codes:
  0  icons written (or, with --check, up to date)
  1  --check: an icon is missing or differs from what this script draws
  2  bad input: output directory cannot be written
"""

Point = tuple[float, float]


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, steps: int = 24) -> list[Point]:
    points = []
    for i in range(1, steps + 1):
        t = i / steps
        u = 1 - t
        points.append((
            u ** 3 * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t ** 3 * p3[0],
            u ** 3 * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t ** 3 * p3[1],
        ))
    return points


def logo_polygons() -> list[list[Point]]:
    """The logo (overrides/assets/images/logo.svg, 24 x 24 units): shield outline and the
    cross cut out of it; filled with the even-odd rule."""
    shield = [(12, 2), (4, 5), (4, 11)]
    shield += _cubic((4, 11), (4, 16), (7.4, 20.7), (12, 22))
    shield += _cubic((12, 22), (16.6, 20.7), (20, 16), (20, 11))
    shield += [(20, 5)]
    cross = [(10.8, 7), (13.2, 7), (13.2, 10.8), (17, 10.8), (17, 13.2), (13.2, 13.2),
             (13.2, 17), (10.8, 17), (10.8, 13.2), (7, 13.2), (7, 10.8), (10.8, 10.8)]
    return [shield, cross]


def rounded_square(size: float, radius: float) -> list[Point]:
    points: list[Point] = []
    corners = ((size - radius, radius, -90), (size - radius, size - radius, 0),
               (radius, size - radius, 90), (radius, radius, 180))
    for cx, cy, start in corners:
        for i in range(13):
            angle = math.radians(start + 90 * i / 12)
            points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def coverage(polygons: list[list[Point]], width: int, height: int, subrows: int = 8) -> list[list[float]]:
    """Even-odd fill coverage (0..1) per pixel: exact horizontally, `subrows` samples vertically."""
    edges = []
    for poly in polygons:
        for i, (x0, y0) in enumerate(poly):
            x1, y1 = poly[(i + 1) % len(poly)]
            if y0 != y1:
                edges.append((x0, y0, x1, y1))
    grid = [[0.0] * width for _ in range(height)]
    weight = 1.0 / subrows
    for row in range(height):
        line = grid[row]
        for sub in range(subrows):
            y = row + (sub + 0.5) / subrows
            xs = sorted(x0 + (y - y0) * (x1 - x0) / (y1 - y0)
                        for x0, y0, x1, y1 in edges if (y0 <= y < y1) or (y1 <= y < y0))
            for left, right in zip(xs[0::2], xs[1::2]):
                left, right = max(left, 0.0), min(right, float(width))
                if right <= left:
                    continue
                first, last = int(left), min(int(right), width - 1)
                if first == last:
                    line[first] += (right - left) * weight
                    continue
                line[first] += (first + 1 - left) * weight
                for x in range(first + 1, last):
                    line[x] += weight
                if last < width:
                    line[last] += (right - last) * weight
    return grid


def _scaled(polygons: list[list[Point]], scale: float, dx: float, dy: float) -> list[list[Point]]:
    return [[(x * scale + dx, y * scale + dy) for x, y in poly] for poly in polygons]


def draw_icon(size: int, maskable: bool) -> list[list[tuple[int, int, int, int]]]:
    """RGBA pixels of one icon."""
    if maskable:
        background = [[1.0] * size for _ in range(size)]
        logo_height = size * 0.56  # well inside the safe zone (circle of radius 0.4 * size)
    else:
        background = coverage([rounded_square(size, size * 0.2)], size, size)
        logo_height = size * 0.72
    scale = logo_height / 20.0  # the shield spans y = 2 .. 22
    dx = size / 2 - 12 * scale
    dy = size / 2 - 12 * scale
    shape = coverage(_scaled(logo_polygons(), scale, dx, dy), size, size)
    pixels = []
    for bg_row, fg_row in zip(background, shape):
        row = []
        for bg, fg in zip(bg_row, fg_row):
            bg, fg = min(bg, 1.0), min(fg, 1.0)
            # white logo over the teal tile, the tile over transparency
            colour = tuple(round(t * (1 - fg) + w * fg) for t, w in zip(TEAL, WHITE))
            alpha = round(255 * max(bg, fg if maskable else min(fg, bg)))
            row.append((*colour, alpha))
        pixels.append(row)
    return pixels


def encode_png(pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-192.png": (192, True),
    "icon-maskable-512.png": (512, True),
}


def render_all() -> dict[str, bytes]:
    return {name: encode_png(draw_icon(size, maskable)) for name, (size, maskable) in ICONS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make_icons.py", description=__doc__, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"output directory (default {OUT_DIR.relative_to(ROOT)})")
    parser.add_argument("--check", action="store_true", help="only compare with the files on disk")
    args = parser.parse_args(argv)
    icons = render_all()
    if args.check:
        stale = [name for name, data in icons.items()
                 if not (args.out / name).is_file() or (args.out / name).read_bytes() != data]
        for name in stale:
            print(f"{args.out / name}: missing or out of date (run python scripts/make_icons.py)")
        return 1 if stale else 0
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        for name, data in icons.items():
            tmp = args.out / (name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(args.out / name)
    except OSError as error:
        print(f"{args.out}: cannot write icons: {error.strerror}", file=sys.stderr)
        return 2
    for name, data in icons.items():
        print(f"{args.out / name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
