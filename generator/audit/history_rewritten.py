"""`history_rewritten`: the published head is no longer in the history.

`ducha build` writes the commit it published into each site
(`ledger-head.json`). If that commit is not an ancestor of HEAD, the
history that the public saw has been rewritten (a force push, a rebase).

FAIL: the site says it was built from `3f2a…`, HEAD no longer contains it.
"""
import json

from ..findings import Finding

CODE = "history_rewritten"


def read_commit(published) -> str | None:
    """The commit the site says it was built from (None: the file does not read as ledger-head.json)."""
    try:
        data = json.loads(published.read_text(encoding="utf-8"))
        return str(data["commit"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def check(published, ctx):
    """Reads `ctx.in_history` (precomputed by `run_audit`: no Git here)."""
    commit = read_commit(published)
    if commit is None:
        yield Finding(str(published), None, CODE,
                      f"无法读取已发布的 {published.name}：应当是 ducha build 写入网站的 ledger-head.json。")
        return
    if not ctx.in_history.get(commit, False):
        yield Finding(
            str(published), None, CODE,
            f"已发布网站所依据的提交 {commit[:10]} 不在当前历史中（不是 HEAD 的祖先）："
            "已公开的历史被改写（强制推送或变基）。请恢复原历史，更正应以新提交的形式追加。",
            commit=commit,
        )
