"""`deadline_day_rush`: a unit whose completions land on the deadline day far more than the ledger's."""
from ..conftest import item_yaml, write_ledger
from .common import of, signals


def _item(n, lead, deadline, completed):
    return (f"items/2025/2025-{n:04d}.yaml",
            item_yaml(f"2025-{n:04d}", category="leader_instruction", lead=lead, assigned="2025-03-03",
                      extra=f"deadline: {deadline}\n", events=[f"date: {completed}, type: completed"]))


def _ledger(tmp_path, rushed_zjj: int):
    items = []
    # zjj completes six items: `rushed_zjj` of them on the deadline day or the working day before.
    for n in range(6):
        on_day = n < rushed_zjj
        # 2025-06-30 is a Monday; the working day before it is Friday 2025-06-27.
        items.append(_item(n + 1, "zjj", "2025-06-30", ("2025-06-30" if n % 2 else "2025-06-27") if on_day else "2025-05-20"))
    # fgw and qcq complete well ahead, except one.
    for n in range(10):
        items.append(_item(n + 20, "fgw" if n < 5 else "qcq", "2025-06-30", "2025-06-30" if n == 0 else "2025-04-10"))
    return write_ledger(tmp_path, dict(items))


def test_unit_rushing_to_the_deadline_is_signalled_with_both_rates(tmp_path):
    code, data = signals(_ledger(tmp_path, 5), "--as-of", "2025-12-31", "--period", "2025")
    [s] = of(data, "deadline_day_rush")
    assert code == 0 and s["unit"] == "zjj" and s["item"] is None and s["severity"] == "warning"
    # Both figures: the unit's 5 of 6, the ledger's 6 of 16.
    assert "办结 6 件，其中 5 件（83%）" in s["message"] and "全台账这一比例为 38%（16 件中 6 件）" in s["message"]
    assert "2025年" in s["message"] and "实地调查复核" in s["explanation"]
    assert {e["item"] for e in s["evidence"]} == {f"2025-{n:04d}" for n in range(1, 6)}
    assert {e["date"] for e in s["evidence"]} == {"2025-06-27", "2025-06-30"}


def test_units_completing_at_various_dates_are_quiet(tmp_path):
    assert of(signals(_ledger(tmp_path / "a", 1), "--as-of", "2025-12-31")[1], "deadline_day_rush") == []


def test_a_period_without_those_completions_is_quiet(tmp_path):
    assert of(signals(_ledger(tmp_path, 5), "--as-of", "2025-12-31", "--period", "2025Q1")[1], "deadline_day_rush") == []
