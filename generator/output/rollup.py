"""The summary `ducha rollup` prints: one line per city, the findings, where the site is."""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import SEVERITY_NAMES, title_of
from . import Output, lines

if TYPE_CHECKING:
    from ..rollup import RollupResult

_STATUS = {"ok": "已核验", "unchanged": "无变化（304）", "stale": "数据过期，保留上次的数据", "missing": "暂无数据"}


def rolled_up(result: RollupResult) -> Output:
    text = []
    for c in result.cities:
        s = c.summary or {}
        rate = "—" if s.get("rate") is None else f"{s['rate']:.0%}"
        status = _STATUS[c.status]
        if c.status == "unchanged" and c.requests > 1:
            status = "无变化（与上次核验过的逐字节相同）"  # --full: downloaded and hashed (a 304 is one request)
        line = f"  {c.city.name}（{c.city.id}）：{status}；数据日期 {c.data_date or '—'}，" \
               f"事项 {s.get('total', '—')}，超期 {s.get('overdue', '—')}，按时办结率 {rate}"
        if c.status in ("stale", "missing"):
            line += f"；自 {c.stale_since} 起：{c.reason}"
        text.append(line)
    err = [f"{f.file}:{f.line}: {SEVERITY_NAMES[f.severity]}：{title_of(f.code)}（{f.code}）：{f.message}"
           for f in result.findings]
    text.append(f"省级汇总网站：{result.site}（{len(result.cities)} 个城市，{result.items} 个事项，"
                f"{len(result.delegations)} 项交办）")
    status = 0
    if result.failed:
        status = 1
        if result.fail_on == "stale":
            which = f"有城市的数据过期（{'、'.join(c.city.name for c in result.stale)}）"
        else:
            counts: dict[str, int] = {}
            for f in result.invalid:
                counts[f.code] = counts.get(f.code, 0) + 1
            which = "有错误：" + "、".join(f"{title_of(code)}（{code}）{n} 个" for code, n in counts.items())
        err.append(f"因 --fail-on {result.fail_on}：{which}，以状态 1 退出（网站已照常更新）。")
    return Output(lines("各市情况：", *text), lines(*err) if err else "", status, err_first=True)
