"""`personal_data`: personal information in a text the public site shows.

The Personal Information Protection Law and the Regulations on Open
Government Information forbid publishing a citizen's personal information.
Read are exactly the texts the public site shows of a public item (the
title, source and description, and the text, evaluator and grade of each
public event, docs/rules.md §10); internal fields (`contact`, `note`,
`requester`, internal events, an event's `note` and `by`) are never read,
nor are items that are not public. What counts (`generator.privacy`):
mobile and landline numbers, resident ID numbers (check digit verified),
bank card numbers (Luhn), e-mail addresses and car plates; numbers listed
in `ledger.yaml` `privacy.allow` (a published office number) do not.

PASS: `text: 已电话联系留言网友，说明补贴申请流程。`
PASS: `contact: 王芳 13812345678` (internal field).
FAIL: `text: 已联系网友（电话 13812345678）` in a progress event (the
finding gives the line of the event, the kind, 手机号码, and the value
masked as 138****5678, never in full).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import privacy
from ..findings import ERROR, Finding
from ..model import EVENT_FIELDS, EVENT_TYPES, ITEM_FIELDS, is_public_event

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..evaluate import ItemStatus
    from ..model import Item
    from . import Context

CODE = "personal_data"
SCOPE = "item"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "公开内容含个人信息"
SECTION = None  # no section of docs/rules.md beyond the list of rules
EXPLANATION = (
    "《个人信息保护法》和《政府信息公开条例》不允许公开公民的个人信息。检查的正是公开网站显示的文字："
    "公开事项（`public: true`）的标题、来源、具体内容，以及其中公开的办理记录的内容、"
    "评估机构和评估等次。进展报告、办结、复核、第三方评估和回头看默认公开，延期申请批准后公开，"
    "其他类型的记录标 `public: true` 才公开；"
    "任何记录标 `public: false` 即不公开。内部字段（`contact`、`note`、"
    "`requester`，记录的 `note` 和 `by`）和不公开的事项不检查。算作个人信息的有："
    "手机和固定电话号码、居民身份证号码（核对校验位）、银行卡号（Luhn 校验）、电子邮箱和车牌号；"
    "`ledger.yaml` 的 `privacy.allow` 中登记的对外公布号码不算。"
    "提示中的值总是遮盖后的（如 138****5678）。"
)

# What the public site prints of an item, and of each public event.
ITEM_KEYS = ("title", "source", "description")
EVENT_KEYS = ("text", "evaluator", "grade")

_FIX = ("这段文字会出现在公开网站上（网页、搜索、下载数据和订阅），按《个人信息保护法》和《政府信息公开条例》不得公开个人信息。"
        "请删去；确需留存的，移到仅内部可见的字段（contact 联系人、requester 留言人、note 内部备注）；"
        "如果是对外公布的办公电话、热线或公务邮箱，请把它加入 ledger.yaml 的 privacy.allow。")
_EVENT_HINT = "公开的进展只写办理情况，例如“已电话联系留言网友，说明办理流程”。"


def public_texts(item: Item) -> Iterator[tuple[int, str, str, bool]]:
    """(line, where in Chinese, text, is an event) for each text of `item` the public site shows."""
    if not item.public:
        return
    for key in ITEM_KEYS:
        value = getattr(item, key)
        if value:
            yield item.line_of(key), f"{key}（{ITEM_FIELDS[key].title}）", value, False
    for event in item.events:
        if not is_public_event(event):
            continue
        for key in EVENT_KEYS:
            value = getattr(event, key)
            if value:
                what = f"{event.date} 的{EVENT_TYPES[event.type]}记录中的 {key}（{EVENT_FIELDS[key].title}）"
                yield event.line, what, value, True


def check(item: Item, status: ItemStatus, ctx: Context) -> Iterator[Finding]:
    if not item.public or not privacy.may_contain(_all_public_text(item)):
        return  # the common case: one prefilter search per item
    allow = ctx.config.privacy_allow
    for line, where, text, is_event in public_texts(item):
        matches = privacy.find(text, allow)
        by_line: dict[int, list[privacy.Match]] = {}
        for m in matches:
            by_line.setdefault(line + _offset(text, m.start, is_event), []).append(m)
        for at, found in by_line.items():
            shown = "、".join(f"{m.name} {m.masked}" for m in found)
            yield Finding(item.file, at, CODE, f"{where}中有个人信息：{shown}。{_FIX}{_EVENT_HINT if is_event else ''}",
                          item=item.id)


def _all_public_text(item: Item) -> str:
    parts = [item.title, item.source or "", item.description or ""]
    for event in item.events:
        parts += [event.text or "", event.evaluator or "", event.grade or ""]  # a superset of the public ones
    return "\n".join(parts)


def _offset(text: str, start: int, is_event: bool) -> int:
    """Lines from the key to the match. A text with line breaks was written
    as a block (`description: |`), whose first line follows the key; an
    event is reported at its own first line (`- date: …`)."""
    if is_event or "\n" not in text:
        return 0
    return 1 + text.count("\n", 0, start)
