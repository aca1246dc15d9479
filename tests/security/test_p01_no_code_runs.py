"""Issue 9, point 1: no code from the repository runs through a cache.

A hostile contributor commits crafted cache files (`git add -f`) at every
place older versions read their caches from; a colleague clones and runs
the CLI. Nothing may run, and the output must be what an uncached run
gives. Caches in the user's cache folder that ducha did not write itself
(a wrong key, a wrong shape, a forged verdict) are ignored too.
"""
from __future__ import annotations

import json
import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ducha import cache
from ducha.cache import code_key

from ..conftest import REPO, as_json, item_yaml
from ..gitrepo import OFFICE, ZJJ, Repo

ITEM = "items/2025/2025-0001.yaml"
AS_OF = "2025-07-25"


class _Boom:
    """Unpickling this creates `marker`: proof that code from the file ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def _crafted(marker: Path) -> bytes:
    return pickle.dumps(_Boom(marker))


def _hostile_repo(tmp_path: Path, marker: Path) -> tuple[Path, str]:
    """A repository where a unit member committed crafted caches; a colleague's fresh clone of it."""
    repo = Repo(tmp_path / "origin")
    repo.write(ITEM, item_yaml("2025-0001", category="leader_instruction", assigned="2025-06-10",
                               extra="deadline: 2025-06-30\n"))
    repo.commit("新建事项", OFFICE)
    # The unit urges its own item (unauthorised_change) and smuggles in the caches.
    repo.write(ITEM, item_yaml("2025-0001", category="leader_instruction", assigned="2025-06-10",
                               extra="deadline: 2025-06-30\n", events=["date: 2025-07-01, type: urge"]))
    cache = repo.root / ".ducha-cache"
    cache.mkdir()
    (cache / ".gitignore").write_text("*\n", encoding="utf-8")
    for name in ("items.pickle", "audit.pickle"):
        (cache / name).write_bytes(_crafted(marker))
    results = cache / "results"
    results.mkdir()
    (results / ("0" * 64 + ".json")).write_text("{}", encoding="utf-8")
    first = repo.git("rev-parse", "HEAD")
    db = sqlite3.connect(cache / "history.sqlite")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE commits (sha TEXT PRIMARY KEY, signed INTEGER, data BLOB)")
    db.execute("INSERT INTO meta VALUES ('code', ?)", (code_key(),))  # the key is public: the source's hash
    db.execute("INSERT INTO commits VALUES (?, 0, ?)", (first, _crafted(marker)))
    db.commit()
    db.close()
    repo.git("add", "-f", ".ducha-cache")
    bad = repo.commit("单位自己催办", ZJJ, "2025-07-01T09:00:00+08:00")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo.root), str(clone)], check=True, capture_output=True)
    assert (clone / ".ducha-cache" / "items.pickle").is_file()
    return clone, bad


def _ducha(*args: str, cwd: Path) -> tuple[int, str]:
    """The real command line, in its own process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-m", "ducha", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout


COMMANDS = [
    ("validate", "--format", "json"),
    ("validate", ITEM, "--format", "json"),
    ("check", "--format", "json", "--as-of", AS_OF),
    ("audit", "--format", "json"),
    ("history", "2025-0001", "--format", "json"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_committed_pickles_never_run(tmp_path, command):
    marker = tmp_path / "PWNED"
    clone, bad = _hostile_repo(tmp_path, marker)
    expected = _ducha(*command, "--no-cache", cwd=clone)
    # Twice: a cold run, then one that reads what the first one stored.
    assert _ducha(*command, cwd=clone) == expected
    assert not marker.exists(), f"ducha {' '.join(command)} ran code from .ducha-cache/"
    assert _ducha(*command, cwd=clone) == expected
    assert not marker.exists(), f"ducha {' '.join(command)} ran code from .ducha-cache/"
    code, out = expected
    if command[0] == "check":
        assert [i["id"] for i in as_json(out)["items"]] == ["2025-0001"]
        assert "overdue" in [f["code"] for f in as_json(out)["findings"]]
    if command[0] == "audit":
        assert code == 1
        found = as_json(out)["findings"]
        assert {(f["code"], f["commit"]) for f in found} == {("unauthorised_change", bad)}
        # The unit's own urge, and every committed cache file (issue 9 point 1's audit half).
        assert ITEM in {f["file"] for f in found}
        assert {f["file"] for f in found if f["file"] != ITEM} >= {".ducha-cache/items.pickle", ".ducha-cache/audit.pickle"}
    if command[0] == "history":
        assert [c["commit"] for c in as_json(out)][-1] == bad
    # Nothing was written into the work tree either.
    assert sorted(p.name for p in (clone / ".ducha-cache").iterdir()) == [
        ".gitignore", "audit.pickle", "history.sqlite", "items.pickle", "results"]


def test_a_cache_home_inside_the_repository_is_not_used(tmp_path, cli, monkeypatch):
    marker = tmp_path / "PWNED"
    clone, bad = _hostile_repo(tmp_path, marker)
    monkeypatch.setenv("DUCHA_CACHE_DIR", str(clone / ".ducha-cache"))
    assert cache.cache_folder(clone).parent == clone / ".ducha-cache"
    for _ in range(2):
        code, out, _ = cli("audit", "--ledger", str(clone), "--format", "json")
        found = as_json(out)["findings"]
        assert {(f["code"], f["commit"]) for f in found} == {("unauthorised_change", bad)}
        # The unit's own urge, and every committed cache file (issue 9 point 1's audit half).
        assert ITEM in {f["file"] for f in found}
        assert {f["file"] for f in found if f["file"] != ITEM} >= {".ducha-cache/items.pickle", ".ducha-cache/audit.pickle"}
        code, out, _ = cli("check", "--ledger", str(clone), "--format", "json", "--as-of", AS_OF)
        assert [i["id"] for i in as_json(out)["items"]] == ["2025-0001"]
    assert not marker.exists()
    assert not cache.cache_folder(clone).exists()  # a folder a commit could supply is never created or read


# --- caches in the user's folder that ducha did not write ---------------------------------


def _ledger_repo(tmp_path: Path) -> tuple[Repo, str]:
    repo = Repo(tmp_path / "repo")
    repo.write(ITEM, item_yaml("2025-0001", category="leader_instruction", assigned="2025-06-10",
                               extra="deadline: 2025-06-30\n"))
    repo.commit("新建事项", OFFICE)
    repo.write(ITEM, item_yaml("2025-0001", category="leader_instruction", assigned="2025-06-10",
                               extra="deadline: 2025-06-30\n", events=["date: 2025-07-01, type: urge"]))
    bad = repo.commit("单位自己催办", ZJJ, "2025-07-01T09:00:00+08:00")
    return repo, bad


def _rewrite(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))


def _forge(path: Path, payload: bytes) -> None:
    """Replace a cache file's payload, keeping its header (key and signature): a forger's best try."""
    magic, mac, key, _ = path.read_bytes().split(b"\n", 3)
    path.write_bytes(b"\n".join((magic, mac, key, payload)))


def test_forged_item_and_result_caches_are_ignored(tmp_path, cli):
    repo, _ = _ledger_repo(tmp_path)
    root = str(repo.root)
    check = ("check", "--ledger", root, "--format", "json", "--as-of", AS_OF)
    code, truth, _ = cli(*check, "--no-cache")
    assert cli(*check)[1] == truth  # fills the caches
    folder = cache.cache_folder(repo.root)
    [result] = folder.glob("result-*.json")

    # A poisoned verdict under the right fingerprint: no findings, another title.
    forged = as_json(truth)
    forged["findings"] = []
    _forge(result, json.dumps({"findings": [], "items": forged["items"], "titles": {"2025-0001": "已篡改"}},
                              ensure_ascii=False).encode())
    # The item cache: the title changed inside the payload, the signature left as it was.
    _rewrite(folder / "items.json", "完成城区老旧小区改造120个".encode(), "已篡改标题".encode())
    assert cli(*check) == (code, truth, "")
    assert "已篡改" not in cli("validate", "--ledger", root)[1]

    # Wrong shapes, even under a valid signature (as if an older ducha wrote them): a miss.
    import hashlib

    path = repo.root / ITEM
    st = path.stat()
    meta = json.dumps([ITEM, st.st_mtime_ns, st.st_size, hashlib.sha1(path.read_bytes()).hexdigest()]).encode()
    store = cache.Store(repo.root)
    for payload in (b"not json", meta[:-1] + b"]",
                    meta + b'\t{"os.system":["echo pwned"]}',  # only known classes are rebuilt
                    meta + b'\t{"@u":[{"Item":["2025-0001"]},[]]}',  # too few fields
                    meta + b'\t{"@u":[null,[{"Finding":[null,null,"no_such_code","x"]}]]}',
                    meta + b'\t{"@u":[null,{"@m":[[1],2]}]}',
                    meta + b'\t[1,2,3]'):
        store.store("items.json", "items", code_key(), payload)
        for result in folder.glob("result-*.json"):
            result.unlink()
        assert cli(*check) == (code, truth, ""), payload


def test_forged_audit_verdicts_and_history_are_ignored(tmp_path, cli):
    repo, bad = _ledger_repo(tmp_path)
    audit = ("audit", "--ledger", str(repo.root), "--format", "json")
    code, truth, _ = cli(*audit, "--no-cache")
    assert [(f["code"], f["commit"]) for f in as_json(truth)["findings"]] == [("unauthorised_change", bad)]
    assert cli(*audit) == (code, truth, "")
    folder = cache.cache_folder(repo.root)

    # The verdicts: "no findings" for the bad commit, under the right key but not signed by this user.
    from ducha.audit import AuditCache, _audit_key

    flat = [repo.git("rev-parse", "HEAD~1"), False, None, [], bad, False, None, []]
    _forge(folder / "audit.json", AuditCache.CODEC.dumps(flat))
    assert (folder / "audit.json").read_bytes().split(b"\n")[2] == _audit_key().encode()
    assert cli(*audit) == (code, truth, "")

    # The history: the bad commit's row says it changed nothing (and its signature is wrong).
    (folder / "audit.json").unlink()
    db = sqlite3.connect(folder / "history.sqlite")
    [(data,)] = db.execute("SELECT data FROM records WHERE sha = ?", (bad,)).fetchall()
    record = json.loads(data)
    record["CommitRecord"][7] = []
    db.execute("UPDATE records SET data = ? WHERE sha = ?", (json.dumps(record).encode(), bad))
    db.commit()
    db.close()
    assert cli(*audit) == (code, truth, "")
    # A history file that is not a database at all.
    (folder / "audit.json").unlink()
    (folder / "history.sqlite").write_bytes(b"not a database")
    assert cli(*audit) == (code, truth, "")


# --- where caches live, and when they cannot --------------------------------------------------


def test_unusable_cache_homes_still_work(tmp_path, cli, monkeypatch):
    repo, bad = _ledger_repo(tmp_path)
    check = ("check", "--ledger", str(repo.root), "--format", "json", "--as-of", AS_OF)
    truth = cli(*check, "--no-cache")
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # writable by everyone: another user could plant files
    for home in (blocker / "cache", shared):
        monkeypatch.setenv("DUCHA_CACHE_DIR", str(home))
        assert cli(*check) == cli(*check) == truth
        code, out, _ = cli("audit", "--ledger", str(repo.root), "--format", "json")
        assert [(f["code"], f["commit"]) for f in as_json(out)["findings"]] == [("unauthorised_change", bad)]
    assert list(shared.iterdir()) == []


def test_default_home_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("DUCHA_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_folder(tmp_path / "ledger").parent == tmp_path / "xdg" / "ducha"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_folder(tmp_path / "ledger").parent == tmp_path / "home" / ".cache" / "ducha"
    # One folder per ledger.
    assert cache.cache_folder(tmp_path / "a" / "ledger") != cache.cache_folder(tmp_path / "b" / "ledger")


@pytest.mark.parametrize("command", [("check", "--format", "json", "--as-of", AS_OF), ("audit", "--format", "json")])
def test_two_runs_at_once_on_a_cold_cache(tmp_path, command):
    repo, _ = _ledger_repo(tmp_path)
    for n in range(2, 40):
        repo.write(f"items/2025/2025-{n:04d}.yaml", item_yaml(f"2025-{n:04d}"))
    repo.commit("更多事项", OFFICE, "2025-07-02T09:00:00+08:00")
    expected = _ducha(*command, "--no-cache", cwd=repo.root)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-m", "ducha", *command], cwd=repo.root, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    for code, out, err in outs:
        assert "Traceback" not in err and (code, out) == expected
    assert _ducha(*command, cwd=repo.root) == expected  # and what they stored is sound
