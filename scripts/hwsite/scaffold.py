"""Scaffold a new page: the English and Chinese Markdown with the front matter and
standard headings of its section, and the mkdocs.yml nav entry (a one-line insertion).

Pure core of scripts/new_page.py: it computes texts; the CLI checks and writes files.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from hwsite.site_model import MODULE_RANGE, SECTIONS

_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
_MODULE_SLUG = re.compile(r"(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\Z")
CHECKPOINTS = 6

MODULE_TITLES = {
    1: ("Controlling occupational hazards and improving workplace safety", "控制职业危害，改善工作场所安全"),
    2: ("Musculoskeletal hazards and ergonomic solutions", "肌肉骨骼危害与工效学解决方案"),
    3: ("Biological hazards and infection control, with special reference to HIV and TB",
        "生物危害与感染控制：特别关注艾滋病和结核病"),
    4: ("Tackling discrimination, harassment and violence in the workplace", "应对工作场所中的歧视、骚扰和暴力"),
    5: ("Towards a green and healthy workplace", "建设绿色健康的工作场所"),
    6: ("The key role of staff: recruitment, support, management and retention", "员工的关键作用：招聘、支持、管理与留用"),
    7: ("Working time and family-friendly measures", "工作时间与家庭友好措施"),
    8: ("Selecting, storing and managing equipment and supplies", "设备和用品的选择、储存与管理"),
}

# (id, English heading, Chinese heading, English draft note, Chinese draft note) per section.
HEADINGS = {
    "module": [
        ("overview", "Overview", "概述",
         "Who this module is for and why it matters, in two or three short paragraphs.",
         "本模块适用于哪些人、为什么重要，用两三个短段落说明。"),
        ("checkpoints", "Checkpoints", "检查点",
         "One or two sentences on how to use the checkpoints with the checklist below.",
         "用一两句话说明如何结合下面的检查表使用这些检查点。"),
        ("checklist", "Module checklist", "模块检查表",
         "Write one checklist row for each checkpoint in the table below.",
         "在下表中为每个检查点写一行。"),
        ("for-trainers", "For trainers", "培训师指南",
         "A 90-minute session plan, discussion questions and an exercise.",
         "一堂90分钟的课程安排、讨论问题和一个练习。"),
        ("china-context", "In China: laws and standards", "中国的法律和标准",
         "The Chinese laws and standards that apply, with their official names.",
         "相关的中国法律和标准，使用官方名称。"),
        ("sources", "Sources", "参考资料",
         "The full list of sources, the same as in the front matter.",
         "完整的参考资料列表，与页首的sources一致。"),
    ],
    "fact-sheet": [
        ("at-a-glance", "At a glance", "概况",
         "The key facts in a short list, each with its source.", "用简短的列表列出关键事实，并注明来源。"),
        ("for-your-workplace", "What your workplace can learn", "对你所在单位的启示",
         "Two or three practical lessons for a hospital or clinic.", "为医院或诊所总结两三条实用的启示。"),
        ("sources", "Sources", "参考来源",
         "The full list of sources, the same as in the front matter.", "完整的参考来源列表，与页首的sources一致。"),
    ],
    "resource": [
        ("how-to-use", "How to use this page", "如何使用本页",
         "Who this page is for and how to use it.", "说明本页面向哪些读者、如何使用。"),
        ("sources", "Sources", "参考资料",
         "The full list of sources, the same as in the front matter.", "完整的参考资料列表，与页首的sources一致。"),
    ],
    "training": [
        ("overview", "Overview", "概述",
         "What the training was, when, where and for whom.", "说明培训的内容、时间、地点和对象。"),
        ("participants", "Who took part", "参加人员",
         "Who organised it and who took part.", "说明组织方和参加人员。"),
        ("key-messages", "Key messages", "主要观点",
         "The main messages, each with its source.", "列出主要观点，并注明来源。"),
        ("sources", "Sources", "参考资料",
         "The full list of sources, the same as in the front matter.", "完整的参考资料列表，与页首的sources一致。"),
    ],
}


class ScaffoldError(Exception):
    """A page that cannot be scaffolded; str(error) says why and what to do."""


@dataclass(frozen=True)
class NewPage:
    section: str
    slug: str

    @property
    def kind(self) -> str:
        return SECTIONS[self.section]

    @property
    def rel_path(self) -> str:
        return f"{self.section}/{self.slug}.md"

    @property
    def module(self) -> int | None:
        return int(self.slug[:2]) if self.kind == "module" else None


def parse_page(arg: str) -> NewPage:
    """'fact-sheets/needlestick-response' (a trailing .md and a leading docs/ or
    docs_zh/ are accepted) -> NewPage. Raises ScaffoldError with a plain message."""
    text = arg.strip().replace("\\", "/")
    for prefix in ("docs/", "docs_zh/", "./docs/", "./docs_zh/"):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    if text.endswith(".md"):
        text = text[:-3]
    parts = text.split("/")
    sections = ", ".join(SECTIONS)
    if len(parts) != 2 or not all(parts):
        raise ScaffoldError(f"'{arg}' is not SECTION/NAME; write e.g. fact-sheets/needlestick-response "
                            f"(sections: {sections})")
    section, slug = parts
    if section not in SECTIONS:
        raise ScaffoldError(f"unknown section '{section}'; choose one of {sections}")
    if not _KEBAB.match(slug):
        raise ScaffoldError(f"'{slug}' is not a valid page name: use lower-case English words and "
                            "numbers joined by hyphens (kebab-case), e.g. needlestick-response")
    if slug == "index":
        raise ScaffoldError(f"{section}/index.md is the section's own page; choose another name")
    if SECTIONS[section] == "module":
        match = _MODULE_SLUG.match(slug)
        low, high = MODULE_RANGE
        if not match:
            raise ScaffoldError(f"a module page name starts with its two-digit number, e.g. "
                                f"modules/03-{slug}")
        if not low <= int(match[1]) <= high:
            raise ScaffoldError(f"module numbers go from {low:02d} to {high:02d}; '{match[1]}' is not one")
    return NewPage(section, slug)


def _words(slug: str) -> str:
    words = slug.split("-")
    if words and re.fullmatch(r"\d\d", words[0]):
        words = words[1:]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def titles(page: NewPage, title_en: str | None = None, title_zh: str | None = None) -> tuple[str, str]:
    """English and Chinese titles: given ones, the official module names, or a title
    from the file name (English) and a draft placeholder (Chinese)."""
    if page.kind == "module":
        en, zh = MODULE_TITLES[page.module]
        return (title_en or f"Module {page.module}: {en}", title_zh or f"模块{page.module}：{zh}")
    return title_en or _words(page.slug), title_zh or "草稿：中文标题"


def _draft(note: str) -> list[str]:
    return ['!!! warning "Draft"', "", f"    {note}", ""]


def page_text(page: NewPage, lang: str, today: datetime.date,
              title_en: str | None = None, title_zh: str | None = None) -> str:
    """The Markdown of the new page in one language."""
    zh = lang == "zh"
    title = titles(page, title_en, title_zh)[1 if zh else 0]
    lines = ["---", f"title: {_quote(title)}"]
    if zh:
        lines.append('description: "草稿：用一句话（20至120个字）概括本页内容，用于搜索结果和链接预览。"')
    else:
        lines.append('description: "DRAFT: one sentence of 50 to 160 characters for search results and link previews."')
    if page.kind == "module":
        lines.append(f"module: {page.module}")
    lines.append(f"last_reviewed: {today.isoformat()}")
    if page.kind == "training":
        lines.append('when: "DRAFT: YYYY, YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD"')
    lines += ["sources:", '  - "草稿：作者，标题，年份"' if zh else '  - "DRAFT: Author, Title, year"', "---", ""]
    lines += [f"# {title}", ""]
    lines += _draft("本页由 `make new` 创建。请用正文替换每个Draft框，填写页首信息（description、sources），然后删除这些框。"
                    if zh else "This page was made by `make new`. Replace every Draft box with your text, "
                               "fill in the front matter (description, sources), then delete the boxes.")
    for heading_id, en, zh_heading, en_note, zh_note in HEADINGS[page.kind]:
        lines += [f"## {zh_heading if zh else en} {{#{heading_id}}}", ""]
        lines += _draft(zh_note if zh else en_note)
        if heading_id == "checkpoints":
            for number in range(1, CHECKPOINTS + 1):
                heading = f"检查点{number}：草稿" if zh else f"Checkpoint {number}: DRAFT"
                lines += [f"### {heading} {{#checkpoint-{number}}}", ""]
                lines += _draft("用一句话写出要采取的行动，再说明为什么重要、怎样做，并给出提示。" if zh else
                                "The action in one line, then why it matters, how to do it, and tips.")
        if heading_id == "checklist":
            lines += ['<div class="hw-checklist" markdown>', ""]
            if zh:
                lines += ["| 序号 | 检查点 | 否 | 是 | 优先 | 备注 |", "|---|---|---|---|---|---|"]
            else:
                lines += ["| No. | Checkpoint | No | Yes | Priority | Remarks |", "|---|---|---|---|---|---|"]
            for number in range(1, CHECKPOINTS + 1):
                label = f"检查点{number}" if zh else f"Checkpoint {number}"
                lines.append(f"| {number} | [{label}](#checkpoint-{number}) | ☐ | ☐ | ☐ | |")
            lines += ["", "</div>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- nav

_NAV = re.compile(r"nav[ \t]*:[ \t]*(?:#.*)?\Z")
_TOP_LEVEL = re.compile(r"[^\s#-]")


def _entry_pattern(section: str) -> re.Pattern:
    return re.compile(r"(?P<indent>[ \t]*)-[ \t]+(?:[^\n]*?:[ \t]+)?[\"']?"
                      + re.escape(section) + r"/(?P<path>[^\s\"'#]+\.md)[\"']?[ \t]*(?:#.*)?\Z")


def insert_nav(config: str, page: NewPage) -> tuple[str, bool]:
    """mkdocs.yml text with `- section/slug.md` added after the last nav entry of the
    page's section, with that entry's indentation and line end; everything else is kept
    byte for byte. Returns (text, inserted); inserted is False when the page is already
    listed. Raises ScaffoldError when there is no nav or no entry of that section."""
    lines = config.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _NAV.match(line.rstrip("\r\n"))), None)
    if start is None:
        raise ScaffoldError("mkdocs.yml has no 'nav:' list; add the page to the navigation by hand")
    end = len(lines)
    for index in range(start + 1, len(lines)):
        if _TOP_LEVEL.match(lines[index]):
            end = index
            break
    pattern = _entry_pattern(page.section)
    last = None
    for index in range(start + 1, end):
        match = pattern.match(lines[index].rstrip("\r\n"))
        if match:
            if match["path"] == f"{page.slug}.md":
                return config, False
            last = (index, match["indent"])
    if last is None:
        raise ScaffoldError(f"the nav: of mkdocs.yml has no entry under {page.section}/; add the "
                            "page to the navigation by hand")
    index, indent = last
    line = lines[index]
    ending = line[len(line.rstrip("\r\n")):]
    new = f"{indent}- {page.rel_path}"
    if ending:
        lines.insert(index + 1, new + ending)
    else:  # the entry was the file's last line, without a line end
        eol = "\r\n" if any(l.endswith("\r\n") for l in lines) else "\n"
        lines[index] = line + eol
        lines.insert(index + 1, new)
    return "".join(lines), True
