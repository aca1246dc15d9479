"""Refuse, before anything is saved, a record the rules or the audit would refuse later.

Checked on what a staff member typed, with today's date given by the
command line (never read here): a record dated after today, a progress or
completion report without content, a record dated before the item's last
one — with how to undo the earlier record when that one is the mistake
(a future date entered by accident blocks every later record).
"""
from __future__ import annotations

import datetime as dt

from .model import EVENT_TYPES

# Reports that are published as they are: without text they say nothing.
TEXT_REQUIRED = {"progress": "已完成积水点排查，制定排涝改造方案", "completed": "新建排涝泵站一座，积水问题已解决"}


def undo_hint(rel: str) -> str:
    """How to take back a record that has not been pushed, in plain Chinese."""
    return ("如果是之前那条记录写错了，且还没有推送（push）：还没有提交的，运行 "
            f"git restore {rel} 撤销这个文件的全部未提交修改；已经提交、还没有推送的，先用 git log -1 确认最后一个提交"
            "就是那条记录，再运行 git reset --keep HEAD~1 撤销该提交（文件回到提交之前）。"
            "已经推送的记录不能改也不能删，请再加一条记录说明更正。")


def event_problems(event: dict, today: dt.date, last: dt.date | None, rel: str) -> list[str]:
    """What is wrong with `event` (already typed and parsed) for the item whose last record is dated `last`."""
    problems = []
    etype = event.get("type")
    date = event.get("date")
    if isinstance(date, dt.date) and date > today:
        problems.append(f"记录日期 {date} 晚于今天（{today}）：办理记录只能写已经发生的事，不能预先登记。"
                        "请改正 --date（不写 --date 就是今天）。")
    if etype in TEXT_REQUIRED and not str(event.get("text") or "").strip():
        name = EVENT_TYPES[etype]
        problems.append(f"{name}必须写明内容：请加 --text 说明办了什么，例如 --text {TEXT_REQUIRED[etype]}。"
                        f"没有内容的{name}在公开网站上什么也不说明。")
    if isinstance(date, dt.date) and last is not None and date < last:
        text = f"新记录的日期 {date} 早于最后一条记录（{last}）。办理记录只能按日期先后追加。"
        if last > today:
            text += f"最后一条记录的日期 {last} 晚于今天（{today}），多半是写错了。"
        problems.append(text + undo_hint(rel))
    return problems


def last_event_date(data: bytes, rel: str) -> dt.date | None:
    """The date of the item's last record (None: no records, or the file does not read as an item)."""
    from .ledger import parse_item_bytes

    item, _ = parse_item_bytes(data, rel)
    if item is None or not item.events:
        return None
    return max(e.date for e in item.events)
