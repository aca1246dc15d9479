"""Loading a whole ledger: the parsed-item cache and the parallel cold parse."""
import os

import ducha.ledger as ledger_mod
from ducha.cache import CACHE_DIR, cache_folder
from ducha.ledger import load_ledger

from .conftest import item_yaml, write_ledger


def counting(monkeypatch):
    calls = []
    real = ledger_mod.parse_item_bytes

    def spy(data, rel):
        calls.append(rel)
        return real(data, rel)

    monkeypatch.setattr(ledger_mod, "parse_item_bytes", spy)
    return calls


def test_second_run_parses_nothing_and_edits_are_seen(tmp_path, monkeypatch):
    root = write_ledger(tmp_path, {f"items/2025/2025-000{n}.yaml": item_yaml(f"2025-000{n}") for n in range(1, 4)})
    calls = counting(monkeypatch)
    first = load_ledger(root)
    assert len(calls) == 3
    # The cache lives in the user's cache home, never inside the ledger.
    assert (cache_folder(root) / "items.json").is_file() and not (root / CACHE_DIR).exists()

    calls.clear()
    again = load_ledger(root)
    assert calls == [] and [i.title for i in again.items] == [i.title for i in first.items]

    path = root / "items/2025/2025-0002.yaml"
    path.write_text(item_yaml("2025-0002").replace("120个", "130个"), encoding="utf-8")
    calls.clear()
    edited = load_ledger(root)
    assert calls == ["items/2025/2025-0002.yaml"]
    assert edited.items[1].title.endswith("130个")


def test_touched_but_unchanged_file_is_not_reparsed(tmp_path, monkeypatch):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001")})
    load_ledger(root)
    path = root / "items/2025/2025-0001.yaml"
    os.utime(path, (1, 1))  # as a fresh checkout does
    calls = counting(monkeypatch)
    load_ledger(root)
    assert calls == []


def test_findings_survive_the_cache(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="deadline: 2025-3-5\n")})
    assert [f.code for f in load_ledger(root).findings] == ["invalid_field"]
    assert [f.code for f in load_ledger(root).findings] == ["invalid_field"]


def test_deleted_files_leave_the_cache(tmp_path):
    root = write_ledger(tmp_path, {f"items/2025/2025-000{n}.yaml": item_yaml(f"2025-000{n}") for n in (1, 2)})
    load_ledger(root)
    (root / "items/2025/2025-0002.yaml").unlink()
    assert [i.id for i in load_ledger(root).items] == ["2025-0001"]


def test_corrupt_cache_is_ignored(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001")})
    load_ledger(root)
    (cache_folder(root) / "items.json").write_bytes(b"not a cache")
    assert [i.id for i in load_ledger(root).items] == ["2025-0001"]


def test_parallel_parse_gives_the_same_result(tmp_path, monkeypatch):
    items = {f"items/2025/2025-00{n:02d}.yaml": item_yaml(f"2025-00{n:02d}") for n in range(1, 13)}
    items["items/2025/2025-0013.yaml"] = "id: [\n"
    root = write_ledger(tmp_path, items)
    serial = load_ledger(root, use_cache=False)
    monkeypatch.setattr(ledger_mod, "PARALLEL_FROM", 2)
    parallel = load_ledger(root, use_cache=False)
    assert [i.id for i in parallel.items] == [i.id for i in serial.items]
    assert parallel.findings == serial.findings and len(serial.findings) == 1


def test_result_cache_answers_an_unchanged_ledger(tmp_path, monkeypatch):
    from ducha.check import check_scanned
    from ducha.ledger import scan_ledger

    from .conftest import D

    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001", category="leader_instruction",
                                                                         assigned="2025-06-10",
                                                                         extra="deadline: 2025-06-30\n")})
    first = check_scanned(scan_ledger(root), D("2025-07-25"))
    assert not first.from_cache and [f.code for f in first.findings] == ["no_advance_notice", "overdue"]
    again = check_scanned(scan_ledger(root), D("2025-07-25"))
    assert again.from_cache and again.findings == first.findings and again.items == first.items
    # Another date or a changed file is computed afresh.
    assert not check_scanned(scan_ledger(root), D("2025-07-26")).from_cache
    path = root / "items/2025/2025-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("2025-06-30", "2025-08-31"), encoding="utf-8")
    changed = check_scanned(scan_ledger(root), D("2025-07-25"))
    assert not changed.from_cache and "overdue" not in [f.code for f in changed.findings]


def test_result_cache_sees_a_changed_inspection(tmp_path):
    from ducha.check import check_scanned
    from ducha.ledger import scan_ledger

    from .conftest import LEDGER_YAML, D

    ledger = LEDGER_YAML + "leaders:\n  - {id: mayor, name: 张建国}\n"
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001"),
                                   "inspections/a.yaml": "leader: mayor\ndate: 2025-08-05\n"}, ledger)
    first = check_scanned(scan_ledger(root), D("2025-09-01"))
    assert [f.code for f in first.findings if f.code == "visits_low"] == ["visits_low"]  # one visit in August
    (root / "inspections" / "b.yaml").write_text("leader: mayor\ndate: 2025-08-20\n", encoding="utf-8")
    second = check_scanned(scan_ledger(root), D("2025-09-01"))
    assert not second.from_cache and [f.code for f in second.findings if f.code == "visits_low"] == []
