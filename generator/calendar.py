"""The official Chinese working calendar and the one period function (docs/rules.md §1).

Statutory holidays and make-up working days (调休) come from the `holidays`
package; `ledger.yaml` may add or correct days and confirm a newly
published year. For a year with no official schedule `holidays` silently
answers with a guess (no working weekends, invented days off), so every
period that reads such a year is marked provisional.
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import LedgerConfig

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=1)
def library_confirmed_years() -> frozenset[int]:
    """Years whose official schedule the installed `holidays` release carries.

    The China calendar lists, per year, the days swapped by the State
    Council's notice; a year appears there only once its notice has been
    published and taken into the library.
    """
    try:
        from holidays.countries.china import ChinaStaticHolidays
    except ImportError:  # pragma: no cover - a future layout: trust nothing
        return frozenset()
    years = sorted(ChinaStaticHolidays.special_public_holidays)
    if not years:  # pragma: no cover
        return frozenset()
    return frozenset(range(years[0], years[-1] + 1))


@dataclass(frozen=True)
class PeriodEnd:
    """The last day of a period, and whether it rests on an unconfirmed year."""

    date: dt.date
    provisional: bool = False


def add_months(start: dt.date, months: int) -> dt.date:
    """The same day-of-month `months` later, or that month's last day."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, _cal.monthrange(year, month)[1])
    return dt.date(year, month, day)


class WorkingCalendar:
    """Working days per the official calendar plus the ledger's corrections."""

    def __init__(
        self,
        extra_holidays: frozenset[dt.date] = frozenset(),
        extra_workdays: frozenset[dt.date] = frozenset(),
        confirmed_years: frozenset[int] = frozenset(),
    ) -> None:
        self.extra_holidays = frozenset(extra_holidays)
        self.extra_workdays = frozenset(extra_workdays)
        self.confirmed_years = library_confirmed_years() | frozenset(confirmed_years)
        import holidays  # imported here: a cached run never needs it

        self._official = holidays.country_holidays("CN")
        self._days_off: dict[int, frozenset[dt.date]] = {}
        self._periods: dict[tuple[dt.date, int, int], PeriodEnd] = {}

    @classmethod
    def for_ledger(cls, config: LedgerConfig) -> WorkingCalendar:
        return cls(config.extra_holidays, config.extra_workdays, config.confirmed_years)

    def _days_off_in(self, year: int) -> frozenset[dt.date]:
        off = self._days_off.get(year)
        if off is None:
            day = dt.date(year, 1, 1)
            days = set()
            while day.year == year:
                if not self._official.is_working_day(day):
                    days.add(day)
                day += ONE_DAY
            off = self._days_off[year] = frozenset(days)
        return off

    def is_working_day(self, day: dt.date) -> bool:
        """Whether `day` is a working day (调休 Saturdays included)."""
        if day in self.extra_workdays:
            return True
        if day in self.extra_holidays:
            return False
        return day not in self._days_off_in(day.year)

    def is_confirmed(self, year: int) -> bool:
        return year in self.confirmed_years

    def _provisional(self, first: dt.date, last: dt.date) -> bool:
        return any(not self.is_confirmed(y) for y in range(first.year, last.year + 1))

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the next one."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def period_end(self, start: dt.date, *, months: int = 0, working_days: int = 0) -> PeriodEnd:
        """The last day of a period that starts on `start` (Civil Code arts. 201–203).

        The start day is not counted. `months`: the same day-of-month that
        many months later, or the month's last day; `working_days`: the
        N-th working day after `start`. A last day that is not a working
        day moves to the next working day.
        """
        key = (start, months, working_days)
        found = self._periods.get(key)
        if found is None:
            found = self._periods[key] = self._period_end(start, months, working_days)
        return found

    def _period_end(self, start: dt.date, months: int, working_days: int) -> PeriodEnd:
        if (months > 0) == (working_days > 0):
            raise ValueError("give exactly one of months or working_days, positive")
        if months:
            raw = add_months(start, months)
            end = self.next_working_day(raw)
            return PeriodEnd(end, self._provisional(raw, end))
        day, counted = start, 0
        while counted < working_days:
            day += ONE_DAY
            if self.is_working_day(day):
                counted += 1
        return PeriodEnd(day, self._provisional(start + ONE_DAY, day))
