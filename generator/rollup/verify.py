"""Verify a city's published data before it is combined.

1. The open data matches its published JSON Schema (and its own head file).
2. With a Git mirror: the published head commit is on a branch of the
   mirror, descends from the head the previous roll-up recorded, and the
   open data equals what ducha's build computes from the ledger at that
   commit (`opendata.open_data`, the build's own code path).

Each check returns (code, Chinese message) problems; none raises.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import os
import re
import shutil
from pathlib import Path

from .. import gitrepo
from ..site import files

_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_SHOWN = 5


def read_head(body: bytes) -> tuple[dict | None, str | None]:
    """ledger-head.json as {commit, as_of, ledger}, or (None, why not)."""
    try:
        head = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "ledger-head.json 不是 JSON"
    if not isinstance(head, dict):
        return None, "ledger-head.json 应当是 JSON 对象"
    commit, as_of = head.get("commit"), head.get("as_of")
    if commit is not None and not (isinstance(commit, str) and _COMMIT.fullmatch(commit)):
        return None, "ledger-head.json 的 commit 不是 Git 提交编号"
    if not (isinstance(as_of, str) and _DATE.fullmatch(as_of)):
        return None, "ledger-head.json 的 as_of 不是 YYYY-MM-DD 日期"
    try:
        dt.date.fromisoformat(as_of)
    except ValueError:
        return None, f"ledger-head.json 的 as_of {as_of} 不是有效日期"
    if not isinstance(head.get("ledger"), str):
        return None, "ledger-head.json 缺少台账名称 ledger"
    return head, None


def check_schema(payload, schema: dict) -> list[str]:
    """Where `payload` (items.json, parsed) breaks `schema`: up to MAX_SHOWN places, in Chinese.

    The schema every ducha site publishes (`site.files.items_schema`) is checked by
    `check_own_schema`, which gives the same verdicts some 30 times faster than
    jsonschema (tests/rollup/test_schema_check.py compares the two); any other
    schema by jsonschema itself.
    """
    if schema == own_schema():
        return check_own_schema(payload)
    return check_with_jsonschema(payload, schema)


@functools.cache
def own_schema() -> dict:
    """ducha's own items.json schema, parsed (read only: shared by every caller)."""
    return json.loads(files.items_schema())


def check_own_schema(payload) -> list[str]:
    """`payload` against ducha's own items.json schema, written out as plain Python."""
    problems: list[str] = []
    if not isinstance(payload, dict):
        return ["整个文件：应当是 JSON 对象"]
    for key in ("ledger", "as_of", "columns", "items"):
        if key not in payload:
            problems.append(f"整个文件：缺少 {key}")
    if problems:
        return problems
    if not isinstance(payload["ledger"], str):
        problems.append("ledger：应当是文字")
    if not (isinstance(payload["as_of"], str) and _DATE_PATTERN.match(payload["as_of"])):
        problems.append("as_of：应当是 YYYY-MM-DD 日期")
    columns = payload["columns"]
    if not isinstance(columns, list) or not all(isinstance(c, dict) and {"key", "title", "definition"} <= c.keys()
                                                for c in columns):
        problems.append("columns：应当是列表，每项有 key、title、definition")
    items = payload["items"]
    if not isinstance(items, list):
        return [*problems, "items：应当是列表"]
    keys = set(_CHECKS) | {"events"}
    for n, item in enumerate(items):
        if len(problems) >= MAX_SHOWN:
            break
        if not isinstance(item, dict):
            problems.append(f"事项 第{n + 1}个：应当是 JSON 对象")
            continue
        ident = item.get("id") if isinstance(item.get("id"), str) else None
        where = f"事项 {ident or '第' + str(n + 1) + '个'}"
        if item.keys() != keys:
            extra, missing = sorted(item.keys() - keys), sorted(keys - item.keys())
            problems.append(f"{where}：" + "；".join([*(f"多出 {k}" for k in extra[:3]), *(f"缺少 {k}" for k in missing[:3])]))
            continue
        for key, ok in _CHECKS.items():
            if not ok(item[key]):
                problems.append(f"{where} 的 {key}：{_EXPECTED[key]}")
                break
        else:
            events = item["events"]
            if not isinstance(events, list) or not all(_event_ok(e) for e in events):
                problems.append(f"{where} 的 events：应当是办理记录的列表（date、type、type_name、text、detail）")
    return problems[:MAX_SHOWN]


_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}\Z")


def _is_str(v) -> bool:
    return isinstance(v, str)


def _text_or_null(v) -> bool:
    return v is None or isinstance(v, str)


def _date(v) -> bool:
    return isinstance(v, str) and _DATE_PATTERN.match(v) is not None


def _date_or_null(v) -> bool:
    return v is None or _date(v)


def _bool(v) -> bool:
    return isinstance(v, bool)


def _event_ok(e) -> bool:
    return (isinstance(e, dict) and {"date", "type", "type_name"} <= e.keys()
            and e.keys() <= {"date", "type", "type_name", "text", "detail"} and _date(e["date"])
            and isinstance(e["type"], str) and isinstance(e["type_name"], str)
            and _text_or_null(e.get("text")) and _text_or_null(e.get("detail")))


def _check_of(key: str):
    return {
        "id": lambda v: isinstance(v, str) and _ID_PATTERN.match(v) is not None,
        "title": lambda v: isinstance(v, str) and len(v) >= 1,
        "category": _is_str, "category_name": _is_str, "lead_unit": _is_str, "lead_unit_name": _is_str,
        "co_units": lambda v: isinstance(v, list) and all(isinstance(u, str) for u in v),
        "assigned": _date, "last_updated": _date,
        "deadline": _date_or_null, "hard_deadline": _date_or_null, "completed_on": _date_or_null,
        "state": lambda v: v in ("not_started", "in_progress", "completed", "closed"), "state_name": _is_str,
        "overdue": _bool, "completed_late": _bool,
        "days_overdue": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
    }.get(key, _text_or_null)


_CHECKS = {key: _check_of(key) for key, _, _ in files.COLUMNS}
_EXPECTED = {key: {"id": "应当是事项编号（字母、数字、- 和 _）", "title": "应当是非空文字", "co_units": "应当是文字列表",
                   "assigned": "应当是 YYYY-MM-DD 日期", "last_updated": "应当是 YYYY-MM-DD 日期",
                   "deadline": "应当是日期或 null", "hard_deadline": "应当是日期或 null", "completed_on": "应当是日期或 null",
                   "state": "应当是 not_started、in_progress、completed 或 closed", "overdue": "应当是 true 或 false",
                   "completed_late": "应当是 true 或 false", "days_overdue": "应当是不小于 0 的整数"}.get(key, "应当是文字")
             for key, _, _ in files.COLUMNS}


def check_with_jsonschema(payload, schema: dict) -> list[str]:
    """`payload` against any JSON Schema, by jsonschema."""
    import jsonschema

    try:
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
    except jsonschema.exceptions.SchemaError as e:
        return [f"发布的 {files.SCHEMA_PATH} 本身不是有效的 JSON Schema（{e.message[:200]}）"]
    validator = validator_class(schema)
    problems = []
    for error in validator.iter_errors(payload):
        problems.append(f"{_where(payload, error.absolute_path)}：{error.message[:200]}")
        if len(problems) >= MAX_SHOWN:
            break
    return problems


def _where(payload, path) -> str:
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "items" and isinstance(parts[1], int):
        try:
            ident = payload["items"][parts[1]].get("id")
        except (IndexError, AttributeError, TypeError):
            ident = None
        rest = "/".join(str(p) for p in parts[2:])
        return f"事项 {ident or '第' + str(parts[1] + 1) + '个'}" + (f" 的 {rest}" if rest else "")
    return "/".join(str(p) for p in parts) or "整个文件"


def head_matches_data(head: dict, payload: dict) -> list[str]:
    problems = []
    if payload.get("as_of") != head["as_of"]:
        problems.append(f"items.json 的数据日期 {payload.get('as_of')} 与 ledger-head.json 的 {head['as_of']} 不同")
    if payload.get("ledger") != head["ledger"]:
        problems.append("items.json 与 ledger-head.json 的台账名称不同")
    return problems


# --- against the city's Git mirror ------------------------------------------------------------


def check_history(mirror: Path, commit: str | None, previous: str | None, city: str = "城市编号"
                  ) -> list[tuple[str, str]]:
    """The published head is on a branch of the mirror and descends from the head recorded last time."""
    if commit is None:
        return [("city_head_unknown", "ledger-head.json 没有提交编号（网站不是从 Git 仓库生成的），无法与镜像核对")]
    if not gitrepo.reachable(mirror, commit):
        return [("city_head_unknown", f"发布的提交 {commit[:12]} 不在城市台账镜像的任何分支上：网站可能是从未推送的"
                                      "或已被删除的提交生成的")]
    if previous and previous != commit and not gitrepo.is_ancestor(mirror, previous, commit):
        return [("history_rewritten", f"上次汇总记录的提交 {previous[:12]} 不是现在发布的提交 {commit[:12]} 的祖先："
                                      "城市台账的历史被改写（强制推送）。请与该市督查室核实；核实无误后，"
                                      f"运行一次 ducha rollup 并加 --reset {city}，以新的提交为起点")]
    return []


def materialise(mirror: Path, commit: str, prefix: str, folder: Path, wanted: dict[str, str] | None = None,
                keep_items_dir: bool = False) -> None:
    """Make `folder` hold the files `wanted` ({path: blob id}; default: the ledger files of `commit`),
    only changed ones rewritten, others removed. `keep_items_dir`: an items/ folder exists, even empty."""
    if wanted is None:
        wanted = {rel: sha for rel, sha in gitrepo.tree_blobs(mirror, commit, prefix).items()
                  if rel == "ledger.yaml" or rel.startswith(("items/", "inspections/", "sources/"))}
    manifest_path = folder / ".ducha-tree.json"
    try:
        had = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(had, dict):
            had = {}
    except (OSError, ValueError):
        had = {}
    folder.mkdir(parents=True, exist_ok=True)
    if keep_items_dir:
        (folder / "items").mkdir(exist_ok=True)
    changed = [rel for rel, sha in wanted.items() if had.get(rel) != sha or not (folder / rel).is_file()]
    blobs = gitrepo.read_blobs(mirror, [wanted[rel] for rel in changed])
    for rel in changed:
        target = folder / rel
        if ".." in Path(rel).parts:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blobs.get(wanted[rel]) or b"")
    for rel in set(had) - set(wanted):
        try:
            (folder / rel).unlink()
        except OSError:
            pass
    tmp = manifest_path.with_name(f".ducha-tree.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(wanted), encoding="utf-8")
    os.replace(tmp, manifest_path)


def compare(published: dict, recomputed: dict) -> list[str]:
    """How the published items.json differs from the recomputed one (up to MAX_SHOWN differences)."""
    problems = []
    for key in ("ledger", "as_of"):
        if published.get(key) != recomputed.get(key):
            problems.append(f"{key} 发布为 {published.get(key)!s:.40}，台账算得 {recomputed.get(key)!s:.40}")
    mine = {i.get("id"): i for i in recomputed.get("items", [])}
    theirs = {i.get("id"): i for i in published.get("items", []) if isinstance(i, dict)}
    for ident in sorted(set(theirs) - set(mine), key=str)[:MAX_SHOWN]:
        problems.append(f"事项 {ident} 在开放数据中，但台账中没有（或不公开）")
    for ident in sorted(set(mine) - set(theirs), key=str)[:MAX_SHOWN]:
        problems.append(f"事项 {ident} 在台账中公开，但开放数据中没有")
    for ident in sorted(set(mine) & set(theirs), key=str):
        if len(problems) >= MAX_SHOWN:
            break
        a, b = theirs[ident], mine[ident]
        if a != b:
            keys = [k for k in dict.fromkeys([*b, *a]) if a.get(k) != b.get(k)]
            shown = "、".join(keys[:4])
            problems.append(f"事项 {ident} 的 {shown} 与台账不同"
                            + (f"（发布为 {a.get(keys[0])!s:.40}，台账算得 {b.get(keys[0])!s:.40}）" if keys else ""))
    return problems[:MAX_SHOWN]


def clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
