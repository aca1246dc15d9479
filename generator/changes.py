"""What a commit changed, item by item: pure code, no Git.

An item file's two versions (bytes as Git stored them) become `Snapshot`s,
plain text values with their lines, and `diff_item` compares them: item
created or deleted, event added, edited or removed (events are compared
position by position: they are append-only), field changed (old → new).
A merge's own changes are those no other parent brought in
(`merge_own_item_changes`). `CommitRecord` holds one commit's changes and
the facts the audit judges it by; `generator.history` fills it from Git.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from . import loader
from .loader import YMap, YScalar, YSeq

# How a commit is judged (CommitRecord.judged_by):
JUDGED_BY_PARENT = "parent"  # the first parent's ledger.yaml
JUDGED_BY_OLDER = "older"  # the parent's ledger.yaml is unreadable: the nearest readable one before it
JUDGED_BY_SELF = "self"  # the commit creates the ledger (the root): trusted by definition, judged by its own tree
JUDGED_BY_NONE = "none"  # the ledger existed before but no readable ledger.yaml is left on the chain
JUDGED_BY_NOTHING_YET = "pre"  # no ledger.yaml yet (e.g. a README-only first commit): nothing to judge


@dataclass(slots=True)
class Change:
    """One change made by a commit (against its first parent)."""

    kind: str  # item_created, item_deleted, event_added, event_edited, event_removed, field_changed, ledger_changed, file_changed
    path: str  # relative to the ledger folder ('../x' for a path outside it)
    item: str | None = None
    key: str | None = None  # the field, for field_changed
    old: object = None  # for file_changed: the blob before (None: added)
    new: object = None  # for file_changed: the blob after (None: deleted); for item_created: its `public` text
    index: int | None = None  # the event's position, for event changes
    line: int | None = None  # where the change sits in the new file (or the old one)


@dataclass
class CommitRecord:
    sha: str
    parents: tuple[str, ...]
    author_email: str
    author_name: str
    author_date: dt.datetime
    committer_date: dt.datetime
    subject: str
    changes: list[Change] = field(default_factory=list)
    signature: str | None = None  # %G?, when the judging ledger.yaml requires signatures
    signer: str | None = None  # %GS
    # Lead and co-units of each item file the commit touched, as they were
    # before it (or as created): who may report on it.
    item_units: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # The ledger.yaml in this commit's own tree (blob id; None: absent), the
    # nearest readable one on its first-parent chain (itself included), and
    # whether that chain ever had one.
    ledger_blob: str | None = None
    chain_ledger: str | None = None
    chain_has_ledger: bool = False
    # The ledger.yaml blob that judges this commit, and how it was chosen
    # (JUDGED_BY_*); the allowed_signers blob its signature was checked with.
    judge_blob: str | None = None
    judged_by: str = JUDGED_BY_PARENT
    signers_blob: str | None = None
    fp_root: str = ""  # the root commit of its first-parent chain

    @property
    def short(self) -> str:
        return self.sha[:10]

    @property
    def who(self) -> str:
        return f"{self.author_name} <{self.author_email}>"

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1


# --- turning an item file into comparable parts ------------------------------------


def _plain(node):
    if isinstance(node, YMap):
        return {k: _plain(v) for k, (_, v) in node.entries.items()}
    if isinstance(node, YSeq):
        return [_plain(v) for v in node.items]
    if isinstance(node, YScalar):
        return node.text
    return None


@dataclass
class Snapshot:
    """An item file's content as plain text values, with lines."""

    fields: dict  # top-level key -> plain value (events excluded)
    events: list[dict]
    event_lines: list[int]
    lines: dict  # top-level key -> line
    readable: bool = True


def snapshot(data: bytes | None) -> Snapshot | None:
    if data is None:
        return None
    tree, _ = loader.load_bytes(data, "x")
    if not isinstance(tree, YMap):
        return Snapshot({}, [], [], {}, readable=False)
    fields, lines = {}, {}
    events, event_lines = [], []
    for key, (knode, vnode) in tree.entries.items():
        lines[key] = knode.line
        if key == "events" and isinstance(vnode, YSeq):
            for e in vnode.items:
                events.append(_plain(e) if isinstance(e, YMap) else {"_": _plain(e)})
                event_lines.append(e.line)
        elif key == "events" and isinstance(vnode, YScalar) and vnode.tag == loader.NULL:
            pass  # `events:`, `events: ~`: an empty list, as validation reads it
        else:
            fields[key] = _plain(vnode)
    return Snapshot(fields, events, event_lines, lines)


def units_of(snap: Snapshot | None) -> tuple[str, ...]:
    if snap is None:
        return ()
    lead = snap.fields.get("lead_unit")
    co = snap.fields.get("co_units")
    units = [lead] if isinstance(lead, str) else []
    if isinstance(co, list):
        units += [u for u in co if isinstance(u, str)]
    return tuple(units)


def diff_item(path: str, item: str, old: Snapshot | None, new: Snapshot | None) -> list[Change]:
    """Item-level changes from `old` to `new` (either may be None: created / deleted)."""
    if old is None and new is None:
        return []
    if old is None:
        # The `public` it was created with: the public site starts an item's history where it became public.
        changes = [Change("item_created", path, item, line=1, new=new.fields.get("public") if new.readable else None)]
        changes += [Change("event_added", path, item, index=i, new=e, line=new.event_lines[i])
                    for i, e in enumerate(new.events)]
        return changes
    if new is None:
        return [Change("item_deleted", path, item, line=1)] + [
            Change("event_removed", path, item, index=i, old=e, line=None) for i, e in enumerate(old.events)]
    changes = []
    for key in sorted(set(old.fields) | set(new.fields)):
        if old.fields.get(key) != new.fields.get(key):
            changes.append(Change("field_changed", path, item, key=key, old=old.fields.get(key),
                                  new=new.fields.get(key), line=new.lines.get(key, old.lines.get(key))))
    changes += event_changes(path, item, old, new)
    return changes


def event_changes(path: str, item: str, before: Snapshot, after: Snapshot) -> list[Change]:
    """Events are append-only: compare position by position."""
    changes = []
    for i, event in enumerate(before.events):
        if i >= len(after.events):
            changes.append(Change("event_removed", path, item, index=i, old=event,
                                  line=after.lines.get("events", 1)))
        elif after.events[i] != event:
            changes.append(Change("event_edited", path, item, index=i, old=event, new=after.events[i],
                                  line=after.event_lines[i]))
    for i in range(len(before.events), len(after.events)):
        changes.append(Change("event_added", path, item, index=i, new=after.events[i], line=after.event_lines[i]))
    return changes


# --- a merge's own changes -------------------------------------------------------------


def merge_own_item_changes(changes: list[Change], mine: Snapshot | None,
                            others: list[tuple[Snapshot | None, Snapshot | None]]) -> list[Change]:
    """Of `changes` (merge vs first parent, one item file), those no other parent brought in.

    `others` pairs each other parent's version of the file with the version
    at its merge base with the first parent. A change is brought in when an
    other parent made it on its own side (its version differs from the base
    and equals the merge's): that side's commits were judged for it.
    """
    def brought_field(key):
        value = mine.fields.get(key) if mine else None
        return any(o is not None and o.fields.get(key) == value
                   and (b.fields.get(key) if b else None) != value for o, b in others)

    # Events an other parent appended (its events beyond the base's), by content.
    appended = Counter()
    for o, b in others:
        if o is not None:
            appended.update(_key(e) for e in o.events)
            if b is not None:
                appended.subtract(_key(e) for e in b.events)
    own = []
    for change in changes:
        if change.kind == "item_created":
            brought = any(o is not None and b is None for o, b in others)
        elif change.kind == "item_deleted":
            brought = any(o is None and b is not None for o, b in others)
        elif change.kind == "field_changed":
            brought = brought_field(change.key)
        elif change.kind == "event_added":
            k = _key(change.new)
            brought = appended[k] > 0
            if brought:
                appended[k] -= 1
        elif change.kind == "event_edited":
            brought = any(o is not None and len(o.events) > change.index and o.events[change.index] == change.new
                          and not (b is not None and len(b.events) > change.index
                                   and b.events[change.index] == change.new) for o, b in others)
        elif change.kind == "event_removed":
            deleted = mine is None and any(o is None and b is not None for o, b in others)
            brought = deleted or any(o is not None and b is not None and len(o.events) <= change.index < len(b.events)
                                     for o, b in others)
        else:
            brought = False
        if not brought:
            own.append(change)
    return own


def _key(event) -> str:
    return repr(event)
