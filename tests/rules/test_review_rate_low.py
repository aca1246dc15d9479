from ..conftest import findings_of, item_yaml


def netizen(n, completed, verify=False):
    extra = "verify: true\n" if verify else ""
    return item_yaml(f"2025-{n:04d}", category="netizen_message", assigned="2025-09-01", extra=extra,
                     events=[f"date: {completed}, type: completed"])


def test_month_below_thirty_percent(check_ledger):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n, "2025-09-10", verify=n <= 2) for n in range(1, 11)}
    [f] = findings_of(check_ledger(items, "2025-10-01"), "review_rate_low")
    assert (f.file, f.line, f.severity) == (None, None, "warning")
    assert "2025-09" in f.message and "10 件" in f.message and "至少需 3 件" in f.message


def test_month_at_thirty_percent(check_ledger):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n, "2025-09-10", verify=n <= 3) for n in range(1, 11)}
    assert findings_of(check_ledger(items, "2025-10-01"), "review_rate_low") == []


def test_current_month_is_not_judged_yet(check_ledger):
    items = {f"items/2025/2025-{n:04d}.yaml": netizen(n, "2025-09-10") for n in range(1, 4)}
    assert findings_of(check_ledger(items, "2025-09-30"), "review_rate_low") == []
    assert len(findings_of(check_ledger(items, "2025-10-01"), "review_rate_low")) == 1
