"""Formatters: a command's result (from `ducha.commands`) as the text the user reads."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .. import printers
from . import Output, lines
from .errors import error

if TYPE_CHECKING:  # the commands' results; imported lazily at run time, so `ducha --help` stays quick
    from ..commands.audit import Audited
    from ..commands.check import Checked
    from ..commands.decompose import Decomposed
    from ..commands.doctor import DoctorResult
    from ..commands.edit import Saved
    from ..commands.form import FormResult
    from ..commands.history import HistoryResult
    from ..commands.init import Initialised
    from ..commands.reports import AssessResult, ReportResult, SourceReportResult
    from ..commands.sample import SampleResult
    from ..commands.signals import SignalsResult
    from ..commands.site import Preview
    from ..commands.xlsx import Exported, Imported
    from ..site import BuildResult


def _json(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def findings(result: Checked | Audited, fmt: str, color: bool = False) -> Output:
    """`ducha check`, `validate` and `audit`: the report of findings in `fmt`."""
    return Output(printers.render(result.report, fmt, color=color), status=result.status)


def sample(result: SampleResult, fmt: str) -> Output:
    drawn, flagged = result.drawn, result.flagged
    r = drawn.review
    if fmt == "json":
        return Output(_json({
            "month": result.month, "completed": r.completed, "reviewed": r.reviewed, "required": r.required,
            "rate": round(r.rate, 4), "picks": drawn.picks, "rate_after": round(drawn.rate_after, 4),
            "signals": {i: flagged[i] for i in drawn.picks if i in flagged},
        }))
    text = lines(f"{result.month} 办结的网友留言 {r.completed} 件，已确定复核 {r.reviewed} 件（{r.rate:.0%}），"
                 f"复核率须达 30%（至少 {r.required} 件）。")
    if not drawn.picks:
        return Output(text + lines("无须再抽取。" if r.completed else "该月没有办结的网友留言。"))
    text += lines(f"建议抽取以下 {len(drawn.picks)} 件复核（在事项中写 verify: true），抽取后复核率 {drawn.rate_after:.0%}：")
    for ident in drawn.picks:
        item = result.items[ident]
        hint = f"  真实性提示：{'、'.join(flagged[ident])}" if ident in flagged else ""
        text += lines(f"  {ident}  {item.title}  （{item.file}）{hint}")
    return Output(text)


def initialised(result: Initialised) -> Output:
    r = result.result
    return Output(lines(
        f"已在 {r.root} 新建督查台账“{result.name}”，写入 {len(r.written)} 个文件，第一次提交 {r.commit[:10]}。",
        "下一步：",
        f"  cd {result.directory}",
        "  ducha check && ducha build      # 校验台账、生成网站（site/public、site/internal）",
        "  然后按 README.md 中“第一次设置”推送到服务器、保护 main 分支、设置每日检查和网站发布。"))


def written(paths) -> Output:
    """`ducha schema`: each file written."""
    return Output(lines(*(f"已写入 {p}" for p in paths)))


def _committed(saved: Saved) -> Output:
    if saved.commit_error is not None:
        return error(saved.commit_error)
    return Output(lines(f"已提交 {saved.commit[:10]}") if saved.commit else "")


def new_item(saved: Saved) -> Output:
    text = lines(f"已新建 {saved.item.id}：{saved.item.title}（{saved.rel}）")
    due = saved.due
    if due is not None:
        how = ("（按规则推算，所在年份放假安排未公布，为暂定）" if due.provisional
               else ("" if saved.item.deadline else "（按类别默认期限推算）"))
        text += lines(f"办结期限：{due.date}{how}")
    return Output(text) + _committed(saved)


def event_added(saved: Saved, etype: str) -> Output:
    from ..model import EVENT_TYPES

    return Output(lines(f"已在 {saved.rel} 追加{EVENT_TYPES[etype]}记录：{saved.line}")) + _committed(saved)


def decomposed(result: Decomposed) -> Output:
    """`ducha decompose`: the items made from a decision's task table, or why none were."""
    text = lines(*(f"说明：{note}" for note in result.notes))
    if result.problems:
        return Output(text, lines(*result.problems, f"发现 {len(result.problems)} 处问题，未写入任何文件。"
                                  "请修改任务表后重新运行。"), status=1)
    verb = "将写入" if result.dry_run else "已写入"
    text += lines(*(f"{verb} {rel}" for rel in result.written))
    text += lines(f"{verb} {len(result.written)} 个事项，均属于 {result.source.title}（{result.source.id}）。"
                  + ("（试运行，未写文件）" if result.dry_run else ""))
    out = Output(text)
    if result.commit:
        out += Output(lines(f"已提交 {result.commit[:10]}"))
    if result.commit_error is not None:
        out += error(result.commit_error)
    return out


def report(result: ReportResult, fmt: str) -> Output:
    from ..reports import KINDS, METRIC_NAMES, METRICS, report_json, review_text

    r, chosen = result.report, result.period
    if fmt == "json":
        return Output(_json(report_json(r)))
    if result.written is not None:
        return Output(lines(f"已生成 {result.written}"))
    text = lines(f"{chosen.title}{KINDS[result.kind]}（{chosen.start} 至 {chosen.end}）")
    for m in METRICS:
        text += lines(f"  {METRIC_NAMES[m]:<6} {getattr(r.total, m):>5}  上期 {getattr(r.previous, m):>5}  "
                      f"增减 {r.change(m):+d}")
    if r.review:
        text += lines(f"  {review_text(r)}")
    for item, days, deadline in r.overdue_items:
        text += lines(f"  超期：{item.id} {item.title}（{r.unit_names.get(item.lead_unit, item.lead_unit)}，"
                      f"期限 {deadline}，超期 {days} 天）")
    if r.sources:
        text += lines("  重大决策部署落实情况：", *(f"    {s.text}" for s in r.sources))
    return Output(text)


def source_report(result: SourceReportResult, fmt: str) -> Output:
    """`ducha report source SOURCE`: one decision's 落实情况."""
    from ..source_report import source_report_json, source_report_lines

    if fmt == "json":
        return Output(_json(source_report_json(result.report)))
    if result.written is not None:
        return Output(lines(f"已生成 {result.written}"))
    return Output(lines(*source_report_lines(result.report)))


def assess(result: AssessResult, fmt: str) -> Output:
    if fmt == "json":
        return Output(_json([{**vars(s)} for s in result.scores]))
    if result.written is not None:
        return Output(lines(f"已生成 {result.written}"))
    from ..assessment import ranks

    text = lines(f"{result.period.title}督查考核得分")
    for rank, s in zip(ranks(result.scores), result.scores):
        text += lines(f"  {rank:>2}. {s.name:<12} {s.score:>6.1f}  办结 {s.completed}（按时 {s.on_time}）  "
                      f"超期 {s.overdue_day} 天  催办 {s.urge}  通报 {s.circular_1}/{s.circular_2}  移交 {s.transfer}  "
                      f"缺报 {s.late_report}")
    return Output(text)


def form(result: FormResult) -> Output:
    return Output(lines(f"已生成 {result.written}（用浏览器打开后打印）"))


def history(result: HistoryResult, fmt: str) -> Output:
    from ..history import describe

    if fmt == "json":
        return Output(_json([{
            "commit": r.sha, "author": r.author_name, "email": r.author_email,
            "date": r.author_date.isoformat(), "committed": r.committer_date.isoformat(), "subject": r.subject,
            "changes": [describe(c) for c in changes],
        } for r, changes in result.entries]))
    if not result.entries:
        return Output(lines(f"没有找到事项 {result.item_id} 的修改记录（编号是否正确？文件是否已提交？）。"), status=1)
    text = ""
    for record, changes in result.entries:
        text += lines(f"{record.author_date:%Y-%m-%d %H:%M}  {record.author_name} <{record.author_email}>  "
                      f"{record.short}  {record.subject}")
        text += lines(*(f"    {describe(change)}" for change in changes))
    return Output(text)


def signals(result: SignalsResult, fmt: str) -> Output:
    from ..signals import to_json, to_text

    if fmt == "json":
        return Output(json.dumps(to_json(result.found, result.as_of, result.period), ensure_ascii=False) + "\n",
                      status=result.status)
    label = result.period.title if result.period else f"截至 {result.as_of}"
    return Output(to_text(result.found, result.config, label), status=result.status)


def built(result: BuildResult) -> Output:
    err = ""
    if result.errors:
        err = printers.render(printers.Report("build", result.errors, titles=result.titles, checked=result.checked),
                              "text")
        hidden = "、".join(result.left_out) if result.left_out else "无"
        err += lines(f"警告：台账有 {len(result.errors)} 个错误（见上），因 --allow-errors 仍生成了网站。"
                     f"有错误的公开事项未在公开网站上显示：{hidden}。修正后请重新运行 ducha build。")
    return Output(lines(f"公开网站：{result.sites['public']}（{result.pages['public']} 个公开事项）",
                        f"内部网站：{result.sites['internal']}（{result.pages['internal']} 个事项）"), err, err_first=True)


def previewing(preview: Preview) -> Output:
    which = "公开" if preview.audience == "public" else "内部"
    return Output(lines(f"正在预览{which}网站：http://{preview.host}:{preview.port}/ （Ctrl+C 结束）"))


def doctor(result: DoctorResult) -> Output:
    text = lines(f"ducha 运行环境检查（台账目录 {result.ledger}）")
    text += lines(*(f"  {'✓' if c.ok else '✗'} {c.title}：{c.detail}" for c in result.checks))
    if result.todo:
        return Output(text + lines(f"有 {len(result.todo)} 项需要处理（标 ✗ 的行），处理后再运行 ducha doctor 确认。"),
                      status=1)
    return Output(text + lines("全部正常，可以开始工作。"))


def exported(result: Exported) -> Output:
    return Output(lines(f"已导出 {result.items} 个事项到 {result.written}"))


def imported(result: Imported) -> Output:
    r = result.result
    text = lines(*(f"说明：{note}" for note in r.notes))
    if r.problems:
        return Output(text, lines(*r.problems, f"发现 {len(r.problems)} 处问题，未写入任何文件。请修改工作簿后重新导入。"),
                      status=1)
    verb = "将写入" if result.dry_run else "已写入"
    text += lines(*(f"{verb} {rel}" for rel in r.written))
    return Output(text + lines(f"{verb} {len(r.written)} 个事项。" + ("（试运行，未写文件）" if result.dry_run else "")))
