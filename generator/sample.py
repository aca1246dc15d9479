"""The verification sample of netizen messages (RULES.md §7, seed §3.7).

At least 30% of the netizen messages completed in a calendar month must be
verified. The sample is reproducible without a stored seed: every
candidate is ranked by a hash of (ledger name, month, item id), and the
top of that ranking is proposed. The same ledger and month always give
the same picks, and a message added later only takes its own place in the
ranking instead of reshuffling the rest.
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field

from .evaluate import item_state
from .model import NETIZEN_REVIEW_RATE, Item


@dataclass
class MonthReview:
    month: str  # YYYY-MM
    completed: int
    reviewed: int
    closed_month: bool  # the month has ended by as_of
    completed_ids: list[str] = field(default_factory=list)
    reviewed_ids: list[str] = field(default_factory=list)

    @property
    def required(self) -> int:
        return math.ceil(self.completed * NETIZEN_REVIEW_RATE - 1e-9)

    @property
    def rate(self) -> float:
        return self.reviewed / self.completed if self.completed else 1.0

    @property
    def rate_met(self) -> bool:
        return self.reviewed >= self.required


def _is_reviewed(item: Item, as_of: dt.date) -> bool:
    return item.verify or any(e.type == "verified" and e.date <= as_of for e in item.events)


def month_review(items: list[Item], as_of: dt.date) -> list[MonthReview]:
    """Per month with completions, how many netizen messages were completed and marked for review."""
    months: dict[str, MonthReview] = {}
    for item in items:
        if item.category != "netizen_message":
            continue
        events = [e for e in item.events if e.date <= as_of]
        _, completed_on = item_state(item, events)
        if completed_on is None:
            continue
        key = completed_on.strftime("%Y-%m")
        last_day = dt.date(completed_on.year, completed_on.month,
                           _cal.monthrange(completed_on.year, completed_on.month)[1])
        review = months.setdefault(key, MonthReview(key, 0, 0, as_of > last_day))
        review.completed += 1
        review.completed_ids.append(item.id)
        if _is_reviewed(item, as_of):
            review.reviewed += 1
            review.reviewed_ids.append(item.id)
    return [months[k] for k in sorted(months)]


def _rank(salt: str, month: str, item_id: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{month}\x1f{item_id}".encode()).hexdigest()


@dataclass
class Sample:
    month: str
    review: MonthReview
    picks: list[str]  # ids proposed for verification, in ranking order

    @property
    def rate_after(self) -> float:
        total = self.review.completed
        return (self.review.reviewed + len(self.picks)) / total if total else 1.0


def draw_sample(items: list[Item], month: str, as_of: dt.date, salt: str = "") -> Sample:
    """Propose which of `month`'s completed netizen messages to verify to reach 30%."""
    reviews = {r.month: r for r in month_review(items, as_of)}
    review = reviews.get(month) or MonthReview(month, 0, 0, False)
    missing = max(0, review.required - review.reviewed)
    candidates = sorted(set(review.completed_ids) - set(review.reviewed_ids),
                        key=lambda i: _rank(salt, month, i))
    return Sample(month, review, candidates[:missing])
