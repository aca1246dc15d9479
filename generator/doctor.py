"""`ducha doctor`: is this computer set up for a staff member to keep the ledger?

Each check says what it found and, when something is missing, the exact
command that fixes it, in Chinese: ducha on the command line (PATH), Git
and the Git identity, that identity in `people` (HEAD's ledger.yaml, the
one the audit trusts), a signing key when the ledger requires signed
commits, the pre-commit hook, and a readable ledger. Nothing is changed.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import gitrepo
from .precommit import SET_EMAIL, CommitRefused, git_identity, trusted_config

ACTIVATE = ("请先激活安装 ducha 的虚拟环境：在 ducha 目录运行 source .venv/bin/activate"
            "（Windows：.venv\\Scripts\\activate），每次打开新的命令行窗口都要激活一次；"
            "或者用 pipx 安装，之后在任何目录都能直接运行：pipx install <ducha 源码目录或安装包>。")


@dataclass
class Check:
    ok: bool
    title: str
    detail: str  # what was found; with `ok` False, what to do


def run(ledger: Path, *, running: str | None = None) -> list[Check]:
    """Every check, in the order a new staff member would fix them. `running`: this ducha's own path."""
    ledger = Path(ledger)
    checks = [_path_check(running)]
    checks.append(_ledger_check(ledger))
    if shutil.which("git") is None:
        checks.append(Check(False, "Git", "没有找到 git 命令。请先安装 Git（https://git-scm.com/，Windows 选 Git for Windows），"
                                          "然后重新打开命令行窗口。"))
        return checks
    try:
        repo, _ = gitrepo.repo_root(ledger)
    except gitrepo.GitError:
        checks.append(Check(False, "Git 仓库", f"台账目录 {ledger.resolve()} 不在 Git 仓库中。请用 git clone 取得台账仓库，"
                                               "在其中运行 ducha（或用 --ledger 指定台账目录）。"))
        return checks
    who = git_identity(repo)
    if who is None:
        checks.append(Check(False, "Git 身份", f"Git 还不知道你是谁，提交会失败。{SET_EMAIL}（ledger.yaml 的 people 中登记的邮箱），"
                                               "以及 git config user.name 你的姓名"
                                               "（在台账目录中运行；加 --global 则对本机所有仓库有效）。"))
    else:
        checks.append(Check(True, "Git 身份", f"{who.name} <{who.email}>"))
    config = None
    try:
        _, _, _, config = trusted_config(ledger)
    except CommitRefused as err:
        checks.append(Check(False, "人员名单", str(err)))
    if config is not None and who is not None:
        checks.append(_people_check(config, who.email))
    if config is not None and config.require_signed:
        checks.append(_signing_check(repo, ledger, config, who.email if who else None))
    checks.append(_hook_check(repo))
    return checks


def _path_check(running: str | None) -> Check:
    found = shutil.which("ducha")
    if found:
        return Check(True, "ducha 命令", f"在命令行中可以直接运行：{found}")
    where = f"（这次运行的是 {running}）" if running else ""
    return Check(False, "ducha 命令", f"命令行里找不到 ducha{where}，照着指南输入 ducha … 会提示“command not found”。{ACTIVATE}")


def _ledger_check(ledger: Path) -> Check:
    from .ledger import LedgerUnreadable, scan_ledger

    try:
        scan = scan_ledger(ledger)
    except LedgerUnreadable as err:
        return Check(False, "台账", str(err))
    return Check(True, "台账", f"{scan.config.name}：{ledger.resolve()}，{len(scan.files)} 个事项文件。")


def _people_check(config, email: str) -> Check:
    person = next((p for p in config.people if p.email.lower() == email.lower()), None)
    if person is None:
        return Check(False, "人员名单",
                     f"你的 Git 邮箱 {email} 不在 ledger.yaml 的 people 名单中（以最新提交 HEAD 中的为准），"
                     f"你的提交都会被审计拒绝。如果这不是你登记的邮箱，{SET_EMAIL}；如果还没有登记，"
                     "请督查室把你（email、name、unit）加入 ledger.yaml 的 people 并提交。")
    unit = config.units[person.unit]
    if unit.role == "office":
        can = "督查室：可以新建和修改事项、登记各类记录"
    else:
        can = "承办单位：可以在本单位主办或协办的事项中报告进展、办结，申请延期、说明原因，修改联系人"
    return Check(True, "人员名单", f"{person.name}，{unit.name}（{unit.id}）。{can}。")


def _signing_check(repo: Path, ledger: Path, config, email: str | None) -> Check:
    title = "提交签名"
    todo = []
    if gitrepo.config_value(repo, "commit.gpgsign", boolean=True) != "true":
        todo.append("git config commit.gpgsign true")
    fmt = gitrepo.config_value(repo, "gpg.format") or "openpgp"
    key = gitrepo.config_value(repo, "user.signingkey")
    if fmt != "ssh":
        todo.append("git config gpg.format ssh")
    if not key:
        todo.append("git config user.signingkey ~/.ssh/id_ed25519.pub（你的 SSH 公钥文件；没有的话先运行 ssh-keygen -t ed25519）")
    elif fmt == "ssh" and not key.startswith(("ssh-", "key::")) and not Path(os.path.expanduser(key)).is_file():
        todo.append(f"user.signingkey 指向的 {key} 不存在：请改成你的 SSH 公钥文件")
    listed = _allowed(ledger, config, email)
    if todo:
        extra = "" if listed else "；并请督查室把你的公钥加入台账的 allowed_signers 文件"
        return Check(False, title, "ledger.yaml 要求每个提交都有签名（audit.require_signed），本机还没有设置好。请运行："
                     + "；".join(todo) + extra + "。")
    if not listed:
        return Check(False, title, f"本机已开启签名，但台账的 allowed_signers 文件中没有 {email}：你的签名不会被认可。"
                                   "请把你的公钥（.pub 文件的内容）交给督查室加入 allowed_signers。")
    return Check(True, title, f"已开启（{fmt}，密钥 {key}），allowed_signers 中有你的邮箱。")


def _allowed(ledger: Path, config, email: str | None) -> bool:
    """Is `email` a principal in the allowed_signers file of HEAD's tree (the one the audit uses)?"""
    if not email or not config.allowed_signers:
        return False
    repo, prefix = gitrepo.repo_root(ledger)
    name = f"HEAD:{prefix}{config.allowed_signers}"
    data = gitrepo.read_blobs(repo, [name]).get(name) or b""
    for line in data.decode("utf-8", "replace").splitlines():
        principals = line.split(None, 1)[0] if line.strip() and not line.startswith("#") else ""
        if any(p.strip('"').lower() == email.lower() for p in principals.split(",")):
            return True
    return False


def _hook_check(repo: Path) -> Check:
    hook = gitrepo.git_path(repo, "hooks/pre-commit")
    if hook.is_file() and os.access(hook, os.X_OK):
        return Check(True, "提交前检查", f"已安装 pre-commit 钩子：{hook}")
    if hook.is_file():
        return Check(False, "提交前检查", f"pre-commit 钩子 {hook} 存在，但不能执行，Git 会跳过它。请运行：chmod +x {hook}")
    if (repo / ".pre-commit-config.yaml").is_file():
        how = "请在台账目录运行：pipx install pre-commit（只需一次），然后 pre-commit install。"
    else:
        how = ("仓库中还没有 .pre-commit-config.yaml：请督查室按 README 添加并提交，"
               "然后在台账目录运行 pipx install pre-commit 和 pre-commit install。")
    return Check(False, "提交前检查", f"没有安装提交前检查（pre-commit 钩子），有错误的事项文件也能提交。{how}")
