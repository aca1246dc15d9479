"""`ducha init DIR`: start an office's own ledger repository.

Writes `ledger.yaml` (the office unit, the person running it as its first
office member, example units as comments, the format version), empty
`items/` and `inspections/`, an override-only `mkdocs.yml`, CI for the chosen
host that installs this very ducha version, `.pre-commit-config.yaml`,
`.gitattributes`, `.gitignore`, `.vscode/settings.json`, `schema/`, the Git
server hooks and a Chinese README; then `git init` and a first commit by that
office member. `demo=True` also copies the demo ledger's units, leaders,
people, items and inspections.

The templates are package data (`init_templates/`, see resources.py);
values are put in with `@NAME@` placeholders (GitHub's `${{ }}` and the
shell's `$` stay as they are), quoted as YAML where they land in YAML.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import gitrepo, resources
from .errors import DuchaError
from .ledger_format import FORMAT, FORMAT_SINCE, ducha_version
from .model import UNIT_ID_PATTERN

HOSTS = ("gitlab", "github", "none")
CI_FILES = {"gitlab": {"gitlab-ci.yml": ".gitlab-ci.yml"},
            "github": {"github-ducha.yml": ".github/workflows/ducha.yml"},
            "none": {}}
# template in init_templates/ → where it goes in the new ledger
COMMON_FILES = {
    "ledger.yaml": "ledger.yaml",
    "mkdocs.yml": "mkdocs.yml",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "gitattributes": ".gitattributes",
    "gitignore": ".gitignore",
    "vscode-settings.json": ".vscode/settings.json",
    "README.md": "README.md",
}
HOOKS = ("pre-receive", "post-receive")
SETUP = {
    "gitlab": [
        "在 GitLab 上新建一个空项目（不要勾选“用 README 初始化”），然后在本目录运行："
        "`git remote add origin <项目地址>` 和 `git push -u origin main`。",
        "“设置 > 仓库 > 受保护分支”：main 设为“允许推送：无人”“允许合并：维护者（督查室）”，不允许强制推送。",
        "“设置 > 合并请求”：勾选“流水线必须成功”。",
        "“构建 > 流水线计划”：新建每日计划（例如每天 8:00，目标分支 main），用于超期检查。",
        "公开网站：main 分支的流水线生成 GitLab Pages，在“部署 > Pages”查看地址和访问权限。",
    ],
    "github": [
        "在 GitHub 上新建一个空仓库，然后在本目录运行：`git remote add origin <仓库地址>` 和 `git push -u origin main`。",
        "“Settings > Branches”：为 main 添加保护规则：必须通过 pull request 合并、必须通过 ducha 检查、不允许强制推送。",
        "“Settings > Pages”：Source 选 “GitHub Actions”；main 分支的工作流发布公开网站。",
        "每日超期检查已写在工作流的 schedule 中（每天北京时间 8:00），无需另设。",
    ],
    "none": [
        "本台账没有生成 CI 文件。推送到自建 Git 服务器时，请把 hooks/pre-receive 和 hooks/post-receive 装到服务器上的"
        "仓库（见 hooks/pre-receive 开头的说明），拒绝审计不通过的推送；并每天运行一次 `ducha check --fail-on overdue`。",
    ],
}


class InitRefused(DuchaError):
    """`ducha init` cannot start here (exit status 2); the message says why and what to do."""


@dataclass
class Member:
    name: str
    email: str


@dataclass
class InitResult:
    root: Path
    written: list[str]
    commit: str


_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _q(value) -> str:
    """A YAML scalar for `value` (JSON strings are valid YAML double-quoted scalars)."""
    if isinstance(value, str):
        if re.fullmatch(r"[a-z][a-z0-9_-]*", value) and value not in _YAML_WORDS:
            return value  # an id or a role: plain, as people write them
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value)


def _flow(mapping: dict) -> str:
    return "{" + ", ".join(f"{k}: {_q(v)}" for k, v in mapping.items()) + "}"


def _git_refused(err: gitrepo.GitError) -> InitRefused:
    if isinstance(err, gitrepo.GitMissing):
        return InitRefused(f"无法运行 Git（{err.reason}）。请先安装 Git，再运行 ducha init。")
    return InitRefused(f"Git 命令 git {' '.join(err.command[:2])} 失败：{err}")


def office_member(cwd: Path) -> Member:
    """The person running `init`, as Git will record the first commit's author."""
    try:
        name = os.environ.get("GIT_AUTHOR_NAME") or gitrepo.config_value(cwd, "user.name")
        email = os.environ.get("GIT_AUTHOR_EMAIL") or gitrepo.config_value(cwd, "user.email")
    except gitrepo.GitError as e:
        raise _git_refused(e) from None
    if not name or not email:
        raise InitRefused("还没有设置 Git 身份（姓名和邮箱），无法登记第一位督查室人员、无法提交。请先运行：\n"
                          "  git config --global user.name 李明\n"
                          "  git config --global user.email li.ming@example.gov.cn\n"
                          "（用你在单位的真实姓名和邮箱），再运行 ducha init。")
    if any(c in name + email for c in "\n\r\t<>"):
        raise InitRefused(f"Git 身份中的姓名或邮箱含有换行、制表符或尖括号：{name!r} {email!r}。请用 git config 改正后再运行。")
    return Member(name, email)


def refuse_unless_empty(root: Path) -> None:
    """Refuse a folder that already holds anything but an empty Git repository."""
    if root.exists() and not root.is_dir():
        raise InitRefused(f"{root} 已存在且不是目录。请换一个新目录名。")
    if not root.exists():
        return
    present = sorted(p.name for p in root.iterdir() if p.name != ".git")
    if present:
        shown = "、".join(present[:6]) + ("等" if len(present) > 6 else "")
        raise InitRefused(f"目录 {root} 不是空的（已有 {shown}）：ducha init 只在空目录中新建台账，不会改动已有的台账和文件。"
                          "请换一个新目录，或先把这些文件移走。")
    if (root / ".git").exists():
        if gitrepo.head_commit(root) is not None:
            raise InitRefused(f"{root} 是已有提交的 Git 仓库：ducha init 只在空目录或刚建好的空仓库中新建台账。请换一个新目录。")


def _demo_config() -> tuple[Path, dict]:
    try:
        demo = resources.demo_ledger()
    except resources.DemoMissing as e:
        raise InitRefused(str(e)) from None
    data = yaml.safe_load((demo / "ledger.yaml").read_text(encoding="utf-8"))
    return demo, data


def _ledger_yaml(template: str, name: str, office_id: str, office_name: str, member: Member,
                 demo: dict | None) -> str:
    if demo:
        units = [dict(u) for u in demo.get("units") or []]
        for unit in units:
            if unit.get("role") == "office":
                office_id = unit["id"]
                break
        leaders = demo.get("leaders") or []
        people = [p for p in demo.get("people") or [] if p.get("email") != member.email]
        since = demo.get("inspections_from")
        leaders_text = "\nleaders:\n" + "".join(f"  - {_flow(x)}\n" for x in leaders)
        if since:
            leaders_text += f"\n# 领导带队督查从这一天所在的月份起登记在 inspections/ 中。\ninspections_from: {_q(since)}\n"
        leaders_text += "\n"
    else:
        units = [{"id": office_id, "name": office_name, "role": "office"}]
        people = []
        leaders_text = ("\n# 政府领导（带队督查每月至少 2 次，记录在 inspections/ 中）：\n"
                        "# leaders:\n#   - {id: mayor, name: 张三, title: 市长}\n\n")
    people = [{"email": member.email, "name": member.name, "unit": office_id}, *people]
    values = {
        "FORMAT": str(FORMAT), "MIN_DUCHA": FORMAT_SINCE[FORMAT], "NAME": _q(name),
        "UNITS": "".join(f"  - {_flow(u)}\n" for u in units).rstrip("\n"),
        "LEADERS": leaders_text.rstrip("\n") + "\n",
        "PEOPLE": "".join(f"  - {_flow(p)}\n" for p in people).rstrip("\n"),
    }
    return _fill(template, values)


def _fill(template: str, values: dict[str, str]) -> str:
    def put(match: re.Match) -> str:
        return values[match.group(1)]
    return re.sub(r"@([A-Z_]+)@", put, template)


def _write(root: Path, rel: str, text: str | bytes, written: list[str], mode: int | None = None) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    with open(path, "xb") as fh:  # never over a file that appeared meanwhile
        fh.write(data)
    if mode is not None:
        path.chmod(mode)
    written.append(rel)


def init_ledger(root: Path, *, name: str, office_unit: str, office_id: str = "duchashi", host: str = "gitlab",
                demo: bool = False) -> InitResult:
    """Write a new ledger repository at `root` and make its first commit."""
    root = Path(root).absolute()
    if host not in HOSTS:
        raise InitRefused(f"--host 只能是 {'、'.join(HOSTS)}，这里是 {host}。")
    if not re.fullmatch(UNIT_ID_PATTERN.strip("^$"), office_id):
        raise InitRefused(f"督查室的单位编号 {office_id} 只能用小写字母、数字、- 和 _，例如 duchashi。")
    for what, value in (("台账名称", name), ("督查室名称", office_unit)):
        if not value.strip() or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise InitRefused(f"{what}不能为空，也不能含换行等控制字符：{value!r}。")
    refuse_unless_empty(root)
    parent = root if root.exists() else next(p for p in root.parents if p.exists())
    member = office_member(parent)
    demo_dir, demo_config = _demo_config() if demo else (None, None)

    templates = resources.init_templates()
    version = ducha_version()
    root.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    ci_files = CI_FILES[host]
    ci_list = "\n".join(f"{target:<22} CI（固定 ducha {version}）" for target in ci_files.values())
    values = {
        "NAME": name, "OFFICE": office_unit, "VERSION": version,
        "COPYRIGHT": _q(f"{name}" + ("（演示数据：单位、人员和事项均为虚构示例）" if demo else "")),
        "CI_FILES": ci_list or ".pre-commit-config.yaml  提交前校验", "SETUP": "\n".join(f"{n}. {s}" for n, s in enumerate(SETUP[host], 1)),
        "VERSION_NOTE": f"当前为 {version}，写在 {'、'.join(ci_files.values())} 中" if ci_files else f"本机为 {version}",
    }
    for template, target in {**COMMON_FILES, **ci_files}.items():
        text = (templates / template).read_text(encoding="utf-8")
        if template == "ledger.yaml":
            text = _ledger_yaml(text, name, office_id, office_unit, member, demo_config)
        else:
            text = _fill(text, values)
        _write(root, target, text, written)
    hooks = resources.hooks()
    for hook in HOOKS:
        _write(root, f"hooks/{hook}", (hooks / hook).read_bytes(), written, mode=0o755)
    if demo_dir is not None:
        for folder in ("items", "inspections", "sources"):
            for path in sorted((demo_dir / folder).rglob("*.yaml")):
                _write(root, path.relative_to(demo_dir).as_posix(), path.read_bytes(), written)
    for folder in ("items", "inspections"):
        if not (root / folder).is_dir() or not any((root / folder).iterdir()):
            _write(root, f"{folder}/.gitkeep", b"", written)  # Git keeps no empty folder

    from .ledger import load_config
    from .schema import write_schemas

    config, _ = load_config(root)
    written += [p.relative_to(root).as_posix() for p in write_schemas(config, root / "schema")]

    env = {"GIT_AUTHOR_NAME": member.name, "GIT_AUTHOR_EMAIL": member.email,
           "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME", member.name),
           "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL", member.email)}
    try:
        if not (root / ".git").exists():
            gitrepo.init_repository(root)
        sha = gitrepo.commit_all(root, f"新建督查台账：{name}", env=env)
    except gitrepo.GitError as e:
        raise _git_refused(e) from None
    return InitResult(root, sorted(written), sha)
