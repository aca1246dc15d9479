"""Run the rules over a loaded ledger: the middle of the pipeline.

load (generator.ledger) → validate (on load) → evaluate + rules (here, as
of a date) → print (generator.printers).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import rules
from .cache import ResultCache, code_key
from .calendar import WorkingCalendar
from .evaluate import ItemStatus, evaluate
from .findings import Finding, sort_key
from .ledger import Ledger, LedgerScan, load_ledger
from .model import Item


@dataclass
class CheckResult:
    as_of: dt.date
    items: list[tuple[Item, ItemStatus]]
    findings: list[Finding]


def run_rules(ledger: Ledger, as_of: dt.date, *, with_dates: bool = True,
              calendar: WorkingCalendar | None = None) -> CheckResult:
    """Evaluate every readable item as of `as_of` and collect all findings.

    `with_dates=False` runs only the rules that do not depend on the date
    (what `ducha validate` reports).
    """
    calendar = calendar or WorkingCalendar.for_ledger(ledger.config)
    ctx = rules.Context(as_of, ledger.config, calendar, ledger.items, ledger.files, ledger.inspections,
                        ledger.sources)
    selected = [r for r in rules.RULES.values() if with_dates or not r.NEEDS_AS_OF]
    item_rules = [r for r in selected if r.SCOPE == "item"]
    ledger_rules = [r for r in selected if r.SCOPE == "ledger"]

    findings = list(ledger.findings)
    evaluated = []
    for item in ledger.items:
        status = evaluate(item, as_of, calendar)
        evaluated.append((item, status))
        for rule in item_rules:
            findings.extend(rule.check(item, status, ctx))
    for rule in ledger_rules:
        findings.extend(rule.check(ctx))
    if ledger.partial:  # files that are not items: their other problems too, in the same pass
        from . import partial

        found, replaced = partial.check(ledger.partial, ctx, [r for r in item_rules if not r.NEEDS_AS_OF])
        findings = [f for f in findings if not (f.code == "invalid_field" and (f.file, f.line) in replaced)] + found
    findings.sort(key=sort_key)
    evaluated.sort(key=lambda pair: pair[0].id)
    return CheckResult(as_of, evaluated, findings)


def item_json(item: Item, status: ItemStatus) -> dict:
    """One item of `ducha check --format json` (the keys README documents first)."""
    def iso(d):
        return d.isoformat() if d else None

    return {
        "id": item.id,
        "category": item.category,
        "lead_unit": item.lead_unit,
        "assigned": iso(item.assigned),
        "deadline": iso(status.effective_deadline),
        "hard_deadline": iso(status.hard_deadline.date if status.hard_deadline else None),
        "state": status.state,
        "overdue": status.overdue,
        "days_overdue": status.days_overdue,
        "next_report_due": iso(status.next_report_due.date if status.next_report_due else None),
        "escalation": {
            "level": status.escalation_level,
            "pending": [p.to_dict() for p in status.escalation_pending],
        },
        "title": item.title,
        "file": item.file,
        "co_units": list(item.co_units),
        "public": item.public,
        "completed_on": iso(status.completed_on),
        "completed_late": status.completed_late,
        "hard_deadline_passed": status.hard_deadline_passed,
        "source_id": item.source_id,
    }


def result_json(result: CheckResult) -> dict:
    return {
        "as_of": result.as_of.isoformat(),
        "items": [item_json(i, s) for i, s in result.items],
        "findings": [f.to_dict() for f in result.findings],
    }


@dataclass
class Outcome:
    """What `check`/`validate` print: findings, items as JSON, titles."""

    findings: list[Finding]
    items: list[dict]
    titles: dict[str, str]
    from_cache: bool = False


def check_scanned(scan: LedgerScan, as_of: dt.date, *, with_dates: bool = True,
                  only: list[str] | None = None, use_cache: bool = True) -> Outcome:
    """Load, validate and evaluate a scanned ledger, or reuse the stored outcome.

    The stored outcome is keyed by every input (see `LedgerScan.fingerprint`),
    so a run with nothing changed costs a stat per file and one JSON read.
    """
    results = ResultCache(scan.root, enabled=use_cache)
    fingerprint = scan.fingerprint(
        code_key() if use_cache else "", "check" if with_dates else "validate", as_of.isoformat() if with_dates else "-",
        "\n".join(only) if only is not None else "*")
    stored = _outcome(results.get(fingerprint))
    if stored is not None:
        return stored
    ledger = load_ledger(scan, use_cache=use_cache, only=only)
    result = run_rules(ledger, as_of, with_dates=with_dates)
    findings = result.findings
    if only is not None:
        wanted = set(only) | {"ledger.yaml", None}
        findings = [f for f in findings if f.file in wanted]
    outcome = Outcome(findings, [item_json(i, s) for i, s in result.items], {i.id: i.title for i in ledger.items})
    results.put(fingerprint, {"findings": [f.to_dict() for f in outcome.findings], "items": outcome.items,
                              "titles": outcome.titles})
    return outcome


def _outcome(stored: dict | None) -> Outcome | None:
    """A stored outcome, or None when there is none or it is not the shape `check_scanned` writes."""
    if stored is None:
        return None
    try:
        findings = [Finding.from_dict(f) for f in stored["findings"]]
        items, titles = stored["items"], stored["titles"]
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    if not (isinstance(items, list) and all(isinstance(i, dict) for i in items) and isinstance(titles, dict)):
        return None
    return Outcome(findings, items, titles, True)
