"""The internal site as the office's daily desk (issue 13).

What the office owes today, computed once for the internal site:
`Todo` rows for 今日待办 (an action, why with its dates, since when, the
lead unit and its contact, the exact `ducha` command that records it),
the overdue lists, the escalation board with each level's trigger and the
date it was reached, and what an item page needs to act on the item (its
file, an edit link, the commands of its likely next events, its printable
forms). Templates only lay these out.

A row disappears once its command has been run: every condition here is
the absence of a later event that the command appends (a circular of the
level, a transfer, an urge after the deadline or the missed report date, a
verification, a re-inspection, `verify: true` on enough sampled messages).
"""
from __future__ import annotations

import datetime as dt
import re
import shlex
from dataclasses import dataclass, field

from ..evaluate import CLOSED, COMPLETED, DUE_SOON_DAYS, ESCALATION_ACTION_NAMES, IN_PROGRESS, NOT_STARTED
from ..findings import SEVERITY_NAMES, title_of
from ..model import EVENT_TYPES
from . import escape

# Priority of each kind of action (lower first); within a kind, the longest waiting first.
KINDS = {
    "transfer": (0, "移交监察（第 3 级督办）"),
    "circular_2": (1, "市政府办公室通报（第 2 级督办）"),
    "circular_1": (2, "督查室通报（第 1 级督办）"),
    "urge": (3, "催办"),
    "verify": (4, "实地复核"),
    "follow_up": (5, "回头看（再督查）"),
    "sample": (6, "抽取复核事项"),
}
ESCALATION_KIND = {1: "circular_1", 2: "circular_2", 3: "transfer"}
ESCALATION_TEXT = {1: "市政府督查室通报", 2: "市政府办公室通报", 3: "经市政府同意，移交监察部门问责"}
FORM_TITLES = {"assignment": "交办单", "urge": "催办通知"}

# An argument a POSIX shell takes as one word without quotes.
_BARE = re.compile(r"[A-Za-z0-9_./:=@%+,-]+")


def quote(arg: str) -> str:
    """One shell word: bare when safe, else in double quotes (the form staff
    know from examples), else POSIX single quotes."""
    if _BARE.fullmatch(arg):
        return arg
    if not re.search(r'["$`\\!]', arg) and "\n" not in arg:
        return f'"{arg}"'
    return shlex.quote(arg)


def command(*words: str) -> str:
    return " ".join(["ducha", *(quote(w) for w in words)])


def short_date(day: dt.date, as_of: dt.date) -> str:
    """06-15 within the year of `as_of`, else 2025-06-15."""
    return day.strftime("%m-%d") if day.year == as_of.year else day.isoformat()


@dataclass
class Trigger:
    """One escalation level that holds: why, since when, and whether its follow-up is missing."""

    level: int
    why: str
    reached: dt.date
    pending: bool
    action: str  # what must follow, in Chinese
    command: str | None = None  # records the follow-up, when pending


@dataclass
class Todo:
    """One row of 今日待办."""

    kind: str
    action: str
    why: str
    since: dt.date
    command: str
    item: object = None  # ItemView, or None for the ledger (review sample)
    subject: str = ""  # what the row is about when there is no item
    forms: list[tuple[str, str]] = field(default_factory=list)  # (label, form slug)
    due: bool = True  # False: not yet due (a re-inspection coming up)

    @property
    def priority(self) -> tuple:
        return (KINDS[self.kind][0], self.since, self.item.id if self.item else self.subject)

    def days(self, as_of: dt.date) -> int:
        return (as_of - self.since).days


@dataclass
class ItemDesk:
    """What an internal item page needs to act on the item."""

    file: str
    edit_url: str | None = None
    triggers: list[Trigger] = field(default_factory=list)
    urges: list[dt.date] = field(default_factory=list)
    urged_since_overdue: bool = False
    commands: list[tuple[str, str]] = field(default_factory=list)  # (what it records, command)
    forms: list[tuple[str, str]] = field(default_factory=list)  # (label, form slug)
    todos: list[Todo] = field(default_factory=list)
    findings: list[tuple[str, str, object]] = field(default_factory=list)  # (title, severity, Markup message)


@dataclass
class FormPage:
    slug: str  # forms/<slug>.md
    kind: str  # assignment or urge
    item: object  # model.Item
    view: object  # ItemView
    status: object = None  # evaluate.ItemStatus


@dataclass
class Desk:
    todos: list[Todo]
    items: dict[str, ItemDesk]
    overdue: list  # ItemView, longest overdue first
    overdue_not_urged: list
    escalations: dict[int, list[tuple[object, Trigger]]]
    forms: list[FormPage]
    assessment_years: list[tuple[int, list[tuple[str, list]]]]  # newest year first: (year, [(unit name, rows)])
    scores: list[tuple[str, str, list[tuple[int, object]]]]  # (label, title, [(rank, UnitScore)])
    edit_host: str | None = None
    config: object = None  # model.LedgerConfig

    def for_item(self, item_id: str) -> ItemDesk:
        return self.items[item_id]


# --- Findings as people read them ---------------------------------------------------------

# What a finding message holds for the keyboard: a YAML snippet of an event
# ("（type: circular, level: 2）"), a command, a file name or a YAML key.
_SNIPPET = re.compile(
    r"[（(](?P<yaml>type: (?P<type>[a-z_]+)(?:, [a-z_]+: [A-Za-z0-9_-]+)*)[）)]"
    r"|(?P<cmd>ducha [a-z-]+(?: (?:--)?[A-Za-z0-9_./:-]+)*)"
    r"|(?P<word>(?<![A-Za-z0-9_])(?:[A-Za-z0-9_.-]+/)*[A-Za-z0-9_.-]*\.ya?ml(?![A-Za-z0-9_])"
    r"|(?<![A-Za-z0-9_./-])(?:[a-z][a-z0-9_-]*/)+(?![A-Za-z0-9_])"
    r"|(?<![A-Za-z0-9_./-])[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*(?![A-Za-z0-9_]))")


def finding_html(message: str):
    """A finding's message as HTML: its codes and snippets in <code>, an event
    type's YAML snippet after the type's Chinese name."""
    from markupsafe import Markup

    def text(part: str) -> str:  # escape.inline trims; keep the spaces around a snippet
        inner = escape.inline(part)
        return (" " if part[:1].isspace() and inner else "") + inner + (" " if part[-1:].isspace() and inner else "")

    out, at = [], 0
    for m in _SNIPPET.finditer(message):
        out.append(text(message[at:m.start()]))
        if m.group("yaml"):
            name = EVENT_TYPES.get(m.group("type"))
            snippet = f"<code>{escape.inline(m.group('yaml'))}</code>"
            out.append(f"（记为“{name}”：{snippet}）" if name else f"（{snippet}）")
        else:
            out.append(f"<code>{escape.inline(m.group(0))}</code>")
        at = m.end()
    out.append(text(message[at:]))
    return Markup("".join(out))


# --- Editing on the Git host --------------------------------------------------------------

def edit_link(repo_url, edit_uri) -> tuple[str, str] | None:
    """(URL prefix of a ledger file's edit page, host name) from MkDocs' `repo_url`
    and `edit_uri`, or None.

    As in MkDocs, `edit_uri` is relative to `repo_url` (or a full URL); here it
    leads to the ledger's root folder on its branch, e.g. `edit/main/` on
    GitHub, `-/edit/main/` on GitLab (the defaults when it is not set).
    """
    if not isinstance(repo_url, str) or not re.match(r"https?://[^/\s]+", repo_url.strip()):
        return None
    repo_url = repo_url.strip().rstrip("/") + "/"
    host = repo_url.split("/")[2].lower()
    name = "GitHub" if "github" in host else "GitLab" if "gitlab" in host else None
    if not isinstance(edit_uri, str) or not edit_uri.strip():
        edit_uri = {"GitHub": "edit/main/", "GitLab": "-/edit/main/"}.get(name)
        if edit_uri is None:
            return None
    edit_uri = edit_uri.strip()
    if re.match(r"https?://", edit_uri):
        base = edit_uri
    elif re.match(r"[a-z][a-z0-9+.-]*:", edit_uri, re.I):
        return None  # javascript: and the like
    else:
        base = repo_url + edit_uri.lstrip("/")
    if not base.endswith("/"):
        base += "/"
    if any(c in base for c in "\"'<>` \n\t"):
        return None
    return base, name or "代码托管平台"


# --- Escalation triggers ------------------------------------------------------------------

def triggers(status, as_of: dt.date, item_id: str) -> list[Trigger]:
    """Each escalation level that holds (docs/rules.md §4), with the events that made it hold."""
    events = status.events
    urges = [e.date for e in events if e.type == "urge"]
    returned = [e.date for e in events if e.type == "returned"]
    demands = [e for e in events if e.type == "leader_demand"]
    closed = status.state == CLOSED
    pending = {p.level for p in status.escalation_pending}
    urged = f"催办 {len(urges)} 次：" + "、".join(short_date(d, as_of) for d in urges) if urges else ""
    out = []
    for level in status.escalation_levels:
        reasons, dates = [], []
        if level == 1:
            if urges:
                reasons.append(urged)
                dates.append(urges[0])
            if returned:
                reasons.append("退回重办：" + "、".join(short_date(d, as_of) for d in returned))
                dates.append(returned[0])
        elif level == 2:
            if len(urges) >= 2:
                reasons.append(urged)
                dates.append(urges[1])
            if demands and not closed:
                reasons.append("领导明确整改要求：" + "、".join(short_date(e.date, as_of) for e in demands))
                dates.append(demands[0].date)
        elif level == 3:
            reasons.append(urged + "，未采纳说明原因" if urges else "")
            dates.append(urges[2] if len(urges) >= 3 else as_of)
        cmd = None
        if level in pending:
            # A short text for the circular, from its trigger; staff may edit it before running.
            gist = [f"催办 {len(urges)} 次仍未落实" if urges and (level != 2 or len(urges) >= 2) else "",
                    "被退回重办" if level == 1 and returned and not urges else "",
                    "未落实领导明确的整改要求" if level == 2 and demands and not closed and len(urges) < 2 else ""]
            text = ESCALATION_TEXT[level] + "：" + "，".join(g for g in gist if g) if any(gist) else ESCALATION_TEXT[level]
            cmd = (command("event", item_id, "transfer", "--text", text, "--commit") if level == 3 else
                   command("event", item_id, "circular", "--level", str(level), "--text", text, "--commit"))
        out.append(Trigger(level, "；".join(r for r in reasons if r), min(dates) if dates else as_of,
                           level in pending, ESCALATION_ACTION_NAMES[level], cmd))
    return out


# --- The desk -----------------------------------------------------------------------------

def build(data, result, config, *, edit: tuple[str, str] | None = None) -> Desk:
    """The desk of the internal site `data` (a SiteData) for `result` (the CheckResult)."""
    from ..calendar import WorkingCalendar
    from ..sample import month_review

    as_of = data.as_of
    views = {v.id: v for v in data.items}
    calendar = WorkingCalendar.for_ledger(config)
    todos: list[Todo] = []
    items: dict[str, ItemDesk] = {}
    forms: list[FormPage] = []
    escalations: dict[int, list] = {1: [], 2: [], 3: []}
    shown: dict[str, object] = {}  # a message many items share is made into HTML once

    def html_of(message: str):
        found = shown.get(message)
        if found is None:
            found = shown[message] = finding_html(message)
        return found

    for item, status in result.items:
        view = views.get(item.id)
        if view is None or item.id in items:  # a duplicate id: the first file wins, as in the lists
            continue
        desk = items[item.id] = ItemDesk(file=item.file, edit_url=edit[0] + item.file if edit else None)
        desk.urges = [e.date for e in status.events if e.type == "urge"]
        desk.triggers = triggers(status, as_of, item.id)
        deadline = status.effective_deadline
        desk.urged_since_overdue = bool(status.overdue and any(d > deadline for d in desk.urges))

        # Lights agree with the board: a pending escalation is never green.
        if view.pending and view.light in ("green", "yellow"):
            view.light, view.light_name = "escalated", "待督办"

        # Forms for the items still in hand (a closed item's: `ducha form`).
        if status.state != CLOSED:
            desk.forms.append(("交办单", f"{item.id}-assignment"))
            forms.append(FormPage(f"{item.id}-assignment", "assignment", item, view, status))
        if status.state in (NOT_STARTED, IN_PROGRESS):
            desk.forms.append(("催办通知", f"{item.id}-urge"))
            forms.append(FormPage(f"{item.id}-urge", "urge", item, view, status))
        urge_forms = [f for f in desk.forms if f[1].endswith("-urge")]

        for trig in desk.triggers:
            if trig.pending:
                escalations[trig.level].append((view, trig))
                desk.todos.append(Todo(ESCALATION_KIND[trig.level], KINDS[ESCALATION_KIND[trig.level]][1], trig.why,
                                       trig.reached, trig.command, view))

        # Overdue and not urged since; a missed monthly report not chased since it was due.
        reasons, since = [], None
        if status.overdue and not desk.urged_since_overdue:
            before = f"（此前催办 {len(desk.urges)} 次）" if desk.urges else ""
            reasons.append(f"办结期限 {short_date(deadline, as_of)}，已超期 {status.days_overdue} 天，超期后未催办{before}")
            since = deadline + dt.timedelta(days=1)
        due = status.next_report_due.date if status.next_report_due else None
        if status.report_missing and not any(d > due for d in desk.urges):
            reports = [e.date for e in status.events if e.type in ("progress", "completed")]
            last = f"最近一次报告 {short_date(max(reports), as_of)}" if reports else "交办后尚未报告"
            reasons.append(f"月报应于 {short_date(due, as_of)} 前报送，{last}，未催报")
            since = min(since or due, due + dt.timedelta(days=1))
        if reasons:
            note = "超期催办" if status.overdue and not desk.urged_since_overdue else "催报月报"
            desk.todos.append(Todo("urge", "催办" if note == "超期催办" else "催报月报", "；".join(reasons), since,
                                   command("urge", item.id, "--note", note, "--commit"), view, forms=urge_forms))

        if status.state == COMPLETED:
            desk.todos.append(Todo("verify", KINDS["verify"][1],
                                   f"{short_date(status.completed_on, as_of)} 报告办结，该事项须经复核才算落实",
                                   status.completed_on,
                                   command("event", item.id, "verified", "--result", "pass", "--text",
                                           "经实地复核，已落实", "--commit"), view))

        if item.follow_up and status.state == CLOSED and status.completed_on:
            fu_due = calendar.period_end(status.completed_on, months=config.follow_up_months).date
            done = any(e.type == "reinspection" and e.date >= status.completed_on for e in status.events)
            if not done and as_of >= fu_due - dt.timedelta(days=DUE_SOON_DAYS):
                desk.todos.append(Todo(
                    "follow_up", KINDS["follow_up"][1],
                    f"{short_date(status.completed_on, as_of)} 办结，应于 {short_date(fu_due, as_of)} 前回头看",
                    fu_due, command("event", item.id, "reinspection", "--text", "已组织回头看", "--commit"), view,
                    due=as_of > fu_due))

        desk.commands = _next_commands(item.id, status, desk, item.follow_up)
        desk.findings = [(title_of(f.code), SEVERITY_NAMES.get(f.severity, f.severity), html_of(f.message))
                         for f in view.findings]
        todos += desk.todos

    for review in month_review([i for i, _ in result.items], as_of):
        if review.closed_month and review.completed and not review.rate_met:
            year, month = map(int, review.month.split("-"))
            start = dt.date(year + month // 12, month % 12 + 1, 1)
            todos.append(Todo(
                "sample", KINDS["sample"][1],
                f"{review.month} 办结网友留言 {review.completed} 件，已定复核 {review.reviewed} 件（{review.rate:.0%}），"
                f"至少需 {review.required} 件（30%）",
                start, command("sample", "--month", review.month), subject=f"{review.month} 网友留言复核"))

    todos.sort(key=lambda t: t.priority)
    for rows in escalations.values():
        rows.sort(key=lambda row: (row[1].reached, row[0].id))
    overdue = sorted((v for v in data.items if v.overdue), key=lambda v: (-v.days_overdue, v.id))
    return Desk(
        todos=todos, items=items, overdue=overdue,
        overdue_not_urged=[v for v in overdue if not items[v.id].urged_since_overdue],
        escalations=escalations, forms=forms,
        assessment_years=_assessment_years(data), scores=_scores(data, result, config),
        edit_host=edit[1] if edit else None, config=config,
    )


def _next_commands(item_id: str, status, desk: ItemDesk, follow_up: bool) -> list[tuple[str, str]]:
    """The commands of an item's likely next events ("…" is for the staff to fill in)."""
    out = [(f"{trig.action}（第 {trig.level} 级督办）", trig.command) for trig in desk.triggers if trig.pending]
    out += [(t.action, t.command) for t in desk.todos if t.kind in ("urge", "verify", "follow_up")]
    state = status.state
    if state in (NOT_STARTED, IN_PROGRESS):
        out += [
            ("记录进展报告", command("progress", item_id, "--text", "…", "--commit")),
            ("记录催办", command("urge", item_id, "--note", "…", "--commit")),
            ("记录延期申请", command("event", item_id, "extension", "--new-deadline", "YYYY-MM-DD", "--text", "…",
                               "--commit")),
            ("记录办结", command("complete", item_id, "--text", "…", "--commit")),
        ]
    elif state == COMPLETED:
        out += [("记录复核未通过", command("event", item_id, "verified", "--result", "fail", "--text", "…",
                                   "--commit"))]
    elif state == CLOSED and follow_up and not any(c == "回头看（再督查）" for c, _ in out):
        out += [("记录回头看", command("event", item_id, "reinspection", "--text", "…", "--commit"))]
    if state == CLOSED:  # its forms are not pages of the site
        out += [("生成交办单（打印用）", command("form", "assignment", item_id))]
    seen, unique = set(), []
    for label, cmd in out:
        if cmd not in seen:
            seen.add(cmd)
            unique.append((label, cmd))
    return unique


def _assessment_years(data) -> list:
    """日常考核工作台账 by year (newest first), then by unit, newest record first."""
    names = {u.id: u.name for u in data.units}
    years: dict[int, dict[str, list]] = {}
    for unit, rows in data.assessment.items():
        for event, view in rows:
            years.setdefault(event.date.year, {}).setdefault(unit, []).append((event, view))
    out = []
    for year in sorted(years, reverse=True):
        units = sorted(years[year].items(), key=lambda kv: names.get(kv[0], kv[0]))
        out.append((year, [(names.get(u, u), sorted(rows, key=lambda r: (r[0].date, r[1].id), reverse=True))
                           for u, rows in units]))
    return out


def _scores(data, result, config) -> list:
    """Unit scores per year, the current year to date first, with shared ranks for equal scores."""
    from ..assessment import assess, ranks
    from ..calendar import WorkingCalendar
    from ..reports import Period

    out = []
    items = [i for i, _ in result.items]
    as_of = data.as_of
    if items and str(as_of.year) not in data.scores and min(i.assigned for i in items).year <= as_of.year:
        period = Period("annual", dt.date(as_of.year, 1, 1), as_of, str(as_of.year))
        scores = assess(items, config, period, WorkingCalendar.for_ledger(config))
        out.append((period.label, f"{as_of.year} 年（截至 {as_of}）", list(zip(ranks(scores), scores))))
    for label, scores in sorted(data.scores.items(), reverse=True):
        out.append((label, f"{label} 年", list(zip(ranks(scores), scores))))
    return out


def event_name(event_type: str) -> str:
    return EVENT_TYPES.get(event_type, event_type)


# --- Pages --------------------------------------------------------------------------------

def write_pages(w, data) -> None:
    """The desk's own pages and assets of the internal site (`w`: render.DocsWriter)."""
    from ..forms import render_form
    from .render import TEMPLATES

    for asset in ("desk.css", "desk.js"):
        w.file(f"assets/{asset}", (TEMPLATES / "assets" / asset).read_text(encoding="utf-8"))
    w.page("overdue/index.md", "internal/overdue.md.j2")
    w.page("overdue-not-urged.md", "internal/overdue-not-urged.md.j2")
    # The forms are plain HTML files (what `ducha form` writes, with a link
    # back): MkDocs copies them, so thousands of items add no pages to build.
    for form in data.desk.forms:
        w.file(f"forms/{form.slug}.html", render_form(form.kind, form.item, data.desk.config, data.as_of, form.status,
                                                      back=f"../items/{form.item.id}/"))
