"""The ledger's data model: categories, item and event fields, ledger settings.

The field tables here are the single source for validation
(`generator.validate`) and for the JSON Schemas of `ducha schema`, so the
editor's hover text and the CLI's messages always agree.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# --- Categories (docs/rules.md §1) -------------------------------------------------


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    # Default deadline: ("year_end",), ("months", n), ("working_days", n),
    # or None where an explicit deadline is required.
    default: tuple[str] | tuple[str, int] | None
    hard_limit_months: int | None = None


CATEGORIES: dict[str, Category] = {c.key: c for c in [
    Category("work_report", "《政府工作报告》目标任务", ("year_end",)),
    Category("policy_document", "重要政策性文件", ("months", 3)),
    Category("meeting_decision", "重要会议决定事项", None),
    Category("leader_instruction", "领导批示件和交办事项", None),
    Category("leader_research", "领导调研明确事项", None),
    Category("npc_suggestion", "人大代表建议", ("months", 3), hard_limit_months=6),
    Category("cppcc_proposal", "政协委员提案", ("months", 3), hard_limit_months=6),
    Category("npc_motion", "人大议案", ("months", 6)),
    Category("npc_review", "人大常委会审议意见", None),
    Category("higher_assignment", "上级政府交办事项", ("months", 3)),
    Category("netizen_message", "人民网网友留言", ("working_days", 10)),
    Category("central_work", "阶段性中心工作", None),
]}

NETIZEN_REVIEW_RATE = 0.30

# --- Field declarations -------------------------------------------------------


@dataclass(frozen=True)
class FieldSpec:
    """One key of an item, event or ledger mapping.

    kind: str | text | date | bool | int | unit | units | category | enum | url |
    events | number. `title`/`help` are the Chinese texts shown in editors
    and error messages.
    """

    name: str
    kind: str
    title: str
    help: str
    required: bool = False
    choices: tuple[str | int, ...] = ()
    internal: bool = False
    # Bounds of an int or number field (inclusive); None: only the general
    # limit of `MAX_INT_DIGITS` digits applies.
    minimum: int | float | None = None
    maximum: int | float | None = None


# Patterns for JSON Schema (ECMA-262: `$` is the end of the input). Python
# code matches the `*_CHARS` forms with `re.fullmatch`: Python's `$` also
# matches before a final newline, and its `\d` matches any Unicode digit.
ID_CHARS = r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}"
UNIT_ID_CHARS = r"[a-z0-9_-]{1,64}"
# A public site's address: http(s), a host name or address, an optional port and path;
# no user, query or fragment; printable ASCII only (a Chinese domain is written in punycode).
SITE_URL_CHARS = r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252}[A-Za-z0-9])?(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/-]{0,200})?"
SITE_URL_PATTERN = f"^{SITE_URL_CHARS}$"
SITE_URL_MAX = 300
ID_PATTERN = f"^{ID_CHARS}$"
UNIT_ID_PATTERN = f"^{UNIT_ID_CHARS}$"

# Every date in a ledger lies in these years (issue 9, point 12): deadlines and
# periods computed from them stay far from the limits of Python's dates.
MIN_YEAR = 2000
MAX_YEAR = 2100
# No integer in a ledger needs more digits than this.
MAX_INT_DIGITS = 9

ITEM_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("id", "str", "事项编号", "与文件名相同（不含 .yaml），只能用字母、数字、- 和 _，例如 2025-0042。", required=True),
    FieldSpec("title", "str", "事项标题", "一句话写清要落实什么，例如：完成城区老旧小区改造120个。", required=True),
    FieldSpec("category", "category", "事项类别", "决定默认办理期限，见 docs/rules.md 第 1 节，例如 work_report。", required=True),
    FieldSpec("source", "str", "事项来源", "例如：2025年《政府工作报告》、市政府第12次常务会议。"),
    FieldSpec("source_id", "str", "决策部署", "sources/ 中决策部署（会议、文件、政府工作报告等）的编号，即 sources/<编号>.yaml 的文件名，"
              "例如 2025-gzbg；同一会议或文件分解出的事项写同一个编号。"),
    FieldSpec("description", "text", "具体内容", "任务的具体要求，可多行。"),
    FieldSpec("assigned", "date", "交办日期", "写成 YYYY-MM-DD，例如 2025-02-20。所有期限从次日起算。", required=True),
    FieldSpec("lead_unit", "unit", "主办单位", "ledger.yaml 中的单位编号，例如 zjj。", required=True),
    FieldSpec("co_units", "units", "协办单位", "单位编号列表，例如 [qcq, czj]。"),
    FieldSpec("deadline", "date", "办结期限", "写成 YYYY-MM-DD。不写时按类别的默认期限计算；会议决定、领导批示等类别必须写。"),
    FieldSpec("verify", "bool", "需要复核", "true 表示办结后须经督查室实地复核才算落实。"),
    FieldSpec("follow_up", "bool", "回头看", "true 表示办结后要组织“回头看”“再督查”。"),
    FieldSpec("public", "bool", "向社会公开", "true 表示在公开网站上展示；默认 false。"),
    FieldSpec("contact", "str", "联系人", "承办联系人及电话，仅内部可见。", internal=True),
    FieldSpec("note", "text", "内部备注", "仅内部网站可见。", internal=True),
    FieldSpec("requester", "text", "留言人", "网友留言等的留言人姓名、网名和联系方式，仅内部可见，公开网站从不显示。", internal=True),
    FieldSpec("delegated", "delegations", "交办给下级",
              "省级台账用：本事项交办给各市后，各市台账中对应的事项，每项写城市编号和该市的事项编号，"
              "例如 [{city: bozhou, item: 2025-0042}]。ducha rollup 据此显示双方的办理情况。"),
    FieldSpec("events", "events", "办理记录", "按日期先后追加，只增不改。"),
]}

EVENT_TYPES: dict[str, str] = {
    "progress": "进展报告",
    "extension": "延期申请",
    "urge": "催办",
    "returned": "退回重办",
    "leader_demand": "领导明确整改要求",
    "explanation": "说明原因",
    "circular": "通报",
    "transfer": "移交监察",
    "completed": "办结",
    "verified": "复核",
    "evaluation": "第三方评估",
    "reinspection": "回头看（再督查）",
}

# Event types the public sees by default (docs/rules.md §10). Extensions are public
# only once approved; circulars only when marked public.
PUBLIC_EVENT_TYPES = frozenset({"progress", "completed", "verified", "evaluation", "reinspection"})



EVENT_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("date", "date", "日期", "写成 YYYY-MM-DD；不得早于上一条记录。", required=True),
    FieldSpec("type", "enum", "记录类型", "进展、催办、办结等。", required=True, choices=tuple(EVENT_TYPES)),
    FieldSpec("text", "text", "内容", "对外公开的说明文字（若该记录公开）。"),
    FieldSpec("note", "text", "内部备注", "仅内部可见。", internal=True),
    FieldSpec("by", "str", "记录人", "可选：记录人或单位。", internal=True),
    FieldSpec("public", "bool", "公开本条", "true：即使此类记录默认不公开，也在公开网站展示；false：不公开。"),
    FieldSpec("new_deadline", "date", "新期限", "延期申请的新期限，写成 YYYY-MM-DD。"),
    FieldSpec("approved", "bool", "已批准", "延期申请：true 批准，false 不批准，不写表示待批。"),
    FieldSpec("accepted", "bool", "原因已采纳", "说明原因：true 表示督查室认可所说原因。"),
    FieldSpec("level", "int", "通报级别", "1：督查室通报；2：政府办公室通报。", choices=(1, 2)),
    FieldSpec("kind", "enum", "通报性质", "criticism 批评（默认）或 praise 表扬。", choices=("criticism", "praise")),
    FieldSpec("result", "enum", "复核结果", "pass 通过，fail 未通过。", choices=("pass", "fail")),
    FieldSpec("evaluator", "str", "评估机构", "第三方评估机构名称。"),
    FieldSpec("grade", "str", "评估等次", "例如：优秀、良好。"),
    FieldSpec("score", "number", "评估分数", "0–100。", minimum=0, maximum=100),
    FieldSpec("report", "str", "报告编号", "评估报告的文号或链接。"),
]}

# Keys each event type requires or allows beyond date/type/text/note/by/public.
EVENT_TYPE_FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "progress": ((), ()),
    "extension": (("new_deadline",), ("approved",)),
    "urge": ((), ()),
    "returned": ((), ()),
    "leader_demand": ((), ()),
    "explanation": ((), ("accepted",)),
    "circular": ((), ("level", "kind")),
    "transfer": ((), ()),
    "completed": ((), ()),
    "verified": (("result",), ()),
    "evaluation": (("evaluator",), ("grade", "score", "report")),
    "reinspection": ((), ("result",)),
}
COMMON_EVENT_KEYS = ("date", "type", "text", "note", "by", "public")

UNIT_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("id", "str", "单位编号", "小写字母、数字、- 和 _，例如 zjj。", required=True),
    FieldSpec("name", "str", "单位名称", "例如：市住房和城乡建设局。", required=True),
    FieldSpec("role", "enum", "角色", "office：督查室；unit：承办单位（默认）。", choices=("office", "unit")),
    FieldSpec("short", "str", "简称", "大家常用的简称，例如：住建局。公开网站按简称也能搜到本单位的事项。"),
    FieldSpec("aliases", "strs", "别名", "人们常用的其他叫法，例如 [市住建局, 住房城乡建设局]；命令行中可代替单位编号，"
              "公开网站按别名也能搜到本单位的事项。"),
]}

PERSON_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("email", "str", "提交邮箱", "Git 提交使用的邮箱。", required=True),
    FieldSpec("name", "str", "姓名", "", required=True),
    FieldSpec("unit", "unit", "所在单位", "单位编号；人员的角色取其单位的角色。", required=True),
]}

CALENDAR_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("holidays", "dates", "补充放假日", "官方日历之外的放假日（含新公布年份的放假安排）。"),
    FieldSpec("workdays", "dates", "补充调休上班日", "官方日历之外的周末上班日（调休）。"),
    FieldSpec("confirmed_years", "years", "已确认年份", "本台账已按国务院办公厅通知补全放假安排的年份，例如 [2027]。"),
]}

AUDIT_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("backdate_days", "int", "补录容忍天数", "记录提交日期晚于记录日期超过此天数即视为补录（倒签），默认 7；0–365。",
              minimum=0, maximum=365),
    FieldSpec("require_signed", "bool", "要求签名", "true：每个台账提交都须有作者本人的有效签名。"),
    FieldSpec("allowed_signers", "str", "签名公钥文件", "Git gpg.ssh.allowedSignersFile 格式，相对台账目录。"),
]}

# `signals:` in ledger.yaml: thresholds of `ducha signals` (docs/rules.md §9).
SIGNAL_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("progress_months", "int", "应报进展的期限（月）",
              "completed_without_progress：办理期限距交办超过此月数、却从未报告进展就办结的事项，默认 1。"),
    FieldSpec("copy_similarity", "number", "报告相似度",
              "copied_report：两段报告文字（去掉空白和标点后按 3 字片段比较）相似度达到此值即视为照抄，0.5–1，默认 0.9。"),
    FieldSpec("copy_min_chars", "int", "比较的最短字数",
              "copied_report：去掉空白和标点后少于此字数的报告（如“已办结”）不比较，默认 12。"),
    FieldSpec("rush_factor", "number", "期限当天办结倍数",
              "deadline_day_rush：单位在期限当天（或前一个工作日）办结的比例达到全台账比例的此倍数才提示，默认 2。"),
    FieldSpec("rush_min_share", "number", "期限当天办结比例",
              "deadline_day_rush：单位在期限当天（或前一个工作日）办结的比例至少为此值（0–1）才提示，默认 0.5。"),
    FieldSpec("rush_min_completions", "int", "期限当天办结最少件数",
              "deadline_day_rush：单位在期间内办结少于此件数时不比较，默认 5。"),
    FieldSpec("extensions", "int", "延期次数", "repeated_extension：一个事项申请延期达到此次数即提示，默认 2。"),
    FieldSpec("backfill_days", "int", "一次补录跨度（天）",
              "backfilled_events：一个提交添加的记录，日期最早与最晚相差超过此天数即提示，默认 60。"),
    FieldSpec("batch_months", "int", "一天补报月份数",
              "batch_filing：一个单位在同一天（或同一提交）补报的进展报告涉及此数目的不同月份即提示，默认 3。"),
    FieldSpec("failures", "int", "复核未通过与退回次数",
              "verification_failures：一个单位复核未通过、回头看未通过和退回重办合计达到此次数即提示，默认 2。"),
]}
# Allowed range of each setting; a value outside it is reported and the default kept.
SIGNAL_LIMITS: dict[str, tuple[float, float]] = {
    "progress_months": (1, 24), "copy_similarity": (0.5, 1.0), "copy_min_chars": (3, 1000),
    "rush_factor": (1.0, 100.0), "rush_min_share": (0.0, 1.0), "rush_min_completions": (1, 100_000),
    "extensions": (2, 100), "backfill_days": (1, 3650), "batch_months": (2, 120), "failures": (1, 100_000),
}


@dataclass(frozen=True)
class SignalSettings:
    """Thresholds of the integrity signals (`signals:` in ledger.yaml); the defaults are documented."""

    progress_months: int = 1
    copy_similarity: float = 0.9
    copy_min_chars: int = 12
    rush_factor: float = 2.0
    rush_min_share: float = 0.5
    rush_min_completions: int = 5
    extensions: int = 2
    backfill_days: int = 60
    batch_months: int = 3
    failures: int = 2


LEADER_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("id", "str", "领导编号", "小写字母、数字、- 和 _，例如 mayor。", required=True),
    FieldSpec("name", "str", "姓名", "", required=True),
    FieldSpec("title", "str", "职务", "例如：市长、副市长。"),
]}

ASSESSMENT_KEYS = ("base", "on_time_completion", "overdue_day", "urge", "circular_1", "circular_2", "transfer",
                   "late_report")
# One weight of `assessment:`; scores are out of about 100.
ASSESSMENT_WEIGHT = FieldSpec("assessment", "number", "考核权重", "每项的分值，-1000 到 1000。",
                              minimum=-1000, maximum=1000)

INSPECTION_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("leader", "str", "带队领导", "ledger.yaml 中 leaders 的编号。", required=True),
    FieldSpec("date", "date", "日期", "写成 YYYY-MM-DD。", required=True),
    FieldSpec("places", "strs", "督查地点", "地点列表。"),
    FieldSpec("items", "strs", "涉及事项", "事项编号列表，例如 [2025-0001]。"),
    FieldSpec("findings", "text", "发现的问题", "督查发现与要求。"),
    FieldSpec("note", "text", "内部备注", "仅内部可见。", internal=True),
]}

# --- Decisions and their tasks (sources/<id>.yaml, issue 17) ---------------------

# Kind of a source → (Chinese name, the category its tasks take).
SOURCE_KINDS: dict[str, tuple[str, str]] = {
    "meeting": ("会议", "meeting_decision"),
    "document": ("文件", "policy_document"),
    "work_report": ("政府工作报告", "work_report"),
    "instruction": ("领导批示", "leader_instruction"),
    "research": ("领导调研", "leader_research"),
    "higher": ("上级交办", "higher_assignment"),
    "other": ("其他", "central_work"),
}

SOURCE_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("id", "str", "编号", "与文件名相同（不含 .yaml），只能用字母、数字、- 和 _，例如 2025-cwh-12。", required=True),
    FieldSpec("title", "str", "名称", "会议、文件或报告的名称，例如：市政府第12次常务会议。", required=True),
    FieldSpec("kind", "enum", "类型", "meeting 会议、document 文件、work_report 政府工作报告、instruction 领导批示、"
              "research 领导调研、higher 上级交办、other 其他；决定分解出的事项的类别。", required=True,
              choices=tuple(SOURCE_KINDS)),
    FieldSpec("date", "date", "日期", "会议召开、文件印发或报告通过的日期，写成 YYYY-MM-DD；分解出的事项以此为交办日期。",
              required=True),
    FieldSpec("number", "str", "文号", "可选，例如：亳政〔2025〕12号。"),
    FieldSpec("public", "bool", "向社会公开", "true：公开网站上有这项决策部署的落实进展页（只列公开的事项）；默认 false。"),
    FieldSpec("description", "text", "说明", "可选：会议议定事项、文件要点等，可多行。"),
]}


@dataclass
class Source:
    """A decision whose tasks are items (`sources/<id>.yaml`): a meeting, a document, the work report."""

    id: str
    title: str
    kind: str
    date: dt.date
    file: str
    number: str | None = None
    public: bool = False
    description: str | None = None
    # Line of each key in the file, for findings about its values.
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)

    @property
    def kind_name(self) -> str:
        return SOURCE_KINDS[self.kind][0]

    @property
    def category(self) -> str:
        """The category of the items decomposed from it."""
        return SOURCE_KINDS[self.kind][1]


PRIVACY_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("allow", "strs", "可公开的号码", "对外公布的办公电话、热线、公务邮箱等，个人信息检查不报，公开网站也不遮盖，"
              "例如 [\"12345\", \"0558-5123456\"]。"),
]}

LEDGER_FIELDS: dict[str, FieldSpec] = {f.name: f for f in [
    FieldSpec("format", "int", "台账格式版本", "由 ducha init 写入，请勿修改；比本机 ducha 新的格式会提示升级 ducha。"),
    FieldSpec("min_ducha", "str", "所需最低 ducha 版本", "读取本台账至少需要的 ducha 版本，与 format 一同由 ducha 写入。"),
    FieldSpec("name", "str", "台账名称", "显示在网站和报告上，例如：亳州市政府督查台账。"),
    FieldSpec("site_url", "url", "公开网站地址", "公开网站发布后的完整网址，以 / 结尾，例如 https://ducha.example.gov.cn/ "
              "或 https://example.gitlab.io/ledger/；用于网站地图、规范链接和 404 页面的链接。"),
    FieldSpec("leaders", "list", "政府领导", "带队督查的领导（每月至少 2 次）。"),
    FieldSpec("assessment", "map", "考核计分", "单位考核得分的权重，见 README。"),
    FieldSpec("follow_up_months", "int", "回头看期限（月）", "标为 follow_up 的事项办结后多少个月内须“回头看”，默认 3；1–120。",
              minimum=1, maximum=120),
    FieldSpec("inspections_from", "date", "带队督查统计起始", "从哪一天所在月份起检查领导每月带队督查次数；默认最早一次督查所在月份。"),
    FieldSpec("units", "list", "单位", "督查室和各承办单位。", required=True),
    FieldSpec("calendar", "map", "日历修正", "对官方工作日历的补充。"),
    FieldSpec("people", "list", "人员", "可提交台账的人员及其单位。"),
    FieldSpec("audit", "map", "审计设置", "Git 历史审计的参数。"),
    FieldSpec("privacy", "map", "个人信息检查", "allow：不算个人信息的号码（对外公布的办公电话等）。"),
    FieldSpec("signals", "map", "真实性提示", "ducha signals 的阈值，见 docs/rules.md；不写时用默认值。"),
]}

# --- Names people read (issue 13) -------------------------------------------
# Sites, histories and the CLI show the Chinese names declared above
# (CATEGORIES, EVENT_TYPES, the field titles), never the keys, except inside
# commands and YAML snippets.

CHOICE_NAMES: dict[str, dict[str, str]] = {
    "kind": {"criticism": "批评", "praise": "表扬"},
    "result": {"pass": "通过", "fail": "未通过"},
    "role": {"office": "督查室", "unit": "承办单位"},
}


def field_title(key: str) -> str:
    """The Chinese title of an item or event field (the key itself if unknown)."""
    spec = ITEM_FIELDS.get(key) or EVENT_FIELDS.get(key)
    return spec.title if spec else key


def value_text(key: str, value: Any, units: dict[str, str] | None = None) -> str:
    """A field's value as a person reads it: category, type and unit names, 是/否."""
    if value is None:
        return "（无）"
    if isinstance(value, bool) or (key in ("public", "verify", "follow_up", "approved", "accepted")
                                   and str(value) in ("true", "false", "True", "False")):
        return "是" if str(value).lower() == "true" else "否"
    if key == "category" and value in CATEGORIES:
        return CATEGORIES[value].name
    if key == "type" and value in EVENT_TYPES:
        return EVENT_TYPES[value]
    if key in CHOICE_NAMES and value in CHOICE_NAMES[key]:
        return CHOICE_NAMES[key][value]
    if units and key in ("lead_unit", "co_units", "unit"):
        ids = value if isinstance(value, list) else str(value).strip("[] ").replace("，", ",").split(",")
        names = [units.get(str(u).strip(), str(u).strip()) for u in ids if str(u).strip()]
        return "、".join(str(n) for n in names)
    return str(value)


# --- Values -------------------------------------------------------------------


@dataclass
class Event:
    """One entry of an item's append-only event log."""

    date: dt.date
    type: str
    line: int
    text: str | None = None
    note: str | None = None
    by: str | None = None
    public: bool | None = None
    new_deadline: dt.date | None = None
    approved: bool | None = None
    accepted: bool | None = None
    level: int | None = None
    kind: str | None = None
    result: str | None = None
    evaluator: str | None = None
    grade: str | None = None
    score: float | None = None
    report: str | None = None


@dataclass(frozen=True)
class Delegation:
    """One city item a province item was assigned as (`delegated:`)."""

    city: str  # the city's id in the roll-up's sources.yaml
    item: str  # the item's id in the city's ledger
    line: int = 1


@dataclass
class Item:
    """One supervision item, as read from `items/**/<id>.yaml`."""

    id: str
    title: str
    category: str
    assigned: dt.date
    lead_unit: str
    file: str
    co_units: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    verify: bool = False
    follow_up: bool = False
    public: bool = False
    source: str | None = None
    source_id: str | None = None  # sources/<id>.yaml: the decision this item is a task of
    description: str | None = None
    contact: str | None = None
    note: str | None = None
    requester: str | None = None  # internal only: who wrote a netizen message
    delegated: list[Delegation] = field(default_factory=list)  # a province's item: the city items it became
    events: list[Event] = field(default_factory=list)
    # 1-based line of each top-level key, for findings that point at a field.
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    role: str = "unit"
    short: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    unit: str


@dataclass(frozen=True)
class Leader:
    id: str
    name: str
    title: str | None = None


@dataclass
class Inspection:
    """A leader's supervision visit (`inspections/*.yaml`)."""

    file: str
    leader: str
    date: dt.date
    places: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    findings: str | None = None
    note: str | None = None


@dataclass
class LedgerConfig:
    """What `ledger.yaml` says: units, people, calendar corrections, settings."""

    name: str = "督查台账"
    site_url: str | None = None  # the public site's address (ledger.yaml site_url), ending in "/"
    units: dict[str, Unit] = field(default_factory=dict)
    people: list[Person] = field(default_factory=list)
    extra_holidays: frozenset[dt.date] = frozenset()
    extra_workdays: frozenset[dt.date] = frozenset()
    confirmed_years: frozenset[int] = frozenset()
    backdate_days: int = 7
    require_signed: bool = False
    allowed_signers: str | None = None
    leaders: dict[str, "Leader"] = field(default_factory=dict)
    assessment_weights: dict[str, float] = field(default_factory=dict)
    follow_up_months: int = 3
    inspections_from: dt.date | None = None
    privacy_allow: tuple[str, ...] = ()  # ledger.yaml privacy.allow
    signals: SignalSettings = field(default_factory=SignalSettings)  # ledger.yaml signals:

    @property
    def office_units(self) -> set[str]:
        return {u.id for u in self.units.values() if u.role == "office"}


# --- Domain predicates ----------------------------------------------------------
# Each fact about the model is written once, here; evaluate, reports,
# assessment, the sites and the rules ask these functions.

CRITICISM = "criticism"
PRAISE = "praise"


def is_public_event(event: Event) -> bool:
    """What the public sees of an item's events (docs/rules.md §10)."""
    if event.public is not None:
        return event.public
    if event.type == "extension":
        return bool(event.approved)
    return event.type in PUBLIC_EVENT_TYPES


def circular_kind(event: Event) -> str:
    """A circular's kind: `criticism` unless it says `kind: praise`."""
    return event.kind or CRITICISM


def is_criticism(event: Event) -> bool:
    """A criticising circular: a follow-up of escalation (docs/rules.md §4) that costs the unit points (§8)."""
    return event.type == "circular" and circular_kind(event) == CRITICISM


def is_praise(event: Event) -> bool:
    """A praising circular (`kind: praise`): neither a follow-up nor a penalty."""
    return event.type == "circular" and circular_kind(event) == PRAISE


def events_in(events: Iterable[Event], start: dt.date, end: dt.date) -> list[Event]:
    """The events dated from `start` to `end`, both days included (a report's or assessment's period)."""
    return [e for e in events if start <= e.date <= end]


ITEM_SUFFIX = ".yaml"


def id_from_file(path: str) -> str:
    """The item id a file name claims: `items/2025/2025-0042.yaml` → `2025-0042` (any folder, / separated)."""
    return path.rsplit("/", 1)[-1].removesuffix(ITEM_SUFFIX)
