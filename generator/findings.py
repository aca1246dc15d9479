"""Findings: what `ducha validate`, `check` and `audit` report, as plain data.

A finding never prints itself; the printers in `generator.printers` turn a
list of findings into text, JSON, CI annotations or JUnit XML.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_RANK = {INFO: 0, WARNING: 1, ERROR: 2}

# The stable codes of `ducha check`/`audit`/`signals` output (README; each
# rule's own in docs/rules.md §10), with the severity each one carries.
# Errors make the data wrong; warnings make the work late; info is advice.
CODES: dict[str, str] = {
    "yaml_syntax": ERROR,
    "invalid_field": ERROR,
    "duplicate_id": ERROR,
    "id_mismatch": ERROR,
    "unknown_unit": ERROR,
    "missing_deadline": ERROR,
    "deadline_beyond_limit": ERROR,
    "overdue": WARNING,
    "hard_deadline_passed": WARNING,
    "report_missing": WARNING,
    "no_advance_notice": WARNING,
    "escalation_pending": WARNING,
    "review_rate_low": WARNING,
    "provisional_deadline": INFO,
    "visits_low": WARNING,
    "follow_up_missed": WARNING,
    "personal_data": ERROR,  # personal information in a text the public site shows (issue 15)
    # ducha audit: the Git history of the ledger.
    "append_only_violation": ERROR,
    "backdated_event": ERROR,
    "future_event": ERROR,
    "unauthorised_change": ERROR,
    "unsigned_commit": ERROR,
    "history_rewritten": ERROR,
    "committer_date_out_of_range": ERROR,  # (audit --landing-time) a pushed commit dated far from the push
    # ducha signals: integrity hints, never errors (generator.signals; a
    # signal may be raised to warning or lowered to info case by case).
    "completed_without_progress": WARNING,
    "copied_report": WARNING,
    "deadline_day_rush": WARNING,
    "repeated_extension": INFO,
    "backfilled_events": WARNING,
    "batch_filing": INFO,
    "verification_failures": WARNING,
}

# Codes that `--fail-on overdue` treats as failures besides every error.
OVERDUE_CODES = frozenset({"overdue", "hard_deadline_passed"})


@dataclass(frozen=True)
class Finding:
    """One problem found in the ledger.

    `file` is relative to the ledger folder with forward slashes; `line` is
    1-based. `item` is the item id when known (a file that cannot be read
    has none). Two findings are equal when file, line and code agree, so
    tests compare what a user would act on; `sort_key` gives reading order.
    """

    file: str | None
    line: int | None
    code: str
    message: str = field(compare=False)
    item: str | None = field(default=None, compare=False)
    severity: str = field(default="", compare=False)
    column: int | None = field(default=None, compare=False)
    commit: str | None = field(default=None, compare=False)  # full sha, for audit findings

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code: {self.code}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code])

    def to_dict(self) -> dict[str, object]:
        """The finding as the JSON object of `ducha check --format json`."""
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity,
            "item": self.item,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }
        if self.column is not None:
            out["column"] = self.column
        if self.commit is not None:
            out["commit"] = self.commit
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            file=data["file"],
            line=data["line"],
            code=data["code"],
            message=data["message"],
            item=data.get("item"),
            severity=data.get("severity", ""),
            column=data.get("column"),
            commit=data.get("commit"),
        )


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file or "\uffff", f.line or 0, f.column or 0, f.code)


def fails(findings: list[Finding], fail_on: str) -> bool:
    """Whether `findings` reach the `--fail-on` threshold.

    `error`: any error. `overdue`: any error, or an item past its
    deadline (overdue, hard_deadline_passed). `never`: nothing fails.
    """
    if fail_on == "never":
        return False
    for f in findings:
        if f.severity == ERROR:
            return True
        if fail_on == "overdue" and f.code in OVERDUE_CODES:
            return True
    return False
