"""Issue 21: a city whose history was rewritten (force-pushed) after a roll-up recorded its head."""
from __future__ import annotations

from ducha.rollup import rollup

from .conftest import NOW, City, city_items, sources_yaml


def test_force_pushed_history_is_found(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    bozhou.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou])
    first = rollup(sources, tmp_path / "out", now=NOW)
    recorded = first.cities[0].commit
    assert first.cities[0].status == "ok" and recorded

    # the city rewrites its published commit and force-pushes
    bozhou.repo.write("items/2025/2025-0001.yaml",
                      (bozhou.repo.root / "items/2025/2025-0001.yaml").read_text(encoding="utf-8").replace("已开工", "已完工"))
    bozhou.repo.git("add", "-A")
    bozhou.repo.git("commit", "-q", "--amend", "-m", "改写", env=bozhou.repo.identity())
    bozhou.publish(force=True)

    result = rollup(sources, tmp_path / "out", now=NOW)
    assert result.cities[0].status == "stale"
    (finding,) = result.findings
    assert finding.code == "history_rewritten" and recorded[:12] in finding.message and "强制推送" in finding.message
    assert "--reset bozhou" in finding.message  # what to run once the office has checked with the city
    assert result.cities[0].commit == recorded  # the last good data stays

    # once the office has checked with the city, --reset takes the new head as the starting point
    again = rollup(sources, tmp_path / "out", now=NOW, reset=("bozhou",))
    assert again.cities[0].status == "ok" and again.cities[0].commit != recorded and not again.findings


def test_published_commit_not_in_mirror(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(1))
    bozhou.change("items/2025/2025-0001.yaml", (bozhou.repo.root / "items/2025/2025-0001.yaml").read_text(
        encoding="utf-8") + "  - {date: 2025-05-01, type: progress, text: 未推送}\n")
    bozhou.publish(push=False)  # built from a commit the mirror never got
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou])
    result = rollup(sources, tmp_path / "out", now=NOW)
    assert [f.code for f in result.findings] == ["city_head_unknown"]
    assert result.cities[0].status == "missing"
