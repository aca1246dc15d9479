"""Issue 9, point 11: concurrent edits lose nothing.

Eight real processes run the `ducha` command at the same moment (released
together by a barrier), over several rounds. Every run that reports success
must find its result in the ledger afterwards; a run may only fail with a
Chinese message and nothing lost. Before the fix (no lock, no exclusive
create) two `ducha progress` runs read the same file and the second
replace dropped the first one's event, and all `ducha new` runs took the
same id and overwrote each other's file: every round lost data.
"""
import contextlib
import io
import multiprocessing
import os
import stat
import subprocess
import sys
import time

import pytest

from ducha.edit import EditRefused, write_atomic
from ducha.ledger import load_ledger, parse_item_bytes, scan_ledger

from ..conftest import item_yaml, write_ledger

WORKERS = 8
ROUNDS = 4
REL = "items/2025/2025-0042.yaml"
CTX = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")


def _run_cli(args: list[str]) -> tuple[object, str, str]:
    """`ducha ARGS` in this process: (exit code or 'traceback: …', stdout, stderr)."""
    from ducha.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main.main(args=args, prog_name="ducha", standalone_mode=False)
            code = 0
        except SystemExit as e:
            code = e.code or 0
        except BaseException as e:  # a traceback is a failure of its own
            code = f"traceback: {e!r}"
    return code, out.getvalue(), err.getvalue()


def _cli_worker(args, barrier, results, n):
    import ducha.cli  # noqa: F401  (loaded before the barrier: the race starts at the command)

    barrier.wait()
    results.put((n, *_run_cli(args)))


def _create_worker(root, barrier, results, n):
    import datetime as dt

    from ducha.new import create_item

    scan = scan_ledger(root)  # every worker sees the same ledger, without the new files
    barrier.wait()
    try:
        path, item, _ = create_item(scan.root, scan.config, scan.files, {
            "title": f"并发新建{n}", "category": "work_report", "lead_unit": "zjj",
            "assigned": dt.date(2025, 3, 1)})
        results.put((n, 0, item.id, path.name))
    except EditRefused as err:
        results.put((n, 1, str(err), ""))


def _race(target, argsets) -> list[tuple]:
    """Run `target` in one process per argument set, all released at once; their results, sorted."""
    # Load the libraries once here: forked workers inherit them, so the race starts at the command.
    import ducha.cli  # noqa: F401
    import ducha.new  # noqa: F401
    from ducha.calendar import WorkingCalendar

    WorkingCalendar()
    barrier = CTX.Barrier(len(argsets))
    results = CTX.Queue()
    procs = [CTX.Process(target=target, args=(*a, barrier, results, n)) for n, a in enumerate(argsets)]
    for p in procs:
        p.start()
    out = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return sorted(out)


def test_progress_runs_at_the_same_moment_all_land(tmp_path):
    root = write_ledger(tmp_path / "ledger", {REL: item_yaml(events=["date: 2025-03-01, type: progress, text: 起点"])})
    landed = 1
    for rnd in range(ROUNDS):
        texts = [f"第{rnd}轮进展{n}" for n in range(WORKERS)]
        results = _race(_cli_worker, [(["progress", "2025-0042", "--ledger", str(root), "--date", "2025-04-01",
                                        "--text", t],) for t in texts])
        item, findings = parse_item_bytes((root / REL).read_bytes(), REL)
        assert item is not None and [f for f in findings if f.severity == "error"] == []
        on_file = [e.text for e in item.events]
        for n, code, out, err in results:
            assert not str(code).startswith("traceback"), code
            if code == 0:
                assert texts[n] in on_file, f"round {rnd}: run {n} said {out.strip()!r} but its event is lost"
            else:
                assert "未保存" in err and texts[n] not in on_file
        # The lock makes the runs wait for each other, so in practice every one lands.
        assert [code for _, code, _, _ in results] == [0] * WORKERS, results
        landed += WORKERS
        assert len(on_file) == landed
    assert load_ledger(root, use_cache=False).findings == []


def test_new_runs_at_the_same_moment_get_distinct_ids(tmp_path):
    root = write_ledger(tmp_path / "ledger", {"items/2025/2025-0001.yaml": item_yaml("2025-0001")})
    made = {}
    for rnd in range(ROUNDS):
        titles = [f"第{rnd}轮新建事项{n}" for n in range(WORKERS)]
        results = _race(_cli_worker, [(["new", "--ledger", str(root), "--category", "work_report", "--title", t,
                                        "--lead", "zjj", "--assigned", "2025-03-01"],) for t in titles])
        for n, code, out, err in results:
            assert code == 0, (code, err)
            item_id = out.split("已新建 ", 1)[1].split("：", 1)[0]
            assert item_id not in made, f"round {rnd}: {item_id} reported twice"
            made[item_id] = titles[n]
    ledger = load_ledger(root, use_cache=False)
    assert ledger.findings == []
    on_disk = {i.id: i.title for i in ledger.items if i.id != "2025-0001"}
    assert on_disk == made  # every reported item is there, with its own title
    assert sorted(made) == [f"2025-{k:04d}" for k in range(2, 2 + ROUNDS * WORKERS)]


def test_create_item_never_overwrites_a_file_another_run_just_made(tmp_path):
    """Without any lock, from the same stale listing: the exclusive create takes the next id."""
    root = write_ledger(tmp_path / "ledger", {})
    results = _race(_create_worker, [(root,)] * WORKERS)
    assert [code for _, code, _, _ in results] == [0] * WORKERS, results
    ids = sorted(item_id for _, _, item_id, _ in results)
    assert ids == [f"2025-{k:04d}" for k in range(1, WORKERS + 1)]
    titles = {i.id: i.title for i in load_ledger(root, use_cache=False).items}
    assert titles == {item_id: f"并发新建{n}" for n, _, item_id, _ in results}
    assert not list((root / "items" / "2025").glob(".*.tmp"))


def test_a_run_that_cannot_get_the_lock_says_so_and_changes_nothing(tmp_path):
    root = write_ledger(tmp_path / "ledger", {REL: item_yaml()})
    before = (root / REL).read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys\nfrom ducha.edit import edit_lock\n"
         "with edit_lock(sys.argv[1]):\n    print('held', flush=True)\n    sys.stdin.read()\n", str(root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "ducha", "progress", "2025-0042", "--ledger", str(root), "--text", "进展"],
            capture_output=True, text=True, env={**os.environ, "DUCHA_LOCK_TIMEOUT": "0.5"})
        assert time.monotonic() - started < 20
    finally:
        holder.communicate("")
    assert proc.returncode == 1
    assert "另一个 ducha 命令正在修改这个台账" in proc.stderr and "未保存" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (root / REL).read_bytes() == before
    # Once the other run has finished, the same command goes through.
    proc = subprocess.run(
        [sys.executable, "-m", "ducha", "progress", "2025-0042", "--ledger", str(root), "--text", "进展"],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_save_by_another_program_meanwhile_is_not_overwritten(tmp_path):
    """Compare-and-swap: the file is replaced only if it still holds the bytes that were read."""
    path = tmp_path / "2025-0042.yaml"
    path.write_text(item_yaml(), encoding="utf-8")
    read = path.read_bytes()
    path.write_text(item_yaml(extra="note: 编辑器刚保存的备注\n"), encoding="utf-8")  # someone saves meanwhile
    with pytest.raises(EditRefused, match="被其他程序改动过"):
        write_atomic(path, read + b"# ducha's change\n", expect=read, rel=REL)
    assert "编辑器刚保存的备注" in path.read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025-0042.yaml"]


def test_writes_keep_the_mode_and_new_files_get_the_usual_one(tmp_path, cli):
    root = write_ledger(tmp_path / "ledger", {REL: item_yaml()})
    os.chmod(root / REL, 0o640)
    code, _, err = cli("progress", "2025-0042", "--ledger", str(root), "--text", "进展")
    assert code == 0, err
    assert stat.S_IMODE((root / REL).stat().st_mode) == 0o640
    umask = os.umask(0o022)
    try:
        code, out, err = cli("new", "--ledger", str(root), "--category", "work_report", "--title", "新事项",
                             "--lead", "zjj", "--assigned", "2025-03-01")
    finally:
        os.umask(umask)
    assert code == 0, err
    assert "已新建 2025-0043" in out
    assert stat.S_IMODE((root / "items/2025/2025-0043.yaml").stat().st_mode) == 0o644  # not 0600


def test_lock_never_follows_a_committed_symlink(tmp_path):
    """A contributor commits `.ducha-lock` as a link elsewhere: the edit is refused, nothing is created there."""
    from ducha.edit import EditRefused, edit_lock

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "ledger"
    root.mkdir()
    (root / ".ducha-lock").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(EditRefused, match="锁文件"):
        with edit_lock(root):
            pass
    assert list(elsewhere.iterdir()) == []
    (root / ".ducha-lock").unlink()
    (root / ".ducha-lock").mkdir()
    (root / ".ducha-lock" / "edit.lock").symlink_to(elsewhere / "victim")
    with pytest.raises(EditRefused):
        with edit_lock(root):
            pass
    assert not (elsewhere / "victim").exists()
