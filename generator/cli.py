"""The `ducha` command line: parse the options, call the command, format its result.

Each command is a function in `ducha.commands` that returns a result; a
formatter in `ducha.output.results` turns it into text, and any
`ducha.errors.DuchaError` becomes its Chinese message and exit status
(`ducha.output.frame.Command`). This module reads the edges only: the
arguments, the terminal, and the clock (once per run, in `_now`).
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from pathlib import Path

import click

from . import printers
from .commands.edit import event_option_type
from .output import frame
from .output.frame import emit

FORMATS = list(printers.FORMATS)


def _now() -> dt.datetime:
    """Now, with the local time zone: the one place the clock is read."""
    return dt.datetime.now().astimezone()


def _day(value: str | None, what: str, example: str = "") -> dt.date | None:
    """A YYYY-MM-DD option's date (None when not given); a usage error when it is not one."""
    from .commands.common import parse_day

    if value is None:
        return None
    try:
        return parse_day(value)
    except ValueError:
        raise click.BadParameter(f"{what} {value} 无效，请写成 YYYY-MM-DD（半角数字，2000–2100 年）{example}。") from None


def _as_of(value: str | None) -> dt.date:
    return _day(value, "日期", "，例如 2025-07-25") or _now().date()


def _parsed(parse, *args, param_hint: str | None = None):
    """`parse(*args)`, its ValueError (a Chinese reason) turned into a usage error."""
    try:
        return parse(*args)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint=param_hint) from None


def _color(fmt: str) -> bool:
    return fmt == "text" and sys.stdout.isatty() and "NO_COLOR" not in os.environ


@click.group(cls=frame.Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ducha", help=frame.VERSION_HELP, message=frame.VERSION_MESSAGE)
def main() -> None:
    """督查台账工具：校验事项、计算期限与督办升级、生成网站。"""
    # A run builds tens of thousands of small objects and exits; the cyclic
    # collector's repeated full passes over them cost ~10% and free nothing.
    gc.set_threshold(100_000, 50, 100)
    from .commands import yaml_is_slow

    if yaml_is_slow():
        click.echo("警告：PyYAML 未带 libyaml，读取会慢约 9 倍。请重新安装 PyYAML（pip install --force-reinstall pyyaml）。",
                   err=True)


ledger_option = click.option("--ledger", "ledger_dir", type=click.Path(file_okay=False, path_type=Path),
                             default=".", show_default=True, help="台账目录（含 ledger.yaml 和 items/）。")
format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
                             help="输出格式：text 供人阅读；json、github、gitlab、junit 供 CI 使用。")
no_cache_option = click.option("--no-cache", is_flag=True, help="不读写缓存（本用户缓存文件夹，默认 ~/.cache/ducha/）。")


@main.command(findings_format=True)
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
    from .commands.check import check as run
    from .output.results import findings

    emit(findings(run(ledger_dir, _as_of(as_of), fail_on=fail_on, use_cache=not no_cache), fmt, _color(fmt)))


@main.command(findings_format=True)
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
    from .commands.check import ledger_files
    from .commands.check import validate as run
    from .output.results import findings

    only = _parsed(ledger_files, files, ledger_dir, param_hint="FILES")
    emit(findings(run(ledger_dir, only, _now().date(), fail_on=fail_on, use_cache=not no_cache), fmt, _color(fmt)))


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
    from .commands.common import check_month
    from .commands.sample import sample as run
    from .output import results

    month = _parsed(check_month, month, param_hint="--month")
    emit(results.sample(run(ledger_dir, month, _as_of(as_of)), fmt))


@main.command()
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path), default=".")
@click.option("--name", help="台账名称，显示在网站和报告上，例如：某某市政府督查台账。")
@click.option("--office-unit", help="督查室的单位名称，例如：市政府督查室。")
@click.option("--office-id", default="duchashi", show_default=True, help="督查室的单位编号（小写字母、数字、- 和 _）。")
@click.option("--host", type=click.Choice(["gitlab", "github", "none"]), help="台账仓库放在哪里：决定生成哪种 CI 文件。")
@click.option("--demo/--no-demo", default=None, help="是否复制演示事项（虚构的单位、人员和事项），用来试用。")
@click.option("--site-url", help="公开网站发布后的网址，例如 https://ducha.example.gov.cn/ 或 https://example.gitlab.io/ledger/"
              "（用于网站地图、规范链接和 404 页面；可以以后在 ledger.yaml 中填写）。")
@click.option("-y", "--yes", is_flag=True, help="不询问，没有给出的项一律用默认值。")
def init(directory: Path, name, office_unit, office_id, host, demo, site_url, yes) -> None:
    """在 DIR（默认当前目录）新建一个督查台账仓库，并以你的 Git 身份做第一次提交。

    没有给出的项会逐一询问（加 -y 则用默认值）。DIR 必须是空目录（或刚建好的空 Git 仓库）。

    \b
    示例：
      ducha init 台账 --name 某某市政府督查台账 --office-unit 市政府督查室 --host gitlab
      ducha init demo-ledger --demo -y
    """
    from .commands import init as command
    from .output import results

    def ask(value, text: str, default, **kw):
        if value is not None:
            return value
        return default if yes else click.prompt(text, default=default, **kw)

    command.check_target(directory)  # before any question
    # The site's address is optional (ledger.yaml takes it later): asked only when the
    # other settings are asked too, so a scripted run that names them all is not stopped.
    scripted = None not in (name, office_unit, host)
    office_unit = ask(office_unit, "督查室的单位名称", "市政府督查室")
    name = ask(name, "台账名称（显示在网站和报告上）", "督查台账")
    host = ask(host, "台账仓库放在哪里（gitlab、github；none 表示不生成 CI 文件）", "gitlab",
               type=click.Choice(["gitlab", "github", "none"]))
    site_url = ask(site_url if site_url is not None or not scripted else "",
                   "公开网站发布后的网址（如 https://ducha.example.gov.cn/；还不确定就直接回车）", "", show_default=False)
    if demo is None:
        demo = False if yes else click.confirm("复制演示事项（虚构的单位、人员和事项）用来试用吗", default=False)
    emit(results.initialised(command.init(directory, name=name, office_unit=office_unit, office_id=office_id,
                                          host=host, demo=demo, site_url=site_url or None)))


@main.command()
@ledger_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认台账目录下的 schema/）。")
def schema(ledger_dir: Path, out_dir: Path | None) -> None:
    """生成事项文件和 ledger.yaml 的 JSON Schema，供 VS Code 补全和悬停说明。"""
    from .commands.schema import schema as run
    from .output import results

    emit(results.written(run(ledger_dir, out_dir)))


def _date_option(name: str, help: str):
    return click.option(name, metavar="YYYY-MM-DD", help=help)


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
    from .commands import edit as command
    from .output import results

    now = _now()
    scan = command.scan_ledger(ledger_dir)
    categories, units = command.category_choices(), command.unit_choices(scan.config)
    category = _named(category, categories, "--category", "类别") if category else _choose("事项类别", categories)
    title = title or _ask("事项标题")
    lead_unit = (_named(lead_unit, units, "--lead", "主办单位", units=True) if lead_unit
                 else _choose("主办单位", units, units=True))
    values = {
        "title": title, "category": category, "source": source, "lead_unit": lead_unit,
        "co_units": [_named(u, units, "--co", "协办单位", units=True) for u in co_units],
        "assigned": _day(assigned, "交办日期") or now.date(), "deadline": _day(deadline, "办结期限"),
        "public": public, "verify": verify,
    }
    question = command.deadline_prompt(category)
    if values["deadline"] is None and question:
        values["deadline"] = _day(_ask(question), "办结期限")
    emit(results.new_item(command.new_item(scan, values, now=now, commit=do_commit)))


def _ask(text: str) -> str:
    """A typed answer; end of input or Ctrl+C cancels in Chinese, without Click's "Aborted!"."""
    from .errors import Cancelled

    try:
        return click.prompt(text, prompt_suffix="：")
    except click.Abort:
        raise Cancelled("\n已取消，没有保存任何文件。") from None


def _choose(what: str, choices, *, units: bool = False) -> str:
    """Numbered Chinese choices; the answer may be the number, the code or a name."""
    from .commands.edit import UnknownName, resolve

    click.echo(f"{what}：")
    for n, choice in enumerate(choices, start=1):
        click.echo(f"  {n:>2}. {choice.label}")
    while True:
        answer = _ask(f"请输入{what}的序号或名称")
        try:
            return resolve(answer, choices, what, numbered=True, units=units)
        except UnknownName as err:
            click.echo(str(err), err=True)


def _named(text: str, choices, option: str, what: str, *, units: bool = False) -> str:
    """The code an option's value names, or exit 1 (nothing saved) with what to write instead."""
    from .commands.edit import UnknownName, resolve
    from .errors import DuchaError

    try:
        return resolve(text, choices, what, units=units)
    except UnknownName as err:
        raise DuchaError(f"{option} 的{err}", 1, prefix="未保存：") from None


# Options of each event field (beyond date, text, note, by, public), shown only where the type uses them.
_FIELD_OPTIONS = {
    "new_deadline": lambda: click.Option(["--new-deadline"], metavar="YYYY-MM-DD", help="申请延期到的新期限。"),
    "approved": lambda: click.Option(["--approved/--not-approved"], default=None,
                                     help="批准或不批准延期（仅督查室；承办单位申请时不写）。"),
    "accepted": lambda: click.Option(["--accepted/--not-accepted"], default=None,
                                     help="采纳或不采纳所说原因（仅督查室）。"),
    "level": lambda: click.Option(["--level"], type=event_option_type("level"), help="通报级别：1 督查室，2 政府办公室。"),
    "kind": lambda: click.Option(["--kind"], type=event_option_type("kind"),
                                 help="通报性质：criticism 批评（默认），praise 表扬。"),
    "result": lambda: click.Option(["--result"], type=event_option_type("result"), help="结果：pass 通过，fail 未通过。"),
    "evaluator": lambda: click.Option(["--evaluator"], help="第三方评估机构。"),
    "grade": lambda: click.Option(["--grade"], help="评估等次，例如：良好。"),
    "score": lambda: click.Option(["--score"], type=event_option_type("score"), help="评估分数（0–100）。"),
    "report": lambda: click.Option(["--report"], help="评估报告编号。"),
}


def _event_command(name: str, fixed_type: str | None, help_text: str, short_help: str) -> click.Command:
    from .commands.edit import event_fields

    params = [
        click.Argument(["item_id"], metavar="ITEM"),
        *([] if fixed_type else [click.Argument(["etype"], metavar="TYPE", type=event_option_type("type"))]),
    ]
    fields = [k for k in _FIELD_OPTIONS if fixed_type is None or k in event_fields(fixed_type)]
    text_help = ("说明文字（必填：写明办了什么）。" if fixed_type in ("progress", "completed")
                 else "说明文字（进展报告和办结必填；公开的记录会显示在公开网站上）。" if fixed_type is None
                 else "说明文字（公开的记录会显示在公开网站上）。")

    def callback(item_id, ledger_dir, date, text, note, by, public, do_commit, etype=None, **values):
        from .commands import edit as command
        from .output import results

        now = _now()
        etype = fixed_type or etype
        scan = command.scan_ledger(ledger_dir)
        rel = command.item_file(scan, item_id)
        event = {"date": _day(date, "日期") or now.date(), "type": etype, "text": text, "note": note, "by": by,
                 "public": public, **values}
        if "new_deadline" in event:
            event["new_deadline"] = _day(event["new_deadline"], "新期限")
        event = {k: v for k, v in event.items() if v is not None}
        emit(results.event_added(command.add_event(scan, rel, event, now=now, commit=do_commit), etype))

    return frame.Command(name, callback=callback, params=params + _event_options(fields, text_help), help=help_text,
                         short_help=short_help)


def _event_options(fields: list[str], text_help: str) -> list[click.Option]:
    """The options of an event command: the common ones, and those of the type's fields."""
    return [
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
    from .commands.doctor import doctor as run
    from .output import results

    emit(results.doctor(run(ledger_dir, running=sys.argv[0] if sys.argv and sys.argv[0] else None)))


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
    from .commands.xlsx import export_xlsx as run
    from .output import results

    emit(results.exported(run(ledger_dir, _as_of(as_of), out_file)))


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
    from .commands.xlsx import import_xlsx as run
    from .output import results

    emit(results.imported(run(ledger_dir, workbook, mapping_file, dry_run=dry_run)))


@main.command()
@click.argument("source_id", metavar="SOURCE")
@ledger_option
@click.option("--from", "table", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="任务表：.xlsx（第一个工作表）或 .csv；第 1 行是表头：任务、牵头单位、配合单位、完成时限。")
@click.option("--dry-run", is_flag=True, help="只检查，不写文件。")
@click.option("--commit", "do_commit", is_flag=True,
              help="保存后用 Git 提交；提交前先按审计规则检查（你是否在 people 名单中、是否有权新建事项）。")
def decompose(source_id: str, ledger_dir: Path, table: Path, dry_run: bool, do_commit: bool) -> None:
    """责任分解：把一项决策部署（sources/SOURCE.yaml：会议、文件、政府工作报告）的任务表逐行建成事项。

    每行一个事项：编号顺延，交办日期取决策部署的日期，类别由其类型决定，写上 source_id。
    单位可写编号、全称或简称。全部通过校验才写入：任何一行有错误时，不留下任何文件。

    \b
    示例：
      ducha decompose 2025-cwh-12 --from 议定事项.xlsx --dry-run
      ducha decompose 2025-cwh-12 --from 议定事项.csv --commit
    """
    from .commands.decompose import decompose as run
    from .output import results

    emit(results.decomposed(run(ledger_dir, source_id, table, dry_run=dry_run, commit=do_commit, now=_now())))


@main.command()
@click.argument("kind", type=click.Choice(["monthly", "quarterly", "annual", "source"]))
@click.argument("source_id", metavar="[SOURCE]", required=False)
@click.option("--period", metavar="2025-09|2025Q3|2025", help="报告期间（monthly、quarterly、annual 必填）。")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="source：按哪一天计算（默认今天）。")
@ledger_option
@click.option("--format", "fmt", type=click.Choice(["text", "json", "docx"]), default="text", show_default=True)
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="docx 输出文件。")
def report(kind: str, source_id: str | None, period: str | None, as_of: str | None, ledger_dir: Path, fmt: str,
           out_file: Path | None) -> None:
    """督查报告：月度督查专报、季度通报、年度报告，按期末计算并与上期比较，并列出本期在办的重大决策部署；
    或一项决策部署（source SOURCE，sources/ 中的编号）的落实情况报告。

    \b
    示例：
      ducha report monthly --period 2025-09
      ducha report quarterly --period 2025Q3 --format docx --out 2025年第三季度督查通报.docx
      ducha report source 2025-gzbg --as-of 2025-12-31 --format docx
    """
    from .commands.common import report_period
    from .commands.reports import report as run
    from .output import results

    if kind == "source":
        from .commands.reports import source_report

        if not source_id:
            raise click.UsageError("请写出决策部署的编号，例如：ducha report source 2025-gzbg")
        emit(results.source_report(source_report(ledger_dir, source_id, _as_of(as_of), docx=out_file,
                                                 docx_wanted=fmt == "docx"), fmt))
        return
    if source_id:
        raise click.UsageError(f"{kind} 报告不带决策部署编号；一项决策部署的报告请用 ducha report source {source_id}")
    if period is None:
        raise click.UsageError("缺少 --period：月度写 2025-09，季度写 2025Q3，年度写 2025")
    chosen = _parsed(report_period, kind, period, param_hint="--period")
    emit(results.report(run(ledger_dir, kind, chosen, docx=out_file, docx_wanted=fmt == "docx"), fmt))


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
    from .commands.common import assessment_period
    from .commands.reports import assess as run
    from .output import results

    chosen = _parsed(assessment_period, period, param_hint="--period")
    emit(results.assess(run(ledger_dir, chosen, xlsx=out_file, xlsx_wanted=fmt == "xlsx"), fmt))


@main.command()
@click.argument("form_kind", metavar="KIND", type=click.Choice(["assignment", "urge", "source"]))
@click.argument("item_id", metavar="ITEM|SOURCE")
@ledger_option
@click.option("--date", metavar="YYYY-MM-DD", help="落款日期（默认今天）。")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), help="输出的 HTML 文件。")
def form(form_kind: str, item_id: str, ledger_dir: Path, date: str | None, out_file: Path | None) -> None:
    """打印用表单：市政府重要事项交办单（assignment）、督查催办通知（urge），
    或一项决策部署全部任务的交办单 / 市长工作提示单（source，SOURCE 为 sources/ 中的编号），A4 版式的 HTML。

    \b
    示例：
      ducha form assignment 2025-0006 --out 交办单.html
      ducha form urge 2026-0002
      ducha form source 2025-cwh-15
    """
    from .commands.form import form as run
    from .output import results

    emit(results.form(run(ledger_dir, form_kind, item_id, _day(date, "日期") or _now().date(), out_file)))


@main.command(findings_format=True)
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
    from .commands.audit import audit as run
    from .commands.audit import landing_at
    from .errors import DuchaError
    from .output import errors, results

    try:
        landed_at = landing_at(landing_time, _now())
    except DuchaError as err:  # before the ledger is read, and in text whatever the format
        emit(errors.error(err))
    emit(results.findings(run(ledger_dir, rev_range=rev_range, published=published, landed_at=landed_at,
                              fail_on=fail_on, use_cache=not no_cache), fmt, _color(fmt)))


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
    from .commands.history import history as run
    from .output import results

    emit(results.history(run(ledger_dir, item_id, use_cache=not no_cache), fmt))


@main.command(findings_format=True)
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
    from .commands.common import signal_period
    from .commands.signals import signals as run
    from .output import results

    chosen = None if period is None else _parsed(signal_period, period, param_hint="--period")
    emit(results.signals(run(ledger_dir, _as_of(as_of), chosen, fail_on=fail_on, use_cache=not no_cache), fmt))


@main.command()
@ledger_option
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="按哪一天计算（默认今天）。")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="输出目录（默认台账目录下的 site/），其中生成 public/ 和 internal/。")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="MkDocs 设置文件（默认台账目录下的 mkdocs.yml）。")
@click.option("--allow-errors", is_flag=True,
              help="台账有错误时仍生成网站；有错误的事项不在公开网站上显示。")
@click.option("--full", is_flag=True, help="全部重新生成，不沿用上次生成的事项页面。")
@no_cache_option
def build(ledger_dir: Path, as_of: str | None, out_dir: Path | None, config_file: Path | None, allow_errors: bool,
          full: bool, no_cache: bool) -> None:
    """生成公开网站（site/public）和内部网站（site/internal）。

    两个网站先在临时目录中生成，全部成功后才替换原有网站；失败时原有网站保持不变。
    输出目录中已有同一版本 ducha、同样设置生成的网站时，内容未变的事项页面直接沿用；
    加 --full 则全部重新生成（结果相同，只是更慢）。
    台账有错误（ducha check 报告的“错误”）时不生成网站，以状态 1 退出；
    加 --allow-errors 则照常生成，但有错误的事项不在公开网站上显示。

    \b
    示例：
      ducha build
      ducha build --as-of 2025-12-31 --out /srv/ducha
      ducha build --allow-errors
    """
    from .commands import site
    from .output import results

    day = _as_of(as_of)
    click.echo(site.END_OF_LIFE_NOTICE, err=True)
    emit(results.built(site.build(ledger_dir, out_dir, day, config_file=config_file, use_cache=not no_cache,
                                  allow_errors=allow_errors, full=full)))


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
    from .commands import site
    from .output import results

    preview = site.prepare(ledger_dir, audience, host, port, _now().date())
    emit(results.previewing(preview))
    site.serve(preview)


@main.command()
@click.option("--sources", "sources", required=True, type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="城市清单 sources.yaml：每个城市的 id、name、公开网站 url，可选只读台账镜像 git。")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="输出目录：省级汇总网站生成在其中的 site/。")
@click.option("--ledger", "province", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="省级自己的台账目录：其中事项的 delegated 与各市数据核对。")
@click.option("--fail-on", type=click.Choice(["stale", "invalid"]), default=None,
              help="何时以状态 1 退出：stale 有城市数据过期（未能获取或未通过核验）；invalid 有数据未通过核验。默认总是 0。")
@click.option("--full", is_flag=True, help="不发条件请求，重新获取并核验每个城市（例如怀疑文件在发布后被改动）。")
@click.option("--reset", multiple=True, metavar="城市", help="核实该市历史确实改写过之后，以其当前提交为新的起点（可多次给出）。")
@no_cache_option
def rollup(sources: Path, out_dir: Path, province: Path | None, fail_on: str | None, full: bool, reset: tuple[str, ...],
           no_cache: bool) -> None:
    """省级汇总：获取各市公开的督查数据，逐一核验后合并，生成省级汇总网站。

    各市并行获取（有限并发、超时、重试；未变化的城市只需一次条件请求）。数据先按该市发布的
    JSON Schema 核对；给出只读台账镜像的城市，还核对发布的提交在其台账中、其历史未被改写，
    并从该提交的台账重新算出开放数据逐项比对。未能获取或未通过核验的城市保留上次通过核验的数据，
    标明过期及原因。网站先在临时目录生成，成功后才替换原有网站。

    \b
    示例：
      ducha rollup --sources sources.yaml --out public
      ducha rollup --sources sources.yaml --out public --ledger . --fail-on invalid
    """
    from .commands.rollup import rollup as run
    from .output.rollup import rolled_up

    emit(rolled_up(run(sources, out_dir, province=province, fail_on=fail_on, now=_now(), full=full, reset=reset,
                       use_cache=not no_cache)))


if __name__ == "__main__":  # pragma: no cover
    main()
