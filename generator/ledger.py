"""Load a whole ledger: `ledger.yaml` and every `items/**/<id>.yaml`.

This is the I/O edge of the pipeline, in two steps: `scan_ledger` reads
`ledger.yaml` and lists the item files with their stat (cheap, and enough
to fingerprint the inputs), `load_ledger` then parses the items, reusing
the user's cache (`generator.cache`) where a file is unchanged and using
every core for a cold run over many files.
"""
from __future__ import annotations

import hashlib
import os
import stat as _stat
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import loader, validate
from .cache import ItemCache, code_key
from .codec import Codec, CodecError
from .errors import DuchaError
from .findings import Finding
from .ledger_format import too_new
from .model import Event, Inspection, Item, LedgerConfig
from .sources import SOURCES_DIR, load_sources

LEDGER_FILE = "ledger.yaml"
ITEMS_DIR = "items"
MAX_LEDGER_BYTES = 4 * 1024 * 1024
PARALLEL_FROM = 400  # below this many files to parse, a process pool costs more than it saves


class LedgerUnreadable(DuchaError):
    """The ledger cannot be read as a whole (exit status 2)."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []


@dataclass
class LedgerScan:
    """`ledger.yaml` read, item files listed with their (mtime_ns, size)."""

    root: Path
    config: LedgerConfig
    ledger_bytes: bytes
    files: list[str]
    stats: dict[str, tuple[int, int]]
    findings: list[Finding] = field(default_factory=list)
    # inspections/**/*.yaml with their stat: inputs of the check too.
    other_stats: dict[str, tuple[int, int]] = field(default_factory=dict)

    def fingerprint(self, key: str, *parts: str) -> str:
        """A hash of every input: code `key`, ledger.yaml, each file's stat, `parts`."""
        h = hashlib.sha256(key.encode())
        h.update(self.ledger_bytes)
        for rel in [*self.files, *sorted(self.other_stats)]:
            mtime, size = self.stats.get(rel) or self.other_stats.get(rel, (0, -1))
            h.update(f"\x00{rel}\x00{mtime}\x00{size}".encode())
        for part in parts:
            h.update(f"\x01{part}".encode())
        return h.hexdigest()


@dataclass
class Ledger:
    root: Path
    config: LedgerConfig
    items: list[Item]
    files: list[str]  # every item file found, relative, readable or not
    findings: list[Finding] = field(default_factory=list)
    inspections: list[Inspection] = field(default_factory=list)
    # Files that do not read as items, as `partial.Probe`s: their other problems are reported too.
    partial: list = field(default_factory=list)
    sources: dict = field(default_factory=dict)  # source id -> model.Source (sources/<id>.yaml, issue 17)


def parse_item_bytes(data: bytes, rel: str) -> tuple[Item | None, list[Finding]]:
    """Bytes of one item file → (item or None, findings)."""
    tree, findings = loader.load_bytes(data, rel)
    if tree is None:
        return None, findings
    item, more = validate.item_from_tree(tree, rel)
    item_id = item.id if item else next((f.item for f in more if f.item), None)
    if item_id:
        findings = [Finding(f.file, f.line, f.code, f.message, item=item_id, column=f.column) for f in findings]
    return item, findings + more


def _read_config(root: Path) -> tuple[LedgerConfig, bytes, list[Finding]]:
    path = root / LEDGER_FILE
    data = loader.read_regular(path, MAX_LEDGER_BYTES)
    if isinstance(data, FileNotFoundError):
        raise LedgerUnreadable(f"在 {root} 找不到 {LEDGER_FILE}。请在台账根目录运行，或用 --ledger 指定台账目录。")
    if isinstance(data, OSError):
        raise LedgerUnreadable(f"{LEDGER_FILE} 无法读取：{data.strerror}。")
    tree, findings = loader.load_bytes(data, LEDGER_FILE, MAX_LEDGER_BYTES)
    if tree is None:
        raise LedgerUnreadable(f"{LEDGER_FILE} 无法读取，请先修正其中的错误。", findings)
    refusal, format_findings = too_new(tree, LEDGER_FILE)  # a newer format: say so, not "unknown key"
    if refusal:
        raise LedgerUnreadable(refusal)
    config, more = validate.ledger_from_tree(tree, LEDGER_FILE)
    more += format_findings
    findings += more
    if not config.units:
        raise LedgerUnreadable(f"{LEDGER_FILE} 中没有可用的单位（units），无法校验事项。", findings)
    return config, data, findings


def load_config(root: str | os.PathLike) -> tuple[LedgerConfig, list[Finding]]:
    """Only `ledger.yaml`: its config and findings; raise LedgerUnreadable when unusable."""
    config, _, findings = _read_config(Path(root))
    return config, findings


def scan_ledger(root: str | os.PathLike) -> LedgerScan:
    """Read `ledger.yaml` and list the item files; raise LedgerUnreadable when unusable."""
    root = Path(root)
    config, data, findings = _read_config(root)
    files, stats, file_findings, refused = _find_item_files(root)
    # Inspections are inputs of the check too; entries that are not read
    # (symlinks, FIFOs) count, so adding or removing one changes the fingerprint.
    _, others, _, refused_inspections = _walk_yaml(root, INSPECTIONS_DIR)
    others.update(refused_inspections)
    others.update(refused)
    _, source_stats, _, refused_sources = _walk_yaml(root, SOURCES_DIR)  # sources/ too (issue 17)
    others.update(source_stats)
    others.update(refused_sources)
    return LedgerScan(root, config, data, files, stats, findings + file_findings, others)


def _find_item_files(root: Path) -> tuple[list[str], dict[str, tuple[int, int]], list[Finding],
                                          dict[str, tuple[int, int]]]:
    """Regular `items/**/*.yaml` files with their stat, findings, and the entries refused (with lstat)."""
    base = root / ITEMS_DIR
    if base.is_symlink():
        raise LedgerUnreadable(f"{ITEMS_DIR}/ 是符号链接（symlink），不会被读取：事项必须是台账目录中的普通文件。"
                               f"请把 {ITEMS_DIR}/ 换成真正的目录。")
    if not base.is_dir():
        raise LedgerUnreadable(f"在 {root} 找不到 {ITEMS_DIR}/ 目录。")
    return _walk_yaml(root, ITEMS_DIR, yml_hint=True)


def _walk_yaml(root: Path, top: str, *, yml_hint: bool = False):
    """The regular `*.yaml` files under `root/top`, found without following any symlink.

    Returns (sorted relative paths, their (mtime_ns, size), findings, refused
    entries with their lstat). Every entry is looked at with lstat only: a
    symlink (to a file or a folder), a FIFO, socket or device named
    *.yaml, or a name with invisible characters, is a finding and is never
    opened, so it cannot hang the run or bring in a file from elsewhere.
    """
    found: list[str] = []
    stats: dict[str, tuple[int, int]] = {}
    refused: dict[str, tuple[int, int]] = {}
    findings: list[Finding] = []
    base = os.path.join(root, top)
    try:
        st = os.lstat(base)
    except OSError:
        return found, stats, findings, refused
    if not _stat.S_ISDIR(st.st_mode):
        if _stat.S_ISLNK(st.st_mode):
            findings.append(_not_regular(top, st.st_mode))
            refused[top] = (st.st_mtime_ns, st.st_size)
        return found, stats, findings, refused
    stack = [(base, top)]
    while stack:
        folder, rel_folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as e:
            findings.append(Finding(rel_folder, None, "yaml_syntax", f"无法读取目录 {rel_folder}/：{e.strerror}。"))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = f"{rel_folder}/{name}"
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            mode = st.st_mode
            if loader.BAD_CHAR.search(name) or "\n" in name:
                shown = loader.visible(rel, newlines=False)
                findings.append(Finding(
                    shown, None, "yaml_syntax",
                    f"文件名 {shown} 含有换行或控制字符，不会被读取。请把它改成只含字母、数字、- 和 _ 的名称。",
                ))
                refused[shown] = (st.st_mtime_ns, st.st_size)
            elif _stat.S_ISDIR(mode):
                stack.append((entry.path, rel))
            elif _stat.S_ISLNK(mode) or (not _stat.S_ISREG(mode) and name.endswith((".yaml", ".yml"))):
                findings.append(_not_regular(rel, mode))
                refused[rel] = (st.st_mtime_ns, st.st_size)
            elif name.endswith(".yaml"):
                found.append(rel)
                stats[rel] = (st.st_mtime_ns, st.st_size)
            elif name.endswith(".yml") and yml_hint:
                findings.append(Finding(
                    rel, None, "id_mismatch",
                    f"事项文件的扩展名必须是 .yaml，这个文件不会被读取。请改名为 {name[:-4]}.yaml。",
                ))
    found.sort()
    return found, stats, findings, refused


def _not_regular(rel: str, mode: int) -> Finding:
    if _stat.S_ISLNK(mode):
        what = "是符号链接（symlink）：链接会把台账之外的文件带进来，改那个文件就能改这里"
        fix = "请把链接换成文件本身（复制内容，删除链接）"
    else:
        kind = "命名管道（FIFO）" if _stat.S_ISFIFO(mode) else "套接字（socket）" if _stat.S_ISSOCK(mode) else "设备或其他特殊文件"
        what, fix = f"是{kind}，不是普通文件", "请删除它，改放普通的 YAML 文件"
    return Finding(rel, 1, "yaml_syntax", f"{rel} {what}。ducha 只读取普通文件，这一项不会被读取。{fix}。")


def _read(path: str) -> bytes | OSError:
    """The bytes of a regular item file (see `loader.read_regular`), or the OSError."""
    return loader.read_regular(path, loader.MAX_ITEM_BYTES)


# What the item cache holds per file: (item or None, findings).
CODEC = Codec(Item, Event, Finding)


def _parse_many(jobs: list[tuple[str, str]], encode: bool = True
                ) -> list[tuple[str, str, bytes | None, tuple | None]]:
    """Parse files; return (rel, sha1 hex of content, encoded (item, findings), None) each.

    Encoded here (JSON, see `generator.codec`) so that a worker process's
    results travel once and are stored in the cache as they are. A parse the
    codec cannot hold (say, a string with a lone surrogate) travels as it is,
    in the fourth place, and is not cached.
    """
    out = []
    for path, rel in jobs:
        data = _read(path)
        if isinstance(data, OSError):
            parsed = (None, [Finding(rel, None, "yaml_syntax", f"无法读取文件：{data.strerror}。")])
            digest = ""
        else:
            parsed = parse_item_bytes(data, rel)
            digest = hashlib.sha1(data).hexdigest()
        try:
            out.append((rel, digest, CODEC.dumps(parsed), None) if encode else (rel, "", None, parsed))
        except (TypeError, ValueError):
            out.append((rel, "", None, parsed))
    return out


def _decode(blob: bytes) -> tuple[Item | None, list[Finding]] | None:
    """An encoded (item, findings), or None when the bytes are not one."""
    try:
        item, findings = CODEC.loads(blob)
    except (CodecError, ValueError, TypeError):
        return None
    if (item is None or type(item) is Item) and type(findings) is list \
            and all(type(f) is Finding for f in findings):
        return item, findings
    return None


def load_items(scan: LedgerScan, files: list[str], cache: ItemCache,
               workers: int | None = None) -> list[tuple[str, Item | None, list[Finding]]]:
    """Parse `files`, reusing the cache where the content is unchanged."""
    loaded: dict[str, tuple[Item | None, list[Finding]]] = {}
    to_parse: list[tuple[str, str]] = []
    for rel in files:
        path = os.path.join(scan.root, rel)
        stat = scan.stats.get(rel)
        hit = cache.entries.get(rel)
        if hit and stat:
            fresh = hit[0] == stat[0] and hit[1] == stat[1]
            if not fresh:
                # Touched but maybe unchanged (a checkout rewrites mtimes): compare content.
                data = _read(path)
                fresh = not isinstance(data, OSError) and hashlib.sha1(data).hexdigest() == hit[2]
            parsed = _decode(hit[3]) if fresh else None
            if parsed is not None:
                if hit[0] != stat[0] or hit[1] != stat[1]:
                    cache.put(rel, stat[0], stat[1], hit[2], hit[3])
                loaded[rel] = parsed
                continue
        to_parse.append((path, rel))

    if to_parse:
        workers = workers or os.cpu_count() or 1
        if workers > 1 and len(to_parse) >= PARALLEL_FROM:
            size = max(50, len(to_parse) // (workers * 8))
            chunks = [to_parse[i:i + size] for i in range(0, len(to_parse), size)]
            with ProcessPoolExecutor(max_workers=workers) as pool:
                # Results arrive in order while later chunks are still parsed:
                # unpack each as it comes instead of all at the end.
                for chunk in pool.map(_parse_many, chunks):
                    _take(chunk, scan, cache, loaded)
        else:
            _take(_parse_many(to_parse), scan, cache, loaded)
    return [(rel, *loaded[rel]) for rel in files]


def _take(parsed, scan: LedgerScan, cache: ItemCache, loaded: dict) -> None:
    for rel, digest, blob, as_is in parsed:
        if blob is None:
            loaded[rel] = as_is
            continue
        decoded = _decode(blob)
        if decoded is None:  # cannot happen for what CODEC wrote; if it does, parse here, uncached
            [(_, _, _, decoded)] = _parse_many([(os.path.join(scan.root, rel), rel)], encode=False)
            loaded[rel] = decoded
            continue
        loaded[rel] = decoded
        stat = scan.stats.get(rel)
        if digest and stat:
            cache.put(rel, stat[0], stat[1], digest, blob)


def load_ledger(root: str | os.PathLike | LedgerScan, *, use_cache: bool = True,
                only: list[str] | None = None) -> Ledger:
    """Read the ledger at `root`. `only`: item files to parse (all are still listed)."""
    scan = root if isinstance(root, LedgerScan) else scan_ledger(root)
    cache = ItemCache(scan.root, code_key() if use_cache else "", enabled=use_cache)
    loaded = load_items(scan, scan.files if only is None else only, cache)
    cache.save(set(scan.files) if only is None else None)
    findings = list(scan.findings)
    items = []
    probes = []
    for rel, item, item_findings in loaded:
        findings += item_findings
        if item is not None:
            items.append(item)
        elif any(f.code == "invalid_field" for f in item_findings):
            probes.append(rel)
    inspections, more = load_inspections(scan.root, scan.config, {i.id for i in items} if only is None else None)
    sources, source_findings, _ = load_sources(scan.root)
    return Ledger(scan.root, scan.config, items, scan.files, findings + more + source_findings, inspections,
                  _probes(scan.root, probes), sources)


def _probes(root: Path, files: list[str]) -> list:
    """Probes of the files that did not read as items (few: they have errors; read again, not cached)."""
    from .partial import probe

    out = []
    for rel in files:
        data = _read(os.path.join(root, rel))
        if not isinstance(data, OSError):
            found = probe(data, rel)
            if found is not None:
                out.append(found)
    return out


INSPECTIONS_DIR = "inspections"


def load_inspections(root: Path, config: LedgerConfig, item_ids: set[str] | None
                     ) -> tuple[list[Inspection], list[Finding]]:
    """`inspections/**/*.yaml`: leaders' supervision visits (few files; not cached)."""
    files, _, findings, _ = _walk_yaml(root, INSPECTIONS_DIR)
    visits = []
    for rel in files:
        tree, found = loader.load_file_bytes(os.path.join(root, rel), rel)
        findings += found
        if tree is None:
            continue
        visit, found = validate.inspection_from_tree(tree, rel)
        findings += found
        if visit is None:
            continue
        if visit.leader not in config.leaders:
            findings.append(Finding(rel, 1, "invalid_field",
                                    f"带队领导 {visit.leader} 不在 ledger.yaml 的 leaders 中。请写已登记的领导编号，"
                                    "或先在 leaders 中添加。"))
            continue
        unknown = [i for i in visit.items if item_ids is not None and i not in item_ids]
        if unknown:
            findings.append(Finding(rel, 1, "invalid_field",
                                    f"涉及事项 {'、'.join(unknown)} 不存在，请核对事项编号。"))
        visits.append(visit)
    return visits, findings


# The bounded, symlink-refusing folder walk, public for `sources/` (generator/sources.py).
walk_yaml = _walk_yaml
