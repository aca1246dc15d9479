"""Issue 9, point 16 (the `ducha event` parts): every valid way of writing `events` can be appended to.

Each form is run through the real command (`ducha progress` / `ducha event`).
The new entry must be in the file, every other byte as it was, and the
file must load and validate. Before the fix, `events: null`, `events: ~`,
flow lists and `-   date:` items were refused with a YAML error the tool
itself had caused, `events: []  # 注释` lost its comment, a CR-only file
crashed with a traceback, and a newline in `--text` was folded into a space.
"""
import pytest

from ducha.ledger import load_ledger, parse_item_bytes

from ..conftest import write_ledger

REL = "items/2025/2025-0042.yaml"
HEAD = (
    "# yaml-language-server: $schema=../../schema/item.schema.json\n"
    "# 台账说明：这行注释必须保留\n"
    "id: 2025-0042\n"
    'title: "完成城区老旧小区改造120个"   # 行尾注释\n'
    "category: work_report\n"
    "lead_unit: zjj\n"
    "assigned: 2025-02-20\n"
)
TAIL = "public: true   # 公开\n# 文件末尾的注释\n"
NEW_FLOW = "{date: 2025-04-15, type: progress, text: 首批开工}"


def run_progress(cli, root, *extra, text="首批开工"):
    return cli("progress", "2025-0042", "--ledger", str(root), "--date", "2025-04-15", "--text", text, *extra)


def saved(root) -> bytes:
    return (root / REL).read_bytes()


def assert_valid(root, events: int):
    ledger = load_ledger(root, use_cache=False)
    assert [f.message for f in ledger.findings if f.severity == "error"] == []
    (item,) = ledger.items
    assert len(item.events) == events
    return item


# (events block as written, events block expected after appending one progress report)
FORMS = {
    "null": ("events: null\n", f"events:\n  - {NEW_FLOW}\n"),
    "tilde": ("events: ~\n", f"events:\n  - {NEW_FLOW}\n"),
    "Null with comment": ("events: Null   # 尚无记录\n", f"events:   # 尚无记录\n  - {NEW_FLOW}\n"),
    "empty": ("events:\n", f"events:\n  - {NEW_FLOW}\n"),
    "empty with comment below": ("events:\n  # 待补\n", f"events:\n  - {NEW_FLOW}\n  # 待补\n"),
    "empty flow list with comment": ("events: []   # 尚无记录\n", f"events:   # 尚无记录\n  - {NEW_FLOW}\n"),
    "flow list": (
        "events: [{date: 2025-03-15, type: progress, text: 摸底}]\n",
        f"events: [{{date: 2025-03-15, type: progress, text: 摸底}}, {NEW_FLOW}]\n",
    ),
    "flow list over lines": (
        "events: [\n  {date: 2025-03-15, type: progress, text: 摸底},   # 第一条\n  {date: 2025-03-20, type: urge},\n]\n",
        "events: [\n  {date: 2025-03-15, type: progress, text: 摸底},   # 第一条\n  {date: 2025-03-20, type: urge},\n"
        f"  {NEW_FLOW},\n]\n",
    ),
    "4-space flow items": (
        "events:\n    - {date: 2025-03-15, type: progress, text: 摸底}\n",
        f"events:\n    - {{date: 2025-03-15, type: progress, text: 摸底}}\n    - {NEW_FLOW}\n",
    ),
    "4-space block items, wide gap": (
        "events:\n    -   date: 2025-03-15\n        type: progress   # 备注\n",
        "events:\n    -   date: 2025-03-15\n        type: progress   # 备注\n"
        "    -   date: 2025-04-15\n        type: progress\n        text: 首批开工\n",
    ),
    "wide gap flow items": (
        "events:\n  -   {date: 2025-03-15, type: progress}\n",
        f"events:\n  -   {{date: 2025-03-15, type: progress}}\n  -   {NEW_FLOW}\n",
    ),
    "block item ending in a block scalar": (
        "events:\n  - date: 2025-03-15\n    type: progress\n    text: |\n      摸底\n      调查\n\n",
        "events:\n  - date: 2025-03-15\n    type: progress\n    text: |\n      摸底\n      调查\n\n"
        "  - date: 2025-04-15\n    type: progress\n    text: 首批开工\n",
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_valid_events_form_gets_the_entry_and_nothing_else_changes(tmp_path, cli, form):
    written, expected = FORMS[form]
    root = write_ledger(tmp_path / "ledger", {REL: HEAD + written + TAIL})
    before = sum(1 for _ in parse_item_bytes((root / REL).read_bytes(), REL)[0].events)
    code, out, err = run_progress(cli, root)
    assert code == 0, err
    assert "已在 items/2025/2025-0042.yaml 追加进展报告记录" in out
    assert saved(root) == (HEAD + expected + TAIL).encode("utf-8")
    item = assert_valid(root, before + 1)
    assert (item.events[-1].date.isoformat(), item.events[-1].text) == ("2025-04-15", "首批开工")
    code, _, err = cli("validate", "--ledger", str(root))
    assert code == 0, err


def test_events_written_last_without_final_newline(tmp_path, cli):
    root = write_ledger(tmp_path / "ledger", {REL: HEAD + "events: [{date: 2025-03-15, type: progress}]"})
    code, _, err = run_progress(cli, root)
    assert code == 0, err
    assert saved(root) == (HEAD + f"events: [{{date: 2025-03-15, type: progress}}, {NEW_FLOW}]").encode()
    assert_valid(root, 2)


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_cr_only_and_crlf_files_keep_their_line_ends(tmp_path, cli, newline):
    """An old-Mac file (CR only) is valid YAML: the entry is appended with CR, no traceback."""
    text = (HEAD + "events:\n  - {date: 2025-03-15, type: progress, text: 摸底}\n" + TAIL).replace("\n", newline)
    root = write_ledger(tmp_path / "ledger", {REL: text.encode("utf-8")})
    code, out, err = run_progress(cli, root)
    assert code == 0, err
    expected = (HEAD + "events:\n  - {date: 2025-03-15, type: progress, text: 摸底}\n"
                f"  - {NEW_FLOW}\n" + TAIL).replace("\n", newline)
    assert saved(root) == expected.encode("utf-8")
    assert_valid(root, 2)


def test_cr_only_file_without_events_gets_them(tmp_path, cli):
    text = (HEAD + TAIL).replace("\n", "\r")
    root = write_ledger(tmp_path / "ledger", {REL: text.encode("utf-8")})
    code, _, err = run_progress(cli, root)
    assert code == 0, err
    assert saved(root) == (HEAD + TAIL + f"events:\n  - {NEW_FLOW}\n").replace("\n", "\r").encode("utf-8")
    assert_valid(root, 1)


@pytest.mark.parametrize("events, shape", [
    ("events:\n  - {date: 2025-03-15, type: progress}\n", "flow"),
    ("events:\n  - date: 2025-03-15\n    type: progress\n", "block"),
    ("events: [{date: 2025-03-15, type: progress}]\n", "flow"),
    ("events:\n", "flow"),
])
@pytest.mark.parametrize("text", ["第一行\n第二行", "第一行\n\n  缩进的第三行\n", "含 # 号: 和 '引号' \"双引号\"\n末行\\"])
def test_a_newline_in_text_round_trips_exactly(tmp_path, cli, events, shape, text):
    root = write_ledger(tmp_path / "ledger", {REL: HEAD + events + TAIL})
    code, _, err = run_progress(cli, root, text=text)
    assert code == 0, err
    item = assert_valid(root, len(parse_item_bytes((HEAD + events).encode(), REL)[0].events) + 1)
    assert item.events[-1].text == text
    body = saved(root).decode("utf-8")
    assert body.startswith(HEAD) and body.endswith(TAIL)
    if shape == "block" and text == "第一行\n第二行":  # block items get a readable literal block
        assert "    text: |-\n      第一行\n      第二行\n" in body
    if shape == "flow" and text == "第一行\n第二行":
        assert 'text: "第一行\\n第二行"}' in body


def test_an_events_value_that_is_not_a_list_is_refused_in_chinese(tmp_path, cli):
    text = HEAD + "events: 无\n" + TAIL
    root = write_ledger(tmp_path / "ledger", {REL: text})
    code, _, err = run_progress(cli, root)
    assert code == 1
    assert "未保存" in err and "events" in err
    assert saved(root) == text.encode("utf-8")


def test_an_item_written_as_one_flow_mapping_is_refused_with_the_form_to_use(tmp_path, cli):
    text = "{id: 2025-0042, title: 改造, category: work_report, lead_unit: zjj, assigned: 2025-02-20}\n"
    root = write_ledger(tmp_path / "ledger", {REL: text})
    code, _, err = run_progress(cli, root)
    assert code == 1
    assert "未保存" in err and "items/2025/2025-0042.yaml" in err and "events:" in err
    assert saved(root) == text.encode("utf-8")
    code, _, _ = cli("event", "2025-0042", "progress", "--ledger", str(root), "--date", "2025-04-15")
    assert code == 1
