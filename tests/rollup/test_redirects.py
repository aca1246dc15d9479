"""A city's site that redirects the province's fetcher to another host is refused (an SSRF-like hole):
what the fetcher found there (an address inside the province's network, say) would otherwise be echoed
on the public province site in the verification messages. Redirects within the city's host still work."""
from __future__ import annotations

import http.server
import json
import threading

from ducha.rollup import rollup

from .conftest import NOW, City, city_items, sources_yaml

SECRET = {"commit": "0" * 40, "as_of": "2025-06-30", "ledger": "内网秘密-7f3a"}


def _redirector(location: str):
    """A server on 127.0.0.1 that answers every request with 302 to `location` + the path."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", location + self.path.lstrip("/"))
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def test_redirect_to_another_host_is_refused(tmp_path, server):
    # "inside the province's network": a JSON file that only the province's machine can reach
    (server.folder / "intranet").mkdir()
    (server.folder / "intranet" / "ledger-head.json").write_text(json.dumps(SECRET, ensure_ascii=False), "utf-8")
    port = server.httpd.server_address[1]
    httpd = _redirector(f"http://localhost:{port}/intranet/")  # another host name than the city's 127.0.0.1
    try:
        (tmp_path / "sources.yaml").write_text(
            f"cities:\n  - {{id: evil, name: 某市, url: 'http://127.0.0.1:{httpd.server_address[1]}/'}}\n", "utf-8")
        result = rollup(tmp_path / "sources.yaml", tmp_path / "out", now=NOW)
    finally:
        httpd.shutdown()
        httpd.server_close()
    (finding,) = result.findings
    assert finding.code == "city_unreachable" and "另一个网站" in finding.message and "sources.yaml" in finding.message
    assert result.cities[0].status == "missing"
    assert not any("/intranet/" in path for path, _ in server.log)  # never even asked
    site = tmp_path / "out" / "site"
    assert not any("内网秘密" in p.read_text("utf-8", "replace") for p in site.rglob("*") if p.is_file())


def test_redirect_within_the_city_host_is_followed(tmp_path, server):
    bozhou = City(tmp_path, "bozhou", server, city_items(2))
    bozhou.publish()
    port = server.httpd.server_address[1]
    httpd = _redirector(f"http://127.0.0.1:{port}/")  # the city moved its site; the old address redirects, same host
    try:
        moved = bozhou.url.replace(str(port), str(httpd.server_address[1]))
        sources = sources_yaml(tmp_path / "sources.yaml", [bozhou])
        sources.write_text(sources.read_text("utf-8").replace(bozhou.url, moved), "utf-8")
        result = rollup(sources, tmp_path / "out", now=NOW)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.cities[0].status == "ok" and not result.findings
