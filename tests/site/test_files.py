"""Open data and feeds: CSV, JSON, Atom and iCalendar, read back with their libraries."""
import csv
import datetime as dt
import io
import json
from xml.etree import ElementTree as ET

import icalendar

from ducha.check import run_rules
from ducha.ledger import load_ledger
from ducha.site.files import COLUMNS, atom_feed, items_csv, items_json, unit_calendar
from ducha.site.model import PUBLIC, site_data

from ..conftest import item_yaml, write_ledger


def data(tmp_path):
    root = write_ledger(tmp_path, {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\nsource: 常务会议, 第3次\n",
                                               events=["date: 2025-03-15, type: progress, text: '已开工, \"一期\"'"]),
        "items/2025/2025-0002.yaml": item_yaml("2025-0002", category="leader_instruction",
                                               extra="public: true\ndeadline: 2025-06-30\n"),
    })
    result = run_rules(load_ledger(root, use_cache=False), dt.date(2025, 7, 1))
    return site_data(result, result_config(root), PUBLIC)


def result_config(root):
    return load_ledger(root, use_cache=False).config


def test_csv_has_the_documented_columns_and_opens_in_excel(tmp_path):
    text = items_csv(data(tmp_path))
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    # Chinese headers for people opening it in Excel, in the documented order.
    assert list(rows[0]) == [c[1] for c in COLUMNS]
    assert list(rows[0])[:3] == ["事项编号", "事项标题", "类别代码"]
    assert rows[0]["来源"] == "常务会议, 第3次" and rows[0]["状态代码"] == "in_progress"
    assert rows[0]["状态"] == "落实中"
    assert rows[1]["是否超期"] == "true" and rows[1]["超期天数"] == "1"


def test_json_carries_columns_and_public_events(tmp_path):
    payload = json.loads(items_json(data(tmp_path)))
    assert [c["key"] for c in payload["columns"]] == [c[0] for c in COLUMNS]
    first = payload["items"][0]
    assert first["events"] == [{"date": "2025-03-15", "type": "progress", "type_name": "进展报告",
                                "text": '已开工, "一期"', "detail": None}]
    assert payload["items"][1]["completed_on"] is None


def test_atom_feed_is_valid_xml_with_relative_links(tmp_path):
    root = ET.fromstring(atom_feed(data(tmp_path), "urn:ducha:public").encode())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert len(entries) == 1
    assert entries[0].find("a:link", ns).get("href") == "items/2025-0001/"
    assert "进展报告" in entries[0].find("a:title", ns).text


def test_unit_calendar_lists_open_deadlines(tmp_path):
    cal = icalendar.Calendar.from_ical(unit_calendar(data(tmp_path), "zjj", "ducha.invalid"))
    events = cal.walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == ["2025-0001-deadline@ducha.invalid", "2025-0002-deadline@ducha.invalid"]
    starts = sorted(e.decoded("dtstart") for e in events)
    assert starts == [dt.date(2025, 6, 30), dt.date(2025, 12, 31)]


def test_unit_calendars_are_named_after_their_unit_and_never_empty(tmp_path):
    """RFC 5545 wants a component in every calendar; subscribers tell calendars apart by name (issue 18)."""
    import vobject

    root = write_ledger(tmp_path, {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n"),
        "items/2025/2025-0002.yaml": item_yaml("2025-0002", lead="fgw", extra="public: true\n",
                                               events=["date: 2025-03-15, type: completed, text: 已完成"]),
    })
    result = run_rules(load_ledger(root, use_cache=False), dt.date(2025, 7, 1))
    site = site_data(result, result_config(root), PUBLIC)
    names = {}
    for unit in ("zjj", "fgw"):
        text = unit_calendar(site, unit, "ducha.invalid").decode("utf-8")
        cal = vobject.readOne(text)  # a second parser, besides icalendar
        assert cal.name == "VCALENDAR"
        components = list(cal.components())
        assert components, f"{unit}: a calendar without any component"
        names[unit] = (cal.contents["x-wr-calname"][0].value, cal.contents["name"][0].value)
        events = [c for c in components if c.name == "VEVENT"]
        assert len(events) == (1 if unit == "zjj" else 0)
    assert "市住房和城乡建设局" in names["zjj"][0] and "市发展和改革委员会" in names["fgw"][0]
    assert names["zjj"][0] == names["zjj"][1] and names["zjj"][0] != names["fgw"][0]


def test_items_json_is_written_as_json_dumps_writes_it(tmp_path):
    """items.json goes through ducha's own indenting encoder (issue 19: json's is pure Python and took
    seconds at 10,000 items): byte for byte what `json.dumps(…, ensure_ascii=False, indent=1)` gives."""
    from ducha.site.files import dumps_indented

    text = items_json(data(tmp_path))
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1) + "\n"
    awkward = [{}, [], {"a": [], "b": {}}, [1, -2.5, None, True, False, 10**30, 1e300, float("nan")],
               {"text": '已开工, "一期"\n\t\\ <a> & \u2028 \x00 中文', "nested": [[{"x": [{}]}]]},
               {1: "a", None: "c", 2.5: "d"}, {True: "b", False: "e"}, ("t", "u"), "单独的字符串"]
    for value in awkward:
        assert dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=1), value
