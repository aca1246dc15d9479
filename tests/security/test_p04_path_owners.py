"""Issue 9 point 4 (audit half): every path in the repository has an owner.

A unit may only report on its own items (`items/**/*.yaml`). Everything else
— inspections/, mkdocs.yml, site_templates/, schema/, hooks, CI files,
any other file — is the office's: a unit member's change to it is
`unauthorised_change` on that path, line 1. Someone not in `people` may
change no path at all.
"""
import os

import pytest

from ..conftest import item_yaml
from ..gitrepo import OFFICE, STRANGER, ZJJ, Repo, audit

ITEM = "items/2025/2025-0001.yaml"
PATHS = ["inspections/2025/2025-Q1.yaml", "mkdocs.yml", "site_templates/item.md.j2", "schema/item.schema.json",
         "hooks/pre-receive", ".gitlab-ci.yml", ".github/workflows/ducha.yml", "items/README.md", "notes.txt"]



@pytest.fixture
def repo(tmp_path):
    r = Repo(tmp_path / "ledger")
    r.write(ITEM, item_yaml("2025-0001"))
    for path in PATHS:
        r.write(path, "site_name: 测试\n" if path == "mkdocs.yml" else "office\n")
    r.commit("督查室建立台账", OFFICE, "2025-03-20T10:00:00+08:00")
    return r


@pytest.mark.parametrize("path", PATHS)
def test_a_unit_changing_any_other_path_is_unauthorised(repo, path):
    base = repo.git("rev-parse", "HEAD")
    repo.write(path, "site_name: 测试\nextra_javascript: [https://evil.example/x.js]\n")
    bad = repo.commit("单位修改非事项文件", ZJJ, "2025-03-26T09:00:00+08:00")
    for found in (audit(repo), audit(repo, f"{base}..HEAD")):
        [finding] = found
        assert (finding.code, finding.file, finding.line, finding.commit) == ("unauthorised_change", path, 1, bad)
        assert f"修改 {path} 只能由督查室进行" in finding.message


def test_adding_and_deleting_files_is_the_offices_too(repo):
    repo.write("site_templates/extra.html", "<script src=https://evil.example/x.js></script>")
    (repo.root / "hooks" / "pre-receive").unlink()
    bad = repo.commit("单位增删文件", ZJJ, "2025-03-26T09:00:00+08:00")
    assert [(f.code, f.file, f.line, f.commit) for f in audit(repo)] == [
        ("unauthorised_change", "hooks/pre-receive", 1, bad),
        ("unauthorised_change", "site_templates/extra.html", 1, bad)]


def test_an_item_turned_into_a_symlink_is_a_file_change(repo):
    (repo.root / ITEM).unlink()
    os.symlink("../../notes.txt", repo.root / ITEM)
    bad = repo.commit("把事项换成链接", ZJJ, "2025-03-26T09:00:00+08:00")
    [finding] = audit(repo)
    assert (finding.code, finding.file, finding.line, finding.commit) == ("unauthorised_change", ITEM, 1, bad)


def test_the_office_may_change_every_path_and_a_stranger_none(repo):
    for path in PATHS:
        repo.write(path, "changed\n")
    repo.commit("督查室修改配置", OFFICE, "2025-03-26T09:00:00+08:00")
    assert audit(repo) == []
    repo.write("mkdocs.yml", "site_name: 被改了\n")
    bad = repo.commit("外人修改", STRANGER, "2025-03-27T09:00:00+08:00")
    [finding] = audit(repo)
    assert (finding.code, finding.file, finding.line, finding.commit) == ("unauthorised_change", "mkdocs.yml", 1, bad)
    assert "不在 ledger.yaml 的 people 名单中" in finding.message


def test_a_unit_reporting_on_its_item_is_still_fine(repo):
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工"]))
    repo.commit("报告进展", ZJJ, "2025-03-26T09:00:00+08:00")
    assert audit(repo) == []
