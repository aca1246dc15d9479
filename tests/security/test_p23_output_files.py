"""Red team on issues 17/18, point 23: where `ducha report`/`form`/`assess` write their files.

`ducha report source SOURCE --format docx` names its file after the
decision's title when no `--out` is given. A title is free text: an
ordinary one with a slash (「2025/2026 年度」) crashed with a traceback, and
one with `../` wrote the report into another folder. The file goes into
the current folder, named after the title with the path characters
replaced. An `--out` into a folder that does not exist is a Chinese error
naming the file, never a traceback, for every command writing a document.
"""
import subprocess
import sys

from ..conftest import item_yaml, write_ledger


def ducha(*args, cwd):
    return subprocess.run([sys.executable, "-m", "ducha", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


def ledger(root, title):
    return write_ledger(root, {
        "sources/s1.yaml": f"id: s1\ntitle: '{title}'\nkind: meeting\ndate: 2025-03-10\npublic: true\n",
        "items/2025/2025-0001.yaml": item_yaml("2025-0001", category="meeting_decision",
                                               extra="source_id: s1\ndeadline: 2025-06-30\n"),
    })


def test_a_source_title_with_path_characters_names_a_file_in_the_current_folder(tmp_path):
    root = ledger(tmp_path / "ledger", "关于2025/2026年度../../..\\重点工作的通知")
    work = tmp_path / "a" / "b" / "work"
    work.mkdir(parents=True)
    proc = ducha("report", "source", "s1", "--ledger", str(root), "--as-of", "2025-05-01", "--format", "docx",
                 cwd=work)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    written = [p.name for p in work.iterdir()]
    assert len(written) == 1 and written[0].endswith("落实情况.docx") and "2025" in written[0]
    assert "/" not in written[0] and "\\" not in written[0] and not written[0].startswith(".")
    assert not list(tmp_path.glob("**/*重点工作*落实情况.docx"))[1:]  # nothing anywhere else
    assert written[0] in proc.stdout


def test_a_very_long_source_title_still_gives_a_file_name_the_system_accepts(tmp_path):
    root = ledger(tmp_path / "ledger", "关于推进" + "重点任务落实" * 60 + "的通知")
    proc = ducha("report", "source", "s1", "--ledger", str(root), "--as-of", "2025-05-01", "--format", "docx",
                 cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    [docx] = list(tmp_path.glob("*.docx"))
    assert docx.name.endswith("落实情况.docx") and len(docx.name.encode()) <= 255


def test_out_into_a_missing_folder_is_a_chinese_error_not_a_traceback(tmp_path):
    root = ledger(tmp_path / "ledger", "市政府第12次常务会议")
    missing = tmp_path / "没有这个文件夹"
    runs = [
        ("report", "source", "s1", "--as-of", "2025-05-01", "--format", "docx", "--out", str(missing / "r.docx")),
        ("report", "monthly", "--period", "2025-04", "--format", "docx", "--out", str(missing / "m.docx")),
        ("form", "source", "s1", "--out", str(missing / "f.html")),
        ("form", "assignment", "2025-0001", "--out", str(missing / "a.html")),
        ("assess", "--period", "2025", "--format", "xlsx", "--out", str(missing / "s.xlsx")),
    ]
    for args in runs:
        proc = ducha(*args, "--ledger", str(root), cwd=tmp_path)
        assert "Traceback" not in proc.stderr, (args, proc.stderr[-400:])
        assert proc.returncode == 2, (args, proc.stderr)
        assert "无法写入" in proc.stderr and "没有这个文件夹" in proc.stderr and "文件夹不存在" in proc.stderr
    assert not missing.exists()
