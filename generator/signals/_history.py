"""Helpers for the signals that read the Git history (`history.CommitRecord`s)."""
from __future__ import annotations

import datetime as dt


def event_date(event) -> dt.date | None:
    """The date an added event claims, or None when it has none that parses."""
    if not isinstance(event, dict):
        return None
    try:
        return dt.date.fromisoformat(str(event.get("date", "")).strip())
    except ValueError:
        return None


def added_events(ctx) -> list[tuple]:
    """(record, committed day, change, claimed date, lead unit) for every event a commit added, up to as_of.

    Worked out once per run and shared by the signals that read the history.
    """
    cached = ctx.shared.get("added_events")
    if cached is None:
        cached = ctx.shared["added_events"] = list(_added_events(ctx))
    return cached


def _added_events(ctx):
    lead = {item.id: item.lead_unit for item in ctx.items}
    for record in ctx.records:
        day = record.committer_date.date()  # in the committer's own time zone
        if day > ctx.as_of:
            continue
        units = getattr(record, "item_units", {}) or {}
        for change in record.changes:
            if change.kind != "event_added":
                continue
            claimed = event_date(change.new)
            if claimed is None:
                continue
            unit = lead.get(change.item) or next(iter(units.get(change.path, ())), None)
            yield record, day, change, claimed, unit


def event_type(change) -> str:
    new = change.new if isinstance(change.new, dict) else {}
    return str(new.get("type", ""))
