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


def item_histories(root: Path, use_cache: bool, public_keys: set | None = None) -> dict:
    """(file, item id) → [HistoryEntry], oldest first, from the ledger's Git history.

    Keyed by the file path and the id together: two files that share a file
    name in two folders (or a file deleted and another created elsewhere
    under the same name) have separate histories. For the items of
    `public_keys` each entry says whether the item was public before and
    after the commit, so the public site can start its history where the
    item became public; for other items the state stays unknown (None/False).
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
    try:
        created = _public_at_creation(root, out, public_keys or set())
    except HistoryError:
        created = {}
    for key, entries in out.items():
        state = None
        for entry in entries:
            entry.was_public = state
            for change in entry.changes:
                if change.kind == "item_created":
                    state = created.get((key, entry.record.sha), False)
                elif change.kind == "item_deleted":
                    state = None
                elif change.kind == "field_changed" and change.key == "public" and state is not None:
                    state = change.new in _TRUE
            entry.is_public = state
    return out


def _public_at_creation(root: Path, histories: dict, keys: set) -> dict:
    """((file, id), sha) → whether the file said `public: true` in the commit that created it."""
    from ..changes import snapshot
    from ..gitrepo import read_blobs, repo_root

    wanted = [(key, e.record.sha) for key in keys for e in histories.get(key, ())
              if any(c.kind == "item_created" for c in e.changes)]
    if not wanted:
        return {}
    repo, prefix = repo_root(Path(root).resolve())
    names = [f"{sha}:{prefix}{key[0]}" for key, sha in wanted]
    blobs = read_blobs(repo, names)
    out = {}
    for (key, sha), name in zip(wanted, names):
        snap = snapshot(blobs.get(name))
        out[(key, sha)] = bool(snap and snap.readable and snap.fields.get("public") in _TRUE)
    return out
