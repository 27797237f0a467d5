"""Tests of scripts/lint_content.py and hwsite/lint_rules: for every rule a fixture that
triggers it and one that must not, the robustness cases, --only, --strict and --fix."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest

import lint_content
from hwsite.glossary import load_glossary
from hwsite.lint_rules import CODES, RULE_SETS
from hwsite.lint_rules.common import classify

GLOSSARY = """\
terms:
  - en: needlestick injury
    zh: 针刺伤
    pinyin: zhen ci shang
    def_en: An injury from a used needle.
    def_zh: 被用过的针头刺伤。
    deprecated_zh: [针扎伤, 针头刺伤]
    deprecated_en: [needle-stick injury, needle stick injury]
  - en: personal protective equipment
    zh: 个人防护用品
    pinyin: ge ren fang hu yong pin
    def_en: Equipment worn to protect against a hazard.
    def_zh: 为防护危害而穿戴的用品。
    deprecated_zh: [个体防护装备, 个人防护装备]
  - en: hand hygiene
    zh: 手卫生
    pinyin: shou wei sheng
    def_en: Cleaning hands.
    def_zh: 清洁双手。
"""

EN_MODULE_FM = """\
---
title: "Module 3: Biological hazards"
description: "Low-cost checkpoints to protect health workers from needlestick injuries and infections."
module: 3
last_reviewed: 2026-11-22
sources:
  - "ILO/WHO, HealthWISE Action Manual, 2014"
---
"""
ZH_MODULE_FM = """\
---
title: "模块3：生物危害与感染控制"
description: "用低成本的检查点保护医务人员免受针刺伤和感染。"
module: 3
last_reviewed: 2026-11-22
sources:
  - "国际劳工组织/世界卫生组织，HealthWISE行动手册，2014年"
---
"""
EN_MODULE = "modules/03-biological-hazards.md"


def en_page(body: str, front: str = EN_MODULE_FM, title: str = "Module 3: Biological hazards") -> str:
    return f"{front}\n# {title}\n\n{body}"


def zh_page(body: str, front: str = ZH_MODULE_FM, title: str = "模块3：生物危害与感染控制") -> str:
    return f"{front}\n# {title}\n\n{body}"


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing needle (computed from the fixture,
    independently of the linter)."""
    hits = [n for n, line in enumerate(text.split("\n"), start=1) if needle in line]
    return hits[occurrence - 1]


@dataclass
class Result:
    code: int
    out: object
    err: str

    @property
    def found(self) -> list[tuple[str, int | None]]:
        return [(f["code"], f["line"]) for f in self.out["findings"]]

    def messages(self, code: str) -> list[str]:
        return [f["message"] for f in self.out["findings"] if f["code"] == code]


@pytest.fixture
def lint(tmp_path, capsys, monkeypatch):
    """lint({rel: text or bytes}, *args, fmt=...) -> Result, run in tmp_path."""
    monkeypatch.chdir(tmp_path)
    glossary = tmp_path / "glossary.yml"
    glossary.write_text(GLOSSARY, encoding="utf-8")

    def run(files: dict, *args: str, fmt: str = "json", paths: list[str] | None = None) -> Result:
        for rel, content in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        capsys.readouterr()
        code = lint_content.main([*(paths if paths is not None else list(files)),
                                  "--glossary", str(glossary), "--format", fmt, *args])
        out = capsys.readouterr()
        return Result(code, json.loads(out.out) if fmt == "json" else out.out, out.err)
    return run


# ---------------------------------------------------------------- clean pages

def test_clean_pages_have_no_findings(lint):
    body = ("## Overview {#overview}\n\nKeep a sharps container within reach "
            "([ILO](https://www.ilo.org/)).\n")
    zh_body = ("## 概述 {#overview}\n\n把锐器盒放在伸手可及的地方，预防针刺伤（国际劳工组织，2014年）。"
               "HealthWISE培训于2014年开始，见[模块1](01-occupational-hazards.md)。\n")
    result = lint({f"docs/{EN_MODULE}": en_page(body), f"docs_zh/{EN_MODULE}": zh_page(zh_body)})
    assert (result.code, result.found, result.err) == (0, [], "")
    assert result.out["summary"] == {"files": 2, "errors": 0, "warnings": 0, "fixed": 0, "bad_input": 0}


def test_every_code_is_documented_in_help():
    help_text = lint_content.build_parser().format_help()
    for code in CODES:
        assert code in help_text, code
    for rule in RULE_SETS:
        assert rule in help_text


@pytest.mark.parametrize("path, expected", [
    ("docs/modules/03-x.md", ("en", "modules", "module")),
    ("docs_zh/fact-sheets/a.md", ("zh", "fact-sheets", "fact-sheet")),
    ("docs_zh/resources/index.md", ("zh", "resources", "index")),
    ("docs/trainings/t.md", ("en", "trainings", "training")),
    ("docs/glossary.md", ("en", "", "other")),
    ("docs/about/index.md", ("en", "", "index")),
    ("docs/modules/deeper/x.md", ("en", "", "other")),
    ("elsewhere/fact-sheets/x.md", ("en", "fact-sheets", "fact-sheet")),
])
def test_classify(tmp_path, path, expected):
    assert classify(tmp_path / path) == expected


# ---------------------------------------------------------------- front matter

FS_FM = """\
---
title: "Health workers' safety in figures"
description: "Key figures on infection, sharps injuries, violence and mental health of health workers."
last_reviewed: 2026-11-22
sources:
  - "WHO, 2020"
---
"""
TRAINING_FM = FS_FM.replace("sources:", 'when: "2014-10-28/2014-10-30"\nsources:')
INDEX_FM = """\
---
title: "Fact sheets"
description: "Short, printable fact sheets on OSH for health workers in China and key figures."
---
"""


@pytest.mark.parametrize("rel, text, expected", [
    # a page without front matter
    ("docs/index.md", "# Home\n\nText.\n", [("frontmatter-missing", 1)]),
    # module without module/sources: both reported on the closing --- line
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("module: 3\n", "").replace(
        'sources:\n  - "ILO/WHO, HealthWISE Action Manual, 2014"\n', "")), [("key-missing", 5), ("key-missing", 5)]),
    ("docs/trainings/t.md", en_page("Text.\n", FS_FM), [("key-missing", 7)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace("last_reviewed: 2026-11-22\n", "")), [("key-missing", 6)]),
    ("docs/index.md", en_page("Text.\n", INDEX_FM.replace('title: "Fact sheets"\n', "")), [("key-missing", 3)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace("sources:", "author: me\nsources:")), [("key-unknown", 5)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace("sources:", 'translated_from: "0123456789ab"\nsources:')),
     [("key-unknown", 5)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace("sources:", "module: 3\nsources:")), [("key-unknown", 5)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace('"Health workers\' safety in figures"', "2014")),
     [("title-invalid", 2)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace('"Health workers\' safety in figures"', '""')),
     [("title-invalid", 2)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace(
        'description: "Key figures on', 'description: |\n  Key figures\n  on')), [("description-invalid", 3)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.",
        "Too short.")), [("description-length", 3)]),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.",
        "x" * 161)), [("description-length", 3)]),
    ("docs_zh/fact-sheets/a.md", zh_page("正文。\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.",
        "太短的描述。")), [("description-length", 3)]),
    ("docs_zh/fact-sheets/a.md", zh_page("正文。\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.",
        "长" * 121)), [("description-length", 3)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("module: 3", "module: 9")), [("module-invalid", 4)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("module: 3", 'module: "3"')), [("module-invalid", 4)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("module: 3", "module: true")), [("module-invalid", 4)]),
    ("docs/modules/04-x.md", en_page("Text.\n"), [("module-mismatch", 4)]),
    ("docs/modules/biological.md", en_page("Text.\n"), [("module-mismatch", 4)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("2026-11-22", '"22/11/2026"')), [("date-invalid", 5)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("2026-11-22", '"2026-02-30"')), [("date-invalid", 5)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("2026-11-22", "2026-11-22 10:00:00")),
     [("date-invalid", 5)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("2026-11-22", "2999-01-01")),
     [("date-invalid", 5)]),  # a review date in the future
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace(
        'sources:\n  - "ILO/WHO, HealthWISE Action Manual, 2014"', "sources: []")), [("sources-invalid", 6)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace(
        'sources:\n  - "ILO/WHO, HealthWISE Action Manual, 2014"', 'sources: "ILO, 2014"')), [("sources-invalid", 6)]),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace(
        '  - "ILO/WHO, HealthWISE Action Manual, 2014"', "  - 2014")), [("sources-invalid", 6)]),
    ("docs/index.md", en_page("Text.\n", INDEX_FM.replace("---\n# ", "").replace(
        'description: "Short', 'sources: "x"\ndescription: "Short')), [("sources-invalid", 3)]),
    ("docs/trainings/t.md", en_page("Text.\n", TRAINING_FM.replace('"2014-10-28/2014-10-30"', "2020")), [("when-invalid", 5)]),
    ("docs/trainings/t.md", en_page("Text.\n", TRAINING_FM.replace('"2014-10-28/2014-10-30"', "2014-10-28")), [("when-invalid", 5)]),
    ("docs/trainings/t.md", en_page("Text.\n", TRAINING_FM.replace('"2014-10-28/2014-10-30"', '"October 2014"')), [("when-invalid", 5)]),
    ("docs/trainings/t.md", en_page("Text.\n", TRAINING_FM.replace('"2014-10-28/2014-10-30"', '"2014-10-30/2014-10-28"')), [("when-invalid", 5)]),
    ("docs/trainings/t.md", en_page("Text.\n", TRAINING_FM.replace('"2014-10-28/2014-10-30"', '"2014-10-28/2014-13-30"')), [("when-invalid", 5)]),
    ("docs_zh/fact-sheets/a.md", zh_page("正文。\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.",
        "关于医务人员感染、锐器伤、暴力和心理健康的关键数据。").replace("sources:", 'translated_from: "XYZ"\nsources:')),
     [("translated-from-invalid", 5)]),
])
def test_frontmatter_triggers(lint, rel, text, expected):
    result = lint({rel: text}, "--only", "frontmatter")
    assert result.found == expected
    assert result.code == (1 if any(CODES[c] == "error" for c, _ in expected) else 0)


@pytest.mark.parametrize("rel, text", [
    ("docs/modules/03-x.md", en_page("Text.\n")),
    ("docs/modules/08-x.md", en_page("Text.\n", EN_MODULE_FM.replace("module: 3", "module: 8"))),
    ("docs/modules/03-x.md", en_page("Text.\n", EN_MODULE_FM.replace("2026-11-22", '"2026-11-22"'))),
    ("docs/modules/index.md", en_page("Text.\n", INDEX_FM)),
    ("docs/index.md", en_page("Text.\n", INDEX_FM.replace("---\n\n", "").replace(
        'description: "Short', 'last_reviewed: 2026-11-22\nsources: []\nhide: [toc]\ndescription: "Short'))),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM)),
    ("docs/resources/a.md", en_page("Text.\n", FS_FM)),
    ("docs/trainings/t.md", en_page("Text.\n", TRAINING_FM)),
    ("docs/trainings/t.md", en_page("Text.\n", TRAINING_FM.replace('"2014-10-28/2014-10-30"', '"2020"'))),
    ("docs/trainings/t.md", en_page("Text.\n", TRAINING_FM.replace('"2014-10-28/2014-10-30"', '"2014-10-28"'))),
    # boundaries: 50 and 160 English characters, 20 and 120 Chinese characters
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.", "x" * 50))),
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.", "x" * 160))),
    ("docs_zh/fact-sheets/a.md", zh_page("正文。\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.", "长" * 20))),
    ("docs_zh/fact-sheets/a.md", zh_page("正文。\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.", "长" * 120)
        .replace("sources:", 'translated_from: "0123456789ab"\nsources:'))),
    # a folded description is one line once read
    ("docs/fact-sheets/a.md", en_page("Text.\n", FS_FM.replace(
        'description: "Key figures on', 'description: >-\n  Key figures\n  on').replace('workers."', "workers."))),
])
def test_frontmatter_clean(lint, rel, text):
    result = lint({rel: text}, "--only", "frontmatter")
    assert (result.code, result.found) == (0, [])


def test_frontmatter_messages_say_how_to_fix(lint):
    text = en_page("Text.\n", EN_MODULE_FM.replace("module: 3\n", ""))
    result = lint({"docs/modules/03-x.md": text}, "--only", "frontmatter")
    assert result.messages("key-missing") == [
        "a module page needs 'module' in its front matter; add a line before the closing '---': "
        "module: 3   (the module number, without quotes)"]
    text = en_page("Text.\n", FS_FM.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.", "Too short."))
    result = lint({"docs/fact-sheets/a.md": text}, "--only", "frontmatter")
    assert result.messages("description-length") == [
        "the description has 10 characters; English descriptions need 50 to 160 so they fit "
        "search results and link previews: add a few words"]


@pytest.mark.parametrize("front, line, words", [
    ('title: "unclosed\ndescription: "x"\n', 2, "malformed front matter (YAML)"),
    ("title: [a, b\ndescription: x\n", 2, "flow sequence"),
    ("title: x\n  description: y\n", 3, "malformed front matter (YAML)"),
    ("title: x\nlast_reviewed: 2026-13-01\n", 3, "a value cannot be read"),
    ("- a\n- b\n", 2, "front matter must be 'key: value' lines"),
])
def test_malformed_front_matter_is_bad_input(lint, front, line, words):
    result = lint({"docs/index.md": f"---\n{front}---\n\n# T\n"}, fmt="text")
    assert result.code == 2
    assert result.err.startswith(f"lint_content: docs/index.md:{line}: ")
    assert words in result.err


@pytest.mark.parametrize("front, line, words", [
    ("title: x\nloop: &a [*a]\n", 3, "refers to the value that contains it"),
    ("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 8)), 3, "expands to too many values"),
    ("title: " + "[" * 200 + "]" * 200 + "\n", 2, "brackets nested more than 100 deep"),
])
def test_pathological_yaml_is_bad_input(lint, front, line, words):
    result = lint({"docs/index.md": f"---\n{front}---\n\n# T\n"}, fmt="text")
    assert result.code == 2
    assert result.err.startswith(f"lint_content: docs/index.md:{line}: malformed front matter: ")
    assert words in result.err


def test_unclosed_front_matter_is_bad_input(lint):
    result = lint({"docs/index.md": "---\ntitle: x\n\n# T\n"}, fmt="text")
    assert result.code == 2
    assert "docs/index.md:1: front matter opened by '---' on line 1 is never closed" in result.err


# ---------------------------------------------------------------- safety

@pytest.mark.parametrize("body, needle, expected", [
    ("<script>alert(1)</script>\n", "<script>", ["html-unsafe"]),
    ("<iframe src=\"https://example.org/\"></iframe>\n", "<iframe", ["html-unsafe"]),
    ("<object data=\"x.swf\"></object>\n", "<object", ["html-unsafe"]),
    ("<embed src=\"x.swf\">\n", "<embed", ["html-unsafe"]),
    ("<style>\nbody { color: red; }\n</style>\n", "<style>", ["html-unsafe"]),
    ("<form action=\"/x\"><input name=\"q\"></form>\n", "<form", ["html-unsafe", "html-unsafe"]),
    ("Click <a href=\"x.md\">here</a>.\n", "<a href", ["html-not-allowed"]),
    ("<img src=\"../assets/images/x.svg\" alt=\"x\">\n", "<img", ["html-not-allowed"]),
    ("<p>Paragraph</p>\n", "<p>", ["html-not-allowed"]),
    ("<div class=\"x\" title=\"t\" markdown>\n\nText\n\n</div>\n", "<div", ["html-attribute-not-allowed"]),
    ("<span style=\"color: red\">red</span>\n", "<span", ["style-attribute"]),
    ("<div onclick=\"steal()\">x</div>\n", "<div", ["event-handler"]),
    ("<span\n  onmouseover=\"x()\">multi-line tag</span>\n", "<span", ["event-handler"]),
    ("A paragraph.\n{: style=\"color:red\" }\n", "{:", ["style-attribute"]),
    ("## Heading {#heading onclick=\"x()\"}\n", "## Heading", ["event-handler"]),
    ("[Click](javascript:alert(1))\n", "[Click]", ["unsafe-url"]),
    ("[Click](JavaScript&#58;alert(1))\n", "[Click]", ["unsafe-url"]),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)\n", "[data]", ["unsafe-url"]),
    ("![chart](https://example.org/chart.png)\n", "![chart]", ["external-image"]),
    ("![chart](//example.org/chart.png)\n", "![chart]", ["external-image"]),
    ("![chart][c]\n\n[c]: http://example.org/chart.png\n", "[c]: http", ["external-image"]),
    ("See [the ILO](http://www.ilo.org/).\n", "[the ILO]", ["http-link"]),
    ("See <http://www.ilo.org/>.\n", "<http:", ["http-link"]),
    ("See [the ILO][ilo].\n\n[ilo]: http://www.ilo.org/\n", "[ilo]: http", ["http-link"]),
    ("## Overview\n", "## Overview", ["heading-id-missing"]),
    ("### Checkpoint 1: Act\n", "### Checkpoint 1", ["heading-id-missing"]),
    ("## Overview {#Overview_1}\n", "## Overview", ["heading-id-invalid"]),
    ("## 概述 {#概述}\n", "## 概述", ["heading-id-invalid"]),
    ("## One {#same}\n\n## Two {#same}\n", "## Two", ["heading-id-duplicate"]),
])
def test_safety_triggers(lint, body, needle, expected):
    text = en_page(body)
    result = lint({f"docs/{EN_MODULE}": text}, "--only", "safety")
    assert result.found == [(code, line_of(text, needle)) for code in expected]
    assert result.code == 1


@pytest.mark.parametrize("rel, body", [
    # the allowlist
    (EN_MODULE, '<div class="hw-checklist" markdown>\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n</div>\n'),
    (EN_MODULE, '<div markdown="1" id="x" lang="zh">\n\nText\n\n</div>\n'),
    (EN_MODULE, 'H<sub>2</sub>O, 10<sup>3</sup>, <kbd>Ctrl</kbd>, <abbr title="Occupational safety and health">OSH</abbr>,'
                ' line<br>break, <span class="x">span</span>\n'),
    (EN_MODULE, '<figure markdown>\n![Alt](../assets/images/x.svg)\n<figcaption>Caption</figcaption>\n</figure>\n'),
    (EN_MODULE, '<details open><summary>More</summary>\n\nText\n\n</details>\n'),
    # HTML in code and comments, escaped, and things that only look like tags
    (EN_MODULE, '`<script>alert(1)</script>`\n\n```html\n<iframe src="x"></iframe>\n<p style="x">\n```\n'),
    (EN_MODULE, '<!-- <script>alert(1)</script> -->\n\n    <iframe src="x"></iframe>\n'),
    (EN_MODULE, 'Write \\<p> to show a tag. 3 < 5 and 5 > 3; <5% of staff; a <-> b.\n'),
    (EN_MODULE, 'Mail <info@example.org> or see <https://www.ilo.org/>.\n'),
    # https, relative links and images, mailto
    (EN_MODULE, '[ILO](https://www.ilo.org/) [M1](01-x.md#overview) ![A](../assets/images/x.svg) '
                '[mail](mailto:a@example.org) [top](#overview)\n'),
    # http inside code is not a link
    (EN_MODULE, 'Type `http://localhost:8000/` in the browser.\n'),
    # headings with ids; h4 and h1 need none; headings outside modules/ and fact-sheets/
    (EN_MODULE, '## Overview {#overview}\n\n### Checkpoint 1 {: #checkpoint-1 }\n\n#### Small\n'),
    ("docs-not-a-section.md", "## Overview\n"),
])
def test_safety_clean(lint, rel, body):
    path = rel if rel.startswith("docs-") else f"docs/{rel}"
    result = lint({path: en_page(body)}, "--only", "safety")
    assert (result.code, result.found) == (0, [])


def test_heading_ids_are_only_required_in_modules_and_fact_sheets(lint):
    files = {"docs/resources/a.md": en_page("## Plain\n", FS_FM),
             "docs/trainings/t.md": en_page("## Plain\n", TRAINING_FM),
             "docs/fact-sheets/a.md": en_page("## Plain\n", FS_FM)}
    result = lint(files, "--only", "safety")
    assert [(f["file"], f["code"]) for f in result.out["findings"]] == [
        ("docs/fact-sheets/a.md", "heading-id-missing")]
    assert result.messages("heading-id-missing") == [
        "add an id at the end of the heading, e.g. '## Plain {#plain}': people link to headings on "
        "this page, and the id keeps those links working when the wording changes"]


# ---------------------------------------------------------------- terms

def test_deprecated_chinese_term(lint):
    text = zh_page("发生针扎伤后，立即冲洗伤口。\n\n## 个人防护装备 {#ppe}\n")
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--only", "terms")
    assert result.found == [("deprecated-term", line_of(text, "针扎伤")),
                            ("deprecated-term", line_of(text, "个人防护装备"))]
    assert result.messages("deprecated-term")[0] == (
        "write '针刺伤' (needlestick injury) instead of '针扎伤' in '发生针扎伤后，立即冲洗伤口。': the "
        "site uses one term per idea, as in the glossary. If you are quoting someone word for word, "
        "add <!-- lint-ignore terms --> at the end of the line")
    assert result.code == 1


def test_deprecated_term_in_title_and_description(lint):
    front = ZH_MODULE_FM.replace("免受针刺伤", "免受针头刺伤").replace("生物危害与感染控制", "针扎伤")
    text = zh_page("正文。\n", front, title="模块3：针刺伤")
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--only", "terms")
    assert result.found == [("deprecated-term", 2), ("deprecated-term", 3)]


@pytest.mark.parametrize("body", [
    "`针扎伤` 是代码。\n\n```\n个体防护装备\n```\n",
    "见[链接](https://example.org/针扎伤)。\n",
    "他说：“那次针扎伤让我很害怕。” <!-- lint-ignore terms -->\n",
    "他说：“针扎伤。” <!-- lint-ignore deprecated-term -->\n",
    "《个体防护装备配备规范》（GB 39800.1—2020）是国家标准。\n",
    "<!-- 针扎伤 是旧说法 -->\n",
    "正确的说法是针刺伤和个人防护用品。\n",
])
def test_deprecated_chinese_term_not_flagged(lint, body):
    result = lint({f"docs_zh/{EN_MODULE}": zh_page(body)}, "--only", "terms")
    assert (result.code, result.found) == (0, [])


def test_deprecated_term_inside_a_preferred_term_is_not_flagged(lint, tmp_path):
    glossary = GLOSSARY + """\
  - en: sharps injury
    zh: 锐器伤
    pinyin: rui qi shang
    def_en: An injury from a sharp object.
    def_zh: 锐利器具造成的损伤。
    deprecated_zh: [器伤]
"""
    (tmp_path / "g2.yml").write_text(glossary, encoding="utf-8")
    text = zh_page("预防锐器伤。器伤不是术语。\n")
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--only", "terms", "--glossary", "g2.yml")
    assert result.found == [("deprecated-term", line_of(text, "预防锐器伤"))]
    assert "instead of '器伤' in '预防锐器伤。器伤不是术语。'" in result.messages("deprecated-term")[0]


def test_inconsistent_english_term_is_a_warning(lint):
    text = en_page("After a needle-stick injury, wash the wound. A Needle Stick Injury is common.\n\n"
                   "A needlestick injury is reported. `needle-stick injury` in code.\n")
    result = lint({f"docs/{EN_MODULE}": text}, "--only", "terms")
    assert result.found == [("inconsistent-term", 12), ("inconsistent-term", 12)]
    assert (
        "the site writes 'needlestick injury', not 'needle-stick injury' (see the glossary); change "
        "it unless you are quoting a title or a person, then add <!-- lint-ignore terms --> at the "
        "end of the line") in result.messages("inconsistent-term")
    assert any("not 'Needle Stick Injury'" in m for m in result.messages("inconsistent-term"))
    assert result.code == 0  # warnings only
    assert lint({f"docs/{EN_MODULE}": text}, "--only", "terms", "--strict").code == 1


def test_english_term_with_a_letter_that_only_matches_ignoring_case(lint):
    # IGNORECASE matches ſ (long s) to s and İ (dotted capital I) to i; lower-casing does
    # neither. Such a variant was a KeyError (a traceback); the line must still be found.
    text = en_page("A needle-ſtick injury.\n\nA NEEDLE STİCK INJURY.\n")
    result = lint({f"docs/{EN_MODULE}": text}, "--only", "terms")
    assert result.found == [("inconsistent-term", 12), ("inconsistent-term", 14)]
    assert "not 'needle-ſtick injury'" in result.messages("inconsistent-term")[0]


def test_glossary_without_deprecated_en(lint, tmp_path):
    glossary = "\n".join(l for l in GLOSSARY.splitlines() if "deprecated_en" not in l) + "\n"
    (tmp_path / "g.yml").write_text(glossary, encoding="utf-8")
    assert all(t.deprecated_en == () for t in load_glossary(tmp_path / "g.yml"))
    result = lint({f"docs/{EN_MODULE}": en_page("A needle-stick injury.\n")}, "--only", "terms",
                  "--glossary", "g.yml")
    assert (result.code, result.found) == (0, [])


def test_broken_glossary_is_bad_input(lint, tmp_path):
    (tmp_path / "bad.yml").write_text("terms:\n  - en: x\n", encoding="utf-8")
    result = lint({f"docs/{EN_MODULE}": en_page("Text.\n")}, "--glossary", "bad.yml", fmt="text")
    assert result.code == 2
    assert "bad.yml:2: term is missing 'zh'" in result.err
    # without the terms rules the glossary is not read
    assert lint({f"docs/{EN_MODULE}": en_page("Text.\n")}, "--glossary", "bad.yml",
                "--only", "safety").code == 0


# ---------------------------------------------------------------- typography

@pytest.mark.parametrize("body, expected", [
    ("中文,中文\n", [("halfwidth-punctuation", "，")]),
    ("中文.中文\n", [("halfwidth-punctuation", "。")]),
    ("时间:上午\n", [("halfwidth-punctuation", "：")]),
    ("第一;第二\n", [("halfwidth-punctuation", "；")]),
    ("为什么?因为\n", [("halfwidth-punctuation", "？")]),
    ("注意!小心\n", [("halfwidth-punctuation", "！")]),
    ("句子结束.\n", [("halfwidth-punctuation", "。")]),
    ("中文, HealthWISE\n", [("halfwidth-punctuation", "，")]),
    ("详见:[模块1](01-x.md)\n", [("halfwidth-punctuation", "：")]),
    ("**注意**,请洗手\n", [("halfwidth-punctuation", "，")]),
    ("中文(中文)\n", [("halfwidth-punctuation", "（…）")]),
    ("卫生服务工作改善(HealthWISE)培训\n", [("halfwidth-punctuation", "（…）")]),
    ("(见下文)\n", [("halfwidth-punctuation", "（…）")]),
    ("好的。。\n", [("doubled-punctuation", "。。")]),
    ("真的！！\n", [("doubled-punctuation", "！！")]),
    ("甲，，乙\n", [("doubled-punctuation", "，，")]),
    ("中文（中文)\n", [("mixed-brackets", "（")]),
    ("中文(中文）\n", [("mixed-brackets", "(")]),
    ("中文 2014年\n", [("cjk-latin-space", "'文' and '2'")]),
    ("HealthWISE 培训\n", [("cjk-latin-space", "'E' and '培'")]),
    ("第 3 个\n", [("cjk-latin-space", "'第' and '3'"), ("cjk-latin-space", "'3' and '个'")]),
    ("约 30% 的人\n", [("cjk-latin-space", "'约' and '3'"), ("cjk-latin-space", "'%' and '的'")]),
    ('!!! note "HealthWISE 培训"\n\n    正文。\n', [("cjk-latin-space", "'E' and '培'")]),
    ("## 2014 年 {#y2014}\n", [("cjk-latin-space", "'4' and '年'")]),
    ("- HealthWISE 培训\n", [("cjk-latin-space", "'E' and '培'")]),
])
def test_typography_triggers(lint, body, expected):
    text = zh_page(body, INDEX_FM.replace(
        "Short, printable fact sheets on OSH for health workers in China and key figures.",
        "供医务人员使用的简短资料页，内容涵盖项目、培训和关键数据。"), title="资料页")
    result = lint({"docs_zh/index.md": text}, "--only", "typography")
    first_body_line = line_of(text, body.split("\n")[0])
    assert [(f["code"], f["line"]) for f in result.out["findings"]] == [(c, first_body_line) for c, _ in expected]
    for finding, (_, words) in zip(result.out["findings"], expected):
        assert words in finding["message"]
    assert result.code == 1


@pytest.mark.parametrize("body", [
    # correct Chinese
    "中文，中文。时间：上午；为什么？注意！卫生服务工作改善（HealthWISE）培训于2014年开始。\n",
    "省略号……和破折号——都可以连用。\n",
    # code, URLs, link targets, HTML, math, attr_list, footnotes are not prose
    "命令 `ls -la` 列出文件，`a,b` 和 `中文,中文` 都是代码。\n",
    "```\n中文,中文 2014 年\n```\n",
    "    中文,中文 2014 年\n",
    "网址 https://example.org/a,b 和 <https://example.org/中文,中文>。\n",
    "见[模块1](01-x.md)和![图](../assets/images/x.zh.svg)。\n",
    '<div class="hw-checklist" markdown>\n\n中文\n\n</div>\n',
    "公式 $a, b$ 和 $x (y)$。\n",
    "## 概述 {#overview}\n\n正文[^1]。\n\n[^1]: 注释。\n",
    "<!-- 中文,中文 2014 年 -->\n",
    # Markdown syntax next to Latin or numbers
    "- 2014年的培训\n1. 第一步\n2) 第二步\n",
    "**粗体** 2014年，[链接](x.md) 2014年，`code` 中文。\n",
    "| 2014 | 中文 |\n|---|---|\n| 1 | 2 |\n",
    "!!! note \"提示\"\n\n    正文。\n",
    # English text inside a Chinese page
    "Prüss-Üstün A.等，2003年。WHO, Geneva (2010), p. 5.\n",
    "- ILO, Occupational Safety and Health Convention, 1981 (No. 155)\n",
    "GB/T 45001-2020和GBZ/T 213—2008\n",
    "图片 ![图](x.svg) 和感叹号！[链接](x.md)\n",
    "&nbsp;中文\n",
    "中文 <!-- lint-ignore typography --> 2014年\n",
    "中文 2014年 <!-- lint-ignore cjk-latin-space -->\n",
    "1) 列表\n",
])
def test_typography_clean(lint, body):
    text = zh_page(body)
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--only", "typography")
    assert (result.code, result.found) == (0, [])


def test_footnote_text_is_prose_but_reference_definitions_are_not(lint):
    text = zh_page("正文[^1]，见[链接][x]。\n\n[^1]: 注释 2014年。\n\n[x]: https://example.org/a,b \"标题 2014 年\"\n")
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--only", "typography")
    assert result.found == [("cjk-latin-space", line_of(text, "[^1]: 注释"))]


def test_lang_option_for_files_outside_the_trees(lint):
    text = zh_page("中文 2014年\n", INDEX_FM)
    assert lint({"notes/page.md": text}, "--only", "typography").found == []
    assert lint({"notes/page.md": text}, "--only", "typography", "--lang", "zh").found == [
        ("cjk-latin-space", line_of(text, "中文 2014年"))]


def test_typography_only_on_chinese_pages(lint):
    result = lint({f"docs/{EN_MODULE}": en_page("中文,中文 2014 年\n")}, "--only", "typography")
    assert (result.code, result.found) == (0, [])


def test_typography_in_front_matter_is_reported_not_fixed(lint, tmp_path):
    front = ZH_MODULE_FM.replace("用低成本的检查点", "用 HealthWISE 的检查点")
    text = zh_page("正文。\n", front)
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--only", "typography", "--fix")
    assert result.found == [("cjk-latin-space", 3), ("cjk-latin-space", 3)]
    assert result.out["fixed"] == []
    assert result.messages("cjk-latin-space")[0].endswith("(front matter: change it by hand)")
    assert (tmp_path / f"docs_zh/{EN_MODULE}").read_text(encoding="utf-8") == text


# ---------------------------------------------------------------- drafts

def test_draft_box_and_placeholders(lint):
    body = '!!! warning "Draft"\n\n    Write this.\n\n## Checkpoint 1: DRAFT {#checkpoint-1}\n\n???+ note "草稿"\n\n    x\n'
    front = EN_MODULE_FM.replace('"ILO/WHO, HealthWISE Action Manual, 2014"', '"DRAFT: Author, Title, year"')
    text = en_page(body, front)
    result = lint({f"docs/{EN_MODULE}": text}, "--only", "drafts")
    assert result.found == [("draft-left-in", 6), ("draft-left-in", 12), ("draft-left-in", 16),
                            ("draft-left-in", 18)]
    assert result.messages("draft-left-in")[1] == (
        "a Draft box is still in the page; write the real text in its place, then delete the box "
        "(the '!!! warning \"Draft\"' line and the indented lines under it)")
    assert result.code == 1


def test_drafts_not_flagged(lint):
    body = ('!!! warning "Draft regulations"\n\n    The draft law was discussed.\n\n'
            "## Drafting a policy {#drafting}\n\n```\n!!! warning \"Draft\"\n```\n")
    result = lint({f"docs/{EN_MODULE}": en_page(body)}, "--only", "drafts")
    assert (result.code, result.found) == (0, [])


# ---------------------------------------------------------------- lint-ignore

def test_lint_ignore_only_on_its_line_and_only_named_rules(lint):
    body = ("他说“针扎伤”,然后 <!-- lint-ignore terms -->\n"
            "针扎伤\n"
            "他说“针扎伤” <!-- lint-ignore typography, terms -->\n"
            "`<!-- lint-ignore terms -->` 针扎伤\n")
    text = zh_page(body)
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--only", "terms,typography")
    first = line_of(text, "他说“针扎伤”,然后")
    assert result.found == [("halfwidth-punctuation", first), ("deprecated-term", first + 1),
                            ("deprecated-term", first + 3)]


def test_unknown_lint_ignore_is_a_warning(lint):
    text = en_page("Text <!-- lint-ignore term -->\n")
    result = lint({f"docs/{EN_MODULE}": text})
    assert result.found == [("unknown-lint-ignore", line_of(text, "lint-ignore"))]
    assert "names 'term'" in result.messages("unknown-lint-ignore")[0]
    assert result.code == 0


def test_lint_ignore_in_front_matter(lint):
    front = FS_FM.replace('"Health workers\' safety in figures"', '"针扎伤"  # lint-ignore terms')
    text = zh_page("正文。\n", front.replace(
        "Key figures on infection, sharps injuries, violence and mental health of health workers.",
        "关于医务人员感染、锐器伤、暴力和心理健康的关键数据。"))
    result = lint({"docs_zh/fact-sheets/a.md": text})
    assert result.found == []


# ---------------------------------------------------------------- CLI

def test_text_output(lint):
    text = zh_page("中文 2014年\n")
    result = lint({f"docs_zh/{EN_MODULE}": text}, fmt="text")
    line = line_of(text, "中文 2014年")
    assert result.out == (
        f"docs_zh/{EN_MODULE}:{line}: error: cjk-latin-space: remove the space between '文' and '2' "
        "in '中文 2014年': Chinese is written next to Latin letters and numbers without a space, "
        "e.g. 'HealthWISE培训', '2014年' (python scripts/lint_content.py --fix can do this)\n"
        "lint: 1 error, 0 warnings in 1 of 1 file\n")
    assert result.code == 1


def test_folders_are_searched_and_sorted(lint, tmp_path):
    files = {"docs/b.md": "# B\n", "docs/a/x.md": "# X\n", "docs/.hidden/y.md": "# Y\n",
             "docs/assets/z.svg": "<svg/>"}
    result = lint(files, "--only", "frontmatter", paths=["docs"])
    assert [(f["file"], f["code"]) for f in result.out["findings"]] == [
        ("docs/a/x.md", "frontmatter-missing"), ("docs/b.md", "frontmatter-missing")]


@pytest.mark.parametrize("args, words", [
    (["missing-folder"], "missing-folder: no such file or folder"),
    (["--only", "spelling"], "unknown rule set spelling"),
])
def test_bad_arguments(lint, args, words):
    result = lint({}, *args, fmt="text", paths=[] if args[0].startswith("--") else None)
    assert result.code == 2
    assert words in result.err
    assert result.out == ""


def test_only_selects_rule_sets(lint):
    text = zh_page("针扎伤,中文\n\n<script></script>\n", ZH_MODULE_FM.replace("module: 3\n", ""))
    codes = lambda r: sorted({c for c, _ in r.found})  # noqa: E731
    assert codes(lint({f"docs_zh/{EN_MODULE}": text})) == [
        "deprecated-term", "halfwidth-punctuation", "html-unsafe", "key-missing"]
    assert codes(lint({f"docs_zh/{EN_MODULE}": text}, "--only", "safety,terms")) == [
        "deprecated-term", "html-unsafe"]


# ---------------------------------------------------------------- robustness

def test_non_utf8_names_file_and_line(lint):
    data = "---\ntitle: T\ndescription: D\n---\n\n# T\n".encode() + b"caf\xe9\n"
    result = lint({"docs/index.md": data, "docs/ok.md": "# OK\n"}, fmt="text")
    assert result.code == 2
    assert result.err == ("lint_content: docs/index.md:7: not valid UTF-8 (byte 0xe9 at column 4); "
                          "re-save the file as UTF-8\n")
    assert "docs/ok.md:1: error: frontmatter-missing" in result.out  # the other files are still linted


def test_crlf_and_bom_are_warnings(lint):
    text = en_page("Text.\n").replace("\n", "\r\n")
    result = lint({f"docs/{EN_MODULE}": b"\xef\xbb\xbf" + text.encode()})
    assert result.found == [("bom", 1), ("crlf-line-endings", 1)]
    assert "save it with LF line endings" in result.messages("crlf-line-endings")[0]
    assert result.code == 0


def test_crlf_line_numbers_match_the_file(lint):
    text = zh_page("正文。\n中文 2014年\n").replace("\n", "\r\n")
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--only", "typography")
    assert result.found == [("crlf-line-endings", 1), ("cjk-latin-space", 13)]


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\xef\xbb\xbf"])
def test_empty_file(lint, content):
    result = lint({"docs/index.md": content})
    assert ("empty-file", None) in result.found
    assert result.code == 1


def test_five_megabyte_file(lint):
    paragraph = ("把锐器盒放在伸手可及的地方，当天报告每一次针刺伤（[国际劳工组织](https://www.ilo.org/)，"
                 "2014年）。\n\n")
    zh = zh_page("## 概述 {#overview}\n\n" + paragraph * (5_000_000 // len(paragraph.encode())) + "中文 2014年\n")
    assert len(zh.encode()) > 5_000_000
    started = time.monotonic()
    result = lint({f"docs_zh/{EN_MODULE}": zh})
    assert time.monotonic() - started < 20
    assert result.found == [("cjk-latin-space", zh.count("\n"))]


# ---------------------------------------------------------------- --fix

def test_fix_applies_safe_typography_fixes(lint, tmp_path):
    body = ("这是例子,然后HealthWISE 培训在 2014 年(第1期)开展.\n"
            "`代码,不改 2014 年` 和 [链接](https://example.org/a,b) 中文,中文\n"
            "好的。。（注意)\n")
    text = zh_page(body, ZH_MODULE_FM.replace("用低成本的检查点", "用 HealthWISE 的检查点"))
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--fix", "--only", "typography")
    fixed = (tmp_path / f"docs_zh/{EN_MODULE}").read_text(encoding="utf-8")
    assert fixed == zh_page("这是例子，然后HealthWISE培训在2014年（第1期）开展。\n"
                            "`代码,不改 2014 年` 和 [链接](https://example.org/a,b) 中文，中文\n"
                            "好的。。（注意）\n",
                            ZH_MODULE_FM.replace("用低成本的检查点", "用 HealthWISE 的检查点"))
    first = line_of(text, "这是例子")
    assert [(c["line"], c["code"]) for c in result.out["fixed"]] == [
        (first, "halfwidth-punctuation"), (first, "cjk-latin-space"), (first, "cjk-latin-space"),
        (first, "cjk-latin-space"), (first, "halfwidth-punctuation"), (first, "halfwidth-punctuation"),
        (first + 1, "halfwidth-punctuation"), (first + 2, "mixed-brackets")]
    assert result.out["fixed"][0] == {"file": f"docs_zh/{EN_MODULE}", "line": first,
                                      "code": "halfwidth-punctuation", "before": "这是例子,然后Heal",
                                      "after": "这是例子，然后Heal"}
    # what is left: the doubled 。。 (not a safe fix) and the front matter (never changed)
    assert result.found == [("cjk-latin-space", 3), ("cjk-latin-space", 3), ("doubled-punctuation", first + 2)]
    again = lint({}, "--fix", "--only", "typography", paths=[f"docs_zh/{EN_MODULE}"])
    assert again.out["fixed"] == []


def test_fix_text_output_and_clean_exit(lint, tmp_path):
    text = zh_page("中文 2014年\n")
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--fix", fmt="text")
    line = line_of(text, "中文 2014年")
    assert result.out == (f"docs_zh/{EN_MODULE}:{line}: fixed cjk-latin-space: 中文 2014年  ->  中文2014年\n"
                          "lint: 0 errors, 0 warnings in 0 of 1 file; 1 fix applied\n")
    assert result.code == 0


def test_fix_keeps_bom_crlf_and_english_pages(lint, tmp_path):
    zh = b"\xef\xbb\xbf" + zh_page("中文 2014年\n正文。\n").replace("\n", "\r\n").encode()
    en = en_page("中文 2014年\n").encode()
    lint({f"docs_zh/{EN_MODULE}": zh, f"docs/{EN_MODULE}": en}, "--fix")
    assert (tmp_path / f"docs_zh/{EN_MODULE}").read_bytes() == zh.replace("中文 2014年".encode(), "中文2014年".encode())
    assert (tmp_path / f"docs/{EN_MODULE}").read_bytes() == en


def test_fix_never_touches_files_with_bad_front_matter(lint, tmp_path):
    text = "---\ntitle: [x\n---\n\n中文 2014年\n"
    result = lint({f"docs_zh/{EN_MODULE}": text}, "--fix")
    assert result.code == 2
    assert (tmp_path / f"docs_zh/{EN_MODULE}").read_text(encoding="utf-8") == text
