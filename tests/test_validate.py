"""Field validation of items and ledger.yaml: code, line and a message that says the fix."""
import pytest

from ducha.ledger import LedgerUnreadable, load_config, load_ledger

from .conftest import LEDGER_YAML, codes, item_yaml, parse, write_ledger


def only(findings):
    assert len(findings) == 1, findings
    return findings[0]


def test_unknown_key_suggests_the_closest():
    item, findings = parse(item_yaml(extra="deadlin: 2025-11-30\n"))
    f = only(findings)
    assert (f.code, f.line) == ("invalid_field", 6)
    assert "deadlin" in f.message and "是不是想写 deadline" in f.message
    assert item is not None  # an unknown optional key does not hide the item


def test_unknown_key_in_event_suggests_the_closest():
    _, findings = parse(item_yaml(events=["date: 2025-06-25, type: extension, new_dedline: 2025-07-31"]))
    messages = [f.message for f in findings]
    assert any("new_dedline" in m and "new_deadline" in m for m in messages)
    assert all(f.line == 7 for f in findings)


def test_missing_required_field_drops_the_item():
    text = "id: 2025-0042\ntitle: 某事项\ncategory: work_report\nlead_unit: zjj\n"
    item, findings = parse(text)
    f = only(findings)
    assert item is None and f.code == "invalid_field" and "assigned" in f.message and "YYYY-MM-DD" in f.message


@pytest.mark.parametrize("line, expect", [
    ("title: [甲, 乙]", "应当是一段文字"),
    ("title: ''", "不能为空"),
    ("co_units: zjj", "应当是列表"),
    ("public: 是", "true 或 false"),
    ("events: 已完成", "应当是列表"),
])
def test_wrong_types(line, expect):
    key = line.split(":")[0]
    base = item_yaml()
    if key == "title":
        base = base.replace("title: 完成城区老旧小区改造120个\n", "")
    _, findings = parse(base + line + "\n")
    f = only(findings)
    assert f.code == "invalid_field" and expect in f.message, f.message
    assert f.line == base.count("\n") + 1


@pytest.mark.parametrize("value, expect", [
    ("2025-02-30", "2025年2月没有30日"),
    ("2025-13-01", "月份应在 1–12 之间"),
    ("2025-3-5", "请写成 2025-03-05"),
    ("2025年3月5日", "请写成 2025-03-05"),
    ("2025/03/05", "请写成 2025-03-05"),
    ("'2025-3-5'", "请写成 2025-03-05"),
    ("下月底", "不是日期"),
    ("20250305", "请写成 2025-03-05"),
])
def test_bad_dates(value, expect):
    _, findings = parse(item_yaml(extra=f"deadline: {value}\n"))
    f = only(findings)
    assert (f.code, f.line) == ("invalid_field", 6)
    assert expect in f.message, f.message


def test_quoted_iso_date_is_accepted():
    item, findings = parse(item_yaml(extra="deadline: '2025-11-30'\n"))
    assert findings == [] and str(item.deadline) == "2025-11-30"


@pytest.mark.parametrize("line, expect", [
    ("public: no", "读成布尔值 false"),
    ("verify: yes", "读成布尔值 true"),
    ("source: no", "请加引号：'no'"),
    ("source: 12:30", "六十进制数读成 750"),
    ("source: 010", "八进制"),
    ("contact: 0551", "八进制"),
    # Not valid octal, so text in YAML 1.1, but the number 558 in YAML 1.2 (the editor): quotes asked (issue 18).
    ("contact: 0558", "YAML 1.2"),
    ("contact: 05585551234", "开头的 0 会丢失"),
    ("source: 1e3", "请加引号：'1e3'"),
])
def test_yaml_11_traps(line, expect):
    _, findings = parse(item_yaml(extra=line + "\n"))
    if expect is None:
        assert findings == []
        return
    f = only(findings)
    assert (f.code, f.line) == ("invalid_field", 6)
    assert expect in f.message, f.message


def test_octal_level_in_event():
    _, findings = parse(item_yaml(events=["date: 2025-07-07, type: circular, level: 01"]))
    f = only(findings)
    assert f.code == "invalid_field" and "十进制" in f.message and f.line == 7


def test_numeric_id_needs_quotes():
    text = item_yaml(id="20250042")
    item, findings = parse(text, rel="items/2025/20250042.yaml")
    f = only(findings)
    assert item is None and "加引号" in f.message and f.line == 1


@pytest.mark.parametrize("ident", ["'../../etc/passwd'", "'2025 0042'", "督查一号", "'-x'", "'a<b>'"])
def test_unsafe_ids(ident):
    item, findings = parse(item_yaml(id=ident))
    f = only(findings)
    assert item is None and f.code == "invalid_field" and "只能用字母" in f.message and f.line == 1


def test_unknown_event_type_suggests_the_closest():
    item, findings = parse(item_yaml(events=["date: 2025-03-15, type: progres", "date: 2025-04-15, type: progress"]))
    f = only(findings)
    assert (f.code, f.line) == ("invalid_field", 7)
    assert "progres" in f.message and "是不是想写 progress" in f.message
    assert [e.type for e in item.events] == ["progress"]  # the good event is kept


def test_event_missing_required_key_for_its_type():
    _, findings = parse(item_yaml(events=["date: 2025-06-25, type: extension"]))
    f = only(findings)
    assert f.code == "invalid_field" and "new_deadline" in f.message and f.line == 7


def test_event_key_of_another_type():
    _, findings = parse(item_yaml(events=["date: 2025-06-25, type: urge, result: pass"]))
    f = only(findings)
    assert "不用这个键" in f.message


def test_events_out_of_date_order():
    item, findings = parse(item_yaml(events=[
        "date: 2025-03-15, type: progress", "date: 2025-05-01, type: progress", "date: 2025-04-01, type: urge"]))
    f = only(findings)
    assert (f.code, f.line) == ("invalid_field", 9)
    assert "早于上一条" in f.message and "2025-05-01" in f.message
    # Still evaluated in date order.
    assert [str(e.date) for e in item.events] == ["2025-03-15", "2025-04-01", "2025-05-01"]


def test_item_not_a_mapping():
    item, findings = parse("- 这是一个列表\n- 不是事项\n")
    assert item is None and codes(findings) == [("invalid_field", 1)]


def test_bad_unit_id_format():
    _, findings = parse(item_yaml(lead="住建局"))
    assert "不是单位编号" in only(findings).message


# --- ledger.yaml ---------------------------------------------------------------


def test_ledger_yaml_is_validated_the_same_way(tmp_path):
    ledger = LEDGER_YAML + "calendr:\n  holidays: [2027-1-1]\naudit:\n  backdate_days: 07\n"
    root = write_ledger(tmp_path, {}, ledger)
    config, findings = load_config(root)
    assert sorted(codes(findings)) == [("invalid_field", 9), ("invalid_field", 12)]
    assert all(f.file == "ledger.yaml" for f in findings)
    assert "是不是想写 calendar" in findings[0].message
    assert config.units["zjj"].name == "市住房和城乡建设局"


def test_ledger_calendar_dates_are_checked(tmp_path):
    ledger = LEDGER_YAML + "calendar:\n  holidays: [2027-02-30]\n  confirmed_years: [2027]\n"
    root = write_ledger(tmp_path, {}, ledger)
    config, findings = load_config(root)
    assert codes(findings) == [("invalid_field", 10)]
    assert config.confirmed_years == {2027}


def test_ledger_person_with_unknown_unit(tmp_path):
    ledger = LEDGER_YAML + "  - {email: x@zj.example, name: 某人, unit: zj}\n"
    config, findings = load_config(write_ledger(tmp_path, {}, ledger))
    f = only(findings)
    assert f.code == "unknown_unit" and "zjj" in f.message and f.line == 9


def test_unreadable_ledger_yaml_stops_everything(tmp_path):
    root = write_ledger(tmp_path, {}, "units: [\n")
    with pytest.raises(LedgerUnreadable) as err:
        load_ledger(root, use_cache=False)
    assert codes(err.value.findings) == [("yaml_syntax", 2)]


def test_missing_ledger_yaml(tmp_path):
    with pytest.raises(LedgerUnreadable, match="ledger.yaml"):
        load_ledger(tmp_path, use_cache=False)


def test_yml_extension_is_reported(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yml": item_yaml("2025-0001")})
    ledger = load_ledger(root, use_cache=False)
    assert [(f.code, f.file) for f in ledger.findings] == [("id_mismatch", "items/2025/2025-0001.yml")]
    assert "2025-0001.yaml" in ledger.findings[0].message
