"""Downloads and feeds: CSV and JSON of the items, an Atom feed, iCalendar per unit.

The columns are declared once (`COLUMNS`), so the files and the page that
defines them cannot drift apart. Each function takes a `SiteData`, whose
items are already limited to what the audience may see.
"""
from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import json
from typing import Any
from xml.etree import ElementTree as ET

import icalendar

from .model import SiteData

# (key, Chinese title, definition) — the open-data columns, in order.
COLUMNS: list[tuple[str, str, str]] = [
    ("id", "事项编号", "事项的唯一编号，也是其网页地址 items/<编号>/ 的一部分。"),
    ("title", "事项标题", "督查事项的名称。"),
    ("category", "类别代码", "事项类别的英文代码，如 work_report。"),
    ("category_name", "类别", "事项类别的中文名称，如《政府工作报告》目标任务。"),
    ("source", "来源", "交办依据，如某次常务会议、某号建议提案。"),
    ("lead_unit", "主办单位代码", "主办单位的编号。"),
    ("lead_unit_name", "主办单位", "主办单位名称。"),
    ("co_units", "协办单位", "协办单位名称，多个以“；”分隔。"),
    ("assigned", "交办日期", "事项交办给主办单位的日期（YYYY-MM-DD），期限从次日起算。"),
    ("deadline", "办结期限", "当前有效的办结期限：批准延期后的新期限，否则为原定期限或按类别推算的期限。"),
    ("hard_deadline", "最长办理时限", "人大代表建议和政协委员提案交办后 6 个月的最长时限；其他类别为空。"),
    ("state", "状态代码", "not_started、in_progress、completed 或 closed。"),
    ("state_name", "状态", "未落实、落实中、已办结（待复核）或已落实。"),
    ("overdue", "是否超期", "截至数据日期已过办结期限仍未办结为 true。"),
    ("days_overdue", "超期天数", "超过办结期限的日历天数；未超期为 0。"),
    ("completed_on", "办结日期", "办结报告的日期；未办结为空。"),
    ("completed_late", "逾期办结", "办结日期晚于办结期限为 true。"),
    ("last_updated", "最近更新", "最近一条公开记录的日期；没有记录时为交办日期。"),
]


def _row(view) -> dict:
    return {
        "id": view.id, "title": view.title, "category": view.category, "category_name": view.category_name,
        "source": view.source or "", "lead_unit": view.lead_unit, "lead_unit_name": view.lead_unit_name,
        "co_units": "；".join(name for _, name in view.co_units), "assigned": view.assigned.isoformat(),
        "deadline": view.deadline.isoformat() if view.deadline else "",
        "hard_deadline": view.hard_deadline.isoformat() if view.hard_deadline else "",
        "state": view.state, "state_name": view.state_name, "overdue": view.overdue,
        "days_overdue": view.days_overdue, "completed_on": view.completed_on.isoformat() if view.completed_on else "",
        "completed_late": view.completed_late, "last_updated": view.last_updated.isoformat(),
    }


# A spreadsheet opening the CSV runs a cell that starts with one of these as a
# formula (OWASP, "CSV Injection"; ASVS adds NUL). Such text cells get a
# leading single quote. Cells already starting with quotes before one of these
# get one more, so removing one leading quote always gives the original back.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")


def csv_safe(value):
    """`value` as a CSV cell that no spreadsheet runs as a formula.

    Only text is changed: numbers computed by ducha (超期天数) stay numbers,
    dates are YYYY-MM-DD and start with a digit.
    """
    if isinstance(value, str) and value.lstrip("'").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def items_csv(data: SiteData) -> str:
    """UTF-8 CSV with a BOM, so Excel opens the Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([title for _, title, _ in COLUMNS])  # Chinese headers; the JSON keeps the English keys
    for view in data.items:
        row = _row(view)
        writer.writerow([_cell(row[key]) for key, _, _ in COLUMNS])
    return "\ufeff" + out.getvalue()


def _cell(value):
    return "true" if value is True else "false" if value is False else csv_safe(value)


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=1)`, the same text, three times as fast for
    data/items.json (14 MB at 10,000 items): the standard library's C encoder does no indenting."""
    out: list[str] = []
    put = out.append
    string = json.encoder.encode_basestring  # what ensure_ascii=False writes strings with

    def encode(v: Any, indent: str) -> None:
        kind = type(v)
        if kind is str:
            put(string(v))
        elif kind is dict:
            if not v:
                put("{}")
                return
            inner = indent + " "
            opening = "{\n"
            for key, item in v.items():
                if type(key) is not str:  # not in ducha's data: converted as json.dumps does (1, true, null)
                    key = json.dumps(key)
                put(opening + inner + string(key) + ": ")
                opening = ",\n"
                encode(item, inner)
            put("\n" + indent + "}")
        elif kind is list or kind is tuple:
            if not v:
                put("[]")
                return
            inner = indent + " "
            opening = "[\n"
            for item in v:
                put(opening + inner)
                opening = ",\n"
                encode(item, inner)
            put("\n" + indent + "]")
        elif v is None:
            put("null")
        elif v is True:
            put("true")
        elif v is False:
            put("false")
        elif kind is int:
            put(int.__repr__(v))
        else:  # floats (NaN, Infinity) and anything else: as json.dumps writes them, or its TypeError
            put(json.dumps(v, ensure_ascii=False))

    encode(value, "")
    return "".join(out)


def items_json(data: SiteData) -> str:
    payload = {
        "ledger": data.ledger_name,
        "as_of": data.as_of.isoformat(),
        "columns": [{"key": k, "title": t, "definition": d} for k, t, d in COLUMNS],
        "items": [
            {**{k: (v if v != "" else None) for k, v in _row(view).items()},
             "co_units": [name for _, name in view.co_units],
             "events": [{"date": e.date.isoformat(), "type": e.type, "type_name": e.type_name,
                         "text": e.text, "detail": e.detail} for e in view.events]}
            for view in data.items
        ],
    }
    return dumps_indented(payload) + "\n"


SCHEMA_PATH = "data/items.schema.json"  # published beside items.json: what a reader (a province's roll-up) checks it against
_DATE = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
_NULLABLE_DATE = {"anyOf": [_DATE, {"type": "null"}]}
_COLUMN_TYPES: dict[str, dict] = {
    "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$"},
    "title": {"type": "string", "minLength": 1},
    "category": {"type": "string"}, "category_name": {"type": "string"},
    "lead_unit": {"type": "string"}, "lead_unit_name": {"type": "string"},
    "co_units": {"type": "array", "items": {"type": "string"}},
    "assigned": _DATE, "last_updated": _DATE,
    "deadline": _NULLABLE_DATE, "hard_deadline": _NULLABLE_DATE, "completed_on": _NULLABLE_DATE,
    "state": {"enum": ["not_started", "in_progress", "completed", "closed"]}, "state_name": {"type": "string"},
    "overdue": {"type": "boolean"}, "completed_late": {"type": "boolean"},
    "days_overdue": {"type": "integer", "minimum": 0},
}
_TEXT_OR_NULL = {"type": ["string", "null"]}


def items_schema() -> str:
    """The JSON Schema (draft 7) of `data/items.json`, from `COLUMNS`: the contract its readers check."""
    item = {key: {"title": title, "description": definition, **_COLUMN_TYPES.get(key, _TEXT_OR_NULL)}
            for key, title, definition in COLUMNS}
    event = {"type": "object", "required": ["date", "type", "type_name"], "additionalProperties": False,
             "properties": {"date": _DATE, "type": {"type": "string"}, "type_name": {"type": "string"},
                            "text": _TEXT_OR_NULL, "detail": _TEXT_OR_NULL}}
    item["events"] = {"title": "办理记录", "type": "array", "items": event}
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "督查事项开放数据（data/items.json）",
        "type": "object",
        "required": ["ledger", "as_of", "columns", "items"],
        "properties": {
            "ledger": {"type": "string"}, "as_of": _DATE,
            "columns": {"type": "array", "items": {"type": "object", "required": ["key", "title", "definition"]}},
            "items": {"type": "array", "items": {"type": "object", "properties": item, "required": list(item),
                                                 "additionalProperties": False}},
        },
    }
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"


ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 200


def atom_feed(data: SiteData, feed_id: str) -> str:
    """The newest visible events as an Atom feed; links are relative to the feed."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{data.ledger_name}：事项进展"
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{data.as_of.isoformat()}T00:00:00+08:00"
    ET.SubElement(feed, f"{{{ATOM}}}link", href="./", rel="alternate")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = data.ledger_name
    # The newest FEED_ENTRIES only (what sorting all of them, newest first, would give: the keys are unique).
    updates = heapq.nlargest(FEED_ENTRIES, ((e, v, n) for v in data.items for n, e in enumerate(v.events)),
                             key=lambda t: (t[0].date, t[1].id, t[2]))
    for event, view, n in updates:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}title").text = f"{view.title}：{event.type_name}"
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{feed_id}:{view.id}:{n}"
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = f"{event.date.isoformat()}T00:00:00+08:00"
        ET.SubElement(entry, f"{{{ATOM}}}link", href=f"items/{view.id}/", rel="alternate")
        summary = "；".join(p for p in (event.detail, event.text) if p) or event.type_name
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = f"{view.lead_unit_name}：{summary}"
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _china_time_zone() -> icalendar.Timezone:
    """Asia/Shanghai (UTC+8, no daylight saving) as a VTIMEZONE."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Asia/Shanghai")
    standard = icalendar.TimezoneStandard()
    standard.add("dtstart", dt.datetime(1970, 1, 1))
    standard.add("tzoffsetfrom", dt.timedelta(hours=8))
    standard.add("tzoffsetto", dt.timedelta(hours=8))
    standard.add("tzname", "CST")
    zone.add_component(standard)
    return zone


def unit_calendar(data: SiteData, unit: str, uid_domain: str) -> bytes:
    """The deadlines of a unit's open items, as all-day events (RFC 5545).

    Named after the unit (X-WR-CALNAME, and NAME of RFC 7986), so a person
    subscribed to several units' calendars tells them apart. RFC 5545 wants
    at least one component: a unit with no open item today still gets a
    valid calendar (its time zone, no event), so a subscription keeps its
    address and fills again when the unit has work.
    """
    names = data.unit_names.get(unit)
    label = f"{names.name if names else unit}：办结期限（{data.ledger_name}）"
    cal = icalendar.Calendar()
    cal.add("prodid", "-//ducha//督查台账//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("name", label)
    cal.add("x-wr-calname", label)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    cal.add_component(_china_time_zone())
    for view in data.items:
        if view.lead_unit != unit or not view.deadline or view.state in ("completed", "closed"):
            continue
        event = icalendar.Event()
        event.add("uid", f"{view.id}-deadline@{uid_domain}")
        event.add("dtstamp", icalendar.vDatetime.from_ical(f"{data.as_of.strftime('%Y%m%d')}T000000Z"))
        event.add("dtstart", view.deadline)
        event.add("summary", f"办结期限：{view.title}")
        event.add("description", f"事项编号 {view.id}；{view.category_name}；主办单位 {view.lead_unit_name}")
        cal.add_component(event)
    return cal.to_ical()
