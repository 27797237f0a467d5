"""Figures get their width and height from their files (hwsite.figures, through the page
body extension), so that each keeps its place on the page before its file arrives."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from hwsite import figures, parity

from conftest import run_mkdocs_build, write_fixture_site


def svg(view_box: str = "0 0 320 200", extra: str = "") -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" {extra}><rect width="10" height="10"/></svg>\n'


def png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\0\0\0\0IEND\xaeB`\x82")


@pytest.mark.parametrize("text, size", [
    (svg("0 0 640 314"), (640, 314)),
    (svg("0,0,320.4,199.6"), (320, 200)),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="120px" height="80"/>', (120, 80)),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="80"/>', None),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 10"/>', None),
    ('<?xml version="1.0"?>\n<!-- a comment -->\n<svg viewBox="0 0 16 9"/>', (16, 9)),
    ('<html viewBox="0 0 16 9"/>', None),
    ('<svg viewBox="0 0 16 9"', None),
    ("", None),
])
def test_an_svg_size_is_its_view_box(tmp_path, text, size):
    path = tmp_path / "figure.svg"
    path.write_text(text, encoding="utf-8")
    assert figures.size_of(str(path)) == size


def test_a_png_size_is_in_its_header(tmp_path):
    (tmp_path / "a.png").write_bytes(png(1200, 675))
    (tmp_path / "b.png").write_bytes(b"GIF89a" + bytes(30))
    assert figures.size_of(str(tmp_path / "a.png")) == (1200, 675)
    assert figures.size_of(str(tmp_path / "b.png")) is None
    assert figures.size_of(str(tmp_path / "missing.png")) is None


EN_PAGE = """\
# Figures

![A chart](img/chart.svg)

![A narrow chart](img/chart.svg){ width="160" }

![A photo](img/photo.png)

![Already sized](img/chart.svg){ width="64" height="64" }

![Elsewhere](https://example.org/x.svg) ![Inline](data:image/svg+xml,%3Csvg/%3E)
"""
ZH_PAGE = """\
# 图

![图表](img/chart.svg)

![只有英文版的图](img/only-en.svg)
"""


def build(tmp_path: Path, en_page: str, extra_files: dict[str, str | bytes]):
    en = {"index.md": "# Home\n", "figures.md": en_page}
    zh = {"index.md": "# 首页\n", "figures.md": ZH_PAGE}
    zh = {rel: f'---\ntranslated_from: "{parity.english_version(en[rel])}"\n---\n' + text for rel, text in zh.items()}
    config = write_fixture_site(tmp_path, en, zh, "nav:\n  - index.md\n  - figures.md\n")
    for rel, content in {"docs/img/chart.svg": svg("0 0 320 200"), "docs/img/only-en.svg": svg("0 0 300 150"),
                         "docs/img/photo.png": png(800, 600), "docs_zh/img/chart.svg": svg("0 0 320 240"),
                         **extra_files}.items():
        path = config.parent / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    site = config.parent / "site"
    return site, run_mkdocs_build(config, site)


def sizes(page: Path) -> list[tuple[str, str | None, str | None]]:
    doc = LexborHTMLParser(page.read_text(encoding="utf-8"))
    return [(img.attributes.get("alt"), img.attributes.get("width"), img.attributes.get("height"))
            for img in doc.css("article img")]


def test_the_build_gives_each_figure_the_size_of_its_file(tmp_path):
    site, result = build(tmp_path, EN_PAGE, {})
    assert result.returncode == 0, result.stderr
    assert sizes(site / "figures/index.html") == [
        ("A chart", "320", "200"), ("A narrow chart", "160", "100"), ("A photo", "800", "600"),
        ("Already sized", "64", "64"), ("Elsewhere", None, None), ("Inline", None, None)]
    # the Chinese page's own figure first; one it does not have, from the English folder
    assert sizes(site / "zh/figures/index.html") == [("图表", "320", "240"), ("只有英文版的图", "300", "150")]


def test_a_figure_whose_size_cannot_be_read_stops_the_build_and_names_its_line(tmp_path):
    page = EN_PAGE + "\nText.\n\n![No view box](img/bare.svg)\n\n![A photo](img/photo.jpg)\n"
    site, result = build(tmp_path, page, {"docs/img/bare.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>',
                                          "docs/img/photo.jpg": b"\xff\xd8\xff\xe0"})
    assert result.returncode != 0
    assert "docs/figures.md:15: the size of the image img/bare.svg cannot be read" in result.stderr
    assert "docs/figures.md:17: the size of the image img/photo.jpg cannot be read" in result.stderr
    assert '{ width="640" height="480" }' in result.stderr
