"""Findings: what `ducha validate`, `check` and `audit` report, as plain data.

A finding never prints itself; the printers in `generator.printers` turn a
list of findings into text, JSON, CI annotations or JUnit XML.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_RANK = {INFO: 0, WARNING: 1, ERROR: 2}

# The stable codes of `ducha check`/`audit`/`signals` output (README; each
# rule's own in docs/rules.md §10), with the severity each one carries.
# Errors make the data wrong; warnings make the work late; info is advice.
CODES: dict[str, str] = {
    "yaml_syntax": ERROR,
    "invalid_field": ERROR,
    "duplicate_id": ERROR,
    "id_mismatch": ERROR,
    "unknown_unit": ERROR,
    "unknown_source": ERROR,  # an item's source_id names no sources/<id>.yaml (issue 17)
    "missing_deadline": ERROR,
    "deadline_before_assigned": ERROR,  # a deadline earlier than the assignment: a slip of the year
    "deadline_beyond_limit": ERROR,
    "overdue": WARNING,
    "hard_deadline_passed": WARNING,
    "report_missing": WARNING,
    "no_advance_notice": WARNING,
    "escalation_pending": WARNING,
    "review_rate_low": WARNING,
    "provisional_deadline": INFO,
    "visits_low": WARNING,
    "follow_up_missed": WARNING,
    "personal_data": ERROR,  # personal information in a text the public site shows (issue 15)
    "source_personal_data": ERROR,  # …in a public decision's page (issue 17)
    # ducha audit: the Git history of the ledger.
    "append_only_violation": ERROR,
    "backdated_event": ERROR,
    "future_event": ERROR,
    "unauthorised_change": ERROR,
    "unsigned_commit": ERROR,
    "history_rewritten": ERROR,
    "committer_date_out_of_range": ERROR,  # (audit --landing-time) a pushed commit dated far from the push
    # ducha signals: integrity hints, never errors (generator.signals; a
    # signal may be raised to warning or lowered to info case by case).
    "completed_without_progress": WARNING,
    "copied_report": WARNING,
    "deadline_day_rush": WARNING,
    "repeated_extension": INFO,
    "backfilled_events": WARNING,
    "batch_filing": INFO,
    "verification_failures": WARNING,
    # ducha rollup: the cities' published data (generator.rollup) and the province's delegations.
    "city_unreachable": WARNING,  # the city's site could not be fetched: its last good data is kept, marked stale
    "city_data_invalid": ERROR,  # the open data does not match its published schema, or cannot be read
    "city_head_unknown": ERROR,  # the published head commit is not on any branch of the city's mirror
    "city_data_mismatch": ERROR,  # the open data differs from what the ledger at the published commit gives
    "delegation_missing": ERROR,  # a delegated city item is not in the city's data
    "delegation_not_higher": WARNING,  # the city item is not a higher_assignment (上级政府交办事项)
    "delegation_closed_unverified": WARNING,  # closed in the city while the province's verification failed
}

# The Chinese title of each code: what a person reads on the sites and in
# the CLI wherever a code alone would be shown (issue 13). The code itself
# stays the stable name in the JSON output (README). Each rule module's
# TITLE is its entry here (tests/test_rules_doc.py).
TITLES: dict[str, str] = {
    "yaml_syntax": "YAML 格式错误",
    "invalid_field": "字段填写错误",
    "duplicate_id": "事项编号重复",
    "id_mismatch": "编号与文件名不符",
    "unknown_unit": "单位不存在",
    "unknown_source": "决策部署不存在",
    "missing_deadline": "缺少办结期限",
    "deadline_before_assigned": "办结期限早于交办日期",
    "deadline_beyond_limit": "期限超过最长时限",
    "overdue": "超期未办结",
    "hard_deadline_passed": "超过最长办理时限",
    "report_missing": "缺报月报",
    "no_advance_notice": "未提前报告",
    "escalation_pending": "待督办",
    "review_rate_low": "复核率不足",
    "provisional_deadline": "期限按推定日历计算",
    "visits_low": "带队督查次数不足",
    "follow_up_missed": "未按期回头看",
    "personal_data": "公开内容含个人信息",
    "source_personal_data": "公开的决策部署含个人信息",
    "append_only_violation": "改动了已有记录",
    "backdated_event": "补录（倒签）记录",
    "future_event": "记录日期在将来",
    "unauthorised_change": "无权限的修改",
    "unsigned_commit": "提交未签名",
    "history_rewritten": "改写了已发布的历史",
    "committer_date_out_of_range": "提交时间异常",
    # ducha signals (each module's TITLE; a test keeps them equal).
    "completed_without_progress": "办结前从未报告进展",
    "copied_report": "报告文字照抄",
    "deadline_day_rush": "办结集中在期限当天",
    "repeated_extension": "反复延期或期限当天申请延期",
    "backfilled_events": "一次补录跨度很长的记录",
    "batch_filing": "集中补报月度进展",
    "verification_failures": "复核未通过与退回重办",
    "city_unreachable": "无法获取城市数据",
    "city_data_invalid": "城市开放数据不符合格式",
    "city_head_unknown": "发布的提交不在城市台账中",
    "city_data_mismatch": "开放数据与台账不一致",
    "delegation_missing": "交办的城市事项不存在",
    "delegation_not_higher": "城市事项不是上级交办事项",
    "delegation_closed_unverified": "城市已办结但省级复核未通过",
}
SEVERITY_NAMES = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


def title_of(code: str) -> str:
    """The Chinese title of a finding code (the code itself if it has none)."""
    return TITLES.get(code, code)


# Codes that `--fail-on overdue` treats as failures besides every error.
OVERDUE_CODES = frozenset({"overdue", "hard_deadline_passed"})


@dataclass(frozen=True)
class Finding:
    """One problem found in the ledger.

    `file` is relative to the ledger folder with forward slashes; `line` is
    1-based. `item` is the item id when known (a file that cannot be read
    has none). Two findings are equal when file, line and code agree, so
    tests compare what a user would act on; `sort_key` gives reading order.
    """

    file: str | None
    line: int | None
    code: str
    message: str = field(compare=False)
    item: str | None = field(default=None, compare=False)
    severity: str = field(default="", compare=False)
    column: int | None = field(default=None, compare=False)
    commit: str | None = field(default=None, compare=False)  # full sha, for audit findings

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown finding code: {self.code}")
        if not self.severity:
            object.__setattr__(self, "severity", CODES[self.code])

    def to_dict(self) -> dict[str, object]:
        """The finding as the JSON object of `ducha check --format json`."""
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity,
            "item": self.item,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }
        if self.column is not None:
            out["column"] = self.column
        if self.commit is not None:
            out["commit"] = self.commit
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            file=data["file"],
            line=data["line"],
            code=data["code"],
            message=data["message"],
            item=data.get("item"),
            severity=data.get("severity", ""),
            column=data.get("column"),
            commit=data.get("commit"),
        )


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file or "\uffff", f.line or 0, f.column or 0, f.code)


def fails(findings: list[Finding], fail_on: str) -> bool:
    """Whether `findings` reach the `--fail-on` threshold.

    `error`: any error. `overdue`: any error, or an item past its
    deadline (overdue, hard_deadline_passed). `never`: nothing fails.
    """
    if fail_on == "never":
        return False
    for f in findings:
        if f.severity == ERROR:
            return True
        if fail_on == "overdue" and f.code in OVERDUE_CODES:
            return True
    return False
