"""Issue 21 (speed): each verified city's rows are kept in the cache, signed, and copied into the
province site when the city is unchanged. They must be what a fresh verification gives; a cache
entry ducha did not write is refused and the city fetched and verified again."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

from ducha.cache import ItemCache, code_key
from ducha.rollup import rollup, work
from ducha.rollup.opendata import open_data

from ..conftest import item_yaml
from .conftest import NOW, City, city_items, sources_yaml


def _combined(out):
    site = out / "site" / "data"
    table = (site / "items.csv").read_text(encoding="utf-8-sig")
    return table, json.loads((site / "items.json").read_text(encoding="utf-8"))["items"]


def test_unchanged_city_rows_equal_a_fresh_verification(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(3, higher=("2025-0002",), closed=("2025-0003",)))
    fuyang = City(tmp_path, "fuyang", server, city_items(2))
    bozhou.publish()
    fuyang.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou, fuyang])
    first = rollup(sources, tmp_path / "out", now=NOW)
    assert [c.status for c in first.cities] == ["ok", "ok"]
    verified = _combined(tmp_path / "out")

    server.log.clear()
    again = rollup(sources, tmp_path / "out", now=NOW)
    assert [c.status for c in again.cities] == ["unchanged", "unchanged"]
    assert all(status == 304 for _, status in server.log)  # nothing but the two ledger-head.json
    assert _combined(tmp_path / "out") == verified  # copied from the cache, the same rows

    fresh = rollup(sources, tmp_path / "fresh", now=NOW, full=True)  # another output: verified from scratch
    assert [c.status for c in fresh.cities] == ["ok", "ok"]
    assert _combined(tmp_path / "fresh") == verified

    # and they are the city's own published rows, with the city in front
    table, _ = verified
    province = [r for r in csv.reader(io.StringIO(table))][1:]
    own = [r for r in csv.reader(io.StringIO((bozhou.site / "data" / "items.csv").read_text(encoding="utf-8-sig")))][1:]
    assert [r[3:] for r in province if r[0] == "bozhou"] == own
    assert {r[2] for r in province if r[0] == "bozhou"} == {f"{bozhou.url}items/2025-000{n}/" for n in (1, 2, 3)}


def test_tampered_cache_entry_is_refused_and_the_city_verified_again(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    bozhou.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou])
    rollup(sources, tmp_path / "out", now=NOW)
    kept = [p for p in (tmp_path / "cache").rglob("rollup-bozhou-*") if "120" in p.read_text(encoding="utf-8")]
    assert kept  # the city's rows are in the cache ...
    for path in kept:  # ... and someone rewrites them (the item titles say 120; now 999)
        path.write_bytes(path.read_bytes().replace("120".encode(), "999".encode()))

    server.log.clear()
    result = rollup(sources, tmp_path / "out", now=NOW)
    assert result.cities[0].status == "ok"  # not "missing", not the tampered rows: verified again
    assert ("/bozhou/data/items.json", 200) in server.log
    table, items = _combined(tmp_path / "out")
    assert "999" not in table and len(items) == 2 and all("120" in i["title"] for i in items)


def test_too_large_open_data_is_refused_while_streamed(tmp_path, server, monkeypatch):
    import ducha.rollup as rollup_module

    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    bozhou.publish()
    monkeypatch.setattr(rollup_module, "MAX_ITEMS_BYTES", 200)
    result = rollup(sources_yaml(tmp_path / "sources.yaml", [bozhou]), tmp_path / "out", now=NOW)
    assert result.cities[0].status == "missing"
    (finding,) = result.findings
    assert finding.code == "city_unreachable" and "超过上限 200 字节" in finding.message
    assert not list(tmp_path.glob("**/.bozhou.json.*.tmp"))  # no half-written download left behind


def test_ledger_read_from_git_in_memory_is_what_the_build_reads(tmp_path, server):
    """The recompute reads item files from Git, not from a checkout: the same items (a broken one
    left out, a .yml and a hidden file not read), the same inspections, the same open data."""
    items = city_items(3)
    items["items/2025/2025-0009.yaml"] = item_yaml("2025-0009", extra="public: true\n", lead="nosuchunit")
    items["items/2025/2025-0010.yml"] = item_yaml("2025-0010", extra="public: true\n")
    items["items/2025/.2025-0011.yaml"] = item_yaml("2025-0011", extra="public: true\n")
    items["items/2025/2025-0012.yaml"] = "id: [unclosed\n"
    bozhou = City(tmp_path, "bozhou", server, items)
    mirror = tmp_path / "bozhou-mirror.git"
    commit = bozhou.repo.git("rev-parse", "HEAD").strip()
    as_of = dt.date(2025, 6, 30)
    expected = open_data(bozhou.repo.root, as_of, use_cache=False)
    for use_cache in (False, True, True):  # no cache; then parsed and saved; then read from it
        cache = ItemCache(tmp_path / "province", code_key(), name="rollup-bozhou-parsed") if use_cache else None
        text, escalations = work.recompute(mirror, commit, "", as_of, tmp_path / "scratch", cache)
        assert text == expected.items_json and escalations == expected.escalations
    assert cache.entries == {} and ItemCache(tmp_path / "province", code_key(), name="rollup-bozhou-parsed").entries
    ids = [i["id"] for i in json.loads(text)["items"]]
    assert ids == ["2025-0001", "2025-0002", "2025-0003"]


def test_one_worker_or_several_give_the_same_site(tmp_path, server):
    cities = [City(tmp_path, f"c{n}", server, city_items(2, higher=("2025-0001",))) for n in range(3)]
    for city in cities:
        city.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", cities)
    alone = rollup(sources, tmp_path / "one", now=NOW, workers=1)  # in this process
    side_by_side = rollup(sources, tmp_path / "two", now=NOW, workers=2)  # in worker processes
    assert [c.status for c in alone.cities] == [c.status for c in side_by_side.cities] == ["ok"] * 3
    assert alone.items == side_by_side.items == 6
    assert _combined(tmp_path / "one") == _combined(tmp_path / "two")


def test_without_a_cache_folder_the_site_still_has_the_rows(tmp_path, server, monkeypatch):
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    monkeypatch.setenv("DUCHA_CACHE_DIR", str(tmp_path / "not-a-folder"))  # no cache can be kept
    cities = [City(tmp_path, f"c{n}", server, city_items(2)) for n in range(2)]
    for city in cities:
        city.publish()
    result = rollup(sources_yaml(tmp_path / "sources.yaml", cities, git=False), tmp_path / "out", now=NOW, workers=2)
    assert [c.status for c in result.cities] == ["ok", "ok"]
    table, items = _combined(tmp_path / "out")
    assert len(items) == 4 and table.count("\nc0,") == 2 and table.count("\nc1,") == 2
