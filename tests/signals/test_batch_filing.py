"""`batch_filing`: a unit filing several months of progress reports in one sitting (Git history)."""
from ..conftest import item_yaml
from ..gitrepo import FGW, OFFICE, ZJJ, Repo
from .common import of, signals


def _repo(tmp_path):
    repo = Repo(tmp_path / "ledger")
    for n in (42, 43):
        repo.write(f"items/2025/2025-{n:04d}.yaml", item_yaml(f"2025-{n:04d}", extra="deadline: 2025-12-31\n"))
    repo.write("items/2025/2025-0050.yaml", item_yaml("2025-0050", lead="fgw", extra="deadline: 2025-12-31\n"))
    repo.commit("新建事项", OFFICE, "2025-02-20T10:00:00+08:00")
    return repo


def _report(repo, n, lead_who, when, *dates):
    events = [f"date: {d}, type: progress, text: 第{i}次进展" for i, d in enumerate(dates)]
    repo.write(f"items/2025/2025-{n:04d}.yaml", item_yaml(f"2025-{n:04d}", lead="zjj" if n < 50 else "fgw",
                                                         extra="deadline: 2025-12-31\n", events=events))
    return repo.commit(f"{n} 报告进展", lead_who, when)


def test_three_months_of_reports_filed_on_one_day_are_signalled(tmp_path):
    repo = _repo(tmp_path)
    # zjj, on 2025-07-20, in two commits: April and May for one item, June for another.
    first = _report(repo, 42, ZJJ, "2025-07-20T09:00:00+08:00", "2025-04-15", "2025-05-15")
    second = _report(repo, 43, ZJJ, "2025-07-20T16:00:00+08:00", "2025-06-15")
    code, data = signals(repo.root, "--as-of", "2025-12-31", "--period", "2025Q3")
    [s] = of(data, "batch_filing")
    assert code == 0 and (s["unit"], s["date"], s["severity"]) == ("zjj", "2025-07-20", "info")
    assert "用 2 个提交报送了 3 条进展报告" in s["message"] and "3 个月（2025-04、2025-05、2025-06）" in s["message"]
    assert {e["commit"] for e in s["evidence"]} == {first, second}
    assert [e["item"] for e in s["evidence"]] == ["2025-0042", "2025-0042", "2025-0043"]
    assert "分月报告工作进展情况" in s["explanation"]


def test_reports_filed_month_by_month_are_quiet(tmp_path):
    repo = _repo(tmp_path)
    _report(repo, 42, ZJJ, "2025-04-16T09:00:00+08:00", "2025-04-15")
    _report(repo, 42, ZJJ, "2025-05-16T09:00:00+08:00", "2025-04-15", "2025-05-15")
    _report(repo, 42, ZJJ, "2025-06-16T09:00:00+08:00", "2025-04-15", "2025-05-15", "2025-06-15")
    # Many items' reports for this month on one day are normal.
    _report(repo, 43, ZJJ, "2025-06-16T10:00:00+08:00", "2025-06-15")
    _report(repo, 50, FGW, "2025-06-16T10:00:00+08:00", "2025-06-15")
    assert of(signals(repo.root, "--as-of", "2025-12-31")[1], "batch_filing") == []
