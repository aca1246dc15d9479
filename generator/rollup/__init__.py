"""`ducha rollup`: a province's verified view above its cities' ledgers.

    read sources.yaml → fetch every city side by side (conditional, bounded)
    → verify each changed city (schema; with a mirror: history and a recompute
    of the open data from the ledger at the published commit) → keep the last
    good data of a city that fails → check the province's delegations
    → build the province site in a work folder → swap it in.

Nothing a city publishes is trusted: it is data, checked against a schema,
escaped on every page, and bounded in size.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DuchaError
from ..findings import ERROR, Finding
from . import fetch, verify
from .sources import City, read_sources
from .state import CityState, StateStore

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
    head_body: bytes = b""
    items_body: bytes = b""
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
           use_cache: bool = True) -> RollupResult:
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

    def one(city: City) -> Fetched:
        return _fetch_city(city, store.load(city), full or city.id in reset, work_root)

    fetched = fetch.in_pool(one, sources.cities)
    results: list[CityResult] = []
    payloads: dict[str, dict] = {}
    for got in fetched:  # verification: one city at a time (each recompute uses every core)
        result, payload, found = _settle(got, store, work_root, stamp, reset, use_cache)
        results.append(result)
        findings += found
        if payload is not None:
            payloads[got.city.id] = payload

    rows, found = _delegations(province, sources.cities, payloads, {r.city.id for r in results if r.status == "stale"},
                               as_of or now.date(), use_cache)
    findings += found
    published = site.publish(out, sources.name or "督查汇总", results, payloads, rows, findings, stamp)
    return RollupResult(out, published, results, findings, rows, fail_on,
                        items=sum(len(p.get("items", [])) for p in payloads.values()))


def _fetch_city(city: City, state: CityState, full: bool, work_root: Path | None) -> Fetched:
    got = Fetched(city, state)
    conditional = state.good is not None and state.stale is None and not full
    v = state.validators if conditional else {}
    try:
        head = fetch.get(city.url + HEAD_FILE, MAX_HEAD_BYTES, **_cond(v.get(HEAD_FILE)))
        got.requests += 1
        if head.status == 304:
            got.unchanged, got.not_modified = True, 1
            return got
        got.head_body = head.body
        got.validators[HEAD_FILE] = {"etag": head.etag, "last_modified": head.last_modified}
        got.head, why = verify.read_head(head.body)
        if got.head is None:
            got.error = f"{city.url}{HEAD_FILE}：{why}"
            return got
        items = fetch.get(city.url + ITEMS_FILE, MAX_ITEMS_BYTES)
        got.requests += 1
        got.items_body = items.body
        got.validators[ITEMS_FILE] = {"etag": items.etag, "last_modified": items.last_modified}
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


def _cond(validators: dict | None) -> dict:
    validators = validators or {}
    return {"etag": validators.get("etag"), "last_modified": validators.get("last_modified")}


def _settle(got: Fetched, store: StateStore, work_root: Path | None, stamp: str, reset: tuple[str, ...],
            use_cache: bool) -> tuple[CityResult, dict | None, list[Finding]]:
    """Verify what was fetched; accept it, or keep the last good data marked stale."""
    city, state = got.city, got.state
    where = f"sources.yaml:{city.id}"
    if got.unchanged:
        payload = _last_good(store, city, state)
        if payload is not None:
            return _result(city, state, "unchanged", got), payload, []
        got.error = "上次的数据在本机缓存中已不存在，请加 --full 重新获取"
    problems: list[tuple[str, str]] = []
    payload = None
    if got.error:
        problems.append(("city_unreachable", got.error))
    else:
        payload, problems = _verify(got, store, work_root, state, city.id in reset, use_cache)
    if not problems:
        summary = summarise(payload)
        payload = compact(payload)
        state.validators = got.validators
        state.good = {"head": got.head, "fetched": stamp, "summary": summary,
                      "items_sha": store.save_items(city, json.dumps(payload, ensure_ascii=False).encode("utf-8")),
                      "git_verified": bool(city.git),
                      "schema": got.schema_body.decode("utf-8") if got.schema_body else None}
        if city.git:
            state.recorded_commit = got.head["commit"]
        state.stale = None
        store.save(city, state)
        return _result(city, state, "ok", got), payload, []
    findings = [Finding(where, city.line, code, f"{city.name}（{city.url}）：{message}。已保留该市上次通过核验的数据。",
                        item=city.id) for code, message in problems]
    reason = "；".join(m for _, m in problems)
    state.stale = {"since": (state.stale or {}).get("since") or stamp[:10], "reason": reason[:1000]}
    store.save(city, state)
    payload = _last_good(store, city, state)
    return _result(city, state, "stale" if payload is not None else "missing", got), payload, findings


def _verify(got: Fetched, store: StateStore, work_root: Path | None, state: CityState, reset: bool,
            use_cache: bool) -> tuple[dict | None, list[tuple[str, str]]]:
    from ..site import files

    city = got.city
    try:
        payload = json.loads(got.items_body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, [("city_data_invalid", f"{ITEMS_FILE} 不是 UTF-8 编码的 JSON")]
    try:
        schema = json.loads(got.schema_body.decode("utf-8")) if got.schema_body else json.loads(files.items_schema())
    except (UnicodeDecodeError, ValueError):
        return None, [("city_data_invalid", f"{SCHEMA_FILE} 不是 JSON")]
    if not isinstance(schema, dict):
        return None, [("city_data_invalid", f"{SCHEMA_FILE} 应当是 JSON 对象")]
    broken = verify.check_schema(payload, schema)
    if not broken and schema != verify.own_schema():
        broken = verify.check_own_schema(payload)  # and ducha's own contract, which the roll-up reads
    if broken:
        return None, [("city_data_invalid", f"{ITEMS_FILE} 不符合格式：" + "；".join(broken))]
    broken = verify.head_matches_data(got.head, payload)
    if broken:
        return None, [("city_data_invalid", "；".join(broken))]
    if not city.git:
        return payload, []
    if got.mirror_error or work_root is None:
        return None, [("city_unreachable", got.mirror_error or "本机没有可用的缓存目录，无法保存台账镜像")]
    mirror = work_root / "mirrors" / f"{city.id}.git"
    previous = None if reset else state.recorded_commit
    problems = verify.check_history(mirror, got.head["commit"], previous)
    if problems:
        return None, problems
    return payload, _recompute(city, mirror, got.head, payload, work_root, use_cache)


def _recompute(city: City, mirror: Path, head: dict, payload: dict, work_root: Path,
               use_cache: bool) -> list[tuple[str, str]]:
    from ..errors import DuchaError as Error
    from .opendata import open_data

    tree = work_root / "trees" / city.id
    try:
        verify.materialise(mirror, head["commit"], city.ledger_path, tree)
        data = open_data(tree, dt.date.fromisoformat(head["as_of"]), use_cache)
    except (Error, OSError) as e:
        return [("city_data_mismatch", f"无法从提交 {head['commit'][:12]} 的台账重新计算开放数据（{str(e)[:300]}）")]
    differences = verify.compare(payload, json.loads(data.items_json))
    if differences:
        return [("city_data_mismatch", f"开放数据与提交 {head['commit'][:12]} 的台账算得的不一致："
                                       + "；".join(differences) + "。网站发布后数据可能被改动过")]
    payload["_escalations"] = data.escalations
    return []


def _last_good(store: StateStore, city: City, state: CityState) -> dict | None:
    if not state.good:
        return None
    body = store.load_items(city, state.good.get("items_sha", ""))
    if body is None:
        return None
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def _result(city: City, state: CityState, status: str, got: Fetched) -> CityResult:
    good = state.good or {}
    return CityResult(city, status, good.get("summary"), (good.get("head") or {}).get("as_of"), good.get("fetched"),
                      (state.stale or {}).get("reason"), (state.stale or {}).get("since"),
                      bool(good.get("git_verified")), (good.get("head") or {}).get("commit"),
                      got.requests, got.not_modified)


def compact(payload: dict) -> dict:
    """What the roll-up keeps of a city's items.json: everything but the events (they stay on the city's site)."""
    return {"ledger": payload.get("ledger"), "as_of": payload.get("as_of"),
            "items": [{k: v for k, v in item.items() if k != "events"} for item in payload.get("items", [])]}


def summarise(payload: dict) -> dict:
    """The counts the province's table shows, from a city's items.json (as the city's home page counts them)."""
    items = payload.get("items", [])
    as_of = payload.get("as_of") or ""
    done = [i for i in items if i.get("state") in ("completed", "closed")]
    due = [i for i in items if i.get("state") in ("completed", "closed") or (i.get("deadline") and as_of > i["deadline"])]
    on_time = [i for i in due if i.get("state") in ("completed", "closed") and not i.get("completed_late")]
    return {"total": len(items), "done": len(done), "due": len(due), "on_time": len(on_time),
            "rate": (len(on_time) / len(due)) if due else None,
            "overdue": sum(1 for i in items if i.get("overdue")),
            "higher": sum(1 for i in items if i.get("category") == "higher_assignment"),
            "escalations": payload.get("_escalations")}


def _delegations(province: Path | None, cities: list[City], payloads: dict[str, dict], stale: set[str],
                 as_of: dt.date, use_cache: bool) -> tuple[list, list[Finding]]:
    if province is None:
        return [], []
    from ..check import run_rules
    from ..ledger import load_ledger
    from . import delegations

    result = run_rules(load_ledger(province, use_cache=use_cache), as_of)
    by_city = {cid: {i.get("id"): i for i in p.get("items", []) if isinstance(i, dict)} for cid, p in payloads.items()}
    return delegations.check(result, {c.id: c for c in cities}, by_city, stale)
