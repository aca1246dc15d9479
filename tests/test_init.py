"""`ducha init` (issue 11): an office starts its own ledger repository."""
import json
import subprocess

import pytest
import yaml

from ducha.ledger_format import FORMAT, ducha_version

from .conftest import REPO

MEMBER = {"GIT_AUTHOR_NAME": "周敏", "GIT_AUTHOR_EMAIL": "zhou.min@dcs.example",
          "GIT_COMMITTER_NAME": "周敏", "GIT_COMMITTER_EMAIL": "zhou.min@dcs.example"}


@pytest.fixture(autouse=True)
def member(monkeypatch):
    for key, value in MEMBER.items():
        monkeypatch.setenv(key, value)


def git(root, *args):
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout.strip()


def test_init_writes_a_ledger_that_passes_check_and_audit(tmp_path, cli):
    root = tmp_path / "台账"
    code, out, err = cli("init", str(root), "--name", "某市政府督查台账", "--office-unit", "某市政府督查室",
                         "--host", "gitlab", "--no-demo")
    assert code == 0, err
    assert "已在" in out and "第一次提交" in out
    for rel in ("ledger.yaml", "mkdocs.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".gitattributes", ".gitignore",
                ".vscode/settings.json", "README.md", "schema/item.schema.json", "schema/ledger.schema.json",
                "hooks/pre-receive", "hooks/post-receive", "items/.gitkeep", "inspections/.gitkeep"):
        assert (root / rel).is_file(), rel
    assert not (root / ".github").exists()
    ledger = yaml.safe_load((root / "ledger.yaml").read_text(encoding="utf-8"))
    assert ledger["format"] == FORMAT and ledger["name"] == "某市政府督查台账"
    assert ledger["units"] == [{"id": "duchashi", "name": "某市政府督查室", "role": "office"}]
    assert ledger["people"] == [{"email": "zhou.min@dcs.example", "name": "周敏", "unit": "duchashi"}]
    assert "# - {id: zjj, name: 市住房和城乡建设局" in (root / "ledger.yaml").read_text(encoding="utf-8")
    # One commit, by the office member, holding everything written; nothing left uncommitted.
    assert git(root, "log", "--format=%an <%ae>|%s") == "周敏 <zhou.min@dcs.example>|新建督查台账：某市政府督查台账"
    assert git(root, "status", "--porcelain") == "" and git(root, "branch", "--show-current") == "main"
    assert (root / "hooks" / "pre-receive").stat().st_mode & 0o111
    # The editor maps the schemas to the ledger's files; the site config only overrides.
    settings = json.loads((root / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"]["./schema/item.schema.json"] == "items/**/*.yaml"
    assert set(yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))) == {"copyright"}
    for command in (["check"], ["validate"], ["audit"]):
        code, out, err = cli(*command, "--ledger", str(root))
        assert code == 0, (command, out, err)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "某市政府督查室" in readme and "合并请求" in readme and "受保护分支" in readme and "@" not in readme.replace(
        "user.email", "")


def test_ci_installs_this_ducha_pinned(tmp_path, cli):
    for host, rel in (("gitlab", ".gitlab-ci.yml"), ("github", ".github/workflows/ducha.yml")):
        root = tmp_path / host
        code, _, err = cli("init", str(root), "-y", "--host", host)
        assert code == 0, err
        text = (root / rel).read_text(encoding="utf-8")
        assert f'DUCHA_PACKAGE: "ducha=={ducha_version()}"' in text
        assert "-e ." not in text and "pip install -q \"$DUCHA_PACKAGE\"" in text
        yaml.safe_load(text)


def test_prompts_ask_in_chinese_and_each_answer_is_used(tmp_path, cli):
    from click.testing import CliRunner

    from ducha.cli import main

    root = tmp_path / "ledger"
    result = CliRunner().invoke(main, ["init", str(root)],
                                input="县政府督查室\n某县督查台账\ngithub\nhttps://example.github.io/ledger\nn\n")
    assert result.exit_code == 0, result.output
    for prompt in ("督查室的单位名称", "台账名称", "台账仓库放在哪里", "公开网站发布后的网址", "复制演示事项"):
        assert prompt in result.output
    ledger = yaml.safe_load((root / "ledger.yaml").read_text(encoding="utf-8"))
    assert ledger["name"] == "某县督查台账" and ledger["units"][0]["name"] == "县政府督查室"
    assert ledger["site_url"] == "https://example.github.io/ledger/"
    assert (root / ".github" / "workflows" / "ducha.yml").is_file() and not (root / ".gitlab-ci.yml").exists()
    assert not list((root / "items").glob("**/*.yaml"))


def test_refuses_a_folder_that_is_not_empty(tmp_path, cli):
    root = tmp_path / "ledger"
    root.mkdir()
    (root / "ledger.yaml").write_text("name: 已有台账\n", encoding="utf-8")
    code, out, err = cli("init", str(root), "-y")
    assert code == 2
    assert "不是空的" in err and "ledger.yaml" in err
    assert (root / "ledger.yaml").read_text(encoding="utf-8") == "name: 已有台账\n"
    assert sorted(p.name for p in root.iterdir()) == ["ledger.yaml"]


def test_refuses_a_repository_with_commits(tmp_path, cli):
    root = tmp_path / "ledger"
    root.mkdir()
    git(root, "init", "-q")
    git(root, "commit", "-q", "--allow-empty", "-m", "旧提交")
    code, _, err = cli("init", str(root), "-y")
    assert code == 2 and "已有提交" in err


def test_an_empty_clone_is_accepted(tmp_path, cli):
    root = tmp_path / "clone"
    root.mkdir()
    git(root, "init", "-q")
    code, _, err = cli("init", str(root), "-y", "--host", "none")
    assert code == 0, err
    assert git(root, "rev-list", "--count", "HEAD") == "1"
    assert not (root / ".gitlab-ci.yml").exists() and not (root / ".github").exists()


def test_without_a_git_identity_says_how_to_set_it(tmp_path, cli, monkeypatch):
    for key in MEMBER:
        monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    code, _, err = cli("init", str(tmp_path / "ledger"), "-y")
    assert code == 2
    assert "git config --global user.name" in err and "git config --global user.email" in err
    assert not (tmp_path / "ledger").exists()


def test_demo_copies_the_demo_items_and_passes(tmp_path, cli):
    root = tmp_path / "demo"
    code, _, err = cli("init", str(root), "-y", "--demo")
    assert code == 0, err
    demo_items = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "items").rglob("*.yaml"))
    assert sorted(p.relative_to(root).as_posix() for p in (root / "items").rglob("*.yaml")) == demo_items
    assert (root / "inspections").is_dir() and list((root / "inspections").rglob("*.yaml"))
    ledger = yaml.safe_load((root / "ledger.yaml").read_text(encoding="utf-8"))
    assert ledger["people"][0] == {"email": "zhou.min@dcs.example", "name": "周敏", "unit": "duchashi"}
    assert {u["id"] for u in ledger["units"]} >= {"zjj", "fgw", "duchashi"}
    # The demo's old records arrive in the commit that creates the ledger: not back-dated.
    for command in (["validate"], ["audit"]):
        code, out, err = cli(*command, "--ledger", str(root))
        assert code == 0, (command, out, err)
    code, out, err = cli("check", "--ledger", str(root), "--as-of", "2026-11-26", "--format", "json")
    assert code == 0 and not [f for f in json.loads(out)["findings"] if f["severity"] == "error"]


def test_pre_commit_hook_is_duchas_own(tmp_path, cli):
    root = tmp_path / "ledger"
    assert cli("init", str(root), "-y")[0] == 0
    [hook] = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"][0]["hooks"]
    [ours] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    for key in ("id", "name", "entry", "files", "pass_filenames"):
        assert hook[key] == ours[key], key


def test_site_url_is_asked_and_checked(tmp_path, cli):
    """Issue 18: the public site's address goes into ledger.yaml; a bad one is refused before anything is written."""
    root = tmp_path / "bad"
    code, out, err = cli("init", str(root), "-y", "--site-url", "ftp://example.org/ledger")
    assert code != 0 and "不是可用的网址" in err and "https://" in err and not root.exists()
    root = tmp_path / "later"
    code, out, err = cli("init", str(root), "-y")
    assert code == 0, err
    text = (root / "ledger.yaml").read_text(encoding="utf-8")
    assert "site_url" not in yaml.safe_load(text) and "# site_url: https://" in text  # filled in later
    root = tmp_path / "given"
    code, out, err = cli("init", str(root), "-y", "--site-url", "https://ducha.example.gov.cn")
    assert code == 0, err
    assert yaml.safe_load((root / "ledger.yaml").read_text(encoding="utf-8"))["site_url"] == "https://ducha.example.gov.cn/"
    code, out, err = cli("validate", "--ledger", str(root))
    assert code == 0, out + err
