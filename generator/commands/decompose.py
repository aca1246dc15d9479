"""`ducha decompose SOURCE --from tasks.xlsx|csv`: one item per task of a decision, all or none (issue 17)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..edit import EditRefused, edit_lock, git_commit
from ..errors import DuchaError, NotFound
from ..ledger import scan_ledger
from ..model import Source
from ..sources import SOURCES_DIR, load_sources
from .edit import check_before_commit


@dataclass
class Decomposed:
    source: Source
    written: list[str]  # files written, or to be written on a dry run
    problems: list[str]  # nothing was written when there is any
    notes: list[str]
    dry_run: bool
    commit: str | None = None
    commit_error: DuchaError | None = None

    @property
    def status(self) -> int:
        return 1 if self.problems or self.commit_error else 0


def find_source(root: Path, source_id: str) -> Source:
    sources, findings, _ = load_sources(root)
    if source_id in sources:
        return sources[source_id]
    own = [f for f in findings if f.file.rsplit("/", 1)[-1] == f"{source_id}.yaml"]
    if own:
        raise NotFound(f"{own[0].file} 有错误，请先修正：第 {own[0].line or 1} 行，{own[0].message}")
    known = "、".join(sorted(sources)[:20]) or "（暂无）"
    raise NotFound(f"找不到决策部署 {source_id}：{SOURCES_DIR}/ 下应有 {source_id}.yaml（写明 id、title、kind、date）。"
                   f"现有的编号：{known}。")


def decompose(ledger_dir: Path, source_id: str, table: Path, *, dry_run: bool, commit: bool,
              now: dt.datetime) -> Decomposed:
    """Create one item per row of `table` as tasks of `source_id`: all of them, or none when any row is wrong."""
    from ..decompose import plan_decompose
    from ..excel import write_all_or_nothing

    scan = scan_ledger(ledger_dir)
    source = find_source(scan.root, source_id)
    with edit_lock(scan.root):
        scan = scan_ledger(ledger_dir)  # the files as they are now, under the lock
        planned, problems, notes = plan_decompose(table, source, scan.config, scan.files)
        result = Decomposed(source, [p for p, _ in planned], problems, notes, dry_run)
        if problems or dry_run:
            return result
        if commit:
            check_before_commit(scan.root, [(rel, text.encode("utf-8")) for rel, text in planned], now)
        write_all_or_nothing(scan.root, planned)
        if commit:
            try:
                result.commit = git_commit(scan.root, [Path(rel) for rel, _ in planned],
                                           f"分解{source.title}：新建事项 {planned[0][0].rsplit('/', 1)[-1][:-5]} 等 "
                                           f"{len(planned)} 项")
            except EditRefused as err:
                result.commit_error = DuchaError(f"{err}\n请处理上述 Git 问题后手动提交：git add items && git commit", 1,
                                                 prefix="文件已保存，但未能提交：")
    return result
