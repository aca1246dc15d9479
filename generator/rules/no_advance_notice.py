"""`no_advance_notice`: overdue without having said so before the deadline.

"期限内不能办结的，承办单位要提前向交办单位报告原因和进展情况" (seed §4.4).
An overdue item needs an extension request dated on or before its
effective deadline, made after the extension that set that deadline.

PASS: deadline 2025-06-30, extension requested 2025-06-25 (not yet approved).
FAIL: deadline 2025-06-30, overdue, no extension request.
"""
from ..findings import Finding

CODE = "no_advance_notice"
SCOPE = "item"
NEEDS_AS_OF = True


def check(item, status, ctx):
    if not status.overdue:
        return
    deadline = status.effective_deadline
    extensions = [e for e in status.events if e.type == "extension"]
    approved = [e for e in extensions if e.approved and e.new_deadline == deadline]
    since = approved[-1].date if approved else None
    notices = [e for e in extensions
               if e.date <= deadline and (since is None or e.date > since) and not (e.approved and e.new_deadline == deadline)]
    if not notices:
        yield Finding(
            item.file, item.line_of("deadline" if "deadline" in item.lines else "assigned"), CODE,
            f"未提前报告：期限 {deadline} 前没有延期申请或原因说明，事项已超期。"
            "按规定承办单位应在期限内提前报告原因和进展，请督查室予以催办并记录。",
            item=item.id,
        )
