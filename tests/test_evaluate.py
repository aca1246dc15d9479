"""The state of an item on a day (docs/rules.md §2–§4), dates worked out by hand."""
import pytest

from ducha.evaluate import evaluate

from .conftest import D, item_yaml, parse


def status(as_of, events=(), calendar=None, **kw):
    from ducha.calendar import WorkingCalendar

    item, findings = parse(item_yaml(events=events, **kw))
    assert item is not None, findings
    return evaluate(item, D(as_of), calendar or WorkingCalendar())


# --- deadlines (§2) -------------------------------------------------------------


@pytest.mark.parametrize("category, assigned, deadline", [
    ("work_report", "2025-02-20", "2025-12-31"),
    ("policy_document", "2025-04-10", "2025-07-10"),
    ("higher_assignment", "2025-07-05", "2025-10-09"),  # 10-05 is in the National Day week
    ("npc_suggestion", "2025-11-30", "2026-02-28"),  # month end, a working Saturday
    ("cppcc_proposal", "2025-03-12", "2025-06-12"),
    ("npc_motion", "2025-03-15", "2025-09-15"),
    ("netizen_message", "2025-09-26", "2025-10-16"),
])
def test_default_deadlines(category, assigned, deadline):
    assert status("2025-01-01", category=category, assigned=assigned).effective_deadline == D(deadline)


def test_explicit_deadline_wins_as_written():
    # 2025-10-04 is a Saturday in the holiday week: an explicit deadline is not moved.
    s = status("2025-01-01", extra="deadline: 2025-10-04\n", category="policy_document")
    assert s.effective_deadline == D("2025-10-04")


def test_hard_deadline_only_for_suggestions_and_proposals():
    assert status("2025-01-01", category="npc_suggestion", assigned="2025-03-10").hard_deadline.date == D("2025-09-10")
    assert status("2025-01-01", category="npc_motion", assigned="2025-03-10").hard_deadline is None


def test_required_deadline_missing_gives_none():
    s = status("2025-12-01", category="leader_instruction")
    assert s.effective_deadline is None and not s.overdue and s.next_report_due is None


# --- states (§4) ----------------------------------------------------------------

P = "date: 2025-03-15, type: progress"
C = "date: 2025-05-10, type: completed"


@pytest.mark.parametrize("events, verify, state", [
    ((), False, "not_started"),
    ((P,), False, "in_progress"),
    ((P, C), False, "closed"),
    ((C,), True, "completed"),
    ((C, "date: 2025-05-20, type: verified, result: pass"), True, "closed"),
    ((C, "date: 2025-05-20, type: verified, result: fail"), True, "in_progress"),
    ((C, "date: 2025-05-20, type: returned"), False, "in_progress"),
    ((C, "date: 2025-05-20, type: returned", "date: 2025-05-25, type: completed"), False, "closed"),
    (("date: 2025-03-01, type: urge", "date: 2025-03-02, type: extension, new_deadline: 2025-12-01"), False, "not_started"),
])
def test_states(events, verify, state):
    extra = "verify: true\n" if verify else ""
    assert status("2025-06-01", events=events, extra=extra).state == state


def test_events_after_as_of_are_ignored():
    s = status("2025-05-09", events=(P, C))
    assert s.state == "in_progress" and s.completed_on is None
    assert status("2025-05-10", events=(P, C)).state == "closed"


# --- effective deadline, overdue, completed late ------------------------------------

EXT = "date: 2025-06-25, type: extension, new_deadline: 2025-07-31, approved: true"


def test_newest_approved_extension_sets_the_effective_deadline():
    events = (EXT, "date: 2025-07-20, type: extension, new_deadline: 2025-08-31, approved: true",
              "date: 2025-08-20, type: extension, new_deadline: 2025-09-30, approved: false")
    s = status("2025-09-01", events=events, extra="deadline: 2025-06-30\n", category="leader_instruction")
    assert s.effective_deadline == D("2025-08-31")
    assert s.overdue and s.days_overdue == 1


def test_pending_extension_does_not_move_the_deadline():
    s = status("2025-07-02", events=("date: 2025-06-25, type: extension, new_deadline: 2025-07-31",),
               extra="deadline: 2025-06-30\n", category="leader_instruction")
    assert s.effective_deadline == D("2025-06-30") and s.overdue and s.days_overdue == 2


def test_extension_approved_after_as_of_does_not_count():
    s = status("2025-06-20", events=(EXT,), extra="deadline: 2025-06-30\n", category="leader_instruction")
    assert s.effective_deadline == D("2025-06-30")


def test_overdue_counts_calendar_days():
    s = status("2025-07-25", extra="deadline: 2025-06-30\n", category="leader_instruction", events=(P,))
    assert s.overdue and s.days_overdue == 25
    s = status("2025-06-30", extra="deadline: 2025-06-30\n", category="leader_instruction")
    assert not s.overdue and s.days_overdue == 0  # the deadline day itself is in time


def test_completed_is_not_overdue_but_may_be_late():
    late = status("2025-08-01", extra="deadline: 2025-06-30\n", category="leader_instruction",
                  events=("date: 2025-07-03, type: completed",))
    assert not late.overdue and late.completed_late and late.completed_on == D("2025-07-03")
    on_time = status("2025-08-01", extra="deadline: 2025-06-30\n", category="leader_instruction",
                     events=("date: 2025-06-30, type: completed",))
    assert not on_time.completed_late


def test_awaiting_verification_is_not_overdue():
    s = status("2025-08-01", extra="deadline: 2025-06-30\nverify: true\n", category="leader_instruction",
               events=("date: 2025-06-28, type: completed",))
    assert s.state == "completed" and not s.overdue


def test_hard_deadline_passed_regardless_of_extension():
    events = ("date: 2025-06-01, type: extension, new_deadline: 2025-12-31, approved: true",)
    s = status("2025-09-11", category="npc_suggestion", assigned="2025-03-10", events=events)
    assert s.hard_deadline_passed and not s.overdue
    assert not status("2025-09-10", category="npc_suggestion", assigned="2025-03-10").hard_deadline_passed


# --- monthly reports (§5) -----------------------------------------------------------


def test_next_report_due_a_month_after_the_latest_report():
    s = status("2025-03-20", events=(P,))
    assert s.monthly_reports and s.next_report_due.date == D("2025-04-15")
    assert not s.report_missing
    assert status("2025-04-15", events=(P,)).report_missing is False
    assert status("2025-04-16", events=(P,)).report_missing is True


def test_first_report_due_a_month_after_assignment():
    # 2025-09-20 + 1 month = 2025-10-20, a Monday.
    s = status("2025-10-21", assigned="2025-09-20")
    assert s.next_report_due.date == D("2025-10-20") and s.report_missing


def test_report_due_moves_off_a_holiday():
    # Progress on 2025-09-05: a month later is 2025-10-05, in the holiday week.
    s = status("2025-10-01", events=("date: 2025-09-05, type: progress",))
    assert s.next_report_due.date == D("2025-10-09")


def test_no_monthly_reports_for_short_items():
    s = status("2025-10-01", category="netizen_message", assigned="2025-09-26")
    assert not s.monthly_reports and s.next_report_due is None


def test_no_report_owed_once_completed():
    assert status("2025-12-01", events=(P, C)).next_report_due is None


# --- escalation (§6) ----------------------------------------------------------------

U1, U2, U3 = ("date: 2025-07-0%d, type: urge" % d for d in (1, 2, 3))


@pytest.mark.parametrize("events, level, pending", [
    ((), 0, []),
    ((U1,), 1, [(1, "circular")]),
    (("date: 2025-07-01, type: returned",), 1, [(1, "circular")]),
    ((U1, "date: 2025-07-04, type: circular, level: 1"), 1, []),
    ((U1, U2, "date: 2025-07-04, type: circular, level: 1"), 2, [(2, "circular")]),
    (("date: 2025-07-01, type: leader_demand",), 2, [(2, "circular")]),
    ((U1, U2, U3), 3, [(1, "circular"), (2, "circular"), (3, "transfer")]),
    ((U1, U2, U3, "date: 2025-07-04, type: explanation, accepted: true"), 2, [(1, "circular"), (2, "circular")]),
    ((U1, U2, U3, "date: 2025-07-04, type: explanation, accepted: false"), 3, [(1, "circular"), (2, "circular"), (3, "transfer")]),
    ((U1, U2, U3, "date: 2025-07-04, type: circular, level: 1", "date: 2025-07-05, type: circular, level: 2",
      "date: 2025-07-06, type: transfer"), 3, []),
    # A praise circular is not the follow-up of a level.
    ((U1, "date: 2025-07-04, type: circular, level: 1, kind: praise"), 1, [(1, "circular")]),
])
def test_escalation_levels(events, level, pending):
    s = status("2025-07-31", events=events)
    assert s.escalation_level == level
    assert [(p.level, p.action) for p in s.escalation_pending] == pending


def test_closing_lowers_leader_demand_and_third_urge():
    events = ("date: 2025-07-01, type: leader_demand", "date: 2025-07-10, type: completed")
    assert status("2025-07-31", events=events).escalation_level == 0
    events = (U1, U2, U3, "date: 2025-07-10, type: completed")
    assert status("2025-07-31", events=events).escalation_level == 2  # two urges still hold


def test_escalation_counts_only_events_up_to_as_of():
    assert status("2025-07-02", events=(U1, U2, U3)).escalation_level == 2
