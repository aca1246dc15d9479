"""Issue 21: a city that cannot be fetched keeps its last good data, marked stale with date and reason."""
from __future__ import annotations

import datetime as dt

from ducha.rollup import rollup

from .conftest import NOW, City, Server, city_items, sources_yaml


def test_city_down_keeps_last_good_data(tmp_path, server, cli):
    (tmp_path / "www2").mkdir()
    other = Server(tmp_path / "www2")
    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    fuyang = City(tmp_path, "fuyang", other, city_items(3))
    bozhou.publish()
    fuyang.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou, fuyang])
    rollup(sources, tmp_path / "out", now=NOW)
    other.stop()  # fuyang's site is down

    later = NOW + dt.timedelta(days=1)
    result = rollup(sources, tmp_path / "out", now=later)
    fuyang_result = next(c for c in result.cities if c.city.id == "fuyang")
    assert fuyang_result.status == "stale"
    assert "连接被拒绝" in fuyang_result.reason and fuyang_result.stale_since == "2025-07-01"
    assert fuyang_result.summary["total"] == 3  # its last good data
    assert [f.code for f in result.findings] == ["city_unreachable"]
    site = tmp_path / "out" / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "数据过期" in home and "连接被拒绝" in home
    assert (site / "data" / "items.csv").read_text(encoding="utf-8-sig").count("\nfuyang,") == 3
    assert "上次通过核验的数据" in (site / "cities" / "fuyang" / "index.html").read_text(encoding="utf-8")

    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"))
    assert code == 0 and "city_unreachable" in err  # not asked to fail
    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"), "--fail-on", "stale")
    assert code == 1 and "--fail-on stale" in err and "Traceback" not in err
    assert (site / "index.html").is_file()  # the site was still published
