"""What the site is made of, defined once for the build, the checkers and the tools:
its sections and page kinds, the module numbers, checkpoint and checklist ids, and
which characters are Chinese."""

from __future__ import annotations

import re

# Section folders (the same in every language) and the kind of page each holds.
SECTIONS = {"modules": "module", "fact-sheets": "fact-sheet",
            "resources": "resource", "trainings": "training"}
PAGE_KINDS = ("module", "fact-sheet", "resource", "training", "index", "other")
FACT_SHEET_DIR = "fact-sheets/"

# HealthWISE has eight modules; a module page's file is NN-name.md and says `module: N`.
MODULE_RANGE = (1, 8)
MODULE_FILE = re.compile(r"(\d\d)-[a-z0-9]+(?:-[a-z0-9]+)*\.md\Z")
# Heading ids that trainers link to: each checkpoint, and the module's checklist.
CHECKPOINT_ID = re.compile(r"checkpoint-([1-9][0-9]*)")
CHECKLIST_ID = "checklist"

# Chinese characters (CJK unified ideographs, extension A, the compatibility block and
# the supplementary ideographs of extensions B and later).
HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
HAN = re.compile(f"[{HAN_CHARS}]")


def is_module_page(rel_path: str) -> bool:
    """A module page by its path inside a language folder (modules/03-x.md)."""
    folder, _, name = rel_path.rpartition("/")
    return folder == "modules" and bool(MODULE_FILE.match(name))


def is_fact_sheet(rel_path: str) -> bool:
    """A fact sheet (not the section's index) by its path inside a language folder."""
    return rel_path.startswith(FACT_SHEET_DIR) and rel_path.rpartition("/")[2] not in ("index.md", "README.md")
