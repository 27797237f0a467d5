"""Build tests: tiny fixture sites through the real plugin and theme overrides, and
the real site. They assert what a reader or an editor would see in the output."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from selectolax.lexbor import LexborHTMLParser

from hwsite import parity

from conftest import ROOT, build_fixture_site, run_mkdocs_build, run_mkdocs_command, write_fixture_site

EN = {
    "index.md": "# Home\n\nSee [page A](a.md#hand-hygiene) and [B](b.md).\n",
    "a.md": "# Page A\n\n## Hand hygiene {#hand-hygiene}\n\nClean your hands.\n",
    "b.md": "# Page B\n\nOnly in English so far.\n",
}
ZH = {
    "index.md": "# 首页\n\n见[页面A](a.md#hand-hygiene)和[B](b.md)。\n",
    "a.md": "# 页面A\n\n## 手卫生 {#hand-hygiene}\n\n医务人员在接触患者前后要做好手卫生，防止职业暴露。\n\n## 没有编号的标题\n\n正文。\n",
}


def stamped(zh_text: str, en_text: str) -> str:
    """A Chinese page recorded as translated from the current English page."""
    from hwsite import parity

    return f'---\ntranslated_from: "{parity.english_version(en_text)}"\n---\n' + zh_text


ZH = {rel: stamped(text, EN[rel]) for rel, text in ZH.items()}
NAV = "nav:\n  - index.md\n  - a.md\n  - b.md\n"


def html(path: Path) -> LexborHTMLParser:
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    site, result = build_fixture_site(tmp_path_factory.mktemp("fx"), EN, ZH, NAV)
    assert result.returncode == 0, result.stderr
    return site


def test_both_languages_are_written_at_their_urls(fixture_site):
    for rel in ("index.html", "a/index.html", "b/index.html"):
        assert (fixture_site / rel).exists()
        assert (fixture_site / "zh" / rel).exists()
    assert html(fixture_site / "zh/a/index.html").css_first("h1").text() == "页面A"
    assert html(fixture_site / "a/index.html").css_first("h1").text() == "Page A"


def test_html_lang_is_bcp47(fixture_site):
    assert html(fixture_site / "a/index.html").css_first("html").attributes["lang"] == "en"
    assert html(fixture_site / "zh/a/index.html").css_first("html").attributes["lang"] == "zh-Hans"


@pytest.mark.parametrize("page, other", [("a/index.html", "/zh/a/"), ("zh/a/index.html", "/a/"),
                                         ("zh/b/index.html", "/b/"), ("b/index.html", "/zh/b/")])
def test_language_switcher_targets_the_same_page(fixture_site, page, other):
    doc = html(fixture_site / page)
    page_url = "https://example.org/" + page.replace("index.html", "")
    links = {a.attributes["hreflang"]: urljoin(page_url, a.attributes["href"]) for a in doc.css("a.md-select__link")}
    assert set(links) == {"en", "zh"}
    other_lang = "zh" if other.startswith("/zh/") else "en"
    assert urlparse(links[other_lang]).path == other


def test_fallback_notice_only_on_untranslated_chinese_page(fixture_site):
    notice = html(fixture_site / "zh/b/index.html").css_first('[data-hw-notice="fallback"]')
    assert notice is not None
    assert "尚未翻译" in notice.text()
    link = notice.css_first("a")
    assert urljoin("https://example.org/zh/b/", link.attributes["href"]) == "https://example.org/b/"
    # the untranslated page keeps its place in the Chinese navigation
    nav_paths = [urljoin("https://example.org/zh/a/", a.attributes.get("href", "")) for a in html(fixture_site / "zh/a/index.html").css("nav.md-nav--primary a.md-nav__link")]
    assert "https://example.org/zh/b/" in nav_paths
    for page in ("zh/a/index.html", "zh/index.html", "a/index.html", "b/index.html"):
        assert html(fixture_site / page).css_first("[data-hw-notice]") is None, page


def test_each_language_has_its_own_404(fixture_site):
    en, zh = html(fixture_site / "404.html"), html(fixture_site / "zh/404.html")
    assert en.css_first("h1").text() == "Page not found"
    assert zh.css_first("h1").text() == "页面未找到"
    assert zh.css_first("html").attributes["lang"] == "zh-Hans"
    switch = {a.attributes["hreflang"]: a.attributes["href"] for a in zh.css("a.md-select__link")}
    assert switch == {"en": "/", "zh": "/zh/"}
    # the root 404 swaps in the Chinese one for unknown /zh/ URLs on GitHub-Pages-like hosts
    assert 'var folders = ["zh/"]' in en.html and 'root + folder + "404.html"' in en.html


def test_search_index_is_split_by_language(fixture_site):
    en = json.loads((fixture_site / "search/search_index.json").read_text(encoding="utf-8"))
    zh = json.loads((fixture_site / "zh/search/search_index.json").read_text(encoding="utf-8"))
    assert en["docs"] and zh["docs"]
    assert all(not d["location"].startswith("zh/") for d in en["docs"])
    assert {d["location"].split("#")[0] for d in zh["docs"]} >= {"", "a/", "b/"}
    assert not any("手卫生" in d["text"] for d in en["docs"])
    # jieba segmentation joined with U+200B, and the separator splits on it
    text = " ".join(d["text"] for d in zh["docs"] if d["location"].startswith("a/"))
    assert "\u200b手卫生\u200b" in text and "\u200b职业暴露" in text
    assert "\\u200b" in zh["config"]["separator"]


def test_chinese_pages_use_the_chinese_root_as_material_base(fixture_site):
    config = json.loads(html(fixture_site / "zh/a/index.html").css_first("#__config").text())
    assert config["base"] == "../../zh/"
    config = json.loads(html(fixture_site / "a/index.html").css_first("#__config").text())
    assert config["base"] == ".."


def test_sitemaps_are_split_and_hreflang_is_absolute(fixture_site):
    en_map = (fixture_site / "sitemap.xml").read_text(encoding="utf-8")
    zh_map = (fixture_site / "zh/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/a/</loc>" in en_map and "<loc>https://example.org/zh/" not in en_map
    assert "<loc>https://example.org/zh/a/</loc>" in zh_map and "<loc>https://example.org/a/</loc>" not in zh_map
    assert 'hreflang="en" href="https://example.org/a/"' in zh_map
    robots = (fixture_site / "robots.txt").read_text(encoding="utf-8")
    assert "Sitemap: https://example.org/sitemap.xml\n" in robots and "Sitemap: https://example.org/zh/sitemap.xml\n" in robots
    alternates = {l.attributes["hreflang"]: l.attributes["href"] for l in html(fixture_site / "zh/a/index.html").css('link[rel="alternate"][hreflang]')}
    assert alternates == {"en": "https://example.org/a/", "zh-Hans": "https://example.org/zh/a/", "x-default": "https://example.org/a/"}


def test_chinese_heading_without_id_gets_a_readable_id():
    # the site's own Markdown settings (mkdocs.yml), not a library default: position-based
    # ids such as _1 would change whenever a heading is added above
    import markdown

    config = load_config(str(ROOT / "mkdocs.yml"))
    out = markdown.markdown("## 没有编号的标题\n\n## 个人防护用品 (PPE)", extensions=config.markdown_extensions,
                            extension_configs=config.mdx_configs)
    assert 'id="没有编号的标题"' in out and 'id="个人防护用品-ppe"' in out


def test_broken_link_in_chinese_page_fails_and_names_the_real_file(tmp_path):
    zh = {**ZH, "a.md": "# 页面A\n\n见[不存在的页面](missing.md)和[锚点](index.md#no-such-anchor)。\n"}
    site, result = build_fixture_site(tmp_path, EN, zh, NAV)
    assert result.returncode != 0
    assert "docs_zh/a.md" in result.stderr
    assert "'zh/a.md'" not in result.stderr
    assert "missing.md" in result.stderr and "no-such-anchor" in result.stderr


def test_terminal_is_free_of_noise(fixture_site, tmp_path):
    # a new process, as editors run it: jieba prints to the terminal, not through logging
    config = write_fixture_site(tmp_path, EN, ZH, NAV)
    result = run_mkdocs_command(config, config.parent / "site")
    assert result.returncode == 0, result.stderr
    for noise in ("Building prefix dict", "Loading model cost", "Prefix dict has been built",
                  "MkDocs 2.0", "not compatible with theme.features"):
        assert noise not in result.stderr, noise


# --- the real site -----------------------------------------------------------

EXTERNAL = re.compile(r"^(https?:)?//", re.I)


def resource_references(site: Path):
    """Every resource a browser would load from the built pages and stylesheets."""
    for page in site.rglob("*.html"):
        doc = html(page)
        for node in doc.css("script[src], img[src], source[src], iframe[src], video[src], audio[src]"):
            yield page, node.attributes["src"]
        for node in doc.css("link[href]"):
            if node.attributes.get("rel") in ("stylesheet", "icon", "preload", "modulepreload", "manifest", "preconnect", "dns-prefetch"):
                yield page, node.attributes["href"]
        for node in doc.css("[srcset]"):
            for candidate in node.attributes["srcset"].split(","):
                yield page, candidate.strip().split(" ")[0]
        for node in doc.css("style"):
            for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", node.text()):
                yield page, url
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css.read_text(encoding="utf-8", errors="replace")):
            if not url.startswith("data:"):
                yield css, url
        for url in re.findall(r"@import\s+['\"]([^'\"]+)", css.read_text(encoding="utf-8", errors="replace")):
            yield css, url


def test_real_site_references_no_outside_host(real_site):
    outside = [(str(p.relative_to(real_site)), u) for p, u in resource_references(real_site) if EXTERNAL.match(u)]
    assert outside == []
    for page in real_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page


def test_every_figure_of_the_real_site_gives_its_size(real_site):
    """A figure without width and height takes no space until its file arrives, then pushes
    the text below it down (and a slide in the present view past it)."""
    figures, unsized = 0, []
    for page in real_site.rglob("*.html"):
        for img in html(page).css("article img"):
            if "/assets/images/" not in (img.attributes.get("src") or ""):
                continue
            figures += 1
            if not (img.attributes.get("width") and img.attributes.get("height")):
                unsized.append((str(page.relative_to(real_site)), img.attributes.get("src")))
    assert figures >= 20 and unsized == []


def test_real_site_has_every_page_in_both_languages(real_site):
    for source in (ROOT / "docs").rglob("*.md"):
        rel = source.relative_to(ROOT / "docs").with_suffix("")
        out = Path(*rel.parts[:-1]) if rel.name == "index" else rel
        assert (real_site / out / "index.html").exists(), out
        assert (real_site / "zh" / out / "index.html").exists(), out


def test_real_site_chinese_search_keeps_domain_terms_whole(real_site):
    zh = json.loads((real_site / "zh/search/search_index.json").read_text(encoding="utf-8"))
    text = "\n".join(d["text"] for d in zh["docs"])
    for term in ("手卫生", "针刺伤", "职业暴露"):
        assert f"\u200b{term}\u200b" in text, term


# --- translation status (shared with scripts/check_parity.py) -------------------

def test_outdated_banner_only_on_outdated_chinese_page(tmp_path):
    en = {**EN, "c.md": "# Page C\n\nThe English text changed after translation.\n"}
    stale = '---\ntranslated_from: "000000000000"\n---\n# 页面C\n\n旧的译文。\n'
    zh = {**ZH, "c.md": stale,
          "about.md": "# 翻译进度\n\n<!-- translation-status -->\n"}
    en["about.md"] = "# Translation status\n\n<!-- translation-status -->\n"
    site, result = build_fixture_site(tmp_path, en, zh, NAV + "  - c.md\n  - about.md\n")
    assert result.returncode == 0, result.stderr
    banner = html(site / "zh/c/index.html").css_first('[data-hw-notice="outdated"]')
    assert banner is not None and "过时" in banner.text()
    assert urljoin("https://example.org/zh/c/", banner.css_first("a").attributes["href"]) == "https://example.org/c/"
    for page in ("zh/a/index.html", "c/index.html", "a/index.html"):
        assert html(site / page).css_first('[data-hw-notice="outdated"]') is None, page
    # the status page lists every page with the checker's status, in each language
    rows = {tr.css("td")[0].text(): tr.css("td")[1].text() for tr in html(site / "zh/about/index.html").css("table")[1].css("tbody tr")}
    assert rows["a.md"] == "已翻译" and rows["c.md"] == "译文过时" and rows["b.md"] == "尚未翻译"
    rows = {tr.css("td")[0].text(): tr.css("td")[1].text() for tr in html(site / "about/index.html").css("table")[1].css("tbody tr")}
    assert rows["c.md"] == "Outdated" and rows["b.md"] == "Not yet translated"


def test_own_scripts_and_styles_are_served_minified_and_vendored_files_untouched(real_site):
    assets = ROOT / "overrides" / "assets"
    for rel in ("javascripts/trainer-tools.js", "javascripts/site.js", "javascripts/hw-offline.js",
                "stylesheets/site.css", "stylesheets/print.css"):
        source = (assets / rel).read_text(encoding="utf-8")
        built = (real_site / "assets" / rel).read_text(encoding="utf-8")
        assert source.lstrip().startswith("/*") and not built.startswith("/*"), rel  # comments gone
        assert len(built) < 0.8 * len(source), rel
    # still the same program: the strings the pages rely on survive
    assert "hw-copylink" in (real_site / "assets/javascripts/trainer-tools.js").read_text(encoding="utf-8")
    assert "--hw-link-icon" in (real_site / "assets/stylesheets/site.css").read_text(encoding="utf-8")
    vendored = "javascripts/iframe-worker-1.0.4.js"
    assert (real_site / "assets" / vendored).read_bytes() == (assets / vendored).read_bytes()


def test_pages_load_one_render_blocking_stylesheet_of_ours_and_print_styles_wait(real_site):
    doc = LexborHTMLParser((real_site / "modules/03-biological-hazards/index.html").read_text(encoding="utf-8"))
    sheets = [(link.attributes["href"], link.attributes.get("media")) for link in doc.css('link[rel="stylesheet"]')]
    blocking = [href for href, media in sheets if media in (None, "", "all", "screen")]
    assert [h.rsplit("/", 1)[-1] for h in blocking if "main." not in h] == ["site.css"]
    assert [media for href, media in sheets if href.endswith("print.css")] == ["print"]
    # headings carry their controls from the server: no title attributes for Material to turn into tooltips
    assert doc.css("h2 .hw-copylink") and not doc.css(".md-content h1 [title], .md-content h2 [title], .md-content h3 [title]")


def test_section_toggles_get_the_section_title_as_a_hidden_name():
    from hwsite import html_fixes

    section = ('<a href="../modules/" class="md-nav__link">\n  <span class="md-ellipsis">\n    Modules\n  </span>\n</a>\n'
               '<label class="md-nav__link " for="__nav_2" id="__nav_2_label" tabindex="0">')
    plain = '<label class="md-nav__link" for="__nav_3" id="__nav_3_label" tabindex="0">'
    link_then_text = ('<a href="x/" class="md-nav__link"><span class="md-ellipsis">X</span></a> text '
                      '<label class="md-nav__link" for="__nav_4" id="__nav_4_label">')
    out = html_fixes.name_section_toggles(section + "<p>between</p>" + plain + link_then_text)
    assert out == (section + '<span class="md-visually-hidden">Modules</span><p>between</p>' + plain + link_then_text)
    page = "<html>" + section + "<main>" + section.replace("Modules", "指南").replace("__nav_2", "__nav_5") + "</main>"
    assert html_fixes.name_section_toggles(page).count('md-visually-hidden">') == 2
    assert '<span class="md-visually-hidden">指南</span>' in html_fixes.name_section_toggles(page)


# --- a third language is configuration and content ------------------------------

THIRD_LANGUAGE = """\
site_name: Fixture
site_url: https://example.org/
docs_dir: docs
theme:
  name: material
  custom_dir: {root}/overrides
  font: false
plugins:
  - search:
      lang: [en, fr]
  - i18n:
      docs_structure: folder
      fallback_to_default: true
      reconfigure_material: true
      reconfigure_search: false
      languages:
        - {{locale: en, default: true, name: English, build: true}}
        - {{locale: fr, name: Français, build: true, site_name: Fixture FR}}
  - hwsite:
      strings_dirs: [{root}/overrides/strings, strings]
      glossary: {root}/scripts/data/glossary.yml
      sources: {root}/scripts/data/sources.yml
      parity_config: {root}/scripts/data/parity.yml
      languages:
        fr: {{source_dir: docs_fr, html_lang: fr-FR}}
markdown_extensions: [attr_list, toc]
nav:
  - index.md
  - a.md
  - status.md
"""

FRENCH_STRINGS = """\
fallback.title: "Pas encore traduit"
fallback.text: "Cette page n'existe pas encore en français ; voici le texte anglais."
original.link: "Lire la page en anglais"
notfound.title: "Page introuvable"
search.label: "Rechercher sur ce site"
status.summary: "{translated} pages traduites sur {total} ; {outdated} périmées ; {missing} pas encore traduites."
status.missing: "Pas encore traduite"
status.translated: "Traduite"
"""


def test_a_third_language_needs_only_configuration_and_content(tmp_path):
    project = tmp_path / "project"
    pages = {"docs/index.md": "---\ntitle: Home\n---\n# Home\n\nHello.\n",
             "docs/a.md": "---\ntitle: Page A\n---\n# Page A\n\nOnly in English.\n",
             "docs/status.md": "# Status\n\n<!-- translation-status -->\n",
             "strings/fr.yml": FRENCH_STRINGS}
    stamp = parity.english_version(pages["docs/index.md"])
    pages["docs_fr/index.md"] = f"---\ntitle: Accueil\ntranslated_from: {stamp}\n---\n# Accueil\n\nBonjour.\n"
    for rel, text in pages.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(THIRD_LANGUAGE.format(root=ROOT), encoding="utf-8")
    site = project / "site"
    result = run_mkdocs_build(config, site)
    assert result.returncode == 0, result.stderr

    home = html(site / "fr/index.html")
    assert home.css_first("html").attributes["lang"] == "fr-FR"
    alternates = {a.attributes["hreflang"]: a.attributes["href"] for a in home.css('link[rel="alternate"][hreflang]')}
    assert alternates == {"en": "https://example.org/", "fr-FR": "https://example.org/fr/",
                          "x-default": "https://example.org/"}
    assert home.css_first(".md-search").attributes["aria-label"] == "Rechercher sur ce site"

    # the untranslated page: the English text at /fr/a/, with the notice in French
    fallback = html(site / "fr/a/index.html")
    notice = fallback.css_first('[data-hw-notice="fallback"]')
    assert notice.attributes["lang"] == "fr-FR"
    assert notice.css_first(".admonition-title").text() == "Pas encore traduit"
    assert "Only in English." in fallback.css_first("article").text()

    # its own search index, sitemap and 404 page
    index = json.loads((site / "fr/search/search_index.json").read_text(encoding="utf-8"))
    assert {doc["location"].split("#")[0] for doc in index["docs"]} == {"", "a/", "status/"}
    english = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not any(doc["location"].startswith("fr/") for doc in english["docs"])
    sitemap = (site / "fr/sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/fr/</loc>" in sitemap and "<loc>https://example.org/</loc>" not in sitemap
    assert 'hreflang="fr-FR"' in sitemap
    assert "Sitemap: https://example.org/fr/sitemap.xml" in (site / "robots.txt").read_text(encoding="utf-8")
    assert html(site / "fr/404.html").css_first("h1").text() == "Page introuvable"
    assert html(site / "404.html").css_first("h1").text() == "Page not found"
    assert 'var folders = ["fr/"]' in (site / "404.html").read_text(encoding="utf-8")

    # translation status, in French, of the French pages
    status = html(site / "fr/status/index.html")
    assert "1 pages traduites sur 3" in status.css_first("article").text()
    rows = {tr.css("td")[0].text(): tr.css("td")[1].text() for tr in status.css("table")[1].css("tbody tr")}
    assert rows == {"a.md": "Pas encore traduite", "index.md": "Traduite", "status.md": "Pas encore traduite"}


def test_previewing_one_language_builds_only_that_language(tmp_path):
    """`make serve LANG=zh`: the Chinese pages (with their English fallbacks) are built,
    the English pass reads only its home page; `mkdocs build` ignores the option."""
    config_path = write_fixture_site(tmp_path, EN, ZH, NAV)
    text = config_path.read_text(encoding="utf-8").replace("  - hwsite:\n", "  - hwsite:\n      preview_language: zh\n", 1)
    config_path.write_text(text, encoding="utf-8")
    site = tmp_path / "preview"
    config = load_config(str(config_path), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config)
    finally:
        config.plugins.on_shutdown()
    built = {p.relative_to(site).as_posix() for p in site.rglob("index.html")}
    assert "zh/index.html" in built and "zh/a/index.html" in built and "zh/b/index.html" in built
    assert "index.html" in built and "a/index.html" not in built and "b/index.html" not in built

    full, result = tmp_path / "full", run_mkdocs_build(config_path, tmp_path / "full")
    assert result.returncode == 0, result.stderr
    assert (full / "a/index.html").is_file() and (full / "zh/a/index.html").is_file()
