"""The `ducha` command: thin wrappers that read the edges (files, clock, terminal)."""
from __future__ import annotations

import datetime as dt
import gc
import json
import re
import os
import sys
from pathlib import Path

import click

from . import printers
from .findings import fails
from .fields import click_type
from .model import CATEGORIES, EVENT_FIELDS, EVENT_TYPES, id_from_file

FORMATS = list(printers.FORMATS)


def _iso_date(value: str) -> dt.date:
    """A YYYY-MM-DD date in the ledger's years (ValueError otherwise)."""
    from .model import MAX_YEAR, MIN_YEAR

    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError(value)
    day = dt.date.fromisoformat(value)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueError(value)
    return day


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()  # the one place the clock is read
    try:
        return _iso_date(value)
    except ValueError:
        raise click.BadParameter(f"日期 {value} 无效，请写成 YYYY-MM-DD（半角数字，2000–2100 年），例如 2025-07-25。") from None


def _emit(report: printers.Report, fmt: str) -> None:
    color = fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    click.echo(printers.render(report, fmt, color=color), nl=False)


def _unreadable(err, fmt: str, command: str) -> None:
    findings = err.findings
    if fmt == "text":
        if findings:
            click.echo(printers.render(printers.Report(command, findings), "text"), nl=False, err=True)
        click.echo(f"错误：{err}", err=True)
    else:
        click.echo(printers.render(printers.Report(command, findings), fmt), nl=False)
        click.echo(f"错误：{err}", err=True)
    sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ducha")
def main() -> None:
    """督查台账工具：校验事项、计算期限与督办升级、生成网站。"""
    # A run builds tens of thousands of small objects and exits; the cyclic
    # collector's repeated full passes over them cost ~10% and free nothing.
    gc.set_threshold(100_000, 50, 100)
    from .loader import HAVE_LIBYAML

    if not HAVE_LIBYAML:
        click.echo("警告：PyYAML 未带 libyaml，读取会慢约 9 倍。请重新安装 PyYAML（pip install --force-reinstall pyyaml）。",
                   err=True)


ledger_option = click.option("--ledger", "ledger_dir", type=click.Path(file_okay=False, path_type=Path),
                             default=".", show_default=True, help="台账目录（含 ledger.yaml 和 items/）。")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                             help="输出格式：text 供人阅读；json、github、gitlab、junit 供 CI 使用。")
no_cache_option = click.option("--no-cache", is_flag=True, help="不读写缓存（本用户缓存文件夹，默认 ~/.cache/ducha/）。")


@main.command()
@ledger_option
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="按哪一天计算（默认今天）。")
@format_option
@click.option("--fail-on", type=click.Choice(["error", "overdue", "never"]), default="error", show_default=True,
              help="何时以状态 1 退出：error 有错误；overdue 有错误或超期；never 从不。")
@no_cache_option
def check(ledger_dir: Path, as_of: str | None, fmt: str, fail_on: str, no_cache: bool) -> None:
    """校验整个台账，并按规则计算每个事项在某日的期限、状态、超期和督办级别。

    \b
    示例：
      ducha check --as-of 2025-07-25
      ducha check --format json > check.json
      ducha check --fail-on overdue      # 每日定时任务：有超期即失败
    """
    from .check import check_scanned
    from .ledger import LedgerUnreadable, scan_ledger

    day = _as_of(as_of)
    try:
        scan = scan_ledger(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, fmt, "check")
    outcome = check_scanned(scan, day, use_cache=not no_cache)
    report = printers.Report(
        "check", outcome.findings,
        payload={"as_of": day.isoformat(), "items": outcome.items},
        titles=outcome.titles,
        files=["ledger.yaml", *scan.files],
        checked=len(scan.files),
    )
    _emit(report, fmt)
    sys.exit(1 if fails(outcome.findings, fail_on) else 0)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@ledger_option
@format_option
@click.option("--fail-on", type=click.Choice(["error", "never"]), default="error", show_default=True,
              help="何时以状态 1 退出。")
@no_cache_option
def validate(files: tuple[Path, ...], ledger_dir: Path, fmt: str, fail_on: str, no_cache: bool) -> None:
    """只校验数据（格式、字段、单位、编号），不涉及日期；供合并请求和 pre-commit 使用。

    给出 FILES 时只校验这些事项文件（以及 ledger.yaml）。

    \b
    示例：
      ducha validate
      ducha validate items/2025/2025-0042.yaml
    """
    from .check import check_scanned
    from .ledger import LedgerUnreadable, scan_ledger

    only = None
    if files:
        root = ledger_dir.resolve()
        only = []
        for f in files:
            try:
                rel = f.resolve().relative_to(root).as_posix()
            except ValueError:
                raise click.BadParameter(f"{f} 不在台账目录 {root} 之内。", param_hint="FILES") from None
            if rel.startswith("items/") and rel.endswith(".yaml"):
                only.append(rel)
    try:
        scan = scan_ledger(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, fmt, "validate")
    outcome = check_scanned(scan, dt.date.today(), with_dates=False, only=only, use_cache=not no_cache)
    report = printers.Report("validate", outcome.findings, titles=outcome.titles,
                             files=["ledger.yaml", *(only if only is not None else scan.files)],
                             checked=len(only) if only is not None else len(scan.files))
    _emit(report, fmt)
    sys.exit(1 if fails(outcome.findings, fail_on) else 0)


@main.command()
@ledger_option
@click.option("--month", required=True, metavar="YYYY-MM", help="办结月份。")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="按哪一天的台账（默认今天）。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def sample(ledger_dir: Path, month: str, as_of: str | None, fmt: str) -> None:
    """为某月办结的网友留言抽取复核事项，使复核率达到 30%（同一台账同一月份结果相同）。

    有真实性提示（ducha signals）的留言优先抽取。

    \b
    示例：
      ducha sample --month 2025-09
    """
    from .ledger import LedgerUnreadable, load_ledger
    from .sample import draw_sample
    from .signals import flagged_items, read_records, run_signals

    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):  # strptime's %Y also takes ２０２５
            raise ValueError(month)
        dt.datetime.strptime(month, "%Y-%m")
    except ValueError:
        raise click.BadParameter(f"月份 {month} 无效，请写成 YYYY-MM，例如 2025-09。", param_hint="--month") from None
    day = _as_of(as_of)
    try:
        ledger = load_ledger(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, "text", "sample")
    # Messages with integrity signals first (issue 20): one history read, as `ducha signals`.
    found = run_signals(ledger.items, ledger.config, day, records=read_records(ledger_dir))
    flagged = flagged_items(found.signals)
    drawn = draw_sample(ledger.items, month, day, salt=ledger.config.name, prefer=frozenset(flagged))
    r = drawn.review
    if fmt == "json":
        click.echo(json.dumps({
            "month": month, "completed": r.completed, "reviewed": r.reviewed, "required": r.required,
            "rate": round(r.rate, 4), "picks": drawn.picks, "rate_after": round(drawn.rate_after, 4),
            "signals": {i: flagged[i] for i in drawn.picks if i in flagged},
        }, ensure_ascii=False, indent=1))
        return
    titles = {i.id: i for i in ledger.items}
    click.echo(f"{month} 办结的网友留言 {r.completed} 件，已确定复核 {r.reviewed} 件（{r.rate:.0%}），"
               f"复核率须达 30%（至少 {r.required} 件）。")
    if not drawn.picks:
        click.echo("无须再抽取。" if r.completed else "该月没有办结的网友留言。")
        return
    click.echo(f"建议抽取以下 {len(drawn.picks)} 件复核（在事项中写 verify: true），抽取后复核率 {drawn.rate_after:.0%}：")
    for ident in drawn.picks:
        item = titles[ident]
        hint = f"  真实性提示：{'、'.join(flagged[ident])}" if ident in flagged else ""
        click.echo(f"  {ident}  {item.title}  （{item.file}）{hint}")


@main.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path), default=".")
@click.option("--name", help="台账名称，显示在网站和报告上，例如：某某市政府督查台账。")
@click.option("--office-unit", help="督查室的单位名称，例如：市政府督查室。")
@click.option("--office-id", default="duchashi", show_default=True, help="督查室的单位编号（小写字母、数字、- 和 _）。")
@click.option("--host", type=click.Choice(["gitlab", "github", "none"]), help="台账仓库放在哪里：决定生成哪种 CI 文件。")
@click.option("--demo/--no-demo", default=None, help="是否复制演示事项（虚构的单位、人员和事项），用来试用。")
@click.option("-y", "--yes", is_flag=True, help="不询问，没有给出的项一律用默认值。")
def init(directory: Path, name, office_unit, office_id, host, demo, yes) -> None:
    """在 DIR（默认当前目录）新建一个督查台账仓库，并以你的 Git 身份做第一次提交。

    没有给出的项会逐一询问（加 -y 则用默认值）。DIR 必须是空目录（或刚建好的空 Git 仓库）。

    \b
    示例：
      ducha init 台账 --name 某某市政府督查台账 --office-unit 市政府督查室 --host gitlab
      ducha init demo-ledger --demo -y
    """
    from .init import InitRefused, init_ledger, refuse_unless_empty

    def ask(value, text: str, default, **kw):
        if value is not None:
            return value
        return default if yes else click.prompt(text, default=default, **kw)

    try:
        refuse_unless_empty(directory.absolute())  # before any question
        office_unit = ask(office_unit, "督查室的单位名称", "市政府督查室")
        name = ask(name, "台账名称（显示在网站和报告上）", "督查台账")
        host = ask(host, "台账仓库放在哪里（gitlab、github；none 表示不生成 CI 文件）", "gitlab",
                   type=click.Choice(["gitlab", "github", "none"]))
        if demo is None:
            demo = False if yes else click.confirm("复制演示事项（虚构的单位、人员和事项）用来试用吗", default=False)
        result = init_ledger(directory, name=name, office_unit=office_unit, office_id=office_id, host=host, demo=demo)
    except InitRefused as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(2)
    click.echo(f"已在 {result.root} 新建督查台账“{name}”，写入 {len(result.written)} 个文件，第一次提交 {result.commit[:10]}。")
    click.echo("下一步：")
    click.echo(f"  cd {directory}")
    click.echo("  ducha check && ducha build      # 校验台账、生成网站（site/public、site/internal）")
    click.echo("  然后按 README.md 中“第一次设置”推送到服务器、保护 main 分支、设置每日检查和网站发布。")


@main.command()
@ledger_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认台账目录下的 schema/）。")
def schema(ledger_dir: Path, out_dir: Path | None) -> None:
    """生成事项文件和 ledger.yaml 的 JSON Schema，供 VS Code 补全和悬停说明。"""
    from .ledger import LedgerUnreadable, load_config
    from .schema import write_schemas

    try:
        config, _ = load_config(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, "text", "schema")
    for path in write_schemas(config, out_dir or ledger_dir / "schema"):
        click.echo(f"已写入 {path}")


def _date_option(name: str, help: str):
    return click.option(name, metavar="YYYY-MM-DD", help=help)


def _parse_date(value: str | None, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return _iso_date(value)
    except ValueError:
        raise click.BadParameter(f"{what} {value} 无效，请写成 YYYY-MM-DD（半角数字，2000–2100 年）。") from None


def _refused(err) -> None:
    click.echo(f"未保存：{err}", err=True)
    for f in getattr(err, "findings", []):
        where = f"第 {f.line} 行：" if f.line else ""
        click.echo(f"  {where}{f.message}", err=True)
    sys.exit(1)


@main.command(name="new")
@ledger_option
@click.option("--category", metavar="类别", help="事项类别：编号或名称，例如 leader_instruction 或 领导批示。")
@click.option("--title", help="事项标题。")
@click.option("--lead", "lead_unit", metavar="单位", help="主办单位：编号、名称或简称，例如 zjj、市住房和城乡建设局、住建局。")
@click.option("--co", "co_units", metavar="单位", multiple=True, help="协办单位（写法同 --lead），可多次给出。")
@click.option("--source", help="事项来源，例如：市政府第12次常务会议。")
@_date_option("--assigned", "交办日期（默认今天）。")
@_date_option("--deadline", "办结期限；有默认期限的类别可不写。")
@click.option("--public/--internal", "public", default=False, help="是否在公开网站展示（默认不公开）。")
@click.option("--verify", is_flag=True, help="办结后需复核。")
@click.option("--commit", "do_commit", is_flag=True,
              help="保存后用 Git 提交；提交前先按审计规则检查（你是否在 people 名单中、是否有权新建事项）。")
def new_item(ledger_dir: Path, category, title, lead_unit, co_units, source, assigned, deadline, public, verify,
             do_commit) -> None:
    """新建一个督查事项：分配编号、按规则给出期限、校验后写入 items/<年份>/<编号>.yaml。

    类别和单位可写编号、名称或简称。缺少的必填项会逐一询问（类别和单位给出带序号的中文选项）。

    \b
    示例：
      ducha new --category 领导批示 --title 解决某路段积水 --lead 住建局 --deadline 2025-08-15
      ducha new --category policy_document --title 贯彻落实某文件 --lead fgw --co zjj --commit
    """
    from . import names
    from .edit import EditRefused, edit_lock
    from .ledger import LedgerUnreadable, scan_ledger
    from .new import create_item

    now = _now()
    try:
        scan = scan_ledger(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, "text", "new")
    categories = names.category_choices()
    units = names.unit_choices(scan.config)
    category = (_named(category, categories, "--category", "类别") if category
                else _choose("事项类别", categories))
    title = title or _ask("事项标题")
    lead_unit = (_named(lead_unit, units, "--lead", "主办单位", units=True) if lead_unit
                 else _choose("主办单位", units, units=True))
    co = [_named(u, units, "--co", "协办单位", units=True) for u in co_units]
    values = {
        "title": title, "category": category, "source": source, "lead_unit": lead_unit,
        "co_units": co, "assigned": _parse_date(assigned, "交办日期") or now.date(),
        "deadline": _parse_date(deadline, "办结期限"), "public": public, "verify": verify,
    }
    if values["deadline"] is None and CATEGORIES[category].default is None:
        values["deadline"] = _parse_date(_ask(f"办结期限（YYYY-MM-DD，“{CATEGORIES[category].name}”必须写明）"), "办结期限")
    # The file is created exclusively, taking the next free id if another run got there first;
    # the commit runs under the ledger's edit lock, so concurrent runs do not trip over Git's index.
    try:
        with edit_lock(scan.root):
            if do_commit:
                _check_commit(scan.root, [_pending_item(scan, values)], now)
            path, item, due = create_item(scan.root, scan.config, scan.files, values)
            rel = path.relative_to(scan.root).as_posix()
            click.echo(f"已新建 {item.id}：{item.title}（{rel}）")
            if due is not None:
                how = ("（按规则推算，所在年份放假安排未公布，为暂定）" if due.provisional
                       else ("" if item.deadline else "（按类别默认期限推算）"))
                click.echo(f"办结期限：{due.date}{how}")
            if do_commit:
                _commit_saved(scan.root, path, f"新建事项 {item.id}：{item.title}")
    except EditRefused as err:
        _refused(err)


def _now() -> dt.datetime:
    """Now, with the local time zone: when a record is made and a commit lands."""
    return dt.datetime.now().astimezone()  # the clock, read once per command at the edge


def _ask(text: str) -> str:
    """A typed answer; end of input or Ctrl+C cancels in Chinese, without Click's "Aborted!"."""
    try:
        return click.prompt(text, prompt_suffix="：")
    except click.Abort:
        click.echo("\n已取消，没有保存任何文件。", err=True)
        sys.exit(1)


def _choose(what: str, choices, *, units: bool = False) -> str:
    """Numbered Chinese choices; the answer may be the number, the code or a name."""
    from . import names

    click.echo(f"{what}：")
    for n, choice in enumerate(choices, start=1):
        click.echo(f"  {n:>2}. {choice.label}")
    while True:
        answer = _ask(f"请输入{what}的序号或名称")
        try:
            return names.resolve(answer, choices, what, numbered=True, units=units)
        except names.UnknownName as err:
            click.echo(str(err), err=True)


def _named(text: str, choices, option: str, what: str, *, units: bool = False) -> str:
    """The code an option's value names, or exit 1 (nothing saved) with what to write instead."""
    from . import names

    try:
        return names.resolve(text, choices, what, units=units)
    except names.UnknownName as err:
        click.echo(f"未保存：{option} 的{err}", err=True)
        sys.exit(1)


def _pending_item(scan, values: dict) -> tuple[str, bytes]:
    """The file `ducha new` is about to create (its id the next free one), for the commit check."""
    from .new import item_text, next_id

    year = values["assigned"].year
    ident = next_id([id_from_file(f) for f in scan.files], year)
    return f"items/{year}/{ident}.yaml", item_text({**values, "id": ident}).encode("utf-8")


def _check_commit(root: Path, files: list[tuple[str, bytes]], now: dt.datetime) -> None:
    """Refuse, before anything is written, a commit the audit would refuse."""
    from .precommit import CommitRefused, check_commit

    try:
        check_commit(root, files, now)
    except CommitRefused as err:
        click.echo(f"未保存，也未提交：{err}\n文件和仓库都没有改动。", err=True)
        sys.exit(1)


def _commit_saved(root: Path, path: Path, message: str) -> None:
    """Commit a file already saved; a Git failure says the file is saved but not committed."""
    from .edit import EditRefused, git_commit

    try:
        sha = git_commit(root, [path], message)
    except EditRefused as err:
        click.echo(f"文件已保存，但未能提交：{err}\n请处理上述 Git 问题后手动提交：git add {path} && git commit", err=True)
        sys.exit(1)
    click.echo(f"已提交 {sha[:10]}")


# Options of each event field (beyond date, text, note, by, public), shown only where the type uses them.
_FIELD_OPTIONS = {
    "new_deadline": lambda: click.Option(["--new-deadline"], metavar="YYYY-MM-DD", help="申请延期到的新期限。"),
    "approved": lambda: click.Option(["--approved/--not-approved"], default=None,
                                     help="批准或不批准延期（仅督查室；承办单位申请时不写）。"),
    "accepted": lambda: click.Option(["--accepted/--not-accepted"], default=None,
                                     help="采纳或不采纳所说原因（仅督查室）。"),
    "level": lambda: click.Option(["--level"], type=click_type(EVENT_FIELDS["level"]), help="通报级别：1 督查室，2 政府办公室。"),
    "kind": lambda: click.Option(["--kind"], type=click_type(EVENT_FIELDS["kind"]),
                                 help="通报性质：criticism 批评（默认），praise 表扬。"),
    "result": lambda: click.Option(["--result"], type=click_type(EVENT_FIELDS["result"]), help="结果：pass 通过，fail 未通过。"),
    "evaluator": lambda: click.Option(["--evaluator"], help="第三方评估机构。"),
    "grade": lambda: click.Option(["--grade"], help="评估等次，例如：良好。"),
    "score": lambda: click.Option(["--score"], type=click_type(EVENT_FIELDS["score"]), help="评估分数（0–100）。"),
    "report": lambda: click.Option(["--report"], help="评估报告编号。"),
}


def _event_command(name: str, fixed_type: str | None, help_text: str, short_help: str):
    from .model import EVENT_TYPE_FIELDS

    params = [
        click.Argument(["item_id"], metavar="ITEM"),
        *([] if fixed_type else [click.Argument(["etype"], metavar="TYPE", type=click_type(EVENT_FIELDS["type"]))]),
    ]
    fields = (list(_FIELD_OPTIONS) if fixed_type is None
              else [k for k in _FIELD_OPTIONS if k in sum(EVENT_TYPE_FIELDS[fixed_type], ())])
    text_help = ("说明文字（必填：写明办了什么）。" if fixed_type in ("progress", "completed")
                 else "说明文字（进展报告和办结必填；公开的记录会显示在公开网站上）。" if fixed_type is None
                 else "说明文字（公开的记录会显示在公开网站上）。")

    def callback(item_id, ledger_dir, date, text, note, by, public, do_commit, etype=None, **values):
        from .edit import EditRefused, append_event, edit_lock
        from .ledger import LedgerUnreadable, scan_ledger

        now = _now()
        etype = fixed_type or etype
        try:
            scan = scan_ledger(ledger_dir)
        except LedgerUnreadable as err:
            _unreadable(err, "text", name)
        matches = [f for f in scan.files if id_from_file(f) == item_id]
        if len(matches) != 1:
            click.echo(f"找不到事项 {item_id}（items/ 下应有一个 {item_id}.yaml）。" if not matches
                       else f"事项 {item_id} 有多个文件：{'、'.join(matches)}，请先修正。", err=True)
            sys.exit(1)
        event = {
            "date": _parse_date(date, "日期") or now.date(), "type": etype, "text": text, "note": note, "by": by,
            "public": public, **values,
        }
        if "new_deadline" in event:
            event["new_deadline"] = _parse_date(event["new_deadline"], "新期限")
        event = {k: v for k, v in event.items() if v is not None}
        rel = matches[0]
        path = scan.root / rel
        # Read, append, replace (and commit) under the ledger's edit lock, so two runs at once
        # both land or one is refused with nothing lost.
        try:
            with edit_lock(scan.root):
                _check_event(scan.root, path, rel, event, now, do_commit)
                item, line = append_event(path, rel, event, root=scan.root)
                click.echo(f"已在 {rel} 追加{EVENT_TYPES[etype]}记录：{line}")
                if do_commit:
                    summary = f"：{text}" if text else ""
                    _commit_saved(scan.root, path, f"{item.id} {EVENT_TYPES[etype]}（{event['date']}）{summary}")
        except EditRefused as err:
            _refused(err)

    options = [
        click.Option(["--ledger", "ledger_dir"], type=click.Path(file_okay=False, path_type=Path), default=".",
                     show_default=True, help="台账目录。"),
        click.Option(["--date"], metavar="YYYY-MM-DD", help="记录日期：实际发生的日期，不晚于今天（默认今天）。"),
        click.Option(["--text"], help=text_help),
        *[_FIELD_OPTIONS[k]() for k in fields],
        click.Option(["--note"], help="内部备注（只在内部网站显示）。"),
        click.Option(["--by"], help="记录人。"),
        click.Option(["--public/--internal", "public"], default=None,
                     help="是否公开本条记录（默认按类型：进展、办结等公开，催办、备注等不公开）。"),
        click.Option(["--commit", "do_commit"], is_flag=True,
                     help="保存后用 Git 提交；提交前先按审计规则检查（你是否在 people 名单中、是否有权添加、是否补录）。"),
    ]
    return click.Command(name, callback=callback, params=params + options, help=help_text, short_help=short_help,
                         context_settings={"help_option_names": ["-h", "--help"]})


def _check_event(root: Path, path: Path, rel: str, event: dict, now: dt.datetime, do_commit: bool) -> None:
    """Refuse, before saving, what the rules or the audit would refuse (with the commit about to be made)."""
    from . import guard, loader
    from .edit import EditRefused, append_event_text, check_event

    data = loader.read_regular(str(path), loader.MAX_ITEM_BYTES)
    if isinstance(data, OSError):
        return  # append_event says why it cannot read the file
    problems = []
    try:
        check_event(event)
    except EditRefused as err:
        problems.append(str(err))
    problems += guard.event_problems(event, now.date(), guard.last_event_date(data, rel), rel)
    if len(problems) == 1:
        raise EditRefused(problems[0])
    if problems:
        raise EditRefused(f"有 {len(problems)} 处问题：\n" + "\n".join(f"  {n}. {p}" for n, p in enumerate(problems, 1)))
    if not do_commit:
        return
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = (data[3:] if bom else data).decode("utf-8")
        new = (b"\xef\xbb\xbf" if bom else b"") + append_event_text(text, event).encode("utf-8")
    except (UnicodeDecodeError, EditRefused):
        return  # append_event refuses it, with the reason
    _check_commit(root, [(rel, new)], now)


_EVENT_COMMANDS = [
    ("progress", "progress", "报告进展：给事项追加一条进展报告（必须写 --text）。",
     ["ducha progress 2025-0017 --text 已完成积水点排查，制定排涝改造方案 --commit"]),
    ("complete", "completed", "报告办结：给事项追加一条办结记录（必须写 --text）。",
     ["ducha complete 2025-0017 --text 新建排涝泵站一座，积水问题已解决 --commit"]),
    ("extension", "extension", "申请延期（承办单位，在期限之前提出），或批准延期（督查室，加 --approved）。",
     ["ducha extension 2025-0017 --new-deadline 2025-09-30 --text 因泵站设备到货延迟，申请延期 --commit",
      "ducha extension 2025-0017 --new-deadline 2025-09-30 --approved --commit   # 督查室批准"]),
    ("explanation", "explanation", "说明原因：承办单位说明未按期办结的原因；督查室可加 --accepted 表示采纳。",
     ["ducha explanation 2025-0017 --text 受汛期影响无法施工，已调整工期 --commit"]),
    ("urge", "urge", "催办（督查室）：给事项追加一条催办记录，不公开。",
     ["ducha urge 2025-0017 --note 逾期未报办结情况，电话催办 --commit"]),
    ("returned", "returned", "退回重办（督查室）：办结情况不符合要求，退回承办单位重新办理。",
     ["ducha returned 2025-0017 --text 办结材料不全，退回重办 --commit"]),
    ("leader-demand", "leader_demand", "领导明确整改要求（督查室登记）。",
     ["ducha leader-demand 2025-0017 --text 市长要求月底前完成整改 --commit"]),
    ("circular", "circular", "通报（督查室）：--level 1 督查室通报，--level 2 政府办公室通报。",
     ["ducha circular 2025-0017 --level 1 --text 市政府督查室通报：逾期未办结 --commit"]),
    ("transfer", "transfer", "移交监察（督查室）：经市政府同意移交监察部门。",
     ["ducha transfer 2025-0017 --text 经市政府同意移交市监委 --commit"]),
    ("verified", "verified", "复核（督查室）：办结后实地复核的结果。",
     ["ducha verified 2025-0017 --result pass --text 实地复核，积水问题已解决 --commit"]),
    ("evaluation", "evaluation", "第三方评估：评估机构、等次、分数和报告编号。",
     ["ducha evaluation 2025-0017 --evaluator 某某评估中心 --grade 良好 --score 86.5 --commit"]),
    ("reinspection", "reinspection", "回头看（再督查）：办结后再次督查的情况。",
     ["ducha reinspection 2025-0017 --result pass --text 回头看：问题未反弹 --commit"]),
]


def _examples(lines: list[str]) -> str:
    return "\n\n    \b\n    示例：\n" + "\n".join(f"      {line}" for line in lines)


main.add_command(_event_command("event", None, "给事项追加一条任意类型的办理记录，不改动文件的其他内容（注释、顺序、格式）。"
                                "每种类型也有自己的命令，只列出用得到的选项：" +
                                "、".join(f"ducha {n}" for n, *_ in _EVENT_COMMANDS) + "。" + _examples([
                                    "ducha event 2025-0017 extension --new-deadline 2025-12-31 --text 因用地预审延期",
                                    "ducha event 2025-0017 circular --level 1 --text 通报 --commit"]),
                                "给事项追加任意类型的办理记录（TYPE 为记录类型）。"))
for _name, _type, _summary, _lines in _EVENT_COMMANDS:
    main.add_command(_event_command(_name, _type, _summary + "不改动文件的其他内容。" + _examples(_lines), _summary))


@main.command()
@ledger_option
def doctor(ledger_dir: Path) -> None:
    """检查本机能否维护台账：ducha 命令、Git 身份、是否在 people 名单中、签名、提交前检查、台账能否读取。

    每一项不满足时给出要运行的命令。全部正常时以状态 0 退出，有要处理的项时以状态 1 退出。

    \b
    示例：
      ducha doctor
      ducha doctor --ledger ~/督查台账
    """
    from .doctor import run

    checks = run(ledger_dir, running=sys.argv[0] if sys.argv and sys.argv[0] else None)
    click.echo(f"ducha 运行环境检查（台账目录 {ledger_dir.resolve()}）")
    for check in checks:
        click.echo(f"  {'✓' if check.ok else '✗'} {check.title}：{check.detail}")
    todo = [c for c in checks if not c.ok]
    if todo:
        click.echo(f"有 {len(todo)} 项需要处理（标 ✗ 的行），处理后再运行 ducha doctor 确认。")
        sys.exit(1)
    click.echo("全部正常，可以开始工作。")


@main.command(name="export-xlsx")
@ledger_option
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="按哪一天计算（默认今天）。")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="输出文件（默认 督查台账-<日期>.xlsx）。")
def export_xlsx(ledger_dir: Path, as_of: str | None, out_file: Path | None) -> None:
    """把台账导出为 Excel 工作簿：汇总表、每个类别一张表（红黄绿状态、筛选、冻结表头）、办理记录表。

    \b
    示例：
      ducha export-xlsx --as-of 2025-12-31 --out 台账.xlsx
    """
    from .check import run_rules
    from .excel import ExportFailed, export_workbook
    from .ledger import LedgerUnreadable, load_ledger

    day = _as_of(as_of)
    try:
        ledger = load_ledger(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, "text", "export-xlsx")
    result = run_rules(ledger, day)
    out = out_file or Path(f"督查台账-{day.isoformat()}.xlsx")
    try:
        export_workbook(result, ledger.config, out)
    except ExportFailed as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(2)
    click.echo(f"已导出 {len(result.items)} 个事项到 {out}")


@main.command(name="import-xlsx")
@click.argument("workbook", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@ledger_option
@click.option("--map", "mapping_file", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="列对应关系（YAML），例如 docs/excel-mapping.yaml。")
@click.option("--dry-run", is_flag=True, help="只检查，不写文件。")
def import_xlsx(workbook: Path, ledger_dir: Path, mapping_file: Path, dry_run: bool) -> None:
    """把现有的 Excel 台账转换为事项文件。全部成功才写入：任何一行有错误、编号重复或写入失败时，不留下任何文件。

    同一列上下合并的单元格按左上角的值逐行填入；一次最多导入 20000 行。

    \b
    示例：
      ducha import-xlsx 旧台账.xlsx --map docs/excel-mapping.yaml --dry-run
    """
    from .excel import ImportWriteFailed, Mapping, WorkbookUnreadable, run_import
    from .ledger import LedgerUnreadable, scan_ledger

    try:
        scan = scan_ledger(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, "text", "import-xlsx")
    try:
        mapping = Mapping.load(mapping_file)
    except (OSError, ValueError, yaml_error()) as err:
        click.echo(f"错误：无法读取列对应关系 {mapping_file}：{err}", err=True)
        sys.exit(2)
    try:
        result = run_import(scan.root, workbook, mapping, scan.config, scan.files, dry_run)
    except (WorkbookUnreadable, ImportWriteFailed) as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(2)
    for note in result.notes:
        click.echo(f"说明：{note}")
    if result.problems:
        for problem in result.problems:
            click.echo(problem, err=True)
        click.echo(f"发现 {len(result.problems)} 处问题，未写入任何文件。请修改工作簿后重新导入。", err=True)
        sys.exit(1)
    verb = "将写入" if dry_run else "已写入"
    for rel in result.written:
        click.echo(f"{verb} {rel}")
    click.echo(f"{verb} {len(result.written)} 个事项。" + ("（试运行，未写文件）" if dry_run else ""))


def yaml_error():
    import yaml

    return yaml.YAMLError


def _period_and_ledger(kind: str, period: str, ledger_dir: Path, command: str):
    from .ledger import LedgerUnreadable, load_ledger
    from .reports import parse_period

    try:
        chosen = parse_period(kind, period)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--period") from None
    try:
        return chosen, load_ledger(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, "text", command)


@main.command()
@click.argument("kind", type=click.Choice(["monthly", "quarterly", "annual"]))
@click.option("--period", required=True, metavar="2025-09|2025Q3|2025", help="报告期间。")
@ledger_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "docx"]), default="text", show_default=True)
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="docx 输出文件。")
def report(kind: str, period: str, ledger_dir: Path, fmt: str, out_file: Path | None) -> None:
    """督查报告：月度督查专报、季度通报、年度报告，按期末计算并与上期比较。

    \b
    示例：
      ducha report monthly --period 2025-09
      ducha report quarterly --period 2025Q3 --format docx --out 2025年第三季度督查通报.docx
    """
    from .reports import KINDS, METRIC_NAMES, METRICS, build_report, report_docx, report_json, review_text

    chosen, ledger = _period_and_ledger(kind, period, ledger_dir, "report")
    result = build_report(ledger.items, ledger.config, chosen)
    if fmt == "json":
        click.echo(json.dumps(report_json(result), ensure_ascii=False, indent=1))
        return
    if fmt == "docx":
        out = out_file or Path(f"{chosen.title}{KINDS[kind]}.docx")
        report_docx(result, out)
        click.echo(f"已生成 {out}")
        return
    click.echo(f"{chosen.title}{KINDS[kind]}（{chosen.start} 至 {chosen.end}）")
    for m in METRICS:
        click.echo(f"  {METRIC_NAMES[m]:<6} {getattr(result.total, m):>5}  上期 {getattr(result.previous, m):>5}  "
                   f"增减 {result.change(m):+d}")
    if result.review:
        click.echo(f"  {review_text(result)}")
    for item, days, deadline in result.overdue_items:
        click.echo(f"  超期：{item.id} {item.title}（{result.unit_names.get(item.lead_unit, item.lead_unit)}，"
                   f"期限 {deadline}，超期 {days} 天）")


@main.command()
@click.option("--period", required=True, metavar="2025|2025Q3|2025-09", help="考核期间：年、季度或月。")
@ledger_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "xlsx"]), default="text", show_default=True)
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="xlsx 输出文件。")
def assess(period: str, ledger_dir: Path, fmt: str, out_file: Path | None) -> None:
    """单位考核得分：按 ledger.yaml 中 assessment 的权重（未写时用默认值）计算各承办单位得分。

    \b
    示例：
      ducha assess --period 2025
      ducha assess --period 2025 --format xlsx --out 2025年督查考核.xlsx
    """
    from .assessment import assess as run_assess
    from .assessment import scores_xlsx

    if not re.fullmatch(r"[0-9]{4}(?:Q[1-4]|-[0-9]{2})?", period):
        from .loader import visible

        raise click.BadParameter(f"考核期间 {visible(period, newlines=False)[:40]} 无效：请写成 2025（年）、2025Q3（季度）"
                                 "或 2025-09（月），用半角数字。", param_hint="--period")
    kind = "annual" if re.fullmatch(r"[0-9]{4}", period) else "quarterly" if "Q" in period else "monthly"
    chosen, ledger = _period_and_ledger(kind, period, ledger_dir, "assess")
    scores = run_assess(ledger.items, ledger.config, chosen)
    if fmt == "json":
        click.echo(json.dumps([{**vars(s)} for s in scores], ensure_ascii=False, indent=1))
        return
    if fmt == "xlsx":
        out = out_file or Path(f"{chosen.title}督查考核得分.xlsx")
        scores_xlsx(scores, chosen, ledger.config, out)
        click.echo(f"已生成 {out}")
        return
    click.echo(f"{chosen.title}督查考核得分")
    for rank, s in enumerate(scores, start=1):
        click.echo(f"  {rank:>2}. {s.name:<12} {s.score:>6.1f}  办结 {s.completed}（按时 {s.on_time}）  超期 {s.overdue_day} 天  "
                   f"催办 {s.urge}  通报 {s.circular_1}/{s.circular_2}  移交 {s.transfer}  缺报 {s.late_report}")


@main.command()
@click.argument("form_kind", metavar="KIND", type=click.Choice(["assignment", "urge"]))
@click.argument("item_id", metavar="ITEM")
@ledger_option
@click.option("--date", metavar="YYYY-MM-DD", help="落款日期（默认今天）。")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="输出的 HTML 文件。")
def form(form_kind: str, item_id: str, ledger_dir: Path, date: str | None, out_file: Path | None) -> None:
    """打印用表单：市政府重要事项交办单（assignment）或督查催办通知（urge），A4 版式的 HTML。

    \b
    示例：
      ducha form assignment 2025-0006 --out 交办单.html
      ducha form urge 2026-0002
    """
    from .forms import render_form
    from .ledger import LedgerUnreadable, load_ledger

    try:
        ledger = load_ledger(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, "text", "form")
    item = next((i for i in ledger.items if i.id == item_id), None)
    if item is None:
        click.echo(f"找不到事项 {item_id}。", err=True)
        sys.exit(1)
    day = _parse_date(date, "日期") or dt.date.today()
    html = render_form(form_kind, item, ledger.config, day)
    out = out_file or Path(f"{item_id}-{'交办单' if form_kind == 'assignment' else '催办通知'}.html")
    out.write_text(html, encoding="utf-8")
    click.echo(f"已生成 {out}（用浏览器打开后打印）")


@main.command()
@ledger_option
@click.option("--range", "rev_range", metavar="A..B", help="只审计这些提交，例如 origin/main..HEAD（合并请求）。")
@click.option("--published", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="已发布网站的 ledger-head.json：核对其提交仍在历史中。")
@click.option("--landing-time", "landing_time", metavar="时间|now",
              help="--range 中尚未进入主线的提交按此时间进入主线（ISO 8601，带时区，如 2025-03-26T10:00:00+08:00；"
                   "now 为当前时间）。合并请求流水线用 now，服务器钩子传入推送时间。"
                   "给出时还检查仓库中尚无分支指向的新提交：提交时间早于此时间超过 audit.backdate_days 天"
                   "或晚于它超过 10 分钟即报 committer_date_out_of_range。")
@format_option
@click.option("--fail-on", type=click.Choice(["error", "never"]), default="error", show_default=True,
              help="何时以状态 1 退出。")
@no_cache_option
def audit(ledger_dir: Path, rev_range: str | None, published: Path | None, landing_time: str | None, fmt: str,
          fail_on: str, no_cache: bool) -> None:
    """审计台账的 Git 历史：记录只增不改、不得补录倒签、只能改自己有权改的内容、签名、已发布历史未被改写。

    记录是否补录倒签，按它进入主线的时间判断：主线（HEAD 的第一父提交链）上合并它的提交的日期，
    或服务器钩子在 refs/notes/ducha-push 中记下的推送时间，而不是提交者自己填的提交时间。

    \b
    示例：
      ducha audit
      ducha audit --range origin/main..HEAD --landing-time now --format gitlab > gl-code-quality-report.json
      ducha audit --published site/public/ledger-head.json
    """
    from .audit import run_audit
    from .history import HistoryError
    from .landing import parse_time, push_window, trusted_backdate_days
    from .ledger import LedgerUnreadable, load_config

    landed_at = None
    if landing_time is not None:
        landed_at = (dt.datetime.now().astimezone().replace(microsecond=0) if landing_time.strip() == "now"
                     else parse_time(landing_time))
        if landed_at is None:
            click.echo(f"错误：--landing-time 的值“{landing_time}”不是带时区的时间。"
                       "请写成 2025-03-26T10:00:00+08:00 这样的 ISO 8601 格式，或写 now。", err=True)
            sys.exit(2)
    try:
        config, _ = load_config(ledger_dir)
    except LedgerUnreadable as err:
        _unreadable(err, fmt, "audit")
    try:
        result = run_audit(ledger_dir, config, rev_range, published, use_cache=not no_cache, landing_time=landed_at)
        if landed_at is not None:
            days = trusted_backdate_days(ledger_dir, rev_range, config.backdate_days)
            result.findings.extend(push_window(ledger_dir, rev_range, landed_at, days))
    except HistoryError as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(2)
    _emit(printers.Report("audit", result.findings, files=sorted({f.file for f in result.findings if f.file}),
                          checked=result.commits), fmt)
    sys.exit(1 if fails(result.findings, fail_on) else 0)


@main.command()
@click.argument("item_id", metavar="ITEM")
@ledger_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@no_cache_option
def history(item_id: str, ledger_dir: Path, fmt: str, no_cache: bool) -> None:
    """列出一个事项的修改历史：日期、作者、提交和改了什么。

    \b
    示例：
      ducha history 2025-0042
    """
    from .history import HistoryError, describe, item_history

    try:
        entries = item_history(ledger_dir, item_id, use_cache=not no_cache)
    except HistoryError as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps([{
            "commit": r.sha, "author": r.author_name, "email": r.author_email,
            "date": r.author_date.isoformat(), "committed": r.committer_date.isoformat(), "subject": r.subject,
            "changes": [describe(c) for c in changes],
        } for r, changes in entries], ensure_ascii=False, indent=1))
        return
    if not entries:
        click.echo(f"没有找到事项 {item_id} 的修改记录（编号是否正确？文件是否已提交？）。")
        sys.exit(1)
    for record, changes in entries:
        click.echo(f"{record.author_date:%Y-%m-%d %H:%M}  {record.author_name} <{record.author_email}>  {record.short}  {record.subject}")
        for change in changes:
            click.echo(f"    {describe(change)}")


def _signal_period(period: str | None):
    from .reports import parse_period

    if period is None:
        return None
    kind = "annual" if re.fullmatch(r"[0-9]{4}", period) else "quarterly" if "Q" in period else "monthly"
    try:
        return parse_period(kind, period)
    except ValueError:
        from .loader import visible

        raise click.BadParameter(f"期间 {visible(period, newlines=False)[:40]} 无效：年写 2025，季度写 2025Q3，月份写 2025-09，"
                                 "用半角数字。", param_hint="--period") from None


@main.command()
@ledger_option
@click.option("--period", metavar="2025|2025Q3|2025-09", help="只看这一期间（年、季度或月）发生的情况；默认全部。")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="按哪一天的台账（默认今天）：此后的记录和提交不计。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fail-on", type=click.Choice(["never", "warning", "info"]), default="never", show_default=True,
              help="何时以状态 1 退出：never 从不（默认，提示只是线索）；warning 有警告；info 有任何提示。")
@no_cache_option
def signals(ledger_dir: Path, period: str | None, as_of: str | None, fmt: str, fail_on: str, no_cache: bool) -> None:
    """真实性提示：找出台账中可能“以文件落实文件”的迹象，供督查室进一步核实（不是结论）。

    办结前从未报告进展、报告文字照抄、办结集中在期限当天、反复延期、一次补录跨度很长的记录、
    集中补报月度进展、复核未通过与退回重办。阈值可在 ledger.yaml 的 signals: 中设置，说明见 docs/rules.md。

    \b
    示例：
      ducha signals --period 2025
      ducha signals --period 2025Q3 --format json > signals.json
    """
    from .ledger import LedgerUnreadable, load_ledger
    from .signals import fails as signals_fail
    from .signals import read_records, run_signals, to_json, to_text

    chosen = _signal_period(period)
    day = _as_of(as_of)
    try:
        ledger = load_ledger(ledger_dir, use_cache=not no_cache)
    except LedgerUnreadable as err:
        _unreadable(err, fmt, "signals")
    records = read_records(ledger_dir, use_cache=not no_cache)
    result = run_signals(ledger.items, ledger.config, day, period=chosen, records=records)
    if fmt == "json":
        click.echo(json.dumps(to_json(result, day, chosen), ensure_ascii=False))
    else:
        click.echo(to_text(result, ledger.config, chosen.title if chosen else f"截至 {day}"), nl=False)
    sys.exit(1 if signals_fail(result.signals, fail_on) else 0)


@main.command()
@ledger_option
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="按哪一天计算（默认今天）。")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认台账目录下的 site/），其中生成 public/ 和 internal/。")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="MkDocs 设置文件（默认台账目录下的 mkdocs.yml）。")
@click.option("--allow-errors", is_flag=True,
              help="台账有错误时仍生成网站；有错误的事项不在公开网站上显示。")
@no_cache_option
def build(ledger_dir: Path, as_of: str | None, out_dir: Path | None, config_file: Path | None, allow_errors: bool,
          no_cache: bool) -> None:
    """生成公开网站（site/public）和内部网站（site/internal）。

    两个网站先在临时目录中生成，全部成功后才替换原有网站；失败时原有网站保持不变。
    台账有错误（ducha check 报告的“错误”）时不生成网站，以状态 1 退出；
    加 --allow-errors 则照常生成，但有错误的事项不在公开网站上显示。

    \b
    示例：
      ducha build
      ducha build --as-of 2025-12-31 --out /srv/ducha
      ducha build --allow-errors
    """
    from .ledger import LedgerUnreadable
    from .site import BuildFailed, BuildStopped, build_sites
    from .site.builder import END_OF_LIFE_NOTICE

    day = _as_of(as_of)
    click.echo(END_OF_LIFE_NOTICE, err=True)
    out = out_dir or ledger_dir / "site"
    try:
        result = build_sites(ledger_dir, out, day, config_file=config_file, use_cache=not no_cache,
                             allow_errors=allow_errors)
    except LedgerUnreadable as err:
        _unreadable(err, "text", "build")
    except BuildStopped as err:
        click.echo(printers.render(printers.Report("build", err.findings, titles=err.titles, checked=err.checked),
                                   "text"), nl=False, err=True)
        click.echo(f"错误：{err}，原有网站未被改动。请按上面的提示修改后再运行 ducha build；"
                   "如确需先发布，可加 --allow-errors，有错误的事项将不在公开网站上显示。", err=True)
        sys.exit(1)
    except BuildFailed as err:
        click.echo(f"错误：{str(err).rstrip('。')}。原有网站未被改动。", err=True)
        sys.exit(1)
    if result.errors:
        click.echo(printers.render(printers.Report("build", result.errors, titles=result.titles,
                                                   checked=result.checked), "text"), nl=False, err=True)
        hidden = "、".join(result.left_out) if result.left_out else "无"
        click.echo(f"警告：台账有 {len(result.errors)} 个错误（见上），因 --allow-errors 仍生成了网站。"
                   f"有错误的公开事项未在公开网站上显示：{hidden}。修正后请重新运行 ducha build。", err=True)
    click.echo(f"公开网站：{result.sites['public']}（{result.pages['public']} 个公开事项）")
    click.echo(f"内部网站：{result.sites['internal']}（{result.pages['internal']} 个事项）")


@main.command()
@ledger_option
@click.option("--site", "audience", type=click.Choice(["public", "internal"]), default="public", show_default=True,
              help="预览哪个网站。")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(ledger_dir: Path, audience: str, host: str, port: int) -> None:
    """在本机预览网站；修改事项文件后页面自动刷新。

    \b
    示例：
      ducha serve                    # 公开网站，http://127.0.0.1:8000/
      ducha serve --site internal --port 8001
    """
    from .ledger import LedgerUnreadable
    from .site import builder, prepare_serve

    try:
        config_file = prepare_serve(ledger_dir.resolve(), audience)
    except LedgerUnreadable as err:
        _unreadable(err, "text", "serve")
    except builder.ConfigRefused as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(1)
    click.echo(f"正在预览{'公开' if audience == 'public' else '内部'}网站：http://{host}:{port}/ （Ctrl+C 结束）")
    builder.serve(config_file, host, port)


if __name__ == "__main__":  # pragma: no cover
    main()
