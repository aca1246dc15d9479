"""Read one YAML file into a small tree whose every node knows its line.

We compose the tree ourselves from libyaml's event stream instead of using
`yaml.safe_load`, because the safe loader
- silently keeps the last of two duplicate keys,
- expands aliases, so a small "alias bomb" grows to gigabytes once the
  result is walked (JSON output, validation),
- forgets where each value came from, and
- crashes the interpreter (C stack) on very deep nesting when composed by
  the C extension.
The event parser is iterative, so depth is ours to limit. Scalars keep
their source text and resolved YAML 1.1 tag, so validation can explain the
YAML 1.1 traps (`no` → false, `010` → 8, `12:30` → 750) instead of
silently taking the surprising value.
"""
from __future__ import annotations

import errno
import os
import re
import stat

import yaml
from yaml.resolver import Resolver

from .findings import Finding

try:  # libyaml's parser; the pure-Python one is ~9x slower
    from yaml import CSafeLoader as EventLoader

    HAVE_LIBYAML = True
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as EventLoader

    HAVE_LIBYAML = False

MAX_ITEM_BYTES = 256 * 1024
MAX_DEPTH = 32

STR = "tag:yaml.org,2002:str"
NULL = "tag:yaml.org,2002:null"
BOOL = "tag:yaml.org,2002:bool"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
MERGE = "tag:yaml.org,2002:merge"
_STANDARD_TAGS = {
    STR, NULL, BOOL, INT, FLOAT, TIMESTAMP,
    "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
}

_CONFLICT_RE = re.compile(r"^(<{7}|>{7})(?: |$)", re.M)

# A scalar that holds one of these is refused (issue 9, point 13: every string is
# printable text). C0 controls except tab and newline (newline is further
# limited to multi-line fields by `validate`), DEL, C1, the noncharacters
# U+FFFE/U+FFFF and lone surrogates: they are invisible, break XML (feed,
# JUnit), spreadsheets and terminals, and serve no purpose in a ledger.
# YAML's reader refuses them written raw; escapes ("\x01", "\N") and the
# pure-Python reader let them through, so every scalar is searched once.
BAD_CHAR = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# A composed scalar whose text held such a character: validation skips it
# silently (the loader has reported it); its text is `visible()`.
REFUSED = "tag:ducha.example,2025:refused"


def char_code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def char_kind(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "换行符"
    if ch == "\r":
        return "回车符"
    if code == 0x7F:
        return "删除符 DEL"
    if 0xD800 <= code <= 0xDFFF:
        return "孤立的代理项（不是完整的字符）"
    if code in (0xFFFE, 0xFFFF):
        return "非字符"
    return "控制字符"


def visible(text: str, *, newlines: bool = True) -> str:
    """`text` with every refused character written as U+XXXX (and newlines too unless `newlines`)."""
    pattern = BAD_CHAR if newlines else _BAD_OR_NEWLINE
    if not pattern.search(text):
        return text
    return pattern.sub(lambda m: char_code(m.group()), text)


_BAD_OR_NEWLINE = re.compile("[\n\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def read_regular(path, max_bytes: int) -> bytes | OSError:
    """Up to `max_bytes + 1` bytes of the regular file at `path`, or the OSError.

    Only a regular file is read: the last component is opened with
    O_NOFOLLOW (a symlink is refused, so a file cannot be changed by
    editing another one elsewhere) and O_NONBLOCK (a FIFO opens without
    waiting for a writer and is then refused), and what was opened is
    checked with fstat. The error's strerror is the Chinese reason.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP and os.path.islink(path):
            return OSError(errno.ELOOP, NOT_REGULAR["link"])
        return e
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            return OSError(errno.EINVAL, NOT_REGULAR["dir" if stat.S_ISDIR(mode) else "special"])
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as e:
        return e
    finally:
        os.close(fd)


NOT_REGULAR = {
    "link": "这是符号链接（symlink），不会被读取：ducha 只读取普通文件。请把链接换成文件本身的内容",
    "special": "这不是普通文件（管道、套接字或设备文件），不会被读取：ducha 只读取普通文件。请删除它，改放普通的 YAML 文件",
    "dir": "这是目录，不是文件",
}


class YNode:
    __slots__ = ("line", "column")

    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class YScalar(YNode):
    """A scalar: its source text, resolved tag, and whether it was plain."""

    __slots__ = ("text", "tag", "plain")

    def __init__(self, text: str, tag: str, plain: bool, line: int, column: int):
        super().__init__(line, column)
        self.text = text
        self.tag = tag
        self.plain = plain

    def __repr__(self) -> str:
        return f"YScalar({self.text!r}, {self.tag.rsplit(':', 1)[-1]}, line={self.line})"


class YMap(YNode):
    """A mapping: key text -> (key node, value node), in source order."""

    __slots__ = ("entries",)

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.entries: dict[str, tuple[YScalar, YNode]] = {}


class YSeq(YNode):
    __slots__ = ("items",)

    def __init__(self, line: int, column: int) -> None:
        super().__init__(line, column)
        self.items: list[YNode] = []


_RESOLVED: dict[str, str] = {}

# What the YAML 1.2 core schema (editors: the YAML language server) reads as a
# number, a boolean or null in a plain scalar. Some of these are text in YAML
# 1.1 (`05585551234`, `0o17`, `1e3`): such a plain scalar means different
# things to different tools, so ducha quotes it when writing and asks for
# quotes when reading a text field.
_YAML12_NOT_TEXT = re.compile(
    r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|true|True|TRUE|false|False|FALSE|~|null|Null|NULL|")


def yaml12_not_text(text: str) -> bool:
    """Whether YAML 1.2 reads the plain scalar `text` as something other than text."""
    return _YAML12_NOT_TEXT.fullmatch(text) is not None


def resolve_tag(text: str, implicit_plain: bool) -> str:
    # The same implicit resolution PyYAML's SafeLoader applies (YAML 1.1).
    if not implicit_plain:
        return STR
    tag = _RESOLVED.get(text)
    if tag is not None:
        return tag
    tag = STR
    if text == "":
        tag = NULL
    else:
        for candidate, regexp in Resolver.yaml_implicit_resolvers.get(text[0], ()):
            if regexp.match(text):
                tag = candidate
                break
    if len(_RESOLVED) > 50_000:  # keys and common words repeat; bound the memo
        _RESOLVED.clear()
    _RESOLVED[text] = tag
    return tag


class _Stop(Exception):
    def __init__(self, finding: Finding):
        self.finding = finding


def _decode(data: bytes, rel: str) -> tuple[str | None, Finding | None]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        bad = data[e.start:e.start + 4].hex(" ")
        return None, Finding(
            rel, line, "yaml_syntax",
            f"文件不是 UTF-8 编码（第 {line} 行有无法识别的字节 {bad}）。"
            "请在编辑器中用 UTF-8 编码重新保存（不要用 GBK/GB2312）。",
        )


def load_text(text: str, rel: str) -> tuple[YNode | None, list[Finding]]:
    """Compose `text` (one YAML document) into a YNode tree.

    Returns (tree, findings). The tree is None when the file cannot be read
    as YAML at all; other findings (duplicate keys) come with a tree.
    """
    m = _CONFLICT_RE.search(text)
    if m:
        line = text.count("\n", 0, m.start()) + 1
        return None, [Finding(
            rel, line, "yaml_syntax",
            f"第 {line} 行有未解决的合并冲突标记（{m.group(1)}）。"
            "请保留正确的内容，删去 <<<<<<<、======= 和 >>>>>>> 这些行。",
        )]
    findings: list[Finding] = []
    try:
        parser = EventLoader(text)
    except yaml.YAMLError as e:  # the pure-Python reader checks characters up front
        return None, [_syntax_finding(e, rel, text)]
    # The reader refuses these characters written raw, so only an escape
    # (or a line break it normalises) can produce one: most files need no
    # per-scalar search at all.
    check_chars = "\\" in text or "\r" in text or "\x85" in text
    try:
        root = _compose(parser, rel, findings, check_chars)
    except _Stop as stop:
        return None, [stop.finding]
    except yaml.YAMLError as e:
        return None, [_syntax_finding(e, rel, text)]
    finally:
        parser.dispose()
    if root is None:
        return None, [Finding(
            rel, 1, "yaml_syntax",
            "文件是空的（或只有注释）。请填写事项内容，或删除这个文件。",
        )]
    return root, findings


def load_file_bytes(path, rel: str, max_bytes: int = MAX_ITEM_BYTES) -> tuple[YNode | None, list[Finding]]:
    """Read the regular file at `path` and compose it; `rel` names it in findings."""
    data = read_regular(path, max_bytes)
    if isinstance(data, OSError):
        return None, [Finding(rel, None, "yaml_syntax", f"无法读取文件：{data.strerror}。")]
    return load_bytes(data, rel, max_bytes)


def load_bytes(data: bytes, rel: str, max_bytes: int = MAX_ITEM_BYTES) -> tuple[YNode | None, list[Finding]]:
    """Decode and compose raw file bytes (BOM and CRLF accepted)."""
    if len(data) > max_bytes:
        return None, [Finding(
            rel, None, "yaml_syntax",
            f"文件超过 {max_bytes // 1024} KB 上限。一个事项文件通常只有几 KB；"
            "请检查是否误粘贴了大段内容，附件请放在别处并在事项中写明出处。",
        )]
    text, problem = _decode(data, rel)
    if problem:
        return None, [problem]
    return load_text(text, rel)


def _syntax_finding(e: yaml.YAMLError, rel: str, text: str) -> Finding:
    mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    if isinstance(e, yaml.reader.ReaderError):
        # The reader reports a character position, not a line.
        position = getattr(e, "position", None)
        line = None
        if isinstance(position, int) and position >= 0:
            if EventLoader.__module__ == "yaml.cyaml":  # libyaml counts bytes of UTF-8, the Python reader characters
                before = text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "replace")
            else:
                before = text[:position]
            line = before.count("\n") + 1
        character = e.character if isinstance(e.character, str) else chr(e.character)
        where = f"第 {line} 行" if line else "文件中"
        return Finding(
            rel, line, "yaml_syntax",
            f"YAML 格式错误：{where}含有不允许的字符 {char_code(character)}（{char_kind(character)}）。"
            "这类字符看不见，请删去它（常从网页、Word 或聊天软件复制时带入，可在编辑器中显示不可见字符后删除）。",
        )
    else:
        problem = getattr(e, "problem", None) or str(e)
    if mark is not None and "\t" in _line_at(text, mark.line)[: mark.column + 1]:
        problem = "found character '\\t' (Tab)"
    hint = _SYNTAX_HINTS.get(_hint_key(problem), "请对照相邻各行检查缩进、冒号和引号是否成对。")
    where = f"第 {line} 行" if line else "文件中"
    return Finding(rel, line, "yaml_syntax", f"YAML 格式错误：{where}{_problem_zh(problem)}。{hint}", column=column)


def _line_at(text: str, index: int) -> str:
    lines = text.splitlines()
    return lines[index] if 0 <= index < len(lines) else ""


_SYNTAX_HINTS = {
    "tab": "YAML 不允许用 Tab 缩进，请改用空格。",
    "colon": "冒号后面要有一个空格；若文字本身含有冒号，请给整段文字加引号。",
    "indent": "同一层的键要对齐，子项要比上一层多缩进两个空格。",
    "quote": "引号要成对出现；文字里有引号时，改用另一种引号把整段括起来。",
    "document": "一个文件只能写一个事项，请删去多余的 --- 分隔线。",
    "nesting": "事项文件不需要这么深的结构，请检查括号是否多写了。",
    "escape": "需要特殊字符时请直接写出字符本身，不要用转义。",
}


def _hint_key(problem: str) -> str:
    p = problem.lower()
    if "tab" in p:
        return "tab"
    if "nesting depth" in p:
        return "nesting"
    if "unicode character escape" in p:
        return "escape"
    if "expected a single document" in p or "but found another document" in p:
        return "document"
    if "mapping values are not allowed" in p or "could not find expected ':'" in p:
        return "colon"
    if "quoted scalar" in p or "unexpected end of stream" in p:
        return "quote"
    if "indent" in p or "expected <block end>" in p or "did not find expected key" in p:
        return "indent"
    return ""


def _problem_zh(problem: str) -> str:
    p = problem.lower()
    table = [
        ("found character '\\t'", "有 Tab 字符"),
        ("exceeded maximum nesting depth", "嵌套层数过多"),
        ("mapping values are not allowed", "出现了不该有的冒号"),
        ("could not find expected ':'", "缺少冒号"),
        ("did not find expected key", "缩进不对，找不到预期的键"),
        ("expected <block end>", "缩进不对"),
        ("found unexpected end of stream", "文件意外结束（可能引号未闭合）"),
        ("expected a single document", "出现了多个文档"),
        ("found invalid unicode character escape code", "双引号中的 \\u 转义不是有效的字符（例如孤立的代理项 \\ud800），请删去这个转义"),
        ("found undefined alias", "引用了未定义的锚点"),
        ("found duplicate anchor", "锚点重复"),
        ("did not find expected", "结构不完整"),
        ("found unexpected", "出现了意外的符号"),
        ("found character", "有不允许出现的字符"),
    ]
    for en, zh in table:
        if en in p:
            return f"{zh}（{problem}）"
    return f"无法解析（{problem}）"


def _refused_finding(rel: str, text: str, line: int, col: int, stack: list, pending_key: list) -> Finding:
    bad = BAD_CHAR.findall(text)
    first = bad[0]
    what = f"{char_code(first)}（{char_kind(first)}）"
    if len(set(bad)) > 1:
        what += f"等 {len(set(bad))} 种不可见字符"
    parent = stack[-1] if stack else None
    if isinstance(parent, YMap) and pending_key[-1] is None:
        where = "的键"
    elif isinstance(parent, YMap):
        where = f" {pending_key[-1].text} 的值"
    elif isinstance(parent, YSeq):
        where = "列表中的值"
    else:
        where = "的值"
    return Finding(
        rel, line, "invalid_field",
        f"第 {line} 行{where}含有 {what}，{'这个键' if where == '的键' else '这个值'}不会被读取。"
        "这类字符看不见，会破坏网站、订阅源和导出的表格。"
        "请删去它（常从网页、Word 或聊天软件复制时带入，可在编辑器中显示不可见字符后删除）；"
        "双引号中的转义（如 \\x01、\\u0000、\\N）也算在内。",
        column=col,
    )


def _compose(parser, rel: str, findings: list[Finding], check_chars: bool = True) -> YNode | None:
    stack: list[YNode] = []
    pending_key: list[YScalar | None] = []
    root: YNode | None = None
    documents = 0

    def attach(node: YNode) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if isinstance(parent, YSeq):
            parent.items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            if not isinstance(node, YScalar):
                raise _Stop(Finding(
                    rel, node.line, "yaml_syntax",
                    f"第 {node.line} 行用列表或映射当作了键。键必须是简单的文字，例如 title:。",
                ))
            if node.tag == MERGE:
                raise _Stop(Finding(
                    rel, node.line, "yaml_syntax",
                    f"第 {node.line} 行使用了 YAML 合并键 <<。事项文件不支持合并键，请把内容直接写出来。",
                ))
            pending_key[-1] = node
            return
        pending_key[-1] = None
        if key.text in parent.entries:
            first = parent.entries[key.text][0]
            findings.append(Finding(
                rel, key.line, "yaml_syntax",
                f"键 {key.text} 重复：第 {first.line} 行已经写过一次，第 {key.line} 行又写了一次。"
                "YAML 只会保留最后一个值，请删掉或合并其中一个。",
                column=key.column,
            ))
        parent.entries[key.text] = (key, node)

    get_event = parser.get_event
    while True:
        ev = get_event()
        cls = type(ev)
        if ev is None or cls is yaml.StreamEndEvent:
            break
        if cls is yaml.ScalarEvent:
            line, col = ev.start_mark.line + 1, ev.start_mark.column + 1
            if ev.tag and ev.tag != "!":
                tag = ev.tag
                if tag not in _STANDARD_TAGS:
                    raise _Stop(Finding(
                        rel, line, "yaml_syntax",
                        f"第 {line} 行使用了不支持的 YAML 标签 {tag}。请删去标签，直接写值。",
                    ))
            else:
                tag = resolve_tag(ev.value, ev.implicit[0]) if ev.tag is None else STR
            text = ev.value
            if check_chars and BAD_CHAR.search(text):
                findings.append(_refused_finding(rel, text, line, col, stack, pending_key))
                text, tag = visible(text), REFUSED
            attach(YScalar(text, tag, not ev.style, line, col))
        elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
            line, col = ev.start_mark.line + 1, ev.start_mark.column + 1
            if ev.tag and ev.tag not in _STANDARD_TAGS and ev.tag != "!":
                raise _Stop(Finding(
                    rel, line, "yaml_syntax",
                    f"第 {line} 行使用了不支持的 YAML 标签 {ev.tag}。请删去标签。",
                ))
            if len(stack) >= MAX_DEPTH:
                raise _Stop(Finding(
                    rel, line, "yaml_syntax",
                    f"第 {line} 行嵌套超过 {MAX_DEPTH} 层。事项文件不需要这么深的结构，请检查括号是否多写了。",
                ))
            node = YMap(line, col) if cls is yaml.MappingStartEvent else YSeq(line, col)
            attach(node)
            stack.append(node)
            pending_key.append(None)
        elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            stack.pop()
            pending_key.pop()
        elif cls is yaml.AliasEvent:
            line = ev.start_mark.line + 1
            raise _Stop(Finding(
                rel, line, "yaml_syntax",
                f"第 {line} 行使用了 YAML 别名 *{ev.anchor}。事项文件不允许锚点和别名"
                "（它们会让文件难以审阅，也可能被用来制造超大数据），请把内容直接写出来。",
            ))
        elif cls is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                line = ev.start_mark.line + 1
                raise _Stop(Finding(
                    rel, line, "yaml_syntax",
                    f"第 {line} 行开始了第二个 YAML 文档。一个文件只能写一个事项，请删去多余的 --- 及其后的内容，或另建文件。",
                ))
    return root
