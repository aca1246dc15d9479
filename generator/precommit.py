"""Check the commit that `--commit` is about to make with the audit's own rules.

`ducha new|event|progress|… --commit` commits one file. Before anything is
written, the commit it would make is built the way `ducha audit` builds
every commit (`history.CommitRecord` with the `history.Change`s of the
file's HEAD version against its new content) and judged the way the audit
judges it: by the people and settings of HEAD's `ledger.yaml` — the
commit's first parent, the trusted side, never the working copy — with the
author's Git identity and the time now (the commit lands when it is made).
The rules are the audit's own modules (`audit.unauthorised_change`,
`audit.backdated_event`, `audit.future_event`, and its people lookup), so
a change the audit would refuse is refused here, with the fix, and the
file and the repository stay as they were.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from . import gitrepo
from .audit import AuditContext, backdated_event, future_event, people_of, unauthorised_change
from .changes import Change, CommitRecord, diff_item, snapshot, units_of
from .errors import DuchaError
from .findings import Finding
from .gitrepo import GitError
from .history import LEDGER_FILE, parse_ledger
from .model import LedgerConfig, id_from_file

SET_EMAIL = "请先运行 git config user.email 你的邮箱"


class CommitRefused(DuchaError):
    """The commit would fail the audit, or cannot be judged; the message says what to do."""


@dataclasses.dataclass
class Identity:
    name: str
    email: str


class PendingCommit(CommitRecord):
    """The commit about to be made: it has no id yet."""

    @property
    def short(self) -> str:
        return "（即将提交）"


def git_identity(repo: Path) -> Identity | None:
    """The author Git will record for a commit made in `repo` now (None: Git has none)."""
    found = gitrepo.author_ident(repo)
    return Identity(*found) if found else None


def trusted_config(ledger: Path) -> tuple[Path, str, str, LedgerConfig]:
    """(repository, ledger prefix, HEAD, HEAD's ledger.yaml): who may commit what, from the trusted side."""
    try:
        repo, prefix = gitrepo.repo_root(ledger)
        head = gitrepo.resolve(ledger, "HEAD")
    except (GitError, OSError) as err:
        raise CommitRefused(f"台账目录 {ledger} 不在 Git 仓库中，无法提交：{err}。"
                            "请在用 git clone 取得的台账目录中运行，或去掉 --commit 只保存文件。") from None
    if head is None:
        raise CommitRefused("这个 Git 仓库还没有任何提交，无法确认你是否有权提交：ledger.yaml 的 people 名单以最新提交"
                            "（HEAD）中的为准。请先由督查室提交 ledger.yaml（git add ledger.yaml && git commit），再重新运行。")
    name = f"{head}:{prefix}{LEDGER_FILE}"
    config = parse_ledger(gitrepo.read_blobs(repo, [name]).get(name))
    if config is None:
        raise CommitRefused("最新提交（HEAD）中没有可用的 ledger.yaml（缺少或有错误），无法确认你是否有权提交。"
                            "请由督查室修正并提交 ledger.yaml（ducha check 会指出错误所在）。")
    return repo, prefix, head, config


def check_commit(ledger: Path, files: list[tuple[str, bytes | None]], now: dt.datetime) -> None:
    """Refuse (CommitRefused) a commit of `files` (path relative to the ledger, new bytes) the audit would refuse.

    `now` (with its time zone) is when the commit is made, and so when it lands.
    """
    ledger = Path(ledger).resolve()
    repo, prefix, head, config = trusted_config(ledger)
    who = git_identity(repo)
    if who is None:
        raise CommitRefused(f"Git 还不知道你是谁，提交会失败，审计也无法核对权限。{SET_EMAIL}"
                            "（ledger.yaml 的 people 中登记的邮箱），以及 git config user.name 你的姓名，然后重新运行。")
    ctx = AuditContext(ledger, config, set(), head, people_of(config))
    person = ctx.role_of(who.email)
    if person is None:
        raise CommitRefused(
            f"你的 Git 提交邮箱 {who.email} 不在 ledger.yaml 的 people 名单中（以最新提交 HEAD 中的为准），"
            f"审计会拒绝这次提交（unauthorised_change）。{SET_EMAIL}（你在 people 中登记的邮箱）；"
            "如果你还没有登记，请督查室先把你加入 people 并提交，再重新运行。")
    if config.require_signed and not _signing_on(repo):
        raise CommitRefused("ledger.yaml 要求每个提交都有签名（audit.require_signed），而本机 Git 没有开启提交签名，"
                            "审计会拒绝这次提交（unsigned_commit）。请先运行 git config commit.gpgsign true，"
                            "并设置签名密钥（git config gpg.format ssh 和 git config user.signingkey 你的公钥文件），"
                            "ducha doctor 会逐项检查。")
    record = _record(repo, prefix, head, who, files, now)
    problems = []
    for rule in (unauthorised_change, backdated_event, future_event):
        for finding in rule.check(record, ctx):
            problems.append(_explain(finding, record, person[0], config, now))
    if problems:
        raise CommitRefused("这次提交会被审计（ducha audit）拒绝：\n" + "\n".join(f"  {p}" for p in problems))


def _signing_on(repo: Path) -> bool:
    return gitrepo.config_value(repo, "commit.gpgsign", boolean=True) == "true"


def _record(repo: Path, prefix: str, head: str, who: Identity, files: list[tuple[str, bytes | None]],
            now: dt.datetime) -> PendingCommit:
    names = [f"{head}:{prefix}{rel}" for rel, _ in files]
    old = gitrepo.read_blobs(repo, names)
    record = PendingCommit(sha="0" * 40, parents=(head,), author_email=who.email, author_name=who.name,
                           author_date=now, committer_date=now, subject="")
    for (rel, new), name in zip(files, names):
        before = old.get(name)
        if rel == LEDGER_FILE:
            record.changes.append(Change("ledger_changed", rel, line=1))
        elif rel.startswith("items/") and rel.endswith(".yaml"):
            item = id_from_file(rel)
            snap_old, snap_new = snapshot(before), snapshot(new)
            changes = diff_item(rel, item, snap_old, snap_new)
            record.changes.extend(changes)
            if changes:
                record.item_units[rel] = units_of(snap_old if snap_old is not None and snap_old.readable else snap_new)
        elif before != new:
            record.changes.append(Change("file_changed", rel, line=1, old=before, new=new))
    return record


def _explain(finding: Finding, record: PendingCommit, unit: str, config: LedgerConfig, now: dt.datetime) -> str:
    """The audit's finding as a refusal that says what to do instead."""
    change = next((c for c in record.changes if c.path == finding.file and (c.line or 1) == finding.line), None)
    claimed = backdated_event.event_date(change.new or {}) if change is not None and change.kind == "event_added" else None
    if finding.code == "backdated_event" and claimed is not None:
        late = (now.date() - claimed).days
        return (f"该记录日期早于今天 {late} 天（记录日期 {claimed}，今天 {now.date()}），超过 ledger.yaml 允许的 "
                f"{config.backdate_days} 天，审计会判为补录倒签（backdated_event）。请由督查室补录："
                "用今天的日期另加一条记录，在内容中写明实际办理的日期和情况。")
    if finding.code == "future_event" and claimed is not None:
        return (f"记录日期 {claimed} 晚于今天（{now.date()}），审计会拒绝（future_event）。"
                "记录只能写已经发生的事，请改正日期。")
    prefix = f"提交 {record.short}（{record.who}，{unit}）："
    message = finding.message.removeprefix(prefix)
    return f"{finding.code}：{message}"
