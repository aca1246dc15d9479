"""One city's verification, run in a worker process: everything heavy about a city happens here.

    items.json (streamed to a file by the fetch) → schema and head checks →
    the city's rows for the province site, written to the cache (`fragments`)
    → with a mirror: history check, then the ledger at the published commit
    read straight from Git (`ledger_at`: one `cat-file --batch` stream, parsed
    in memory, unchanged blobs from the city's item cache) → the build's own
    evaluate / public view / items.json writer → byte comparison with what
    was published (a structured comparison only to explain a difference).

Cities are verified side by side, one per core (`verify_all`). The worker
gets its inputs as one picklable `Job` (so `spawn` platforms work too) and
sends back a small `Outcome`: problems, the summary and the sha256 of the
data. The parent process never holds a city's data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

from .. import gitrepo
from ..errors import DuchaError
from ..findings import Finding
from ..site import files
from . import verify
from .sources import City

ITEMS_FILE = "data/items.json"
SCHEMA_FILE = "data/items.schema.json"
MAX_LISTED = 200  # rows per list on a city page; the rest is on the city's own site
LOOKUP_FIELDS = ("title", "state", "state_name", "category", "category_name")  # what a delegation shows
SMALL_FILES = ("ledger.yaml", "inspections/", "sources/")  # written out for the build's own readers


@dataclass(frozen=True)
class Job:
    city: City
    head: dict
    items_file: str  # the fetched items.json
    schema_body: bytes | None  # the published schema; None: ducha's own
    out: str  # the province's output folder (its cache folder holds the city's data)
    work_root: str | None  # the roll-up's cache folder: mirrors, small ledger files
    previous: str | None  # the head commit recorded last time
    mirror_error: str | None = None
    use_cache: bool = True
    # The parent's cache home: a fork server started earlier in the same process (a test, a long-lived
    # caller) may have another one in its environment.
    cache_home: str | None = None
    saved: bool = True  # False: no usable cache folder, the parts travel back in the `Outcome`


@dataclass
class Outcome:
    problems: list[tuple[str, str]]
    summary: dict | None = None
    items_sha: str | None = None
    parts: dict[str, bytes] | None = None  # when not `Job.saved`


def verify_city(job: Job) -> Outcome:
    """Verify one city; its data goes to the cache only when every check passed."""

    city = job.city
    try:
        body = Path(job.items_file).read_bytes()
    except OSError as e:
        return Outcome([("city_unreachable", f"下载的 {ITEMS_FILE} 无法读取（{e.strerror}）")])
    sha = hashlib.sha256(body).hexdigest()
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Outcome([("city_data_invalid", f"{ITEMS_FILE} 不是 UTF-8 编码的 JSON")])
    try:
        schema = json.loads(job.schema_body.decode("utf-8")) if job.schema_body else verify.own_schema()
    except (UnicodeDecodeError, ValueError):
        return Outcome([("city_data_invalid", f"{SCHEMA_FILE} 不是 JSON")])
    if not isinstance(schema, dict):
        return Outcome([("city_data_invalid", f"{SCHEMA_FILE} 应当是 JSON 对象")])
    broken = verify.check_schema(payload, schema)
    if not broken and schema != verify.own_schema():
        broken = verify.check_own_schema(payload)  # and ducha's own contract, which the roll-up reads
    if broken:
        return Outcome([("city_data_invalid", f"{ITEMS_FILE} 不符合格式：" + "；".join(broken))])
    broken = verify.head_matches_data(job.head, payload)
    if broken:
        return Outcome([("city_data_invalid", "；".join(broken))])
    summary = summarise(payload)
    parts = fragments(city, payload)
    del payload  # the rows are written out: the recompute below needs the memory
    escalations = None
    if city.git:
        if job.mirror_error or job.work_root is None:
            return Outcome([("city_unreachable", job.mirror_error or "本机没有可用的缓存目录，无法保存台账镜像")])
        mirror = Path(job.work_root) / "mirrors" / f"{city.id}.git"
        problems = verify.check_history(mirror, job.head["commit"], job.previous, city.id)
        if problems:
            return Outcome(problems)
        problems, escalations = _recompute(job, mirror, body)
        if problems:
            return Outcome(problems)
    summary["escalations"] = escalations
    if not job.saved:
        return Outcome([], summary, sha, parts)
    _store(job).save_data(city, sha, parts)
    return Outcome([], summary, sha)


def _store(job: Job):
    from .state import StateStore

    return StateStore(Path(job.out), Path(job.cache_home) if job.cache_home else None)


def _recompute(job: Job, mirror: Path, body: bytes) -> tuple[list[tuple[str, str]], int | None]:

    city, head = job.city, job.head
    commit = head["commit"]
    try:
        items_json, escalations = recompute(mirror, commit, city.ledger_path, dt.date.fromisoformat(head["as_of"]),
                                            Path(job.work_root or ".") / "ledgers" / city.id,
                                            _store(job).item_cache(city) if job.use_cache else None)
    except (DuchaError, gitrepo.GitError, OSError) as e:
        return [("city_data_mismatch", f"无法从提交 {commit[:12]} 的台账重新计算开放数据（{str(e)[:300]}）")], None
    if items_json.encode("utf-8") == body:  # what the city's build wrote, byte for byte
        return [], escalations
    differences = verify.compare(json.loads(body.decode("utf-8")), json.loads(items_json))
    if not differences:  # the same data written differently (another JSON writer): accepted
        return [], escalations
    return [("city_data_mismatch", f"开放数据与提交 {commit[:12]} 的台账算得的不一致："
                                   + "；".join(differences) + "。网站发布后数据可能被改动过")], None


def recompute(mirror: Path, commit: str, prefix: str, as_of: dt.date, scratch: Path, cache) -> tuple[str, int]:
    """(items.json, escalations pending) of the ledger at `commit`, as `ducha build --as-of` computes them."""
    from ..site import stages
    from ..site.model import PUBLIC

    loaded = ledger_at(mirror, commit, prefix, scratch, cache)
    evaluated = stages.evaluate(loaded, as_of)
    pending = sum(1 for f in evaluated.result.findings if f.code == "escalation_pending")
    view = stages.audience_view(evaluated, {}, PUBLIC, None)
    return files.items_json(view), pending


def ledger_at(mirror: Path, commit: str, prefix: str, scratch: Path, cache):
    """The ledger at `commit` as `stages.load_ledger` reads it from a checkout, without one.

    The few small files (ledger.yaml, inspections/, sources/) are written to
    `scratch` for the build's own readers; the item files are read from Git
    in one stream and parsed in memory, each one found in `cache` (an
    `ItemCache` keyed by path and blob id, or None) parsed only once.
    """
    from .. import loader
    from ..ledger import CODEC, ITEMS_DIR, Ledger, load_inspections, parse_item_bytes, scan_ledger
    from ..site.stages import Loaded
    from ..sources import load_sources

    blobs = gitrepo.tree_blobs(mirror, commit, prefix)
    verify.materialise(mirror, commit, prefix, scratch,
                       {rel: sha for rel, sha in blobs.items() if rel == "ledger.yaml" or rel.startswith(SMALL_FILES[1:])},
                       keep_items_dir=True)
    scan = scan_ledger(scratch)  # ledger.yaml and the findings about it; items/ there is empty
    wanted = sorted(rel for rel in blobs if _is_item_file(rel, ITEMS_DIR, loader.BAD_CHAR))
    parsed: dict[str, tuple] = {}
    missing: list[str] = []
    for rel in wanted:
        hit = cache.entries.get(rel) if cache is not None else None
        decoded = _decode(CODEC, hit[3]) if hit and hit[2] == blobs[rel] else None
        if decoded is None:
            missing.append(rel)
        else:
            parsed[rel] = decoded
    contents = gitrepo.read_blobs(mirror, sorted({blobs[rel] for rel in missing}))
    failed: dict[str, bytes] = {}
    for rel in missing:
        data = (contents.get(blobs[rel]) or b"")[:loader.MAX_ITEM_BYTES + 1]  # as `loader.read_regular` reads
        parsed[rel] = parse_item_bytes(data, rel)
        if parsed[rel][0] is None:
            failed[rel] = data
        if cache is not None:
            try:
                cache.put(rel, 0, 0, blobs[rel], CODEC.dumps(parsed[rel]))
            except (TypeError, ValueError):  # a parse the codec cannot hold is not cached
                pass
    del contents
    if cache is not None:
        cache.save(set(wanted))
        cache.entries = {}  # saved: its encoded items would only add to the worker's peak memory
    items, findings, probes = [], list(scan.findings), []
    for rel in wanted:
        item, item_findings = parsed[rel]
        findings += item_findings
        if item is not None:
            items.append(item)
        elif any(f.code == "invalid_field" for f in item_findings) and rel in failed:
            from ..partial import probe

            found = probe(failed[rel], rel)
            if found is not None:
                probes.append(found)
    inspections, more = load_inspections(scratch, scan.config, {i.id for i in items})
    sources, source_findings, _ = load_sources(scratch)
    ledger = Ledger(scratch, scan.config, items, wanted, findings + more + source_findings, inspections, probes,
                    sources)
    return Loaded(scratch, scan, ledger)


def _is_item_file(rel: str, top: str, bad_char) -> bool:
    """A path the build's folder walk reads as an item file (see `ledger._walk_yaml`)."""
    parts = rel.split("/")
    return (len(parts) >= 2 and parts[0] == top and rel.endswith(".yaml")
            and not any(p.startswith(".") or bad_char.search(p) or "\n" in p for p in parts[1:]))


def _decode(codec, blob: bytes):
    from ..model import Item

    try:
        item, found = codec.loads(blob)
    except (ValueError, TypeError, Exception):  # CodecError and its kin: a miss
        return None
    if (item is None or type(item) is Item) and type(found) is list and all(type(f) is Finding for f in found):
        return item, found
    return None


# --- what the province site keeps of a city --------------------------------------------------


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


def fragments(city: City, payload: dict) -> dict[str, bytes]:
    """What the province site shows of a city, written once when it is verified (`state.PARTS`):

    - csv: its rows of the combined data/items.csv (no header), as written there;
    - json: its rows of the combined data/items.json, each on a line, joined by ",\\n  ";
    - page: JSON of its page's lists (the longest overdue, the higher assignments: MAX_LISTED
      each, with their totals);
    - lookup: JSON {item id: LOOKUP_FIELDS} for the province's delegations.
    """
    import csv

    from .site import COLUMNS, csv_cell

    items = [{k: v for k, v in i.items() if k != "events"} for i in payload.get("items", []) if isinstance(i, dict)]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    rows = []
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for item in items:
        row = {k: item.get(k) for k, _, _ in files.COLUMNS}
        row["co_units"] = "；".join(str(u) for u in item.get("co_units") or [])
        row = {"city": city.id, "city_name": city.name, "item_url": f"{city.url}items/{item.get('id')}/", **row}
        writer.writerow([csv_cell(row.get(key)) for key, _, _ in COLUMNS])
        row["co_units"] = [u for u in (row["co_units"] or "").split("；") if u]
        rows.append(dumps(row))
    overdue = sorted((i for i in items if i.get("overdue")), key=lambda i: (-(i.get("days_overdue") or 0), str(i.get("id"))))
    higher = [i for i in items if i.get("category") == "higher_assignment"]
    page = {"overdue": overdue[:MAX_LISTED], "overdue_total": len(overdue), "higher": higher[:MAX_LISTED],
            "higher_total": len(higher)}
    lookup = {i["id"]: {k: i.get(k) for k in LOOKUP_FIELDS} for i in items if isinstance(i.get("id"), str)}
    return {"csv": text.getvalue().encode("utf-8"), "json": ",\n  ".join(rows).encode("utf-8"),
            "page": json.dumps(page, ensure_ascii=False).encode("utf-8"),
            "lookup": json.dumps(lookup, ensure_ascii=False).encode("utf-8")}


# --- side by side -------------------------------------------------------------------------------


_ROOT = __name__.split(".")[0]  # "ducha"
# Imported once by the fork server, so each city's fresh process starts with them.
# (A module that cannot be imported is skipped by the fork server; the city's process then imports it.)
PRELOAD = (__name__, f"{_ROOT}.site.stages", f"{_ROOT}.site.model", f"{_ROOT}.site.source_views", f"{_ROOT}.ledger",
           f"{_ROOT}.check", f"{_ROOT}.partial", f"{_ROOT}.sources", f"{_ROOT}.history", f"{_ROOT}.rollup.state",
           f"{_ROOT}.rollup.preload")


class Pool:
    """Cities verified side by side, one process per core, a fresh process for each city.

    A fresh process per city (`max_tasks_per_child=1`) gives its memory back when the city is done:
    a process that verified several cities in turn keeps the high-water mark of all of them (freed
    Python memory is rarely returned to the system), some 600 MB after eight cities of 10,000
    items, against some 350 MB for one. The processes come from a fork server that has imported
    ducha once (`PRELOAD`), so a new one costs little and no thread of the fetch is forked with it;
    where there is no fork server (Windows), from `spawn`."""

    def __init__(self, size: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.size = max(1, size)
        self.executor = None
        if self.size > 1:
            method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                from multiprocessing import forkserver

                context.set_forkserver_preload(list(PRELOAD))
                forkserver.ensure_running()  # now: it imports ducha while the cities are fetched
            self.executor = ProcessPoolExecutor(max_workers=self.size, mp_context=context, max_tasks_per_child=1)

    def submit(self, job: Job):
        from concurrent.futures import Future

        if self.executor is not None:
            return self.executor.submit(verify_city, job)
        future: Future = Future()
        try:
            future.set_result(verify_city(job))
        except BaseException as e:  # noqa: BLE001 - handed over like a worker's error
            future.set_exception(e)
        return future

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
