"""Self-check quizzes, one per module: read scripts/data/quizzes/<module>.yml (both
languages in one file, line numbers kept), check it, and write each language's page.

Pure functions used by the content lint (hwsite/lint_rules/quizzes.py), the build
(the hwsite plugin) and the tests. The page works without JavaScript (every
answer in a <details>); overrides/assets/javascripts/quiz.js turns it into one question
at a time, with feedback, a score kept on the phone and a present view (?present).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

import yaml

from hwsite.files import parsed_once_per_version
from hwsite.findings import ERROR

if TYPE_CHECKING:  # the lint rules import this module; Finding is imported where it is made
    from hwsite.lint_rules.common import Finding


LANGUAGES = ("en", "zh")
KINDS = ("single", "multiple", "true-false", "scenario")
MIN_QUESTIONS, MAX_QUESTIONS = 6, 10
QUIZ_DIR = Path(__file__).resolve().parent.parent / "data" / "quizzes"
SCRIPT = "assets/javascripts/quiz.js"  # the page's own script (loaded by the page, not site-wide)
RULE = "quizzes"
# The page of a quiz sits one folder below its module: modules/<slug>/quiz.md.
PAGE_NAME = "quiz.md"
ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\Z")
LETTERS = "ABCDEFGH"

CODES = {
    "quiz-invalid": ERROR,
    "quiz-module-missing": ERROR,
    "quiz-question-count": ERROR,
    "quiz-id-invalid": ERROR,
    "quiz-id-duplicate": ERROR,
    "quiz-kind-invalid": ERROR,
    "quiz-options-invalid": ERROR,
    "quiz-answer-missing": ERROR,
    "quiz-answer-invalid": ERROR,
    "quiz-translation-missing": ERROR,
    "quiz-explanation-missing": ERROR,
    "quiz-checkpoint-missing": ERROR,
    "quiz-anchor-missing": ERROR,
}

_TOP_KEYS = {"questions", "intro"}
_QUESTION_KEYS = {"id", "kind", "checkpoint", "prompt", "options", "answer", "explanation"}
_OPTION_KEYS = {"correct", *LANGUAGES}


class QuizError(Exception):
    """A quiz file that cannot be read at all (not UTF-8, not YAML, not a mapping)."""

    def __init__(self, file: str, line: int | None, message: str):
        super().__init__(message)
        self.file, self.line, self.message = file, line, message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class Text:
    """One text in every language: values[lang] and the line each value is on."""

    line: int
    values: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def get(self, lang: str) -> str:
        return self.values.get(lang, "")


@dataclass
class Option:
    line: int
    text: Text
    correct: bool


@dataclass
class Question:
    line: int
    id: str = ""
    id_line: int = 0
    kind: str = ""
    kind_line: int = 0
    prompt: Text | None = None
    options: list[Option] = field(default_factory=list)
    options_line: int = 0
    answer: bool | None = None   # true-false questions
    explanation: Text | None = None
    checkpoints: list[int] = field(default_factory=list)
    checkpoint_line: int = 0

    @property
    def anchors(self) -> list[str]:
        return [f"checkpoint-{n}" for n in self.checkpoints]

    def choices(self) -> list[tuple[Text | None, bool]]:
        """(text, correct) of each choice readers see; true-false: (None, ...) for
        "True" then "False", named by the UI strings."""
        if self.kind == "true-false":
            return [(None, self.answer is True), (None, self.answer is False)]
        return [(option.text, option.correct) for option in self.options]


@dataclass
class Quiz:
    file: str
    slug: str
    line: int = 1
    intro: Text | None = None
    questions: list[Question] = field(default_factory=list)
    questions_line: int = 1
    # shape problems found while reading: (line, code, message); validate_quiz reports them
    problems: list[tuple[int, str, str]] = field(default_factory=list)


# ---------------------------------------------------------------- reading

def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


_constructor = yaml.constructor.SafeConstructor()


def _scalar(node: yaml.Node):
    if not isinstance(node, yaml.ScalarNode):
        return node
    return _constructor.construct_object(node, deep=True)


def _pairs(node: yaml.MappingNode) -> list[tuple[str, int, yaml.Node]]:
    return [(str(_scalar(key)), _line(key), value) for key, value in node.value]


def _text(node: yaml.Node, what: str, quiz: Quiz) -> Text:
    text = Text(_line(node))
    if not isinstance(node, yaml.MappingNode):
        quiz.problems.append((text.line, "quiz-invalid", f"{what} must be a mapping with one line per language ({', '.join(LANGUAGES)}: ...)"))
        return text
    for key, line, value in _pairs(node):
        if key not in LANGUAGES:
            quiz.problems.append((line, "quiz-invalid", f"{what} has an unknown language '{key}'; write {' and '.join(LANGUAGES)}"))
            continue
        scalar = _scalar(value)
        if isinstance(scalar, yaml.Node) or scalar is None:
            scalar = ""
        text.values[key] = " ".join(str(scalar).split())
        text.lines[key] = _line(value)
    return text


def _option(node: yaml.Node, number: int, quiz: Quiz) -> Option:
    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        quiz.problems.append((line, "quiz-invalid", f"option {number} must be a mapping: en: ..., zh: ... and, for a right answer, correct: true"))
        return Option(line, Text(line), False)
    correct = False
    texts = yaml.MappingNode("tag:yaml.org,2002:map", [], node.start_mark, node.end_mark)
    for key, key_line, value in _pairs(node):
        if key == "correct":
            scalar = _scalar(value)
            if not isinstance(scalar, bool):
                quiz.problems.append((key_line, "quiz-invalid", f"option {number}: correct must be true or false"))
            correct = scalar is True
        elif key in LANGUAGES:
            texts.value.append((yaml.ScalarNode("tag:yaml.org,2002:str", key, value.start_mark, value.end_mark), value))
        else:
            quiz.problems.append((key_line, "quiz-invalid", f"option {number} has an unknown key '{key}'; use {', '.join(sorted(_OPTION_KEYS))}"))
    text = _text(texts, f"option {number}", quiz)
    text.line = line
    return Option(line, text, correct)


def _question(node: yaml.Node, number: int, quiz: Quiz) -> Question:
    question = Question(_line(node))
    if not isinstance(node, yaml.MappingNode):
        quiz.problems.append((question.line, "quiz-invalid", f"question {number} must be a mapping (id:, kind:, prompt:, ...)"))
        return question
    for key, line, value in _pairs(node):
        scalar = _scalar(value)
        if key == "id":
            question.id, question.id_line = ("" if isinstance(scalar, yaml.Node) or scalar is None else str(scalar)), line
        elif key == "kind":
            question.kind, question.kind_line = ("" if isinstance(scalar, yaml.Node) or scalar is None else str(scalar)), line
        elif key == "prompt":
            question.prompt = _text(value, f"question {number}: prompt", quiz)
        elif key == "explanation":
            question.explanation = _text(value, f"question {number}: explanation", quiz)
        elif key == "answer":
            if not isinstance(scalar, bool):
                quiz.problems.append((line, "quiz-invalid", f"question {number}: answer must be true or false"))
            else:
                question.answer = scalar
        elif key == "checkpoint":
            question.checkpoint_line = line
            items = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for item in items:
                item_value = _scalar(item)
                if isinstance(item_value, bool) or not isinstance(item_value, int) or item_value < 1:
                    quiz.problems.append((_line(item), "quiz-invalid", f"question {number}: checkpoint must be a checkpoint number (4) or a list of them ([4, 6])"))
                else:
                    question.checkpoints.append(item_value)
        elif key == "options":
            question.options_line = line
            if not isinstance(value, yaml.SequenceNode):
                quiz.problems.append((line, "quiz-invalid", f"question {number}: options must be a list"))
            else:
                question.options = [_option(item, index, quiz) for index, item in enumerate(value.value, start=1)]
        else:
            quiz.problems.append((line, "quiz-invalid", f"question {number} has an unknown key '{key}'; use {', '.join(sorted(_QUESTION_KEYS))}"))
    return question


def parse_quiz(text: str, file: str, slug: str | None = None) -> Quiz:
    """A Quiz from the YAML text of a quiz file; slug defaults to the file's stem.
    Raises QuizError when the text is not YAML or not a mapping."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise QuizError(file, mark.line + 1 if mark else None, f"not valid YAML: {problem}") from None
    quiz = Quiz(file, slug if slug is not None else Path(file).stem)
    if not isinstance(root, yaml.MappingNode):
        raise QuizError(file, _line(root) if root is not None else None,
                        "a quiz file is a mapping with 'questions:' (a list of questions)")
    seen_questions = False
    for key, line, value in _pairs(root):
        if key == "questions":
            seen_questions = True
            quiz.questions_line = line
            if not isinstance(value, yaml.SequenceNode):
                quiz.problems.append((line, "quiz-invalid", "questions must be a list"))
                continue
            quiz.questions = [_question(item, index, quiz) for index, item in enumerate(value.value, start=1)]
        elif key == "intro":
            quiz.intro = _text(value, "intro", quiz)
        else:
            quiz.problems.append((line, "quiz-invalid", f"unknown key '{key}' at the top; use {', '.join(sorted(_TOP_KEYS))}"))
    if not seen_questions:
        quiz.problems.append((1, "quiz-invalid", "the file has no 'questions:' list"))
    return quiz


def load_quiz(path: str | Path, name: str | None = None) -> Quiz:
    """Read one quiz file. `name`: how findings name the file (default: the path)."""
    name = name if name is not None else str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise QuizError(name, None, f"cannot read file: {error.strerror or error}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise QuizError(name, data.count(b"\n", 0, error.start) + 1, "not valid UTF-8; re-save the file as UTF-8") from None
    return parse_quiz(text, name, Path(path).stem)


def quiz_files(folder: str | Path = QUIZ_DIR) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.yml") if not p.name.startswith("."))


# every language pass of a build (and every `mkdocs serve` rebuild) asks for each quiz
load_quiz_cached = parsed_once_per_version(load_quiz, maxsize=32)


# ---------------------------------------------------------------- checking

def _finding(quiz: Quiz, code: str, line: int, message: str) -> Finding:
    from hwsite.lint_rules.common import Finding
    return Finding(code, CODES[code], quiz.file, line, message, RULE)


def _check_text(quiz: Quiz, text: Text | None, what: str, line: int, code_missing: str | None = None) -> list[Finding]:
    if text is None:
        if code_missing:
            return [_finding(quiz, code_missing, line, f"{what} is missing; add it in every language ({', '.join(LANGUAGES)})")]
        return []
    found = []
    for lang in LANGUAGES:
        if not text.get(lang).strip():
            found.append(_finding(quiz, "quiz-translation-missing", text.lines.get(lang, text.line),
                                  f"{what} has no '{lang}' text; write it in {'English' if lang == 'en' else 'Chinese'} too"))
    return found


def validate_quiz(quiz: Quiz, module_page_anchors: Mapping[str, set[str] | None]) -> list[Finding]:
    """Every problem of a quiz, sorted by line. module_page_anchors: for each language,
    the heading ids of the module page the quiz belongs to, or None when that page is
    missing."""
    found = [_finding(quiz, code, line, message) for line, code, message in quiz.problems]
    for lang in LANGUAGES:
        if module_page_anchors.get(lang) is None:
            found.append(_finding(quiz, "quiz-module-missing", 1,
                                  f"no {'English' if lang == 'en' else 'Chinese'} module page '{quiz.slug}.md' for this quiz; "
                                  "name the file after the module page (e.g. 03-biological-hazards.yml)"))
    if quiz.intro is not None:
        found += _check_text(quiz, quiz.intro, "intro", quiz.intro.line)
    count = len(quiz.questions)
    if not MIN_QUESTIONS <= count <= MAX_QUESTIONS and not any(p[1] == "quiz-invalid" and p[0] == quiz.questions_line for p in quiz.problems):
        found.append(_finding(quiz, "quiz-question-count", quiz.questions_line,
                              f"the quiz has {count} question{'s' * (count != 1)}; a module quiz has {MIN_QUESTIONS} to {MAX_QUESTIONS}"))
    ids: dict[str, int] = {}
    for number, question in enumerate(quiz.questions, start=1):
        where = f"question {number}"
        if not question.id:
            found.append(_finding(quiz, "quiz-id-invalid", question.line, f"{where} has no id; add id: a-short-name (lower-case words joined by hyphens)"))
        elif not ID.match(question.id):
            found.append(_finding(quiz, "quiz-id-invalid", question.id_line,
                                  f"{where}: id '{question.id}' must be lower-case ASCII words joined by hyphens, e.g. needlestick-first-aid"))
        elif question.id in ids:
            found.append(_finding(quiz, "quiz-id-duplicate", question.id_line,
                                  f"{where}: id '{question.id}' is already used on line {ids[question.id]}; ids must be unique in the quiz"))
        else:
            ids[question.id] = question.id_line
        if question.kind not in KINDS:
            found.append(_finding(quiz, "quiz-kind-invalid", question.kind_line or question.line,
                                  f"{where}: kind '{question.kind}' is not one of {', '.join(KINDS)}" if question.kind
                                  else f"{where} has no kind; add kind: one of {', '.join(KINDS)}"))
        found += _check_text(quiz, question.prompt, f"{where}: prompt", question.line, "quiz-invalid")
        found += _check_text(quiz, question.explanation, f"{where}: explanation", question.line, "quiz-explanation-missing")
        found += _check_choices(quiz, question, where)
        if not question.checkpoints:
            if question.checkpoint_line == 0:
                found.append(_finding(quiz, "quiz-checkpoint-missing", question.line,
                                      f"{where}: the explanation links to no checkpoint; add checkpoint: N (the checkpoint of the module that covers it)"))
        for anchor in question.anchors:
            for lang in LANGUAGES:
                anchors = module_page_anchors.get(lang)
                if anchors is not None and anchor not in anchors:
                    found.append(_finding(quiz, "quiz-anchor-missing", question.checkpoint_line,
                                          f"{where}: #{anchor} does not exist on the {'English' if lang == 'en' else 'Chinese'} page "
                                          f"modules/{quiz.slug}.md; use a checkpoint number that page has"))
    return sorted(found, key=lambda finding: finding.sort_key())


def _check_choices(quiz: Quiz, question: Question, where: str) -> list[Finding]:
    found = []
    line = question.options_line or question.line
    if question.kind == "true-false":
        if question.options:
            found.append(_finding(quiz, "quiz-options-invalid", line,
                                  f"{where} is true-false: remove options and write answer: true or answer: false"))
        if question.answer is None:
            found.append(_finding(quiz, "quiz-answer-missing", question.line, f"{where} has no correct answer; add answer: true or answer: false"))
        return found
    if question.kind not in KINDS:
        return found
    if question.answer is not None:
        found.append(_finding(quiz, "quiz-options-invalid", question.line,
                              f"{where}: answer: is only for true-false questions; mark the right option with correct: true"))
    if len(question.options) < 2:
        found.append(_finding(quiz, "quiz-options-invalid", line, f"{where} needs at least 2 options (it has {len(question.options)})"))
        return found
    if len(question.options) > len(LETTERS):
        found.append(_finding(quiz, "quiz-options-invalid", line, f"{where} has {len(question.options)} options; at most {len(LETTERS)}"))
    for index, option in enumerate(question.options, start=1):
        found += _check_text(quiz, option.text, f"{where}: option {index}", option.line)
    right = sum(option.correct for option in question.options)
    if right == 0:
        found.append(_finding(quiz, "quiz-answer-missing", line, f"{where} has no correct answer; mark the right option with correct: true"))
    elif question.kind in ("single", "scenario") and right > 1:
        found.append(_finding(quiz, "quiz-answer-invalid", line,
                              f"{where} is {question.kind} but {right} options are marked correct; mark one, or make it kind: multiple"))
    elif question.kind == "multiple" and right == len(question.options):
        found.append(_finding(quiz, "quiz-answer-invalid", line,
                              f"{where}: every option is correct; add at least one plausible wrong option"))
    return found


# ---------------------------------------------------------------- the page

def page_src_uri(slug: str) -> str:
    """Where a quiz page sits among the site's pages (one folder below its module)."""
    return f"modules/{slug}/{PAGE_NAME}"


def module_link(slug: str, anchor: str = "") -> str:
    """The module page, as a Markdown link target relative to the quiz page."""
    return f"../{slug}.md" + (f"#{anchor}" if anchor else "")


def _fill(text: str, **values) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), m.group(0))), text)


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _md(text: str) -> str:
    """Plain text made safe as Markdown inline text (no markup, no HTML)."""
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


# the strings quiz.js needs, from the quiz.* entries of the UI strings
JS_STRINGS = ("check", "next", "finish", "correct", "incorrect", "choose", "score", "best", "retry",
              "restart", "progress", "saved", "answered", "true", "false", "question",
              "present", "present.label", "present.reveal", "present.next", "present.prev",
              "present.exit", "present.keys", "present.count", "present.more")


def js_strings(strings: Mapping[str, str]) -> dict[str, str]:
    return {key: strings[f"quiz.{key}"] for key in JS_STRINGS}


def page_title(module: int, strings: Mapping[str, str]) -> str:
    return _fill(strings["quiz.title"], n=module)


def render_quiz_markdown(quiz: Quiz, language: str, strings: Mapping[str, str], *,
                         module: int, module_title: str, script_src: str | None = None) -> str:
    """The body of the quiz page in one language: portable Markdown with md_in_html
    blocks and <details>, readable without JavaScript. Each question is a section with
    id "q-<id>"; its options carry data-hw-correct for quiz.js. Links to the module's
    checkpoints are Markdown links, so the build checks them."""
    s = strings
    total = len(quiz.questions)
    out = [f"# {_md(page_title(module, s))}", ""]
    out += [_md(_fill(s["quiz.about"], module=module_title)) + f" [{_md(s['quiz.module.link'])}]({module_link(quiz.slug)})", ""]
    if quiz.intro is not None:
        out += [_md(quiz.intro.get(language)), ""]
    out += [_md(_fill(s["quiz.intro"], total=total)), ""]
    data = json.dumps(js_strings(s), ensure_ascii=False, separators=(",", ":"))
    out += [f'<div class="hw-quiz" data-hw-quiz="{_esc(quiz.slug)}" data-hw-lang="{_esc(language)}" '
            f'data-hw-strings="{_esc(data)}" markdown>', ""]
    for number, question in enumerate(quiz.questions, start=1):
        out += _question_markdown(quiz, question, number, total, language, s)
    out += ["</div>", ""]
    out += [f"[{_md(_fill(s['quiz.back'], module=module_title))}]({module_link(quiz.slug)})", ""]
    if script_src:
        out += [f'<script src="{_esc(script_src)}"></script>', ""]
    return "\n".join(out)


def _question_markdown(quiz: Quiz, question: Question, number: int, total: int, language: str,
                       s: Mapping[str, str]) -> list[str]:
    choices = question.choices()
    out = [f'<section class="hw-quiz__question" data-hw-q="{_esc(question.id)}" '
           f'data-hw-kind="{_esc(question.kind)}" markdown>', ""]
    # the id is on the heading: a link to #q-<id> shows the question's number first
    out += [f'<h2 class="hw-quiz__count" id="q-{_esc(question.id)}">{_esc(_fill(s["quiz.question"], n=number, total=total))}</h2>', ""]
    prompt = question.prompt.get(language) if question.prompt else ""
    out += [f'<p class="hw-quiz__prompt">{_esc(prompt)}</p>', ""]
    out += [f'<p class="hw-quiz__kind">{_esc(s["quiz.kind." + question.kind])}</p>', ""]
    items = []
    right = []
    for index, (text, correct) in enumerate(choices):
        label = text.get(language) if text is not None else s["quiz.true" if index == 0 else "quiz.false"]
        letter = LETTERS[index]
        if correct:
            right.append((letter, label))
        flag = " data-hw-correct" if correct else ""
        items.append(f'<li{flag}><span class="hw-quiz__letter">{letter}.</span> '
                     f'<span class="hw-quiz__option">{_esc(label)}</span></li>')
    out += ['<ol class="hw-quiz__options">', *items, "</ol>", ""]
    key = "quiz.answer.one" if len(right) == 1 else "quiz.answer.many"
    answer = _fill(s[key], answer=s["quiz.join"].join(f"{letter}. {label}" for letter, label in right))
    explanation = question.explanation.get(language) if question.explanation else ""
    links = " ".join(f"[{_md(_fill(s['quiz.read'], n=n))}]({module_link(quiz.slug, f'checkpoint-{n}')})"
                     for n in question.checkpoints)
    out += ['<details class="hw-quiz__answer" markdown>',
            f"<summary>{_esc(s['quiz.show'])}</summary>", "",
            f'<p class="hw-quiz__solution"><strong>{_esc(answer)}</strong></p>', "",
            f'<p class="hw-quiz__explanation">{_esc(explanation)}</p>', "",
            f'<p class="hw-quiz__more" markdown>{links}</p>', "",
            "</details>", "", "</section>", ""]
    return out


def page_meta(quiz: Quiz, language: str, strings: Mapping[str, str], *, module: int, module_title: str) -> dict:
    """Front matter of the generated page. Quizzes stay out of search: the module page
    is where a reader should land."""
    return {
        "title": page_title(module, strings),
        "description": _fill(strings["quiz.description"], module=module_title, n=module, total=len(quiz.questions)),
        "search": {"exclude": True},
        "hide": ["toc"],
        "hw_quiz": quiz.slug,
    }


def render_quiz_page(quiz: Quiz, language: str, strings: Mapping[str, str], *, module: int,
                     module_title: str, script_src: str | None = None) -> str:
    """The whole generated Markdown file (front matter and body) of one language."""
    meta = page_meta(quiz, language, strings, module=module, module_title=module_title)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    body = render_quiz_markdown(quiz, language, strings, module=module, module_title=module_title,
                                script_src=script_src)
    return f"---\n{front}---\n\n{body}"


def module_number(slug: str) -> int | None:
    match = re.match(r"(\d+)-", slug)
    return int(match.group(1)) if match else None
