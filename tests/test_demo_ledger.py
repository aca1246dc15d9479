"""The demo ledger a newcomer sees first: valid, and showing every category, state and level."""
from collections import Counter

from ducha.check import run_rules
from ducha.ledger import load_ledger
from ducha.model import CATEGORIES

from .conftest import REPO, D


def test_demo_ledger_is_valid_and_complete():
    ledger = load_ledger(REPO, use_cache=False)
    assert not [f for f in ledger.findings if f.severity == "error"]
    assert len(ledger.items) >= 24
    assert {i.category for i in ledger.items} == set(CATEGORIES)
    assert all(2025 <= i.assigned.year <= 2026 for i in ledger.items)
    assert "演示" in ledger.config.name


def test_demo_ledger_shows_every_state_and_level():
    result = run_rules(load_ledger(REPO, use_cache=False), D("2026-11-26"))
    assert not [f for f in result.findings if f.severity == "error"]
    states = Counter(s.state for _, s in result.items)
    assert set(states) == {"not_started", "in_progress", "completed", "closed"}
    assert {s.escalation_level for _, s in result.items} == {0, 1, 2, 3}
    found = {f.code for f in result.findings}
    assert {"overdue", "hard_deadline_passed", "report_missing", "no_advance_notice",
            "escalation_pending", "provisional_deadline"} <= found
    assert any(s.completed_late for _, s in result.items)
