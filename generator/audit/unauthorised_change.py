"""`unauthorised_change`: a change its author had no right to make.

Each commit is judged by the `ledger.yaml` of its first parent (the root
commit, which creates the ledger, by its own): a commit cannot give itself
rights. That ledger maps each committer e-mail to a unit; a person's role is
their unit's. The office (role `office`) may change anything. A unit may,
on items where it is lead or co-unit, add `progress`, `completed`,
`extension` (a request: without `approved`) and `explanation` (without
`accepted`) events, and change `contact`. Everything else — creating or
deleting items, other event types (urge, returned, leader_demand,
verified, circular, transfer, evaluation), approving, changing deadline,
lead unit, category, public or any other field, `ledger.yaml`, and every
other path of the repository (inspections/, mkdocs.yml, site_templates/,
schema/, hooks, CI files…) — is the office's. An author not listed in
`people` may change nothing. Nobody, the office included, may commit the
`.ducha-cache/` folder: ducha reads it, so it must come from the machine
running ducha, never from the repository. Checked on each commit's own
diff (a merge's own diff: what no other parent brought in).

FAIL: 王芳 (zjj) adds `{type: urge}`; 陈静 (fgw) reports progress on a zjj item;
王芳 edits `mkdocs.yml`; 李明 (office) commits `.ducha-cache/audit.pickle`.
"""
from ..cache import CACHE_DIR
from ..findings import Finding

CODE = "unauthorised_change"
UNIT_EVENT_TYPES = {"progress", "completed", "extension", "explanation"}
UNIT_FIELDS = {"contact"}
OFFICE_ONLY_KEYS = {"extension": "approved", "explanation": "accepted"}


def is_cache_file(change) -> bool:
    """A change that adds or rewrites a file under a `.ducha-cache/` folder."""
    return change.kind == "file_changed" and change.new is not None and CACHE_DIR in change.path.split("/")


def _problem(change, unit, units) -> str | None:
    if change.kind == "ledger_changed":
        return "修改 ledger.yaml（单位、人员、日历、审计设置）只能由督查室进行"
    if change.kind == "file_changed" and change.item:
        return (f"{change.path} 前后两个版本都不是有效的 YAML，无法核对改了什么，这样的修改只能由督查室进行。"
                "请撤销这处修改，由督查室先修正文件格式（ducha check 会指出错误所在）")
    if change.kind == "file_changed":
        return (f"修改 {change.path} 只能由督查室进行（承办单位只能在 items/ 下自己的事项中添加办理记录、修改 contact）。"
                "请撤销这处修改（git revert 该提交，或恢复原文件后提交），确需修改请交督查室办理")
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


def _per_path(record, changes, message):
    for path in sorted({c.path for c in changes}):
        first = next(c for c in changes if c.path == path)
        yield Finding(path, first.line or 1, CODE, message, item=first.item, commit=record.sha)


def check(record, ctx):
    cache = [c for c in record.changes if is_cache_file(c)]
    for change in cache:
        yield Finding(
            change.path, 1, CODE,
            f"提交 {record.short}（{record.who}）把缓存文件 {change.path} 提交进了仓库。缓存目录 {CACHE_DIR}/ "
            "只属于运行 ducha 的本机，绝不能提交（ducha 会读取其中的文件）。请执行 "
            f"git rm -r --cached {CACHE_DIR} 并提交，把它从仓库中移除（本机文件保留）。",
            commit=record.sha,
        )
    changes = [c for c in record.changes if c not in cache]
    judged_by = getattr(ctx, "judged_by", "parent")
    if judged_by == "untrusted":
        yield from _per_path(
            record, changes,
            f"提交 {record.short}（{record.who}）来自一段与主线无关的历史（它的第一父提交链不是从台账的初始提交开始的），"
            "没有可信的 ledger.yaml 能说明作者有权做这项修改。请不要合并无关历史"
            "（git merge --allow-unrelated-histories）；需要的内容请由督查室在主线上重新提交。")
        return
    if judged_by == "none":
        yield from _per_path(
            record, changes,
            f"提交 {record.short}（{record.who}）之前的 ledger.yaml 都无法读取，无法按提交前的人员名单判断作者是否有权修改。"
            "请由督查室修正 ledger.yaml（ducha check 会指出错误所在）并重新提交这些修改。")
        return
    person = ctx.role_of(record.author_email)
    if person is not None and person[1] == "office":
        return
    if person is None:
        yield from _per_path(
            record, changes,
            f"提交 {record.short} 的作者 {record.who} 不在 ledger.yaml 的 people 名单中"
            "（按提交前的版本，即其第一父提交中的 ledger.yaml 判断），无权修改台账。"
            "请由名单中的人员重新提交，或先由督查室把该人员加入 people（另一个提交），再提交这项修改。")
        return
    unit = person[0]
    for change in changes:
        problem = _problem(change, unit, record.item_units.get(change.path, ()))
        if problem:
            yield Finding(
                change.path, change.line or 1, CODE,
                f"提交 {record.short}（{record.who}，{unit}）：{problem}。",
                item=change.item, commit=record.sha,
            )
