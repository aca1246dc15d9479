"""`unauthorised_change`: a change its author had no right to make.

`ledger.yaml` maps each committer e-mail to a unit; a person's role is
their unit's. The office (role `office`) may change anything. A unit may,
on items where it is lead or co-unit, add `progress`, `completed`,
`extension` (a request: without `approved`) and `explanation` (without
`accepted`) events, and change `contact`. Everything else — creating or
deleting items, other event types (urge, returned, leader_demand,
verified, circular, transfer, evaluation), approving, changing deadline,
lead unit, category, public or any other field, and `ledger.yaml` — is the
office's. An author not listed in `people` may change nothing. Checked on
each commit's own diff.

FAIL: 王芳 (zjj) adds `{type: urge}`; 陈静 (fgw) reports progress on a zjj item.
"""
from ..findings import Finding

CODE = "unauthorised_change"
UNIT_EVENT_TYPES = {"progress", "completed", "extension", "explanation"}
UNIT_FIELDS = {"contact"}
OFFICE_ONLY_KEYS = {"extension": "approved", "explanation": "accepted"}


def _problem(change, unit, units) -> str | None:
    if change.kind == "ledger_changed":
        return "修改 ledger.yaml（单位、人员、日历、审计设置）只能由督查室进行"
    if change.kind == "item_created":
        return "新建督查事项只能由督查室进行"
    if change.kind == "item_deleted":
        return "删除督查事项只能由督查室进行"
    if change.kind in ("event_edited", "event_removed"):
        return None  # append_only_violation reports these
    if unit not in units:
        return f"单位 {unit} 不是该事项的主办或协办单位，不能修改它"
    if change.kind == "field_changed" and change.key not in UNIT_FIELDS:
        return f"修改 {change.key} 只能由督查室进行（承办单位只能修改 contact）"
    if change.kind == "event_added":
        etype = (change.new or {}).get("type")
        if etype not in UNIT_EVENT_TYPES:
            return f"添加 {etype} 记录只能由督查室进行（承办单位可添加 progress、completed、extension、explanation）"
        key = OFFICE_ONLY_KEYS.get(etype)
        if key and key in (change.new or {}):
            return f"{etype} 记录中的 {key}（批准/采纳）只能由督查室填写"
    return None


def check(record, ctx):
    person = ctx.role_of(record.author_email)
    if person is not None and person[1] == "office":
        return
    if person is None:
        paths = sorted({c.path for c in record.changes})
        for path in paths:
            first = next(c for c in record.changes if c.path == path)
            yield Finding(
                path, first.line or 1, CODE,
                f"提交 {record.short} 的作者 {record.who} 不在 ledger.yaml 的 people 名单中，无权修改台账。"
                "请由名单中的人员重新提交，或由督查室把该人员加入 people。",
                item=first.item, commit=record.sha,
            )
        return
    unit = person[0]
    for change in record.changes:
        problem = _problem(change, unit, record.item_units.get(change.path, ()))
        if problem:
            yield Finding(
                change.path, change.line or 1, CODE,
                f"提交 {record.short}（{record.who}，{unit}）：{problem}。",
                item=change.item, commit=record.sha,
            )
