"""`ducha sample`: which messages completed in a month to review."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..ledger import load_ledger
from ..model import Item
from ..sample import Sample, draw_sample
from ..signals import flagged_items, read_records, run_signals


@dataclass
class SampleResult:
    month: str
    drawn: Sample
    items: dict[str, Item]  # id -> item, for titles and files
    flagged: dict[str, list[str]]  # id -> integrity signals' names


def sample(ledger_dir: Path, month: str, as_of: dt.date) -> SampleResult:
    """Draw the month's review sample; messages with integrity signals come first (issue 20)."""
    ledger = load_ledger(ledger_dir)
    found = run_signals(ledger.items, ledger.config, as_of, records=read_records(ledger_dir))
    flagged = flagged_items(found.signals)
    drawn = draw_sample(ledger.items, month, as_of, salt=ledger.config.name, prefer=frozenset(flagged))
    return SampleResult(month, drawn, {i.id: i for i in ledger.items}, flagged)
