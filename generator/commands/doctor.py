"""`ducha doctor`: can this computer maintain the ledger?"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..doctor import Check, run


@dataclass
class DoctorResult:
    ledger: Path
    checks: list[Check]

    @property
    def todo(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


def doctor(ledger_dir: Path, running: str | None) -> DoctorResult:
    """Every check; `running` is how the command was started (argv[0]), to find it on PATH."""
    return DoctorResult(ledger_dir.resolve(), run(ledger_dir, running=running))
