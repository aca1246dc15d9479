"""`ducha serve`: a real preview server that picks up an edited item file."""
import socket
import subprocess
import sys
import time
import urllib.request

from ..conftest import item_yaml, write_ledger


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float = 40) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        page = fetch(url)
        if page and text in page:
            return True
        time.sleep(0.3)
    return False


def test_preview_reloads_after_an_edit(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n")})
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ducha", "serve", "--ledger", str(root), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/items/2025-0001/"
        assert wait_for(url, "完成城区老旧小区改造120个"), "the preview did not come up"
        path = root / "items/2025/2025-0001.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("120个", "150个"), encoding="utf-8")
        assert wait_for(url, "完成城区老旧小区改造150个"), "the edit did not reach the preview"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
