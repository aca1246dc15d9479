"""A real Git repository in a temp folder, with fixed authors and dates."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .conftest import LEDGER_YAML

PEOPLE = """\
  - {email: wang@zjj.example, name: 王芳, unit: zjj}
  - {email: chen@fgw.example, name: 陈静, unit: fgw}
"""
AUDIT_LEDGER = LEDGER_YAML + PEOPLE

OFFICE = ("李明", "li@duchashi.example")
ZJJ = ("王芳", "wang@zjj.example")
FGW = ("陈静", "chen@fgw.example")
STRANGER = ("某人", "who@nowhere.example")


class Repo:
    def __init__(self, root: Path, ledger: str = AUDIT_LEDGER) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "commit.gpgsign", "false")
        (root / "items").mkdir(exist_ok=True)
        (root / "ledger.yaml").write_text(ledger, encoding="utf-8")

    def git(self, *args: str, env: dict | None = None, check: bool = True) -> str:
        full_env = {**os.environ, **(env or {})}
        proc = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, env=full_env)
        if check and proc.returncode != 0:
            raise RuntimeError(proc.stderr)
        return proc.stdout.strip()

    def write(self, rel: str, text: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def commit(self, message: str, who=OFFICE, date: str = "2025-03-20T10:00:00+08:00", *extra: str,
               committer_date: str | None = None) -> str:
        name, email = who
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
               "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": committer_date or date}
        self.git("add", "-A", env=env)
        self.git("commit", "-q", "--allow-empty", "-m", message, *extra, env=env)
        return self.git("rev-parse", "HEAD")

    def identity(self, who=OFFICE, date: str = "2025-03-20T10:00:00+08:00", committer_date: str | None = None) -> dict:
        """The environment that makes `who` author and committer at `date`."""
        name, email = who
        return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name,
                "GIT_COMMITTER_EMAIL": email, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": committer_date or date}

    def signed_commit(self, message: str, who, date: str, key: Path) -> str:
        """Commit everything, signed with the SSH private key `key` (whoever it belongs to)."""
        env = self.identity(who, date)
        self.git("add", "-A", env=env)
        self.git("-c", "gpg.format=ssh", "-c", f"user.signingkey={key}", "commit", "-q", "-S", "--allow-empty",
                 "-m", message, env=env)
        return self.git("rev-parse", "HEAD")

    def merge(self, branch: str, message: str, who=OFFICE, date: str = "2025-03-20T10:00:00+08:00",
              resolve=None) -> str:
        """`git merge --no-ff --no-commit branch`, then `resolve(self)` may edit the tree, then commit the merge.

        Conflicts are left for `resolve` to fix (it must write every conflicted file).
        """
        env = self.identity(who, date)
        self.git("merge", "--no-ff", "--no-commit", branch, env=env, check=False)
        if resolve is not None:
            resolve(self)
        self.git("add", "-A", env=env)
        self.git("commit", "-q", "--no-edit", "-m", message, env=env)
        return self.git("rev-parse", "HEAD")


def keygen(folder: Path, name: str) -> tuple[Path, str]:
    """A real ed25519 SSH key pair in `folder`: (private key path, public key line)."""
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key, (folder / f"{name}.pub").read_text().strip()


def audit(repo: Repo, rev_range: str | None = None, published: Path | None = None) -> list:
    """`ducha audit`'s findings on `repo` (no cache), judged as the audit judges every commit."""
    from ducha.audit import run_audit
    from ducha.ledger import load_config

    config, _ = load_config(repo.root)
    return run_audit(repo.root, config, rev_range, published, use_cache=False).findings


def found(findings) -> list[tuple]:
    """(code, file, line, commit) of each finding: what a test compares."""
    return [(f.code, f.file, f.line, f.commit) for f in findings]
