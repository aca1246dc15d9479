"""The verification sample of netizen messages (docs/rules.md §5; 实施意见三、(七)).

At least 30% of the netizen messages completed in a calendar month must be
verified. The sample is reproducible without a stored seed: every
candidate is ranked by a hash of (ledger name, month, item id), and the
top of that ranking is proposed. The same ledger and month always give
the same picks, and a message added later only takes its own place in the
ranking instead of reshuffling the rest. Messages that integrity signals
name (`ducha signals`, issue 20) are ranked first, in the same hash
order among themselves: the sample goes where a closer look is most
useful, and is still the same for the same ledger and history.
"""
from __future__ import annotations

import calendar as _cal
import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field

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


@dataclass(frozen=True)
class Completion:
    """One netizen message in one month's review base."""

    item: Item
    month: str  # YYYY-MM of its first completion dated in that month
    completed_on: dt.date
    reviewed: bool  # marked for verification, or a `verified` event follows that completion


def review_base(items: list[Item], as_of: dt.date) -> list[Completion]:
    """Every netizen message with a completion dated in a month, once per such month (docs/rules.md §5).

    Only events dated on or before `as_of` count. The base does not follow
    the item's state: a message completed in a month stays in that month's
    base even if a later verification failed or it was returned. It counts
    as reviewed when it is marked `verify: true` (the office has picked it)
    or when any `verified` event, pass or fail, follows that completion in
    the log: a failed verification is a review done.
    """
    out = []
    for item in items:
        if item.category != "netizen_message":
            continue
        events = [e for e in item.events if e.date <= as_of]
        seen = set()
        for i, event in enumerate(events):
            if event.type != "completed":
                continue
            month = event.date.strftime("%Y-%m")
            if month in seen:
                continue
            seen.add(month)
            verified = any(e.type == "verified" for e in events[i + 1:])
            out.append(Completion(item, month, event.date, bool(item.verify) or verified))
    return out


def month_review(items: list[Item], as_of: dt.date) -> list[MonthReview]:
    """Per month with completions, how many netizen messages were completed and reviewed (docs/rules.md §5)."""
    months: dict[str, MonthReview] = {}
    for c in review_base(items, as_of):
        day = c.completed_on
        last_day = dt.date(day.year, day.month, _cal.monthrange(day.year, day.month)[1])
        review = months.setdefault(c.month, MonthReview(c.month, 0, 0, as_of > last_day))
        review.completed += 1
        review.completed_ids.append(c.item.id)
        if c.reviewed:
            review.reviewed += 1
            review.reviewed_ids.append(c.item.id)
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


def draw_sample(items: list[Item], month: str, as_of: dt.date, salt: str = "",
                prefer: frozenset[str] | set[str] = frozenset()) -> Sample:
    """Propose which of `month`'s completed netizen messages to verify to reach 30%.

    `prefer`: ids of messages with integrity signals, picked before the others.
    """
    reviews = {r.month: r for r in month_review(items, as_of)}
    review = reviews.get(month) or MonthReview(month, 0, 0, False)
    missing = max(0, review.required - review.reviewed)
    candidates = sorted(set(review.completed_ids) - set(review.reviewed_ids),
                        key=lambda i: (i not in prefer, _rank(salt, month, i)))
    return Sample(month, review, candidates[:missing])
