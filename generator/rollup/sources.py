"""`sources.yaml`: the cities a province rolls up (id, name, public site, optional Git mirror).

    name: 某某省政府督查汇总          # the province site's title (optional)
    cities:
      - id: bozhou                     # lower-case letters, digits, - and _
        name: 亳州市
        url: https://ducha.bozhou.example/     # the city's public site (http or https)
        git: https://git.bozhou.example/ledger.git   # optional: a read-only mirror of its ledger
        ledger_path: ledger            # optional: the ledger's folder inside that repository

Read with ducha's own YAML loader, so every problem is a finding with its
line; a city with a problem is left out, the others are still rolled up.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .. import loader
from ..findings import Finding
from ..loader import YMap, YScalar, YSeq
from ..model import UNIT_ID_CHARS

MAX_SOURCES_BYTES = 256 * 1024
MAX_CITIES = 200
CITY_KEYS = ("id", "name", "url", "git", "ledger_path")
_ID = re.compile(UNIT_ID_CHARS)
_GIT_URL = re.compile(r"(https?|ssh|git|file)://\S+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\S+")
_LEDGER_PATH = re.compile(r"[A-Za-z0-9_.\-/]{1,200}")


@dataclass(frozen=True)
class City:
    id: str
    name: str
    url: str  # ends with /
    git: str | None = None
    ledger_path: str = ""
    line: int = 1


@dataclass
class Sources:
    file: str
    name: str
    cities: list[City]
    findings: list[Finding]


def http_url(text: str) -> str | None:
    """`text` as a site base URL ending with /, or None unless it is http(s) with a host."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        return None
    if any(c.isspace() for c in text):
        return None
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not 0-65535
    except ValueError:
        return None
    return text if text.endswith("/") else text + "/"


def read_sources(path: Path) -> Sources:
    rel = path.name
    findings: list[Finding] = []

    def bad(node, message: str) -> None:
        findings.append(Finding(rel, node.line if node is not None else 1, "invalid_field", message))

    root, found = loader.load_file_bytes(path, rel, MAX_SOURCES_BYTES)
    findings += found
    if root is None:
        return Sources(rel, "", [], findings or [Finding(rel, 1, "invalid_field", f"无法读取 {rel}：请确认文件存在且是 YAML。")])
    if not isinstance(root, YMap) or "cities" not in root.entries:
        bad(root, f"{rel} 应当是映射，并有 cities: 列表（每个城市写 id、name、url，可选 git、ledger_path）。")
        return Sources(rel, "", [], findings)
    name = ""
    if "name" in root.entries and isinstance(root.entries["name"][1], YScalar):
        name = root.entries["name"][1].text.strip()
    seq = root.entries["cities"][1]
    if not isinstance(seq, YSeq):
        bad(seq, "cities 应当是列表，每一项是一个城市：- {id: bozhou, name: 亳州市, url: https://…/}。")
        return Sources(rel, name, [], findings)
    cities: list[City] = []
    seen: set[str] = set()
    for n, node in enumerate(seq.items[:MAX_CITIES + 1], start=1):
        if n > MAX_CITIES:
            bad(node, f"城市超过 {MAX_CITIES} 个，其余的没有读取：请分成几个汇总。")
            break
        city = _city(node, n, bad)
        if city is None:
            continue
        if city.id in seen:
            bad(node, f"第 {n} 个城市的 id {city.id} 与前面的重复：每个城市的 id 只能出现一次。")
            continue
        seen.add(city.id)
        cities.append(city)
    return Sources(rel, name, cities, findings)


def _city(node, n: int, bad) -> City | None:
    what = f"第 {n} 个城市"
    if not isinstance(node, YMap):
        bad(node, f"{what}应当是映射：{{id: bozhou, name: 亳州市, url: https://…/}}。")
        return None
    values: dict[str, str] = {}
    for key, (knode, vnode) in node.entries.items():
        if key not in CITY_KEYS:
            bad(knode, f"{what}有不认识的键 {fields_show(key)}：只能写 {'、'.join(CITY_KEYS)}。")
            continue
        if not isinstance(vnode, YScalar) or vnode.tag == loader.REFUSED or not vnode.text.strip():
            bad(vnode, f"{what}的 {key} 应当是一段文字。")
            continue
        values[key] = vnode.text.strip()
    missing = [k for k in ("id", "name", "url") if k not in values]
    if missing:
        bad(node, f"{what}缺少 {'、'.join(missing)}：每个城市都要写 id、name 和公开网站地址 url。")
        return None
    if not _ID.fullmatch(values["id"]):
        bad(node.entries["id"][1], f"{what}的 id {fields_show(values['id'])} 只能用小写字母、数字、- 和 _，例如 bozhou。")
        return None
    url = http_url(values["url"])
    if url is None:
        bad(node.entries["url"][1], f"{what}的 url {fields_show(values['url'])} 应当是 http:// 或 https:// 开头的网站地址，"
            "例如 https://ducha.bozhou.example/（不能含用户名、密码或空格，端口在 1–65535 之间）。")
        return None
    git = values.get("git")
    if git is not None and (git.startswith("-") or not _GIT_URL.fullmatch(git)):
        bad(node.entries["git"][1], f"{what}的 git {fields_show(git)} 不是 Git 仓库地址：请写 https://、ssh:// 或 "
            "git@主机:路径 形式的只读镜像地址。")
        return None
    ledger_path = values.get("ledger_path", "").strip("/")
    if ledger_path and (not _LEDGER_PATH.fullmatch(ledger_path) or ".." in ledger_path.split("/")):
        bad(node.entries["ledger_path"][1], f"{what}的 ledger_path 应当是仓库中的文件夹，例如 ledger，不能含 ..。")
        return None
    return City(values["id"], values["name"], url, git, ledger_path, node.line)


def fields_show(text: str) -> str:
    from ..fields import show

    return show(text)
