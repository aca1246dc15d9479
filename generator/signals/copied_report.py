"""`copied_report`: a report text identical or near-identical to an earlier one.

Every progress and completion text (dated on or before as_of) is
normalised (NFKC, case-folded, only letters and digits) and compared on
character 3-gram shingles (`similarity`); texts shorter than
`signals.copy_min_chars` (default 12) after normalising are left out, so
"已办结" never counts. A text is a copy when an earlier text — the same
unit's earlier report (on this item or another) or another item's report
— has a Jaccard similarity of at least `signals.copy_similarity` (default
0.9). One signal per item, listing each copied text and where it was
seen first. Identical texts are grouped with a dict and near-identical
ones found through a prefix-filtered inverted index: the work grows with
the number of texts, not its square.

SHOWS: 2025-04-15 progress "已完成摸底调查，形成工作方案，明确责任分工" repeated on 2025-05-15.
QUIET: two different progress texts.
"""
from __future__ import annotations

from ..findings import WARNING
from ..model import EVENT_TYPES
from .base import Evidence, Signal
from .similarity import NearDuplicates, normalise

CODE = "copied_report"
TITLE = "报告文字照抄"
WHY = "进展或办结报告与本单位此前的报告、或其他事项的报告一字不差或几乎相同，可能是照抄应付，需要核实实际进展。"
QUOTE = ("五、(二)", "对落实到位、成效显著的予以正面宣传,对敷衍塞责、落实不力的予以公开曝光。")
NEEDS_HISTORY = False

TYPES = ("progress", "completed")


def _texts(ctx):
    """(date, item id, position, item, event, normalised text), oldest first."""
    out = []
    minimum = ctx.settings.copy_min_chars
    for item in ctx.items:
        for pos, event in enumerate(ctx.events(item)):
            if event.type in TYPES and event.text:
                norm = normalise(event.text)
                if len(norm) >= minimum:
                    out.append((event.date, item.id, pos, item, event, norm))
    out.sort(key=lambda t: t[:3])
    return out


def find(ctx):
    texts = _texts(ctx)
    # Identical texts first: each distinct text once, in the order first written.
    first_of: dict[str, int] = {}
    count: dict[str, int] = {}
    for n, (*_, norm) in enumerate(texts):
        first_of.setdefault(norm, n)
        count[norm] = count.get(norm, 0) + 1
    distinct = list(first_of)  # dicts keep insertion order: by first occurrence
    near = NearDuplicates(distinct, ctx.settings.copy_similarity)
    source_of: dict[str, tuple[int, float]] = {}  # a distinct text's first occurrence -> (earlier text, similarity)
    for i, norm in enumerate(distinct):
        hit = near.earlier(i)
        if hit is not None:
            source_of[norm] = (first_of[distinct[hit[0]]], hit[1])

    by_item: dict[str, list] = {}
    for n, (day, item_id, _pos, item, event, norm) in enumerate(texts):
        if not ctx.in_period(day):
            continue
        if first_of[norm] != n:
            source, sim = first_of[norm], 1.0
        elif norm in source_of:
            source, sim = source_of[norm]
        else:
            continue
        by_item.setdefault(item_id, []).append((item, event, texts[source], sim, count[norm]))

    for item_id, copies in by_item.items():
        item = copies[0][0]
        evidence, parts = [], []
        for _, event, (s_day, s_id, _, s_item, s_event, _), sim, times in copies:
            if s_id == item_id:
                whose = f"本事项 {s_day} 的{EVENT_TYPES[s_event.type]}"
            elif s_item.lead_unit == item.lead_unit:
                whose = f"本单位事项 {s_id} {s_day} 的{EVENT_TYPES[s_event.type]}"
            else:
                whose = f"{ctx.unit_name(s_item.lead_unit)}事项 {s_id} {s_day} 的{EVENT_TYPES[s_event.type]}"
            same = "一字不差" if sim >= 1.0 else f"几乎相同（相似度 {sim:.0%}）"
            also = f"，这段文字在台账中共出现 {times} 次" if times > 2 else ""
            parts.append(f"{event.date} 的{EVENT_TYPES[event.type]}（第 {event.line} 行）与{whose}{same}{also}")
            evidence.append(Evidence(f"{event.date} {EVENT_TYPES[event.type]}：{event.text}", item_id, item.file,
                                     event.line, event.date))
            evidence.append(Evidence(f"先前：{s_day} {s_id} {EVENT_TYPES[s_event.type]}：{s_event.text}", s_id,
                                     s_item.file, s_event.line, s_day))
        first = copies[0][1]
        yield Signal(
            CODE, WARNING,
            f"{item_id}（{ctx.unit_name(item.lead_unit)}）有 {len(copies)} 条报告照抄先前的报告：" + "；".join(parts[:5])
            + (f"；等 {len(parts)} 条" if len(parts) > 5 else "") + "。请核实实际进展，要求承办单位如实报告。",
            max(c[1].date for c in copies), unit=item.lead_unit, item=item_id, file=item.file, line=first.line,
            evidence=evidence,
        )
