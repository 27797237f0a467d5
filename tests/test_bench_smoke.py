"""Smoke test of the benchmark's site generator (bench/gen_site.py): a 5-page site is a
valid bilingual tree. No timing here: bench/bench.py measures, tests only check shape."""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT

GEN = [sys.executable, str(ROOT / "bench" / "gen_site.py")]
HEADING = re.compile(r"^#{1,6} .*?\{#([^}\s]+)\}\s*$", re.M)
SPAN_ID = re.compile(r'<span id="([^"]+)"></span>')
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n", 2)[1])


class _AnyTag(yaml.SafeLoader):
    """mkdocs.yml uses !ENV and !!python/object tags: read them as plain values."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: None)


def test_five_pages_make_a_valid_bilingual_tree(tmp_path):
    target = tmp_path / "site"
    result = subprocess.run([*GEN, str(target), "--pages", "5"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr

    en = sorted(p.relative_to(target / "docs").as_posix() for p in (target / "docs").rglob("*.md"))
    zh = sorted(p.relative_to(target / "docs_zh").as_posix() for p in (target / "docs_zh").rglob("*.md"))
    assert len(en) == 5 and en == zh
    assert "index.md" in en and "modules/index.md" in en  # the theme's 404 page links to modules/
    assert any(rel.endswith("术语.md") for rel in en)

    from hwsite import parity

    for rel in en:
        en_text = (target / "docs" / rel).read_text(encoding="utf-8")
        zh_text = (target / "docs_zh" / rel).read_text(encoding="utf-8")
        en_meta, zh_meta = _front_matter(en_text), _front_matter(zh_text)
        assert en_meta["title"] and zh_meta["title"] and en_meta["title"] != zh_meta["title"]
        assert en_meta["description"] and zh_meta["description"]
        assert zh_meta["translated_from"] == parity.english_version(en_text)
        en_ids, zh_ids = HEADING.findall(en_text), HEADING.findall(zh_text)
        assert en_ids and en_ids == zh_ids, rel
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in en_ids)  # ASCII heading ids
        assert SPAN_ID.findall(en_text) == SPAN_ID.findall(zh_text)
        assert re.search(r"[\u4e00-\u9fff]{8}", zh_text), "Chinese body text expected"
        assert LINK.findall(en_text) == [t.replace(".zh.svg", ".svg") for t in LINK.findall(zh_text)]
        # every internal link points at a file of the tree, and every anchor at a heading id
        for target_ref in LINK.findall(en_text):
            if target_ref.startswith("https://"):
                continue
            path, _, anchor = target_ref.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
            assert (target / "docs" / resolved).is_file(), (rel, target_ref)
            if anchor:
                text = (target / "docs" / resolved).read_text(encoding="utf-8")
                assert anchor in HEADING.findall(text) + SPAN_ID.findall(text), (rel, target_ref)

    project = yaml.load((target / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_AnyTag)
    plugin = next(p["hwsite"] for p in project["plugins"] if isinstance(p, dict) and "hwsite" in p)
    assert "hooks" not in project
    data = [*plugin["strings_dirs"], plugin["glossary"], plugin["parity_config"], plugin["sources"]]
    assert all(Path(path).is_absolute() and Path(path).exists() for path in data)
    assert Path(project["theme"]["custom_dir"]) == ROOT / "overrides"
    assert "nav" not in project
    plain = yaml.load((target / "mkdocs.plain.yml").read_text(encoding="utf-8"), Loader=_AnyTag)
    assert "custom_dir" not in plain["theme"]
    assert not any(p == "hwsite" or isinstance(p, dict) and "hwsite" in p for p in plain["plugins"])
    assert plain["docs_dir"] == "plain_docs"
    assert (target / "plain_docs" / "zh" / en[0]).is_file()  # zh -> ../docs_zh


def test_generation_is_deterministic_and_refuses_bad_input(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for target in (a, b):
        assert subprocess.run([*GEN, str(target), "--pages", "6"], capture_output=True, cwd=ROOT).returncode == 0
    for path in (a / "docs_zh").rglob("*.md"):
        assert path.read_bytes() == (b / "docs_zh" / path.relative_to(a / "docs_zh")).read_bytes()

    too_few = subprocess.run([*GEN, str(tmp_path / "c"), "--pages", "4"], capture_output=True, text=True, cwd=ROOT)
    assert too_few.returncode == 2 and "at least 5" in too_few.stderr and "Traceback" not in too_few.stderr
    exists = subprocess.run([*GEN, str(a), "--pages", "5"], capture_output=True, text=True, cwd=ROOT)
    assert exists.returncode == 2 and "--force" in exists.stderr


def _lh_run(performance, index, tbt):
    return {"scores": {"performance": performance, "accessibility": 100}, "metrics": {"TBT ms": tbt},
            "benchmark_index": index, "lighthouse": "12.8.2", "form_factor": "mobile",
            "throttling": "simulate", "cpu_slowdown": 4}


def test_lighthouse_medians_come_from_runs_on_reference_hardware():
    from bench import bench  # `python -m pytest` from the repository root, as make test runs it

    slow, fast = bench.LH_REFERENCE_INDEX - 700, bench.LH_REFERENCE_INDEX + 100
    runs = [_lh_run(80, slow, 600), _lh_run(99, fast, 90), _lh_run(97, fast, 150), _lh_run(82, slow, 500),
            {"error": "exit 1"}]
    summary = bench.lighthouse_summary(runs)
    assert summary["runs"] == 4 and summary["reference_runs"] == 2 and summary["on_reference_hardware"]
    assert summary["scores_median"]["performance"] == 98
    assert summary["metrics_median"]["TBT ms"] == 120
    assert summary["all_runs_scores_median"]["performance"] == 89.5
    assert summary["benchmark_index"] == [slow, fast, fast, slow]
    # no run on reference hardware: medians over all runs, and the report says so
    only_slow = bench.lighthouse_summary([_lh_run(80, slow, 600), _lh_run(84, slow, 400)])
    assert not only_slow["on_reference_hardware"] and only_slow["scores_median"]["performance"] == 82
    assert bench.lighthouse_summary([{"error": "exit 1"}]) == {"error": "exit 1"}


def test_generated_pages_pass_the_content_lint(tmp_path):
    """The lint's workload in the bench is a clean site, as an editor's pull request should
    be: no finding to print (review dates had been drawn from 2026, later than today for
    some pages)."""
    target = tmp_path / "site"
    result = subprocess.run([*GEN, str(target), "--pages", "50"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    lint = subprocess.run([sys.executable, str(ROOT / "scripts" / "lint_content.py"),
                           str(target / "docs"), str(target / "docs_zh")],
                          capture_output=True, text=True, cwd=ROOT)
    assert lint.returncode == 0 and "0 errors, 0 warnings" in lint.stdout, lint.stdout[-2000:]


def test_the_report_names_the_chinese_font_only_when_one_covers_chinese(monkeypatch):
    """fc-match always names a font, even on a machine without any Chinese one; the bench
    then reports none (its Chinese pages are drawn as boxes and lay out slower)."""
    from bench import bench

    def fontconfig(family: str, zh_fonts: str):
        def run(cmd, **_):
            out = family if cmd[0] == "fc-match" else zh_fonts
            return subprocess.CompletedProcess(cmd, 0, stdout=out, stderr="")
        return run

    monkeypatch.setattr(bench.subprocess, "run", fontconfig("Noto Sans CJK SC", "Noto Sans CJK SC,Noto Sans CJK JP\n"))
    assert bench.chinese_font() == "Noto Sans CJK SC"
    monkeypatch.setattr(bench.subprocess, "run", fontconfig("DejaVu Sans", ""))
    assert bench.chinese_font() is None

    def missing(cmd, **_):
        raise FileNotFoundError(cmd[0])
    monkeypatch.setattr(bench.subprocess, "run", missing)
    assert bench.chinese_font() is None


def test_the_report_rates_each_checker_against_reading_the_files():
    """Issue 19's goal for the checkers: within 10x of reading every Markdown file."""
    from bench import bench

    def tool(seconds):
        return {"wall_median_s": seconds, "peak_rss_median_mb": 30, "rc": [0], "last_line": "ok", "runs": 3}

    data = {"pages_per_language": 2000, "markdown_files": 4000,
            "tools": {"check_parity.py": tool(1.0), "lint_content.py": tool(1.3),
                      "lower bound: read every .md file": tool(0.125)}}
    goals = [line for line in bench._report_lint(data) if line.startswith("- Goal")]
    assert goals == ["- Goal (issue 19): check_parity.py within 10× of reading the files: 8.0× → **met**.",
                     "- Goal (issue 19): lint_content.py within 10× of reading the files: 10.4× → **not met**."]
