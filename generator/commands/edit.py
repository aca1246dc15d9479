"""`ducha new` and the event commands (`ducha progress`, `ducha event`, ...): write an item, then maybe commit.

Every write happens under the ledger's edit lock, so two runs at once both
land or one is refused with nothing lost; with `commit`, what the audit
would refuse is refused before anything is written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .. import guard, loader
from ..edit import EditRefused, append_event, append_event_text, check_event, edit_lock, git_commit
from ..errors import DuchaError, NotFound
from ..fields import click_type
from ..ledger import LedgerScan, scan_ledger
from ..model import CATEGORIES, EVENT_FIELDS, EVENT_TYPE_FIELDS, EVENT_TYPES, Item, id_from_file
from ..names import Choice, UnknownName, category_choices, resolve, unit_choices
from ..new import create_item, item_text, next_id
from ..precommit import CommitRefused, check_commit

__all__ = ["Choice", "UnknownName", "category_choices", "resolve", "unit_choices", "scan_ledger", "EVENT_TYPES"]


def event_option_type(key: str) -> object:
    """The click type of the option that sets event field `key`: its kind decides (generator/fields.py)."""
    return click_type(EVENT_FIELDS[key])


@dataclass
class Saved:
    """What was written, and what became of the commit when one was asked for."""

    rel: str
    item: Item
    due: object = None  # the deadline worked out for a new item (evaluate.Deadline), if any
    line: str = ""  # the event appended, as written
    commit: str | None = None  # the commit made
    commit_error: DuchaError | None = None  # saved, but the commit failed


def deadline_prompt(category: str) -> str | None:
    """The question to ask when `category` has no default deadline (None when it has one)."""
    cat = CATEGORIES[category]
    return None if cat.default is not None else f"办结期限（YYYY-MM-DD，“{cat.name}”必须写明）"


def event_fields(etype: str | None) -> set[str]:
    """The fields an event of type `etype` may carry (all of them for any type)."""
    if etype is None:
        return {name for fields in EVENT_TYPE_FIELDS.values() for group in fields for name in group}
    return set(sum(EVENT_TYPE_FIELDS[etype], ()))


def new_item(scan: LedgerScan, values: dict, *, now: dt.datetime, commit: bool) -> Saved:
    """Create an item file (the next free id), and commit it when asked."""
    with edit_lock(scan.root):
        if commit:
            _check_commit(scan.root, [_pending_item(scan, values)], now)
        path, item, due = create_item(scan.root, scan.config, scan.files, values)
        saved = Saved(path.relative_to(scan.root).as_posix(), item, due=due)
        if commit:
            _commit(scan.root, path, f"新建事项 {item.id}：{item.title}", saved)
    return saved


def item_file(scan: LedgerScan, item_id: str) -> str:
    """The one file of `item_id` (NotFound when there is none, or more than one)."""
    matches = [f for f in scan.files if id_from_file(f) == item_id]
    if not matches:
        raise NotFound(f"找不到事项 {item_id}（items/ 下应有一个 {item_id}.yaml）。")
    if len(matches) > 1:
        raise NotFound(f"事项 {item_id} 有多个文件：{'、'.join(matches)}，请先修正。")
    return matches[0]


def add_event(scan: LedgerScan, rel: str, event: dict, *, now: dt.datetime, commit: bool) -> Saved:
    """Append `event` to the item file `rel` (read, append, replace), and commit it when asked."""
    path = scan.root / rel
    with edit_lock(scan.root):
        _check_event(scan.root, path, rel, event, now, commit)
        item, line = append_event(path, rel, event, root=scan.root)
        saved = Saved(rel, item, line=line)
        if commit:
            summary = f"：{event['text']}" if event.get("text") else ""
            _commit(scan.root, path, f"{item.id} {EVENT_TYPES[event['type']]}（{event['date']}）{summary}", saved)
    return saved


def _pending_item(scan: LedgerScan, values: dict) -> tuple[str, bytes]:
    """The file `ducha new` is about to create (its id the next free one), for the commit check."""
    year = values["assigned"].year
    ident = next_id([id_from_file(f) for f in scan.files], year)
    return f"items/{year}/{ident}.yaml", item_text({**values, "id": ident}).encode("utf-8")


def _check_commit(root: Path, files: list[tuple[str, bytes | None]], now: dt.datetime) -> None:
    """Refuse, before anything is written, a commit the audit would refuse."""
    try:
        check_commit(root, files, now)
    except CommitRefused as err:
        raise DuchaError(f"{err}\n文件和仓库都没有改动。", 1, prefix="未保存，也未提交：") from err


def _commit(root: Path, path: Path, message: str, saved: Saved) -> None:
    """Commit a file already saved; a Git failure says the file is saved but not committed."""
    try:
        saved.commit = git_commit(root, [path], message)
    except EditRefused as err:
        saved.commit_error = DuchaError(f"{err}\n请处理上述 Git 问题后手动提交：git add {path} && git commit", 1,
                                        prefix="文件已保存，但未能提交：")


def _check_event(root: Path, path: Path, rel: str, event: dict, now: dt.datetime, commit: bool) -> None:
    """Refuse, before saving, what the rules or the audit would refuse (with the commit about to be made)."""
    data = loader.read_regular(str(path), loader.MAX_ITEM_BYTES)
    if isinstance(data, OSError):
        return  # append_event says why it cannot read the file
    problems = []
    try:
        check_event(event)
    except EditRefused as err:
        problems.append(str(err))
    problems += guard.event_problems(event, now.date(), guard.last_event_date(data, rel), rel)
    if len(problems) == 1:
        raise EditRefused(problems[0])
    if problems:
        raise EditRefused(f"有 {len(problems)} 处问题：\n" + "\n".join(f"  {n}. {p}" for n, p in enumerate(problems, 1)))
    if not commit:
        return
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = (data[3:] if bom else data).decode("utf-8")
        new = (b"\xef\xbb\xbf" if bom else b"") + append_event_text(text, event).encode("utf-8")
    except (UnicodeDecodeError, EditRefused):
        return  # append_event refuses it, with the reason
    _check_commit(root, [(rel, new)], now)


# Public name for the other editing commands (`ducha decompose`): refuse, before writing, a commit the audit would refuse.
check_before_commit = _check_commit
