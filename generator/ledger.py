"""Load a whole ledger: `ledger.yaml` and every `items/**/<id>.yaml`.

This is the I/O edge of the pipeline. Parsed items are cached by file
content in `.ducha-cache/` (git-ignored) so that a repeated run reads only
what changed; a cold run over many files parses on every core.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import loader, validate
from .findings import Finding
from .model import Item, LedgerConfig

LEDGER_FILE = "ledger.yaml"
ITEMS_DIR = "items"
CACHE_DIR = ".ducha-cache"
MAX_LEDGER_BYTES = 4 * 1024 * 1024
PARALLEL_FROM = 400  # below this many files to parse, a process pool costs more than it saves


class LedgerUnreadable(Exception):
    """The ledger cannot be read as a whole (exit status 2)."""

    def __init__(self, message: str, findings: list[Finding] | None = None):
        super().__init__(message)
        self.findings = findings or []


@dataclass
class Ledger:
    root: Path
    config: LedgerConfig
    items: list[Item]
    files: list[str]  # every item file found, relative, readable or not
    findings: list[Finding] = field(default_factory=list)


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


def parse_item_file(path: str | os.PathLike, rel: str) -> tuple[Item | None, list[Finding]]:
    try:
        with open(path, "rb") as fh:
            data = fh.read(loader.MAX_ITEM_BYTES + 1)
    except OSError as e:
        return None, [Finding(rel, None, "yaml_syntax", f"无法读取文件：{e.strerror}。")]
    return parse_item_bytes(data, rel)


def load_config(root: Path) -> tuple[LedgerConfig, list[Finding]]:
    """Read and validate `ledger.yaml`; raise LedgerUnreadable when it cannot be used."""
    path = root / LEDGER_FILE
    if not path.is_file():
        raise LedgerUnreadable(f"在 {root} 找不到 {LEDGER_FILE}。请在台账根目录运行，或用 --ledger 指定台账目录。")
    tree, findings = loader.load_file(path, LEDGER_FILE, MAX_LEDGER_BYTES)
    if tree is None:
        raise LedgerUnreadable(f"{LEDGER_FILE} 无法读取，请先修正其中的错误。", findings)
    config, more = validate.ledger_from_tree(tree, LEDGER_FILE)
    findings += more
    if not config.units:
        raise LedgerUnreadable(f"{LEDGER_FILE} 中没有可用的单位（units），无法校验事项。", findings)
    return config, findings


def find_item_files(root: Path) -> tuple[list[str], list[Finding]]:
    """Every `items/**/*.yaml`, relative with forward slashes, sorted."""
    base = root / ITEMS_DIR
    if not base.is_dir():
        raise LedgerUnreadable(f"在 {root} 找不到 {ITEMS_DIR}/ 目录。")
    found: list[str] = []
    findings: list[Finding] = []
    stack = [base]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                    continue
                rel = Path(entry.path).relative_to(root).as_posix()
                if entry.name.endswith(".yaml"):
                    found.append(rel)
                elif entry.name.endswith(".yml"):
                    findings.append(Finding(
                        rel, None, "id_mismatch",
                        f"事项文件的扩展名必须是 .yaml，这个文件不会被读取。请改名为 {entry.name[:-4]}.yaml。",
                    ))
    found.sort()
    return found, findings


def _code_key() -> str:
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in ("loader.py", "validate.py", "model.py", "findings.py", "ledger.py"):
        h.update((here / name).read_bytes())
    h.update(f"{sys.version_info[:2]}{yaml.__version__}{loader.HAVE_LIBYAML}".encode())
    return h.hexdigest()


class ItemCache:
    """Parsed items keyed by path, checked by (mtime, size) then content hash."""

    def __init__(self, root: Path, enabled: bool = True) -> None:
        self.path = root / CACHE_DIR / "items.pickle"
        self.enabled = enabled
        self.entries: dict[str, tuple] = {}
        self.dirty = False
        self.key = _code_key() if enabled else ""
        if enabled:
            try:
                with open(self.path, "rb") as fh:
                    stored = pickle.load(fh)
                if stored.get("key") == self.key:
                    self.entries = stored["entries"]
            except (OSError, pickle.PickleError, EOFError, AttributeError, KeyError, TypeError, ValueError):
                self.entries = {}

    def save(self, keep: set[str]) -> None:
        if not self.enabled:
            return
        if set(self.entries) - keep:
            self.entries = {k: v for k, v in self.entries.items() if k in keep}
            self.dirty = True
        if not self.dirty:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            gitignore = self.path.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as fh:
                pickle.dump({"key": self.key, "entries": self.entries}, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only checkout still works, only slower next time


def _parse_many(jobs: list[tuple[str, str]]) -> list[tuple[str, bytes, Item | None, list[Finding]]]:
    out = []
    for path, rel in jobs:
        try:
            with open(path, "rb") as fh:
                data = fh.read(loader.MAX_ITEM_BYTES + 1)
        except OSError as e:
            out.append((rel, b"", None, [Finding(rel, None, "yaml_syntax", f"无法读取文件：{e.strerror}。")]))
            continue
        item, findings = parse_item_bytes(data, rel)
        out.append((rel, hashlib.sha1(data).digest(), item, findings))
    return out


def load_items(root: Path, files: list[str], cache: ItemCache, workers: int | None = None) -> list[tuple[str, Item | None, list[Finding]]]:
    """Parse `files` (relative to root), reusing the cache where the content is unchanged."""
    results: dict[str, tuple[Item | None, list[Finding]]] = {}
    to_parse: list[tuple[str, str]] = []
    for rel in files:
        path = os.path.join(root, rel)
        try:
            st = os.stat(path)
        except OSError:
            to_parse.append((path, rel))
            continue
        hit = cache.entries.get(rel)
        if hit and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            results[rel] = (hit[3], hit[4])
            continue
        if hit:
            # Touched but maybe unchanged (a checkout rewrites mtimes): compare content.
            try:
                with open(path, "rb") as fh:
                    data = fh.read(loader.MAX_ITEM_BYTES + 1)
            except OSError:
                data = None
            if data is not None and hashlib.sha1(data).digest() == hit[2]:
                cache.entries[rel] = (st.st_mtime_ns, st.st_size) + hit[2:]
                cache.dirty = True
                results[rel] = (hit[3], hit[4])
                continue
        to_parse.append((path, rel))

    if to_parse:
        workers = workers or os.cpu_count() or 1
        if workers > 1 and len(to_parse) >= PARALLEL_FROM:
            size = max(50, len(to_parse) // (workers * 8))
            chunks = [to_parse[i:i + size] for i in range(0, len(to_parse), size)]
            with ProcessPoolExecutor(max_workers=workers) as pool:
                parsed = [r for chunk in pool.map(_parse_many, chunks) for r in chunk]
        else:
            parsed = _parse_many(to_parse)
        for (path, rel), (_, digest, item, findings) in zip(to_parse, parsed):
            results[rel] = (item, findings)
            if cache.enabled and digest:
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                cache.entries[rel] = (st.st_mtime_ns, st.st_size, digest, item, findings)
                cache.dirty = True
    return [(rel, *results[rel]) for rel in files]


def load_ledger(root: str | os.PathLike, *, use_cache: bool = True, only: list[str] | None = None) -> Ledger:
    """Read the ledger at `root`. `only`: item files to read (others are listed, not parsed)."""
    root = Path(root)
    config, findings = load_config(root)
    files, file_findings = find_item_files(root)
    findings += file_findings
    cache = ItemCache(root, enabled=use_cache)
    targets = files if only is None else [f for f in only]
    loaded = load_items(root, targets, cache)
    if only is None:
        cache.save(set(files))
    elif cache.dirty:
        cache.save(set(cache.entries))
    items = []
    for _, item, item_findings in loaded:
        findings += item_findings
        if item is not None:
            items.append(item)
    return Ledger(root, config, items, files, findings)
