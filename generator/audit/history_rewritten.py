"""`history_rewritten`: the published head is no longer in the history.

`ducha build` writes the commit it published into each site
(`ledger-head.json`). If that commit is not an ancestor of HEAD, the
history that the public saw has been rewritten (a force push, a rebase).

FAIL: the site says it was built from `3f2a…`, HEAD no longer contains it.
"""
import json

from ..findings import Finding
from ..history import is_ancestor, resolve

CODE = "history_rewritten"


def check(published, ctx):
    try:
        data = json.loads(published.read_text(encoding="utf-8"))
        commit = str(data["commit"])
    except (OSError, ValueError, KeyError, TypeError):
        yield Finding(str(published), None, CODE,
                      f"无法读取已发布的 {published.name}：应当是 ducha build 写入网站的 ledger-head.json。")
        return
    sha = resolve(ctx.ledger, commit)
    if sha is None or not is_ancestor(ctx.ledger, sha, "HEAD"):
        yield Finding(
            str(published), None, CODE,
            f"已发布网站所依据的提交 {commit[:10]} 不在当前历史中（不是 HEAD 的祖先）："
            "已公开的历史被改写（强制推送或变基）。请恢复原历史，更正应以新提交的形式追加。",
            commit=commit,
        )
