"""`unsigned_commit`: a ledger commit without a good signature by its author.

Only when the `ledger.yaml` judging the commit (its first parent's) sets
`audit.require_signed: true`. Git's `%G?` must be `G` (good, and the key is
in the allowed-signers file of that same tree), and the signer must be the
commit's author: Git itself accepts a good signature by anyone listed, so
ducha compares the signer's principal with the author's e-mail, exactly
(case aside): `xiaoming@x` does not sign for `ming@x`.

FAIL: an unsigned commit; a commit by 王芳 signed with 李明's key.
"""
import re

from ..findings import Finding

CODE = "unsigned_commit"
VERDICTS = {
    "N": "没有签名", "B": "签名无效", "U": "签名有效但公钥未被信任", "X": "签名已过期",
    "Y": "签名密钥已过期", "R": "签名密钥已吊销", "E": "无法核验签名（缺少公钥或 allowed_signers 文件）",
}


_ANGLE = re.compile(r"<([^<>]*)>\s*\Z")


def principals(signer: str | None) -> set[str]:
    """The signer's e-mails: SSH principals as listed (comma-separated), the address inside <> of a GPG user id."""
    text = (signer or "").strip()
    inside = _ANGLE.search(text)
    if inside:
        return {inside.group(1).strip().lower()}
    return {p.strip().lower() for p in text.split(",") if p.strip()}


def check(record, ctx):
    if not ctx.config.require_signed:
        return
    path = record.changes[0].path if record.changes else "ledger.yaml"
    item = record.changes[0].item if record.changes else None
    verdict = record.signature or "N"
    if verdict != "G":
        problem = VERDICTS.get(verdict, f"签名状态 {verdict}")
    elif not record.author_email or record.author_email.strip().lower() not in principals(record.signer):
        problem = (f"签名人 {record.signer} 不是作者本人（作者邮箱 {record.author_email}；"
                   "签名人与作者邮箱必须完全一致）")
    else:
        return
    yield Finding(
        path, 1, CODE,
        f"提交 {record.short}（{record.who}）{problem}。本台账要求每个提交都有作者本人的有效签名"
        "（git commit -S，公钥登记在 allowed_signers 中）。",
        item=item, commit=record.sha,
    )
