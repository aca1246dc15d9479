"""Issue 9 point 8: the signer is the author, exactly.

`unsigned_commit` used to accept a good signature whose signer merely
contained the author's e-mail, so 小明 (`xiaoming@zjj.example`) could sign
for 明 (`ming@zjj.example`). Real SSH keys, real `git commit -S`.
"""

from ..conftest import item_yaml
from ..gitrepo import AUDIT_LEDGER, OFFICE, Repo, audit, keygen

ITEM = "items/2025/2025-0001.yaml"
MING = ("明", "ming@zjj.example")
XIAOMING = ("小明", "xiaoming@zjj.example")
LEDGER = AUDIT_LEDGER + (
    "  - {email: ming@zjj.example, name: 明, unit: zjj}\n"
    "  - {email: xiaoming@zjj.example, name: 小明, unit: zjj}\n"
    "audit:\n  require_signed: true\n  allowed_signers: allowed_signers\n")



def test_a_longer_address_does_not_sign_for_a_shorter_one(tmp_path):
    keys = tmp_path / "keys"
    li_key, li_pub = keygen(keys, "li")
    ming_key, ming_pub = keygen(keys, "ming")
    xiaoming_key, xiaoming_pub = keygen(keys, "xiaoming")
    repo = Repo(tmp_path / "ledger", LEDGER)
    repo.write("allowed_signers", f'li@duchashi.example namespaces="git" {li_pub}\n'
                                  f'ming@zjj.example namespaces="git" {ming_pub}\n'
                                  f'XiaoMing@zjj.example namespaces="git" {xiaoming_pub}\n')
    repo.write(ITEM, item_yaml("2025-0001"))
    repo.signed_commit("新建", OFFICE, "2025-03-20T10:00:00+08:00", li_key)
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工"]))
    repo.signed_commit("明本人签名", MING, "2025-03-26T09:00:00+08:00", ming_key)
    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工",
                                                    "date: 2025-04-25, type: progress, text: 过半"]))
    # The principal differs from the author only in case: the same address.
    repo.signed_commit("小明本人签名", XIAOMING, "2025-04-26T09:00:00+08:00", xiaoming_key)
    assert audit(repo) == []

    repo.write(ITEM, item_yaml("2025-0001", events=["date: 2025-03-25, type: progress, text: 已开工",
                                                    "date: 2025-04-25, type: progress, text: 过半",
                                                    "date: 2025-05-25, type: progress, text: 完成八成"]))
    forged = repo.signed_commit("小明替明签名", MING, "2025-05-26T09:00:00+08:00", xiaoming_key)
    [finding] = audit(repo)
    assert (finding.code, finding.file, finding.line, finding.commit) == ("unsigned_commit", ITEM, 1, forged)
    assert "不是作者本人" in finding.message and "xiaoming@zjj.example" in finding.message.lower()
    assert "ming@zjj.example" in finding.message
