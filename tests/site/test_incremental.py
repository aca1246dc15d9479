"""Issue 19: an incremental `ducha build` gives the same sites as a full one.

A build reuses the item pages of the last build in the same output folder
that did not change (same ducha, templates and settings). After each kind of
change to the ledger, an incremental build and a full build into a fresh
folder are compared file by file.
"""
import filecmp
import json
import shutil
from pathlib import Path

import pytest

from ducha.site import BuildFailed, build_sites

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


# --- what an incremental build does not compute again (issue 19, second part) -------------------


def in_place(first: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The ledger and its site, copied, then built once where they lie: a copied site is
    another site (its page keys are tied to the very site they describe), so this build
    renders every page and records keys that the next build in `out` may use."""
    root, out = tmp_path / "ledger", tmp_path / "site"
    shutil.copytree(first / "ledger", root)
    shutil.copytree(first / "site", out)
    copied = build_sites(root, out, AS_OF, use_cache=False, parallel=False)
    assert copied.rendered == {"public": 4, "internal": 4}
    return root, out


def test_unchanged_item_pages_are_not_rendered_again(first, tmp_path):
    root, out = in_place(first, tmp_path)
    new_event(root)
    result = build_sites(root, out, AS_OF, use_cache=False, parallel=False)
    assert result.rendered == {"public": 1, "internal": 1}  # only 2025-0001's page
    assert "CANARYxNEWxEVENT" in (out / "public/items/2025-0001/index.html").read_text(encoding="utf-8")
    build_sites(root, tmp_path / "full", AS_OF, use_cache=False, parallel=False, full=True)
    for audience in ("public", "internal"):
        assert differences(out / audience, tmp_path / "full" / audience) == [], audience


def test_new_as_of_day_renders_every_item_page(first, tmp_path):
    root, out = in_place(first, tmp_path)
    later = AS_OF.replace(month=AS_OF.month + 3)
    result = build_sites(root, out, later, use_cache=False, parallel=False)
    assert result.rendered == {"public": 4, "internal": 4}
    build_sites(root, tmp_path / "full", later, use_cache=False, parallel=False, full=True)
    for audience in ("public", "internal"):
        assert differences(out / audience, tmp_path / "full" / audience) == [], audience


def test_edited_page_keys_are_refused(first, tmp_path):
    """A page-key record not signed by this user's ducha is ignored: every page is rendered again."""
    root, out = in_place(first, tmp_path)
    record = out / ".ducha-pages-public.json"
    mac, _, payload = record.read_bytes().partition(b"\n")
    keys = json.loads(payload)
    new_event(root)
    keys["keys"]["2025-0001"] = "0" * 64  # any change of the record, whatever it says
    record.write_bytes(mac + b"\n" + json.dumps(keys, separators=(",", ":")).encode())
    result = build_sites(root, out, AS_OF, use_cache=False, parallel=False)
    assert result.rendered == {"public": 4, "internal": 1}
    assert "CANARYxNEWxEVENT" in (out / "public/items/2025-0001/index.html").read_text(encoding="utf-8")


def test_page_keys_cover_the_desk_and_visits(first, tmp_path):
    """An internal page also shows the item's leader visits: a visit naming an item re-renders its page only."""
    root, out = in_place(first, tmp_path)
    (root / "ledger.yaml").write_text(LEDGER + "leaders:\n  - {id: mayor, name: 张建国, title: 市长}\n", encoding="utf-8")
    in_place_again = build_sites(root, out, AS_OF, use_cache=False, parallel=False)  # ledger.yaml: a full build
    assert in_place_again.rendered == {"public": 4, "internal": 4}
    (root / "inspections").mkdir(exist_ok=True)
    (root / "inspections/2025-05-10-mayor.yaml").write_text(
        "date: 2025-05-10\nleader: mayor\nplaces: [城东片区]\nitems: [2025-0002]\nfindings: 现场查看CANARYxVISIT\n",
        encoding="utf-8")
    result = build_sites(root, out, AS_OF, use_cache=False, parallel=False)
    assert result.rendered["internal"] == 1
    assert "CANARYxVISIT" in (out / "internal/items/2025-0002/index.html").read_text(encoding="utf-8")
    build_sites(root, tmp_path / "full", AS_OF, use_cache=False, parallel=False, full=True)
    assert differences(out / "internal", tmp_path / "full" / "internal") == []


# --- the reports' figures, kept per item and period in the user's cache ---------------------------


def report_ledger(root: Path):
    from ducha.ledger import load_ledger

    from ..test_reports import ITEMS, LEADERS

    return load_ledger(write_ledger(root, ITEMS, LEDGER + LEADERS), use_cache=False)


REPORTED = (("monthly", "2025-09"), ("quarterly", "2025Q3"), ("annual", "2025"))


def reports(ledger, cache=None, periods=REPORTED) -> list[dict]:
    from ducha.reports import build_report, parse_period, report_json

    return [report_json(build_report(ledger.items, ledger.config, parse_period(*p), cache=cache)) for p in periods]


def test_report_figures_from_the_cache_equal_fresh_ones(tmp_path):
    from ducha.reports import FiguresCache

    ledger = report_ledger(tmp_path / "ledger")
    fresh = reports(ledger)
    assert fresh[0]["total"]["overdue"] == 1 and fresh[0]["overdue_items"][0]["id"] == "2025-0003"
    cold = FiguresCache(tmp_path / "ledger", ledger.config)
    assert not cold.loaded and reports(ledger, cold) == fresh
    cold.save()
    warm = FiguresCache(tmp_path / "ledger", ledger.config)
    assert warm.loaded and reports(ledger, warm) == fresh and not warm.changed  # every figure from the cache
    # A later period (a new as-of day) is computed, and equals a fresh computation.
    later = (("monthly", "2025-10"), ("quarterly", "2025Q4"))
    assert reports(ledger, warm, later) == reports(ledger, None, later) and warm.changed


def test_report_figures_follow_a_changed_item(tmp_path):
    from ducha.reports import FiguresCache

    ledger = report_ledger(tmp_path / "ledger")
    cache = FiguresCache(tmp_path / "ledger", ledger.config)
    reports(ledger, cache)
    cache.save()
    path = tmp_path / "ledger/items/2025/2025-0003.yaml"  # C, overdue in September, now completed on 09-30
    path.write_text(path.read_text(encoding="utf-8") + "  - {date: 2025-09-30, type: completed}\n", encoding="utf-8")
    from ducha.ledger import load_ledger

    changed = load_ledger(tmp_path / "ledger", use_cache=False)
    fresh = reports(changed)
    assert fresh[0]["total"]["overdue"] == 0
    assert reports(changed, FiguresCache(tmp_path / "ledger", changed.config)) == fresh


def test_edited_report_figures_are_refused(tmp_path):
    """A cache file changed by anyone but this user's ducha is not read: the figures are computed again."""
    from ducha.cache import open_folder
    from ducha.reports import FiguresCache

    ledger = report_ledger(tmp_path / "ledger")
    fresh = reports(ledger)
    cache = FiguresCache(tmp_path / "ledger", ledger.config)
    reports(ledger, cache)
    cache.save()
    path = open_folder(tmp_path / "ledger") / FiguresCache.NAME
    magic, mac, key, payload = path.read_bytes().split(b"\n", 3)
    rows = json.loads(payload)
    for per_item in rows.values():
        for row in per_item.values():
            row[4] = 99  # 99 urges in every period
    path.write_bytes(b"\n".join([magic, mac, key, json.dumps(rows).encode()]))
    again = FiguresCache(tmp_path / "ledger", ledger.config)
    assert not again.loaded and reports(ledger, again) == fresh


def test_side_by_side_build_equals_one_process_build(first, tmp_path):
    """The real layout (each site in a process of its own, Git's history cached beside the ledger's loading):
    an incremental build renders only the changed item's pages and equals a full build."""
    root, out = in_place(first, tmp_path)
    new_event(root)
    result = build_sites(root, out, AS_OF, use_cache=False, parallel=True)
    assert result.rendered == {"public": 1, "internal": 1}
    assert "CANARYxNEWxEVENT" in (out / "public/items/2025-0001/index.html").read_text(encoding="utf-8")
    build_sites(root, tmp_path / "full", AS_OF, use_cache=False, parallel=False, full=True)
    for audience in ("public", "internal"):
        assert differences(out / audience, tmp_path / "full" / audience) == [], audience


def test_failure_in_a_site_process_stops_the_build(first, tmp_path):
    """A theme override that fails while MkDocs renders (in a site's process): the build fails with a
    message, nothing waits forever, and the last good sites stay."""
    root, out = in_place(first, tmp_path)
    before = (out / "public/index.html").read_bytes()
    (root / "overrides").mkdir()
    (root / "overrides/main.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ no_such_function() }}{% endblock %}', encoding="utf-8")
    (root / "mkdocs.yml").write_text("theme:\n  name: material\n  custom_dir: overrides\n", encoding="utf-8")
    with pytest.raises(BuildFailed, match="网站生成失败"):
        build_sites(root, out, AS_OF, use_cache=False, parallel=True)
    assert (out / "public/index.html").read_bytes() == before


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_item_folders_of_the_replaced_site_are_reused_and_its_pages_never_written_into(first, tmp_path):
    """An incremental build takes the item folders of the site the last build replaced (kept as a spare)
    instead of making one per item. The pages of the site it replaces stay as they were (a page is
    replaced by a new file, never written into: the spare's pages can be the published site's files),
    items no longer on the site lose their folder, and the result equals a full build."""
    root, out = in_place(first, tmp_path)
    assert (out / ".ducha-spare-public" / "2025-0003" / "index.html").is_file()
    published = {a: _files(out / a / "items") for a in ("public", "internal")}
    new_event(root)
    deleted(root)
    result = build_sites(root, out, AS_OF, use_cache=False, parallel=False)
    assert result.rendered == {"public": 1, "internal": 1}
    for audience in ("public", "internal"):
        spare = out / f".ducha-spare-{audience}"
        assert _files(spare) == published[audience], audience  # the replaced site's pages, untouched
        assert not (out / audience / "items" / "2025-0003").exists()
        assert not list((out / audience / "items").rglob("*.tmp"))
    build_sites(root, tmp_path / "full", AS_OF, use_cache=False, parallel=False, full=True)
    for audience in ("public", "internal"):
        assert differences(out / audience, tmp_path / "full" / audience) == [], audience
