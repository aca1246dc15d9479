"""Cities for the roll-up tests: real Git ledgers, their open data made by ducha's build code,
served over HTTP from 127.0.0.1 by a real server thread the test starts."""
from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import threading
import time
from pathlib import Path

import pytest

from ducha.rollup.opendata import publish

from ..conftest import item_yaml
from ..gitrepo import Repo

AS_OF = dt.date(2025, 6, 30)
NOW = dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


class Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the folder; remembers (path, status) of every answer. If-Modified-Since is the stdlib's own."""

    log: list

    def log_request(self, code="-", size="-"):
        self.log.append((self.path, int(code) if str(code).isdigit() else code))

    def log_message(self, *args):
        pass


class Server:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.log: list = []
        handler = type("H", (Handler,), {"log": self.log})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, city: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/{city}/"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class City:
    """A city: its ledger (a Git repo), a bare 'mirror' it pushes to, and its published site folder."""

    def __init__(self, tmp: Path, cid: str, server: Server, items: dict[str, str]) -> None:
        self.id = cid
        self.repo = Repo(tmp / f"{cid}-ledger")
        for rel, text in items.items():
            self.repo.write(rel, text)
        self.repo.commit("台账")
        self.mirror = tmp / f"{cid}-mirror.git"
        self.repo.git("init", "-q", "--bare", str(self.mirror))
        self.repo.git("push", "-q", str(self.mirror), "main")
        self.site = server.folder / cid
        self.server = server

    @property
    def url(self) -> str:
        return self.server.url(self.id)

    def publish(self, as_of: dt.date = AS_OF, push: bool = True, force: bool = False) -> None:
        """What the city's CI does: push to the mirror, then publish the site built from that commit."""
        if push:
            self.repo.git("push", "-q", *(["--force"] if force else []), str(self.mirror), "main")
        publish(self.repo.root, self.site, as_of, use_cache=False)
        bump(self.site)

    def change(self, rel: str, text: str, message: str = "更新") -> str:
        self.repo.write(rel, text)
        return self.repo.commit(message, date="2025-06-01T10:00:00+08:00")


_BUMPS = [0]


def bump(folder: Path) -> None:
    """Newer modification times for every file, later at each call: the stdlib server answers
    If-Modified-Since by whole seconds, and a test publishes twice within one."""
    _BUMPS[0] += 100
    for path in folder.rglob("*"):
        if path.is_file():
            os.utime(path, (time.time() + _BUMPS[0], time.time() + _BUMPS[0]))


def city_items(n: int = 3, higher: tuple[str, ...] = (), closed: tuple[str, ...] = ()) -> dict[str, str]:
    out = {}
    for k in range(1, n + 1):
        ident = f"2025-{k:04d}"
        events = ['date: 2025-03-01, type: progress, text: 已开工']
        if ident in closed:
            events.append("date: 2025-04-01, type: completed, text: 已完成")
        out[f"items/2025/{ident}.yaml"] = item_yaml(
            ident, category="higher_assignment" if ident in higher else "work_report",
            extra="public: true\n", events=events)
    return out


@pytest.fixture
def server(tmp_path):
    (tmp_path / "www").mkdir()
    s = Server(tmp_path / "www")
    yield s
    s.stop()


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("DUCHA_CACHE_DIR", str(tmp_path / "cache"))


def sources_yaml(path: Path, cities, git: bool = True, extra: str = "") -> Path:
    lines = ["name: 测试省督查汇总", "cities:"]
    for c in cities:
        lines.append(f"  - id: {c.id}\n    name: {c.id}市\n    url: {c.url}")
        if git:
            lines.append(f"    git: file://{c.mirror}")
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path
