from ..conftest import findings_of, item_yaml

ITEM = item_yaml(events=["date: 2025-03-15, type: progress"])


def test_report_missing_after_a_month(check_ledger):
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": ITEM}, "2025-04-15"), "report_missing") == []
    [f] = findings_of(check_ledger({"items/2025/2025-0042.yaml": ITEM}, "2025-04-16"), "report_missing")
    assert (f.severity, f.line) == ("warning", 6)
    assert "2025-04-15" in f.message and "晚 1 天" in f.message


def test_short_items_owe_no_monthly_report(check_ledger):
    text = item_yaml(category="leader_instruction", assigned="2025-03-01", extra="deadline: 2025-03-31\n")
    assert findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, "2025-05-01"), "report_missing") == []


# Issue 10, docs/rules.md §3: "more than 1 month" compares the effective deadline
# with the calendar date one month after assignment, *before* any roll to a
# working day; the report itself is then due on the rolled date.

def test_threshold_uses_the_unrolled_month_national_day(check_ledger):
    # Assigned 2025-09-05 + 1 month = 2025-10-05 (a Sunday in the National Day
    # holiday). Deadline 2025-10-08 > 10-05: more than a month, reports owed.
    # The report is due 10-05 rolled to the next working day: 10-01..10-08 are
    # holidays, so 2025-10-09 (Thu). Not missing on 10-09, missing on 10-10.
    # (The rolled 10-09 is after the deadline 10-08, which is why comparing
    # with the rolled date owed no report at all.)
    text = item_yaml(category="leader_instruction", assigned="2025-09-05", extra="deadline: 2025-10-08\n")
    items = {"items/2025/2025-0042.yaml": text}
    [(_, status)] = check_ledger(items, "2025-09-20").items
    assert status.monthly_reports and status.next_report_due.date.isoformat() == "2025-10-09"
    assert findings_of(check_ledger(items, "2025-10-09"), "report_missing") == []
    [f] = findings_of(check_ledger(items, "2025-10-10"), "report_missing")
    assert "应在 2025-10-09 前报告" in f.message and "晚 1 天" in f.message


def test_threshold_uses_the_unrolled_month_new_year(check_ledger):
    # A work report assigned 2023-11-30: default deadline 2023-12-31 (year end).
    # 2023-11-30 + 1 month = 2023-12-30 (Sat) < 12-31: reports owed. Due 12-30,
    # rolled past Sun 12-31 and the New Year holiday 2024-01-01 to Tue
    # 2024-01-02; missing on 2024-01-03, 1 day late. (The rolled 01-02 is
    # after the deadline, which is why comparing with it owed no report.)
    text = item_yaml(assigned="2023-11-30")
    items = {"items/2023/2023-0042.yaml": text.replace("2025-0042", "2023-0042")}
    [(_, status)] = check_ledger(items, "2023-12-15").items
    assert status.effective_deadline.isoformat() == "2023-12-31"
    assert status.next_report_due.date.isoformat() == "2024-01-02"
    assert findings_of(check_ledger(items, "2024-01-02"), "report_missing") == []
    [f] = findings_of(check_ledger(items, "2024-01-03"), "report_missing")
    assert "应在 2024-01-02 前报告" in f.message and "晚 1 天" in f.message


def test_exactly_one_month_is_not_more_than_a_month(check_ledger):
    # Assigned 2025-03-10, deadline 2025-04-10 = 03-10 + 1 month: not more.
    text = item_yaml(category="leader_instruction", assigned="2025-03-10", extra="deadline: 2025-04-10\n")
    [(_, status)] = check_ledger({"items/2025/2025-0042.yaml": text}, "2025-03-20").items
    assert not status.monthly_reports and status.next_report_due is None
