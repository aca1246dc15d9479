"""`hard_deadline_passed`: an NPC suggestion or CPPCC proposal unanswered after 6 months.

"最长不得超过 6 个月" (seed §3.6): the 6-month limit counts from assignment
whatever the extensions.

The finding is for items still unanswered: the work is late now. An item
answered after the limit (under an approved extension past it) carries
`hard_deadline_passed: true` in `check --format json`, and the extension
itself is the `deadline_beyond_limit` error; it is not warned again here.

FAIL: assigned 2025-03-10, not completed as of 2025-09-11 (limit 2025-09-10).
"""
from ..evaluate import CLOSED, COMPLETED
from ..findings import Finding

CODE = "hard_deadline_passed"
SCOPE = "item"
NEEDS_AS_OF = True


def check(item, status, ctx):
    if status.hard_deadline_passed and status.state not in (COMPLETED, CLOSED):
        yield Finding(
            item.file, item.line_of("assigned"), CODE,
            f"已超过最长 6 个月的办理时限（{status.hard_deadline.date}），至 {status.as_of} 仍未答复代表委员。"
            "请督促承办单位立即答复并报告原因。",
            item=item.id,
        )
