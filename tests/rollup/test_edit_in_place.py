"""Issue 21: what an edit of a city's items.json in place costs to find.

The default run asks only for ledger-head.json (one conditional request per unchanged city): an
edit of items.json alone, after the province verified it, is not seen until the city publishes
again. `--full` downloads every city's data and finds it; an untouched city is then only hashed
(byte for byte the data verified last time), not verified again."""
from __future__ import annotations

import json
import os
import time

from ducha.rollup import rollup

from .conftest import NOW, City, city_items, sources_yaml


def test_edit_in_place_is_found_by_full_and_an_untouched_city_is_not_verified_again(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    fuyang = City(tmp_path, "fuyang", server, city_items(2))
    bozhou.publish()
    fuyang.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou, fuyang])
    assert [c.status for c in rollup(sources, tmp_path / "out", now=NOW).cities] == ["ok", "ok"]

    data = bozhou.site / "data" / "items.json"  # edited on the web server; ledger-head.json untouched
    edited = json.loads(data.read_text(encoding="utf-8"))
    edited["items"][0]["state"], edited["items"][0]["state_name"] = "closed", "已落实"
    data.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    later = time.time() + 500
    os.utime(data, (later, later))

    server.log.clear()
    quick = rollup(sources, tmp_path / "out", now=NOW)
    assert [c.status for c in quick.cities] == ["unchanged", "unchanged"]  # one request each: not seen
    assert sorted(server.log) == [("/bozhou/ledger-head.json", 304), ("/fuyang/ledger-head.json", 304)]

    full = rollup(sources, tmp_path / "out", now=NOW, full=True)
    status = {c.city.id: c.status for c in full.cities}
    assert status == {"bozhou": "stale", "fuyang": "unchanged"}  # fuyang: downloaded, hashed, the same
    (finding,) = full.findings
    assert finding.code == "city_data_mismatch" and "事项 2025-0001 的 state" in finding.message
