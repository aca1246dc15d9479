"""Parsing of the values several commands share: days, months, periods."""
from __future__ import annotations

import datetime as dt
import re

from ..loader import visible
from ..model import MAX_YEAR, MIN_YEAR
from ..reports import Period, parse_period


def parse_day(value: str) -> dt.date:
    """A YYYY-MM-DD date in the ledger's years (ValueError otherwise)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError(value)
    day = dt.date.fromisoformat(value)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(value)
    return day


def check_month(month: str) -> str:
    """`month` if it is YYYY-MM in ASCII digits (ValueError with the Chinese reason otherwise)."""
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):  # strptime's %Y also takes ２０２５
            raise ValueError(month)
        dt.datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise ValueError(f"月份 {month} 无效，请写成 YYYY-MM，例如 2025-09。") from None
    return month


def period_kind(period: str) -> str:
    """The kind of period a text names: 2025 annual, 2025Q3 quarterly, 2025-09 monthly."""
    return "annual" if re.fullmatch(r"[0-9]{4}", period) else "quarterly" if "Q" in period else "monthly"


def report_period(kind: str, period: str) -> Period:
    """The period of a report (ValueError with the Chinese reason)."""
    return parse_period(kind, period)


def assessment_period(period: str) -> Period:
    """An assessment period: a year, a quarter or a month (ValueError with the Chinese reason)."""
    if not re.fullmatch(r"[0-9]{4}(?:Q[1-4]|-[0-9]{2})?", period):
        raise ValueError(f"考核期间 {visible(period, newlines=False)[:40]} 无效：请写成 2025（年）、2025Q3（季度）"
                         "或 2025-09（月），用半角数字。")
    return parse_period(period_kind(period), period)


def signal_period(period: str) -> Period:
    """The period `ducha signals` looks at (ValueError with the Chinese reason)."""
    try:
        return parse_period(period_kind(period), period)
    except ValueError:
        raise ValueError(f"期间 {visible(period, newlines=False)[:40]} 无效：年写 2025，季度写 2025Q3，月份写 2025-09，"
                         "用半角数字。") from None
