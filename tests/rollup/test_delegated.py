"""Issue 21: a province's items delegated to city items, checked against the cities' data."""
from __future__ import annotations

from ducha.rollup import rollup

from ..conftest import item_yaml, parse, write_ledger
from .conftest import NOW, City, city_items, sources_yaml


def test_delegated_item_closed_in_city_while_province_verification_failed(tmp_path, server, cli):
    bozhou = City(tmp_path, "bozhou", server, city_items(3, higher=("2025-0002",), closed=("2025-0002",)))
    bozhou.publish()
    province = write_ledger(tmp_path / "province", {
        "items/2025/2025-0100.yaml": item_yaml("2025-0100", category="meeting_decision", extra="""\
            deadline: 2025-12-31
            delegated:
              - {city: bozhou, item: 2025-0002}
              - {city: bozhou, item: 2025-0001}
              - {city: bozhou, item: 2025-0099}
              - {city: suzhou, item: 2025-0001}
            """, events=["date: 2025-05-01, type: verified, result: fail, text: 现场核查未完成"]),
    })
    sources = sources_yaml(tmp_path / "sources.yaml", [bozhou])
    result = rollup(sources, tmp_path / "out", province=province, now=NOW)

    by_line = {f.line: f for f in result.findings}
    assert {(f.code, f.line) for f in result.findings} == {
        ("delegation_closed_unverified", 8), ("delegation_not_higher", 9), ("delegation_missing", 10),
        ("delegation_missing", 11)}
    assert all(f.file == "items/2025/2025-0100.yaml" and f.item == "2025-0100" for f in result.findings)
    assert "最近一次复核未通过" in by_line[8].message and "不是“上级政府交办事项”" in by_line[9].message
    assert "sources.yaml" in by_line[11].message

    page = (tmp_path / "out" / "site" / "delegated" / "index.html").read_text(encoding="utf-8")
    assert "<td>未通过</td>" in page and "<td>已落实</td>" in page  # both sides' status
    assert f'href="{bozhou.url}items/2025-0002/"' in page

    code, out, err = cli("rollup", "--sources", str(sources), "--out", str(tmp_path / "out"), "--ledger",
                         str(province), "--fail-on", "invalid")
    assert code == 1 and "delegation_missing" in err


def test_delegated_field_is_validated():
    item, findings = parse(item_yaml(extra="""\
        delegated:
          - {city: bozhou, item: 2025-0042}
          - {city: bozhou, item: 2025-0042}
          - {city: 亳州, item: 2025-0001}
          - bozhou
        """))
    assert [d.item for d in item.delegated] == ["2025-0042"]
    assert [(f.code, f.line) for f in findings] == [("invalid_field", 8), ("invalid_field", 9), ("invalid_field", 10)]
    assert "重复" in findings[0].message and "城市编号" in findings[1].message and "映射" in findings[2].message
