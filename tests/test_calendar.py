"""Periods (docs/rules.md §1) on the official calendar, dates worked out by hand."""
import pytest

from ducha.calendar import WorkingCalendar, add_months, library_confirmed_years

from .conftest import D


@pytest.mark.parametrize("start, months, end", [
    # Same day-of-month N months later ...
    ("2025-02-20", 3, "2025-05-20"),
    # ... or that month's last day (2026-02-28 is a working Saturday).
    ("2025-11-30", 3, "2026-02-28"),
    ("2025-01-31", 1, "2025-02-28"),
    ("2024-02-29", 12, "2025-02-28"),
    ("2025-08-31", 1, "2025-09-30"),
    # A last day that is a day off moves to the next working day:
    # 2025-10-05 is in the National Day week (10-01..10-08 off).
    ("2025-07-05", 3, "2025-10-09"),
    # 2026-02-20 is a Spring Festival day off, then a weekend, then 02-23 off.
    ("2026-01-20", 1, "2026-02-24"),
    # Across the year end: 2025-10-31 + 2 months = 2025-12-31, a Wednesday.
    ("2025-10-31", 2, "2025-12-31"),
])
def test_months(calendar, start, months, end):
    assert calendar.period_end(D(start), months=months).date == D(end)


@pytest.mark.parametrize("start, days, end", [
    # The checked example of docs/rules.md §1: 2025-09-28 (Sun) and 2025-10-11 (Sat) were working days.
    ("2025-09-26", 10, "2025-10-16"),
    # The day after 2025-09-30 is the start of the National Day week.
    ("2025-09-30", 1, "2025-10-09"),
    # 2026 Spring Festival: Saturday 2026-02-14 is a working day, then 02-15..02-23 off.
    ("2026-02-13", 1, "2026-02-14"),
    ("2026-02-14", 1, "2026-02-24"),
    # New Year 2026: 01-01 and 01-02 off, Sunday 01-04 a working day.
    ("2025-12-31", 1, "2026-01-04"),
    # An ordinary week: Friday + 1 = Monday.
    ("2025-03-07", 1, "2025-03-10"),
])
def test_working_days(calendar, start, days, end):
    assert calendar.period_end(D(start), working_days=days).date == D(end)


def test_working_saturdays_and_holidays(calendar):
    assert calendar.is_working_day(D("2026-02-28"))  # 调休 Saturday
    assert calendar.is_working_day(D("2025-09-28"))  # 调休 Sunday
    assert not calendar.is_working_day(D("2025-10-08"))
    assert not calendar.is_working_day(D("2025-10-04"))  # a plain Saturday


def test_start_day_is_not_counted(calendar):
    # Assigned on a working Monday: one working day later is Tuesday, not Monday itself.
    assert calendar.period_end(D("2025-03-10"), working_days=1).date == D("2025-03-11")


def test_years_without_official_schedule_are_provisional(calendar):
    assert 2025 in library_confirmed_years() and 2026 in library_confirmed_years()
    assert not calendar.is_confirmed(2027)
    end = calendar.period_end(D("2026-12-24"), working_days=10)
    assert end.provisional
    assert not calendar.period_end(D("2026-11-02"), working_days=10).provisional
    # A months period only reads the days from its raw end onwards.
    assert calendar.period_end(D("2026-11-02"), months=3).provisional  # ends 2027-02-02
    assert not calendar.period_end(D("2026-08-20"), months=3).provisional


def test_ledger_corrections_and_confirmed_year():
    cal = WorkingCalendar(
        extra_holidays=frozenset({D("2027-02-05")}),
        extra_workdays=frozenset({D("2027-02-06")}),
        confirmed_years=frozenset({2027}),
    )
    assert not cal.is_working_day(D("2027-02-05"))  # a Friday made a day off
    assert cal.is_working_day(D("2027-02-06"))  # a Saturday made a working day
    end = cal.period_end(D("2027-02-04"), working_days=1)
    assert end == end.__class__(D("2027-02-06"), provisional=False)


def test_extra_holiday_moves_a_deadline():
    plain = WorkingCalendar().period_end(D("2025-06-02"), working_days=3).date
    cal = WorkingCalendar(extra_holidays=frozenset({D("2025-06-04")}))
    assert plain == D("2025-06-05")
    assert cal.period_end(D("2025-06-02"), working_days=3).date == D("2025-06-06")


def test_add_months_clips_to_month_end():
    assert add_months(D("2025-03-31"), 1) == D("2025-04-30")
    assert add_months(D("2025-12-15"), 2) == D("2026-02-15")


def test_period_needs_exactly_one_length(calendar):
    with pytest.raises(ValueError):
        calendar.period_end(D("2025-01-01"))
    with pytest.raises(ValueError):
        calendar.period_end(D("2025-01-01"), months=1, working_days=1)
