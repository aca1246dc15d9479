"""Issue 16, point 5: `ducha doctor` checks the setup a staff member needs, in Chinese.

Run as a real subprocess with a controlled PATH and Git configuration.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .gitrepo import AUDIT_LEDGER, OFFICE, STRANGER, ZJJ, Repo


@pytest.fixture
def env(tmp_path):
    """No ducha on PATH (Git only), no global Git configuration or identity."""
    config = tmp_path / "gitconfig"
    config.write_text("", encoding="utf-8")
    keep = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k not in ("EMAIL", "PATH")}
    return {**keep, "PATH": str(Path(shutil.which("git")).parent), "GIT_CONFIG_GLOBAL": str(config),
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(tmp_path)}


def doctor(root: Path, env: dict) -> tuple[int, str]:
    proc = subprocess.run([sys.executable, "-m", "ducha", "doctor", "--ledger", str(root)], capture_output=True,
                          text=True, env=env, cwd=Path(__file__).resolve().parent.parent)
    return proc.returncode, proc.stdout + proc.stderr


def with_ducha_on_path(tmp_path: Path, env: dict) -> dict:
    bin_dir = tmp_path / "venv-bin"
    bin_dir.mkdir()
    shim = bin_dir / "ducha"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m ducha \"$@\"\n", encoding="utf-8")
    shim.chmod(0o755)
    return {**env, "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"}


def install_hook(repo: Repo) -> None:
    hook = repo.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    hook.chmod(0o755)


def test_a_fresh_computer_is_told_what_to_fix(tmp_path, env):
    repo = Repo(tmp_path / "ledger")
    repo.commit("台账", OFFICE)
    code, out = doctor(repo.root, env)
    assert code == 1
    assert "✗ ducha 命令" in out and "source .venv/bin/activate" in out and "pipx install" in out
    assert "✗ Git 身份" in out and "请先运行 git config user.email 你的邮箱" in out
    assert "✗ 提交前检查" in out and "pre-commit install" in out
    assert "✓ 台账" in out
    assert "Traceback" not in out


def test_all_good_exits_0(tmp_path, env):
    repo = Repo(tmp_path / "ledger")
    repo.commit("台账", OFFICE)
    repo.git("config", "user.name", ZJJ[0])
    repo.git("config", "user.email", ZJJ[1])
    install_hook(repo)
    code, out = doctor(repo.root, with_ducha_on_path(tmp_path, env))
    assert code == 0, out
    assert "✓ ducha 命令" in out and "✓ Git 身份：王芳 <wang@zjj.example>" in out
    assert "✓ 人员名单：王芳，市住房和城乡建设局（zjj）" in out and "全部正常" in out


def test_identity_not_in_people_of_head(tmp_path, env):
    repo = Repo(tmp_path / "ledger")
    repo.commit("台账", OFFICE)
    repo.git("config", "user.name", STRANGER[0])
    repo.git("config", "user.email", STRANGER[1])
    # Listed only in the working copy: the audit judges by HEAD's ledger.yaml.
    (repo.root / "ledger.yaml").write_text(AUDIT_LEDGER + f"  - {{email: {STRANGER[1]}, name: 某人, unit: zjj}}\n",
                                           encoding="utf-8")
    install_hook(repo)
    code, out = doctor(repo.root, with_ducha_on_path(tmp_path, env))
    assert code == 1
    assert f"✗ 人员名单：你的 Git 邮箱 {STRANGER[1]} 不在 ledger.yaml 的 people 名单中" in out
    assert "请先运行 git config user.email 你的邮箱" in out


def test_signing_is_checked_when_the_ledger_requires_it(tmp_path, env):
    repo = Repo(tmp_path / "ledger", AUDIT_LEDGER + "audit:\n  require_signed: true\n  allowed_signers: allowed_signers\n")
    repo.write("allowed_signers", "")
    repo.commit("台账", OFFICE)
    repo.git("config", "user.name", ZJJ[0])
    repo.git("config", "user.email", ZJJ[1])
    install_hook(repo)
    code, out = doctor(repo.root, with_ducha_on_path(tmp_path, env))
    assert code == 1
    assert "✗ 提交签名" in out and "git config commit.gpgsign true" in out and "git config gpg.format ssh" in out
    assert "allowed_signers" in out


def test_outside_a_ledger_and_outside_git(tmp_path, env):
    code, out = doctor(tmp_path, env)
    assert code == 1
    assert "✗ 台账" in out and "找不到 ledger.yaml" in out
    assert "✗ Git 仓库" in out and "git clone" in out
    assert "Traceback" not in out
