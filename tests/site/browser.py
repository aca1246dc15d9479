"""Drive Debian's Chromium with Playwright against a site served on 127.0.0.1.

Shared by the browser test and `benchmarks/bench_build.py`. Playwright's own
browser download cannot work offline, so the system Chromium is used.
"""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}


def missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not os.path.exists(CHROMIUM):
        return "Debian's chromium is not installed (apt-get install chromium; .ci/run does it)"
    return None


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(folder: Path):
    """Serve `folder` on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def phone_page():
    """A Playwright page on a phone-sized viewport that records requests and errors."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**PHONE)
            page = context.new_page()
            page.requests = []
            page.errors = []
            page.on("request", lambda r: page.requests.append(r.url))
            page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            yield page
        finally:
            browser.close()


def search(page, word: str, timeout_ms: int = 15000) -> float:
    """Open the search on a phone layout, type `word` key by key, wait for hits.

    Returns the seconds from the first key press until results showed.
    """
    page.locator('label.md-header__button[for="__search"]').click()
    field = page.locator("input.md-search__input")
    field.wait_for(state="visible")
    start = time.perf_counter()
    # Material's search reacts to key presses; Chinese characters arrive as
    # text input without key events, so a final End key press triggers it.
    page.keyboard.type(word, delay=50)
    page.keyboard.press("End")
    page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=timeout_ms)
    return time.perf_counter() - start


DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def has_cjk_font() -> bool:
    """Whether Chromium can draw Chinese here (else screenshots show empty boxes)."""
    import subprocess

    try:
        out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.strip())


@contextmanager
def desktop_page(clipboard: bool = False):
    """A Playwright page on a 1366×900 desktop viewport that records requests and
    errors; `clipboard`: the page may read and write the clipboard."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**DESKTOP)
            if clipboard:
                context.grant_permissions(["clipboard-read", "clipboard-write"])
            page = context.new_page()
            page.requests = []
            page.errors = []
            page.on("request", lambda r: page.requests.append(r.url))
            page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
            page.on("pageerror", lambda e: page.errors.append(str(e)))
            yield page
        finally:
            browser.close()
