"""HTTP(S) requests of the roll-up: stdlib urllib, bounded in time, size, redirects and retries.

Only http and https URLs are requested, and redirects only within the same host; every body is
read up to a limit and refused beyond it; conditional headers
(`If-None-Match`, `If-Modified-Since`) make an unchanged file a 304 with no
body. Many cities are fetched side by side (see `rollup`, or `in_pool`).
"""
from __future__ import annotations

import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

USER_AGENT = "ducha-rollup"
TIMEOUT = 20.0  # seconds per attempt (connect and each read)
# Seconds one attempt may take in all: a server that sends a byte every 19 s never trips TIMEOUT,
# and would hold a fetch thread for as long as it likes.
DEADLINE = 300.0
RETRIES = 3  # attempts for a connection error, a time-out or a 5xx answer
BACKOFF = 0.5  # seconds before the second attempt, doubled after
MAX_REDIRECTS = 5
POOL = 8  # cities fetched at once


class FetchFailed(Exception):
    """The file could not be fetched; the message is Chinese and names the URL."""


@dataclass
class Response:
    url: str
    status: int  # 200 or 304
    body: bytes
    etag: str | None
    last_modified: str | None


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        target = urlsplit(urljoin(req.full_url, newurl))
        if target.scheme not in ("http", "https"):
            raise urllib.error.HTTPError(newurl, code, "redirect to a non-http(s) URL refused", headers, fp)
        # Only within the city's own host: a city's site that sends the province's fetcher elsewhere (an
        # address inside the province's network, say) would have what it finds there shown on the public
        # province site in the verification messages.
        if (target.hostname or "").lower() != (urlsplit(req.full_url).hostname or "").lower():
            raise FetchFailed(f"{req.full_url}：服务器要求跳转到另一个网站 {target.scheme}://{target.netloc}/，"
                              "汇总只跟随同一网站内的跳转。如该市网站确已搬迁，请在 sources.yaml 中改写它的 url")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_Redirects())
# No file:, ftp: or data: handler is reachable: `get` refuses any URL that is not http(s) before opening it.


def get(url: str, max_bytes: int, etag: str | None = None, last_modified: str | None = None,
        timeout: float = TIMEOUT, retries: int = RETRIES, into: Path | None = None,
        deadline: float = DEADLINE) -> Response:
    """GET `url` (http/https only), at most `max_bytes`; a 304 when the conditional headers match.

    With `into`, the body is streamed into that file (written whole or not at all) instead of held in
    memory: a city's items.json can be a few dozen MB, and sixteen of them at once add up."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchFailed(f"{url}：只能读取 http:// 或 https:// 地址")
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    delay = BACKOFF
    for attempt in range(1, retries + 1):
        try:
            return _once(urllib.request.Request(url, headers=headers), max_bytes, timeout, into,
                         time.monotonic() + deadline)
        except urllib.error.HTTPError as e:
            if e.code == 304:
                return Response(url, 304, b"", e.headers.get("ETag") or etag,
                                e.headers.get("Last-Modified") or last_modified)
            reason = f"服务器回答 {e.code}"
            if e.code < 500 or attempt == retries:
                raise FetchFailed(f"{url}：{reason}") from None
        except FetchFailed:
            raise
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
            reason = _reason(e)
            if attempt == retries:
                raise FetchFailed(f"{url}：{reason}（已尝试 {retries} 次）") from None
        time.sleep(delay)
        delay *= 2
    raise FetchFailed(f"{url}：无法读取")  # pragma: no cover - the loop returns or raises


def _once(request: urllib.request.Request, max_bytes: int, timeout: float, into: Path | None,
          until: float) -> Response:
    with _OPENER.open(request, timeout=timeout) as answer:
        length = answer.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise FetchFailed(f"{request.full_url}：文件有 {int(length)} 字节，超过上限 {max_bytes} 字节")
        if into is None:
            body = b"".join(_chunks(answer, max_bytes, request.full_url, until))
        else:
            body = b""
            _stream(answer, into, max_bytes, request.full_url, until)
        return Response(answer.geturl(), answer.status, body, answer.headers.get("ETag"),
                        answer.headers.get("Last-Modified"))


CHUNK = 1 << 20


def _chunks(answer, max_bytes: int, url: str, until: float):
    """The body in pieces, refused beyond `max_bytes` or past the time `until` (time.monotonic())."""
    size = 0
    # read1: at most one read of the socket per call, so the deadline is checked however slowly bytes come.
    while chunk := answer.read1(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise FetchFailed(f"{url}：文件超过上限 {max_bytes} 字节")
        if time.monotonic() > until:
            raise FetchFailed(f"{url}：读取太慢，在限定时间内没有读完，已放弃（该市网站或网络可能有故障，下次汇总会再试）")
        yield chunk


def _stream(answer, into: Path, max_bytes: int, url: str, until: float) -> None:
    """The body into the file `into`, in chunks, refused beyond `max_bytes` (the file is then removed)."""
    tmp = into.with_name(f".{into.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            for chunk in _chunks(answer, max_bytes, url, until):
                fh.write(chunk)
        os.replace(tmp, into)
    finally:
        if tmp.exists():
            tmp.unlink()


def _reason(e: BaseException) -> str:
    if isinstance(e, urllib.error.URLError):
        e = e.reason if isinstance(e.reason, BaseException) else e
    if isinstance(e, TimeoutError) or "timed out" in str(e):
        return "连接超时"
    if isinstance(e, ConnectionRefusedError):
        return "连接被拒绝（网站没有运行或地址有误）"
    return f"无法连接（{e}）"


T = TypeVar("T")
R = TypeVar("R")


def in_pool(work: Callable[[T], R], jobs: Iterable[T], size: int = POOL) -> list[R]:
    """`work(job)` for every job, `size` at a time, results in job order."""
    jobs = list(jobs)
    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(size, len(jobs))), thread_name_prefix="ducha-rollup") as pool:
        return list(pool.map(work, jobs))
