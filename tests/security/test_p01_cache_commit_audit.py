"""Issue 9 point 1 (audit half): committing the cache folder is a finding.

`.ducha-cache/` is read by ducha; a file in it that comes from the
repository (e.g. `git add -f .ducha-cache/audit.pickle`) is a way to feed
ducha data it never wrote. Whoever commits it, the office included, gets an
`unauthorised_change` saying how to remove it.
"""
import pytest

from ducha.audit import run_audit
from ducha.ledger import load_config

from ..conftest import item_yaml
from ..gitrepo import FGW, OFFICE, ZJJ, Repo, audit

ITEM = "items/2025/2025-0001.yaml"
CACHE_FILE = ".ducha-cache/audit.pickle"



@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "ledger")
    r.write(ITEM, item_yaml("2025-0001"))
    r.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    return r


@pytest.mark.parametrize("who", [OFFICE, ZJJ])
def test_a_committed_cache_file_is_refused_for_everybody(repo, who):
    base = repo.git("rev-parse", "HEAD")
    repo.write(CACHE_FILE, "cos\nsystem\n(S'echo pwned'\ntR.")
    repo.git("add", "-f", CACHE_FILE)
    bad = repo.commit("顺手提交缓存", who, "2025-03-26T09:00:00+08:00")
    for found in (audit(repo), audit(repo, f"{base}..HEAD")):
        [finding] = found
        assert (finding.code, finding.file, finding.line, finding.commit) == (
            "unauthorised_change", CACHE_FILE, 1, bad)
        assert "绝不能提交" in finding.message and "git rm -r --cached .ducha-cache" in finding.message


def test_a_cache_folder_of_a_ledger_in_a_subfolder_is_refused_too(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.write("ledger/ledger.yaml", (tmp_path / "repo" / "ledger.yaml").read_text(encoding="utf-8"))
    (tmp_path / "repo" / "ledger.yaml").unlink()
    repo.write("ledger/" + ITEM, item_yaml("2025-0001"))
    repo.commit("新建事项", OFFICE)
    repo.write("ledger/.ducha-cache/history.sqlite", "SQLite format 3")
    bad = repo.commit("提交缓存", OFFICE, "2025-03-26T09:00:00+08:00")
    config, _ = load_config(tmp_path / "repo" / "ledger")
    [finding] = run_audit(tmp_path / "repo" / "ledger", config, use_cache=False).findings
    assert (finding.code, finding.file, finding.line, finding.commit) == (
        "unauthorised_change", ".ducha-cache/history.sqlite", 1, bad)


def test_removing_the_cache_folder_is_the_fix(repo):
    repo.write(CACHE_FILE, "x")
    bad = repo.commit("提交缓存", FGW, "2025-03-26T09:00:00+08:00")
    repo.git("rm", "-r", "-q", "--cached", ".ducha-cache")
    repo.commit("移除缓存", OFFICE, "2025-03-27T09:00:00+08:00")
    # Only the commit that added it is reported; the removal is clean.
    assert [(f.code, f.file, f.commit) for f in audit(repo)] == [("unauthorised_change", CACHE_FILE, bad)]
