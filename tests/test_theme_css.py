"""hwsite.theme_css: Material's stylesheet without the content-tabs rules (their `:checked`
selectors made every tap on the menu or search restyle the whole page), and the build's use
of it: the pages link the pruned copy, Material's own file is not in the site, and a site
that enables content tabs keeps Material's stylesheet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_mkdocs_build, write_fixture_site

from hwsite import theme_css

X = frozenset({"x"})


@pytest.mark.parametrize("css, expected, dropped", [
    # a selector that needs an element of the class goes; the rest of its list stays
    ("a,.x b{c:1}", "a{c:1}", 1),
    (".x>input:checked~.y>:nth-child(2){c:1}d{e:2}", "d{e:2}", 1),
    # nested in a grouping rule; the group goes when nothing is left in it
    ("@media (min-width:1px){.x{d:2}e{f:3}}", "@media (min-width:1px){e{f:3}}", 1),
    ("@media (x){.x{d:2}}k{}", "k{}", 1),
    # :not(.x) and :is(.x, g) match without the class: kept, and so is [class=x] or .xy
    ("i:not(.x){j:4}f:is(.x, g){h:3}a.xy,[class=x]{}", "i:not(.x){j:4}f:is(.x, g){h:3}a.xy,[class=x]{}", 0),
    # untouched text stays byte for byte (no re-serialisation: 1n+2, \3c escapes)
    ("p:nth-child(1n+2){m:url('\\3c svg')}\n/* c */", "p:nth-child(1n+2){m:url('\\3c svg')}\n/* c */", 0),
    # Material's source-map comment goes: the map is of its file, not of this one
    ("a{}/*# sourceMappingURL=main.0123abcd.min.css.map*/", "a{}", 0),
])
def test_drops_the_selectors_that_need_the_class(css, expected, dropped):
    assert theme_css.without_classes(css, X) == (expected, dropped)


def test_a_stylesheet_that_does_not_parse_is_an_error_with_its_line():
    with pytest.raises(ValueError, match="^line 2: "):
        theme_css.without_classes("a{}\nb{}}", X)


def test_materials_stylesheet_loses_only_its_content_tabs_selectors():
    import material as material_theme

    material = theme_css.material_stylesheet([str(Path(material_theme.__file__).parent / "templates")])
    assert material is not None
    css = material.read_text(encoding="utf-8")
    pruned, dropped = theme_css.without_classes(css)
    assert dropped > 100 and "tabbed-set" not in pruned
    # every (selector, declarations) pair left is Material's; those gone all name .tabbed-set
    ours, materials = _selector_pairs(pruned), _selector_pairs(css)
    assert ours <= materials
    assert {selector for selector, _ in materials - ours} == {s for s, _ in materials if "tabbed-set" in s}


def _selector_pairs(css: str) -> set[tuple[str, str]]:
    """(selector, declarations) of every innermost rule; a test's rough reading of minified CSS."""
    return {(selector.strip(), body) for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
            for selector in selectors.split(",") if "(" not in selectors}

TABS_PAGE = """\
---
title: Tabs
---
# Tabs

=== "One"

    First.

=== "Two"

    Second.
"""


@pytest.mark.parametrize("tabs", [False, True], ids=["no content tabs", "content tabs"])
def test_the_build_links_the_pruned_stylesheet_only_without_content_tabs(tmp_path, tabs):
    config = write_fixture_site(tmp_path, {"index.md": "# Home\n" if not tabs else TABS_PAGE},
                                {"index.md": "# 首页\n"})
    if tabs:
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("markdown_extensions: [attr_list, admonition, tables, toc]",
                                       "markdown_extensions: [attr_list, admonition, tables, toc, pymdownx.superfences,"
                                       " pymdownx.tabbed]"), encoding="utf-8")
    site = config.parent / "site"
    result = run_mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr[-3000:]
    stylesheets = sorted(p.name for p in (site / "assets" / "stylesheets").glob("main.*.css*"))
    for page in (site / "index.html", site / "zh" / "index.html"):
        linked = re.findall(r'href="[^"]*assets/stylesheets/(main\.[^"]+)"', page.read_text(encoding="utf-8"))
        assert len(linked) == 1 and linked[0] in stylesheets
        if tabs:
            assert ".hw." not in linked[0]
        else:
            assert re.fullmatch(r"main\.hw\.[0-9a-f]{8}\.min\.css", linked[0])
            assert stylesheets == [linked[0]]  # Material's own (and its map) are not in the site
            assert "tabbed-set" not in (site / "assets" / "stylesheets" / linked[0]).read_text(encoding="utf-8")
