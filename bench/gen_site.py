"""Generate a realistic bilingual test site (docs/ + docs_zh/, same pages and heading ids)
of N pages per language, with two configs: this project's plugin and overrides, and plain
Material + static-i18n. Used by bench/bench.py to measure build and checker costs.

Run from the repository root: `python -m bench.gen_site TARGET --pages N [--help]`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from hwsite import parity

ROOT = Path(__file__).resolve().parent.parent
PROG = "gen_site"

EPILOG = """\
what is written into TARGET:
  docs/, docs_zh/   N Markdown pages each, the same relative paths: a home page,
                    modules/index.md (the theme's 404 page links to modules/), groups
                    (hazards/index.md, ...) of up to 8 sections (hazards/sNN-topic/
                    index.md) of about 40 pages each, and in the first section a page
                    with a Chinese file name (术语.md) that keeps Chinese anchors
                    (<span id="手卫生">) other pages link to. Every page has front
                    matter (title, description, last_reviewed in 2025, sources; Chinese
                    pages a current translated_from stamp), headings with explicit ASCII ids
                    identical in both languages, links to other pages' anchors, a table,
                    an admonition, a section image (x.svg / x.zh.svg) and an external
                    link. Chinese text is varied sentences from a vocabulary of OSH terms
                    (the glossary's preferred terms).
  mkdocs.yml        the repository's mkdocs.yml with custom_dir and the hwsite plugin's
                    data paths made absolute (this project's overrides and plugin) and
                    the nav dropped (automatic nav).
  mkdocs.plain.yml  the same settings without custom_dir, the hwsite plugin, extra_css/javascript,
                    logo, favicon and jieba_dict_user: Material + static-i18n only. It
                    builds plain_docs/, a tree of symlinks to docs/ plus zh -> ../docs_zh,
                    the i18n plugin's own folder layout, so no project code is involved.
  pages.json        the page list (path, kind, titles, anchors) for tools that plant links.

The output is deterministic for a given --pages and --seed.

exit codes:
  0  written
  2  bad input: --pages below 5, TARGET is a non-empty directory without --force,
     unreadable or unexpected mkdocs.yml
"""

MIN_PAGES = 5  # home, modules/, one section index, the terms page, one content page
PAGES_PER_SECTION = 40
# Sections are grouped under top-level folders, as a large site's nav must be: with
# navigation.sections every top-level section is expanded on every page, so a flat
# layout puts the whole nav (thousands of links) into each page (measured: 2x2,000
# flat pages built in 21 min, 750 KB per page).
SECTIONS_PER_GROUP = 8
TERM_PAGE = "术语.md"

# ------------------------------------------------------------------ vocabulary

TOPICS = [
    ("sharps-safety", "Sharps safety", "锐器安全"),
    ("hand-hygiene", "Hand hygiene", "手卫生"),
    ("tb-control", "Tuberculosis control", "结核病防控"),
    ("safe-lifting", "Safe patient handling", "安全搬运患者"),
    ("workplace-violence", "Workplace violence", "工作场所暴力"),
    ("shift-work", "Shift work and fatigue", "轮班与疲劳"),
    ("chemical-safety", "Chemical safety", "化学品安全"),
    ("waste-handling", "Healthcare waste", "医疗废物处理"),
    ("radiation", "Radiation protection", "放射防护"),
    ("ppe", "Personal protective equipment", "个人防护用品"),
    ("vaccination", "Vaccination of staff", "医务人员疫苗接种"),
    ("mental-health", "Stress and mental health", "压力与心理健康"),
    ("ventilation", "Ventilation", "通风"),
    ("reporting", "Incident reporting", "事件报告"),
    ("training", "Training and drills", "培训与演练"),
    ("storage", "Safe storage", "安全储存"),
]

ZH_SUBJECTS = ["医务人员", "护士", "保洁员", "科室负责人", "感染控制人员", "职业卫生管理人员",
               "实习生", "检验人员", "护工", "安全委员会", "护士长", "医疗废物处理人员",
               "工会代表", "急诊科医生", "药剂人员"]
ZH_PLACES = ["在病房", "在手术室", "在检验科", "在急诊科", "在洗衣房", "在医疗废物暂存处",
             "在发热门诊", "在每次交接班时", "在治疗室", "在供应室", "在夜班期间", "在门诊大厅"]
ZH_VERBS = ["检查", "报告", "登记", "更换", "清点", "评估", "讨论", "改进", "记录", "演练",
            "培训", "核对", "分类", "消毒", "维护"]
ZH_OBJECTS = ["锐器盒", "个人防护用品", "针刺伤", "职业暴露", "手卫生设施", "通风系统",
              "化学品清单", "医疗废物", "安全型注射器", "排班表", "急救箱", "防护口罩",
              "检查表", "隔离衣", "洗眼器", "搬运设备", "暴露后预防", "疫苗接种记录"]
ZH_HAZARDS = ["锐器伤", "血源性病原体", "结核病传播", "肌肉骨骼损伤", "工作场所暴力",
              "职业倦怠", "化学品灼伤", "电离辐射", "噪声", "滑倒和跌倒", "过长工时"]
ZH_CONNECTIVES = ["同时", "然后", "必要时", "每月", "定期", "并且"]
ZH_RECORDS = ["事件登记本", "科室周报", "安全检查表", "培训记录", "职业健康档案"]
ZH_TIMES = ["两小时", "一个工作日", "二十四小时", "当班"]
ZH_ACTIONS = ["冲洗伤口", "停止操作", "通知护士长", "评估暴露风险", "保留相关记录", "寻求同事帮助"]

ZH_TEMPLATES = [
    "{subj}{place}应当{verb}{obj}，{conn}{verb2}{obj2}。",
    "为了减少{hazard}，{subj}需要{verb}{obj}，并把结果记录在{record}中。",
    "{hazard}是医疗机构中常见的职业危害之一，{subj}应当及时{verb}{obj}。",
    "{subj}和{subj2}一起{verb}{obj}，找出两到三个可以马上改进的问题。",
    "如果发生{hazard}，{subj}应当立即{action}，并在{time}内报告。",
    "{place}，{subj}不应独自{verb}{obj}；{conn}请{subj2}协助。",
    "很多{subj}并不清楚如何{verb}{obj}，因此{subj2}要在岗前培训中讲清楚。",
    "改进{obj}往往花钱不多，却能明显降低{hazard}的风险。",
]

EN_SUBJECTS = ["health workers", "nurses", "cleaners", "ward managers", "infection control staff",
               "the safety committee", "students and interns", "laboratory staff", "porters",
               "head nurses", "waste handlers", "union representatives", "pharmacy staff"]
EN_PLACES = ["on the ward", "in the operating theatre", "in the laboratory", "in the emergency department",
             "in the laundry", "at the waste store", "at every shift handover", "in the treatment room",
             "during night shifts", "in the outpatient hall"]
EN_VERBS = ["check", "report", "record", "replace", "count", "assess", "discuss", "improve",
            "review", "practise", "inspect", "sort", "disinfect", "maintain"]
EN_OBJECTS = ["sharps containers", "personal protective equipment", "needlestick injuries",
              "occupational exposures", "hand hygiene stations", "the ventilation", "the chemical inventory",
              "healthcare waste", "safety-engineered syringes", "the duty roster", "first-aid kits",
              "respirators", "the checklist", "eyewash stations", "lifting aids", "vaccination records"]
EN_HAZARDS = ["sharps injuries", "bloodborne pathogens", "TB transmission", "back injuries",
              "workplace violence", "burnout", "chemical burns", "ionising radiation", "noise",
              "slips and falls", "long working hours"]
EN_TEMPLATES = [
    "{Subj} {place} should {verb} {obj} and {verb2} {obj2} {when}.",
    "To reduce {hazard}, {subj} need to {verb} {obj} and write the result in the ward log.",
    "{Hazard} are among the most common hazards in health work, so {subj} should {verb} {obj} early.",
    "{Subj} and {subj2} {verb} {obj} together and choose two or three improvements they can make this month.",
    "If {hazard} occur, {subj} stop, get help and report within one working day.",
    "Most improvements to {obj} cost little but clearly lower the risk of {hazard}.",
    "Many {subj} are not sure how to {verb} {obj}, so {subj2} explain it in induction training.",
]
EN_WHEN = ["every week", "before each shift", "once a month", "after every incident", "at handover"]

# The Chinese-named page's sections: ASCII heading ids plus Chinese anchors (<span id>),
# the same in both languages; other pages link to the Chinese anchors.
TERM_HEADINGS = [("手卫生", "Hand hygiene"), ("针刺伤", "Needlestick injuries"),
                 ("职业暴露", "Occupational exposure"), ("个人防护用品", "Personal protective equipment")]

GROUPS = [("hazards", "Hazards", "危害"), ("people", "People at work", "工作中的人"),
          ("workplace", "The workplace", "工作场所"), ("management", "Management", "管理"),
          ("practice", "Practice", "实践"), ("cases", "Case studies", "案例"),
          ("tools", "Tools", "工具"), ("data", "Data", "数据")]

CHECKPOINT_IDS = ["overview", "checkpoint-1", "checkpoint-2", "checkpoint-3", "checklist", "related"]
EXTERNAL = ["https://www.who.int/health-topics/occupational-health",
            "https://www.ilo.org/topics/safety-and-health-work",
            "https://www.nhc.gov.cn/zyjks/new_index.shtml"]


@dataclass
class Page:
    rel: str  # path under docs/ and docs_zh/
    kind: str  # home, section, content, terms
    title_en: str
    title_zh: str
    ids: list[str] = field(default_factory=list)
    section: int = 0
    group: int = 0


class BadInput(Exception):
    pass


# ------------------------------------------------------------------ text

def _pick(rng: random.Random, items: list[str], avoid: str | None = None) -> str:
    choice = rng.choice(items)
    while choice == avoid and len(items) > 1:
        choice = rng.choice(items)
    return choice


def zh_sentence(rng: random.Random) -> str:
    subj = _pick(rng, ZH_SUBJECTS)
    verb = _pick(rng, ZH_VERBS)
    return rng.choice(ZH_TEMPLATES).format(
        subj=subj, subj2=_pick(rng, ZH_SUBJECTS, subj), place=_pick(rng, ZH_PLACES),
        verb=verb, verb2=_pick(rng, ZH_VERBS, verb), obj=_pick(rng, ZH_OBJECTS),
        obj2=_pick(rng, ZH_OBJECTS), hazard=_pick(rng, ZH_HAZARDS), conn=_pick(rng, ZH_CONNECTIVES),
        record=_pick(rng, ZH_RECORDS), time=_pick(rng, ZH_TIMES), action=_pick(rng, ZH_ACTIONS))


def en_sentence(rng: random.Random) -> str:
    subj = _pick(rng, EN_SUBJECTS)
    verb = _pick(rng, EN_VERBS)
    hazard = _pick(rng, EN_HAZARDS)
    text = rng.choice(EN_TEMPLATES).format(
        subj=subj, Subj=subj[0].upper() + subj[1:], subj2=_pick(rng, EN_SUBJECTS, subj),
        place=_pick(rng, EN_PLACES), verb=verb, verb2=_pick(rng, EN_VERBS, verb),
        obj=_pick(rng, EN_OBJECTS), obj2=_pick(rng, EN_OBJECTS), hazard=hazard,
        Hazard=hazard[0].upper() + hazard[1:], when=_pick(rng, EN_WHEN))
    return text


def paragraph(rng: random.Random, lang: str, sentences: int) -> str:
    make = zh_sentence if lang == "zh" else en_sentence
    joiner = "" if lang == "zh" else " "
    return joiner.join(make(rng) for _ in range(sentences))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ------------------------------------------------------------------ site plan

def plan_pages(n: int, seed: int) -> list[Page]:
    """The page list: home, modules/, groups of up to SECTIONS_PER_GROUP sections of
    about PAGES_PER_SECTION content pages each, one Chinese-named page."""
    sections = max(1, round((n - 3) / (PAGES_PER_SECTION + 1 + 1 / SECTIONS_PER_GROUP)))
    groups = -(-sections // SECTIONS_PER_GROUP)
    content = n - 2 - groups - sections
    while content < 2 and sections > 1:
        sections -= 1
        groups = -(-sections // SECTIONS_PER_GROUP)
        content = n - 2 - groups - sections
    pages = [Page("index.md", "home", "Occupational safety and health for health workers",
                  "医务人员职业安全卫生", ["where-to-start", "sections"]),
             # the theme's 404 and offline pages link to modules/
             Page("modules/index.md", "modules", "All topics", "全部主题", ["topics"])]
    per_section = [content // sections + (1 if i < content % sections else 0) for i in range(sections)]
    number = 0
    for s in range(sections):
        g = s // SECTIONS_PER_GROUP
        g_slug, g_en, g_zh = GROUPS[g % len(GROUPS)]
        g_folder = f"{g_slug}-{g // len(GROUPS) + 1}" if g >= len(GROUPS) else g_slug
        if s % SECTIONS_PER_GROUP == 0:
            suffix = f" {g // len(GROUPS) + 1}" if g >= len(GROUPS) else ""
            pages.append(Page(f"{g_folder}/index.md", "group", g_en + suffix, g_zh + suffix.strip(),
                              ["sections-in-this-group"], s, group=g))
        slug, en, zh = TOPICS[s % len(TOPICS)]
        cycle = s // len(TOPICS)
        suffix_en = f" ({cycle + 1})" if cycle else ""
        suffix_zh = f"（{cycle + 1}）" if cycle else ""
        folder = f"{g_folder}/s{s + 1:02d}-{slug}"
        pages.append(Page(f"{folder}/index.md", "section", en + suffix_en, zh + suffix_zh,
                          ["pages-in-this-section"], s, group=g))
        for j in range(per_section[s]):
            if s == 0 and j == 0:
                pages.append(Page(f"{folder}/{TERM_PAGE}", "terms", "Key terms", "关键术语",
                                  [term for term, _ in TERM_HEADINGS], s, group=g))
                continue
            number += 1
            rng = random.Random(f"{seed}:title:{number}")
            sub_slug, sub_en, sub_zh = rng.choice(TOPICS)
            pages.append(Page(f"{folder}/{number:04d}-{sub_slug}.md", "content",
                              f"{sub_en}: practice note {number}", f"{sub_zh}：实践要点{number}",
                              list(CHECKPOINT_IDS), s, group=g))
    return pages


def relative(from_rel: str, to_rel: str) -> str:
    """A Markdown link from one source page to another, as editors write it."""
    return os.path.relpath(to_rel, os.path.dirname(from_rel) or ".").replace(os.sep, "/")


def image_rel(section: int, lang: str) -> str:
    return f"assets/images/s{section + 1:02d}{'.zh' if lang == 'zh' else ''}.svg"


# ------------------------------------------------------------------ page text

REVIEW_YEAR = 2025


def front_matter(page: Page, lang: str, rng: random.Random, en_version: str | None) -> str:
    if lang == "zh":
        desc = f"{page.title_zh}：面向医务人员的实用做法、检查点和常见问题，帮助科室降低职业危害。"
    else:
        desc = (f"{page.title_en}: practical, low-cost steps, checkpoints and common questions "
                "that help a ward lower occupational hazards.")
    lines = ["---", f"title: {_quote(page.title_zh if lang == 'zh' else page.title_en)}",
             f"description: {_quote(desc)}"]
    if page.kind in ("content", "terms"):
        # A year that has passed: the lint rejects a review date later than today.
        lines.append(f"last_reviewed: {REVIEW_YEAR}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        lines.append("sources:")
        for i in range(2):
            lines.append("  - " + _quote(f"国际劳工组织/世界卫生组织，HealthWISE行动手册，2014年，第{i + 1}部分"
                                         if lang == "zh" else
                                         f"ILO/WHO, HealthWISE Action Manual, 2014, part {i + 1}"))
    if en_version:
        lines.append(f'translated_from: "{en_version}"')
    lines.append("---")
    return "\n".join(lines) + "\n\n"


def _heading(lang: str, en: str, zh: str, hid: str, level: int = 2) -> str:
    return f"{'#' * level} {zh if lang == 'zh' else en} {{#{hid}}}\n\n"


def content_body(page: Page, lang: str, pages: list[Page], struct: random.Random, text: random.Random) -> str:
    zh = lang == "zh"
    title = page.title_zh if zh else page.title_en
    content = [p for p in pages if p.kind == "content" and p.rel != page.rel]
    targets = struct.sample(content, min(3, len(content)))
    anchors = [struct.choice(CHECKPOINT_IDS[:4]) for _ in targets]
    term = next(p for p in pages if p.kind == "terms")
    term_id = struct.choice(TERM_HEADINGS)[0]
    section_index = next(p for p in pages if p.kind == "section" and p.section == page.section)
    rows = struct.randint(3, 6)
    bullets = struct.randint(3, 5)
    external = struct.choice(EXTERNAL)
    out = [f"# {title}\n\n", paragraph(text, lang, 3), "\n\n"]
    out.append(_heading(lang, "Overview", "概述", "overview"))
    out += [paragraph(text, lang, 5), "\n\n", paragraph(text, lang, 4), "\n\n"]
    out.append(_heading(lang, "Checkpoint 1: Know the hazard", "检查点1：了解危害", "checkpoint-1"))
    out += [paragraph(text, lang, 4), "\n\n"]
    out += [f"- {paragraph(text, lang, 1)}\n" for _ in range(bullets)]
    out.append("\n")
    out.append(_heading(lang, "Checkpoint 2: Choose controls", "检查点2：选择控制措施", "checkpoint-2"))
    out += [paragraph(text, lang, 3), "\n\n"]
    out.append("| 危害 | 控制措施 | 负责人 |\n|---|---|---|\n" if zh else "| Hazard | Control | Who |\n|---|---|---|\n")
    for _ in range(rows):
        if zh:
            out.append(f"| {_pick(text, ZH_HAZARDS)} | {_pick(text, ZH_VERBS)}{_pick(text, ZH_OBJECTS)} | {_pick(text, ZH_SUBJECTS)} |\n")
        else:
            out.append(f"| {_pick(text, EN_HAZARDS)} | {_pick(text, EN_VERBS)} {_pick(text, EN_OBJECTS)} | {_pick(text, EN_SUBJECTS)} |\n")
    out.append("\n")
    out.append(_heading(lang, "Checkpoint 3: Act and follow up", "检查点3：落实并跟进", "checkpoint-3"))
    out.append('!!! warning "发生暴露时"\n' if zh else '!!! warning "After an exposure"\n')
    out += ["    ", paragraph(text, lang, 3), "\n\n"]
    out += [paragraph(text, lang, 4), "\n\n"]
    img_alt = "本节示意图" if zh else "Diagram for this section"
    out.append(f"![{img_alt}]({relative(page.rel, image_rel(page.section, lang))})\n\n")
    out.append(_heading(lang, "Checklist", "检查表", "checklist"))
    out += [f"{i + 1}. {paragraph(text, lang, 1)}\n" for i in range(4)]
    out.append("\n")
    out.append(_heading(lang, "Related pages", "相关页面", "related"))
    for target, anchor in zip(targets, anchors):
        out.append(f"- [{target.title_zh if zh else target.title_en}]({relative(page.rel, target.rel)}#{anchor})\n")
    term_text = dict(TERM_HEADINGS)[term_id]
    out.append(f"- [{term_id if zh else term_text}]({relative(page.rel, term.rel)}#{term_id})\n")
    out.append(f"- [{'本节所有页面' if zh else 'All pages in this section'}]({relative(page.rel, section_index.rel)})\n")
    out.append(f"- [{'世界卫生组织等机构的资料' if zh else 'More from WHO and ILO'}]({external})\n")
    return "".join(out)


def terms_body(page: Page, lang: str, text: random.Random) -> str:
    zh = lang == "zh"
    out = [f"# {page.title_zh if zh else page.title_en}\n\n", paragraph(text, lang, 2), "\n\n"]
    for term, en in TERM_HEADINGS:
        out.append(_heading(lang, en, term, _ascii_id(en)))
        # A Chinese anchor kept for old links (heading ids themselves are ASCII here):
        # the built site gets raw and percent-encoded Chinese fragments to resolve.
        out.append(f'<span id="{term}"></span>\n\n')
        out += [paragraph(text, lang, 3), "\n\n"]
    return "".join(out)


def _ascii_id(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def section_body(page: Page, lang: str, pages: list[Page], text: random.Random) -> str:
    zh = lang == "zh"
    out = [f"# {page.title_zh if zh else page.title_en}\n\n", paragraph(text, lang, 3), "\n\n"]
    out.append(_heading(lang, "Pages in this section", "本节页面", "pages-in-this-section"))
    for p in pages:
        if p.section == page.section and p.kind in ("content", "terms"):
            out.append(f"- [{p.title_zh if zh else p.title_en}]({relative(page.rel, p.rel)})\n")
    return "".join(out)


def group_body(page: Page, lang: str, pages: list[Page], text: random.Random) -> str:
    zh = lang == "zh"
    out = [f"# {page.title_zh if zh else page.title_en}\n\n", paragraph(text, lang, 2), "\n\n"]
    out.append(_heading(lang, "Sections in this group", "本组各节", "sections-in-this-group"))
    for p in pages:
        if p.kind == "section" and p.group == page.group:
            out.append(f"- [{p.title_zh if zh else p.title_en}]({relative(page.rel, p.rel)})\n")
    return "".join(out)


def modules_body(page: Page, lang: str, pages: list[Page], text: random.Random) -> str:
    zh = lang == "zh"
    out = [f"# {page.title_zh if zh else page.title_en}\n\n", paragraph(text, lang, 2), "\n\n"]
    out.append(_heading(lang, "Topics", "主题", "topics"))
    out.append("| 主题 | 页数 |\n|---|---|\n" if zh else "| Topic | Pages |\n|---|---|\n")
    for p in pages:
        if p.kind == "section":
            count = sum(1 for q in pages if q.section == p.section and q.kind in ("content", "terms"))
            out.append(f"| [{p.title_zh if zh else p.title_en}]({relative(page.rel, p.rel)}) | {count} |\n")
    return "".join(out)


def home_body(page: Page, lang: str, pages: list[Page], text: random.Random) -> str:
    zh = lang == "zh"
    out = [f"# {page.title_zh if zh else page.title_en}\n\n", paragraph(text, lang, 3), "\n\n"]
    out.append(_heading(lang, "Where to start", "从哪里开始", "where-to-start"))
    out += [paragraph(text, lang, 3), "\n\n"]
    out.append('!!! tip "怎样使用本站"\n' if zh else '!!! tip "How to use this site"\n')
    out += ["    ", paragraph(text, lang, 2), "\n\n"]
    out.append(_heading(lang, "Sections", "各部分", "sections"))
    out.append(f"- [{'全部主题' if zh else 'All topics'}](modules/index.md)\n")
    for p in pages:
        if p.kind == "group":
            out.append(f"- [{p.title_zh if zh else p.title_en}]({p.rel})\n")
    return "".join(out)


def page_text(page: Page, lang: str, pages: list[Page], seed: int, en_version: str | None = None) -> str:
    struct = random.Random(f"{seed}:struct:{page.rel}")  # same structure in both languages
    text = random.Random(f"{seed}:{lang}:{page.rel}")
    meta = front_matter(page, lang, random.Random(f"{seed}:meta:{page.rel}"), en_version)
    if page.kind == "home":
        body = home_body(page, lang, pages, text)
    elif page.kind == "group":
        body = group_body(page, lang, pages, text)
    elif page.kind == "modules":
        body = modules_body(page, lang, pages, text)
    elif page.kind == "section":
        body = section_body(page, lang, pages, text)
    elif page.kind == "terms":
        body = terms_body(page, lang, text)
    else:
        body = content_body(page, lang, pages, struct, text)
    return meta + body


def svg(label: str) -> str:
    return ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 80" role="img">'
            f'<title>{label}</title><rect width="320" height="80" fill="#e8f1f8"/>'
            f'<text x="16" y="48" font-size="20">{label}</text></svg>\n')


# ------------------------------------------------------------------ configs

def _drop_top_level_block(text: str, key: str) -> str:
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if re.match(rf"{re.escape(key)}:", line):
            skipping = True
            continue
        if skipping and (line.startswith((" ", "\t")) or not line.strip()):
            continue
        skipping = False
        out.append(line)
    return "".join(out)


def project_config(text: str, root: Path = ROOT, keep_nav: bool = False) -> str:
    """The repository's mkdocs.yml for a project elsewhere: the same settings, the
    repository's overrides and plugin data by absolute path, automatic nav unless keep_nav."""
    text, n = re.subn(r"(?m)^(\s+custom_dir:\s*)overrides\s*$", rf"\g<1>{root}/overrides", text)
    if n != 1:
        raise BadInput("mkdocs.yml: theme.custom_dir 'overrides' not found")
    text, n = re.subn(r"(?m)^  - hwsite:\n", (
        f"  - hwsite:\n      strings_dirs: [{root}/overrides/strings]\n"
        f"      glossary: {root}/scripts/data/glossary.yml\n      parity_config: {root}/scripts/data/parity.yml\n"
        f"      sources: {root}/scripts/data/sources.yml\n      quizzes: {root}/scripts/data/quizzes\n"), text)
    if n != 1:
        raise BadInput("mkdocs.yml: the hwsite plugin entry '  - hwsite:' not found")
    return text if keep_nav else _drop_top_level_block(text, "nav")


def plain_config(text: str, docs_dir: str = "plain_docs", keep_nav: bool = False) -> str:
    """The same settings as Material + static-i18n only: no overrides, no hwsite plugin."""
    for key in ("extra_css", "extra_javascript") + (() if keep_nav else ("nav",)):
        text = _drop_top_level_block(text, key)
    # the plugin's entry, its options and the comment lines just above it
    text = re.sub(r"(?m)(^  #.*\n)*^  - hwsite:.*\n(^    .*\n|^\s*\n)*", "", text)
    text = re.sub(r"(?m)^\s+(custom_dir|favicon|logo|jieba_dict_user):.*\n", "", text)
    text, n = re.subn(r"(?m)^docs_dir:.*$", f"docs_dir: {docs_dir}", text)
    if n != 1:
        raise BadInput("mkdocs.yml: no top-level docs_dir")
    return text


def _link_plain_tree(target: Path) -> None:
    plain = target / "plain_docs"
    plain.mkdir()
    for entry in sorted((target / "docs").iterdir()):
        (plain / entry.name).symlink_to(Path("..") / "docs" / entry.name)
    (plain / "zh").symlink_to(Path("..") / "docs_zh")


# ------------------------------------------------------------------ main

def generate(target: Path, n: int, seed: int = 1, config_text: str | None = None) -> list[Page]:
    """Write the site into target (which must not exist or be empty); return the pages."""
    if n < MIN_PAGES:
        raise BadInput(f"--pages must be at least {MIN_PAGES}")
    if config_text is None:
        config_text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    project, plain = project_config(config_text), plain_config(config_text)
    pages = plan_pages(n, seed)
    for page in pages:
        en_text = page_text(page, "en", pages, seed)
        zh_text = page_text(page, "zh", pages, seed, parity.english_version(en_text))
        for tree, body in (("docs", en_text), ("docs_zh", zh_text)):
            path = target / tree / page.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(body, encoding="utf-8")
    for s in sorted({p.section for p in pages if p.kind not in ("home", "modules", "group")}):
        for tree, lang in (("docs", "en"), ("docs_zh", "zh")):
            path = target / tree / image_rel(s, lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(svg(f"{'第' if lang == 'zh' else 'Section '}{s + 1}{'部分' if lang == 'zh' else ''}"),
                            encoding="utf-8")
    (target / "mkdocs.yml").write_text(project, encoding="utf-8")
    (target / "mkdocs.plain.yml").write_text(plain, encoding="utf-8")
    _link_plain_tree(target)
    listing = [{"path": p.rel, "kind": p.kind, "title_en": p.title_en, "title_zh": p.title_zh, "ids": p.ids}
               for p in pages]
    (target / "pages.json").write_text(json.dumps(listing, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return pages


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gen_site.py", description=__doc__.split("\n\n")[0],
                                epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("target", metavar="TARGET", type=Path, help="directory to write (created)")
    p.add_argument("--pages", type=int, required=True, metavar="N", help="pages per language")
    p.add_argument("--seed", type=int, default=1, help="random seed (default %(default)s)")
    p.add_argument("--force", action="store_true", help="replace TARGET if it exists")
    p.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml",
                   help="mkdocs.yml to derive both configs from (default: the repository's)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.pages < MIN_PAGES:
            raise BadInput(f"--pages must be at least {MIN_PAGES}, got {args.pages}")
        try:
            config_text = args.config.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise BadInput(f"{args.config}: cannot read ({error})") from None
        if args.target.exists() and any(args.target.iterdir()):
            if not args.force:
                raise BadInput(f"{args.target}: exists and is not empty (use --force)")
            shutil.rmtree(args.target)
        args.target.mkdir(parents=True, exist_ok=True)
        pages = generate(args.target, args.pages, args.seed, config_text)
    except BadInput as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    print(f"{PROG}: {len(pages)} pages per language in {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
