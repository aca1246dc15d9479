from ..conftest import findings_of, item_yaml


def run(check_ledger, events, as_of="2025-07-10"):
    text = item_yaml(category="leader_instruction", extra="deadline: 2025-06-30\n", events=events)
    return findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, as_of), "no_advance_notice")


def test_overdue_without_request(check_ledger):
    [f] = run(check_ledger, ["date: 2025-06-01, type: progress"])
    assert f.severity == "warning" and "2025-06-30" in f.message


def test_request_on_or_before_deadline_is_notice(check_ledger):
    assert run(check_ledger, ["date: 2025-06-30, type: extension, new_deadline: 2025-07-31"]) == []
    assert run(check_ledger, ["date: 2025-06-20, type: extension, new_deadline: 2025-07-31, approved: false"]) == []


def test_late_request_is_not_notice(check_ledger):
    assert len(run(check_ledger, ["date: 2025-07-01, type: extension, new_deadline: 2025-07-31"])) == 1


def test_after_an_approved_extension_a_new_notice_is_needed(check_ledger):
    approved = "date: 2025-06-20, type: extension, new_deadline: 2025-07-31, approved: true"
    assert len(run(check_ledger, [approved], as_of="2025-08-05")) == 1
    again = "date: 2025-07-25, type: extension, new_deadline: 2025-08-31"
    assert run(check_ledger, [approved, again], as_of="2025-08-05") == []


def test_not_flagged_before_overdue(check_ledger):
    assert run(check_ledger, [], as_of="2025-06-30") == []


# Issue 10, docs/rules.md §3: the reading stays (an extension request for the
# deadline in force is needed), but the message says exactly what the file
# shows and what was missing.

def may(check_ledger, events, as_of="2025-05-21"):
    text = item_yaml(category="leader_instruction", assigned="2025-05-06", extra="deadline: 2025-05-20\n",
                     events=events)
    return findings_of(check_ledger({"items/2025/2025-0042.yaml": text}, as_of), "no_advance_notice")


def test_reasons_reported_but_no_extension_applied_for(check_ledger):
    # Deadline 2025-05-20; the unit explained the delay on 05-19 (before the
    # deadline) but never applied for an extension; as of 05-21 it is overdue.
    # Still flagged, and the message must not deny the 05-19 explanation.
    [f] = may(check_ledger, ["date: 2025-05-19, type: explanation, text: 征地手续未完成"])
    assert "已于 2025-05-19 报告原因" in f.message and "期限前没有申请延期" in f.message
    assert "2025-05-20" in f.message and "没有报告原因" not in f.message


def test_nothing_reported_says_both_are_missing(check_ledger):
    [f] = may(check_ledger, ["date: 2025-05-10, type: progress"])
    assert "既没有报告原因，也没有申请延期" in f.message


def test_late_request_and_late_reasons_are_named(check_ledger):
    # Both came on 05-21, a day after the 05-20 deadline: named as too late.
    [f] = may(check_ledger, ["date: 2025-05-21, type: explanation",
                             "date: 2025-05-21, type: extension, new_deadline: 2025-06-20"], as_of="2025-05-22")
    assert "原因说明 2025-05-21 才报告" in f.message and "延期申请 2025-05-21 才提出" in f.message


def test_after_an_approval_the_message_names_it(check_ledger):
    # Extension approved 05-15 to 06-10; reasons again on 06-05, no new request;
    # overdue on 06-11: the request made before 05-15 served the old deadline.
    [f] = may(check_ledger, ["date: 2025-05-15, type: extension, new_deadline: 2025-06-10, approved: true",
                             "date: 2025-06-05, type: explanation"], as_of="2025-06-11")
    assert "期限 2025-06-10（2025-05-15 批准的延期）" in f.message
    assert "已于 2025-06-05 报告原因" in f.message and "2025-05-15 批准延期后，期限前没有再申请延期" in f.message


def test_docs_quote_the_real_message(check_ledger):
    # docs/rules.md §3 quotes the 05-19 message: it must be what check says.
    import re

    from ..conftest import REPO

    doc = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    quoted = re.search(r"提示：“(未提前报告：.*?)……”", doc, re.S).group(1).replace("\n", "").replace(" ", "")
    [f] = may(check_ledger, ["date: 2025-05-19, type: explanation"])
    assert f.message.replace(" ", "").startswith(quoted)
