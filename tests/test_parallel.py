"""hwsite.parallel: the checkers' per-file work in worker processes gives the same result,
in the same order, as one process."""

from __future__ import annotations

import os

from hwsite import parallel, parity


def test_results_keep_the_order_of_the_items_and_come_from_workers():
    items = list(range(450))
    results = parallel.map_in_processes(lambda n: (n * n, os.getpid()), items, jobs=2)
    assert [square for square, _ in results] == [n * n for n in items]
    assert os.getpid() not in {pid for _, pid in results}  # worked in forked processes


def test_small_inputs_and_one_job_stay_in_this_process():
    for items, jobs in ((list(range(parallel.MIN_ITEMS - 1)), 2), (list(range(450)), 1)):
        assert {pid for pid in parallel.map_in_processes(lambda n: os.getpid(), items, jobs)} == {os.getpid()}


def test_parity_report_is_the_same_in_two_processes(tmp_path):
    en, zh = tmp_path / "docs", tmp_path / "docs_zh"
    for index in range(230):
        (en / f"s{index % 7}").mkdir(parents=True, exist_ok=True)
        (zh / f"s{index % 7}").mkdir(parents=True, exist_ok=True)
        (en / f"s{index % 7}/p{index}.md").write_text(
            f"---\ntitle: P{index}\n---\n# P{index}\n\n## A {{#a}}\n\n[x](p{index + 1}.md)\n", encoding="utf-8")
        if index % 11:  # some pages have no translation
            heading = "## A {#b}" if index % 5 == 0 else "## A {#a}"
            (zh / f"s{index % 7}/p{index}.md").write_text(
                f"---\ntitle: 页{index}\n---\n# 页{index}\n\n{heading}\n\n[x](p{index + 1}.md)\n", encoding="utf-8")
    (zh / "orphan.md").write_text("# 孤\n", encoding="utf-8")
    one = parity.check_trees(en, zh, jobs=1)
    two = parity.check_trees(en, zh, jobs=2)
    assert len(one.pages) == 231 and {f.kind for f in one.findings} >= {
        "heading-mismatch", "missing-translation", "orphan-translation", "outdated"}
    assert (two.findings, two.pages) == (one.findings, one.pages)


def test_lint_output_is_the_same_in_two_processes(tmp_path, capsys, monkeypatch):
    import lint_content

    monkeypatch.chdir(tmp_path)
    for index in range(110):
        head = f"---\ntitle: P{index}\ndescription: A page long enough to describe itself in search results.\n---\n"
        cite = " [@who-2003-sharps-ebd]" if index % 9 else ""
        (tmp_path / "docs").mkdir(exist_ok=True)
        (tmp_path / "docs_zh").mkdir(exist_ok=True)
        (tmp_path / f"docs/p{index}.md").write_text(f"{head}# P{index}\n\nText 37%{cite}.\n", encoding="utf-8")
        (tmp_path / f"docs_zh/p{index}.md").write_text(
            f"{head}# 页{index}\n\n文字 HealthWISE 培训,37%[@who-2003-sharps-ebd]。\n", encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        code = lint_content.main(["docs", "docs_zh", "--format", "json", "--jobs", jobs])
        outputs.append((code, capsys.readouterr().out))
    assert outputs[0] == outputs[1]
    found = {f["code"] for f in __import__("json").loads(outputs[0][1])["findings"]}
    assert {"citations-differ-between-languages", "cjk-latin-space", "halfwidth-punctuation"} <= found
