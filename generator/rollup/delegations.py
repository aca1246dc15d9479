"""The province's own items that name city items (`delegated:`), checked against the cities' data.

Each delegation shows both sides' status. Findings, on the province's item
file and the delegation's line: the city item is not in the city's data
(`delegation_missing`), is not a `higher_assignment` there
(`delegation_not_higher`), or is done in the city while the province's own
latest verification of the item failed (`delegation_closed_unverified`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..evaluate import STATE_NAMES
from ..findings import Finding

DONE = ("completed", "closed")


@dataclass
class DelegationRow:
    province_item: str
    province_title: str
    province_state: str  # Chinese
    province_verification: str  # 通过 / 未通过 / ""
    city: str
    city_name: str
    city_item: str
    city_title: str = ""
    city_state: str = ""  # Chinese; "" when unknown
    city_url: str | None = None  # the item's page on the city's site
    stale: bool = False  # the city's data is its last good data, not today's
    known: bool = True  # the city is in sources.yaml (it has a page on the province site)
    problems: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # the findings' codes, in the order of `problems`


def check(result, cities: dict, items_by_city: dict[str, dict[str, dict]], stale: set[str]
          ) -> tuple[list[DelegationRow], list[Finding]]:
    """`result`: the province ledger's CheckResult; `cities`: id -> City; `items_by_city`: id -> {item id: row}."""
    rows: list[DelegationRow] = []
    findings: list[Finding] = []
    for item, status in result.items:
        if not item.delegated:
            continue
        verdicts = [e.result for e in status.events if e.type == "verified" and e.result]
        verification = {"pass": "通过", "fail": "未通过"}.get(verdicts[-1], "") if verdicts else ""
        for d in item.delegated:
            city = cities.get(d.city)
            row = DelegationRow(item.id, item.title, STATE_NAMES.get(status.state, status.state), verification,
                                d.city, city.name if city else d.city, d.item, stale=d.city in stale)
            rows.append(row)

            def add(code: str, message: str, row=row, d=d, item=item) -> None:
                row.problems.append(message)
                row.codes.append(code)
                findings.append(Finding(item.file, d.line, code, message, item=item.id))

            if city is None:
                row.known = False
                add("delegation_missing", f"事项 {item.id} 交办给的城市 {d.city} 不在汇总清单（sources.yaml）中："
                                          "请核对城市编号，或在 sources.yaml 中加上该市。")
                continue
            data = items_by_city.get(d.city)
            if data is None:
                row.city_state = "暂无数据"
                continue
            found = data.get(d.item)
            if found is None:
                add("delegation_missing", f"事项 {item.id} 交办给{city.name}的事项 {d.item} 不在该市的开放数据中"
                                          "（不存在，或未公开）：请与该市核对编号，或请该市公开此事项。")
                continue
            row.city_title = str(found.get("title") or "")
            row.city_state = str(found.get("state_name") or found.get("state") or "")
            row.city_url = f"{city.url}items/{d.item}/"
            if found.get("category") != "higher_assignment":
                add("delegation_not_higher", f"{city.name}的事项 {d.item} 类别是{found.get('category_name') or '其他'}，"
                                             "不是“上级政府交办事项”（higher_assignment）：请该市改正类别，"
                                             "或核对交办的事项编号。")
            if found.get("state") in DONE and verification == "未通过":
                add("delegation_closed_unverified", f"{city.name}已将事项 {d.item} 办结（{row.city_state}），"
                                                    f"但省级事项 {item.id} 最近一次复核未通过：请督促该市重新办理，"
                                                    "或在复核通过后补记复核记录。")
    return rows, findings
