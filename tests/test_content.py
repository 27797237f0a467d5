"""Content tests over the Markdown sources and the built site: modules, fact sheets,
the glossary and search, in both languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from conftest import ROOT, render_page_body
from hwsite import glossary
from hwsite.source import headings, mask_code, read_source
from hwsite.sources import citations_in_line, load_registry

DOCS, DOCS_ZH = ROOT / "docs", ROOT / "docs_zh"
MODULES = sorted(p.name for p in (DOCS / "modules").glob("0*.md"))
FACT_SHEETS = sorted(p.name for p in (DOCS / "fact-sheets").glob("*.md") if p.name != "index.md")
HAN = re.compile(r"[\u4e00-\u9fff]")
FIGURE = re.compile(r"\d+(?:\.\d+)?\s?%|\d[\d,.]*\s*(?:million|万|亿)|per 1,000|每千人")
REGISTRY = load_registry()


def cited_keys(text: str) -> list[str]:
    """Registry keys cited in a block of text as [@key] or [@a; @b]."""
    return [key for _, keys in citations_in_line(text) for key in keys]


def test_there_are_eight_modules_numbered_in_order():
    assert [m[:2] for m in MODULES] == [f"{n:02d}" for n in range(1, 9)]


@pytest.mark.parametrize("name", MODULES)
def test_module_structure_matches_across_languages(name):
    en, zh = read_source(DOCS / "modules" / name), read_source(DOCS_ZH / "modules" / name)
    number = int(name[:2])
    for source in (en, zh):
        meta = source.meta
        assert meta["module"] == number, source.file
        assert isinstance(meta["title"], str) and str(number) in meta["title"]
        assert 20 <= len(meta["description"]) <= 160
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta["last_reviewed"]))
        # Registry keys; the build appends the numbered list of sources to the page.
        assert meta["sources"] and all(s in REGISTRY for s in meta["sources"]), source.file
        ids = [h.id for h in headings(source) if h.level in (2, 3)]
        for required in ("overview", "checkpoints", "checklist", "for-trainers"):
            assert required in ids, (source.file, required)
    checkpoints = {lang: [h.id for h in headings(s) if h.level == 3 and (h.id or "").startswith("checkpoint-")]
                   for lang, s in (("en", en), ("zh", zh))}
    n = len(checkpoints["en"])
    assert n >= 6
    assert checkpoints["en"] == [f"checkpoint-{i}" for i in range(1, n + 1)]
    assert checkpoints["zh"] == checkpoints["en"]
    assert [h.id for h in headings(en)] == [h.id for h in headings(zh)]


@pytest.mark.parametrize("name", MODULES)
def test_module_length(name):
    en = read_source(DOCS / "modules" / name).body
    zh = read_source(DOCS_ZH / "modules" / name).body
    assert len(en.split()) >= 1800
    assert len(HAN.findall(zh)) >= 3000


def blocks(source):
    """Paragraphs and list items of a page body (tables and headings excluded), with lines."""
    current, start = [], None
    masked = mask_code(source.body.split("\n"))
    for offset, line in enumerate(masked, start=source.body_line):
        stripped = line.strip()
        new_item = bool(re.match(r"([-*+]|\d+\.)\s", stripped))
        # images are skipped: their alt text repeats figures cited in the caption below
        if not stripped or stripped.startswith(("|", "#", "!!!", "<", "![")) or new_item:
            if current:
                yield start, " ".join(current)
            current, start = ([stripped], offset) if new_item else ([], None)
            continue
        if start is None:
            start = offset
        current.append(stripped)
    if current:
        yield start, " ".join(current)


@pytest.mark.parametrize("tree", [DOCS, DOCS_ZH], ids=["en", "zh"])
@pytest.mark.parametrize("rel", [f"modules/{m}" for m in MODULES] + [f"fact-sheets/{f}" for f in FACT_SHEETS])
def test_every_cited_figure_names_its_source(tree, rel):
    source = read_source(tree / rel)
    uncited = [(line, text[:90]) for line, text in blocks(source)
               if FIGURE.search(text) and not any(key in REGISTRY for key in cited_keys(text))]
    assert uncited == [], f"{tree.name}/{rel}: figures without a [@key] citation of a registry source"


@pytest.mark.parametrize("name", FACT_SHEETS)
def test_fact_sheets_exist_in_both_languages_with_the_same_ids(name):
    en, zh = read_source(DOCS / "fact-sheets" / name), read_source(DOCS_ZH / "fact-sheets" / name)
    assert [h.id for h in headings(en)] == [h.id for h in headings(zh)]
    assert all(h.id for h in headings(en) if h.level in (2, 3))
    assert en.meta["sources"] == zh.meta["sources"] and all(s in REGISTRY for s in en.meta["sources"])


def test_ilo_conventions_table_agrees_with_the_facts():
    facts = {  # ../shared/domain/FACTS.md, "ILO conventions"
        "C.149": ("1977年护理人员公约", "No"), "C.155": ("1981年职业安全和卫生公约", "Yes"),
        "C.161": ("1985年职业卫生设施公约", "No"), "C.174": ("1993年预防重大工业事故公约", "No"),
        "C.187": ("2006年促进职业安全与卫生框架公约", "No"),
        "C.190": ("2019年暴力和骚扰公约", None), "C.81": ("劳动监察公约", "No"),
    }
    zh = (DOCS_ZH / "resources/international-labour-standards.md").read_text(encoding="utf-8")
    en = (DOCS / "resources/international-labour-standards.md").read_text(encoding="utf-8")
    for number, (title, _) in facts.items():
        assert title in zh, title
        assert re.search(rf"\b(?:C\.?\s?|No\.\s?){number[2:]}\b", en), number
    assert "2007" in en and "2007" in zh  # C.155 ratified in 2007


# --- glossary ----------------------------------------------------------------------

def test_glossary_parses_and_has_enough_unique_terms():
    terms = glossary.load_glossary()
    assert len(terms) >= 80
    assert len({t.en.lower() for t in terms}) == len(terms)
    assert len({t.zh for t in terms}) == len(terms)
    preferred = {t.zh for t in terms}
    assert not any(v in preferred for t in terms for v in t.deprecated_zh)


def test_glossary_rejects_duplicates_with_file_and_line(tmp_path):
    path = tmp_path / "g.yml"
    path.write_text("terms:\n" + "".join(
        f"  - en: {en}\n    zh: {zh}\n    pinyin: x\n    def_en: d\n    def_zh: 释义\n"
        for en, zh in (("hand hygiene", "手卫生"), ("sharps injury", "锐器伤"), ("Hand Hygiene", "手部卫生"))),
        encoding="utf-8")
    with pytest.raises(glossary.GlossaryError) as error:
        glossary.load_glossary(path)
    assert error.value.line == 12 and "duplicate English term" in error.value.message


def test_generated_glossary_pages_and_search_dictionary_match_the_data(real_site):
    terms = glossary.load_glossary()
    en = LexborHTMLParser((real_site / "glossary/index.html").read_text(encoding="utf-8"))
    zh = LexborHTMLParser((real_site / "zh/glossary/index.html").read_text(encoding="utf-8"))
    en_terms = {n.text().strip() for n in en.css(".md-content td:first-child strong")}
    zh_terms = {n.text().strip() for n in zh.css(".md-content td:first-child strong")}
    assert en_terms == {t.en for t in terms}
    assert zh_terms == {t.zh for t in terms}
    user_dict = glossary.jieba_user_dict(terms)
    assert (ROOT / ".cache/generated/jieba_user_dict.txt").read_text(encoding="utf-8") == user_dict
    assert "针刺伤 50 n" in user_dict.splitlines()


# --- search finds the modules in both languages ------------------------------------

def search_hits(site: Path, lang: str, term: str) -> set[str]:
    index = json.loads((site / (lang + "search/search_index.json")).read_text(encoding="utf-8"))
    return {d["location"].split("#")[0] for d in index["docs"] if term.lower() in d["text"].replace("\u200b", "").lower()}


@pytest.mark.parametrize("lang, term, page", [
    ("", "needlestick", "modules/03-biological-hazards/"), ("zh/", "针刺伤", "modules/03-biological-hazards/"),
    ("", "night shift", "modules/07-working-time/"), ("zh/", "夜班", "modules/07-working-time/"),
    ("zh/", "手卫生", "modules/03-biological-hazards/"), ("zh/", "职业暴露", "modules/03-biological-hazards/"),
])
def test_search_index_finds_modules(real_site, lang, term, page):
    assert page in search_hits(real_site, lang, term)


def test_module_index_lists_every_module_with_a_description(real_site):
    for lang in ("", "zh/"):
        doc = LexborHTMLParser((real_site / lang / "modules/index.html").read_text(encoding="utf-8"))
        rows = doc.css(".md-content table tbody tr")
        links = [r.css_first("a").attributes["href"] for r in rows]
        assert [l.split("/")[0] for l in links] == [m[:-3] for m in MODULES]
        assert all(len(r.css("td")[1].text().strip()) > 10 for r in rows)


GLOSSARY_TERMS = (
    glossary.Term(en="sharps injury", zh="锐器伤", pinyin="rui qi shang", def_en='Cut by a "sharp".',
                  def_zh="被锐器刺伤。", line=1),
    glossary.Term(en="injury", zh="伤害", pinyin="shang hai", def_en="Harm.", def_zh="损害。", line=2),
    glossary.Term(en="hand hygiene", zh="手卫生", pinyin="shou wei sheng", def_en="Cleaning hands.",
                  def_zh="清洁双手。", line=3),
    glossary.Term(en="OSH", zh="职业安全卫生", pinyin="zhi ye an quan wei sheng", def_en="Safety at work.",
                  def_zh="工作安全。", line=4),
)


def test_annotate_terms_marks_first_running_text_occurrence_only():
    text = ("## Sharps injury and hand hygiene {#x}\n\n"
            "A [sharps injury](#) link, <a href=\"#\">hand hygiene</a> in raw HTML, "
            "then Sharps Injury and sharps injury again; `injury`, then injury, OSH.\n\n"
            "```\nhand hygiene\n```\n\n"
            '<div class="hw-references" markdown>\n\nReference on hand hygiene.\n\n</div>\n\n'
            '<ul class="hw-sources"><li>Raw block on hand hygiene.</li></ul>\n\n'
            "Hand hygiene at last.\n\n*[OSH]: Occupational safety and health\n")
    out = render_page_body(text, glossary_terms=GLOSSARY_TERMS, glossary_language="en")
    assert out.count("<abbr") == 4  # three terms and the Markdown abbreviation
    assert '<a href="#">sharps injury</a> link, <a href="#">hand hygiene</a> in raw HTML' in out
    assert ' then <abbr tabindex="0" title="Cut by a &quot;sharp&quot;.">Sharps Injury</abbr> and sharps injury' in out
    assert "<code>injury</code>, then <abbr tabindex=\"0\" title=\"Harm.\">injury</abbr>, " in out
    assert '<abbr title="Occupational safety and health">OSH</abbr>.' in out  # an abbreviation is not redefined
    assert "<code>hand hygiene\n</code></pre>" in out and "<p>Reference on hand hygiene.</p>" in out
    assert "<li>Raw block on hand hygiene.</li>" in out
    assert '<p><abbr tabindex="0" title="Cleaning hands.">Hand hygiene</abbr> at last.</p>' in out
    assert "<abbr" not in out.split("</h2>")[0]
    zh = render_page_body("发生锐器伤后，锐器伤要上报。", glossary_terms=GLOSSARY_TERMS, glossary_language="zh")
    assert zh == '<p>发生<abbr tabindex="0" title="被锐器刺伤。">锐器伤</abbr>后，锐器伤要上报。</p>'
    assert render_page_body("A sharps injury.") == "<p>A sharps injury.</p>"  # no terms: none defined


def test_pages_define_glossary_terms_in_place(real_site):
    doc = LexborHTMLParser((real_site / "zh/modules/03-biological-hazards/index.html").read_text(encoding="utf-8"))
    abbrs = {a.text(): a.attributes["title"] for a in doc.css(".md-content abbr")}
    terms = {t.zh: t.def_zh for t in glossary.load_glossary()}
    assert "针刺伤" in abbrs and abbrs["针刺伤"] == terms["针刺伤"]
    assert all(text in terms for text in abbrs)


ALIASED = ("terms:\n  - en: needlestick injury\n    zh: 针刺伤\n    pinyin: zhen ci shang\n"
           "    def_en: d\n    def_zh: 释义\n")


@pytest.mark.parametrize("aliases, message", [
    ("[TB]", "must be a mapping"),
    ("{fr: [piqure]}", "unknown language 'fr'"),
    ("{zh: 针扎}", "must be a list of non-empty strings"),
    ("{zh: [针刺伤]}", "is the term itself"),
])
def test_glossary_rejects_bad_aliases_with_file_and_line(tmp_path, aliases, message):
    path = tmp_path / "g.yml"
    path.write_text(ALIASED + f"    aliases: {aliases}\n", encoding="utf-8")
    with pytest.raises(glossary.GlossaryError) as error:
        glossary.load_glossary(path)
    assert error.value.line == 2 and message in error.value.message


def test_glossary_aliases_reach_the_page_the_dictionary_and_search(tmp_path):
    path = tmp_path / "g.yml"
    path.write_text(ALIASED + "    aliases: {en: [needle prick], zh: [针扎, 扎针]}\n", encoding="utf-8")
    terms = glossary.load_glossary(path)
    assert terms[0].aliases_in("zh") == ("针扎", "扎针")
    assert "又称“针扎”、“扎针”。" in glossary.glossary_markdown(terms, "zh", "又称{names}。")
    assert "Also called *needle prick*." in glossary.glossary_markdown(terms, "en", "Also called {names}.")
    assert "针扎 50 n" in glossary.jieba_user_dict(terms)
    assert glossary.search_synonyms(terms, "zh")["针扎"] == ["针刺伤", "扎针"]
    assert glossary.search_synonyms(terms, "en")["needle prick"] == ["needlestick injury"]


def test_english_abbreviations_name_the_term_in_chinese_search(tmp_path):
    """Readers type HIV and PPE in Latin letters in Chinese too: a term or alias written in
    capitals in English names the term in every language's search."""
    path = tmp_path / "g.yml"
    path.write_text("terms:\n  - en: HIV\n    zh: 艾滋病病毒\n    pinyin: ai zi bing bing du\n"
                    "    def_en: d\n    def_zh: 释义\n    aliases: {en: [human immunodeficiency virus]}\n",
                    encoding="utf-8")
    synonyms = glossary.search_synonyms(glossary.load_glossary(path), "zh")
    assert synonyms["hiv"] == ["艾滋病病毒"]
    assert "human immunodeficiency virus" not in synonyms
