"""Issue 21: open data edited after publishing is found (recomputed from the ledger at the published commit)."""
from __future__ import annotations

import json

from ducha.rollup import rollup

from .conftest import NOW, City, bump, city_items, sources_yaml


def _edit(city: City, change) -> None:
    path = city.site / "data" / "items.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    bump(city.site)


def test_open_data_edited_after_publishing(tmp_path, server, cli):
    bozhou = City(tmp_path, "bozhou", server, city_items(3))
    bozhou.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou])
    assert rollup(sources, tmp_path / "out", now=NOW).cities[0].status == "ok"

    def close_it(data):  # someone marks an item done on the web server
        data["items"][0]["state"] = "closed"
        data["items"][0]["state_name"] = "已落实"
    _edit(bozhou, close_it)
    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"), "--full",
                         "--fail-on", "invalid")
    assert code == 1
    assert "city_data_mismatch" in err and "事项 2025-0001 的 state" in err and "发布后数据可能被改动" in err
    combined = json.loads((tmp_path / "out" / "site" / "data" / "items.json").read_text(encoding="utf-8"))
    assert combined["cities"][0]["status"] == "stale"
    assert combined["items"][0]["state"] != "closed"  # the last good data, not the edited one


def test_data_against_its_schema_without_mirror(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    bozhou.publish()
    _edit(bozhou, lambda data: data["items"][1].update(days_overdue="很多"))
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou], git=False)
    result = rollup(sources, tmp_path / "out", now=NOW)
    assert result.cities[0].status == "missing"
    (finding,) = result.findings
    assert finding.code == "city_data_invalid" and "事项 2025-0002 的 days_overdue" in finding.message
