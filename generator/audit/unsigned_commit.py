"""`unsigned_commit`: a ledger commit without a good signature by its author.

Only when `ledger.yaml` sets `audit.require_signed: true`. Git's `%G?` must
be `G` (good, and the key is in the ledger's allowed-signers file), and the
signer must be the commit's author: Git itself accepts a good signature by
anyone listed, so ducha compares the signer's identity with the author's
e-mail.

FAIL: an unsigned commit; a commit by 王芳 signed with 李明's key.
"""
from ..findings import Finding

CODE = "unsigned_commit"
VERDICTS = {
    "N": "没有签名", "B": "签名无效", "U": "签名有效但公钥未被信任", "X": "签名已过期",
    "Y": "签名密钥已过期", "R": "签名密钥已吊销", "E": "无法核验签名（缺少公钥或 allowed_signers 文件）",
}


def check(record, ctx):
    if not ctx.config.require_signed:
        return
    path = record.changes[0].path if record.changes else "ledger.yaml"
    item = record.changes[0].item if record.changes else None
    verdict = record.signature or "N"
    if verdict != "G":
        problem = VERDICTS.get(verdict, f"签名状态 {verdict}")
    elif record.author_email.lower() not in (record.signer or "").lower():
        problem = f"签名人 {record.signer} 不是作者本人"
    else:
        return
    yield Finding(
        path, 1, CODE,
        f"提交 {record.short}（{record.who}）{problem}。本台账要求每个提交都有作者本人的有效签名"
        "（git commit -S，公钥登记在 allowed_signers 中）。",
        item=item, commit=record.sha,
    )
