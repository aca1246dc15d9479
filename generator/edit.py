"""Change item files the way staff would by hand, without touching anything else.

`append_event` adds one event as an exact text edit: the new entry goes
right after the item's last event, in the style the file already uses
(one-line `{...}` or block, flow list `[...]`, any indentation), and every
other byte — comments, key order, quoting, line endings (LF, CRLF or the
old Mac CR), a BOM — stays as it was. An empty `events:` (or `null`, `~`,
`[]`) becomes a list with the one new entry. Where the edit goes is taken
from the YAML parser's own positions, not guessed from lines.

Before anything is written the new text is parsed and checked like any
item, and the old events and fields must read back unchanged. The file is
replaced atomically (temp file, then rename, keeping its mode), so an
interrupted write leaves the old file intact.

Concurrent runs: every change happens under the ledger's edit lock (an OS
lock on `.ducha-lock/edit.lock`: `fcntl.flock` on POSIX, `msvcrt.locking`
on Windows, both released by the OS when a process dies; an exclusively
created marker file where the file system has no locks). Under the lock
the file is read, changed, and replaced only if its bytes are still the
ones read (compare-and-swap), so an editor saving the file meanwhile makes
the run refuse instead of losing that save. New files are created
exclusively (`create_exclusive`), never over an existing one.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import secrets
import stat
import time
from pathlib import Path

import yaml

from . import gitrepo, loader
from .errors import DuchaError
from .findings import Finding
from .ledger import parse_item_bytes
from .model import COMMON_EVENT_KEYS, EVENT_FIELDS, EVENT_TYPE_FIELDS, EVENT_TYPES, Item

LOCK_DIR = ".ducha-lock"
LOCK_TIMEOUT = 30.0  # seconds; DUCHA_LOCK_TIMEOUT overrides it


class EditRefused(DuchaError):
    """The change would make the item wrong, or could not be made safely; nothing was written."""

    status, prefix, findings_as_lines = 1, "未保存：", True

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []


# --- Scalars ---------------------------------------------------------------

_PLAIN_SAFE = re.compile(r"[^\s'\"#&*!|>%@`{}\[\],:?-][^#{}\[\],:\x00-\x1f\x7f-\x9f\u2028\u2029]*\Z")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x00": "\\0"}


def _needs_escape(c: str) -> bool:
    """Characters YAML cannot hold literally in a one-line scalar (breaks and non-printables)."""
    o = ord(c)
    return (o < 0x20 or 0x7F <= o <= 0x9F or o in (0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF)
            or 0xD800 <= o <= 0xDFFF)


def _double_quoted(text: str) -> str:
    """`"…"` with line breaks and control characters as escapes (`\\n`), so nothing is folded."""
    out = []
    for c in text:
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif _needs_escape(c):
            out.append(f"\\x{ord(c):02X}" if ord(c) <= 0xFF else f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return '"' + "".join(out) + '"'


def yaml_scalar(value) -> str:
    """A one-line YAML scalar for a value, quoted only where YAML needs it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN_SAFE.match(text) and loader.resolve_tag(text, True) == loader.STR and text == text.strip() \
            and not loader.yaml12_not_text(text):
        return text
    if any(_needs_escape(c) for c in text):
        return _double_quoted(text)  # a newline in a plain or '…' scalar would be folded to a space
    return "'" + text.replace("'", "''") + "'"


def _literal(text: str, indent: int) -> list[str] | None:
    """A `|` block scalar for multi-line text (header, then lines), or None when one cannot hold it exactly."""
    body = text.rstrip("\n")
    if not body or any(_needs_escape(c) for c in text if c not in "\n\t"):
        return None
    lines = body.split("\n")
    first = next(line for line in lines if line)
    if first[0] in " \t" or any(line and not line.strip() for line in lines):
        return None  # would need an indentation indicator; the quoted form is exact
    trailing = len(text) - len(body)
    header = "|-" if trailing == 0 else "|" if trailing == 1 else "|+"
    pad = " " * indent
    out = [header] + [pad + line if line else "" for line in lines] + [""] * (trailing - 1 if trailing > 1 else 0)
    try:
        ok = yaml.load("k: " + "\n".join(out) + "\n", Loader=loader.EventLoader) == {"k": text}
    except yaml.YAMLError:
        ok = False
    return out if ok else None


def _ordered(event: dict) -> list[tuple[str, object]]:
    order = list(COMMON_EVENT_KEYS) + [k for k in EVENT_FIELDS if k not in COMMON_EVENT_KEYS]
    return [(k, event[k]) for k in order if k in event and event[k] is not None]


def _pairs(event: dict) -> list[tuple[str, str]]:
    return [(k, yaml_scalar(v)) for k, v in _ordered(event)]


def event_line(event: dict) -> str:
    """`{date: …, type: …, …}` with keys in the model's order."""
    return "{" + ", ".join(f"{k}: {v}" for k, v in _pairs(event)) + "}"


def _event_block(event: dict, head: str, column: int) -> list[str]:
    """The event as a block mapping: `head` (e.g. `  - `) before the first key, the rest at `column`."""
    out = []
    for n, (k, v) in enumerate(_ordered(event)):
        prefix = head if n == 0 else " " * column
        literal = _literal(v, column + 2) if isinstance(v, str) and "\n" in v else None
        if literal:
            out.append(f"{prefix}{k}: {literal[0]}")
            out += literal[1:]
        else:
            out.append(f"{prefix}{k}: {yaml_scalar(v)}")
    return out


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


# --- Where the events are ----------------------------------------------------

_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # YAML's line breaks, as the parser counts lines
_BREAK_CHARS = "\r\n\x85\u2028\u2029"
STANDARD_FORM = "events:\n  - {date: 2025-03-15, type: progress, text: …}"


@dataclasses.dataclass
class _Events:
    """Positions (string indexes) the parser reported for the top-level `events`."""

    root_column: int = 0
    root_flow: bool = False
    key_line: int = 0               # 1-based; 0 when there is no `events` key
    key_end: int = 0
    kind: str = "missing"           # missing | null | block | flow | other
    value_start: int = 0
    value_end: int = 0
    items: int = 0
    item_start: int = 0             # the last item
    item_flow: bool = True
    item_end: int = 0               # end of the last item's content
    item_end_block_scalar: bool = False


def _locate(text: str) -> _Events:
    found = _Events()
    parser = loader.EventLoader(text)
    stack: list[bool] = []          # flow_style of each open collection
    expect_key = True               # in the root mapping
    value_is_events = False
    inside = False                  # between the events sequence's start and end
    try:
        while True:
            ev = parser.get_event()
            if ev is None or isinstance(ev, yaml.StreamEndEvent):
                break
            cls = type(ev)
            if cls in (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent):
                continue
            opens = cls in (yaml.MappingStartEvent, yaml.SequenceStartEvent)
            closes = cls in (yaml.MappingEndEvent, yaml.SequenceEndEvent)
            depth = len(stack)
            if not closes:
                if depth == 0:
                    found.root_column = ev.start_mark.column
                    found.root_flow = bool(getattr(ev, "flow_style", False))
                elif depth == 1 and expect_key:
                    value_is_events = cls is yaml.ScalarEvent and ev.value == "events"
                    if value_is_events:
                        found.key_line = ev.start_mark.line + 1
                        found.key_end = ev.end_mark.index
                    expect_key = False
                elif depth == 1:
                    expect_key = True
                    if value_is_events:
                        found.value_start, found.value_end = ev.start_mark.index, ev.end_mark.index
                        if cls is yaml.SequenceStartEvent:
                            found.kind = "flow" if ev.flow_style else "block"
                            inside = True
                        elif (cls is yaml.ScalarEvent and not ev.style
                              and loader.resolve_tag(ev.value, ev.implicit[0]) == loader.NULL):
                            found.kind = "null"
                        else:
                            found.kind = "other"
                    value_is_events = False
                elif inside and depth == 2:  # an item of the events list
                    found.items += 1
                    found.item_start = ev.start_mark.index
                    found.item_flow = cls is not yaml.MappingStartEvent or bool(ev.flow_style)
                    found.item_end, found.item_end_block_scalar = ev.end_mark.index, False
                if inside and depth >= 2 and cls is yaml.ScalarEvent and ev.end_mark.index >= found.item_end:
                    found.item_end = ev.end_mark.index
                    found.item_end_block_scalar = ev.style in ("|", ">")
            if opens:
                stack.append(bool(ev.flow_style))
            elif closes:
                flow = stack.pop()
                if inside and len(stack) == 1:  # the events sequence itself ended
                    inside = False
                    found.value_end = ev.end_mark.index
                elif inside and flow and ev.end_mark.index >= found.item_end:
                    found.item_end, found.item_end_block_scalar = ev.end_mark.index, False
    finally:
        parser.dispose()
    return found


def _line_start(text: str, i: int) -> int:
    return max(text.rfind(c, 0, i) for c in _BREAK_CHARS) + 1


def _next_line(text: str, i: int) -> int | None:
    """Index just after the line break that ends the line containing `i` (None: last line, no break)."""
    m = _BREAK.search(text, i)
    return m.end() if m else None


def _insert_lines(text: str, at: int | None, lines: list[str], nl: str) -> str:
    if at is None:  # after a last line that has no line break
        return text + nl + nl.join(lines)
    return text[:at] + "".join(line + nl for line in lines) + text[at:]


def _cut_token(text: str, start: int, end: int) -> tuple[str, int]:
    """`text` without [start, end) and the blanks before it; returns the text and the cut position."""
    while start > 0 and text[start - 1] in " \t":
        start -= 1
    return text[:start] + text[end:], start


class _CannotAppend(EditRefused):
    pass


def append_event_text(text: str, event: dict) -> str:
    """`text` with `event` appended to its events, everything else unchanged."""
    m = _BREAK.search(text)
    nl = m.group() if m and m.group() in ("\r\n", "\r", "\n") else "\n"
    try:
        where = _locate(text)
    except yaml.YAMLError:
        raise EditRefused("事项文件无法读取，请先修正文件中的错误。") from None
    line = event_line(event)
    item_indent = " " * (where.root_column + 2)
    if where.kind == "missing":
        if where.root_flow:
            raise _CannotAppend("整个事项写成了一行 {…}，无法自动追加。请改成每个键一行的写法，"
                                f"并加上\n{STANDARD_FORM}")
        if text and text[-1] not in _BREAK_CHARS:
            text += nl
        return text + f"{' ' * where.root_column}events:{nl}{item_indent}- {line}{nl}"
    if where.kind == "other":
        raise _CannotAppend(f"第 {where.key_line} 行 events 的值不是列表，无法追加。请写成\n{STANDARD_FORM}")
    span = text[where.value_start:where.value_end]
    if where.kind == "null" or (where.kind == "flow" and not where.items and not _BREAK.search(span)):
        # `events:`, `events: null`, `events: ~`, `events: []`: the key line keeps anything after
        # the value (a comment); the list starts on the next line, in the demo items' style.
        if where.value_end > where.value_start:
            text, at = _cut_token(text, where.value_start, where.value_end)
        else:
            at = where.key_end
        return _insert_lines(text, _next_line(text, at), [f"{item_indent}- {line}"], nl)
    if where.kind == "flow":
        if not where.items:  # `[` … `]` over several lines (comments inside): the entry goes after `[`
            return text[:where.value_start + 1] + line + text[where.value_start + 1:]
        at = where.item_end
        own_line = not text[_line_start(text, where.item_start):where.item_start].strip()
        if own_line and _BREAK.search(text, at, where.value_end):
            lead = text[_line_start(text, where.item_start):where.item_start]
            return text[:at] + f",{nl}{lead}{line}" + text[at:]
        return text[:at] + f", {line}" + text[at:]
    # A block list: the new entry copies the last one's dash column, gap after the dash and style.
    dash = where.item_start - 1
    while dash > 0 and text[dash] in " \t" + _BREAK_CHARS:
        dash -= 1
    if text[dash] != "-":
        raise _CannotAppend(f"第 {where.key_line} 行起的 events 列表写法特殊，无法自动追加。请写成\n{STANDARD_FORM}")
    gap = text[dash + 1:where.item_start]
    if any(c in _BREAK_CHARS for c in gap):  # `-` alone on its line, the entry below it
        gap = " "
    head = " " * (dash - _line_start(text, dash)) + "-" + gap
    if where.item_flow:
        new_lines = [head + line]
    else:
        new_lines = _event_block(event, head, len(head))
    end = where.item_end
    start_of_end_line = _line_start(text, end)
    if where.item_end_block_scalar and not text[start_of_end_line:end].strip(" \t"):
        at = start_of_end_line  # a block scalar ends at the start of the next line
    else:
        at = _next_line(text, end)  # after the last item's line, with any comment on it
    return _insert_lines(text, at, new_lines, nl)


# --- The edit -----------------------------------------------------------------

def _comparable(obj, *skip: str) -> dict:
    return {k: v for k, v in dataclasses.asdict(obj).items() if k not in skip}


def _read_regular(path: Path, rel: str) -> bytes:
    try:
        st = os.lstat(path)
    except OSError as e:
        raise EditRefused(f"无法读取 {rel}：{e.strerror}。") from None
    if not stat.S_ISREG(st.st_mode):
        raise EditRefused(f"{rel} 不是普通文件（可能是符号链接或管道），ducha 不会修改它。请换成普通的 YAML 文件后再试。")
    try:
        with open(path, "rb") as fh:
            return fh.read(loader.MAX_ITEM_BYTES + 1)
    except OSError as e:
        raise EditRefused(f"无法读取 {rel}：{e.strerror}。") from None


def append_event(path: Path, rel: str, event: dict, root: Path | None = None) -> tuple[Item, str]:
    """Append `event` to the item file at `path`; return the item as saved and the new entry.

    Refused (EditRefused, nothing written) when the event is dated before
    the item's last event, breaks the item, the file cannot be read, or
    the file changed while we worked. `root` is the ledger folder whose
    edit lock is taken (default: the folder above `path` with a
    `ledger.yaml`).
    """
    check_event(event)
    path = Path(path)
    with edit_lock(root if root is not None else ledger_root_of(path)):
        data = _read_regular(path, rel)
        bom = data.startswith(b"\xef\xbb\xbf")
        before, findings = parse_item_bytes(data, rel)
        errors = [f for f in findings if f.severity == "error"]
        if before is None or errors:
            raise EditRefused("事项文件现有错误，请先修正后再追加记录。", errors)
        if before.events and event["date"] < max(e.date for e in before.events):
            last = max(e.date for e in before.events)
            raise EditRefused(f"新记录的日期 {event['date']} 早于最后一条记录（{last}）。办理记录只能按日期先后追加。")
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
        try:
            new_text = append_event_text(text, event)
        except _CannotAppend as err:
            raise EditRefused(f"{rel}：{err}") from None
        new_data = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
        after, findings = parse_item_bytes(new_data, rel)
        errors = [f for f in findings if f.severity == "error"]
        if after is None or errors or not _only_appended(before, after, event):
            raise EditRefused(
                f"{rel}：追加后的文件不能按原样读回，未保存，文件没有改动。请把 events 改写成下面的格式后再试：\n"
                f"{STANDARD_FORM}", errors)
        _refuse_personal_data(after, root if root is not None else ledger_root_of(path))
        write_atomic(path, new_data, expect=data, rel=rel)
    return after, event_line(event)


def _refuse_personal_data(after: Item, root: Path | None) -> None:
    """A public event of a public item must not carry personal data (the `personal_data` rule, before saving)."""
    from . import privacy
    from .model import is_public_event

    event = after.events[-1]
    if not (after.public and is_public_event(event)):
        return
    allow: tuple[str, ...] = ()
    if root is not None:
        from .ledger import LedgerUnreadable, load_config

        try:
            allow = load_config(root)[0].privacy_allow
        except LedgerUnreadable:
            pass
    found = [m for text in (event.text, event.evaluator, event.grade) if text for m in privacy.find(text, allow)]
    if found:
        shown = "、".join(f"{m.name} {m.masked}" for m in found)
        raise EditRefused(f"这条记录会在公开网站上显示，其中有个人信息：{shown}。文件没有改动。"
                          "请删去这些信息（需要留存的写进 --note 内部备注），"
                          "对外公布的办公电话可由督查室加入 ledger.yaml 的 privacy.allow。")


def _only_appended(before: Item, after: Item, event: dict) -> bool:
    """The new file reads as the old one plus exactly `event`."""
    if _comparable(before, "events", "lines") != _comparable(after, "events", "lines"):
        return False
    if len(after.events) != len(before.events) + 1:
        return False
    old = [_comparable(e, "line") for e in before.events]
    new = [_comparable(e, "line") for e in after.events]
    # Events are read in date order, stable in file order; the new one is dated on or
    # after every other and written last, so it reads back last.
    wanted = {k: v for k, v in event.items() if v is not None}
    got = {k: v for k, v in new[-1].items() if v is not None}
    return new[:-1] == old and got == wanted


# --- Files: lock, compare-and-swap, atomic and exclusive writes -----------------

def ledger_root_of(path: Path) -> Path:
    """The nearest folder above `path` holding `ledger.yaml` (else the file's own folder)."""
    path = Path(path).absolute()
    for folder in path.parents:
        if (folder / "ledger.yaml").is_file():
            return folder
    return path.parent


_held: dict[str, int] = {}  # lock files this process holds, with nesting depth


def _timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("DUCHA_LOCK_TIMEOUT", LOCK_TIMEOUT)))
    except ValueError:
        return LOCK_TIMEOUT


@contextlib.contextmanager
def edit_lock(root: Path):
    """Hold the ledger's edit lock (re-entrant within a process) while the block runs."""
    folder = Path(root) / LOCK_DIR
    lock_path = folder / "edit.lock"
    key = str(lock_path.absolute())
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    try:
        if folder.is_symlink():  # a committed link could point the lock (and its O_CREAT) anywhere
            raise OSError(40, "锁目录是符号链接")
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError as e:
        raise EditRefused(f"无法创建锁文件 {lock_path}（{e.strerror}）。请检查台账目录是否可写。") from None
    release = None
    try:
        release = _acquire(fd, lock_path, _timeout())
        _held[key] = 1
        yield
    finally:
        _held.pop(key, None)
        if release is not None:
            release()
        os.close(fd)


def _busy(lock_path: Path, waited: float, marker: Path | None = None) -> EditRefused:
    extra = (f"若确认没有其他 ducha 在运行（例如上次运行被强行终止），请删除 {marker} 后重试。" if marker
             else "请等它结束后重新运行本命令。")
    return EditRefused(f"另一个 ducha 命令正在修改这个台账（锁文件 {lock_path}），等待 {waited:g} 秒后仍未结束，"
                       f"本次未保存，文件没有改动。{extra}")


def _acquire(fd: int, lock_path: Path, timeout: float):
    """Lock `fd` exclusively, waiting up to `timeout` seconds; return the release function."""
    deadline = time.monotonic() + timeout
    delay = 0.005
    if os.name == "nt":  # pragma: no cover - Windows
        import msvcrt

        while True:
            try:
                os.lseek(fd, 0, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
                break
            except OSError:
                if time.monotonic() >= deadline:
                    raise _busy(lock_path, timeout) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.1)

        def release() -> None:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return release

    import errno
    import fcntl

    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return lambda: fcntl.flock(fd, fcntl.LOCK_UN)
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise _busy(lock_path, timeout) from None
        except OSError as e:
            if e.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EINVAL):
                raise
            return _acquire_marker(lock_path.with_name(lock_path.name + ".held"), lock_path, deadline, timeout)
        time.sleep(delay)
        delay = min(delay * 2, 0.1)


def _acquire_marker(marker: Path, lock_path: Path, deadline: float, timeout: float):
    """A lock for file systems without OS locks: a marker file created exclusively, removed on release.

    A marker left by a killed process is not removed automatically (that
    cannot be done safely); the message says which file to delete.
    """
    delay = 0.005
    while True:
        try:
            fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            if time.monotonic() >= deadline:
                raise _busy(lock_path, timeout, marker) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.1)
            continue
        os.write(fd, f"{os.getpid()}\n".encode())
        os.close(fd)
        return lambda: marker.unlink(missing_ok=True)


def _write_temp(path: Path, data: bytes, mode: int | None) -> Path:
    """`data` in a new temp file next to `path`, flushed to disk; mode `mode` or the umask's default."""
    while True:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:  # pragma: no cover - a random name taken
            continue
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def _sync_folder(folder: Path) -> None:
    if os.name == "nt":  # pragma: no cover - Windows has no directory fsync
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, expect: bytes | None = None, rel: str | None = None) -> None:
    """Write `data` to `path` so that a crash leaves either the old or the new file.

    The file keeps its mode (a new one gets the umask's default). With
    `expect`, the file is replaced only if it still holds exactly those
    bytes (compare-and-swap); otherwise EditRefused and nothing changes.
    """
    path = Path(path)
    name = rel or str(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = None
    tmp = _write_temp(path, data, mode)
    try:
        if expect is not None:
            try:
                with open(path, "rb") as fh:
                    current = fh.read(len(expect) + 1)
            except OSError:
                current = None
            if current != expect:
                raise EditRefused(f"{name} 在本次修改期间被其他程序改动过（例如编辑器保存了它），为免覆盖那次修改，"
                                  "本次未保存。请检查文件后重新运行本命令。")
        _replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _replace(tmp: Path, path: Path) -> None:
    # Windows refuses to replace a file another process has open (a reader, an
    # antivirus scan) for a moment; wait a little before giving up.
    for attempt in range(50 if os.name == "nt" else 1):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if os.name != "nt" or attempt == 49:
                raise
            time.sleep(0.02)


def create_exclusive(path: Path, data: bytes) -> None:
    """Create `path` holding `data`, complete or not at all; FileExistsError if the name is taken.

    The data goes to a temp file first, which is then hard-linked to its
    name: the link is atomic and fails when the name exists, so neither a
    concurrent run nor a crash can leave a half-written or overwritten file.
    Where the file system has no hard links, the name is claimed with
    O_EXCL and filled in place.
    """
    path = Path(path)
    tmp = _write_temp(path, data, None)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    finally:
        tmp.unlink(missing_ok=True)
    _sync_folder(path.parent)


def git_commit(root: Path, paths: list[Path], message: str) -> str:
    """Commit `paths` with `message` (the user's own Git identity); return the sha."""
    try:
        return gitrepo.commit_paths(root, paths, message)
    except gitrepo.GitError as e:
        raise EditRefused(f"Git 提交失败：{e}") from None
