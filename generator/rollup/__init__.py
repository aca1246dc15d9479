"""`ducha rollup`: a province's verified view above its cities' ledgers.

    read sources.yaml → fetch every city side by side (threads; conditional,
    bounded; items.json streamed to a file) → verify each changed city as soon
    as it is fetched, one process per core (`work`: schema; with a mirror:
    history and a recompute of the open data from the ledger at the published
    commit, read from Git in memory) → keep the last good data of a city that
    fails → check the province's delegations → build the province site in a
    work folder, each city's rows copied from the cache → swap it in.

The parent process holds no city's data: a worker writes a verified city's
rows, page lists and delegation lookup to the cache (`state.StateStore`,
signed), and the site is written from there, one city at a time. An
unchanged city (304) is copied in from the cache, never parsed; a cache
entry that is missing or fails its signature makes the city fetched and
verified in full instead.

Nothing a city publishes is trusted: it is data, checked against a schema,
escaped on every page, and bounded in size.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DuchaError
from ..findings import ERROR, Finding
from . import fetch, verify, work
from .sources import City, read_sources
from .state import CityState, StateStore
from .work import summarise  # noqa: F401 - the table's counts, also used by tests

MAX_HEAD_BYTES = 64 * 1024
MAX_SCHEMA_BYTES = 1024 * 1024
MAX_ITEMS_BYTES = 256 * 1024 * 1024
HEAD_FILE = "ledger-head.json"
ITEMS_FILE = "data/items.json"
SCHEMA_FILE = "data/items.schema.json"


class RollupFailed(DuchaError):
    """The roll-up could not run at all (no usable sources.yaml, the site could not be built)."""


@dataclass
class Fetched:
    """What one city's thread brought back."""

    city: City
    state: CityState
    unchanged: bool = False
    error: str | None = None
    head: dict | None = None
    items_file: Path | None = None  # items.json, streamed to a file of the run's download folder
    items_sha: str | None = None  # its sha256
    same: bool = False  # fetched in full, and byte for byte the data verified last time
    schema_body: bytes | None = None
    validators: dict = field(default_factory=dict)
    mirror_error: str | None = None
    requests: int = 0
    not_modified: int = 0


@dataclass
class CityResult:
    city: City
    status: str  # "ok" (verified now), "unchanged" (304), "stale" (last good data kept), "missing" (never any)
    summary: dict | None
    data_date: str | None
    fetched: str | None  # when the shown data was fetched
    reason: str | None = None  # why stale / missing
    stale_since: str | None = None
    git_verified: bool = False
    commit: str | None = None
    requests: int = 0
    not_modified: int = 0
    items_sha: str | None = None  # the shown data (sha256 of the city's items.json); None: no data


@dataclass
class RollupResult:
    out: Path
    site: Path | None
    cities: list[CityResult]
    findings: list[Finding]
    delegations: list
    fail_on: str | None
    items: int = 0

    @property
    def stale(self) -> list[CityResult]:
        return [c for c in self.cities if c.status in ("stale", "missing")]

    @property
    def invalid(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def failed(self) -> bool:
        if self.fail_on == "stale":
            return bool(self.stale)
        if self.fail_on == "invalid":
            return bool(self.invalid)
        return False


def rollup(sources_file: Path, out: Path, *, province: Path | None = None, fail_on: str | None = None,
           now: dt.datetime, full: bool = False, reset: tuple[str, ...] = (), as_of: dt.date | None = None,
           use_cache: bool = True, workers: int | None = None) -> RollupResult:
    from . import site

    sources = read_sources(Path(sources_file))
    if not sources.cities:
        raise RollupFailed(f"{sources.file} 中没有可用的城市，没有生成网站。请按提示修改后再运行。", 1,
                           findings=sources.findings)
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    store = StateStore(out)
    work_root = store.folder / "rollup" if store.folder else None
    stamp = now.isoformat(timespec="seconds")
    findings = list(sources.findings)
    known = {c.id for c in sources.cities}
    for name in dict.fromkeys(reset):
        if name not in known:
            findings.append(Finding(sources.file, 1, "invalid_field", f"--reset {name}：{sources.file} 中没有编号为 {name} "
                                    f"的城市（有 {'、'.join(sorted(known))}），没有重置任何城市：请核对城市编号后再运行。"))
    results: list[CityResult] = []
    in_memory: dict[str, dict[str, bytes]] = {}
    size = min(workers or os.cpu_count() or 1, len(sources.cities))
    with tempfile.TemporaryDirectory(prefix="ducha-rollup-") as downloads, work.Pool(size) as pool:
        def one(city: City) -> Fetched:
            return _fetch_city(city, store, full or city.id in reset, work_root, Path(downloads))

        warming = threading.Thread(target=site.warm_up, daemon=True)
        warming.start()
        verifying = {}
        # Fetched side by side (threads: the wait is the network); each city that needs it is verified
        # by the process pool as soon as it is fetched, while the others still download.
        with ThreadPoolExecutor(max_workers=min(fetch.POOL, len(sources.cities)),
                                thread_name_prefix="ducha-rollup") as threads:
            futures = [threads.submit(one, city) for city in sources.cities]
            for future in as_completed(futures):
                got = future.result()
                if got.unchanged or got.error:
                    continue
                if got.city.id not in reset and _same_as_verified(got, store, work_root):
                    got.same = True  # --full on an untouched city: downloaded and hashed, not verified again
                    continue
                verifying[got.city.id] = pool.submit(_job(got, store, work_root, out, reset, use_cache))
        for future in futures:
            got = future.result()
            outcome = _outcome(verifying[got.city.id]) if got.city.id in verifying else None
            result, found = _settle(got, outcome, store, stamp, sources.file)
            if outcome is not None and outcome.parts is not None and result.status == "ok":
                in_memory[got.city.id] = outcome.parts  # no cache folder: kept for this run's site only
            results.append(result)
            findings += found
        warming.join()

    def data(result: CityResult, part: str) -> bytes | None:
        if result.city.id in in_memory:
            return in_memory[result.city.id][part]
        return store.load_data(result.city, result.items_sha, part) if result.items_sha else None

    rows, found = _delegations(province, sources.cities, results, data, as_of or now.date(), use_cache)
    findings += found
    published = site.publish(out, sources.name or "督查汇总", results, data, rows, findings, stamp, sources.file)
    return RollupResult(out, published, results, findings, rows, fail_on,
                        items=sum((r.summary or {}).get("total", 0) for r in results if r.items_sha))


def _fetch_city(city: City, store: StateStore, full: bool, work_root: Path | None, downloads: Path) -> Fetched:
    state = store.load(city)
    got = Fetched(city, state)
    # Conditional only when the last good data is still in the cache, whole and signed: a missing or
    # tampered entry costs one full fetch and verification, never a site without the city.
    conditional = (state.good is not None and state.stale is None and not full
                   and store.has_data(city, state.good.get("items_sha") or ""))
    v = state.validators if conditional else {}
    try:
        head = fetch.get(city.url + HEAD_FILE, MAX_HEAD_BYTES, **_cond(v.get(HEAD_FILE)))
        got.requests += 1
        if head.status == 304:
            got.unchanged, got.not_modified = True, 1
            return got
        got.validators[HEAD_FILE] = {"etag": head.etag, "last_modified": head.last_modified}
        got.head, why = verify.read_head(head.body)
        if got.head is None:
            got.error = f"{city.url}{HEAD_FILE}：{why}"
            return got
        got.items_file = downloads / f"{city.id}.json"
        items = fetch.get(city.url + ITEMS_FILE, MAX_ITEMS_BYTES, into=got.items_file)
        got.requests += 1
        got.validators[ITEMS_FILE] = {"etag": items.etag, "last_modified": items.last_modified}
        with open(got.items_file, "rb") as fh:
            got.items_sha = hashlib.file_digest(fh, "sha256").hexdigest()
        known = (state.good or {}).get("schema")
        try:
            schema = fetch.get(city.url + SCHEMA_FILE, MAX_SCHEMA_BYTES,
                               **(_cond(state.validators.get(SCHEMA_FILE)) if known else {}))
            got.requests += 1
            got.schema_body = known.encode("utf-8") if schema.status == 304 else schema.body
            got.not_modified += schema.status == 304
            got.validators[SCHEMA_FILE] = {"etag": schema.etag, "last_modified": schema.last_modified}
        except fetch.FetchFailed:
            got.schema_body = None  # an older ducha publishes none: ducha's own schema is used
    except fetch.FetchFailed as e:
        got.error = str(e)
        return got
    if city.git and work_root is not None:
        from .. import gitrepo

        try:
            gitrepo.mirror_update(city.git, work_root / "mirrors" / f"{city.id}.git")
        except gitrepo.GitError as e:
            got.mirror_error = f"无法读取该市台账镜像 {city.git}：{str(e)[:300]}"
    return got


def _same_as_verified(got: Fetched, store: StateStore, work_root: Path | None) -> bool:
    """The city's head, schema and items.json are those verified last time (its data still whole in the
    cache), and with a mirror the head is still on a branch there: nothing to verify again."""
    state, city = got.state, got.city
    good = state.good or {}
    if state.stale is not None or not good or got.head != good.get("head") or got.items_sha != good.get("items_sha"):
        return False
    if (got.schema_body.decode("utf-8", "replace") if got.schema_body else None) != good.get("schema"):
        return False
    if city.git:
        if got.mirror_error or work_root is None or not good.get("git_verified"):
            return False
        if verify.check_history(work_root / "mirrors" / f"{city.id}.git", got.head["commit"], state.recorded_commit):
            return False
    return store.has_data(city, got.items_sha or "")


def _job(got: Fetched, store: StateStore, work_root: Path | None, out: Path, reset: tuple[str, ...],
         use_cache: bool) -> work.Job:
    previous = None if got.city.id in reset else got.state.recorded_commit
    from ..cache import cache_home

    home = cache_home()
    return work.Job(got.city, got.head or {}, str(got.items_file), got.schema_body, str(out),
                    str(work_root) if work_root else None, previous, got.mirror_error, use_cache,
                    str(home) if home else None, saved=store.store.enabled)


def _outcome(future) -> work.Outcome:
    try:
        return future.result()
    except Exception as e:  # a worker that died or failed: the city is not verified, the run goes on
        return work.Outcome([("city_data_mismatch", f"核验该市数据时出错（{str(e)[:300] or type(e).__name__}），"
                                                    "未能与台账核对")])


def _cond(validators: dict | None) -> dict:
    validators = validators or {}
    return {"etag": validators.get("etag"), "last_modified": validators.get("last_modified")}


def _settle(got: Fetched, outcome: work.Outcome | None, store: StateStore, stamp: str, where: str = "sources.yaml"
            ) -> tuple[CityResult, list[Finding]]:
    """Take a verified city's new data, or keep its last good data marked stale (`where`: the sources file)."""
    city, state = got.city, got.state
    if got.unchanged:
        return _result(city, state, "unchanged", got), []
    if got.same:
        state.validators = got.validators
        store.save(city, state)
        return _result(city, state, "unchanged", got), []
    problems = [("city_unreachable", got.error)] if got.error else outcome.problems if outcome else []
    if not problems and outcome is not None:
        state.validators = got.validators
        state.good = {"head": got.head, "fetched": stamp, "summary": outcome.summary, "items_sha": outcome.items_sha,
                      "git_verified": bool(city.git),
                      "schema": got.schema_body.decode("utf-8") if got.schema_body else None}
        if city.git:
            state.recorded_commit = got.head["commit"]
        state.stale = None
        store.save(city, state)
        return _result(city, state, "ok", got), []
    reason = "；".join(m for _, m in problems)
    state.stale = {"since": (state.stale or {}).get("since") or stamp[:10], "reason": reason[:1000]}
    store.save(city, state)
    kept = bool(state.good) and store.has_data(city, state.good.get("items_sha") or "")
    then = "已保留该市上次通过核验的数据。" if kept else "该市还没有通过核验的数据，汇总中暂缺该市的事项。"
    findings = [Finding(where, city.line, code, f"{city.name}（{city.id}，{city.url}）：{message}。{then}", item=city.id)
                for code, message in problems]
    return _result(city, state, "stale" if kept else "missing", got), findings


def _result(city: City, state: CityState, status: str, got: Fetched) -> CityResult:
    good = state.good or {}
    return CityResult(city, status, good.get("summary"), (good.get("head") or {}).get("as_of"), good.get("fetched"),
                      (state.stale or {}).get("reason"), (state.stale or {}).get("since"),
                      bool(good.get("git_verified")), (good.get("head") or {}).get("commit"),
                      got.requests, got.not_modified,
                      good.get("items_sha") if status != "missing" else None)


def _delegations(province: Path | None, cities: list[City], results: list[CityResult], data, as_of: dt.date,
                 use_cache: bool) -> tuple[list, list[Finding]]:
    if province is None:
        return [], []
    from ..check import run_rules
    from ..ledger import load_ledger
    from . import delegations, site

    result = run_rules(load_ledger(province, use_cache=use_cache), as_of)
    named = {d.city for item, _ in result.items for d in item.delegated}
    by_city = {r.city.id: site.lookup(data(r, "lookup")) for r in results if r.items_sha and r.city.id in named}
    return delegations.check(result, {c.id: c for c in cities}, by_city,
                             {r.city.id for r in results if r.status == "stale"})
