"""`ducha history`: one item's changes, commit by commit."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..history import Change, CommitRecord, item_history


@dataclass
class HistoryResult:
    item_id: str
    entries: list[tuple[CommitRecord, list[Change]]]


def history(ledger_dir: Path, item_id: str, *, use_cache: bool = True) -> HistoryResult:
    return HistoryResult(item_id, item_history(ledger_dir, item_id, use_cache=use_cache))
