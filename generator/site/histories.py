"""Each item's Git history for the sites: who changed what, and whether the item was public."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_TRUE = ("true", "True", "TRUE")  # how validation reads `public: true`


@dataclass
class HistoryEntry:
    """One commit's changes to one item file, and whether the item was public
    just before and just after it (None: the file did not exist)."""

    record: object  # history.CommitRecord
    changes: list
    was_public: bool | None = None
    is_public: bool | None = None


def item_histories(root: Path, use_cache: bool) -> dict:
    """(file, item id) → [HistoryEntry], oldest first, from the ledger's Git history.

    Keyed by the file path and the id together: two files that share a file
    name in two folders (or a file deleted and another created elsewhere
    under the same name) have separate histories. Each entry says whether
    the item was public before and after the commit (None: the file did not
    exist), so the public site can start its history where the item became public.
    """
    from ..history import HistoryError, read_history

    try:
        records = read_history(root, use_cache=use_cache)
    except HistoryError:
        return {}
    out: dict = {}
    for record in records:
        by_key: dict = {}
        for change in record.changes:
            if change.item:
                by_key.setdefault((change.path, change.item), []).append(change)
        for key, changes in by_key.items():
            out.setdefault(key, []).append(HistoryEntry(record, changes))
    for entries in out.values():
        state = None
        for entry in entries:
            entry.was_public = state
            for change in entry.changes:
                if change.kind == "item_created":
                    state = change.new in _TRUE  # the `public` it was created with (`changes.diff_item`)
                elif change.kind == "item_deleted":
                    state = None
                elif change.kind == "field_changed" and change.key == "public" and state is not None:
                    state = change.new in _TRUE
            entry.is_public = state
    return out
