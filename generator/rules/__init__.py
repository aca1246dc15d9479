"""The rules: one module per finding code, each with the same small shape.

A rule module declares
- `CODE`: the finding code it yields (one of `findings.CODES`),
- `SCOPE`: "item" (called once per readable item) or "ledger" (once),
- `NEEDS_AS_OF`: whether it depends on the date (`ducha validate` runs
  only the rules that do not),
- `SEVERITY`, `TITLE`, `EXPLANATION`: its severity (as in `findings.CODES`),
  Chinese title and explanation, and `SECTION`: the section of
  docs/rules.md that explains the computation (or None); docs/rules.md
  §10 is generated from them (`generator.rulesdoc`),
and a generator `check(...)`:
- item rules: `check(item, status, ctx)`, where `status` is the item's
  `evaluate.ItemStatus` as of `ctx.as_of`;
- ledger rules: `check(ctx)`.
Adding a rule means adding a module and listing it below; no other rule
changes. Each module's docstring documents it for maintainers (with PASS and
FAIL examples); its EXPLANATION documents it for users.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import ModuleType

from ..calendar import WorkingCalendar
from ..model import Inspection, Item, LedgerConfig, Source
from . import (
    deadline_before_assigned,
    deadline_beyond_limit,
    duplicate_id,
    escalation_pending,
    follow_up_missed,
    hard_deadline_passed,
    id_mismatch,
    missing_deadline,
    no_advance_notice,
    overdue,
    personal_data,
    provisional_deadline,
    report_missing,
    review_rate_low,
    source_personal_data,
    unknown_source,
    unknown_unit,
    visits_low,
)

RULES: dict[str, ModuleType] = {m.CODE: m for m in (
    id_mismatch,
    duplicate_id,
    unknown_unit,
    unknown_source,
    missing_deadline,
    deadline_before_assigned,
    deadline_beyond_limit,
    provisional_deadline,
    overdue,
    hard_deadline_passed,
    report_missing,
    no_advance_notice,
    escalation_pending,
    review_rate_low,
    visits_low,
    follow_up_missed,
    personal_data,
    source_personal_data,
)}


@dataclass
class Context:
    """What a rule may read besides the item: the ledger and the date."""

    as_of: dt.date
    config: LedgerConfig
    calendar: WorkingCalendar
    items: list[Item] = field(default_factory=list)
    # Every item file path (relative), readable or not: duplicate ids are
    # found from file names too.
    files: list[str] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    # Source id -> Source (sources/, issue 17); None: not read (a single new item
    # is checked alone), so `unknown_source` has nothing to compare with.
    sources: dict[str, Source] | None = None


def get(code: str) -> ModuleType:
    """The rule module for `code`."""
    try:
        return RULES[code]
    except KeyError:
        raise ValueError(f"no such rule: {code}") from None
