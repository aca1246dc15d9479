"""`no_advance_notice`: overdue without having applied for an extension in time.

"期限内不能办结的，承办单位要提前向交办单位报告原因和进展情况" (实施意见四、(四)).
An overdue item needs an extension request dated on or before its
effective deadline, made after the extension that set that deadline (or
after the assignment, for the original deadline). An explanation alone
does not satisfy the duty, but the message says exactly what the file
shows and what was missing: reasons reported on a date but no extension
applied for, a request or explanation made only after the deadline, or
nothing at all.

PASS: deadline 2025-06-30, extension requested 2025-06-25 (not yet approved).
FAIL: deadline 2025-06-30, overdue, no extension request.
FAIL (message: reasons reported 2025-05-19, no extension applied for):
deadline 2025-05-20, explanation 2025-05-19, as of 2025-05-21.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import WARNING, Finding

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Event, Item
    from . import Context

CODE = "no_advance_notice"
SCOPE = "item"
NEEDS_AS_OF = True
SEVERITY = WARNING
TITLE = "未提前报告"
SECTION = "3"  # the section of docs/rules.md that explains the computation
EXPLANATION = (
    "依据：“期限内不能办结的，承办单位要提前向交办单位报告原因和进展情况”（四、(四)）。事项超期，"
    "而在有效期限当天或之前（并且在确定该期限的那次批准之后）没有任何延期申请的，报此警告。"
    "只报告了原因（`explanation`）、没有申请延期的仍然提示，提示中写明台账里有什么、缺什么。"
)


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    deadline = status.effective_deadline
    if not status.overdue or deadline is None:
        return
    extensions = [e for e in status.events if e.type == "extension"]

    def sets_deadline(e: Event) -> bool:
        return bool(e.approved) and e.new_deadline == deadline

    approved = [e for e in extensions if sets_deadline(e)]
    since = approved[-1].date if approved else None
    requests = [e for e in extensions if (since is None or e.date > since) and not sets_deadline(e)]
    if any(e.date <= deadline for e in requests):
        return
    yield Finding(
        item.file, item.line_of("deadline" if "deadline" in item.lines else "assigned"), CODE,
        _message(deadline, since, requests, [e for e in status.events if e.type == "explanation"]),
        item=item.id,
    )


def _message(deadline: dt.date, since: dt.date | None, late_requests: list[Event], explanations: list[Event]) -> str:
    """Say what the file shows and what was missing, in that order."""
    in_time = [e.date for e in explanations if e.date <= deadline]
    late = [e.date for e in explanations if e.date > deadline]
    text = f"未提前报告：事项已超过期限 {deadline}"
    text += f"（{since} 批准的延期）。" if since else "。"
    if in_time:
        no_request = f"{since} 批准延期后，期限前没有再申请延期" if since else "期限前没有申请延期"
        text += f"承办单位已于 {in_time[-1]} 报告原因（说明原因），但{no_request}。"
    else:
        text += (f"期限前承办单位没有报告原因，{since} 批准延期后也没有再申请延期。" if since
                 else "期限前承办单位既没有报告原因，也没有申请延期。")
        if late:
            text += f"原因说明 {late[0]} 才报告，已晚于期限。"
    if late_requests:
        text += f"延期申请 {late_requests[0].date} 才提出，已晚于期限。"
    return text + ("按规定，期限内不能办结的，承办单位应在期限前报告原因并申请延期（type: extension）；"
                   "请督查室予以催办并记录。")
