"""The caches' JSON codec: known dataclasses round-trip, anything else is refused."""
import dataclasses
import datetime as dt

import pytest

from ducha.codec import Codec, CodecError
from ducha.findings import Finding
from ducha.history import Change, CommitRecord
from ducha.model import Event, Item


@dataclasses.dataclass
class Landing:
    when: dt.datetime
    source: str = "committer"


@dataclasses.dataclass
class Record:
    """A record that grew a field of a new dataclass type: found through its type hints."""

    sha: str
    landing: Landing | None = None
    units: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)


def test_values_round_trip_with_their_types():
    tz = dt.timezone(dt.timedelta(hours=8))
    record = CommitRecord("a" * 40, ("b" * 40,), "li@x", "李明", dt.datetime(2025, 3, 20, 10, tzinfo=tz),
                          dt.datetime(2025, 3, 20, 10, 5, tzinfo=tz), "进展",
                          [Change("field_changed", "items/a.yaml", "a", "title", "旧", {"k": ["v", None]}, line=3)],
                          item_units={"items/a.yaml": ("zjj", "qcq")})
    codec = Codec(CommitRecord)
    assert codec.loads(codec.dumps(record)) == record
    item = Item("2025-0001", "标题", "work_report", dt.date(2025, 2, 20), "zjj", "items/a.yaml",
                events=[Event(dt.date(2025, 3, 1), "progress", 7, text="引号\"、换行\n、制表\t")], lines={"id": 1})
    pair = (item, [Finding("items/a.yaml", 3, "overdue", "超期", item="2025-0001")])
    assert Codec(Item, Finding).loads(Codec(Item, Finding).dumps(pair)) == pair
    grown = Record("c", Landing(dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)), {"x": ("y",)})
    assert Codec(Record).loads(Codec(Record).dumps(grown)) == grown


def test_unknown_classes_and_shapes_are_refused():
    codec = Codec(Finding)
    with pytest.raises(TypeError):
        codec.dumps(Landing(dt.datetime(2025, 1, 1)))  # not one of the codec's classes
    for data in (b'{"Landing":[{"@t":"2025-01-01T00:00:00"}]}', b'{"subprocess.Popen":["id"]}',
                 b'{"Finding":[null,null,"no_such_code","x"]}', b'{"Finding":[]}', b'{"a":1,"b":2}',
                 b'{"@d":"not a date"}', b'{"@m":[1]}', b'[' * 100000, b"\xff"):
        with pytest.raises(CodecError):
            codec.loads(data)


def test_repeated_short_texts_are_decoded_as_one_object_long_ones_are_not():
    # A 10,000-item ledger's history repeats a few hundred paths, ids, kinds and field names 70,000
    # times: one object each keeps it in half the memory.
    long_text = "进展" * 30
    event = {"date": "2025-03-01", "type": "progress", "text": long_text}
    record = CommitRecord("a" * 40, (), "li@x", "李明", dt.datetime(2025, 3, 20, 10), dt.datetime(2025, 3, 20, 10),
                          "进展", [Change("event_added", "items/a.yaml", "2025-0001", new=dict(event), index=i)
                                   for i in range(2)])
    codec = Codec(CommitRecord)
    first, second = codec.loads(codec.dumps(record)).changes
    assert (first.path is second.path) and (first.item is second.item) and (first.kind is second.kind)
    assert [a is b for a, b in zip(first.new, second.new)] == [True, True, True]  # the keys
    assert first.new["type"] is second.new["type"]
    assert first.new["text"] == long_text and first.new["text"] is not second.new["text"]
    assert codec.loads(codec.dumps(record)) == record
