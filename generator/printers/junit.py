"""JUnit XML: a test case per file looked at, failing where it has errors or warnings.

Valid against Jenkins' junit-10.xsd, which has no `file` attribute on a test
case: the file, relative to the repository root, is the case's `classname`
(GitLab shows it as the suite of the case) and its `name`.
"""
from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

LEDGER_CASE = "台账整体"


def render(report, color: bool = False) -> str:
    by_file = defaultdict(list)
    for f in report.findings:
        by_file[f.file or LEDGER_CASE].append(f)
    names = list(dict.fromkeys(list(report.files) + sorted(by_file)))
    suite = ET.Element("testsuite", name=f"ducha {report.command}")
    failures = 0
    for name in names:
        path = report.repo_path(None if name == LEDGER_CASE else name)
        case = ET.SubElement(suite, "testcase", classname=path, name=LEDGER_CASE if name == LEDGER_CASE else path)
        found = by_file.get(name, [])
        bad = [f for f in found if f.severity in ("error", "warning")]
        body = "\n".join(f"{report.repo_path(f.file)}:{f.line or ''} [{f.severity}] {f.code} {f.message}" for f in found)
        if bad:
            failures += 1
            fail = ET.SubElement(case, "failure", type=bad[0].code, message=bad[0].message)
            fail.text = body
        elif found:
            ET.SubElement(case, "system-out").text = body
    suite.set("tests", str(len(names)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
