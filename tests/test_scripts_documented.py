"""Every script in scripts/ has a row in scripts/README.md (and no row names a script
that does not exist)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "scripts" / "README.md"
ROW = re.compile(r"\|\s*`(?P<name>[\w.-]+\.py)`\s*\|(?P<rest>.*)\|\s*\Z")


def documented() -> dict[str, list[str]]:
    rows = {}
    in_comment = False
    for line in README.read_text(encoding="utf-8").splitlines():
        # The row template inside the HTML comment block is not a script.
        if line.lstrip().startswith("<!--"):
            in_comment = True
        if not in_comment:
            match = ROW.match(line.strip())
            if match:
                rows[match["name"]] = [cell.strip() for cell in re.split(r"(?<!\\)\|", match["rest"])]
        if in_comment and line.rstrip().endswith("-->"):
            in_comment = False
    return rows


def test_every_script_is_documented():
    scripts = sorted(p.name for p in (ROOT / "scripts").glob("*.py"))
    missing = [name for name in scripts if name not in documented()]
    assert missing == [], f"add a row for {missing} to scripts/README.md"


def test_every_row_names_an_existing_script_and_is_complete():
    for name, cells in documented().items():
        assert (ROOT / "scripts" / name).is_file(), f"scripts/README.md lists {name}, which does not exist"
        # what it does, how to run, exit codes: all filled in
        assert len(cells) >= 3 and all(cells[:3]), f"the row of {name} needs all four columns"
        assert "0" in cells[2], f"the row of {name} should give its exit codes"


def test_contributor_guides_explain_every_finding_code():
    """Every finding an editor can get from the linters or the parity checker is
    explained in both contributor guides (English and Chinese)."""
    from hwsite import lint_rules, parity

    codes = set(lint_rules.CODES) | set(parity.KINDS)
    for guide in ("CONTRIBUTING.md", "CONTRIBUTING.zh.md"):
        text = (ROOT / guide).read_text(encoding="utf-8")
        missing = sorted(code for code in codes if f"`{code}`" not in text)
        assert missing == [], f"{guide} does not explain: {missing}"
