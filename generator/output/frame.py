"""Click's own text in Chinese: usage lines, help headings, "[default: …]", usage errors, "Aborted!".

Click writes its frame text through gettext with no catalogue of ours
(and would follow the user's locale if it had one); the ledger's users read
Chinese whatever their locale, so these classes write the frame
themselves: `Command` (usage line, headings, help option, "[默认：…]")
and `Group` (the same, and Click's errors and "Aborted!" in `main`).
"""
from __future__ import annotations

import errno
import re
import sys

import click

from ..errors import DuchaError
from . import Output

USAGE = "用法："
OPTIONS_METAVAR = "[选项]"
SUBCOMMAND_METAVAR = "命令 [参数]..."
HELP_HELP = "显示本帮助并退出。"
VERSION_HELP = "显示版本号并退出。"
VERSION_MESSAGE = "%(prog)s 版本 %(version)s"
ABORTED = "已中止。"
HELP_NAMES = ["-h", "--help"]

# Click's messages (English, as Click writes them) → Chinese. Parts not
# matched stay as Click wrote them: a value the user typed, a file name.
_MESSAGES = [
    (r"Missing argument (.+?)\.(.*)", r"缺少参数 \1。\2"),
    (r"Missing option (.+?)\.(.*)", r"缺少选项 \1。\2"),
    (r"Missing parameter:? (.+?)\.?(.*)", r"缺少参数 \1。\2"),
    (r"Missing command\.", "缺少命令。"),
    (r"No such option:? '?([^'\s]+?)'?\.?(?:\s*Did you mean (.+?)\?)?\s*",
     lambda m: f"没有选项 {m[1]}。" + (f"是否要写 {m[2]}？" if m[2] else "")),
    (r"No such command '?([^'\s]+?)'?\.", r"没有命令 \1。"),
    (r"Option '?([^'\s]+?)'? requires an argument\.", r"选项 \1 后面要写一个值。"),
    (r"Option '?([^'\s]+?)'? requires (\d+) arguments\.", r"选项 \1 后面要写 \2 个值。"),
    (r"Option '?([^'\s]+?)'? does not take a value\.", r"选项 \1 后面不能写值。"),
    (r"Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
    (r"(.+?) is not a valid (integer|float|float range|integer range)\.", r"\1 不是有效的数字。"),
    (r"(.+?) is not in the range (.+)\.", r"\1 不在允许的范围 \2 之内。"),
    (r"(.+?) is not one of (.+)\.", r"\1 不是可选的值，请从 \2 中选一个。"),
    (r"('.*?') is not ('.*')\.", r"\1 不是可选的值，只能写 \2。"),
    (r"(?:File|Directory|Path) (.+?) does not exist\.", r"\1 不存在。"),
    (r"(?:File|Directory|Path) (.+?) is a file\.", r"\1 是文件，这里要写目录。"),
    (r"(?:File|Directory|Path) (.+?) is a directory\.", r"\1 是目录，这里要写文件。"),
    (r"(?:File|Directory|Path) (.+?) is not readable\.", r"\1 无法读取（没有权限）。"),
    (r"(?:File|Directory|Path) (.+?) is not writable\.", r"\1 无法写入（没有权限）。"),
]
_COMPILED = [(re.compile(p, re.S), r) for p, r in _MESSAGES]


def chinese(message: str) -> str:
    """A Click message in Chinese; text Click did not write (our own messages, values) is kept."""
    m = re.fullmatch(r"Invalid value for (.+?): (.*)", message, re.S)
    if m:
        return f"{m[1]} 的值无效：{chinese(m[2])}"
    m = re.fullmatch(r"Invalid value: (.*)", message, re.S)
    if m:
        return f"值无效：{chinese(m[1])}"
    for pattern, repl in _COMPILED:
        m = pattern.fullmatch(message)
        if m:
            return (m.expand(repl) if isinstance(repl, str) else repl(m)).rstrip()
    return message


def usage_error(e: click.UsageError) -> str:
    """A usage error as Click shows it (usage line, hint, message), in Chinese."""
    text = ""
    ctx = e.ctx
    if ctx is not None:
        text += ctx.get_usage() + "\n"
        if ctx.command.get_help_option(ctx) is not None:
            text += f"请运行“{ctx.command_path} {max(ctx.command.get_help_option_names(ctx), key=len)}”查看帮助。\n"
    return text + f"错误：{chinese(e.format_message())}\n"


def _extra(text: str) -> str:
    parts = []
    for part in text[1:-1].split("; "):
        part = re.sub(r"^default: ", "默认：", part)
        part = re.sub(r"^env var: ", "环境变量：", part)
        parts.append("必填" if part == "required" else part)
    return "[" + "；".join(parts) + "]"


class HelpFormatter(click.HelpFormatter):
    """Help headings end with a full-width colon: "选项：", "命令："."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")


class Context(click.Context):
    formatter_class = HelpFormatter


def emit(output: Output) -> None:
    """Write `output` (standard error first when it says so); exit with its status if not 0."""
    if output.err_first and output.err:
        click.echo(output.err, nl=False, err=True)
    if output.out:
        click.echo(output.out, nl=False)
    if output.err and not output.err_first:
        click.echo(output.err, nl=False, err=True)
    if output.status:
        sys.exit(output.status)


class Command(click.Command):
    """A command whose usage line, headings and help option read in Chinese.

    A `DuchaError` from the command is printed (`output.errors.error`) and
    ends the run with its status. `findings_format=True`: the command's
    `--format` also applies to the findings of an unreadable ledger.
    """

    context_class = Context

    def __init__(self, *args, findings_format: bool = False, **kwargs) -> None:
        kwargs.setdefault("options_metavar", OPTIONS_METAVAR)
        kwargs.setdefault("context_settings", {"help_option_names": HELP_NAMES})
        super().__init__(*args, **kwargs)
        self.findings_format = findings_format

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except DuchaError as err:
            from .errors import error

            fmt = ctx.params.get("fmt", "text") if self.findings_format else "text"
            shown = error(err, fmt, ctx.info_name or "")
            shown.status = shown.status or 1
            emit(shown)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        opts = [(rv[0], re.sub(r"\[[^\[\]]*\]$", lambda m: _extra(m[0]), rv[1])) for p in self.get_params(ctx)
                if not isinstance(p, click.Argument) and (rv := p.get_help_record(ctx)) is not None]
        if opts:
            with formatter.section("选项"):
                formatter.write_dl(opts)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_HELP
        return option


class Group(Command, click.Group):
    """The `ducha` group: Chinese frame text, and Click's errors written in Chinese."""

    command_class = Command
    subcommand_metavar = SUBCOMMAND_METAVAR

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("subcommand_metavar", SUBCOMMAND_METAVAR)
        super().__init__(*args, **kwargs)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        Command.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("命令"):
                formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in rows])

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's main, with its own messages (usage errors, "Aborted!") written in Chinese."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as e:
            click.echo(usage_error(e), nl=False, err=True)
            sys.exit(e.exit_code)
        except click.ClickException as e:
            click.echo(f"错误：{chinese(e.format_message())}", err=True)
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo(ABORTED, err=True)
            sys.exit(1)
        except OSError as e:
            if e.errno != errno.EPIPE:
                raise
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)
