"""Issue 21: a clean roll-up of city sites served over HTTP, one of them a real `ducha build`."""
from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys

from .conftest import AS_OF, City, city_items, sources_yaml


def test_clean_rollup_of_built_city_sites(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(3, higher=("2025-0002",)))
    fuyang = City(tmp_path, "fuyang", server, city_items(2))
    # bozhou publishes a real site, built by `ducha build` from its ledger
    build = subprocess.run([sys.executable, "-m", "ducha", "build", "--ledger", str(bozhou.repo.root), "--out",
                            str(tmp_path / "built"), "--as-of", AS_OF.isoformat()], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    shutil.move(tmp_path / "built" / "public", bozhou.site)
    fuyang.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou, fuyang])

    proc = subprocess.run([sys.executable, "-m", "ducha", "rollup", "--sources", str(sources), "--out",
                           str(tmp_path / "province"), "--fail-on", "invalid"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "bozhou市（bozhou）：已核验" in proc.stdout and "fuyang市（fuyang）：已核验" in proc.stdout
    site = tmp_path / "province" / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "bozhou市" in home and "fuyang市" in home and "已核验" in home and "数据过期" not in home.split("<table")[1]
    city_page = (site / "cities" / "bozhou" / "index.html").read_text(encoding="utf-8")
    assert f'href="{bozhou.url}items/2025-0002/"' in city_page  # the city's own item page
    assert "已与该市台账镜像核对" in city_page
    assert "全部城市的数据都通过了核验" in (site / "checks" / "index.html").read_text(encoding="utf-8")

    rows = list(csv.DictReader(io.StringIO((site / "data" / "items.csv").read_text(encoding="utf-8-sig"))))
    assert {(r["城市编号"], r["事项编号"]) for r in rows} == {
        ("bozhou", "2025-0001"), ("bozhou", "2025-0002"), ("bozhou", "2025-0003"),
        ("fuyang", "2025-0001"), ("fuyang", "2025-0002")}
    combined = json.loads((site / "data" / "items.json").read_text(encoding="utf-8"))
    assert {c["id"]: c["status"] for c in combined["cities"]} == {"bozhou": "ok", "fuyang": "ok"}
    assert all(i["city"] in ("bozhou", "fuyang") for i in combined["items"]) and len(combined["items"]) == 5
    # offline: no page loads anything from another host
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "<script src=\"http" not in text
    assert not [p for p in (tmp_path / "province").iterdir() if p.name != "site"]  # no work folder left behind


def test_sources_problems_are_findings_with_lines(tmp_path, server, cli):
    bozhou = City(tmp_path, "bozhou", server, city_items(1))
    bozhou.publish()
    sources = tmp_path / "sources.yaml"
    sources.write_text(f"cities:\n  - id: bozhou\n    name: 亳州市\n    url: {bozhou.url}\n"
                       "  - id: evil\n    name: 坏城市\n    url: file:///etc/\n", encoding="utf-8")
    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "province"))
    assert code == 0
    assert "sources.yaml:7" in err and "http:// 或 https://" in err
    assert "亳州市（bozhou）：已核验" in out
