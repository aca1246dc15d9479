"""Issue 9, point 6: history is keyed by file path and item id; errors stop `ducha build`.

Two files with one file name in two folders used to share one history, so
a private item's title reached the other item's public 修订记录. And a
ledger with `duplicate_id` (or any error) was published anyway.
"""
import subprocess
import sys
from pathlib import Path

from ducha.site import build_sites

from ..conftest import D, item_yaml, write_ledger
from ..gitrepo import OFFICE, Repo


def ducha(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ducha", *args], capture_output=True, text=True, timeout=120)


def public_text(site: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (site / "public").rglob("*") if p.is_file())


def titled(id: str, title: str, extra: str) -> str:
    return item_yaml(id, extra=extra).replace("完成城区老旧小区改造120个", title)


def test_a_file_of_the_same_name_elsewhere_has_its_own_history(tmp_path):
    repo = Repo(tmp_path / "ledger")
    private = "items/archive/2025-0001.yaml"
    repo.write(private, titled("2025-0001", "CANARYxFIRSTxTITLE", "public: false\n"))
    repo.commit("内部事项", OFFICE, "2025-03-01T10:00:00+08:00")
    repo.write(private, titled("2025-0001", "CANARYxSECONDxTITLE", "public: false\n"))
    repo.commit("内部事项改标题", OFFICE, "2025-03-02T10:00:00+08:00")
    (repo.root / private).unlink()
    repo.write("items/2025/2025-0001.yaml", titled("2025-0001", "整治老城区背街小巷", "public: true\n"))
    repo.commit("新的公开事项", OFFICE, "2025-03-10T10:00:00+08:00")
    result = build_sites(repo.root, tmp_path / "site", D("2025-06-01"), use_cache=False, parallel=False)
    page = (result.sites["public"] / "items" / "2025-0001" / "index.html").read_text(encoding="utf-8")
    assert "整治老城区背街小巷" in page and "修订记录" in page
    assert "<strong>2025-03-10</strong>" in page
    for secret in (b"CANARYxFIRSTxTITLE", b"CANARYxSECONDxTITLE"):
        assert secret not in public_text(tmp_path / "site")


def duplicate_ledger(root: Path) -> Path:
    return write_ledger(root, {
        "items/2025/2025-0001.yaml": titled("2025-0001", "整治老城区背街小巷", "public: true\n"),
        "items/2025/2025-0002.yaml": titled("2025-0002", "新建口袋公园10个", "public: true\n"),
    })


def test_duplicate_id_stops_the_build_and_keeps_the_old_site(tmp_path):
    root = duplicate_ledger(tmp_path / "ledger")
    out = tmp_path / "site"
    first = ducha("build", "--ledger", str(root), "--out", str(out), "--as-of", "2025-06-01", "--no-cache")
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    (root / "items/archive").mkdir()
    (root / "items/archive/2025-0001.yaml").write_text(
        titled("2025-0001", "CANARYxPRIVATExDUPLICATE", "public: false\n"), encoding="utf-8")
    second = ducha("build", "--ledger", str(root), "--out", str(out), "--as-of", "2025-06-01", "--no-cache")
    assert second.returncode == 1
    assert "duplicate_id" in second.stderr and "items/archive/2025-0001.yaml" in second.stderr
    assert "--allow-errors" in second.stderr and "原有网站未被改动" in second.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_every_error_stops_the_build(tmp_path):
    root = duplicate_ledger(tmp_path / "ledger")
    (root / "items/2025/2025-0002.yaml").write_text(
        item_yaml("2025-0002", lead="nosuchunit", extra="public: true\n"), encoding="utf-8")
    run = ducha("build", "--ledger", str(root), "--out", str(tmp_path / "site"), "--as-of", "2025-06-01", "--no-cache")
    assert run.returncode == 1
    assert "unknown_unit" in run.stderr and "items/2025/2025-0002.yaml" in run.stderr
    assert not (tmp_path / "site" / "public").exists()


def test_allow_errors_builds_without_the_broken_items(tmp_path):
    root = duplicate_ledger(tmp_path / "ledger")
    (root / "items/archive").mkdir()
    (root / "items/archive/2025-0001.yaml").write_text(
        titled("2025-0001", "CANARYxPRIVATExDUPLICATE", "public: false\n"), encoding="utf-8")
    out = tmp_path / "site"
    run = ducha("build", "--ledger", str(root), "--out", str(out), "--as-of", "2025-06-01", "--no-cache",
                "--allow-errors")
    assert run.returncode == 0, run.stderr
    assert "duplicate_id" in run.stderr
    assert "未在公开网站上显示" in run.stderr and "2025-0001" in run.stderr
    public = out / "public"
    assert (public / "items" / "2025-0002" / "index.html").is_file()
    assert not (public / "items" / "2025-0001").exists()
    text = public_text(out)
    assert b"CANARYxPRIVATExDUPLICATE" not in text
    assert "整治老城区背街小巷".encode() not in text  # the public duplicate is left out as well
    # The internal site still shows the items, with their findings.
    assert (out / "internal" / "items" / "2025-0001" / "index.html").is_file()


def test_the_demo_ledger_has_no_errors():
    # The README's `ducha build` must keep working on the demo ledger.
    run = ducha("check", "--ledger", str(Path(__file__).resolve().parents[2]), "--format", "json", "--no-cache")
    assert '"severity": "error"' not in run.stdout
