"""A JSON codec for the caches: data only, never code.

Only the dataclasses a `Codec` is built for (and those their fields name,
found through their type hints) are rebuilt; everything else a cache file
could hold is plain JSON. Decoding anything unexpected (an unknown tag, a
wrong number of fields, a finding code that does not exist) raises
`CodecError`, which the caches treat as a miss.

Layout, compact so that 10,000 items load quickly:

- str, int, float, bool, None and lists are themselves;
- every other value is a JSON object with one key, its tag:
  `{"@d": "2025-03-20"}` a date, `{"@t": "2025-03-20T10:00:00+08:00"}` a
  datetime, `{"@u": [...]}` a tuple, `{"@f": [...]}` a frozenset,
  `{"@m": [k1, v1, k2, v2, ...]}` a dict, `{"Item": [field values]}` a
  dataclass (fields in declaration order; trailing fields that are None
  and default to None are left out).

Plain dicts are always tagged, so no data can pass for a tag.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import operator
import sys
import typing


class CodecError(ValueError):
    """The bytes are not what this codec wrote."""


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _reachable(roots: tuple[type, ...]) -> list[type]:
    """`roots` and every dataclass their fields' type hints name, transitively."""
    seen: list[type] = []
    todo = list(roots)
    while todo:
        cls = todo.pop()
        if cls in seen or not dataclasses.is_dataclass(cls):
            continue
        seen.append(cls)
        try:
            hints = typing.get_type_hints(cls)
        except Exception:  # an unresolvable hint: only the listed classes then
            continue
        stack = list(hints.values())
        while stack:
            hint = stack.pop()
            if isinstance(hint, type) and dataclasses.is_dataclass(hint):
                todo.append(hint)
            stack.extend(typing.get_args(hint))
    return seen


def _getter(names: list[str]):
    """A function returning the named attributes of an object as a tuple."""
    if len(names) == 1:
        only = names[0]
        return lambda obj: (getattr(obj, only),)
    return operator.attrgetter(*names) if names else (lambda obj: ())


# Strings up to this long are decoded as one shared object per distinct text (`sys.intern`): the
# history of a 10,000-item ledger holds 70,000 changes that repeat a few hundred kinds, paths, ids
# and field names (44 MB of separate string objects before, in every process that touches them).
SHARED_UP_TO = 40


def _shared(text: str) -> str:
    """`text`, as the one object shared by every equal short text decoded (interned strings are freed
    when nothing uses them any more)."""
    return sys.intern(text) if len(text) <= SHARED_UP_TO else text


class Codec:
    """Encode and decode values made of the dataclasses `roots` (and what they nest)."""

    def __init__(self, *roots: type) -> None:
        classes = _reachable(roots)
        short = [c.__qualname__ for c in classes]
        self._out: dict[type, tuple[str, operator.attrgetter, tuple[bool, ...]]] = {}
        self._in: dict[str, tuple[type, int, int]] = {}
        for cls in classes:
            name = cls.__qualname__ if short.count(cls.__qualname__) == 1 else f"{cls.__module__}.{cls.__qualname__}"
            fields = [f for f in dataclasses.fields(cls) if f.init]
            # Trailing fields whose default is None are left out when None.
            nones = tuple(f.default is None for f in fields)
            required = sum(1 for f in fields if f.default is dataclasses.MISSING
                           and f.default_factory is dataclasses.MISSING)
            self._out[cls] = (name, _getter([f.name for f in fields]), nones)
            self._in[name] = (cls, required, len(fields))
        self._decoder = json.JSONDecoder(object_hook=self._hook)

    # --- encoding --------------------------------------------------------------

    def to_plain(self, value):
        """`value` as JSON-ready lists, strings and numbers; TypeError for what cannot be stored."""
        t = type(value)
        if t in _SCALARS:
            return value
        if t is dt.date:  # the commonest value that is not a scalar: first
            return {"@d": value.isoformat()}
        enc = self.to_plain
        spec = self._out.get(t)
        if spec is not None:
            name, get, nones = spec
            values = get(value)
            n = len(values)
            while n and nones[n - 1] and values[n - 1] is None:
                n -= 1
            return {name: [v if type(v) in _SCALARS else enc(v) for v in values[:n]]}
        if t is list:
            return [v if type(v) in _SCALARS else enc(v) for v in value]
        if t is dt.datetime:
            return {"@t": value.isoformat()}
        if t is dict:
            flat = []
            for k, v in value.items():
                flat.append(k if type(k) in _SCALARS else enc(k))
                flat.append(v if type(v) in _SCALARS else enc(v))
            return {"@m": flat}
        if t is tuple:
            return {"@u": [v if type(v) in _SCALARS else enc(v) for v in value]}
        if t is frozenset:
            return {"@f": [v if type(v) in _SCALARS else enc(v) for v in value]}
        raise TypeError(f"cannot cache a {t.__name__}")

    def dumps(self, value) -> bytes:
        """`value` as compact UTF-8 JSON on one line (no raw newline or tab)."""
        return json.dumps(self.to_plain(value), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    # --- decoding --------------------------------------------------------------

    def _hook(self, obj: dict):
        if len(obj) != 1:
            raise CodecError("not a tagged value")
        (tag, value), = obj.items()
        known = self._in.get(tag)
        if known is not None:
            cls, required, total = known
            if type(value) is not list or not required <= len(value) <= total:
                raise CodecError(f"{tag}: wrong number of fields")
            return cls(*[_shared(v) if type(v) is str else v for v in value])
        if tag == "@d":
            return dt.date.fromisoformat(value)
        if tag == "@t":
            return dt.datetime.fromisoformat(value)
        if type(value) is not list:
            raise CodecError(f"{tag}: not a list")
        if tag == "@m":
            value = [_shared(v) if type(v) is str else v for v in value]
            return dict(zip(value[::2], value[1::2], strict=True))
        if tag == "@u":
            return tuple(value)
        if tag == "@f":
            return frozenset(value)
        raise CodecError(f"unknown tag {tag!r}")

    def loads(self, data: bytes | str):
        """What `dumps` wrote; CodecError for anything else (never runs code from the data)."""
        try:
            text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
            return self._decoder.decode(text)
        except CodecError:
            raise
        except (ValueError, TypeError, AttributeError, RecursionError, OverflowError) as e:
            # Malformed JSON, a bad date, a dataclass refusing its values
            # (e.g. an unknown finding code), an unhashable dict key...
            raise CodecError(str(e)) from None
