"""Issue 9 point 3: merges are audited.

A merge's own changes — what its tree changes against its first parent
that no other parent brought in — are checked like any commit's. An "evil
merge" (`git merge --no-ff --no-commit`, edit, commit) is caught with the
merge's sha; a clean merge, and a conflict resolution that keeps both
sides' appended events, yield nothing.
"""
import pytest

from ..conftest import item_yaml
from ..gitrepo import OFFICE, ZJJ, Repo, audit, found

ITEM = "items/2025/2025-0001.yaml"
OTHER = "items/2025/2025-0002.yaml"
P1 = "date: 2025-03-25, type: progress, text: 已开工"
P2 = "date: 2025-04-25, type: progress, text: 过半"
URGE = "date: 2025-04-20, type: urge, text: 请加快进度"




@pytest.fixture
def repo(tmp_path):
    """main: the item with a published progress event; branch `unit`: the unit appends one more."""
    r = Repo(tmp_path / "ledger")
    r.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-12-31\n"))
    r.write(OTHER, item_yaml("2025-0002"))
    r.commit("新建事项", OFFICE, "2025-03-20T10:00:00+08:00")
    r.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-12-31\n", events=[P1]))
    r.commit("进展", ZJJ, "2025-03-26T09:00:00+08:00")
    r.git("checkout", "-q", "-b", "unit")
    r.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-12-31\n", events=[P1, P2]))
    r.commit("进展", ZJJ, "2025-04-26T09:00:00+08:00")
    r.git("checkout", "-q", "main")
    r.write(OTHER, item_yaml("2025-0002", events=["date: 2025-04-20, type: progress"]))
    r.commit("另一事项进展", ZJJ, "2025-04-21T09:00:00+08:00")  # main moved on: the merge is a real one
    return r


@pytest.mark.parametrize("who", [ZJJ, OFFICE])
def test_an_evil_merge_is_caught_with_its_sha(repo, who):
    base = repo.git("rev-parse", "HEAD")

    def tamper(r):
        r.write(ITEM, item_yaml("2025-0001", extra="deadline: 2026-12-31\n",
                                events=["date: 2025-03-25, type: progress, text: 已全部完工", P2]))

    merge = repo.merge("unit", "合并单位分支", who, "2025-04-27T09:00:00+08:00", resolve=tamper)
    # deadline: line 6; the published event: line 8.
    expected = [("unauthorised_change", ITEM, 6, merge)] if who == ZJJ else []
    expected.append(("append_only_violation", ITEM, 8, merge))
    for findings in (audit(repo), audit(repo, f"{base}..HEAD")):
        assert found(findings) == expected
        assert "第 1 条办理记录（2025-03-25 progress）已经发布" in findings[-1].message and "被修改" in findings[-1].message
        if who == ZJJ:
            assert "修改 deadline 只能由督查室进行" in findings[0].message


def test_a_clean_merge_of_a_units_branch_yields_nothing(repo):
    base = repo.git("rev-parse", "HEAD")
    repo.merge("unit", "合并单位分支", ZJJ, "2025-04-27T09:00:00+08:00")
    assert audit(repo) == []
    assert audit(repo, f"{base}..HEAD") == []


def test_a_conflict_resolution_keeping_both_appends_yields_nothing(repo):
    # The office urges on main while the unit's branch reports: both append to the same list.
    repo.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-12-31\n", events=[P1, URGE]))
    repo.commit("催办", OFFICE, "2025-04-20T16:00:00+08:00")
    base = repo.git("rev-parse", "HEAD")

    def keep_both(r):
        assert "<<<<<<<" in (r.root / ITEM).read_text(encoding="utf-8")
        r.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-12-31\n", events=[P1, URGE, P2]))

    repo.merge("unit", "合并，保留双方记录", ZJJ, "2025-04-27T09:00:00+08:00", resolve=keep_both)
    assert audit(repo) == []
    assert audit(repo, f"{base}..HEAD") == []


def test_a_merge_cannot_revert_mains_change_with_the_branchs_stale_value(repo):
    # The office moves the deadline on main; the unit's merge quietly takes its branch's old one back.
    repo.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-10-31\n", events=[P1]))
    repo.commit("督查室调整期限", OFFICE, "2025-04-22T09:00:00+08:00")

    def stale(r):
        r.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-12-31\n", events=[P1, P2]))

    merge = repo.merge("unit", "合并", ZJJ, "2025-04-27T09:00:00+08:00", resolve=stale)
    assert found(audit(repo)) == [("unauthorised_change", ITEM, 6, merge)]


def test_a_merge_slipping_in_an_office_only_file_is_caught(repo):
    def sneak(r):
        r.write("mkdocs.yml", "site_name: x\nextra_javascript: [https://evil.example/x.js]\n")

    merge = repo.merge("unit", "合并", ZJJ, "2025-04-27T09:00:00+08:00", resolve=sneak)
    assert found(audit(repo)) == [("unauthorised_change", "mkdocs.yml", 1, merge)]


def test_syncing_main_into_a_branch_yields_nothing_in_its_merge_request(repo):
    repo.write(ITEM, item_yaml("2025-0001", extra="deadline: 2025-10-31\n", events=[P1]))
    repo.commit("督查室调整期限", OFFICE, "2025-04-22T09:00:00+08:00")
    repo.git("checkout", "-q", "unit")
    repo.merge("main", "同步主线", ZJJ, "2025-04-27T09:00:00+08:00")
    assert audit(repo, "main..unit") == []
