"""Issue 19: an incremental `ducha build` gives the same sites as a full one.

A build reuses the item pages of the last build in the same output folder
that did not change (same ducha, templates and settings). After each kind of
change to the ledger, an incremental build and a full build into a fresh
folder are compared file by file.
"""
import filecmp
import shutil
from pathlib import Path

import pytest

from ducha.site import build_sites

from ..conftest import LEDGER_YAML, D, item_yaml, write_ledger

AS_OF = D("2025-06-01")
SECRET_TITLE = "CANARYxSOONxPRIVATE"
# With a site_url, so the sitemap lists every page (item pages included) and is compared too.
LEDGER = LEDGER_YAML.replace("name: 测试台账\n", "name: 测试台账\nsite_url: https://ducha.example.gov.cn/ledger/\n")


def ledger(root: Path) -> Path:
    items = {f"items/2025/2025-000{n}.yaml": item_yaml(f"2025-000{n}", extra="public: true\n", lead=lead, events=[
        "date: 2025-03-15, type: progress, text: 已完成摸底调查"]) for n, lead in ((1, "zjj"), (2, "fgw"), (3, "zjj"))}
    items["items/2025/2025-0004.yaml"] = item_yaml("2025-0004", extra="public: true\n").replace(
        "完成城区老旧小区改造120个", SECRET_TITLE)
    return write_ledger(root, items, LEDGER)


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    """A ledger and its first (full) build, copied by each test."""
    base = tmp_path_factory.mktemp("first")
    root = ledger(base / "ledger")
    build_sites(root, base / "site", AS_OF, use_cache=False, parallel=False)
    return base


def differences(a: Path, b: Path) -> list[str]:
    """Files that differ between two site folders (or exist in one only)."""
    found = []
    compared = filecmp.dircmp(a, b)
    found += [f"only in one: {n}" for n in compared.left_only + compared.right_only]
    for name in compared.common_files:
        if not filecmp.cmp(a / name, b / name, shallow=False):
            found.append(str((a / name)))
    for name in compared.common_dirs:
        found += differences(a / name, b / name)
    return found


def incremental_then_full(first: Path, tmp_path: Path, change) -> tuple[Path, Path, object]:
    root, out = tmp_path / "ledger", tmp_path / "site"
    shutil.copytree(first / "ledger", root)
    shutil.copytree(first / "site", out)
    change(root)
    result = build_sites(root, out, AS_OF, use_cache=False, parallel=False)
    full = build_sites(root, tmp_path / "full", AS_OF, use_cache=False, parallel=False, full=True)
    assert full.reused == {"public": 0, "internal": 0}
    for audience in ("public", "internal"):
        assert differences(out / audience, tmp_path / "full" / audience) == [], audience
    return root, out, result


def new_event(root: Path) -> None:
    with (root / "items/2025/2025-0001.yaml").open("a", encoding="utf-8") as f:
        f.write("  - {date: 2025-05-20, type: progress, text: 新增一条进展CANARYxNEWxEVENT}\n")


def new_item(root: Path) -> None:
    (root / "items/2025/2025-0005.yaml").write_text(item_yaml("2025-0005", extra="public: true\n", lead="qcq"),
                                                   encoding="utf-8")


def made_non_public(root: Path) -> None:
    path = root / "items/2025/2025-0004.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("public: true", "public: false"), encoding="utf-8")


def deleted(root: Path) -> None:
    (root / "items/2025/2025-0003.yaml").unlink()


def unit_renamed(root: Path) -> None:
    (root / "ledger.yaml").write_text(LEDGER.replace("市住房和城乡建设局", "市住房和城乡建设委员会"), encoding="utf-8")


@pytest.mark.parametrize("change", [new_event, new_item, made_non_public, deleted])
def test_incremental_build_equals_full_build(first, tmp_path, change):
    _, out, result = incremental_then_full(first, tmp_path, change)
    # The items that did not change were reused, not written again.
    assert result.reused["public"] >= 2 and result.reused["internal"] >= 2


def test_new_item_is_in_the_sitemap(first, tmp_path):
    _, out, _ = incremental_then_full(first, tmp_path, new_item)
    sitemap = (out / "public/sitemap.xml").read_text(encoding="utf-8")
    assert "https://ducha.example.gov.cn/ledger/items/2025-0005/" in sitemap
    assert "https://ducha.example.gov.cn/ledger/items/2025-0001/" in sitemap and "ducha.shell" not in sitemap


def test_new_event_is_on_the_rebuilt_page(first, tmp_path):
    _, out, _ = incremental_then_full(first, tmp_path, new_event)
    assert "CANARYxNEWxEVENT" in (out / "public/items/2025-0001/index.html").read_text(encoding="utf-8")


def test_unit_renamed_in_ledger_yaml_forces_a_full_build(first, tmp_path):
    _, out, result = incremental_then_full(first, tmp_path, unit_renamed)
    assert result.reused == {"public": 0, "internal": 0}
    assert "市住房和城乡建设委员会" in (out / "public/items/2025-0001/index.html").read_text(encoding="utf-8")


def test_item_made_non_public_leaves_every_file_of_the_public_site(first, tmp_path):
    assert SECRET_TITLE.encode() in (first / "site/public/items/2025-0004/index.html").read_bytes()
    _, out, _ = incremental_then_full(first, tmp_path, made_non_public)
    assert not (out / "public/items/2025-0004").exists()
    for path in (out / "public").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET_TITLE.encode() not in data and b"2025-0004" not in data, path
    assert SECRET_TITLE in (out / "internal/items/2025-0004/index.html").read_text(encoding="utf-8")


def test_deleted_item_page_is_gone(first, tmp_path):
    _, out, _ = incremental_then_full(first, tmp_path, deleted)
    assert not (out / "public/items/2025-0003").exists() and not (out / "internal/items/2025-0003").exists()


def test_full_build_reuses_nothing(first, tmp_path):
    root, out = tmp_path / "ledger", tmp_path / "site"
    shutil.copytree(first / "ledger", root)
    shutil.copytree(first / "site", out)
    assert build_sites(root, out, AS_OF, use_cache=False, parallel=False).reused["public"] == 4
    assert build_sites(root, out, AS_OF, use_cache=False, parallel=False, full=True).reused["public"] == 0
