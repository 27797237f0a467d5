"""The workplace checklist and action plan (/checklist/, /zh/checklist/): unit tests of
scripts/hwsite/workplace_checklist.py, a build test of the real site, and browser tests in
headless Chromium at phone size (both languages): answers kept on the device, offline,
CSV download, unreadable saved data, "Start a new walk", print and axe."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import zlib
from pathlib import Path
from urllib.parse import urljoin, urlparse

import markdown
import pytest
import yaml
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, open_page
from test_offline import local_url  # noqa: F401 (fixture: the site served with instant navigation on)
from hwsite import source, workplace_checklist as wc
from hwsite.languages import strings_for

STRINGS_DIR = ROOT / "overrides" / "strings"
MODULES = sorted((ROOT / "docs" / "modules").glob("0*.md"))
KEY = "hw-checklist"


def strings(locale: str) -> dict[str, str]:
    return strings_for(locale, [str(STRINGS_DIR)], "en")


def modules_from(paths, prefix: str = "") -> list[wc.ChecklistModule]:
    found = []
    for path in paths:
        src = source.read_source(path)
        found.append(wc.module_of(src.meta, source.headings(src), f"{prefix}modules/{path.name}", str(path)))
    return wc.collect(found)


def rendered(modules, page_src="checklist.md", locale="en") -> LexborHTMLParser:
    text = wc.render_checklist(modules, page_src=page_src, strings=strings(locale))
    return LexborHTMLParser(markdown.markdown(text, extensions=["md_in_html", "attr_list", "toc", "tables"]))


# ---------------------------------------------------------------- unit

def test_every_checkpoint_of_the_eight_modules_in_module_order():
    modules = modules_from(MODULES)
    assert [m.number for m in modules] == list(range(1, 9))
    doc = rendered(modules)
    items = doc.css("fieldset[data-hw-item]")
    assert len(items) == 64
    ids = [f.attributes["data-hw-item"] for f in items]
    assert ids == [f"m{m}-cp{c}" for m in range(1, 9) for c in range(1, 9)]
    assert doc.css_first("[data-hw-checklist]").attributes["data-hw-total"] == "64"
    for fieldset in items:
        key = fieldset.attributes["data-hw-item"]
        m, c = re.fullmatch(r"m(\d)-cp(\d)", key).groups()
        link = fieldset.css_first("legend a").attributes["href"]
        assert link == f"{MODULES[int(m) - 1].relative_to(ROOT / 'docs').as_posix()}#checkpoint-{c}"
        radios = fieldset.css("input[type=radio]")
        assert [(r.attributes["name"], r.attributes["value"]) for r in radios] == [(key, v) for v in wc.ANSWERS]
        for radio in radios:  # every control has its label
            assert fieldset.css_first(f'label[for="{radio.attributes["id"]}"]') is not None
        assert fieldset.css_first(f'label[for="{key}-remark"]') is not None
        assert fieldset.css_first(f"textarea#{key}-remark") is not None
    # headings without the "Checkpoint N:" prefix, one heading and one jump link per module
    assert items[20].css_first("legend a").text() == "Respond quickly and confidentially to every needlestick or splash"
    assert [h.attributes["id"] for h in doc.css("h2")] == [f"module-{n}" for n in range(1, 9)] + ["action-plan"]
    assert [a.attributes["href"] for a in doc.css(".hw-wc__jump a")] == [f"#module-{n}" for n in range(1, 9)]


def test_chinese_page_links_to_chinese_modules_and_uses_the_same_ids():
    paths = sorted((ROOT / "docs_zh" / "modules").glob("0*.md"))
    doc = rendered(modules_from(paths, "zh/"), page_src="zh/checklist.md", locale="zh")
    items = doc.css("fieldset[data-hw-item]")
    assert [f.attributes["data-hw-item"] for f in items] == [f"m{m}-cp{c}" for m in range(1, 9) for c in range(1, 9)]
    assert items[20].css_first("legend a").attributes["href"] == "modules/03-biological-hazards.md#checkpoint-5"
    assert items[20].css_first("legend a").text().startswith("对每一次针刺伤")
    assert [label.text().strip() for label in items[0].css(".hw-wc__choice")] == ["否", "是", "优先"]
    assert doc.css_first("#action-plan").text().startswith("行动计划")
    data = json.loads(doc.css_first("[data-hw-checklist]").attributes["data-hw-strings"])
    assert data["progress"] == "已回答{n}项，共{total}项"


def test_a_new_checkpoint_in_a_module_appears_in_the_checklist(tmp_path):
    for path in MODULES:
        shutil.copy(path, tmp_path / path.name)
    module = tmp_path / "03-biological-hazards.md"
    text = module.read_text(encoding="utf-8").replace(
        "## Module checklist {#checklist}",
        "### Checkpoint 9: Keep spill kits where spills happen {#checkpoint-9}\n\nText.\n\n## Module checklist {#checklist}")
    module.write_text(text, encoding="utf-8")
    doc = rendered(modules_from(sorted(tmp_path.glob("0*.md"))))
    ids = [f.attributes["data-hw-item"] for f in doc.css("fieldset[data-hw-item]")]
    assert len(ids) == 65
    assert ids[ids.index("m3-cp8") + 1] == "m3-cp9"
    new = doc.css_first("#m3-cp9 legend")
    assert new.css_first("a").attributes["href"] == "modules/03-biological-hazards.md#checkpoint-9"
    assert new.css_first("a").text() == "Keep spill kits where spills happen"
    assert new.css_first(".hw-wc__num").text() == "3.9"


@pytest.mark.parametrize("heading, number, expected", [
    ("Checkpoint 5: Respond quickly", 5, "Respond quickly"),
    ("检查点5：迅速处置", 5, "迅速处置"),
    ("Checkpoint 12 : Twelve", 12, "Twelve"),
    ("Respond: quickly", 5, "Respond: quickly"),  # no number before the colon: left alone
    ("Checkpoint 5: ", 5, "Checkpoint 5: "),  # nothing after it: left alone
])
def test_short_titles(heading, number, expected):
    assert wc.short_title(heading, number) == expected


def test_pages_without_module_are_left_out_and_two_with_one_number_are_an_error():
    a = wc.module_of({"module": 2}, [], "modules/a.md")
    b = wc.module_of({"module": 2}, [], "modules/b.md")
    assert wc.module_of({"title": "x"}, [], "x.md") is None
    assert wc.collect([None, a]) == [a]
    with pytest.raises(wc.ChecklistError, match="modules/a.md and modules/b.md"):
        wc.collect([a, b])


def test_text_from_headings_cannot_become_markup():
    point = wc.Checkpoint(1, 1, "Use <b>gloves</b> & [masks](x.md) *now*", "checkpoint-1")
    module = wc.ChecklistModule(1, "Module 1: A [b] <i>", "modules/01-a.md", (point,))
    doc = rendered([module])
    assert doc.css_first("#m1-cp1 legend a").text() == "Use <b>gloves</b> & [masks](x.md) *now*"
    assert doc.css_first("h2#module-1").text() == "Module 1: A [b] <i>"
    assert doc.css("b, i, em") == []


def test_both_languages_have_the_same_checklist_strings():
    keys = {}
    for locale in ("en", "zh"):
        data = yaml.safe_load((STRINGS_DIR / f"{locale}.yml").read_text(encoding="utf-8"))
        keys[locale] = {k for k in data if k.startswith(wc.STRINGS_PREFIX)}
    assert keys["en"] == keys["zh"] and keys["en"]
    # every string checklist.js asks for exists (s["x"], s.x, strings.x; "answer."/"plan." + a field)
    script = (ROOT / "overrides/assets/javascripts/checklist.js").read_text(encoding="utf-8")
    used = set(re.findall(r'\bs\["([\w.]+)"\]', script)) | set(re.findall(r"\b(?:s|strings)\.(\w+)\b", script))
    used |= {f"answer.{a}" for a in wc.ANSWERS} | {f"plan.{f}" for f in ("what", "who", "when", "cost", "follow")}
    assert {f"wc.{k}" for k in used} <= keys["en"], sorted({f"wc.{k}" for k in used} - keys["en"])


# ---------------------------------------------------------------- build

def test_built_pages_link_every_checkpoint_and_carry_the_qr_code(real_site):
    for lang in ("", "zh/"):
        url = f"https://example.org/{lang}checklist/"
        doc = LexborHTMLParser((real_site / lang / "checklist/index.html").read_text(encoding="utf-8"))
        links = doc.css("fieldset[data-hw-item] legend a")
        assert len(links) == 64
        for a in links:
            target = urlparse(urljoin(url, a.attributes["href"]))
            page = real_site / target.path.lstrip("/") / "index.html"
            assert target.path.startswith(f"/{lang}modules/0") and page.is_file(), a.attributes["href"]
            assert f'id="{target.fragment}"' in page.read_text(encoding="utf-8")
        qr = doc.css_first(".hw-print-qr--page img")
        assert qr is not None
        assert (real_site / urlparse(urljoin(url, qr.attributes["src"])).path.lstrip("/")).is_file()
        assert doc.css_first("html").attributes["lang"] == ("zh-Hans" if lang else "en")
    # the script is not in any page: site.js adds it where the checklist is
    assert "checklist.js" not in (real_site / "checklist/index.html").read_text(encoding="utf-8")
    assert (real_site / "assets/javascripts/checklist.js").is_file()


# ---------------------------------------------------------------- browser

def open_checklist(context, base: str, lang: str = ""):
    page = open_page(context, base + lang + "checklist/")
    page.hw_errors = []
    page.on("pageerror", lambda error: page.hw_errors.append(str(error)))
    ready(page)
    return page


def ready(page):
    page.locator("[data-hw-checklist][data-hw-ready]").wait_for(timeout=10000)


def mark(page, key: str, answer: str):
    page.locator(f'label[for="{key}-{answer}"]').click()


def kept(page) -> dict:
    return json.loads(page.evaluate(f"localStorage.getItem('{KEY}')") or "null")


PROGRESS = {"": "{n} of 64 answered", "zh/": "已回答{n}项，共64项"}


@pytest.mark.parametrize("lang, other", [("", "zh/"), ("zh/", "")], ids=["en", "zh"])
def test_answers_are_kept_across_reloads_and_languages(phone, site_url, lang, other):
    page = open_checklist(phone, site_url, lang)
    progress = page.locator(".hw-wc__progress")
    assert progress.inner_text() == PROGRESS[lang].format(n=0)
    mark(page, "m3-cp5", "priority")
    mark(page, "m1-cp2", "yes")
    mark(page, "m8-cp8", "no")
    page.locator("#m3-cp5-remark").fill("锐器盒太满, \"full\"")
    assert progress.inner_text() == PROGRESS[lang].format(n=3)
    assert kept(page)["items"]["m3-cp5"] == {"answer": "priority", "remark": "锐器盒太满, \"full\""}
    page.reload()
    ready(page)
    assert page.locator("#m3-cp5-priority").is_checked() and page.locator("#m1-cp2-yes").is_checked()
    assert page.locator("#m8-cp8-no").is_checked() and not page.locator("#m8-cp8-yes").is_checked()
    assert page.locator("#m3-cp5-remark").input_value() == "锐器盒太满, \"full\""
    assert progress.inner_text() == PROGRESS[lang].format(n=3)
    # the plan: priorities first, then Yes; No is not in it
    assert page.locator("[data-hw-plan-item]").evaluate_all("n => n.map(x => x.dataset.hwPlanItem)") == ["m3-cp5", "m1-cp2"]
    # the other language's page shows the same walk
    page.goto(site_url + other + "checklist/")
    ready(page)
    assert page.locator("#m3-cp5-priority").is_checked() and page.locator("#m1-cp2-yes").is_checked()
    assert page.locator(".hw-wc__progress").inner_text() == PROGRESS[other].format(n=3)
    assert page.hw_errors == []


def test_phone_layout_one_thumb(phone, site_url):
    page = open_checklist(phone, site_url, "zh/")
    mark(page, "m2-cp1", "priority")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    small = page.evaluate("""() => [...document.querySelectorAll(
        '.hw-wc__choice, .hw-wc textarea, .hw-wc input:not([type=radio]), .hw-wc select, .hw-wc .md-button, .hw-wc__jump a, .hw-wc legend a, .hw-wc__summary > summary')]
      .filter(el => el.getClientRects().length)
      .map(el => [el.className || el.tagName, Math.round(el.getBoundingClientRect().height)])
      .filter(pair => pair[1] < 44)""")
    assert small == []
    # the bar with the progress stays under the header while scrolling, and jumps to a module
    page.locator("#m5-cp3").scroll_into_view_if_needed()
    bar = page.locator(".hw-wc__bar").bounding_box()
    header = page.locator(".md-header").bounding_box()
    assert abs(bar["y"] - (header["y"] + header["height"])) <= 2
    for target in ("module-7", "action-plan", "module-2"):
        page.locator("#hw-wc-jump").select_option(target)
        page.wait_for_timeout(100)
        bar = page.locator(".hw-wc__bar").bounding_box()
        top = page.locator(f"#{target}").bounding_box()["y"]
        assert bar["y"] + bar["height"] <= top < 740, target  # in view, not under the bar


def test_the_script_comes_with_instant_navigation_and_only_to_the_checklist(phone, local_url):
    site_url = local_url
    page = open_page(phone, site_url + "modules/03-biological-hazards/")
    assert not any("checklist.js" in u for u in page.hw_requests)
    page.evaluate("""() => { const a = document.createElement('a'); a.href = '../../checklist/'; a.id = 'go';
                             a.textContent = 'go'; document.querySelector('article').prepend(a); }""")
    page.locator("#go").click()
    page.wait_for_url(site_url + "checklist/")
    ready(page)
    assert page.evaluate("performance.getEntriesByType('navigation')[0].name").endswith("/modules/03-biological-hazards/")
    mark(page, "m4-cp1", "yes")
    assert kept(page)["items"]["m4-cp1"] == {"answer": "yes"}
    assert sum("checklist.js" in u for u in page.hw_requests) == 1


def wait_until_kept(page):
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=20000)
    page.locator("html[data-hw-kept]").wait_for(state="attached", timeout=20000)


def test_answers_survive_going_offline(phone, site_url):
    page = open_checklist(phone, site_url, "zh/")
    wait_until_kept(page)
    mark(page, "m6-cp4", "priority")
    phone.set_offline(True)
    try:
        page.reload()
        ready(page)
        assert page.locator("#m6-cp4-priority").is_checked()
        mark(page, "m6-cp5", "yes")  # still saving without a connection
        page.reload()
        ready(page)
        assert page.locator("#m6-cp5-yes").is_checked()
        assert page.locator(".hw-wc__progress").inner_text() == "已回答2项，共64项"
    finally:
        phone.set_offline(False)


def fill_plan(page, key: str, **values):
    card = page.locator(f'[data-hw-plan-item="{key}"]')
    for field, value in values.items():
        card.locator(f'[data-hw-plan-field="{field}"]').fill(value)


PLAN_ZH = {"who": "王护士长, \"感控\"", "when": "2026-12-20", "cost": "¥300", "follow": "2027-01-10"}


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_csv_download_opens_in_excel_and_wps(phone, site_url, lang):
    page = open_checklist(phone, site_url, lang)
    mark(page, "m1-cp2", "yes")
    mark(page, "m3-cp5", "priority")
    page.locator("#m3-cp5-remark").fill("第一行\n第二行")
    fill_plan(page, "m3-cp5", **PLAN_ZH)
    with page.expect_download() as info:
        page.locator('[data-hw-wc="csv"]').click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    data = Path(download.path()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    text = data[3:].decode("utf-8")
    # every field quoted (a quoted field may hold a line break), every record ends in CRLF
    field = r'"(?:[^"]|"")*"'
    assert re.fullmatch(rf"(?:{field}(?:,{field})*\r\n)+", text), text[:300]
    assert "\n" not in text.replace("\r\n", "").replace("第一行\n第二行", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    if lang:
        assert header[:4] == ["标记", "模块", "检查点", "检查点名称"] and header[5:9] == ["负责人", "完成期限", "费用", "跟进日期"]
    else:
        assert header[:4] == ["Marked", "Module", "Checkpoint", "Checkpoint title"] and header[5] == "Who"
    assert len(rows) == 3
    priority, yes = rows[1], rows[2]
    assert priority[0] == ("优先" if lang else "Priority") and priority[1:3] == ["3", "5"]
    assert priority[4] == priority[3]  # "what" starts as the checkpoint
    assert priority[5:9] == [PLAN_ZH["who"], PLAN_ZH["when"], PLAN_ZH["cost"], PLAN_ZH["follow"]]
    assert priority[9] == "第一行\n第二行"
    assert yes[0] == ("是" if lang else "Yes") and yes[1:3] == ["1", "2"] and yes[5:] == ["", "", "", "", ""]


def test_summary_for_a_chat_and_copy_button(phone, site_url):
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    page = open_checklist(phone, site_url, "zh/")
    mark(page, "m3-cp5", "priority")
    fill_plan(page, "m3-cp5", who="王护士长", when="2026-12-20", what="每个治疗车配一个锐器盒")
    mark(page, "m1-cp2", "yes")
    page.locator('[data-hw-wc="copy"]').click()
    page.locator(".hw-toast").filter(has_text="摘要已复制").wait_for(timeout=5000)
    text = page.locator(".hw-wc__summary-text").text_content()
    assert text.startswith("HealthWISE工作场所检查表：行动计划（")
    lines = text.split("\n")
    assert "【优先】3.5 每个治疗车配一个锐器盒" in lines
    assert "负责人：王护士长；完成期限：2026-12-20" in lines
    assert lines.index("【优先】3.5 每个治疗车配一个锐器盒") < next(i for i, l in enumerate(lines) if l.startswith("【是】1.2"))
    assert page.evaluate("navigator.clipboard.readText()") == text


@pytest.mark.parametrize("stored, message", [
    ("{not json", "could not be read"),
    (json.dumps({"m3-cp5": "priority"}), "could not be read"),  # another version's format
    (json.dumps({"format": "hw-checklist", "version": 7, "items": {}}), "could not be read"),
    (json.dumps({"format": "hw-checklist", "version": 1, "items": {
        "m1-cp1": {"answer": "yes"}, "m3-cp5": {"answer": "maybe"}, "m2-cp2": {"remark": 5}, "x": {}}}), "3 kept answers"),
])
def test_unreadable_saved_answers_show_a_notice_and_never_break_the_page(phone, site_url, stored, message):
    page = open_checklist(phone, site_url)
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [KEY, stored])
    page.reload()
    ready(page)
    notice = page.locator(".hw-wc__notice")
    assert notice.is_visible() and message in notice.inner_text()
    assert page.evaluate("localStorage.getItem('hw-checklist-unreadable')") == stored  # set aside, not lost
    readable = "3 kept" in message
    assert page.locator("#m1-cp1-yes").is_checked() == readable
    mark(page, "m2-cp3", "priority")  # the page still works and saves
    assert kept(page)["items"]["m2-cp3"] == {"answer": "priority"}
    assert page.locator(".hw-wc__progress").inner_text() == f"{2 if readable else 1} of 64 answered"
    assert page.hw_errors == []


def test_start_a_new_walk_asks_before_erasing(phone, site_url):
    page = open_checklist(phone, site_url)
    mark(page, "m7-cp1", "priority")
    page.locator('[data-hw-wc="reset"]').click()
    ask = page.locator("#hw-wc-reset-ask")
    assert ask.is_visible() and "Erase every answer" in ask.inner_text()
    page.locator('[data-hw-wc="reset-no"]').click()
    assert not ask.is_visible() and page.locator("#m7-cp1-priority").is_checked()
    assert kept(page)["items"] == {"m7-cp1": {"answer": "priority"}}
    page.locator('[data-hw-wc="reset"]').click()
    page.locator('[data-hw-wc="reset-yes"]').click()
    assert not page.locator("#m7-cp1-priority").is_checked()
    assert kept(page) is None
    assert page.locator(".hw-wc__progress").inner_text() == "0 of 64 answered"
    assert page.locator("[data-hw-plan-item]").count() == 0
    page.reload()
    ready(page)
    assert not page.locator("#m7-cp1-priority").is_checked()


def pdf_text(data: bytes) -> str:
    """The text of a PDF made by Chromium (Skia: plain objects, Flate streams, Type0 fonts
    with a ToUnicode map each): every page's text runs, one line per run of one font."""
    objects = {int(m[1]): m[2] for m in re.finditer(rb"(?<![^\r\n])(\d+) 0 obj(.*?)\bendobj", data, re.S)}

    def stream(number: int) -> bytes:
        body = objects[number]
        raw = re.search(rb"stream\r?\n(.*?)\r?\nendstream", body, re.S)[1]
        return zlib.decompress(raw) if b"/FlateDecode" in body else raw

    def unicode_map(number: int) -> dict[int, str]:
        table, cmap = {}, stream(number)
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
            for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                table[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
            for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
                for offset, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                    table[code] = chr(int(dst, 16) + offset)
        return table

    lines = []
    for body in objects.values():
        if not re.search(rb"/Type /Page\b", body):
            continue
        fonts = {}
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            found = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(number)])
            fonts[name.decode()] = unicode_map(int(found[1])) if found else {}
        for number in re.findall(rb"/Contents (\d+) 0 R", body):
            table = {}
            for font, text in re.findall(rb"/(F\d+) [\d.]+ Tf|<([0-9A-Fa-f]*)>", stream(int(number))):
                if font:
                    table = fonts.get(font.decode(), {})
                    lines.append("")
                else:
                    lines[-1] += "".join(table.get(int(text[i:i + 4], 16), "") for i in range(0, len(text), 4))
    return "\n".join(lines)


def test_print_gives_an_a4_plan_with_the_qr_code(browser, site_url):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = open_checklist(context, site_url)
        mark(page, "m3-cp5", "priority")
        fill_plan(page, "m3-cp5", who="Ward sister Li", when="2026-12-20", cost="300 yuan")
        mark(page, "m8-cp2", "yes")
        page.emulate_media(media="print")
        for chrome in (".md-header", ".md-sidebar--primary", ".hw-wc__bar", ".hw-wc__actions", ".hw-wc__cards"):
            assert not page.locator(chrome).first.is_visible(), chrome
        rows = page.locator(".hw-wc__plan-print tbody tr")
        assert rows.count() == 2 and rows.first.is_visible()
        assert rows.first.locator("td").all_inner_texts()[:6] == [
            "3.5", "Priority", "Respond quickly and confidentially to every needlestick or splash",
            "Ward sister Li", "2026-12-20", "300 yuan"]
        assert page.locator(".hw-print-qr--page img").is_visible()
        page.evaluate("document.documentElement.classList.add('hw-print-plan')")  # "Print the plan"
        assert not page.locator("#m1-cp1").is_visible() and not page.locator("#module-1").is_visible()
        assert page.locator(".hw-wc__plan-print table").is_visible() and page.locator("h1").is_visible()
        assert page.locator(".hw-print-qr--page img").is_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        text = re.sub(r"\s+", "", pdf_text(pdf))  # text runs break lines and spaces anywhere
        for words in ("Ward sister Li", "2026-12-20", "300 yuan", "Respond quickly", "Action plan", "8.2Yes",
                      "healthwise-osh.github.io/checklist/"):
            assert words.replace(" ", "") in text, words
        assert "Proposeaction" not in text and "Module1" not in text  # the checklist itself is not in it
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["", "zh/"], ids=["en", "zh"])
def test_axe_reports_no_violations_on_the_checklist(phone, site_url, lang):
    from axe_playwright_python.sync_playwright import Axe

    page = open_checklist(phone, site_url, lang)
    mark(page, "m3-cp5", "priority")
    mark(page, "m1-cp1", "yes")
    page.locator('[data-hw-wc="reset"]').click()  # the question open too
    page.locator(".hw-wc__summary > summary").click()
    results = Axe().run(page)
    assert [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]] == []


def test_the_offline_edition_keeps_answers_from_file_urls(phone, offline_edition):
    requests = []
    phone.on("request", lambda request: requests.append(request.url))
    page = phone.new_page()
    page.goto((offline_edition / "zh/checklist.html").as_uri())
    ready(page)
    mark(page, "m2-cp6", "priority")
    page.goto((offline_edition / "checklist.html").as_uri())  # the English page shares the walk
    ready(page)
    assert page.locator("#m2-cp6-priority").is_checked()
    with page.expect_download() as info:
        page.locator('[data-hw-wc="csv"]').click()
    assert Path(info.value.path()).read_bytes().startswith(b"\xef\xbb\xbf")
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
