"""Printers: turn a `Report` (findings plus context) into text for one audience.

Each module has `render(report, color=False) -> str`. Findings are data;
printers never decide what is wrong, only how it reads.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Finding
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
    return FORMATS[fmt].render(report, color=color)
