"""What the province's IT staff read in the terminal of `ducha rollup`: found walking it by hand."""
from __future__ import annotations

from .conftest import City, Server, city_items, sources_yaml


def test_a_citys_findings_name_the_sources_file_actually_given(tmp_path, server, cli):
    (tmp_path / "www2").mkdir()
    down = Server(tmp_path / "www2")
    bozhou = City(tmp_path, "bozhou", server, city_items(1))
    fuyang = City(tmp_path, "fuyang", down, city_items(1))
    bozhou.publish()
    down.stop()  # never reached: the province has no data of it yet
    sources = sources_yaml(tmp_path / "cities.yaml", [bozhou, fuyang])
    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"))
    assert code == 0
    # cities.yaml, the line of fuyang's entry (line 7), its id; and not a claim of data that does not exist
    assert "cities.yaml:7: 警告" in err and "sources.yaml:" not in err and "（fuyang，" in err
    assert "还没有通过核验的数据" in err and "已保留" not in err


def test_reset_of_a_city_not_in_the_sources_is_an_error(tmp_path, server, cli):
    bozhou = City(tmp_path, "bozhou", server, city_items(1))
    bozhou.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou])
    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"), "--reset", "bozou",
                         "--fail-on", "invalid")
    assert code == 1
    assert "--reset bozou" in err and "没有编号为 bozou 的城市" in err and "bozhou" in err
    assert "字段填写错误（invalid_field）1 个" in err  # --fail-on says which errors made it fail


def test_port_out_of_range_is_a_typo_with_its_line(tmp_path, server, cli):
    bozhou = City(tmp_path, "bozhou", server, city_items(1))
    bozhou.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou],
                           extra="  - {id: anqing, name: 安庆市, url: 'http://127.0.0.1:99999/'}\n")
    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"))
    assert "sources.yaml:7: 错误" in err and "99999" in err and "端口" in err
    assert "安庆市" not in out  # left out, not reported as a city that is down


def test_full_does_not_claim_a_304(tmp_path, server, cli):
    bozhou = City(tmp_path, "bozhou", server, city_items(1))
    bozhou.publish()
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou])
    cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"))
    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"))
    assert "无变化（304）" in out
    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"), "--full")
    assert "（304）" not in out and "逐字节相同" in out
