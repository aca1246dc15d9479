"""Personal information in text: find it, and mask it for the public site.

China's Personal Information Protection Law and the Regulations on Open
Government Information forbid publishing a citizen's personal information.
Staff paste what they have into progress reports, so every text the public
site shows is read here, twice:

- `find(text, allow)` for the `personal_data` rule (`ducha check`/`validate`),
- `mask(text, allow)` by the public build, as defence in depth: whatever
  still matches there is published as 138****5678, 3401**********1234,
  z***@example.com.

Kinds: mainland mobile numbers (spaces, dashes, +86/0086/86 prefix),
landlines with an area code, resident ID numbers (18 digits with the
ISO 7064 MOD 11-2 check digit and a real birth date; 15 digits with a real
birth date), bank card numbers (16–19 digits passing Luhn), e-mail
addresses and car plates.

Cost: most texts contain none of this. One combined prefilter regex
decides whether a text can hold anything at all (three digits, a
separator, four digits; an @; a province abbreviation and a capital
letter); only such candidates are scanned kind by kind, and the check
digit, Luhn sum and birth date are computed only for what the patterns
matched. Full-width digits (１３８…) are read as ASCII digits.

What is NOT flagged: item ids (2025-0042), dates, amounts (1,200万元,
3.5亿元, 13800000000元), document numbers (〔2025〕86号), the 12345
hotline (five digits match nothing), ID numbers with a wrong check digit,
16–19 digit numbers failing Luhn, and anything in `privacy.allow`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from dataclasses import dataclass

MOBILE = "mobile"
LANDLINE = "landline"
ID_CARD = "id_card"
BANK_CARD = "bank_card"
EMAIL = "email"
PLATE = "plate"

KIND_NAMES = {
    MOBILE: "手机号码",
    LANDLINE: "固定电话号码",
    ID_CARD: "居民身份证号码",
    BANK_CARD: "银行卡号",
    EMAIL: "电子邮箱地址",
    PLATE: "机动车号牌",
}

# Full-width forms people type in Chinese text, read as their ASCII twins.
# One character for one: positions in the translated text are positions in
# the original.
_FULLWIDTH = str.maketrans("０１２３４５６７８９＠＋－（）", "0123456789@+-()")

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Z"  # no I or O on plates

# Could `text` hold anything at all? (Checked on the original text, so
# full-width digits count too.)
_PREFILTER = re.compile(
    r"[0-9０-９]{3}[ \-－\u2010-\u2015\u00a0]?[0-9０-９]{4}|[@＠]"
    rf"|[{_PROVINCES}][{_PLATE_LETTER}]"
)

_SEP = r"[ \-\u2010-\u2015\u00a0]"  # between digit groups: space, hyphen, dashes
# Not part of a longer number, a decimal, or an amount (万元, 亿元, %).
_NUM_START = r"(?<![0-9.¥￥$])"
_NUM_END = r"(?![0-9])(?!\.[0-9])(?!\s*[万亿元%％‰])"
_AREA = r"0(?:10|2[0-9]|[3-9][0-9]{2})"

_PATTERNS: dict[str, re.Pattern] = {
    ID_CARD: re.compile(
        _NUM_START + rf"(?P<core>[1-9][0-9]{{5}}{_SEP}?(?:19|20)[0-9]{{2}}[01][0-9][0-3][0-9]{_SEP}?[0-9]{{3}}[0-9Xx]"
        r"|[1-9][0-9]{5}[0-9]{2}[01][0-9][0-3][0-9][0-9]{3})" + r"(?![0-9A-Za-z])" + _NUM_END),
    BANK_CARD: re.compile(
        _NUM_START + rf"(?P<core>[3-69][0-9]{{3}}(?:{_SEP}?[0-9]{{4}}){{3}}(?:{_SEP}?[0-9]{{1,3}})?)" + _NUM_END),
    MOBILE: re.compile(
        _NUM_START + rf"(?P<pre>(?:\+86|0086|86|\(\+?86\)){_SEP}?)?(?P<core>1[3-9][0-9](?:{_SEP}?[0-9]{{4}}){{2}})"
        + _NUM_END),
    LANDLINE: re.compile(
        _NUM_START + rf"(?P<core>(?P<area>(?:\+86|0086){_SEP}?\(?0?(?:10|2[0-9]|[3-9][0-9]{{2}})\)?"
        rf"|\({_AREA}\)|{_AREA}){_SEP}?(?P<local>[2-9][0-9]{{6,7}}))" + _NUM_END),
    EMAIL: re.compile(
        r"(?<![A-Za-z0-9._%+\-])(?P<core>(?P<local>[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63})"
        r"@(?P<domain>[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}))(?![A-Za-z0-9\-])"),
    PLATE: re.compile(
        rf"(?P<core>[{_PROVINCES}][{_PLATE_LETTER}][·•・.\- ]?"
        rf"(?:[{_PLATE_LETTER}0-9]{{5,6}}|[{_PLATE_LETTER}0-9]{{4}}[挂学警港澳]))(?![A-Za-z0-9])"),
}
# When two matches overlap, the earlier kind in this order wins.
_PRIORITY = {kind: n for n, kind in enumerate(_PATTERNS)}

_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class Match:
    """One piece of personal information in a text."""

    kind: str
    start: int
    end: int
    value: str  # as written
    masked: str  # as the public site shows it

    @property
    def name(self) -> str:
        return KIND_NAMES[self.kind]


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of an 18-digit resident ID (GB 11643)."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def luhn_ok(digits: str) -> bool:
    total = 0
    for n, c in enumerate(reversed(digits)):
        d = int(c)
        if n % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _real_date(year: int, month: int, day: int) -> bool:
    """A birth date: a real day from 1900 until today."""
    if year < 1900:
        return False
    try:
        return dt.date(year, month, day) <= dt.date.today()
    except ValueError:
        return False


def _valid_id(digits: str) -> bool:
    if len(digits) == 18:
        return (_real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
                and id_check_digit(digits[:17]) == digits[17].upper())
    return _real_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))


def _alnum(text: str) -> str:
    """Letters and digits only, lower case."""
    return "".join(c for c in text if c.isalnum()).lower()


def _keep(text: str, head: int, tail: int) -> str:
    """Replace every letter or digit of `text` by * except the first `head`
    and the last `tail` of them; separators stay."""
    count = sum(1 for c in text if c.isalnum())
    out, n = [], 0
    for c in text:
        if c.isalnum():
            out.append(c if n < head or n >= count - tail else "*")
            n += 1
        else:
            out.append(c)
    return "".join(out)


def canonical(value: str) -> str:
    """The comparable form of a number or address: what `privacy.allow`
    entries and matches are compared by (case, separators and the +86
    country code do not matter: "+86 558 5123456" is "05585123456")."""
    text = value.translate(_FULLWIDTH).strip().lower()
    if "@" in text:
        return text
    digits = _alnum(text)
    if text.startswith(("+86", "0086", "(+86)")):
        rest = digits.removeprefix("0086") if digits.startswith("0086") else digits.removeprefix("86")
        return rest if rest.startswith("1") and len(rest) == 11 else "0" + rest.lstrip("0")
    if len(digits) == 13 and digits.startswith("861"):
        return digits[2:]
    return digits


@functools.lru_cache(maxsize=64)
def allow_set(allow: tuple[str, ...]) -> frozenset[str]:
    return frozenset(c for c in (canonical(a) for a in allow) if c)


def _allowed(kind: str, m: re.Match, allowed: frozenset[str]) -> bool:
    if not allowed:
        return False
    if kind == LANDLINE:
        area = "0" + _alnum(m["area"]).removeprefix("0086").removeprefix("86").lstrip("0")
        return area + m["local"] in allowed or m["local"] in allowed
    return canonical(m["core"]) in allowed


def _check(kind: str, m: re.Match, text: str) -> str | None:
    """Validate a pattern match (found in the ASCII-folded text; `text` is
    the original); return its masked core, or None when it is not that kind."""
    core = m["core"]
    shown = text[m.start("core"):m.end("core")]
    if kind == ID_CARD:
        digits = _alnum(core)
        if not _valid_id(digits):
            return None
        return _keep(shown, 4, 4 if len(digits) == 18 else 3)
    if kind == BANK_CARD:
        digits = _alnum(core)
        if len(digits) == 18 and _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14])):
            return None  # shaped like an ID number whose check digit is wrong: a typo, not a card
        return _keep(shown, 4, 4) if 16 <= len(digits) <= 19 and luhn_ok(digits) else None
    if kind == MOBILE:
        return _keep(shown, 3, 4)
    if kind == LANDLINE:
        split = m.start("local") - m.start("core")
        return shown[:split] + _keep(shown[split:], 0, 2)
    if kind == EMAIL:
        return shown[0] + "***" + shown[len(m["local"]):]
    if kind == PLATE:
        return shown[:2] + _keep(shown[2:], 0, 1) if sum(c.isdigit() for c in core) >= 3 else None
    return None  # pragma: no cover


def may_contain(text: str) -> bool:
    """The prefilter alone: False when `text` surely holds no personal information."""
    return bool(_PREFILTER.search(text))


def find(text: str, allow: tuple[str, ...] = ()) -> list[Match]:
    """The personal information in `text`, in reading order, none overlapping.

    `allow`: published numbers and addresses (`privacy.allow`), not reported.
    """
    if not text or not _PREFILTER.search(text):
        return []
    scan = text.translate(_FULLWIDTH)
    allowed = allow_set(tuple(allow))
    found: list[tuple[int, int, int, str, str, bool]] = []
    for kind, pattern in _PATTERNS.items():
        for m in pattern.finditer(scan):
            masked = _check(kind, m, text)
            if masked is None:
                continue
            start, end = m.start("core"), m.end("core")
            found.append((start, -end, _PRIORITY[kind], kind, masked, _allowed(kind, m, allowed)))
    found.sort()
    out: list[Match] = []
    taken_until = -1
    for start, neg_end, _, kind, masked, is_allowed in found:
        end = -neg_end
        if start < taken_until:
            continue  # inside a longer (or higher-priority) match
        taken_until = end
        if not is_allowed:
            out.append(Match(kind, start, end, text[start:end], masked))
    return out


def mask(text: str, allow: tuple[str, ...] = ()) -> str:
    """`text` with every piece of personal information masked (138****5678)."""
    matches = find(text, allow)
    if not matches:
        return text
    parts, at = [], 0
    for m in matches:
        parts += [text[at:m.start], m.masked]
        at = m.end
    parts.append(text[at:])
    return "".join(parts)


@functools.lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type, or None for any other type."""
    return tuple(f.name for f in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else None


def mask_strings(value, allow: tuple[str, ...] = ()):
    """Mask every string inside `value`: dataclass instances (in place, or
    replaced when frozen), lists, tuples, dict values. Dates, numbers and
    dict keys are left alone. Returns the masked value."""
    seen: dict[int, tuple[object, object]] = {}  # id → (original, masked); the original kept alive

    def walk(v):
        if isinstance(v, str):
            return mask(v, allow)
        if v is None or isinstance(v, (bool, int, float, dt.date)):
            return v
        key = id(v)
        if key in seen:
            return seen[key][1]
        names = _field_names(type(v))
        if names is not None:
            original = v
            seen[key] = (v, v)
            changes = {}
            for name in names:
                old = getattr(v, name)
                new = walk(old)
                if new is not old and new != old:
                    changes[name] = new
            if changes:
                if v.__dataclass_params__.frozen:
                    v = dataclasses.replace(v, **changes)
                    seen[key] = (original, v)
                else:
                    for name, new in changes.items():
                        setattr(v, name, new)
            return v
        if isinstance(v, list):
            out = [walk(x) for x in v]
        elif isinstance(v, tuple):
            out = tuple(walk(x) for x in v)
        elif isinstance(v, dict):
            out = {k: walk(x) for k, x in v.items()}
        else:
            return v
        seen[key] = (v, out)
        return out

    return walk(value)
