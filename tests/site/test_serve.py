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


def test_rebuild_keeps_unchanged_item_pages_and_equals_a_fresh_build(tmp_path):
    """A rebuild of `ducha serve` puts back the item pages of the last one and writes only the changed
    ones: the item pages equal those of a fresh build; an item made non-public loses its page."""
    import datetime as dt

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from ducha.site import prepare_serve

    from .test_incremental import differences, made_non_public, new_event
    from .test_incremental import ledger as incremental_ledger

    root = incremental_ledger(tmp_path / "ledger")
    config_file = prepare_serve(root, "public", dt.date(2025, 6, 1))

    def rebuild(site):
        build(load_config(config_file=str(config_file), site_dir=str(site)), serve_url="http://127.0.0.1:8000/")

    rebuild(tmp_path / "live")
    first = (tmp_path / "live/items/2025-0002/index.html").stat().st_ino
    new_event(root)
    made_non_public(root)
    rebuild(tmp_path / "live")
    rebuild(tmp_path / "fresh")
    assert (tmp_path / "live/items/2025-0002/index.html").stat().st_ino == first  # kept, not written again
    assert "CANARYxNEWxEVENT" in (tmp_path / "live/items/2025-0001/index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "live/items/2025-0004").exists()
    assert differences(tmp_path / "live/items", tmp_path / "fresh/items") == []
