"""Offline reading: the installable web app (manifests, service worker, offline pages,
"Save for offline"), the downloadable offline edition opened from file://, and the
reading time and review date under the titles of modules and fact sheets."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import re
import shutil
import struct
import threading
import zipfile
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, GitHubPagesHandler, goto_settled, run_mkdocs_build, serve_directory, open_page
from hwsite import offline, reading

MODULE = "modules/03-biological-hazards/"
BUILD_ID = re.compile(r'^const BUILD_ID = "([0-9a-f]{16})";$', re.M)


def html(path: Path) -> LexborHTMLParser:
    return LexborHTMLParser(path.read_text(encoding="utf-8"))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


# --- build id, shell, service worker and manifest (pure functions) -----------


def tiny_site(root: Path) -> Path:
    files = {
        "index.html": "<h1>Home</h1>",
        "zh/index.html": "<h1>首页</h1>",
        "offline/index.html": "offline", "zh/offline/index.html": "离线",
        "manifest.webmanifest": "{}", "zh/manifest.webmanifest": "{}",
        "sitemap.xml": "<lastmod>2026-11-22</lastmod>", "zh/sitemap.xml": "<lastmod>2026-11-22</lastmod>",
        "assets/stylesheets/main.0123abcd.min.css": "a{}", "assets/stylesheets/site.css": "b{}",
        "assets/stylesheets/main.0123abcd.min.css.map": "{}",
        "assets/javascripts/bundle.89abcdef.min.js": "1", "assets/javascripts/site.js": "2",
        "assets/javascripts/iframe-worker-1.0.4.js": "shim",
        "assets/javascripts/workers/search.01234567.min.js": "w",
        "assets/javascripts/lunr/min/lunr.stemmer.support.min.js": "s",
        "assets/javascripts/lunr/min/lunr.zh.min.js": "z", "assets/javascripts/lunr/min/lunr.ja.min.js": "j",
        "assets/javascripts/lunr/min/lunr.multi.min.js": "m", "assets/javascripts/lunr/tinyseg.js": "t",
        "assets/images/logo.svg": "<svg/>", "assets/images/icon-192.png": "png",
        "assets/images/modules/03-flow.svg": "<svg/>",
        "modules/a/index.html": "<h1>A</h1>",
        "sw.js": "old worker",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_build_id_is_stable_and_changes_with_any_built_file(tmp_path):
    site = tiny_site(tmp_path / "site")
    first = offline.build_id(site)
    assert re.fullmatch(r"[0-9a-f]{16}", first)
    assert offline.build_id(site) == first
    # neither sw.js itself nor the sitemaps' build dates make a new version
    (site / "sw.js").write_text("new worker", encoding="utf-8")
    (site / "zh/sitemap.xml").write_text("<lastmod>2026-11-23</lastmod>", encoding="utf-8")
    assert offline.build_id(site) == first
    # an asset that changes does
    (site / "assets/stylesheets/site.css").write_text("b{color:red}", encoding="utf-8")
    second = offline.build_id(site)
    assert second != first
    # and so does a renamed (re-hashed) one
    (site / "assets/javascripts/bundle.89abcdef.min.js").rename(site / "assets/javascripts/bundle.11111111.min.js")
    assert offline.build_id(site) not in (first, second)


def test_shell_has_theme_files_pages_and_the_lunr_files_search_needs(tmp_path):
    site = tiny_site(tmp_path / "site")
    shell = offline.shell_urls(site, ["", "zh"], ["en", "zh"])
    assert shell[:8] == ["./", "offline/", "manifest.webmanifest", "sitemap.xml",
                         "zh/", "zh/offline/", "zh/manifest.webmanifest", "zh/sitemap.xml"]
    assert set(shell[8:]) == {
        "assets/stylesheets/main.0123abcd.min.css", "assets/stylesheets/site.css",
        "assets/javascripts/bundle.89abcdef.min.js", "assets/javascripts/site.js",
        "assets/javascripts/workers/search.01234567.min.js",
        "assets/javascripts/lunr/min/lunr.stemmer.support.min.js", "assets/javascripts/lunr/min/lunr.zh.min.js",
        "assets/javascripts/lunr/min/lunr.multi.min.js",
        "assets/images/logo.svg", "assets/images/icon-192.png",
    }  # no source maps, no file:// shim, no other languages' lunr files, no content images


def test_service_worker_source_gets_build_id_and_shell():
    source = (ROOT / "overrides" / "sw.js").read_text(encoding="utf-8")
    text = offline.render_service_worker(source, "0123456789abcdef", ["./", "zh/offline/"])
    assert BUILD_ID.search(text).group(1) == "0123456789abcdef"
    assert '  "./",\n  "zh/offline/",\n]' in text
    assert offline.BUILD_ID_MARKER not in text and offline.PRECACHE_MARKER not in text
    with pytest.raises(ValueError):
        offline.render_service_worker("const BUILD_ID = 1;", "x", [])


def test_manifest_urls_are_relative_to_the_manifest():
    zh = offline.web_manifest(lang="zh-Hans", name="名称", short_name="短名", description="说明",
                              depth=1, theme_color="#00695c")
    assert zh["start_url"] == "./" and zh["scope"] == "../"
    assert {i["src"] for i in zh["icons"]} == {"../" + src for src, _, _ in offline.ICONS}
    en = offline.web_manifest(lang="en", name="N", short_name="S", description="D", depth=0, theme_color="#000")
    assert en["scope"] == "./" and en["icons"][0]["src"] == offline.ICONS[0][0]


# --- reading time and review dates --------------------------------------------


def test_reading_time_counts_english_words_and_chinese_characters():
    assert reading.reading_minutes("<p>" + "word " * 400 + "</p>") == 2
    assert reading.reading_minutes("<p>" + "word " * 401 + "</p>") == 3
    assert reading.reading_minutes("<p>" + "职业安全" * 150 + "</p>") == 2  # 600 characters
    assert reading.reading_minutes("<p>" + "职" * 300 + " PPE " * 200 + "</p>") == 2  # 1 + 1 minute
    assert reading.reading_minutes("<p>short</p>") == 1
    # permalinks and scripts are not read
    assert reading.count_text(reading.visible_text(
        '<h2 id="x">Hand hygiene<a class="headerlink" href="#x">¶</a></h2><script>var a = 1;</script>')) == (0, 2)
    assert reading.count_text("医务人员 use PPE, well-fitting gloves") == (4, 4)


def test_review_dates_in_both_languages():
    strings = {lang: yaml.safe_load((ROOT / "overrides/strings" / f"{lang}.yml").read_text(encoding="utf-8"))
               for lang in ("en", "zh")}
    assert reading.format_date(dt.date(2026, 11, 2), strings["en"]["date.format"], strings["en"]["date.months"]) == "2 November 2026"
    assert reading.format_date(dt.date(2026, 11, 2), strings["zh"]["date.format"], strings["zh"]["date.months"]) == "2026年11月2日"
    assert reading.parse_review_date("2026-11-22") == dt.date(2026, 11, 22)
    assert reading.parse_review_date(dt.datetime(2026, 11, 22, 8, 0)) == dt.date(2026, 11, 22)
    for bad in ("22/11/2026", "", 2026, None):
        with pytest.raises(ValueError):
            reading.parse_review_date(bad)


# --- icons and the zip of the offline edition -----------------------------------


def test_icons_are_pngs_of_their_size_and_maskable_ones_fill_the_square():
    import make_icons

    images = ROOT / "overrides" / "assets" / "images"
    for name, (size, _) in make_icons.ICONS.items():
        assert png_size(images / name) == (size, size), name
    tiny = make_icons.draw_icon(48, maskable=True)
    assert all(px[3] == 255 for row in tiny for px in row)  # no transparent corner to be cut
    rounded = make_icons.draw_icon(48, maskable=False)
    assert rounded[0][0][3] == 0 and rounded[24][24][3] == 255
    assert rounded[24][24][:3] == make_icons.TEAL  # the cross is cut out of the white shield


def test_zip_site_packs_one_folder_reproducibly(tmp_path):
    import zip_site

    site = tiny_site(tmp_path / "site")
    first, second = tmp_path / "a" / "edition.zip", tmp_path / "b" / "edition.zip"
    assert zip_site.main([str(site), str(first)]) == 0
    assert zip_site.main([str(site), str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert "edition/index.html" in names and "edition/zh/offline/index.html" in names
    assert all(n.startswith("edition/") for n in names)
    assert zip_site.main([str(tmp_path / "missing"), str(first)]) == 2
    assert zip_site.main([str(site), str(first), "--exclude", "*.map"]) == 0
    assert not any(n.endswith(".map") for n in zipfile.ZipFile(first).namelist())


# --- the real site's outputs ------------------------------------------------------


def test_each_language_has_its_manifest_and_pages_link_it(real_site):
    en = json.loads((real_site / "manifest.webmanifest").read_text(encoding="utf-8"))
    zh = json.loads((real_site / "zh/manifest.webmanifest").read_text(encoding="utf-8"))
    assert (en["lang"], en["name"], en["short_name"]) == ("en", "HealthWISE OSH", "HealthWISE")
    assert zh["lang"] == "zh-Hans" and "卫生" in zh["name"] and len(zh["short_name"]) <= 12
    base = "https://example.org/"
    for manifest, at, start in ((en, "manifest.webmanifest", "/"), (zh, "zh/manifest.webmanifest", "/zh/")):
        assert {"name", "short_name", "start_url", "scope", "display", "icons", "theme_color"} <= manifest.keys()
        url = urljoin(base, at)
        assert urlparse(urljoin(url, manifest["start_url"])).path == start
        assert start.startswith(urlparse(urljoin(url, manifest["scope"])).path)  # start_url inside scope
        purposes = set()
        for icon in manifest["icons"]:
            path = real_site / urlparse(urljoin(url, icon["src"])).path.lstrip("/")
            width, height = png_size(path)
            assert icon["sizes"] == f"{width}x{height}"
            purposes.add(icon["purpose"])
        assert {"any", "maskable"} <= purposes
        assert {"192x192", "512x512"} <= {i["sizes"] for i in manifest["icons"]}
    for page, expected in (("", "/manifest.webmanifest"), (MODULE, "/manifest.webmanifest"),
                           ("zh/", "/zh/manifest.webmanifest"), ("zh/" + MODULE, "/zh/manifest.webmanifest")):
        link = html(real_site / page / "index.html").css_first('link[rel="manifest"]')
        assert urlparse(urljoin(base + page, link.attributes["href"])).path == expected, page


def test_sw_js_carries_the_build_id_of_the_built_site(real_site):
    text = (real_site / "sw.js").read_text(encoding="utf-8")
    assert BUILD_ID.search(text).group(1) == offline.build_id(real_site)
    shell = json.loads(re.search(r"^const PRECACHE = (\[.*?\]);$", text, re.S | re.M).group(1).replace(",\n]", "\n]"))
    for url in shell:
        assert (real_site / url).is_file() or (real_site / url / "index.html").is_file(), url
    assert {"./", "zh/", "offline/", "zh/offline/"} <= set(shell)
    # the page scripts and styles the built pages use are all in the shell
    doc = html(real_site / "zh" / MODULE / "index.html")
    used = [n.attributes["src"] for n in doc.css("script[src]")] + \
           [n.attributes["href"] for n in doc.css('link[rel="stylesheet"]')]
    for ref in used:
        path = urlparse(urljoin("https://example.org/zh/" + MODULE, ref)).path.lstrip("/")
        if (real_site / path).is_file():
            assert path in shell, path


def test_offline_pages_in_both_languages(real_site):
    for lang, title, html_lang in (("", "You are offline", "en"), ("zh/", "你目前处于离线状态", "zh-Hans")):
        doc = html(real_site / lang / "offline" / "index.html")
        assert doc.css_first("h1").text().strip() == title
        assert doc.css_first("html").attributes["lang"] == html_lang
        # shown at any address: root-absolute links, Material's base at the language root
        hrefs = [a.attributes["href"] for a in doc.css(".md-content a")]
        assert hrefs == [f"/{lang}", f"/{lang}modules/"]
        assert f'"base": "/{lang}"' in doc.css_first("#__config").text()
    assert not (real_site / "offline.html").exists()


@pytest.mark.parametrize("path", [MODULE, "zh/" + MODULE, "fact-sheets/safety-in-figures/",
                                  "zh/fact-sheets/safety-in-figures/"])
def test_reading_time_and_review_date_under_the_title(real_site, path):
    doc = html(real_site / path / "index.html")
    h1 = doc.css_first(".md-content h1")
    meta = h1.next
    while meta is not None and meta.tag == "-text":
        meta = meta.next
    assert meta is not None and "hw-page-meta" in meta.attributes.get("class", "")
    text = meta.css_first(".hw-page-meta__line").text()
    source = (ROOT / ("docs_zh" if path.startswith("zh/") else "docs") / (path.removeprefix("zh/").rstrip("/") + ".md"))
    front = yaml.safe_load(source.read_text(encoding="utf-8").split("---")[1])
    reviewed = reading.parse_review_date(front["last_reviewed"])
    assert meta.css_first("time").attributes["datetime"] == reviewed.isoformat()
    if path.startswith("zh/"):
        assert f"最后审核：{reviewed.year}年{reviewed.month}月{reviewed.day}日" in text
        assert re.search(r"阅读约需\d+分钟", text)
    else:
        assert f"Last reviewed {reviewed.day} {reviewed:%B} {reviewed.year}" in text
        assert re.search(r"\b\d+ min read", text)
    save = meta.css_first("[data-hw-save]")
    assert (save is not None) == path.endswith(MODULE)


def test_reading_time_only_on_modules_and_fact_sheets(real_site):
    for path in ("", "modules/", "fact-sheets/", "glossary/", "zh/modules/"):
        assert html(real_site / path / "index.html").css_first(".hw-page-meta") is None, path
    index = json.loads((real_site / "search/search_index.json").read_text(encoding="utf-8"))
    assert not any("min read" in doc["text"] for doc in index["docs"])


# --- the service worker in Chromium -------------------------------------------------


class SameOriginSitemaps(GitHubPagesHandler):
    """Serves the sitemaps with this server's own origin in their <loc>s, as the
    production host does: Material's instant navigation only follows links listed there
    (and compares host names without the port)."""

    production = ""

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if self.path.split("?")[0].endswith("/sitemap.xml") and path.is_file():
            own = f"http://{self.headers['Host']}/"
            body = path.read_text(encoding="utf-8").replace(self.production, own).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@pytest.fixture(scope="module")
def local_url(real_site):
    """The real site, served so that instant navigation is on."""
    canonical = html(real_site / "index.html").css_first('link[rel="canonical"]').attributes["href"]
    handler = type("Handler", (SameOriginSitemaps,), {"production": canonical})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(real_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def wait_until_kept(page):
    """The first page of a visit is stored once the service worker runs."""
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20000)
    page.locator("html[data-hw-kept]").wait_for(state="attached", timeout=20000)


def context_requests(context):
    seen = []
    context.on("request", lambda request: seen.append(request.url))
    return seen


def off_origin(urls, site_url):
    origin = urlparse(site_url).netloc
    return [u for u in urls if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != origin]


def test_visited_module_reloads_without_a_connection(phone, site_url):
    requests = context_requests(phone)
    page = open_page(phone, site_url + MODULE)
    wait_until_kept(page)
    phone.set_offline(True)
    page.reload()
    assert page.locator("h1").first.inner_text().startswith("Module 3")
    assert page.evaluate("[...document.querySelectorAll('.md-content img[src*=\"sharps\"]')].every(i => i.naturalWidth > 0)")
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") != "static"  # CSS came too
    assert off_origin(requests, site_url) == []


@pytest.mark.parametrize("lang, title", [("", "You are offline"), ("zh/", "你目前处于离线状态")])
def test_never_visited_page_shows_the_offline_message_in_its_language(phone, local_url, lang, title):
    page = open_page(phone, local_url + lang + MODULE)
    wait_until_kept(page)
    phone.set_offline(True)
    # a page load
    other = phone.new_page()
    other.goto(local_url + lang + "modules/07-working-time/")
    assert other.locator("h1").first.inner_text() == title
    assert other.locator("html").get_attribute("lang") == ("zh-Hans" if lang else "en")
    # its language switcher leads to the same page in the other language
    switch = other.locator('a.md-select__link[hreflang="%s"]' % ("en" if lang else "zh"))
    assert urlparse(switch.get_attribute("href")).path == ("/" if lang else "/zh/") + "modules/07-working-time/"
    # Material's instant navigation (a fetch, same document) gets the same answer
    page.evaluate("window.__sameDocument = true")
    page.locator("a.md-footer__link--next").first.click()
    page.locator("h1").filter(has_text=title).wait_for(timeout=10000)
    assert page.evaluate("window.__sameDocument === true")


def test_saved_module_opens_and_searches_offline(phone, site_url):
    page = open_page(phone, site_url + "zh/" + MODULE)
    save = page.locator("[data-hw-save]")
    save.wait_for()
    assert save.locator("button").inner_text() == "保存以便离线阅读"
    assert not any("search_index" in u for u in page.hw_requests)  # saving is what fetches it
    save.locator("button").click()
    page.locator('[data-hw-save][data-hw-state="saved"]').wait_for(timeout=20000)
    assert save.locator('[role="status"]').inner_text().startswith("已保存")
    phone.set_offline(True)
    reader = phone.new_page()
    reader.goto(site_url + "zh/" + MODULE)
    assert reader.locator("h1").first.inner_text().startswith("模块3")
    assert reader.evaluate("[...document.querySelectorAll('.md-content img[src*=\"sharps\"]')].every(i => i.naturalWidth > 0)")
    reader.locator('[data-hw-save] [role="status"]').filter(has_text="已保存").wait_for(timeout=10000)
    reader.locator('label.md-header__button[for="__search"]').first.click()
    reader.locator(".md-search__input").fill("针刺伤")
    reader.locator(".md-search__input").press("End")  # Material reads the query on keyup
    reader.locator(".md-search-result__item").first.wait_for(timeout=15000)
    hrefs = [a.get_attribute("href") for a in reader.locator(".md-search-result__item > a").all()]
    assert hrefs and all(urlparse(h).path.startswith("/zh/") for h in hrefs)


def test_service_worker_keeps_instant_navigation_and_the_deferred_index(phone, local_url):
    site_url = local_url
    page = open_page(phone, site_url + "zh/modules/")
    wait_until_kept(page)
    goto_settled(page)  # now every request goes through the worker
    page.hw_requests.clear()
    page.evaluate("window.__sameDocument = true")
    page.locator('.md-content a[href$="07-working-time/"]').first.click()
    page.wait_for_url(site_url + "zh/modules/07-working-time/")
    page.locator("h1").filter(has_text="模块7").wait_for()
    assert page.evaluate("window.__sameDocument === true")  # no full page load
    assert not any("search_index" in u for u in page.hw_requests)
    page.locator('label.md-header__button[for="__search"]').first.click()
    page.locator(".md-search__input").fill("手卫生")
    page.locator(".md-search__input").press("End")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert [urlparse(u).path for u in page.hw_requests if "search_index" in u] == ["/zh/search/search_index.json"]


@pytest.mark.parametrize("path", ["offline/", "zh/offline/"])
def test_axe_reports_no_violations_on_the_offline_pages(phone, site_url, path):
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(phone, site_url + path)
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in Axe().run(page).response["violations"]]
    assert violations == []


# --- a new deploy -----------------------------------------------------------------


@pytest.fixture
def deployed(tmp_path, real_site):
    served = tmp_path / "served"
    shutil.copytree(real_site, served)
    server = serve_directory(served)
    yield served, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def cache_names(page):
    return page.evaluate("caches.keys()")


def test_a_new_deploy_replaces_the_cache_cleanly(phone, deployed, tmp_path):
    served, url = deployed
    old_id = BUILD_ID.search((served / "sw.js").read_text(encoding="utf-8")).group(1)
    page = open_page(phone, url + MODULE)
    wait_until_kept(page)
    assert cache_names(page) == [f"hw-osh-{old_id}"]

    # rebuild the project, with one stylesheet changed, into the directory being served
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "site", "site-offline", "dist", ".cache", ".pytest_cache", ".hypothesis",
        "__pycache__", "bench", "node_modules"))
    css = project / "overrides/assets/stylesheets/site.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.hw-deploy-2 { color: #000; }\n", encoding="utf-8")
    result = run_mkdocs_build(project / "mkdocs.yml", served)
    assert result.returncode == 0, result.stderr[-3000:]
    new_id = BUILD_ID.search((served / "sw.js").read_text(encoding="utf-8")).group(1)
    assert new_id != old_id

    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    page.wait_for_function(f"caches.keys().then(k => k.length === 1 && k[0] === 'hw-osh-{new_id}')", timeout=30000)
    notice = page.locator(".hw-update")
    notice.wait_for(timeout=10000)
    assert notice.inner_text().startswith("A new version of this site is available.")
    from axe_playwright_python.sync_playwright import Axe

    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in Axe().run(page).response["violations"]] == []

    # offline, the page a reader had opened comes from the new cache, with the new files
    phone.set_offline(True)
    with page.expect_navigation():
        notice.locator("button").click()
    assert page.locator("h1").first.inner_text().startswith("Module 3")
    assert "deploy-2" in page.evaluate("fetch('../../assets/stylesheets/site.css').then(r => r.text())")
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")


# --- the offline edition from file:// ------------------------------------------------


def test_offline_edition_has_no_service_worker_and_no_outside_script(offline_edition):
    assert not (offline_edition / "sw.js").exists()
    assert not (offline_edition / "manifest.webmanifest").exists()
    assert not (offline_edition / "offline").exists()
    for lang in ("", "zh/"):
        assert (offline_edition / lang / "search/search_index.js").is_file()
    page = (offline_edition / "zh/modules/03-biological-hazards.html").read_text(encoding="utf-8")
    assert "unpkg.com" not in page and "iframe-worker-1.0.4.js" in page
    assert "hw-offline.js" not in page and 'rel="manifest"' not in page and "data-hw-save" not in page
    assert "最后审核" in page
    en = json.loads((offline_edition / "search/search_index.json").read_text(encoding="utf-8"))
    zh = (offline_edition / "zh/search/search_index.js").read_text(encoding="utf-8")
    assert not any(doc["location"].startswith("zh/") for doc in en["docs"])
    assert zh.startswith("var __index = ") and '"location":"modules/03-biological-hazards.html' in zh


@pytest.mark.parametrize("start, query, chinese", [
    ("zh/index.html", "手卫生", True),
    ("modules/03-biological-hazards.html", "needlestick", False),
])
def test_offline_edition_searches_from_file_urls(phone, offline_edition, start, query, chinese):
    requests = context_requests(phone)
    page = phone.new_page()
    page.goto(offline_edition.joinpath(start).as_uri())
    page.locator('label.md-header__button[for="__search"]').first.click()
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function("!/Initializing|初始化/.test(document.querySelector('.md-search-result__meta').textContent)",
                           timeout=30000)
    box = page.locator(".md-search__input")
    box.fill(query)
    box.press("End")  # Material reads the query on keyup
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__item > a").all()]
    zh_root = offline_edition.as_uri() + "/zh/"
    assert hrefs and all(h.startswith(zh_root) == chinese for h in hrefs), hrefs[:3]  # the reader's language only
    assert any("/modules/03-biological-hazards.html" in h for h in hrefs)
    assert re.search(r"\d", meta.inner_text())
    assert page.locator(".md-search-result mark").count() >= 1
    page.goto(hrefs[0])
    assert page.locator("h1").first.is_visible()
    assert requests and [u for u in requests if not u.startswith(("file:", "data:"))] == []


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_offline_edition_pages_set_themselves_up(phone, offline_edition, lang):
    """From file:// every page runs the set-up that waits for Material's document$: Material's
    own (wide tables in scroll boxes), site.js's (those boxes reachable by keyboard, named) and
    the trainer tools' (the share button on a module). With instant navigation left on,
    Material completed document$ before the page loaded and none of it ran."""
    page = phone.new_page()
    page.goto(offline_edition.joinpath(lang + "fact-sheets/safety-in-figures.html").as_uri())
    tables = page.locator(".md-content table")
    assert tables.count() >= 1
    page.locator(".md-typeset__scrollwrap[role=region][tabindex='0']").first.wait_for(state="attached", timeout=10000)
    assert page.locator(".md-typeset__scrollwrap[role=region] table").count() == tables.count()
    page.goto(offline_edition.joinpath(lang + "modules/03-biological-hazards.html").as_uri())
    page.locator("[data-hw-share]").first.wait_for(state="visible", timeout=10000)
    page.close()
