"""`source_personal_data`: personal information in a public decision's text.

A public source (`sources/<id>.yaml` with `public: true`) has its own page
on the public site (issue 17) showing its title, 文号 and description, so
the same law that `personal_data` applies to items applies here: a
citizen's personal information (`generator.privacy`: phone numbers, ID and
bank card numbers, e-mail addresses, car plates) must not be published;
numbers in `ledger.yaml` `privacy.allow` do not count. Sources that are not
public are not read. The public site masks what slips through anyway.

PASS: `description: 市政府第15次常务会议议定事项。` in a public source.
PASS: a phone number in a source with `public: false`.
FAIL: `description: 联系人李明，电话 13812345678` in a public source (the
finding gives the file, the line of the text, 手机号码 and the value masked
as 138****5678, never in full).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import privacy
from ..findings import ERROR, Finding
from ..model import SOURCE_FIELDS

if TYPE_CHECKING:
    from collections.abc import Iterator

    from . import Context

CODE = "source_personal_data"
SCOPE = "ledger"
NEEDS_AS_OF = False
SEVERITY = ERROR
TITLE = "公开的决策部署含个人信息"
SECTION = None
EXPLANATION = (
    "公开的决策部署（`sources/` 中 `public: true` 的文件）在公开网站上有自己的页面，显示名称、文号和说明，"
    "因此与公开事项一样不得含有个人信息（手机和固定电话号码、居民身份证号码、银行卡号、电子邮箱、车牌号）；"
    "`ledger.yaml` 的 `privacy.allow` 中登记的对外公布号码不算。不公开的决策部署不检查。提示中的值总是遮盖后的。"
)

# What the public source page prints of a source.
KEYS = ("title", "number", "description")


def check(ctx: Context) -> Iterator[Finding]:
    for source in (ctx.sources or {}).values():
        if not source.public:
            continue
        for key in KEYS:
            text = getattr(source, key)
            if not text or not privacy.may_contain(text):
                continue
            by_line: dict[int, list[privacy.Match]] = {}
            for m in privacy.find(text, ctx.config.privacy_allow):
                # A text with line breaks was written as a block (`description: |`) whose first line follows the key.
                offset = 1 + text.count("\n", 0, m.start) if "\n" in text else 0
                by_line.setdefault(source.line_of(key) + offset, []).append(m)
            for line, found in by_line.items():
                shown = "、".join(f"{m.name} {m.masked}" for m in found)
                yield Finding(source.file, line, CODE,
                              f"公开的决策部署 {source.id} 的 {key}（{SOURCE_FIELDS[key].title}）中有个人信息：{shown}。"
                              "这段文字会出现在公开网站的决策部署页面上，按《个人信息保护法》和《政府信息公开条例》不得公开个人信息。"
                              "请删去，或改写为单位和职务；"
                              "如果是对外公布的办公电话、热线或公务邮箱，请把它加入 ledger.yaml 的 privacy.allow。")
