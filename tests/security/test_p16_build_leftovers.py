"""Issue 9, point 16 (site): no internal page outlives a killed build; serve drops unpublished pages.

A build works in `site/.ducha-build-*`; a build killed with SIGKILL left
that folder, internal pages and all, and no later build removed it. And
`ducha serve` kept serving the page of an item that had become non-public.
"""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ducha.site import build_sites

from ..conftest import D, item_yaml, write_ledger
from ..site.test_serve import free_port, wait_for

SECRET = b"CANARYxINTERNALxNOTE"


def ledger(root: Path) -> Path:
    return write_ledger(root, {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\nnote: CANARYxINTERNALxNOTE\n"),
        "items/2025/2025-0002.yaml": item_yaml("2025-0002", extra="public: false\n"),
    })


def test_the_next_build_removes_what_a_killed_build_left(tmp_path):
    root = ledger(tmp_path / "ledger")
    out = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, "-m", "ducha", "build", "--ledger", str(root), "--out", str(out),
                             "--as-of", "2025-06-01", "--no-cache"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if list(out.glob(".ducha-build-*/docs-internal/index.md")):
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the build ended before it could be killed"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, as a CI cancel or the OOM killer would
        proc.wait()
    leftovers = list(out.glob(".ducha-build-*"))
    assert leftovers, "the killed build should have left its work folder"

    build_sites(root, out, D("2025-06-01"), use_cache=False)

    assert not list(out.glob(".ducha-build-*")) and not list(out.glob(".*.old"))
    for path in out.rglob("*"):
        if path.is_file() and not path.is_relative_to(out / "internal"):
            assert SECRET not in path.read_bytes(), f"internal text left in {path.relative_to(out)}"
    assert SECRET in (out / "internal" / "items" / "2025-0001" / "index.html").read_bytes()


def test_a_live_build_is_not_cleaned_away(tmp_path):
    # The clean-up must tell a killed build from one still running.
    root = ledger(tmp_path / "ledger")
    out = tmp_path / "site"
    proc = subprocess.Popen([sys.executable, "-m", "ducha", "build", "--ledger", str(root), "--out", str(out),
                             "--as-of", "2025-06-01", "--no-cache"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and not list(out.glob(".ducha-build-*/docs-public")):
        time.sleep(0.01)
    build_sites(root, out, D("2025-06-01"), use_cache=False, parallel=False)
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr
    assert (out / "public" / "items" / "2025-0001" / "index.html").is_file()
    assert not list(out.glob(".ducha-build-*"))


def test_serve_removes_the_page_of_an_item_that_became_non_public(tmp_path):
    root = ledger(tmp_path / "ledger")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ducha", "serve", "--ledger", str(root), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/"
        url = base + "items/2025-0001/"
        assert wait_for(url, "完成城区老旧小区改造120个"), "the preview did not come up"
        path = root / "items/2025/2025-0001.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("public: true", "public: false"), encoding="utf-8")
        assert wait_for_gone(url), "the page is still served"
        assert wait_for(base + "lists/", "全部清单")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_for_gone(url: str, seconds: float = 40) -> bool:
    import urllib.error
    import urllib.request

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            urllib.request.urlopen(url, timeout=2).close()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False
