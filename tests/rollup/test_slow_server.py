"""A city server that trickles its answer (a byte now and then, each within the read time-out) is given up
after the per-file deadline, with a Chinese reason, instead of holding a fetch thread for as long as it likes."""
from __future__ import annotations

import http.server
import threading
import time

import pytest

from ducha.rollup import fetch


@pytest.fixture
def trickler():
    stop = threading.Event()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            while not stop.is_set():  # one byte every 0.2 s, never the end
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/data/items.json"
    stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("to_file", [False, True])
def test_a_trickling_server_is_given_up_at_the_deadline(trickler, tmp_path, to_file):
    started = time.monotonic()
    with pytest.raises(fetch.FetchFailed) as err:
        fetch.get(trickler, 10_000_000, timeout=1.0, retries=1, deadline=1.5,
                  into=tmp_path / "items.json" if to_file else None)
    assert time.monotonic() - started < 5  # the read time-out (1 s) alone would never trip
    assert "读取太慢" in str(err.value) and trickler in str(err.value)
    assert not (tmp_path / "items.json").exists()
