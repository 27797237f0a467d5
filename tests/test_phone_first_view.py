"""Issue 19's condition for a lighter phone first view, in headless Chromium at 360 x 740 with
the CPU slowed 4x (CDP Emulation.setCPUThrottlingRate, Lighthouse's mobile setting): search,
the navigation drawer, table-of-contents following and instant navigation work as before,
and the first tap on the search icon or the menu shows its response within 200 ms.

Speeds of the page load itself are measured by `make bench` (bench/REPORT.md), not here."""

from __future__ import annotations

import pytest

from test_offline import local_url  # noqa: F401 - the site served with same-origin sitemaps (instant navigation on)

MODULES = {"en": "modules/03-biological-hazards/", "zh": "zh/modules/03-biological-hazards/"}
CPU_SLOWDOWN = 4
FIRST_TAP_MS = 200
# A first tap is one measurement on one fresh page. On this shared 2-core machine another
# process can take the CPU for a moment, so a slow tap is measured again on a fresh page
# (each time a first tap, right after the load event), up to this many times; the
# assertion is on the fastest: a page that is slow on every try fails.
FIRST_TAP_TRIES = 5

# Installed before any page script: from the tap (the touch's own timestamp, which includes
# any wait for a busy main thread) to the end of the first frame that shows the toggled
# drawer or search; also when the page's load event ended.
TAP_CLOCK = """
(() => {
  let tap = null;
  window.__hwTap = null;
  addEventListener("touchstart", (event) => { if (tap === null) tap = event.timeStamp; }, { capture: true, once: true });
  addEventListener("change", (event) => {
    if (tap === null || window.__hwTap || !event.target.matches("#__drawer, #__search")) return;
    const toggle = event.target.id;
    // the frame that paints the change, then the task after it: that frame is on screen
    requestAnimationFrame(() => setTimeout(() => {
      window.__hwTap = { toggle, ms: performance.now() - tap, afterLoad: tap - performance.getEntriesByType("navigation")[0].loadEventEnd };
    }));
  }, { capture: true });
})();
"""


def slow_phone_page(context, url, wait_until="load"):
    page = context.new_page()
    page.add_init_script(TAP_CLOCK)
    session = context.new_cdp_session(page)
    session.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(url, wait_until=wait_until, timeout=60000)
    return page


@pytest.fixture
def slow_phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    yield context
    context.close()


def first_tap(browser, url, control):
    """Milliseconds from the first tap on control, right after the load event, to the first
    frame showing the response; the fastest of up to FIRST_TAP_TRIES fresh pages."""
    tries = []
    for _ in range(FIRST_TAP_TRIES):
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                      is_mobile=True, has_touch=True)
        try:
            page = slow_phone_page(context, url)
            page.tap(control)
            page.wait_for_function("window.__hwTap !== null", timeout=20000)
            tries.append(page.evaluate("window.__hwTap"))
        finally:
            context.close()
        if tries[-1]["ms"] <= FIRST_TAP_MS:
            break
    return min(tries, key=lambda t: t["ms"]), tries


# Not met yet, before and after this branch alike (2026-12-03, load average 7-16 on 2 cores:
# search 270-400 ms, menu 200-270 ms). A toggle of Material's search or drawer checkbox
# restyles the whole page (about 1,180 elements, 11-15 ms of style before the 4x slowdown):
# Material's content-tabs rules (`.tabbed-set > input:nth-child(n):checked ~ ...`) make any
# checkbox change invalidate its following siblings' whole subtrees; the search tap also
# runs Material's click handler and starts the search worker. Not strict: on a quiet
# machine the menu may pass.
FIRST_TAP_NOT_MET = pytest.mark.xfail(reason="issue 19: first tap within 200 ms at 4x CPU not met yet "
                                      "(Material restyles the whole page on each toggle)", strict=False)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("control, toggle", [
    pytest.param('label.md-header__button[for="__drawer"]', "__drawer", marks=FIRST_TAP_NOT_MET),
    pytest.param('label.md-header__button[for="__search"]', "__search", marks=FIRST_TAP_NOT_MET)])
def test_first_tap_on_menu_or_search_responds_within_200_ms(browser, site_url, lang, control, toggle):
    best, tries = first_tap(browser, site_url + MODULES[lang], control)
    assert best["toggle"] == toggle
    assert best["ms"] <= FIRST_TAP_MS, f"first tap on {toggle} answered after {[round(t['ms']) for t in tries]} ms"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_drawer_opens_and_leads_to_a_page(slow_phone, site_url, lang):
    page = slow_phone_page(slow_phone, site_url + MODULES[lang])
    page.tap('label.md-header__button[for="__drawer"]')
    drawer = page.locator(".md-sidebar--primary")
    page.wait_for_function("document.getElementById('__drawer').checked")
    # slid in: its left edge on the screen
    page.wait_for_function("document.querySelector('.md-sidebar--primary').getBoundingClientRect().left >= -1")
    link = drawer.locator('a.md-nav__link[href$="07-working-time/"]').first
    link.click()
    page.wait_for_url(site_url + MODULES[lang].replace("03-biological-hazards", "07-working-time"))
    assert not page.evaluate("document.getElementById('__drawer').checked")


@pytest.mark.parametrize("lang, query", [("en", "needlestick"), ("zh", "针刺伤")])
def test_search_opens_focused_and_finds(slow_phone, site_url, lang, query):
    page = slow_phone_page(slow_phone, site_url + MODULES[lang])
    page.tap('label.md-header__button[for="__search"]')
    page.wait_for_function("document.activeElement && document.activeElement.matches('.md-search__input')")
    page.keyboard.type(query)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=30000)
    assert results.count() >= 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_table_of_contents_follows_the_reader(slow_phone, site_url, lang):
    page = slow_phone_page(slow_phone, site_url + MODULES[lang])
    page.evaluate("document.getElementById('checkpoint-5').scrollIntoView()")
    page.wait_for_function(
        "[...document.querySelectorAll('.md-sidebar--secondary .md-nav__link--active')]"
        ".some((a) => a.hash === '#checkpoint-5')", timeout=20000)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_instant_navigation_once_the_sitemap_is_there(slow_phone, local_url, lang):
    """The sitemaps come after the load event, when the page is idle
    (partials/request-guards.html); a link followed once one has arrived is an instant
    navigation: the page is not reloaded."""
    page = slow_phone_page(slow_phone, local_url + MODULES[lang])
    page.wait_for_function("performance.getEntriesByType('resource')"
                           ".some((e) => e.name.endsWith('/sitemap.xml') && e.responseEnd > 0)", timeout=20000)
    page.wait_for_timeout(500)  # Material reads it (4x slower CPU)
    page.evaluate("window.__hwSamePage = true")
    page.locator('.md-content a[href*="08-equipment-and-supplies/"]').first.click()
    page.wait_for_url(local_url + MODULES[lang].replace("03-biological-hazards", "08-equipment-and-supplies"))
    page.locator("h1").filter(has_text="8").wait_for()
    assert page.evaluate("window.__hwSamePage === true"), "the link reloaded the page"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_material_start_leaves_nothing_to_change(slow_phone, site_url, lang):
    """partials/material-start.html does early what Material's bundle does at its start, so
    the bundle's calls change nothing: the <html> classes, and absolute URLs in <head>.
    Checked on the page without Material's bundle, so that only our script can have done it."""
    slow_phone.route("**/assets/javascripts/bundle.*.js", lambda route: route.abort())
    page = slow_phone_page(slow_phone, site_url + MODULES[lang], wait_until="domcontentloaded")
    classes = page.evaluate("document.documentElement.className.split(' ')")
    assert "js" in classes and "js-focus-visible" in classes and "no-js" not in classes
    relative = page.evaluate("""[...document.head.querySelectorAll('[href], [src]')]
        .map((el) => el.getAttribute('href') || el.getAttribute('src'))
        .filter((v) => !/^(?:[a-z]+:)?\\/\\//i.test(v))""")
    assert relative == []
