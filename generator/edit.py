"""Change item files the way staff would by hand, without touching anything else.

`append_event` adds one event as an exact text edit: the new line goes
right after the item's last event, in the style the file already uses
(one-line `{...}` or block), and every other byte — comments, key order,
quoting, line endings, a BOM — stays as it was. Before anything is
written the new text is parsed and checked like any item; the file is
replaced atomically (temp file, then rename), so an interrupted write
leaves the old file intact.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path

import yaml

from . import loader
from .findings import Finding
from .ledger import parse_item_bytes
from .loader import YMap, YSeq
from .model import COMMON_EVENT_KEYS, EVENT_FIELDS, EVENT_TYPE_FIELDS, EVENT_TYPES, Item


class EditRefused(Exception):
    """The change would make the item wrong; nothing was written."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []


_PLAIN_SAFE = re.compile(r"^[^\s'\"#&*!|>%@`{}\[\],:?-][^#{}\[\],:]*$")


def _scalar(value) -> str:
    """A YAML scalar for an event value, quoted only where YAML needs it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN_SAFE.match(text) and loader._resolve(text, True) == loader.STR and text == text.strip():
        return text
    dumped = yaml.safe_dump(text, allow_unicode=True, default_style="'", width=10**9).strip()
    return dumped.removesuffix("\n...").strip()


def _pairs(event: dict) -> list[tuple[str, str]]:
    order = list(COMMON_EVENT_KEYS) + [k for k in EVENT_FIELDS if k not in COMMON_EVENT_KEYS]
    return [(k, _scalar(event[k])) for k in order if k in event and event[k] is not None]


def event_line(event: dict) -> str:
    """`{date: …, type: …, …}` with keys in the model's order."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in _pairs(event)) + "}"


def check_event(event: dict) -> None:
    """Refuse an event the rules forbid before looking at any file."""
    etype = event.get("type")
    if etype not in EVENT_TYPES:
        raise EditRefused(f"不认识的记录类型 {etype}。可选：{'、'.join(EVENT_TYPES)}。")
    required, optional = EVENT_TYPE_FIELDS[etype]
    missing = [k for k in ("date", *required) if event.get(k) in (None, "")]
    if missing:
        names = "、".join(f"{k}（{EVENT_FIELDS[k].title}）" for k in missing)
        raise EditRefused(f"{EVENT_TYPES[etype]}记录缺少必填项：{names}。")
    allowed = set(COMMON_EVENT_KEYS) | set(required) | set(optional)
    extra = [k for k, v in event.items() if v is not None and k not in allowed]
    if extra:
        raise EditRefused(f"{EVENT_TYPES[etype]}记录不用这些键：{'、'.join(extra)}。")


def _events_block(text: str, tree: YMap) -> tuple[int, str, str]:
    """Where to insert (0-based line index), the item indent, and 'flow' or 'block'."""
    lines = text.split("\n")
    key, node = tree.entries["events"]
    if isinstance(node, YSeq) and node.items:
        first = node.items[0]
        indent = " " * (first.column - 3) if first.column >= 3 else "  "
        style = "flow" if lines[first.line - 1].lstrip().startswith("- {") else "block"
        # The block ends before the next line that starts at column 0 with content.
        end = len(lines)
        for i in range(node.items[-1].line, len(lines)):
            stripped = lines[i].strip()
            if lines[i] and not lines[i][0].isspace() and stripped and not stripped.startswith("#"):
                end = i
                break
        # Insert after the last content line of the block (not after trailing comments/blank lines).
        last = end - 1
        while last >= node.items[-1].line - 1 and (not lines[last].strip() or lines[last].strip().startswith("#")):
            last -= 1
        return last + 1, indent, style
    if isinstance(node, YSeq) and not node.items and "[" in lines[key.line - 1]:
        return -key.line, "  ", "flow"  # `events: []`: the key line itself is replaced
    return key.line, "  ", "flow"  # `events:` with nothing under it


def append_event_text(text: str, event: dict) -> str:
    """`text` with `event` appended to its events, everything else unchanged."""
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text.replace("\r\n", "\n")
    tree, _ = loader.load_text(body, "x")
    if not isinstance(tree, YMap):
        raise EditRefused("事项文件无法读取，请先修正文件中的错误。")
    line = event_line(event)
    pairs = _pairs(event)
    if "events" not in tree.entries:
        if body and not body.endswith("\n"):
            body += "\n"
        body += f"events:\n  - {line}\n"
    else:
        at, indent, style = _events_block(body, tree)
        lines = body.split("\n")
        if at < 0:  # `events: []`
            index = -at - 1
            lines[index] = lines[index].split("[", 1)[0].rstrip()
            lines.insert(index + 1, f"  - {line}")
        elif style == "flow":
            lines.insert(at, f"{indent}- {line}")
        else:
            block = [f"{indent}- {k}: {v}" if n == 0 else f"{indent}  {k}: {v}" for n, (k, v) in enumerate(pairs)]
            lines[at:at] = block
        body = "\n".join(lines)
    return body.replace("\n", newline) if newline != "\n" else body


def append_event(path: Path, rel: str, event: dict) -> tuple[Item, str]:
    """Append `event` to the item file at `path`; return the item as saved and the new line.

    Refused (EditRefused, nothing written) when the event is dated before
    the item's last event, breaks the item, or the file cannot be read.
    """
    check_event(event)
    data = path.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    before, findings = parse_item_bytes(data, rel)
    errors = [f for f in findings if f.severity == "error"]
    if before is None or errors:
        raise EditRefused("事项文件现有错误，请先修正后再追加记录。", errors)
    if before.events and event["date"] < max(e.date for e in before.events):
        last = max(e.date for e in before.events)
        raise EditRefused(f"新记录的日期 {event['date']} 早于最后一条记录（{last}）。办理记录只能按日期先后追加。")
    text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    new_text = append_event_text(text, event)
    new_data = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    after, findings = parse_item_bytes(new_data, rel)
    errors = [f for f in findings if f.severity == "error"]
    if after is None or errors or len(after.events) != len(before.events) + 1:
        raise EditRefused("追加后的文件不能通过校验，未保存。", errors)
    write_atomic(path, new_data)
    return after, event_line(event)


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that a crash leaves either the old or the new file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def git_commit(root: Path, paths: list[Path], message: str) -> str:
    """Commit `paths` with `message` (the user's own Git identity); return the sha."""
    import subprocess

    def run(*args: str) -> str:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
        if proc.returncode != 0:
            raise EditRefused(f"Git 提交失败：{proc.stderr.strip()}")
        return proc.stdout.strip()

    run("add", "--", *[str(p) for p in paths])
    run("commit", "-q", "-m", message, "--", *[str(p) for p in paths])
    return run("rev-parse", "HEAD")
