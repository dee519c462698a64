"""The terminal inventory table: algorithms in rows, libraries and hidden access below."""

from __future__ import annotations

from anke.findings.model import Context, FindingKind
from anke.report.table import inventory, render_table
from findings_factory import document, finding


def test_libraries_and_secrets_are_not_unresolved_algorithms() -> None:
    library = finding(None, kind=FindingKind.LIBRARY, path="package.json", library="sm-crypto",
                      version="0.5.8", rule="manifests.package-json")
    secret = finding(None, kind=FindingKind.SECRET, path="tests/conf.py", rule="secret.keyword")
    secret = secret.model_copy(update={"context": Context.TEST})
    findings = [finding("SM4"), library, secret, finding(None, line=9)]
    assert sorted(row.algorithm for row in inventory(findings)) == ["(unresolved)", "SM4"]
    text = render_table(document(*findings))
    assert "libraries: sm-crypto 0.5.8" in text
    assert "secret findings: 1 (1 in tests, docs or examples)" in text
