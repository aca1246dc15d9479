"""Each rule carries its code, severity, Chinese title and explanation; docs/rules.md §10 is made from them (issue 12, point 6)."""
from __future__ import annotations

import re

import pytest

from ducha import rules, rulesdoc
from ducha.findings import CODES, TITLES

from .conftest import REPO

RULES_DOC = REPO / "docs" / "rules.md"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("module", list(rules.RULES.values()), ids=lambda m: m.CODE)
def test_each_rule_declares_what_the_docs_say_of_it(module):
    assert module.SEVERITY == CODES[module.CODE]
    assert module.TITLE == TITLES[module.CODE] and CJK.search(module.TITLE)
    assert CJK.search(module.EXPLANATION) and len(module.EXPLANATION) >= 40
    if module.SECTION is not None:  # the section that explains the computation exists
        assert re.search(rf"^## {module.SECTION}\. ", RULES_DOC.read_text(encoding="utf-8"), re.M)


def test_docs_rules_md_sections_are_generated_from_the_rules():
    text = RULES_DOC.read_text(encoding="utf-8")
    assert rulesdoc.updated(text) == text, "docs/rules.md §10 is stale: run `python -m ducha.rulesdoc`"
    for code, module in rules.RULES.items():
        assert rulesdoc.heading(code) + "\n" in text
        assert module.EXPLANATION in text


def test_rulesdoc_rewrites_a_stale_copy(tmp_path):
    stale = tmp_path / "rules.md"
    text = RULES_DOC.read_text(encoding="utf-8")
    stale.write_text(text.replace(rules.RULES["overdue"].EXPLANATION, "旧的说明。"), encoding="utf-8")
    assert rulesdoc.main([str(stale)]) == 0
    assert stale.read_text(encoding="utf-8") == text


def test_references_point_into_this_repository():
    """No code, schema or hover text points at RULES.md, CONTRACT.md or "seed §" (not in this repository)."""
    stale = re.compile(r"RULES\.md|CONTRACT\.md|seed §")
    paths = [*(REPO / "generator").rglob("*.py"), *(REPO / "schema").glob("*.json"), REPO / "docs" / "rules.md"]
    found = [f"{p.relative_to(REPO)}:{n}" for p in paths
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if stale.search(line)]
    assert not found, "references outside the repository:\n" + "\n".join(found)
