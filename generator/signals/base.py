"""The records every signal yields: `Signal` and its `Evidence`."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

from ..findings import Finding


@functools.cache
def _registry() -> dict:
    """The signal modules by code (the registry imports this module: looked up on first use, then kept)."""
    from . import SIGNALS

    return SIGNALS


def _module(code: str):
    return _registry()[code]


@dataclass
class Evidence:
    """One fact behind a signal: an event, a completion, a commit."""

    what: str  # in Chinese, e.g. "2025-06-30 办结（期限 2025-06-30）"
    item: str | None = None
    file: str | None = None
    line: int | None = None
    date: dt.date | None = None
    commit: str | None = None

    def to_dict(self) -> dict:
        return {"what": self.what, "item": self.item, "file": self.file, "line": self.line,
                "date": self.date.isoformat() if self.date else None, "commit": self.commit}


@dataclass
class Signal:
    """One integrity signal: a hint for the office to look closer, with its evidence."""

    code: str
    severity: str  # info or warning
    message: str  # Chinese: what was seen, where, and what to check
    date: dt.date  # when it happened (what --period selects on)
    unit: str | None = None  # the lead unit it is about
    item: str | None = None  # the item it is about (None: a unit or a commit)
    file: str | None = None
    line: int | None = None
    commit: str | None = None
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _module(self.code).TITLE

    @property
    def quote(self) -> str:
        return _module(self.code).QUOTE[1]

    @property
    def section(self) -> str:
        return _module(self.code).QUOTE[0]

    @property
    def explanation(self) -> str:
        from . import explanation

        return explanation(self.code)

    @property
    def items(self) -> list[str]:
        """Every item the signal names: its own, then those in its evidence."""
        out = dict.fromkeys([self.item] if self.item else [])
        for e in self.evidence:
            if e.item:
                out.setdefault(e.item)
        return list(out)

    def finding(self) -> Finding:
        return Finding(self.file, self.line, self.code, self.message, item=self.item, severity=self.severity,
                       commit=self.commit)

    def to_dict(self) -> dict:
        return {
            "code": self.code, "severity": self.severity, "title": self.title, "unit": self.unit,
            "item": self.item, "file": self.file, "line": self.line, "date": self.date.isoformat(),
            "commit": self.commit, "message": self.message, "explanation": self.explanation,
            "items": self.items, "evidence": [e.to_dict() for e in self.evidence],
        }
