"""Issue 21: an unchanged city costs one conditional request, answered 304."""
from __future__ import annotations

from ducha.rollup import rollup

from .conftest import NOW, City, city_items, sources_yaml


def test_unchanged_city_is_one_304(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    fuyang = City(tmp_path, "fuyang", server, city_items(2))
    bozhou.publish()
    fuyang.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou, fuyang])
    rollup(sources, tmp_path / "out", now=NOW)

    fuyang.change("items/2025/2025-0002.yaml", (fuyang.repo.root / "items/2025/2025-0002.yaml").read_text(
        encoding="utf-8") + "  - {date: 2025-05-01, type: completed, text: 已完成}\n")
    fuyang.publish()
    server.log.clear()
    result = rollup(sources, tmp_path / "out", now=NOW)

    bozhou_requests = [(p, s) for p, s in server.log if p.startswith("/bozhou/")]
    assert bozhou_requests == [("/bozhou/ledger-head.json", 304)]
    assert ("/fuyang/data/items.json", 200) in server.log  # the changed city is fetched and verified again
    status = {c.city.id: c.status for c in result.cities}
    assert status == {"bozhou": "unchanged", "fuyang": "ok"}
    assert {c.city.id: c.summary["done"] for c in result.cities} == {"bozhou": 0, "fuyang": 1}
    home = (tmp_path / "out" / "site" / "index.html").read_text(encoding="utf-8")
    assert "无变化（已核验）" in home
    csv_text = (tmp_path / "out" / "site" / "data" / "items.csv").read_text(encoding="utf-8-sig")
    assert csv_text.count("\nbozhou,") == 2  # the unchanged city's data is still combined
