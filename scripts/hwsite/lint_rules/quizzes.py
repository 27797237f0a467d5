"""Quiz lint: the self-check quizzes in scripts/data/quizzes/*.yml. Shape and answers
(hwsite.quiz.validate_quiz: quiz-* codes), checkpoint anchors against the module page in
both languages, and the Chinese texts through the same terms and typography rules as
Chinese pages, reported on the quiz file's own lines."""

from __future__ import annotations

from pathlib import Path

from hwsite import quiz as hwquiz
from hwsite import source as md
from hwsite.glossary import Term
from hwsite.lint_rules import terms, typography
from hwsite.lint_rules.common import Finding, make_page

RULE = hwquiz.RULE
CODES = dict(hwquiz.CODES)
SUFFIXES = (".yml", ".yaml")
_FIX_HINT = " (python scripts/lint_content.py --fix can do this)"


def is_quiz_path(path: str | Path) -> bool:
    return Path(path).suffix in SUFFIXES


def module_anchors(page: Path) -> set[str] | None:
    """Heading ids of a module page, None when it does not exist or cannot be read."""
    try:
        return {h.id for h in md.headings(md.read_source(page)) if h.id}
    except md.SourceError:
        return None


def chinese_text_page(quiz: hwquiz.Quiz):
    """The quiz's Chinese texts as a Markdown page whose line N holds what line N of the
    quiz file holds, so the page rules report the quiz file's lines."""
    texts = []
    for question in quiz.questions:
        texts += [question.prompt, question.explanation] + [option.text for option in question.options]
    if quiz.intro is not None:
        texts.append(quiz.intro)
    lines: dict[int, str] = {}
    for text in texts:
        if text is not None and "zh" in text.lines:
            lines[text.lines["zh"]] = text.get("zh")
    last = max(lines, default=0)
    # blank lines between texts: each text is a paragraph of its own
    body = "\n".join(lines.get(number, "") for number in range(1, last + 1))
    return make_page(md.parse_source(body, quiz.file), quiz.file, lang="zh")


def check_quiz(quiz: hwquiz.Quiz, en_root: Path, zh_root: Path, glossary: list[Term] | None = None) -> list[Finding]:
    """Every finding for one quiz; en_root/zh_root: the docs folders of each language."""
    anchors = {"en": module_anchors(Path(en_root) / "modules" / f"{quiz.slug}.md"),
               "zh": module_anchors(Path(zh_root) / "modules" / f"{quiz.slug}.md")}
    found = hwquiz.validate_quiz(quiz, anchors)
    page = chinese_text_page(quiz)
    # --fix does not rewrite quiz files: the page rule's hint would mislead
    found += [Finding(f.code, f.severity, f.file, f.line, f.message.replace(_FIX_HINT, ""), f.rule)
              for f in typography.check(page)]
    if glossary:
        found += terms.check(page, glossary)
    return sorted(found, key=Finding.sort_key)


def check_file(path: str | Path, name: str, en_root: Path, zh_root: Path,
               glossary: list[Term] | None = None) -> list[Finding]:
    """Read and check one quiz file. Raises hwquiz.QuizError for a file that is not
    UTF-8 YAML with a mapping at the top (bad input, not a finding)."""
    return check_quiz(hwquiz.load_quiz(path, name), en_root, zh_root, glossary)


def split_paths(paths: list[str]) -> tuple[list[str], list[tuple[Path, str]]]:
    """(paths for the Markdown rules, quiz files with their display names). A folder
    that holds quiz files gives its quizzes."""
    markdown, quizzes = [], []
    for arg in paths:
        path = Path(arg)
        if path.is_file() and is_quiz_path(path):
            quizzes.append((path, path.as_posix()))
        elif path.is_dir() and any(path.glob("*.yml")) and not any(path.rglob("*.md")):
            quizzes += [(found, (Path(arg) / found.name).as_posix()) for found in hwquiz.quiz_files(path)]
        else:
            markdown.append(arg)
    return markdown, quizzes
