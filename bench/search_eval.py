"""Search quality as readers get it: every query of tests/data/search_queries.tsv is typed
into Material's search box of the built site in headless Chromium, and the ranked result
links are scored against the page (and section) the query should find.

Run from the repository root after `make build`: `python -m bench.search_eval [--site DIR]
[--queries TSV] [--heldout TSV] [--json FILE] [--failures N] [--report bench/REPORT.md]`
(--report writes the "Search quality" section at the end of that file, replacing an earlier
one). The held-out set (tests/data/search_queries_heldout.tsv) is typed in the same run and
reported as figures only: its failing queries are not listed, so that nobody tunes on them. Exit codes: 0 measured, 2 bad input (no
built site, unreadable or malformed query file). tests/test_search_quality.py uses the same
functions and asserts a floor.

What is measured, per query (one browser, one tab per language, the query cleared and
retyped, never reloaded):
- page in top 3: the expected page is one of the first three result items (Material shows
  one item per page, ranked by its best score);
- page first: it is the first item;
- section in top 3: for queries with an anchor, page#anchor is one of the first three
  section links a reader sees without opening a "more on this page" fold, in display order
  (item by item, sections within an item as Material orders them).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "data" / "search_queries.tsv"
# written from the pages before a round of tuning and never tuned on: whether the changes
# generalise. Its figures are reported, its failing queries are not listed (no tuning on them).
HELDOUT = ROOT / "tests" / "data" / "search_queries_heldout.tsv"
COLUMNS = ["lang", "query", "page", "anchor", "kind", "note"]
KINDS = ("exact", "partial", "colloquial", "abbreviation", "question", "two-word", "typo")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [  # as tests/conftest.py
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Where each language's pages live under the site root (the query file's `lang` column).
LANGUAGE_ROOTS = {"en": "", "zh": "zh/"}
TIMEOUT_MS = 15000

# Reads the result list once Material has rendered the answer to the current query: the
# meta line, blanked before typing, shows a count or "none" again.
_READ_RESULTS = """placeholder => {
  const meta = document.querySelector('.md-search-result__meta');
  if (!meta) return null;
  const text = meta.textContent.trim();
  if (!text || text === placeholder) return null;
  const items = [...document.querySelectorAll('li.md-search-result__item')];
  if (items.length === 0 && document.querySelector('.md-search-result__list').children.length) return null;
  return {meta: text, items: items.map(li => ({
    links: [...li.querySelectorAll(':scope > a.md-search-result__link')].map(a => a.href),
    more: [...li.querySelectorAll(':scope > details a.md-search-result__link')].map(a => a.href),
  }))};
}"""


@dataclass(frozen=True)
class Query:
    lang: str
    query: str
    page: str  # path under the language root, e.g. modules/03-biological-hazards/; "" home
    anchor: str  # section id on that page, or ""
    kind: str
    note: str = ""


@dataclass
class Outcome:
    query: Query
    pages: list[str]  # result items in rank order: each item's page
    sections: list[str]  # visible section links in display order: "page#anchor"
    seconds: float
    meta: str = ""

    @property
    def page_top3(self) -> bool:
        return self.query.page in self.pages[:3]

    @property
    def page_first(self) -> bool:
        return bool(self.pages) and self.pages[0] == self.query.page

    @property
    def section_top3(self) -> bool | None:
        if not self.query.anchor:
            return None
        return f"{self.query.page}#{self.query.anchor}" in self.sections[:3]

    def rank(self) -> int | None:
        """1-based rank of the expected page, None when absent."""
        return self.pages.index(self.query.page) + 1 if self.query.page in self.pages else None


class QueryFileError(ValueError):
    """The query file is malformed (the message names the line)."""


def load_queries(path: Path = QUERIES) -> list[Query]:
    """The queries of a UTF-8 TSV file with a header row (see COLUMNS)."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != COLUMNS:
        raise QueryFileError(f"{path}:1: header must be {' '.join(COLUMNS)}")
    queries, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) != len(COLUMNS):
            raise QueryFileError(f"{path}:{number}: {len(row)} columns, expected {len(COLUMNS)}")
        cells = [cell.strip() for cell in row]
        if cells[2] == "/":  # the language's home page
            cells[2] = ""
        query = Query(*cells)
        if query.lang not in LANGUAGE_ROOTS:
            raise QueryFileError(f"{path}:{number}: unknown lang {query.lang!r}")
        if query.kind not in KINDS:
            raise QueryFileError(f"{path}:{number}: kind {query.kind!r} is not one of {', '.join(KINDS)}")
        if not query.query or query.page and (not query.page.endswith("/") or query.page.startswith("/")):
            raise QueryFileError(f"{path}:{number}: needs a query and a page path like "
                                 "modules/03-biological-hazards/ (/ for the home page)")
        if (query.lang, query.query) in seen:
            raise QueryFileError(f"{path}:{number}: duplicate query {query.query!r}")
        seen.add((query.lang, query.query))
        queries.append(query)
    return queries


def missing_targets(site: Path, queries: list[Query]) -> list[str]:
    """Expected pages or section ids that the built site does not have (a query file
    error that would otherwise count as a search failure)."""
    problems, pages = [], {}
    for query in queries:
        file = site / LANGUAGE_ROOTS[query.lang] / query.page / "index.html"
        if file not in pages:
            pages[file] = file.read_text(encoding="utf-8") if file.is_file() else None
        html = pages[file]
        if html is None:
            problems.append(f"{query.lang} {query.query!r}: no page {query.page or '/'}")
        elif query.anchor and f'id="{query.anchor}"' not in html:
            problems.append(f"{query.lang} {query.query!r}: no id {query.anchor!r} on {query.page or '/'}")
    return problems


def _relative(href: str, lang_root_path: str) -> tuple[str, str]:
    """(page, anchor) of a result link, the page relative to the language root."""
    parts = urlsplit(href)
    path = parts.path
    page = path[len(lang_root_path):] if path.startswith(lang_root_path) else path
    return page, parts.fragment


class SearchSession:
    """One headless Chromium with one tab per language, each on the language's home page
    with the search box focused; `search()` clears and retypes the query."""

    def __init__(self, site_url: str, browser=None):
        self.site_url = site_url if site_url.endswith("/") else site_url + "/"
        self._browser = browser
        self._playwright = None
        self._tabs: dict[str, tuple] = {}

    def __enter__(self) -> SearchSession:
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            self._owns_browser = True
        else:
            self._owns_browser = False
        self._context = self._browser.new_context(viewport={"width": 1280, "height": 900})
        return self

    def __exit__(self, *exc) -> None:
        self._context.close()
        if self._owns_browser:
            self._browser.close()
            self._playwright.stop()

    def _tab(self, lang: str):
        if lang not in self._tabs:
            page = self._context.new_page()
            page.goto(self.site_url + LANGUAGE_ROOTS[lang], wait_until="networkidle")
            placeholder = page.evaluate(
                "JSON.parse(document.getElementById('__config').textContent)"
                ".translations['search.result.placeholder']")
            box = page.locator("input.md-search__input")
            box.click()
            # the index loads on first focus: wait until Material is ready for a query
            page.wait_for_function(
                "p => document.querySelector('.md-search-result__meta').textContent.trim() === p",
                arg=placeholder, timeout=TIMEOUT_MS)
            root_path = urlsplit(self.site_url + LANGUAGE_ROOTS[lang]).path
            self._tabs[lang] = (page, box, placeholder, root_path)
        return self._tabs[lang]

    def search(self, query: Query) -> Outcome:
        page, box, placeholder, root_path = self._tab(query.lang)
        start = time.perf_counter()
        # Blank the meta line, then type: Material rewrites it (count or "none") together
        # with the list when the answer to this query is rendered. fill() replaces the box's
        # text (the previous query is cleared); Material reads the box on keyup.
        page.evaluate("document.querySelector('.md-search-result__meta').textContent = ''")
        box.fill(query.query)
        box.press("End")
        handle = page.wait_for_function(_READ_RESULTS, arg=placeholder, timeout=TIMEOUT_MS)
        found = handle.json_value()
        seconds = time.perf_counter() - start
        pages, sections = [], []
        for item in found["items"]:
            links = [_relative(href, root_path) for href in item["links"]]
            if not links:
                continue
            pages.append(links[0][0])
            sections += [f"{p}#{a}" for p, a in links if a]
        return Outcome(query, pages, sections, seconds, found["meta"])


def run(site_url: str, queries: list[Query], browser=None) -> list[Outcome]:
    """Every query through the site's search, in file order."""
    with SearchSession(site_url, browser) as session:
        return [session.search(q) for q in queries]


def _percent(values: list[bool]) -> float | None:
    return round(100 * sum(values) / len(values), 1) if values else None


def figures(outcomes: list[Outcome]) -> dict:
    """{lang: {"all": {...}, "kinds": {kind: {...}}}} with n, page_top3, section_top3
    (of the queries with an anchor; n_anchor), page_first, as percentages."""
    def summary(group: list[Outcome]) -> dict:
        anchored = [o.section_top3 for o in group if o.section_top3 is not None]
        return {"n": len(group), "page_top3": _percent([o.page_top3 for o in group]),
                "section_top3": _percent(anchored), "n_anchor": len(anchored),
                "page_first": _percent([o.page_first for o in group])}

    by_lang: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_lang[outcome.query.lang].append(outcome)
    result = {}
    for lang, group in by_lang.items():
        kinds: dict[str, list[Outcome]] = defaultdict(list)
        for outcome in group:
            kinds[outcome.query.kind].append(outcome)
        result[lang] = {"all": summary(group),
                        "kinds": {k: summary(kinds[k]) for k in KINDS if k in kinds}}
    return result


def worst(outcomes: list[Outcome], lang: str, count: int = 10) -> list[Outcome]:
    """The worst-failing queries of a language: expected page absent before ranked low,
    then wrong section; file order within each group."""
    def badness(o: Outcome) -> tuple:
        rank = o.rank()
        return (0 if rank is None else 1, -(rank or 0), o.section_top3 is not False)
    failing = [o for o in outcomes if o.query.lang == lang
               and (not o.page_top3 or o.section_top3 is False)]
    return sorted(failing, key=badness)[:count]


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def markdown(result: dict) -> str:
    """Tables of the figures, one per language, a row per kind."""
    lines = []
    for lang, data in result.items():
        lines += [f"**{lang}** ({data['all']['n']} queries)", "",
                  "| kind | queries | page in top 3 | section in top 3 (with anchor) | page first |",
                  "|---|---|---|---|---|"]
        for name, row in [("all", data["all"]), *data["kinds"].items()]:
            label = f"**{name}**" if name == "all" else name
            lines.append(f"| {label} | {row['n']} | {_fmt(row['page_top3'])} % | "
                         f"{_fmt(row['section_top3'])} % ({row['n_anchor']}) | {_fmt(row['page_first'])} % |")
        lines.append("")
    return "\n".join(lines)


def describe(outcome: Outcome) -> str:
    q = outcome.query
    want = q.page + (f"#{q.anchor}" if q.anchor else "")
    got = ", ".join(p or "(home)" for p in outcome.pages[:3]) or outcome.meta
    sections = ", ".join(outcome.sections[:3])
    return f"{q.query!r} [{q.kind}] want {want}; got {got}" + (f"; sections {sections}" if sections else "")


REPORT_HEADING = "## Search quality, query set v1"


def _machine() -> str:
    def run(*command: str) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return "?"
    model = next((line.split(":", 1)[1].strip() for line in run("lscpu").splitlines()
                  if line.startswith("Model name")), "?")
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"
    return (f"{run('date', '-u', '+%Y-%m-%d %H:%M UTC')}; {model}, {run('nproc')} cores (nproc); "
            f"Linux {platform.release()}; load average (1, 5, 15 min) at the end {load}")


def heldout_markdown(result: dict) -> str:
    """One row per language: the held-out set's figures."""
    lines = ["| held-out set | queries | page in top 3 | section in top 3 (with anchor) | page first |",
             "|---|---|---|---|---|"]
    for lang, data in result.items():
        row = data["all"]
        lines.append(f"| {lang} | {row['n']} | {_fmt(row['page_top3'])} % | "
                     f"{_fmt(row['section_top3'])} % ({row['n_anchor']}) | {_fmt(row['page_first'])} % |")
    return "\n".join(lines) + "\n"


def report_section(result: dict, outcomes: list[Outcome], seconds: float, failures: int,
                   heldout: dict | None = None) -> str:
    """The REPORT.md section: machine, figures per language and kind, worst queries, and the
    held-out set's figures (without its queries)."""
    count = len(outcomes)
    typed = count + sum(data["all"]["n"] for data in (heldout or {}).values())
    lines = [REPORT_HEADING, "",
             f"Generated by `python -m bench.search_eval --report bench/REPORT.md` (not by `make bench`; "
             f"`make bench` keeps this section). {_machine()}.", "",
             f"{count} queries from `tests/data/search_queries.tsv`, written from the pages' topics "
             "(headings, checkpoints, glossary) the way health workers, trainers and managers type them, "
             "each typed into Material's search box of the built site in headless Chromium "
             f"(one browser, one tab per language, the box cleared and retyped): {seconds:.0f} s in all "
             f"for {typed} queries with the held-out set ({1000 * seconds / max(typed, 1):.0f} ms a query, "
             "load included). "
             "*Page in top 3*: the expected page is one of the first three result items; *section in top 3*: "
             "page#anchor is one of the first three section links shown (not folded under \"more on this "
             "page\"), of the queries that name a section; *page first*: the expected page is the first item. "
             "Floors in `tests/test_search_quality.py`.", "",
             markdown(result)]
    if heldout:
        lines += [f"The held-out set (`{HELDOUT.relative_to(ROOT)}`), typed the same way in the same run; "
                  "written before a round of tuning and not tuned on, so that a change that only fits "
                  "the queries above shows here:", "", heldout_markdown(heldout)]
    for lang in result:
        lines += [f"Worst-failing {lang} queries (expected page missing, then ranked low, then wrong section):", ""]
        lines += [f"- {describe(o)}" for o in worst(outcomes, lang, failures)]
        lines.append("")
    return "\n".join(lines)


def write_report_section(path: Path, section: str) -> None:
    """Replace the search section of a report in place (up to the next `## ` heading, so the
    sections after it, such as bench.search_engines', stay), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find("\n" + REPORT_HEADING)
    if start < 0:
        path.write_text(text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n", encoding="utf-8")
        return
    end = text.find("\n## ", start + 1)
    rest = text[end:] if end >= 0 else ""
    path.write_text(text[:start].rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n" + rest, encoding="utf-8")


def kept_report_section(path: Path) -> str:
    """The search section of an existing report and the sections after it (for bench.py,
    which rewrites the rest)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start = text.find("\n" + REPORT_HEADING)
    return text[start:] if start >= 0 else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="built site (default: site/)")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="query file (default: tests/data/search_queries.tsv)")
    parser.add_argument("--json", type=Path, help="write every outcome and the figures here")
    parser.add_argument("--failures", type=int, default=10, metavar="N", help="worst queries to list per language")
    parser.add_argument("--heldout", type=Path, default=HELDOUT,
                        help="held-out query file, figures only (default: tests/data/search_queries_heldout.tsv "
                             "when it exists; --heldout '' for none)")
    parser.add_argument("--report", type=Path, metavar="FILE",
                        help="write the search section at the end of this report (bench/REPORT.md)")
    args = parser.parse_args(argv)
    if not (args.site / "search" / "search_index.json").is_file():
        print(f"{args.site} has no built site (run `make build`)", file=sys.stderr)
        return 2
    heldout_path = args.heldout if str(args.heldout) not in ("", ".") else None
    if heldout_path == HELDOUT and not HELDOUT.exists() or heldout_path and heldout_path.resolve() == args.queries.resolve():
        heldout_path = None
    try:
        queries = load_queries(args.queries)
        heldout = load_queries(heldout_path) if heldout_path else []
    except (OSError, QueryFileError) as error:
        print(error, file=sys.stderr)
        return 2

    problems = missing_targets(args.site, queries + heldout)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 2
    from bench.bench import StaticServer  # the GitHub-Pages-like server the benchmark uses

    server = StaticServer(args.site)
    try:
        start = time.perf_counter()
        outcomes = run(server.url, queries + heldout)
        elapsed = time.perf_counter() - start
    finally:
        server.stop()
    outcomes, heldout_outcomes = outcomes[:len(queries)], outcomes[len(queries):]
    result = figures(outcomes)
    heldout_result = figures(heldout_outcomes) if heldout_outcomes else None
    print(markdown(result))
    if heldout_result:
        print(f"Held-out set, {heldout_path}:\n" + heldout_markdown(heldout_result))
    print(f"{len(queries) + len(heldout)} queries in {elapsed:.1f} s")
    for lang in result:
        print(f"\nWorst {lang}:")
        for outcome in worst(outcomes, lang, args.failures):
            print("  " + describe(outcome))
    if args.report:
        write_report_section(args.report, report_section(result, outcomes, elapsed, args.failures, heldout_result))
    if args.json:
        args.json.write_text(json.dumps({"figures": result, "seconds": round(elapsed, 1),
                                         "outcomes": [asdict(o) for o in outcomes],
                                         "heldout_figures": heldout_result},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
