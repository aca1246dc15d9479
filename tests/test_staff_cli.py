"""Issue 16: the command line for office staff who are not programmers.

Names people use for categories and units, refusals before anything is
saved (future dates, empty reports, commits the audit would refuse), and
per-event help. Every refusal leaves the file's bytes, the working tree
and HEAD as they were.
"""
import datetime as dt

import pytest

from ducha import names
from ducha.ledger import load_config

from .conftest import REPO, item_yaml, write_ledger
from .gitrepo import FGW, OFFICE, STRANGER, ZJJ, Repo

TODAY = dt.date.today()
REL = "items/2025/2025-0042.yaml"


@pytest.fixture
def ledger_repo(tmp_path, git_home):
    """A ledger repository with one item led by zjj, committed by the office."""
    repo = Repo(tmp_path / "ledger")
    repo.write(REL, item_yaml(events=["date: 2025-03-15, type: progress, text: 开工"]))
    repo.commit("新建")
    return repo


def as_person(repo: Repo, who) -> None:
    name, email = who
    repo.git("config", "user.name", name)
    repo.git("config", "user.email", email)


def state(repo: Repo) -> tuple[bytes, str, str]:
    """What must not change when a command refuses: the file, the working tree, HEAD."""
    return ((repo.root / REL).read_bytes(), repo.git("status", "--porcelain"), repo.git("rev-parse", "HEAD"))


# --- 1. names people use ---------------------------------------------------------------------

def test_categories_by_code_name_and_common_names():
    choices = names.category_choices()
    assert names.resolve("leader_instruction", choices, "类别") == "leader_instruction"
    assert names.resolve("领导批示", choices, "类别") == "leader_instruction"
    assert names.resolve("领导批示件和交办事项", choices, "类别") == "leader_instruction"
    assert names.resolve("《政府工作报告》目标任务", choices, "类别") == "work_report"
    assert names.resolve("政府工作报告", choices, "类别") == "work_report"
    assert names.resolve("４", choices, "类别", numbered=True) == "leader_instruction"  # full-width digit
    with pytest.raises(names.UnknownName) as err:
        names.resolve("领导", choices, "类别")
    assert "是不是想写" in str(err.value) and "leader_instruction" in str(err.value)


def test_units_by_code_name_short_alias_with_or_without_city():
    config, _ = load_config(REPO)
    units = names.unit_choices(config)
    for text in ("zjj", "ZJJ", "市住房和城乡建设局", "市住建局", "住建局", " 住建局 "):
        assert names.resolve(text, units, "单位", units=True) == "zjj", text
    with pytest.raises(names.UnknownName) as err:
        names.resolve("住建委", units, "单位", units=True)
    assert "是不是想写 市住房和城乡建设局（zjj" in str(err.value)


def test_unit_aliases_from_ledger_yaml_and_ambiguous_names(tmp_path):
    ledger = ("units:\n  - {id: zjj, name: 市住房和城乡建设局, short: 住建局, aliases: [住房城乡建设局, 建设局]}\n"
              "  - {id: jsj, name: 市建设局, aliases: [建设局]}\n")
    write_ledger(tmp_path, {}, ledger)
    config, findings = load_config(tmp_path)
    assert findings == [] and config.units["zjj"].aliases == ("住房城乡建设局", "建设局")
    units = names.unit_choices(config)
    assert names.resolve("住房城乡建设局", units, "单位", units=True) == "zjj"
    assert names.resolve("市住建局", units, "单位", units=True) == "zjj"  # 市 + the short name
    with pytest.raises(names.UnknownName) as err:
        names.resolve("建设局", units, "单位", units=True)
    assert "zjj" in str(err.value) and "jsj" in str(err.value) and "编号" in str(err.value)


def test_new_takes_names_and_refuses_unknown_ones_in_chinese(tmp_path, cli):
    root = write_ledger(tmp_path, {}, (REPO / "ledger.yaml").read_text(encoding="utf-8"))
    code, out, err = cli("new", "--ledger", str(root), "--category", "领导批示", "--title", "解决积水",
                         "--lead", "住建局", "--co", "市城管局", "--assigned", "2025-07-08", "--deadline", "2025-08-15")
    assert code == 0, err
    text = (root / "items/2025/2025-0001.yaml").read_text(encoding="utf-8")
    assert "category: leader_instruction" in text and "lead_unit: zjj" in text and "co_units: [cgj]" in text
    code, out, err = cli("new", "--ledger", str(root), "--category", "领导批示", "--title", "x",
                         "--lead", "住建委", "--assigned", "2025-07-08", "--deadline", "2025-08-15")
    assert code == 1 and "Error" not in err and "不认识" in err
    assert "是不是想写 市住房和城乡建设局（zjj" in err
    code, _, err = cli("new", "--ledger", str(root), "--category", "批示文件", "--title", "x", "--lead", "zjj")
    assert code == 1 and "Error" not in err and "类别“批示文件”不认识" in err
    assert sorted(p.name for p in (root / "items/2025").iterdir()) == ["2025-0001.yaml"]


def test_new_prompts_offer_numbered_chinese_choices(tmp_path):
    from click.testing import CliRunner

    from ducha.cli import main

    root = write_ledger(tmp_path, {}, (REPO / "ledger.yaml").read_text(encoding="utf-8"))
    typed = "99\n4\n解决积水\n住建局\n2025-08-15\n"
    result = CliRunner().invoke(main, ["new", "--ledger", str(root), "--assigned", "2025-07-08"], input=typed)
    assert result.exit_code == 0, result.output
    assert "   4. 领导批示件和交办事项（leader_instruction）" in result.stdout
    assert "市住房和城乡建设局（zjj，简称 住建局）" in result.stdout
    assert "没有序号 99" in result.stderr
    text = (root / "items/2025/2025-0001.yaml").read_text(encoding="utf-8")
    assert "category: leader_instruction" in text and "lead_unit: zjj" in text
    # End of input: cancelled in Chinese, nothing saved (not Click's "Aborted!").
    result = CliRunner().invoke(main, ["new", "--ledger", str(root)], input="")
    assert result.exit_code == 1 and "已取消" in result.stderr and "Aborted" not in result.output
    assert sorted(p.name for p in (root / "items/2025").iterdir()) == ["2025-0001.yaml"]


# --- 2. refused before saving ---------------------------------------------------------------

def test_event_after_today_is_refused_with_nothing_changed(ledger_repo, cli):
    before = state(ledger_repo)
    tomorrow = TODAY + dt.timedelta(days=1)
    for args in (["progress", "2025-0042", "--text", "已完工"], ["event", "2025-0042", "urge"]):
        code, _, err = cli(*args, "--ledger", str(ledger_repo.root), "--date", tomorrow.isoformat())
        assert code == 1
        assert f"记录日期 {tomorrow} 晚于今天（{TODAY}）" in err and "不写 --date 就是今天" in err
        assert state(ledger_repo) == before


def test_a_future_record_already_in_the_file_comes_with_how_to_undo(ledger_repo, cli):
    later = TODAY + dt.timedelta(days=9)
    ledger_repo.write(REL, item_yaml(events=["date: 2025-03-15, type: progress, text: 开工",
                                             f"date: {later}, type: progress, text: 写错了日期"]))
    ledger_repo.commit("网页上写错的记录")
    before = state(ledger_repo)
    code, _, err = cli("progress", "2025-0042", "--ledger", str(ledger_repo.root), "--text", "今天的进展")
    assert code == 1
    assert f"早于最后一条记录（{later}）" in err and "多半是写错了" in err
    assert f"git restore {REL}" in err and "git reset --keep HEAD~1" in err and "再加一条记录说明更正" in err
    assert state(ledger_repo) == before


@pytest.mark.parametrize("command,name", [("progress", "进展报告"), ("complete", "办结")])
@pytest.mark.parametrize("text", [None, "", "   "])
def test_progress_and_completion_need_text(ledger_repo, cli, command, name, text):
    before = state(ledger_repo)
    extra = [] if text is None else ["--text", text]
    code, _, err = cli(command, "2025-0042", "--ledger", str(ledger_repo.root), *extra)
    assert code == 1 and f"{name}必须写明内容：请加 --text" in err
    assert state(ledger_repo) == before
    code, _, err = cli("event", "2025-0042", "completed" if command == "complete" else "progress",
                       "--ledger", str(ledger_repo.root), *extra)
    assert code == 1 and "必须写明内容" in err
    assert state(ledger_repo) == before


def test_commit_without_a_git_identity_is_refused(ledger_repo, cli):
    before = state(ledger_repo)
    code, _, err = cli("progress", "2025-0042", "--ledger", str(ledger_repo.root), "--text", "进展", "--commit")
    assert code == 1
    assert "请先运行 git config user.email 你的邮箱" in err and "文件和仓库都没有改动" in err
    assert state(ledger_repo) == before


def test_commit_by_someone_not_in_people_is_refused(ledger_repo, cli):
    as_person(ledger_repo, STRANGER)
    before = state(ledger_repo)
    code, _, err = cli("progress", "2025-0042", "--ledger", str(ledger_repo.root), "--text", "进展", "--commit")
    assert code == 1
    assert f"{STRANGER[1]} 不在 ledger.yaml 的 people 名单中" in err
    assert "请先运行 git config user.email 你的邮箱" in err
    assert state(ledger_repo) == before


def test_people_come_from_head_not_from_the_working_copy(ledger_repo, cli):
    """Adding oneself to the working copy's people grants nothing: the audit judges by HEAD's ledger.yaml."""
    as_person(ledger_repo, STRANGER)
    ledger = ledger_repo.root / "ledger.yaml"
    ledger.write_text(ledger.read_text(encoding="utf-8")
                      + f"  - {{email: {STRANGER[1]}, name: {STRANGER[0]}, unit: duchashi}}\n", encoding="utf-8")
    before = state(ledger_repo)
    code, _, err = cli("urge", "2025-0042", "--ledger", str(ledger_repo.root), "--commit")
    assert code == 1 and "不在 ledger.yaml 的 people 名单中（以最新提交 HEAD 中的为准）" in err
    assert state(ledger_repo) == before


@pytest.mark.parametrize("who,args,message", [
    (ZJJ, ["urge", "2025-0042", "--note", "自己催自己"], "添加 urge 记录只能由督查室进行"),
    (FGW, ["progress", "2025-0042", "--text", "替别人报进展"], "单位 fgw 不是该事项的主办或协办单位"),
    (ZJJ, ["extension", "2025-0042", "--new-deadline", "2099-12-31", "--approved", "--text", "自批"],
     "extension 记录中的 approved（批准/采纳）只能由督查室填写"),
])
def test_commit_the_audit_would_refuse_as_unauthorised_is_refused(ledger_repo, cli, who, args, message):
    as_person(ledger_repo, who)
    before = state(ledger_repo)
    code, _, err = cli(*args, "--ledger", str(ledger_repo.root), "--commit")
    assert code == 1 and "unauthorised_change" in err and message in err and "文件和仓库都没有改动" in err
    assert state(ledger_repo) == before


def test_backdated_commit_is_refused_and_sent_to_the_office(ledger_repo, cli):
    as_person(ledger_repo, ZJJ)
    before = state(ledger_repo)
    old = TODAY - dt.timedelta(days=12)
    code, _, err = cli("progress", "2025-0042", "--ledger", str(ledger_repo.root), "--date", old.isoformat(),
                       "--text", "补报", "--commit")
    assert code == 1
    assert "该记录日期早于今天 12 天" in err and "请由督查室补录" in err and "backdated_event" in err
    assert state(ledger_repo) == before
    # Within the allowed days, and without --commit, it is saved as before.
    code, out, err = cli("progress", "2025-0042", "--ledger", str(ledger_repo.root),
                         "--date", (TODAY - dt.timedelta(days=3)).isoformat(), "--text", "三天前的进展", "--commit")
    assert code == 0 and "已提交" in out, err
    assert ledger_repo.git("status", "--porcelain") == ""


def test_new_item_commit_by_a_unit_is_refused_before_the_file_exists(ledger_repo, cli):
    as_person(ledger_repo, ZJJ)
    before = state(ledger_repo)
    code, _, err = cli("new", "--ledger", str(ledger_repo.root), "--category", "政策性文件", "--title", "自己立项",
                       "--lead", "市住房和城乡建设局", "--commit")
    assert code == 1 and "新建督查事项只能由督查室进行" in err and "文件和仓库都没有改动" in err
    assert state(ledger_repo) == before
    as_person(ledger_repo, OFFICE)
    code, out, err = cli("new", "--ledger", str(ledger_repo.root), "--category", "政策性文件", "--title", "督查室立项",
                         "--lead", "市住房和城乡建设局", "--commit")
    assert code == 0 and "已提交" in out, err


def test_what_commit_accepts_the_audit_accepts(ledger_repo, cli):
    base = ledger_repo.git("rev-parse", "HEAD")
    as_person(ledger_repo, ZJJ)
    code, _, err = cli("progress", "2025-0042", "--ledger", str(ledger_repo.root), "--text", "进展", "--commit")
    assert code == 0, err
    as_person(ledger_repo, OFFICE)
    code, _, err = cli("urge", "2025-0042", "--ledger", str(ledger_repo.root), "--note", "电话催办", "--commit")
    assert code == 0, err
    code, out, err = cli("audit", "--ledger", str(ledger_repo.root), "--range", f"{base}..HEAD",
                         "--landing-time", "now", "--no-cache")
    assert code == 0 and "没有发现问题" in out, out + err


# --- 4. per-event help -------------------------------------------------------------------------

@pytest.mark.parametrize("command,own,foreign", [
    ("progress", [], ["--level", "--grade", "--evaluator", "--new-deadline", "--approved", "--result", "--score"]),
    ("complete", [], ["--level", "--grade", "--new-deadline", "--accepted"]),
    ("urge", [], ["--level", "--grade", "--new-deadline", "--result"]),
    ("extension", ["--new-deadline", "--approved"], ["--level", "--grade", "--accepted", "--result"]),
    ("explanation", ["--accepted"], ["--new-deadline", "--level"]),
    ("circular", ["--level", "--kind"], ["--new-deadline", "--grade"]),
    ("verified", ["--result"], ["--level", "--grade"]),
    ("evaluation", ["--evaluator", "--grade", "--score", "--report"], ["--level", "--new-deadline"]),
])
def test_each_event_command_shows_only_its_own_options_and_a_chinese_example(cli, command, own, foreign):
    code, out, _ = cli(command, "--help")
    assert code == 0
    assert "示例：" in out and f"ducha {command} 2025-0017" in out
    for option in ["--date", "--text", "--note", "--commit", *own]:
        assert option in out, option
    for option in foreign:
        assert option not in out, option


@pytest.mark.parametrize("args", [
    ["progress", "2025-0042", "--text", "从上级目录提交的进展"],
    ["new", "--category", "meeting_decision", "--title", "从上级目录新建", "--lead", "zjj",
     "--assigned", "2025-03-01", "--deadline", "2025-06-30"],
])
def test_commit_with_a_relative_ledger_path(ledger_repo, cli, monkeypatch, args):
    """`--ledger led --commit` run from the folder above: the commit takes the file, not a path Git cannot find."""
    as_person(ledger_repo, OFFICE)
    monkeypatch.chdir(ledger_repo.root.parent)
    head = ledger_repo.git("rev-parse", "HEAD")
    code, out, err = cli(*args, "--ledger", ledger_repo.root.name, "--commit")
    assert code == 0, err
    assert "未能提交" not in err
    assert ledger_repo.git("rev-parse", "HEAD^") == head
    assert ledger_repo.git("status", "--porcelain") == ""
