"""The history's records, kept by commit in the user's cache (SQLite rows of signed JSON).

Every record is a fact of its commit and its ancestry, so a later run reads
from Git only the commits it has not seen (`generator.history`).
"""
from __future__ import annotations

import hmac
from pathlib import Path

from . import cache
from .cache import code_key
from .changes import Change, CommitRecord
from .codec import Codec, CodecError
from .gitrepo import GitError


class HistoryStore:
    """CommitRecords by sha in SQLite (`history.sqlite` in the user's cache folder).

    A commit that did not touch the ledger is stored with no changes, so it
    is never read again. Records are fetched by sha, so an incremental run
    loads only the commits it needs. Each row is the record as JSON (see
    `generator.codec`) signed with the user's cache key: `known` lists only
    rows that verify, so a row ducha did not write is read from Git again.
    `enabled=False` (or no usable cache folder) keeps them in memory.
    """

    CODEC = Codec(CommitRecord, Change)

    def __init__(self, ledger: Path, enabled: bool = True) -> None:
        import sqlite3

        self._memory: dict[str, tuple[bool, CommitRecord]] = {}
        self._rows: dict[str, bytes] = {}  # verified rows read by `known`
        self.db = None
        store = cache.Store(ledger, enabled)
        if not store.enabled:
            return
        self.key = store.key
        path = store.folder / "history.sqlite"
        for attempt in (1, 2):
            db = None
            try:
                db = self.db = sqlite3.connect(path, timeout=30)
                self._open(code_key())
                return
            except sqlite3.DatabaseError as e:
                if db is not None:
                    db.close()
                self.db = None
                if isinstance(e, sqlite3.OperationalError) or attempt == 2:
                    return  # locked or read-only: do without
                path.unlink(missing_ok=True)  # a corrupt file: start again

    def _open(self, code: str) -> None:
        db = self.db
        mark = cache.sign(self.key, b"history", code.encode()).hex()
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS records (sha TEXT PRIMARY KEY, signed INTEGER, data BLOB, mac BLOB)")
        row = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
        if row is None or row[0] != mark:
            db.execute("DELETE FROM records")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (mark,))
            db.commit()

    def _mac(self, sha: str, signed: int, data: bytes) -> bytes:
        # One C call per row (`known` checks every row on each run). The
        # parts are a 40-hex sha, a digit and JSON: "\0" cannot occur in the first two.
        return hmac.digest(self.key, b"%b\0%d\0%b" % (sha.encode(), signed, data), "sha256")

    def known(self, signed: bool) -> set[str]:
        import sqlite3

        out = {sha for sha, (s, _) in self._memory.items() if s or not signed}
        if self.db is None:
            return out
        query = "SELECT sha, signed, data, mac FROM records" + (" WHERE signed = 1" if signed else "")
        try:
            for sha, was_signed, data, mac in self.db.execute(query):
                if type(sha) is str and type(was_signed) is int and type(data) is bytes and type(mac) is bytes \
                        and "\0" not in sha and hmac.compare_digest(mac, self._mac(sha, was_signed, data)):
                    self._rows[sha] = data
                    out.add(sha)
        except sqlite3.Error:
            pass
        return out

    def get(self, shas: list[str]) -> dict[str, CommitRecord]:
        """The records of `shas` that `known` listed or `put` stored."""
        out = {}
        for sha in shas:
            if sha in self._memory:
                out[sha] = self._memory[sha][1]
            elif sha in self._rows:
                try:
                    record = self.CODEC.loads(self._rows[sha])
                except CodecError:
                    record = None
                if type(record) is not CommitRecord or record.sha != sha:
                    # Signed by this user's key, so written by this code: cannot
                    # happen. Refuse rather than skip the commit silently.
                    raise GitError(f"缓存中提交 {sha[:10]} 的记录无法读取。请删除缓存文件 "
                                       f"{self.db_path()} 后重试，或加 --no-cache。")
                out[sha] = record
        return out

    def db_path(self) -> str:
        return self.db.execute("PRAGMA database_list").fetchone()[2] if self.db is not None else ":memory:"

    def put(self, records: list[CommitRecord], signed: bool) -> None:
        import sqlite3

        rows = []
        for r in records:
            self._memory[r.sha] = (signed, r)
            if self.db is not None:
                try:
                    data = self.CODEC.dumps(r)
                except (TypeError, ValueError):  # a value the codec cannot hold: kept in memory only
                    continue
                rows.append((r.sha, int(signed), data, self._mac(r.sha, int(signed), data)))
        if rows:
            try:
                self.db.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?)", rows)
                self.db.commit()
            except sqlite3.Error:  # read-only or locked: only costs speed next time
                pass
