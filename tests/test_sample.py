"""The reproducible verification sample of netizen messages (`ducha sample`)."""
from ducha.ledger import load_ledger
from ducha.sample import draw_sample

from .conftest import D, as_json, item_yaml, write_ledger


def netizen(n, completed="2025-09-10", verify=False):
    extra = "verify: true\n" if verify else ""
    return item_yaml(f"2025-{n:04d}", category="netizen_message", assigned="2025-09-01", extra=extra,
                     events=[f"date: {completed}, type: completed"])


def ledger_with(tmp_path, items):
    return load_ledger(write_ledger(tmp_path, items), use_cache=False)


def test_sample_reaches_thirty_percent_and_is_reproducible(tmp_path):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n) for n in range(1, 21)}
    items["items/2025/2025-0021.yaml"] = netizen(21, completed="2025-10-02")  # another month
    ledger = ledger_with(tmp_path, items)
    first = draw_sample(ledger.items, "2025-09", D("2025-10-05"), salt="台账")
    again = draw_sample(list(reversed(ledger.items)), "2025-09", D("2025-10-05"), salt="台账")
    assert first.review.completed == 20 and first.review.required == 6
    assert len(first.picks) == 6 and first.picks == again.picks
    assert "2025-0021" not in first.picks
    assert first.rate_after == 0.3
    # Another month draws from its own messages; another ledger name, another order.
    assert draw_sample(ledger.items, "2025-09", D("2025-10-05"), salt="别的台账").picks != first.picks


def test_already_marked_count_towards_the_rate(tmp_path):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n, verify=n <= 4) for n in range(1, 11)}
    drawn = draw_sample(ledger_with(tmp_path, items).items, "2025-09", D("2025-10-05"))
    assert drawn.review.reviewed == 4 and drawn.picks == []


def test_marking_the_picks_leaves_earlier_picks_stable(tmp_path):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n) for n in range(1, 11)}
    picks = draw_sample(ledger_with(tmp_path / "a", items).items, "2025-09", D("2025-10-05")).picks
    # A message added later takes its place in the ranking; at most one pick changes.
    items["items/2025/2025-0011.yaml"] = netizen(11)
    later = draw_sample(ledger_with(tmp_path / "b", items).items, "2025-09", D("2025-10-05")).picks
    assert len(set(picks) & set(later)) >= len(picks) - 1


def test_sample_command(tmp_path, cli):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n) for n in range(1, 8)}
    root = write_ledger(tmp_path, items)
    code, out, _ = cli("sample", "--ledger", str(root), "--month", "2025-09", "--as-of", "2025-10-05", "--format", "json")
    data = as_json(out)
    assert code == 0 and data["completed"] == 7 and data["required"] == 3 and len(data["picks"]) == 3
    code, text, _ = cli("sample", "--ledger", str(root), "--month", "2025-09", "--as-of", "2025-10-05")
    assert "建议抽取以下 3 件" in text and data["picks"][0] in text
    code, _, err = cli("sample", "--ledger", str(root), "--month", "2025-9x")
    assert code == 2 and "YYYY-MM" in err
