"""`copied_report`: report texts pasted from an earlier report, found without comparing every pair."""
import random

from ducha.signals.similarity import NearDuplicates, jaccard, normalise, shingles

from ..conftest import item_yaml, write_ledger
from .common import of, signals

TEXT = "已完成摸底调查，形成工作方案，明确责任分工和时间节点"


def test_report_copied_month_to_month_and_across_units(tmp_path):
    root = write_ledger(tmp_path, {
        "items/2025/2025-0042.yaml": item_yaml(events=[
            f"date: 2025-04-15, type: progress, text: {TEXT}",
            f"date: 2025-05-15, type: progress, text: '{TEXT}。'",  # punctuation does not make it new
        ]),
        "items/2025/2025-0050.yaml": item_yaml("2025-0050", lead="fgw", events=[
            # Near-identical: one character changed in a long text.
            "date: 2025-06-01, type: completed, text: 已完成摸底调查，形成工作方案，明确责任分工和时间节点要求",
        ]),
    })
    code, data = signals(root, "--as-of", "2025-12-31")
    by_item = {s["item"]: s for s in of(data, "copied_report")}
    assert code == 0 and set(by_item) == {"2025-0042", "2025-0050"}
    own = by_item["2025-0042"]
    assert (own["file"], own["line"], own["unit"]) == ("items/2025/2025-0042.yaml", 8, "zjj")
    assert "本事项 2025-04-15" in own["message"] and "一字不差" in own["message"]
    other = by_item["2025-0050"]
    assert "市住房和城乡建设局事项 2025-0042" in other["message"] and "几乎相同（相似度 9" in other["message"]
    assert "敷衍塞责" in other["explanation"]
    assert [e["item"] for e in other["evidence"]] == ["2025-0050", "2025-0042"]


def test_different_or_short_texts_are_quiet(tmp_path):
    root = write_ledger(tmp_path, {
        "items/2025/2025-0042.yaml": item_yaml(events=[
            f"date: 2025-04-15, type: progress, text: {TEXT}",
            "date: 2025-05-15, type: progress, text: 项目已开工建设，完成投资进度的百分之四十",
            "date: 2025-06-15, type: completed, text: 已办结",
        ]),
        "items/2025/2025-0043.yaml": item_yaml("2025-0043", events=["date: 2025-06-20, type: completed, text: 已办结"]),
    })
    assert of(signals(root, "--as-of", "2025-12-31")[1], "copied_report") == []


def test_period_selects_the_copy_not_the_original(tmp_path):
    root = write_ledger(tmp_path, {"items/2025/2025-0042.yaml": item_yaml(events=[
        f"date: 2025-04-15, type: progress, text: {TEXT}", f"date: 2025-10-15, type: progress, text: {TEXT}"])})
    assert of(signals(root, "--as-of", "2025-12-31", "--period", "2025Q4")[1], "copied_report")
    assert of(signals(root, "--as-of", "2025-12-31", "--period", "2025Q2")[1], "copied_report") == []


def _corpus(n: int, seed: int) -> list[str]:
    """n distinct report-like texts, with a few near-copies mixed in."""
    rng = random.Random(seed)
    words = [chr(0x4E00 + rng.randrange(0, 6000)) + chr(0x4E00 + rng.randrange(0, 6000)) for _ in range(3000)]
    texts = []
    for i in range(n):
        if i and i % 50 == 0:  # a near-copy of an earlier text: one word changed
            base = texts[rng.randrange(len(texts))]
            texts.append(base[:-2] + rng.choice(words))
        else:
            texts.append("".join(rng.choice(words) for _ in range(24)))
    return list(dict.fromkeys(normalise(t) for t in texts))


def test_index_finds_the_texts_a_full_comparison_finds():
    texts = _corpus(600, 1)
    near = NearDuplicates(texts, 0.9)
    sets = [shingles(t) for t in texts]
    hits = 0
    for i in range(len(texts)):
        hit = near.earlier(i)
        brute = [j for j in range(i) if jaccard(sets[i], sets[j]) >= 0.9]
        assert (hit is not None) == bool(brute)
        if hit:
            assert hit[0] in brute and hit[1] == jaccard(sets[i], sets[hit[0]])
        hits += hit is not None
    assert hits >= 10  # the planted near-copies


def test_work_grows_linearly_not_quadratically():
    work = {}
    for n in (2000, 8000):
        texts = _corpus(n, 2)
        near = NearDuplicates(texts, 0.9)
        found = sum(near.earlier(i) is not None for i in range(len(texts)))
        assert found >= n // 60  # the planted near-copies are found
        work[n] = near.compared
    # Four times the texts: a pairwise comparison does sixteen times the work.
    assert work[8000] <= 6 * max(work[2000], 1), work
