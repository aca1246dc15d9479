"""Printers: turn a `Report` (findings plus context) into text for one audience.

Each module has `render(report, color=False) -> str`. Findings are data;
printers never decide what is wrong, only how it reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

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
