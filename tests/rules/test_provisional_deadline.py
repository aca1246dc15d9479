from ..conftest import LEDGER_YAML, findings_of, item_yaml


def test_default_deadline_in_an_unconfirmed_year(check_ledger):
    items = {"items/2026/2026-0001.yaml": item_yaml("2026-0001", category="netizen_message", assigned="2026-12-24"),
             "items/2026/2026-0002.yaml": item_yaml("2026-0002", category="netizen_message", assigned="2026-11-24")}
    [f] = findings_of(check_ledger(items, "2026-12-25"), "provisional_deadline")
    assert (f.item, f.severity, f.line) == ("2026-0001", "info", 3)
    assert "2027" in f.message and "confirmed_years" in f.message


def test_explicit_deadline_is_not_provisional(check_ledger):
    text = item_yaml("2026-0001", category="leader_instruction", assigned="2026-10-01", extra="deadline: 2027-03-31\n")
    assert findings_of(check_ledger({"items/2026/2026-0001.yaml": text}, "2026-10-02"), "provisional_deadline") == []


def test_monthly_report_date_in_an_unconfirmed_year(check_ledger):
    # 2026-12-01 + 1 month = 2027-01-01, whose day off is only a guess today.
    text = item_yaml("2026-0001", category="leader_instruction", assigned="2026-12-01", extra="deadline: 2027-03-31\n")
    [f] = findings_of(check_ledger({"items/2026/2026-0001.yaml": text}, "2026-12-02"), "provisional_deadline")
    assert "下次月报日期" in f.message


def test_ledger_confirms_a_year(check_ledger):
    ledger = LEDGER_YAML + "calendar:\n  holidays: [2027-01-01]\n  confirmed_years: [2027]\n"
    text = item_yaml("2026-0001", category="netizen_message", assigned="2026-12-24")
    result = check_ledger({"items/2026/2026-0001.yaml": text}, "2026-12-25", ledger=ledger)
    assert findings_of(result, "provisional_deadline") == []
    [(item, status)] = result.items
    assert str(status.effective_deadline) == "2027-01-08"


def test_hard_limit_in_an_unconfirmed_year(check_ledger):
    text = item_yaml("2026-0001", category="npc_suggestion", assigned="2026-08-20")
    found = findings_of(check_ledger({"items/2026/2026-0001.yaml": text}, "2026-09-01"), "provisional_deadline")
    assert len(found) == 1 and "最长办理时限 2027-02-22" in found[0].message
