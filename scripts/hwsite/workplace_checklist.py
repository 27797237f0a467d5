"""The HealthWISE workplace checklist (/checklist/): every checkpoint of every module page,
grouped by module, as a form a team fills in while walking its workplace (action needed?
no / yes / priority, plus a remark), and a blank action plan to fill in by hand.

Pure functions: the build plugin reads the module sources of the page's language and
puts the Markdown returned here in place of the page's marker, so adding a checkpoint
to a module adds it to the checklist. The page works without JavaScript (a printable
form); assets/javascripts/checklist.js adds saving on the device, progress, the live
action plan, CSV export and the summary to copy.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from hwsite import trainer_links as tl

MARKER = "<!-- workplace-checklist -->"
ANSWERS = ("no", "yes", "priority")  # stored values; checklist.js knows the same three
STRINGS_PREFIX = "wc."  # the UI strings of the checklist (overrides/strings/<locale>.yml)
BLANK_PLAN_ROWS = 6


class ChecklistError(Exception):
    """Module pages that cannot give a checklist (the message names the files)."""


@dataclass(frozen=True)
class Checkpoint:
    module: int
    number: int
    title: str  # plain text, without the "Checkpoint N:" prefix of the heading
    anchor: str  # the heading id on the module page ("checkpoint-5")

    @property
    def key(self) -> str:
        """The checkpoint's id on the checklist page and in the reader's saved answers,
        the same in every language: "m3-cp5"."""
        return f"m{self.module}-cp{self.number}"


@dataclass(frozen=True)
class ChecklistModule:
    number: int
    title: str
    src_uri: str  # the module page's source as MkDocs names it ("zh/modules/03-x.md")
    checkpoints: tuple[Checkpoint, ...]


def short_title(heading: str, number: int) -> str:
    """A checkpoint heading without its "Checkpoint 5:" / "检查点5：" prefix (any language:
    a short run of words ending in the number and a colon)."""
    match = re.match(rf"^\D{{0,24}}?{number}\s*[:：]\s*(?=\S)", heading)
    return heading[match.end():] if match else heading


def module_of(meta: Mapping, headings: Iterable, src_uri: str, source: str = "<page>") -> ChecklistModule | None:
    """The checklist entries of one page: None unless its front matter has `module: N`.
    Checkpoints are the headings {#checkpoint-K} that trainer_links finds (the first of a
    repeated id only), in the order of their numbers."""
    links = tl.short_links_for_page(meta, headings, src_uri, "", source)
    if not links:
        return None
    head = links[0]
    points = sorted((Checkpoint(head.module, link.number, short_title(link.title, link.number), link.anchor)
                     for link in links if link.kind == "checkpoint"), key=lambda c: c.number)
    return ChecklistModule(head.module, head.title, src_uri, tuple(points))


def collect(modules: Iterable[ChecklistModule | None]) -> list[ChecklistModule]:
    """Module pages in module order; raises ChecklistError when two claim one number."""
    found: dict[int, ChecklistModule] = {}
    for module in modules:
        if module is None:
            continue
        other = found.setdefault(module.number, module)
        if other is not module:
            raise ChecklistError(f"{other.src_uri} and {module.src_uri} both say `module: {module.number}`; "
                                 "give each module page its own number")
    return [found[n] for n in sorted(found)]


def strings_json(strings: Mapping[str, str]) -> str:
    """The checklist's UI strings for checklist.js (wc.* keys without the prefix)."""
    data = {key[len(STRINGS_PREFIX):]: value for key, value in strings.items() if key.startswith(STRINGS_PREFIX)}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _md(text: str) -> str:
    """Plain text as Markdown inline text (no emphasis, links or HTML)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\\[\]*_`])", r"\\\1", text)


def _a(text: str) -> str:
    return html.escape(text, quote=True)


def _fieldset(point: Checkpoint, link: str, t: Mapping[str, str]) -> list[str]:
    key = point.key
    choices = "".join(
        f'<label class="hw-wc__choice hw-wc__choice--{value}" for="{key}-{value}">'
        f'<input type="radio" id="{key}-{value}" name="{key}" value="{value}"> '
        f'<span>{_a(t["wc.answer." + value])}</span></label>'
        for value in ANSWERS)
    return [
        f'<fieldset class="hw-wc__item" id="{key}" data-hw-item="{key}" markdown>',
        f'<legend markdown="span"><span class="hw-wc__num">{point.module}.{point.number}</span> '
        f'[{_md(point.title)}]({link}#{point.anchor})</legend>',
        f'<div class="hw-wc__question">{_a(t["wc.question"])}</div>',
        f'<div class="hw-wc__choices">{choices}</div>',
        f'<div class="hw-wc__remark"><label for="{key}-remark">{_a(t["wc.remark"])}</label>'
        f'<textarea id="{key}-remark" name="{key}-remark" rows="2"></textarea></div>',
        "</fieldset>",
        "",
    ]


def render_checklist(modules: Iterable[ChecklistModule], *, page_src: str, strings: Mapping[str, str],
                     heading_level: int = 2) -> str:
    """The checklist page's body (Markdown with HTML, for md_in_html): a list of the modules
    to jump to, one section per module with a fieldset per checkpoint (radios no / yes /
    priority and a remark), then the action plan: a blank table to fill in on paper, which
    checklist.js replaces with the plan made from the answers. Links to checkpoints are
    relative Markdown links from page_src (the page's src_uri), so the build checks them.
    strings: the page language's UI strings (needs every wc.* key)."""
    modules = list(modules)
    t = strings
    page_dir = posixpath.dirname(page_src) or "."
    total = sum(len(m.checkpoints) for m in modules)
    h = "#" * heading_level
    out = [
        f'<div class="hw-wc" data-hw-checklist data-hw-total="{total}" '
        f'data-hw-strings="{_a(strings_json(t))}" markdown>',
        "",
        f'<nav class="hw-wc__jump" aria-label="{_a(t["wc.jump"])}" markdown>',
        "",
    ]
    out += [f"- [{_md(t['wc.module.short'].replace('{n}', str(m.number)))}](#module-{m.number})" for m in modules]
    out += ["", "</nav>", ""]
    for module in modules:
        link = posixpath.relpath(module.src_uri, page_dir)
        out += [f"{h} {_md(module.title)} {{#module-{module.number}}}", ""]
        out += [f'<div class="hw-wc__module" data-hw-module="{module.number}" markdown>', ""]
        for point in module.checkpoints:
            out += _fieldset(point, link, t)
        out += ["</div>", ""]
    out += [f"{h} {_md(t['wc.plan.title'])} {{#action-plan}}", "",
            f'<div class="hw-wc__plan" data-hw-plan markdown>', "",
            '<div class="hw-wc__blank" markdown>', "",
            _md(t["wc.plan.paper"]), ""]
    columns = [t["wc.plan.what"], t["wc.plan.who"], t["wc.plan.when"], t["wc.plan.cost"], t["wc.plan.follow"]]
    out += ["| " + " | ".join(_md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    out += ["| " + " | ".join("&nbsp;" for _ in columns) + " |" for _ in range(BLANK_PLAN_ROWS)]
    out += ["", "</div>", "", "</div>", "", "</div>", ""]
    return "\n".join(out)
