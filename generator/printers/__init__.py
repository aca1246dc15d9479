"""Printers: turn a `Report` (findings plus context) into text for one audience.

Each module has `render(report, color=False) -> str`. Findings are data;
printers never decide what is wrong, only how it reads.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..findings import Finding
from ..loader import BAD_CHAR as _BAD
from ..loader import visible
from . import github, gitlab, json, junit, text


@dataclass
class Report:
    """What a command found, and what a printer may need to show it."""

    command: str  # "check", "validate" or "audit"
    findings: list[Finding]
    payload: dict = field(default_factory=dict)  # extra top-level JSON keys (as_of, items)
    titles: dict[str, str] = field(default_factory=dict)  # item id -> title
    files: list[str] = field(default_factory=list)  # every file looked at
    checked: int = 0  # how many items were checked
    # The ledger folder inside its Git repository ("" at the top, else "sub/dir/"):
    # CI annotations (github, gitlab, junit) name files from the repository root.
    prefix: str = ""

    def repo_path(self, file: str | None) -> str:
        """`file` (relative to the ledger; None: the ledger as a whole) relative to the repository root."""
        path = file or "ledger.yaml"
        return posixpath.normpath(self.prefix + path) if self.prefix else path


def repo_prefix(ledger_dir: Path) -> str:
    """The ledger folder's path inside the Git repository holding it ("" at its top or outside Git).

    Found by walking up to the folder with `.git` (a folder, or a file in a
    worktree or submodule), so printing never needs to run Git.
    """
    try:
        here = Path(ledger_dir).resolve()
    except OSError:
        return ""
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            rel = here.relative_to(folder).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


FORMATS = {
    "text": text,
    "json": json,
    "github": github,
    "gitlab": gitlab,
    "junit": junit,
}


def render(report: Report, fmt: str, color: bool = False) -> str:
    return FORMATS[fmt].render(_printable(report), color=color)


def _printable(report: Report) -> Report:
    """`report` with every invisible character written as U+XXXX.

    Validation refuses such characters in the ledger, but findings may
    quote other sources (commit subjects, e-mails, file names): a control
    character must not make JUnit XML invalid or drive the terminal.
    """
    if not any(_BAD.search(t) for f in report.findings for t in (f.message, f.file or "", f.item or "")) \
            and not any(_BAD.search(t) for t in [*report.titles.values(), *report.files]):
        return report
    findings = [replace(f, message=visible(f.message), file=f.file and visible(f.file), item=f.item and visible(f.item))
                for f in report.findings]
    return replace(report, findings=findings, titles={k: visible(v) for k, v in report.titles.items()},
                   files=[visible(f) for f in report.files])
