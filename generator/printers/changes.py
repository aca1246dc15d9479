"""A commit's changes in plain Chinese: `ducha history` and the item pages' history."""
from __future__ import annotations

from ..changes import Change

_KIND_NAMES = {
    "item_created": "新建事项", "item_deleted": "删除事项", "event_added": "添加记录",
    "event_edited": "修改记录", "event_removed": "删除记录", "field_changed": "修改字段",
    "ledger_changed": "修改 ledger.yaml",
}


def short_text(value) -> str:
    text = value if isinstance(value, str) else "（无）" if value is None else str(value)
    if len(text) <= 60:
        return text
    # Never cut through a number or an address: the public site masks
    # personal data it can recognise (issue 15), and half a number it cannot.
    end = 57
    while end < len(text) and end < 97 and (text[end].isascii() and (text[end].isalnum() or text[end] in "@.+-_ ")
                                            or text[end].isdigit()):
        end += 1
    return text if end == len(text) else text[:end] + "…"


def _event_text(event) -> str:
    from ..model import EVENT_TYPES

    event = event or {}
    kind = event.get("type", "")
    parts = [str(event.get("date", "")), EVENT_TYPES.get(kind, str(kind)) if isinstance(kind, str) else str(kind)]
    if event.get("text"):
        parts.append(short_text(event["text"]))
    return " ".join(p for p in parts if p)


def describe(change: Change, units: dict | None = None) -> str:
    """One change in plain Chinese: field, event type and category by their
    Chinese names; `units` (id -> name) names units instead of their ids."""
    from ..model import field_title, value_text

    name = _KIND_NAMES.get(change.kind, change.kind)
    if change.kind == "field_changed":
        def text(value):
            return short_text(value if value is None else value_text(change.key, value, units))
        return f"修改{field_title(change.key)}：{text(change.old)} → {text(change.new)}"
    if change.kind == "event_added":
        return f"{name}：{_event_text(change.new)}"
    if change.kind == "event_edited":
        return f"{name}（第 {change.index + 1} 条）：{_event_text(change.old)} → {_event_text(change.new)}"
    if change.kind == "event_removed":
        return f"{name}（第 {change.index + 1} 条）：{_event_text(change.old)}"
    return name
