"""Search engines compared (issue 16): Material's built-in search as the site is configured
and Pagefind 1.5 (PyPI `pagefind[extended]`), side by side in one run, on the same built
site and the same query set (tests/data/search_queries.tsv).

Run from the repository root after `make build`: `python -m bench.search_engines
[--site DIR] [--queries TSV] [--runs N] [--json FILE] [--report bench/REPORT.md]`
(--report writes the "Search engines compared" section of that file, replacing an earlier
one). Exit codes: 0 measured, 2 bad input (no built site, malformed query file, Pagefind
not installable).

Pagefind is a peer tool here, not a product dependency: it is installed, pinned, into the
git-ignored bench/tools/pagefind-venv (as bench.bench installs lychee and linkchecker).
The built site is copied to bench/work/engines/site; on the copy, `data-pagefind-body` is
put on the article of every page that Material's search index holds (what a template
change would do: the same 38 pages per language, no navigation, header or footer), and
the in-article chrome is left out with --exclude-selectors. Pagefind reads each page's
language from <html lang> (en, zh-hans) and segments Chinese at index time.

What is measured, for both engines:
- hit rates, with bench.search_eval's scoring: Material through search_eval.run (its
  search box, desktop tab); Pagefind through pagefind.js in the same kind of tab
  (`search()`, then `data()` of the first five results, as Pagefind's own UI pages them),
  its sections being the sub-results that Pagefind's default UI shows (the page's own
  entry dropped, at most three, chosen by match count, in page order);
- bytes a reader downloads for the first query on a language's home page, fresh cache,
  from the browser's network log (Playwright's request sizes: headers + body as sent,
  gzip where the server compresses), search files only; the static server's own count
  is kept beside it in the JSON as a check;
- time to the first result on a phone profile (360 px, CDP Emulation.setCPUThrottlingRate
  4): cold (fresh context, from the first tap on search to the first result) and warm
  (later queries in the same tab), medians;
- index build time: Pagefind's CLI over the built site (median of --runs); Material's
  search plugin hooks timed inside one in-process `mkdocs build`;
- the offline edition (OFFLINE=true build, opened from file://): does a query return
  results?;
- the service worker (overrides/sw.js): a module saved with "Save for offline", one
  Pagefind query online, then offline: does Material's search work, does Pagefind's
  same query and a new query work, and which Pagefind files the worker's cache holds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import search_eval
from bench.search_eval import LANGUAGE_ROOTS, Outcome, Query

ROOT = search_eval.ROOT
WORK = ROOT / "bench" / "work" / "engines"
TOOLS = ROOT / "bench" / "tools" / "pagefind-venv"
PAGEFIND_PIN = "pagefind[extended]==1.5.2"
PY = sys.executable
# In-article chrome that Material's index leaves out or that is not content.
EXCLUDE = (".headerlink, .hw-copylink, .hw-share, .hw-page-meta, .hw-save, .hw-print-only, "
           "[data-search-exclude]")
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
CPU_THROTTLE = 4
PAGE_SIZE = 5  # Pagefind's UI loads data() for five results at a time
TIMEOUT_MS = 30000
REPORT_HEADING = "## Search engines compared"
ARTICLE = re.compile(r'<article class="md-content__inner')


def log(message: str) -> None:
    print(f"[engines] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------- Pagefind, the tool

def ensure_pagefind() -> list[str]:
    """The Pagefind CLI from bench/tools/pagefind-venv, installed there if missing."""
    python = TOOLS / "bin" / "python"
    marker = TOOLS / (".pin-" + re.sub(r"[^A-Za-z0-9.]+", "-", PAGEFIND_PIN))
    if not marker.exists():
        log(f"installing {PAGEFIND_PIN} into {TOOLS.relative_to(ROOT)}")
        if not python.exists():
            subprocess.run([PY, "-m", "venv", str(TOOLS)], check=True, capture_output=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", PAGEFIND_PIN],
                       check=True, capture_output=True, timeout=900)
        marker.touch()
    return [str(python), "-m", "pagefind"]


def mark_indexed_pages(site: Path, locations: dict[str, set[str]]) -> int:
    """Put data-pagefind-body on the article of every page Material's index holds
    (locations: language root -> page paths as in search_index.json); the count marked."""
    marked = 0
    for root, pages in locations.items():
        for page in pages:
            file = site / root / page
            if file.is_dir() or not page or page.endswith("/"):
                file = file / "index.html"
            if not file.is_file():
                continue
            text = file.read_text(encoding="utf-8")
            new, count = ARTICLE.subn('<article data-pagefind-body class="md-content__inner', text, count=1)
            if count:
                file.write_text(new, encoding="utf-8")
                marked += 1
    return marked


def material_locations(site: Path) -> dict[str, set[str]]:
    out = {}
    for root in LANGUAGE_ROOTS.values():
        index = site / root / "search" / "search_index.json"
        docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
        out[root] = {doc["location"].split("#")[0] for doc in docs}
    return out


def pagefind_index(cli: list[str], site: Path) -> tuple[float, str]:
    """Index the site (replacing an earlier index): wall seconds and the CLI's output."""
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    start = time.perf_counter()
    result = subprocess.run([*cli, "--site", str(site), "--exclude-selectors", EXCLUDE],
                            capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError("pagefind failed: " + result.stdout[-2000:] + result.stderr[-2000:])
    return seconds, result.stdout


def _gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def bundle_sizes(bundle: Path) -> dict:
    """Files and bytes of a Pagefind bundle (chunks are stored gzip-compressed already), and
    per language everything its search needs (what "Save for offline" would have to store):
    pagefind.js and the worker (gzip), the language's wasm, meta, index and fragment files."""
    files = [p for p in bundle.rglob("*") if p.is_file()]
    ui = [bundle / "pagefind-ui.js", bundle / "pagefind-ui.css"]
    common = sum(_gzip_size(bundle / name) for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json"))
    per_language = {}
    for code, wasm in (("en", "wasm.en.pagefind"), ("zh-hans", "wasm.unknown.pagefind")):
        own = [p for p in files if p.name.startswith(code + "_") or p.name.startswith(f"pagefind.{code}_")]
        per_language[code] = {"files": len(own) + 4,
                              "bytes": common + (bundle / wasm).stat().st_size + sum(p.stat().st_size for p in own)}
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files),
            "ui_gzip_bytes": sum(_gzip_size(p) for p in ui if p.exists()), "per_language": per_language}


MATERIAL_BUILD_TIMER = r"""
import json, sys, time
t0 = time.perf_counter()
from material.plugins.search import plugin as search_plugin
imported = time.perf_counter() - t0
spent = {"hooks": 0.0}
def timed(name):
    original = getattr(search_plugin.SearchPlugin, name)
    def wrapper(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent["hooks"] += time.perf_counter() - start
    setattr(search_plugin.SearchPlugin, name, wrapper)
for name in ("on_config", "on_page_context", "on_post_build"):
    timed(name)
from mkdocs.commands.build import build
from mkdocs.config import load_config
start = time.perf_counter()
build(load_config("mkdocs.yml", site_dir=sys.argv[1], strict=True))
print(json.dumps({"build_s": time.perf_counter() - start, "search_hooks_s": spent["hooks"],
                  "plugin_import_s": imported}))
"""


def material_build_time(target: Path) -> dict:
    """Material's search plugin hooks (jieba segmentation and index writing) timed inside
    one in-process strict build of the real site."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONWARNINGS": "ignore:pkg_resources is deprecated:DeprecationWarning"}
    result = subprocess.run([PY, "-c", MATERIAL_BUILD_TIMER, str(target)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        return {"error": result.stderr[-1500:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------- Pagefind in the browser

_PF_SEARCH = """async ([bundle, q, n]) => {
  if (!window.__pf) { window.__pf = await import(bundle); }
  const found = await window.__pf.search(q);
  const data = await Promise.all(found.results.slice(0, n).map(r => r.data()));
  return {count: found.results.length, items: data.map(d => ({url: d.url, meta_url: (d.meta || {}).url || null,
    subs: (d.sub_results || []).map(s => ({url: s.url, n: (s.locations || []).length}))}))};
}"""

_PF_FIRST = """async ([bundle, q]) => {
  const t0 = performance.now();
  if (!window.__pf) { window.__pf = await import(bundle); }
  const found = await window.__pf.search(q);
  if (!found.results.length) return {ms: performance.now() - t0, count: 0};
  const first = await found.results[0].data();
  return {ms: performance.now() - t0, count: found.results.length, url: first.url};
}"""


def shown_sub_results(item: dict, limit: int = 3) -> list[str]:
    """The sub-results Pagefind's default UI shows for a result (pagefind-ui.js 1.5): the
    page's own entry dropped, then at most `limit`, the ones with most matches, in page order."""
    subs = item["subs"]
    if subs and subs[0]["url"] == (item.get("meta_url") or item["url"]):
        subs = subs[1:]
    if len(subs) > limit:
        keep = {s["url"] for s in sorted(subs, key=lambda s: -s["n"])[:limit]}
        subs = [s for s in subs if s["url"] in keep]
    return [s["url"] for s in subs]


def pagefind_outcome(query: Query, found: dict, site_url: str, root_path: str) -> Outcome:
    pages, sections = [], []
    for item in found["items"]:
        pages.append(search_eval._relative(site_url.rstrip("/") + item["url"], root_path)[0])
        for url in shown_sub_results(item):
            page, anchor = search_eval._relative(site_url.rstrip("/") + url, root_path)
            if anchor:
                sections.append(f"{page}#{anchor}")
    return Outcome(query, pages, sections, 0.0, f"{found['count']} results")


def run_pagefind(browser, site_url: str, queries: list[Query]) -> list[Outcome]:
    """Every query through pagefind.js, one tab per language on its home page (Pagefind
    picks the index of the page's <html lang>)."""
    context = browser.new_context(**DESKTOP)
    tabs, outcomes = {}, []
    try:
        for query in queries:
            if query.lang not in tabs:
                tab = context.new_page()
                tab.goto(site_url + LANGUAGE_ROOTS[query.lang], wait_until="networkidle")
                tabs[query.lang] = (tab, urlsplit(site_url + LANGUAGE_ROOTS[query.lang]).path)
            tab, root_path = tabs[query.lang]
            start = time.perf_counter()
            found = tab.evaluate(_PF_SEARCH, [site_url + "pagefind/pagefind.js", query.query, PAGE_SIZE])
            outcome = pagefind_outcome(query, found, site_url, root_path)
            outcome.seconds = time.perf_counter() - start
            outcomes.append(outcome)
    finally:
        context.close()
    return outcomes


# ---------------------------------------------------------------------- phone: bytes and time

def is_search_file(engine: str, url: str) -> bool:
    path = urlsplit(url).path
    if engine == "pagefind":
        return "/pagefind/" in path
    return "/search/search_index" in path or "/workers/search" in path or "/lunr/" in path


def _open_search_box(tab) -> None:
    tab.locator('label.md-header__button[for="__search"]').first.click()


def _material_query(tab, query: str) -> int:
    """Type a query into Material's open search box; the number of result items once the
    first is rendered (the list is emptied first, so an earlier answer does not count)."""
    box = tab.locator("input.md-search__input")
    tab.evaluate("document.querySelector('.md-search-result__list').replaceChildren()")
    box.fill(query)
    box.press("End")  # Material reads the query on keyup
    tab.locator("li.md-search-result__item").first.wait_for(timeout=TIMEOUT_MS)
    return tab.locator("li.md-search-result__item").count()


def phone_run(browser, server, engine: str, lang: str, queries: list[str]) -> dict:
    """One fresh phone context with 4x CPU throttling on the language's home page: the
    first query cold (from the tap on search, or the import of pagefind.js, to the first
    result), then the other queries warm."""
    context = browser.new_context(**PHONE)
    try:
        tab = context.new_page()
        cdp = context.new_cdp_session(tab)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_THROTTLE})
        tab.goto(server.url + LANGUAGE_ROOTS[lang], wait_until="networkidle")
        times = []
        for number, query in enumerate(queries):
            start = time.perf_counter()
            if engine == "material":
                if number == 0:
                    _open_search_box(tab)
                _material_query(tab, query)
            else:
                found = tab.evaluate(_PF_FIRST, [server.url + "pagefind/pagefind.js", query])
                if not found["count"]:
                    raise RuntimeError(f"pagefind found nothing for {query!r}")
            times.append(time.perf_counter() - start)
    finally:
        context.close()
    return {"cold_s": times[0], "warm_s": times[1:]}


def first_query_bytes(browser, server, engine: str, lang: str, query: str) -> dict:
    """What a fresh reader downloads for search, page load included (Material's worker and
    lunr scripts load with the page), for one query on the language's home page.

    The files come from the browser's network log (Playwright's requestfinished events,
    which include the web workers' fetches); their bytes as sent (headers + gzip body) from
    the static server's log, because Chromium reports a worker's own script with a
    revalidation-sized or doubled body. The browser's figure (largest size per file) is
    kept beside it."""
    context = browser.new_context(**PHONE)
    sizes: dict[str, int] = {}

    def finished(request):
        try:
            size = request.sizes()
        except Exception:  # noqa: BLE001 - a request without sizes counts nothing
            return
        path = urlsplit(request.url).path
        sizes[path] = max(sizes.get(path, 0), size["responseHeadersSize"] + size["responseBodySize"])

    context.on("requestfinished", finished)
    try:
        tab = context.new_page()
        server.recorder.reset()
        tab.goto(server.url + LANGUAGE_ROOTS[lang], wait_until="networkidle")
        if engine == "material":
            _open_search_box(tab)
            _material_query(tab, query)
        else:
            tab.evaluate(_PF_SEARCH, [server.url + "pagefind/pagefind.js", query, PAGE_SIZE])
        tab.wait_for_timeout(500)
        served = list(server.recorder.requests)
    finally:
        context.close()
    files = sorted(path for path in sizes if is_search_file(engine, "http://x" + path))
    wire: dict[str, int] = {}
    for path, _, size, _ in served:
        path = urlsplit(path).path
        if is_search_file(engine, "http://x" + path):
            wire[path] = wire.get(path, 0) + size
    return {"query": query, "requests": len(files), "bytes": sum(wire.get(p, 0) for p in files),
            "browser_bytes": sum(sizes[p] for p in files),
            "files": {p: wire.get(p, 0) for p in files},
            "served_but_not_in_browser_log": sorted(set(wire) - set(files))}


# ---------------------------------------------------------------------- offline edition, service worker

def offline_edition(browser, site: Path) -> dict:
    """From file://: Material's search box and pagefind.js, on the Chinese home page."""
    out = {}
    context = browser.new_context(**PHONE)
    try:
        for lang, start, query in (("zh", "zh/index.html", "手卫生"), ("en", "index.html", "needlestick")):
            tab = context.new_page()
            tab.goto(site.joinpath(start).as_uri())
            _open_search_box(tab)
            tab.wait_for_function("!/Initializing|初始化/.test(document.querySelector('.md-search-result__meta')"
                                  ".textContent)", timeout=TIMEOUT_MS)
            try:
                material = _material_query(tab, query)
            except Exception as error:  # noqa: BLE001
                material = f"error: {str(error).splitlines()[0]}"
            bundle = site.joinpath("pagefind", "pagefind.js").as_uri()
            try:
                found = tab.evaluate(_PF_SEARCH, [bundle, query, PAGE_SIZE])
                pagefind = found["count"]
            except Exception as error:  # noqa: BLE001
                pagefind = "error: " + str(error).split("\n")[0][:200]
            out[lang] = {"query": query, "material_results": material, "pagefind_results": pagefind}
            tab.close()
    finally:
        context.close()
    return out


def service_worker(browser, server) -> dict:
    """A Chinese module saved for offline reading, one Pagefind query online, then offline."""
    module = server.url + "zh/modules/03-biological-hazards/"
    bundle = server.url + "pagefind/pagefind.js"
    context = browser.new_context(**PHONE)
    out = {}
    try:
        tab = context.new_page()
        tab.goto(module, wait_until="networkidle")
        tab.wait_for_function("navigator.serviceWorker.controller !== null", timeout=TIMEOUT_MS)
        tab.locator("html[data-hw-kept]").wait_for(state="attached", timeout=TIMEOUT_MS)
        tab.locator("[data-hw-save] button").click()
        tab.locator('[data-hw-save][data-hw-state="saved"]').wait_for(timeout=TIMEOUT_MS)
        online = tab.evaluate(_PF_SEARCH, [bundle, "针刺伤", PAGE_SIZE])
        out["online_pagefind_results"] = online["count"]
        tab.wait_for_timeout(1000)
        cached = tab.evaluate("""async () => { const out = [];
          for (const name of await caches.keys()) { const c = await caches.open(name);
            for (const r of await c.keys()) if (r.url.includes('/pagefind/')) out.push(new URL(r.url).pathname + new URL(r.url).search); }
          return out; }""")
        out["pagefind_files_in_sw_cache"] = len(cached)
        out["pagefind_cached_sample"] = sorted(cached)[:12]
        context.set_offline(True)
        reader = context.new_page()
        reader.goto(module)
        out["offline_page_title"] = reader.locator("h1").first.inner_text()
        _open_search_box(reader)
        try:
            out["offline_material_results"] = _material_query(reader, "针刺伤")
        except Exception as error:  # noqa: BLE001
            out["offline_material_results"] = "error: " + str(error).splitlines()[0][:200]
        for key, query in (("offline_pagefind_same_query", "针刺伤"), ("offline_pagefind_new_query", "职业倦怠")):
            try:
                found = reader.evaluate(_PF_SEARCH, [bundle, query, PAGE_SIZE])
                out[key] = found["count"]
            except Exception as error:  # noqa: BLE001
                out[key] = "error: " + str(error).split("\n")[0][:200]
    finally:
        context.close()
    return out


# ---------------------------------------------------------------------- report

def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _ms(seconds: float | None) -> str:
    return "–" if seconds is None else f"{1000 * seconds:.0f} ms"


def _kb(n: int | None) -> str:
    return "–" if n is None else f"{n / 1024:.1f} KB"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} %"


def comparison_table(data: dict) -> str:
    fm, fp = data["figures"]["material"], data["figures"]["pagefind"]
    rows = [("Hit rates", "", "")]
    for lang in fm:
        for key, label in (("page_top3", "page in top 3"), ("section_top3", "section in top 3"),
                           ("page_first", "page first")):
            n = fm[lang]["all"]["n_anchor"] if key == "section_top3" else fm[lang]["all"]["n"]
            rows.append((f"{lang}: {label} ({n} queries)", _pct(fm[lang]["all"][key]), _pct(fp[lang]["all"][key])))
    b, t = data["bytes"], data["timing"]
    rows.append(("Download for search, first query on a fresh visit (gzip, headers included)", "", ""))
    for lang in b["material"]:
        rows.append((f"{lang}: bytes (requests)", f"{_kb(b['material'][lang]['bytes'])} ({b['material'][lang]['requests']})",
                     f"{_kb(b['pagefind'][lang]['bytes'])} ({b['pagefind'][lang]['requests']})"))
    rows.append((f"Phone profile, CPU throttled {CPU_THROTTLE}x (medians)", "", ""))
    for lang in t["material"]:
        for key, label in (("cold", "first query, from the tap on search"), ("warm", "a later query")):
            rows.append((f"{lang}: {label}", _ms(t["material"][lang][key]), _ms(t["pagefind"][lang][key])))
    build = data["build"]
    rows.append(("Index build", f"{build['material'].get('search_hooks_s', 0):.2f} s inside a "
                 f"{build['material'].get('build_s', 0):.1f} s `mkdocs build`",
                 f"{build['pagefind']['median_s']:.2f} s, separate step after the build"))
    rows.append(("Index on disk", f"{_kb(build['material_index_bytes'])} (2 JSON files)",
                 f"{_kb(build['pagefind_bundle']['bytes'])} ({build['pagefind_bundle']['files']} files)"))
    for lang, code in (("en", "en"), ("zh", "zh-hans")):
        own = build["pagefind_bundle"]["per_language"][code]
        rows.append((f"{lang}: all of the language's search, gzip (what saving it for offline takes)",
                     f"{_kb(build['material_index_gzip'][lang])} (search_index.json; scripts as above)",
                     f"{_kb(own['bytes'])} ({own['files']} files, scripts included)"))
    off, sw = data["offline_edition"], data["service_worker"]

    def works(value) -> str:
        if isinstance(value, int):
            return f"yes ({value} results)" if value > 0 else "no (0 results)"
        message = re.sub(r"^error: (Page\.evaluate: )?", "", str(value))
        return "no: " + re.sub(r"file://\S*/(pagefind/\S+)", r"\1", message)
    for lang, entry in off.items():
        rows.append((f"Offline edition from file://, {lang} ({entry['query']})", works(entry["material_results"]),
                     works(entry["pagefind_results"])))
    rows.append(("Service worker: saved module, offline, the query searched online", works(sw.get("offline_material_results")),
                 works(sw.get("offline_pagefind_same_query"))))
    rows.append(("Service worker: offline, a new query", works(sw.get("offline_material_results")),
                 works(sw.get("offline_pagefind_new_query"))))
    lines = ["| | Material (this checkout, as configured) | Pagefind 1.5.2 |", "|---|---|---|"]
    for label, a, c in rows:
        lines.append(f"| **{label}** | | |" if not a and not c else f"| {label} | {a} | {c} |")
    return "\n".join(lines)


def kinds_table(data: dict) -> str:
    lines = []
    fm, fp = data["figures"]["material"], data["figures"]["pagefind"]
    for lang in fm:
        lines += [f"**{lang}**, page in top 3 / section in top 3 / page first, Material → Pagefind:", "",
                  "| kind | queries | page in top 3 | section in top 3 | page first |", "|---|---|---|---|---|"]
        for kind, row in fm[lang]["kinds"].items():
            other = fp[lang]["kinds"][kind]
            lines.append(f"| {kind} | {row['n']} | {_pct(row['page_top3'])} → {_pct(other['page_top3'])} | "
                         f"{_pct(row['section_top3'])} → {_pct(other['section_top3'])} ({row['n_anchor']}) | "
                         f"{_pct(row['page_first'])} → {_pct(other['page_first'])} |")
        lines.append("")
    return "\n".join(lines)


def load_average() -> str:
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "?"


def machine_block(load: str) -> str:
    def run(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"
    lscpu = "\n".join(run("lscpu").splitlines()[:15])
    return (f"```\n$ date\n{run('date')}\n$ nproc\n{run('nproc')}\n$ lscpu | head -15\n{lscpu}\n```\n\n"
            f"Load average (1, 5, 15 min) at the end of the run: {load}. Other sessions shared this 2-core "
            "machine during the run: times are comparable between the engines (interleaved), not as absolute figures.")


def write_section(path: Path, section: str) -> None:
    """Replace (or append) this section of a report: from its heading to the next `## `.
    A hand-written "### Recommendation" in the old section is kept in place of the marker."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find("\n" + REPORT_HEADING)
    if start >= 0:
        end = text.find("\n## ", start + 1)
        old = text[start:end] if end >= 0 else text[start:]
        kept = old.find("\n" + RECOMMENDATION_HEADING)
        if kept >= 0 and RECOMMENDATION in section:
            section = section.replace(RECOMMENDATION, old[kept + 1:].strip("\n"))
        text = text[:start] + ("\n" + text[end + 1:] if end >= 0 else "")
    path.write_text(text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n", encoding="utf-8")


# ---------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_engines", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="built site (default: site/)")
    parser.add_argument("--queries", type=Path, default=search_eval.QUERIES)
    parser.add_argument("--runs", type=int, default=5, help="cold phone runs per language and engine, index builds")
    parser.add_argument("--json", type=Path, help="write every figure and outcome here")
    parser.add_argument("--report", type=Path, metavar="FILE", help="write the section into this report")
    parser.add_argument("--failures", type=int, default=8, metavar="N", help="worst queries to list per engine and language")
    parser.add_argument("--rerender", type=Path, metavar="JSON",
                        help="write the report section again from an earlier --json file (no measuring)")
    args = parser.parse_args(argv)
    if args.rerender:
        data = json.loads(args.rerender.read_text(encoding="utf-8"))
        table = comparison_table(data)
        print(table)
        if args.report:
            write_section(args.report, report_section(data, table))
        return 0
    if not (args.site / "search" / "search_index.json").is_file():
        print(f"{args.site} has no built site (run `make build`)", file=sys.stderr)
        return 2
    try:
        queries = search_eval.load_queries(args.queries)
    except (OSError, search_eval.QueryFileError) as error:
        print(error, file=sys.stderr)
        return 2
    problems = search_eval.missing_targets(args.site, queries)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    try:
        cli = ensure_pagefind()
    except (OSError, subprocess.SubprocessError) as error:
        print(f"could not install {PAGEFIND_PIN}: {error}", file=sys.stderr)
        return 2
    version = subprocess.run([*cli, "--version"], capture_output=True, text=True).stdout.strip()

    # the same built site for both engines: a copy with a Pagefind bundle beside Material's index
    shutil.rmtree(WORK, ignore_errors=True)
    site = WORK / "site"
    shutil.copytree(args.site, site)
    locations = material_locations(site)
    marked = mark_indexed_pages(site, locations)
    log(f"{marked} pages marked data-pagefind-body; indexing with {version}")
    build_times, output = [], ""
    for _ in range(max(args.runs, 1)):
        seconds, output = pagefind_index(cli, site)
        build_times.append(seconds)
    summary = re.findall(r"Indexed \d+ (?:languages|pages|words)|Discovered .*", output)
    log("material build timing (one in-process build)")
    material_build = material_build_time(WORK / "material-build")
    shutil.rmtree(WORK / "material-build", ignore_errors=True)

    log("offline edition (OFFLINE=true build)")
    offline_site = WORK / "site-offline"
    env = {**os.environ, "OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1",
           "PYTHONWARNINGS": "ignore:pkg_resources is deprecated:DeprecationWarning"}
    subprocess.run([PY, "-m", "mkdocs", "build", "--strict", "--site-dir", str(offline_site)], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=900)
    mark_indexed_pages(offline_site, material_locations(offline_site))
    pagefind_index(cli, offline_site)

    from playwright.sync_api import sync_playwright

    from bench.bench import StaticServer

    server = StaticServer(site)
    data: dict = {"pagefind_version": version, "marked_pages": marked, "index_summary": summary,
                  "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="minutes")}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=search_eval.CHROMIUM, headless=True,
                                        args=search_eval.CHROMIUM_ARGS)
            try:
                log(f"{len(queries)} queries through Material's search box")
                start = time.perf_counter()
                material = search_eval.run(server.url, queries, browser)
                seconds_m = time.perf_counter() - start
                log(f"{len(queries)} queries through pagefind.js")
                start = time.perf_counter()
                pagefind = run_pagefind(browser, server.url, queries)
                seconds_p = time.perf_counter() - start
                data["figures"] = {"material": search_eval.figures(material), "pagefind": search_eval.figures(pagefind)}
                data["eval_seconds"] = {"material": round(seconds_m, 1), "pagefind": round(seconds_p, 1)}

                log("first-query bytes and phone timings")
                exact = {lang: [q.query for q in queries if q.lang == lang and q.kind == "exact"]
                         for lang in LANGUAGE_ROOTS}
                data["bytes"], data["timing"], data["timing_raw"] = {}, {}, {}
                for engine in ("material", "pagefind"):
                    data["bytes"][engine] = {lang: first_query_bytes(browser, server, engine, lang, exact[lang][0])
                                             for lang in LANGUAGE_ROOTS}
                for lang in LANGUAGE_ROOTS:  # interleaved: engine by engine, run by run
                    for run_number in range(args.runs):
                        batch = exact[lang][run_number * 4:(run_number + 1) * 4] or exact[lang][:4]
                        for engine in ("material", "pagefind"):
                            result = phone_run(browser, server, engine, lang, batch)
                            raw = data["timing_raw"].setdefault(engine, {}).setdefault(lang, {"cold": [], "warm": []})
                            raw["cold"].append(result["cold_s"])
                            raw["warm"] += result["warm_s"]
                for engine, langs in data["timing_raw"].items():
                    data["timing"][engine] = {lang: {"cold": _median(v["cold"]), "warm": _median(v["warm"])}
                                              for lang, v in langs.items()}
                log("offline edition from file://")
                data["offline_edition"] = offline_edition(browser, offline_site)
                log("service worker")
                data["service_worker"] = service_worker(browser, server)
            finally:
                browser.close()
    finally:
        server.stop()
    index_bytes = sum((site / root / "search" / "search_index.json").stat().st_size for root in LANGUAGE_ROOTS.values())
    data["build"] = {"pagefind": {"runs_s": [round(s, 3) for s in build_times], "median_s": _median(build_times)},
                     "material": material_build, "material_index_bytes": index_bytes,
                     "pagefind_bundle": bundle_sizes(site / "pagefind"),
                     "material_index_gzip": {lang: _gzip_size(site / root / "search" / "search_index.json")
                                             for lang, root in LANGUAGE_ROOTS.items()}}
    data["load_after"] = load_average()
    table = comparison_table(data)
    print(table)
    print()
    print(kinds_table(data))
    print(json.dumps({k: data[k] for k in ("bytes", "offline_edition", "service_worker", "build")},
                     ensure_ascii=False, indent=1, default=str))
    failures = {}
    for engine, outcomes in (("material", material), ("pagefind", pagefind)):
        for lang in LANGUAGE_ROOTS:
            failures[f"{engine} {lang}"] = [search_eval.describe(o) for o in search_eval.worst(outcomes, lang, args.failures)]
    data["worst"] = failures
    if args.json:
        data["outcomes"] = {"material": [o.__dict__ | {"query": o.query.__dict__} for o in material],
                            "pagefind": [o.__dict__ | {"query": o.query.__dict__} for o in pagefind]}
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    if args.report:
        write_section(args.report, report_section(data, table))
    return 0


RECOMMENDATION_HEADING = "### Recommendation"
RECOMMENDATION = "<!-- recommendation: written by hand after the run, under a '### Recommendation' heading -->"


def report_section(data: dict, table: str) -> str:
    lines = [REPORT_HEADING, "",
             "Generated by `python -m bench.search_engines --report bench/REPORT.md` (about 6 minutes on 2 cores; not by "
             "`make bench`, which keeps this section). Material's search is measured as the checkout it runs in "
             "configures it (its worker prelude, index and glossary): re-run after a change to search. "
             f"{data['pagefind_version']} from PyPI `{PAGEFIND_PIN}`, installed into the git-ignored "
             "`bench/tools/pagefind-venv`, never into the product's requirements.", "",
             machine_block(data.get("load_after", "?")), "",
             f"Both engines ran on one copy of the built site (`bench/work/engines/site`): Material's "
             f"index as built, and a Pagefind bundle in `pagefind/` built from the same pages "
             f"({data['marked_pages']} articles marked `data-pagefind-body`, the pages Material's index holds; "
             f"`--exclude-selectors \"{EXCLUDE}\"`; {', '.join(data['index_summary'])}). "
             f"{sum(v['all']['n'] for v in data['figures']['material'].values())} queries from "
             "`tests/data/search_queries.tsv`, scored with `bench.search_eval`'s functions: Material through its search "
             "box, Pagefind through `pagefind.js` (`search()`, then `data()` of the first five results; "
             "sections are the sub-results Pagefind's default UI would show: at most three per page, most "
             "matches first, in page order). Bytes: a fresh phone context on the language's home page, one "
             "query, page load included: the search files that the browser's network log shows (web workers' "
             "fetches included), with the bytes the static server sent for them (headers + gzip body, as "
             "GitHub Pages compresses; Pagefind's chunks are gzip files already). Material's worker and lunr "
             "scripts load with every page and are counted. Times: "
             f"{len(next(iter(data['timing_raw']['material'].values()))['cold'])} fresh phone contexts "
             f"per language and engine, interleaved, CPU throttled {CPU_THROTTLE}x "
             "(`Emulation.setCPUThrottlingRate`), local server, no network throttling; *first query* is from the "
             "tap on the search button (Material: the deferred index loads then) or the `import()` of "
             "pagefind.js to the first result; *a later query* is the next three queries in the same tab. "
             "Pagefind's times are to the first result's data, not to a rendered list; its default UI "
             f"(pagefind-ui.js + css) would add {_kb(data['build']['pagefind_bundle']['ui_gzip_bytes'])} gzip.", "",
             table, "", kinds_table(data),
             "Service worker details: " + json.dumps(data["service_worker"], ensure_ascii=False), "",
             "Worst-failing queries per engine (expected page missing, then ranked low, then wrong section):", ""]
    for key, items in data["worst"].items():
        lines += [f"- **{key}**: " + "; ".join(items[:5])]
    lines += ["", RECOMMENDATION, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
