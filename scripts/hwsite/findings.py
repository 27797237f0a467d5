"""One finding type for every checker (parity, content lint, links): a stable code, a
severity, the file and line it is about, and a message saying how to fix it. Each
checker may add the fields its own output needs; printing and exit codes stay in the CLIs."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    code: str  # stable name, documented in CONTRIBUTING.md
    severity: str  # ERROR or WARNING
    file: str  # as the editor opens it (relative to the checked tree or the site)
    line: int | None  # 1-based; None when the finding is about the whole file
    message: str  # what is wrong and how to fix it

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file
