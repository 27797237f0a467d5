"""Browser tests in Debian's headless Chromium at a 360 x 740 phone viewport, against
the real site served on 127.0.0.1 by a server that answers like GitHub Pages."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from conftest import goto_settled, open_page

MODULE = "modules/03-biological-hazards/"


def off_origin(page, site_url):
    origin = urlparse(site_url).netloc
    return [u for u in page.hw_requests if urlparse(u).scheme in ("http", "https") and urlparse(u).netloc != origin]


def switch_language(page, lang):
    page.locator(".md-header .md-select button").first.click()
    page.locator(f'.md-header a.md-select__link[hreflang="{lang}"]').first.click()


def test_language_switch_keeps_the_page(phone, site_url):
    page = open_page(phone, site_url + MODULE)
    switch_language(page, "zh")
    page.wait_for_url(site_url + "zh/" + MODULE)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert "模块3" in page.locator("h1").first.inner_text()
    switch_language(page, "en")
    page.wait_for_url(site_url + MODULE)
    assert page.locator("html").get_attribute("lang") == "en"


def test_language_switch_after_instant_navigation(phone, site_url):
    page = open_page(phone, site_url + "zh/modules/")
    page.locator('.md-content a[href$="07-working-time/"]').first.click()
    page.wait_for_url(site_url + "zh/modules/07-working-time/")
    switch_language(page, "en")
    page.wait_for_url(site_url + "modules/07-working-time/")
    assert "Module 7" in page.locator("h1").first.inner_text()


@pytest.mark.parametrize("lang, query, prefix", [("zh/", "手卫生", "zh/"), ("zh/", "针刺伤", "zh/"), ("", "needlestick", "")])
def test_search_finds_pages_in_the_readers_language(phone, site_url, lang, query, prefix):
    page = open_page(phone, site_url + lang)
    assert not any("search_index.json" in u for u in page.hw_requests), "index fetched before search was opened"
    # nor the search worker and its lunr files (request-guards.html starts it on first use)
    assert not any("/workers/search." in u or "/lunr/" in u for u in page.hw_requests), "search worker loaded early"
    page.locator('label.md-header__button[for="__search"]').first.click()
    page.locator(".md-search__input").fill(query)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15000)
    assert results.count() >= 1
    hrefs = [a.get_attribute("href") for a in page.locator(".md-search-result__item > a").all()]
    assert hrefs and all(urlparse(h).path.startswith("/" + prefix) for h in hrefs)
    if prefix == "zh/":
        assert all(urlparse(h).path.startswith("/zh/") for h in hrefs)
    indexes = [urlparse(u).path for u in page.hw_requests if "search_index.json" in u]
    assert indexes == [f"/{lang}search/search_index.json"]
    assert sum("/workers/search." in u for u in page.hw_requests) == 1
    assert off_origin(page, site_url) == []


@pytest.mark.parametrize("path", ["", "zh/", MODULE, "zh/" + MODULE, "zh/glossary/", "fact-sheets/safety-in-figures/",
                                  "zh/resources/international-labour-standards/"])
def test_phone_width_has_no_horizontal_scroll_and_no_outside_requests(phone, site_url, path):
    page = open_page(phone, site_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert off_origin(page, site_url) == []
    # tables scroll inside themselves and are reachable by keyboard
    for box in page.locator(".md-typeset__scrollwrap").all():
        assert box.get_attribute("tabindex") == "0"


@pytest.mark.parametrize("path", ["", "zh/" + MODULE])
def test_text_is_set_in_the_sites_font_stacks(phone, site_url, path):
    """site.css's stacks (the Chinese fonts of each system named), not Material's own, which
    it sets on body and which name no Chinese font."""
    page = open_page(phone, site_url + path)
    fonts = page.evaluate("""() => {
      const code = document.createElement("code");
      document.querySelector("article p").append(code);
      const family = el => getComputedStyle(el).fontFamily;
      return {text: family(document.querySelector("article p")), header: family(document.querySelector(".md-header__topic")),
              input: family(document.querySelector(".md-search__input")), code: family(code)};
    }""")
    for where in ("text", "header", "input"):
        assert fonts[where].startswith("system-ui,") and "Noto Sans CJK SC" in fonts[where], (where, fonts[where])
    assert fonts["code"].startswith("ui-monospace,") and "Noto Sans Mono CJK SC" in fonts["code"], fonts["code"]


@pytest.mark.parametrize("lang, width", [("", 360), ("zh/", 360), ("", 1280)])
def test_a_figure_has_its_place_before_its_file_arrives(browser, site_url, lang, width):
    """Every figure in the content gives its width and height, so the text below it (and a
    slide in the present view) does not move when the file arrives; it fills the column."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    held = []
    page.route("**/assets/images/modules/*.svg", lambda route: held.append(route))
    page.goto(site_url + lang + "modules/01-occupational-hazards/", wait_until="domcontentloaded")
    figure = page.locator("article img[src*='/assets/images/modules/']")
    page.wait_for_function("() => document.querySelector('article p') !== null")
    assert figure.count() == 1 and not figure.evaluate("img => img.complete")
    before = figure.bounding_box()
    column = page.locator("article").evaluate("n => n.getBoundingClientRect().width")
    assert before["width"] == pytest.approx(column, abs=1) and before["height"] > 0.9 * before["width"]
    for route in held:
        route.continue_()
    page.wait_for_function("() => document.querySelector(\"article img[src*='/assets/images/modules/']\").complete")
    after = figure.bounding_box()
    assert (after["width"], after["height"]) == pytest.approx((before["width"], before["height"]), abs=1)
    built = page.evaluate("""() => [...document.querySelectorAll("article img[src*='/assets/images/']")]
        .filter(img => !img.closest('.hw-share')).map(img => img.getAttribute('width') && img.getAttribute('height'))""")
    assert built and all(built)
    context.close()


def test_unknown_chinese_url_gets_the_chinese_404(phone, site_url):
    page = phone.new_page()
    response = goto_settled(page, site_url + "zh/no-such-page/")
    assert response.status == 404
    page.locator("h1").filter(has_text="页面未找到").wait_for(timeout=10000)
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page = phone.new_page()
    goto_settled(page, site_url + "no-such-page/")
    assert page.locator("h1").first.inner_text() == "Page not found"


AXE_PAGES = ["", MODULE, "fact-sheets/safety-in-figures/", "glossary/", "no-such-page/", "search"]


def axe_violations(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.mark.parametrize("width", [360, 1280], ids=["phone", "desktop"])
@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_reports_no_violations(browser, site_url, lang, path, width):
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        if path == "search":  # the search dialog open with results
            goto_settled(page, site_url + lang)
            page.locator('label.md-header__button[for="__search"]:visible, .md-search__input:visible').first.click()
            page.locator(".md-search__input").fill("手卫生" if lang else "hand hygiene")
            page.locator(".md-search__input").press("End")
            page.locator(".md-search-result__item").first.wait_for(timeout=15000)
        else:
            goto_settled(page, site_url + lang + path)
            if path == "no-such-page/" and lang:
                page.locator("h1").filter(has_text="页面未找到").wait_for(timeout=10000)
        assert axe_violations(page) == []
    finally:
        context.close()


def test_tap_targets_are_big_enough_on_a_phone(phone, site_url):
    page = open_page(phone, site_url + "zh/" + MODULE)
    page.locator('label.md-header__button[for="__drawer"]').first.click()
    page.wait_for_timeout(400)
    sizes = page.evaluate("""() => [...document.querySelectorAll(
        '.md-nav--primary .md-nav__link, .md-header__button, .hw-checklist a')]
      .filter(el => el.offsetParent !== null && el.getBoundingClientRect().width > 0)
      .map(el => [el.textContent.trim().slice(0, 20), Math.round(el.getBoundingClientRect().height)])""")
    assert sizes, "no tap targets found"
    small = [s for s in sizes if s[1] < 40]
    assert small == []


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_a_tapped_glossary_term_shows_its_definition_on_screen(phone, site_url, lang):
    page = open_page(phone, site_url + lang + MODULE)
    # nothing is set up per term at load (Material's content.tooltips would mount one each)
    assert page.locator(".md-tooltip2").count() == 0 and page.locator(".hw-term-tip").count() == 0
    term = page.locator(".md-content abbr[title]").nth(2)
    definition = term.get_attribute("title")
    term.scroll_into_view_if_needed()
    term.tap()
    tip = page.locator(".hw-term-tip")
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text() == definition
    box, width = tip.bounding_box(), page.evaluate("document.documentElement.clientWidth")
    term_box = term.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= width  # inside a 360 px screen
    assert term_box["y"] + term_box["height"] <= box["y"] <= term_box["y"] + term_box["height"] + 20  # under the term
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden", timeout=5000)
    # keyboard: the next term gets its own definition
    page.locator(".md-content abbr[title]").nth(3).focus()
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text() == page.locator(".md-content abbr[title]").nth(3).get_attribute("title")
