"""`ducha serve`: a real preview server that picks up an edited item file."""
import os
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
    kept = tmp_path / "live/items/2025-0002/index.html"
    first = kept.stat().st_ino
    os.utime(kept, (946684800, 946684800))  # a page written again would get the time of the rebuild
    new_event(root)
    made_non_public(root)
    rebuild(tmp_path / "live")  # the first rebuild after the start: its keys are the start's
    rebuild(tmp_path / "fresh")
    assert kept.stat().st_ino == first and kept.stat().st_mtime == 946684800  # kept, not written again
    assert "CANARYxNEWxEVENT" in (tmp_path / "live/items/2025-0001/index.html").read_text(encoding="utf-8")
    assert not (tmp_path / "live/items/2025-0004").exists()
    assert differences(tmp_path / "live/items", tmp_path / "fresh/items") == []


def test_preview_follows_edits_deletions_and_broken_files(tmp_path):
    """An edit shows on the item page and then on the lists (written by the rebuild that follows);
    a deleted item's page disappears; a broken item file does not stop the preview, and its fix shows."""
    root = write_ledger(tmp_path, {
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n"),
        "items/2025/2025-0002.yaml": item_yaml("2025-0002", extra="public: true\n").replace("120个", "DELETExME"),
    })
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "ducha", "serve", "--ledger", str(root), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    site = f"http://127.0.0.1:{port}"
    path = root / "items/2025/2025-0001.yaml"
    try:
        assert wait_for(f"{site}/lists/all/", "DELETExME"), "the preview did not come up"
        path.write_text(path.read_text(encoding="utf-8").replace("120个", "EDITxONE"), encoding="utf-8")
        assert wait_for(f"{site}/items/2025-0001/", "EDITxONE"), "the edit did not reach the item page"
        assert wait_for(f"{site}/lists/all/", "EDITxONE"), "the edit did not reach the list of all items"

        (root / "items/2025/2025-0002.yaml").unlink()
        end = time.monotonic() + 40
        while fetch(f"{site}/items/2025-0002/") is not None and time.monotonic() < end:
            time.sleep(0.3)
        assert fetch(f"{site}/items/2025-0002/") is None, "a deleted item's page is still served"
        assert wait_for(f"{site}/lists/all/", "EDITxONE")
        end = time.monotonic() + 40
        while "DELETExME" in (fetch(f"{site}/lists/all/") or "DELETExME") and time.monotonic() < end:
            time.sleep(0.3)
        assert "DELETExME" not in fetch(f"{site}/lists/all/"), "a deleted item is still listed"

        good = path.read_text(encoding="utf-8")
        path.write_text(good + "events: [unclosed\n", encoding="utf-8")
        time.sleep(2)
        assert proc.poll() is None, "a broken item file stopped the preview"
        path.write_text(good.replace("EDITxONE", "FIXEDxTWO"), encoding="utf-8")
        assert wait_for(f"{site}/items/2025-0001/", "FIXEDxTWO"), "the fix of a broken file did not show"
        assert proc.poll() is None
    finally:
        proc.terminate()
        try:
            out = proc.communicate(timeout=10)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            out = proc.communicate()[0]
    assert "Traceback" not in out, out


def test_an_edit_shows_its_item_page_first_and_the_lists_on_the_rebuild_that_follows(tmp_path):
    """Under a live server, the rebuild after an edit writes the item pages from the new view and asks
    for one more, which writes the Markdown (lists) of that same view; a view overtaken by another
    edit is not written: that edit's rebuild computes a fresh one."""
    import datetime as dt

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from ducha.site import prepare_serve, serve_session

    root = write_ledger(tmp_path / "ledger", {"items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n")})
    config_file = prepare_serve(root, "public", dt.date(2025, 6, 1))
    session = serve_session(config_file.parent / "serve-job.json")
    asked = []
    session.follow_up = lambda: asked.append(True)
    site = tmp_path / "site"
    item_page, all_list = site / "items/2025-0001/index.html", site / "lists/all/index.html"

    def rebuild():
        build(load_config(config_file=str(config_file), site_dir=str(site)), serve_url="http://127.0.0.1:8000/")

    def edit(old, new):
        path = root / "items/2025/2025-0001.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        session.edits += 1  # what the watcher counts

    rebuild()  # the first build: the view `prepare_serve` wrote, no second rebuild
    assert asked == [] and "120个" in item_page.read_text(encoding="utf-8")
    edit("120个", "EDITxONE")
    rebuild()
    assert asked == [True]
    assert "EDITxONE" in item_page.read_text(encoding="utf-8")
    assert "EDITxONE" not in all_list.read_text(encoding="utf-8")  # the lists come with the next rebuild
    rebuild()  # the one asked for
    assert asked == [True]
    assert "EDITxONE" in all_list.read_text(encoding="utf-8") and "EDITxONE" in item_page.read_text(encoding="utf-8")

    edit("EDITxONE", "EDITxTWO")
    rebuild()
    edit("EDITxTWO", "EDITxTHREE")  # while the second rebuild waits
    rebuild()  # not the stale view of EDITxTWO: a fresh one, and one more rebuild asked for
    assert asked == [True, True, True]
    assert "EDITxTHREE" in item_page.read_text(encoding="utf-8")
    rebuild()
    assert "EDITxTHREE" in all_list.read_text(encoding="utf-8")


def test_the_history_is_read_again_only_when_the_head_commit_moves(tmp_path, git_home):
    """`ducha serve` keeps the Git history between rebuilds (an edit being previewed is not committed);
    a new commit is read: its change shows in the item page's history."""
    import datetime as dt

    from ducha.site import ServeJob, preview_view, serve_session

    root = write_ledger(tmp_path / "ledger", {"items/2025/2025-0001.yaml": item_yaml("2025-0001", extra="public: true\n")})

    def git(*args):
        import os

        when = {"GIT_AUTHOR_DATE": "2025-05-21T10:00:00+08:00", "GIT_COMMITTER_DATE": "2025-05-21T10:00:00+08:00"}
        subprocess.run(["git", "-C", str(root), "-c", "user.name=办公室", "-c", "user.email=office@example.gov.cn",
                        *args], check=True, capture_output=True, env={**os.environ, **when})

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "first")
    job = ServeJob(root, "internal", tmp_path / "docs", dt.date(2025, 6, 1), None)
    session = serve_session(tmp_path / "job.json")
    view, _ = preview_view(job, session)
    kept = session.history
    assert kept is not None and len(view.items[0].revisions) == 1
    path = root / "items/2025/2025-0001.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "events:\n  - {date: 2025-05-20, type: progress, text: 已开工}\n",
                    encoding="utf-8")
    view, _ = preview_view(job, session)  # edited, not committed: the same history object
    assert session.history is kept and len(view.items[0].revisions) == 1
    git("commit", "-q", "-am", "progress")
    view, _ = preview_view(job, session)
    assert session.history is not kept and len(view.items[0].revisions) == 2
