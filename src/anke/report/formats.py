"""Which report renders which output format, each imported only when asked for."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from anke.evaluation.result import Evaluation
    from anke.evaluation.whatif import Change
    from anke.findings.model import ScanDocument


def render_scan(document: ScanDocument, fmt: str) -> str:
    """A scan document as ``table``, ``json``, ``cbom``, ``sarif`` or ``html``."""
    if fmt == "json":
        from anke.report.json_doc import render_json

        return render_json(document)
    if fmt == "cbom":
        from anke.report.cbom import render_cbom

        return render_cbom(document)
    if fmt == "sarif":
        from anke.report.sarif import render_sarif

        return render_sarif(document)
    if fmt == "html":
        from anke.report.html import render_html

        return render_html(document)
    from anke.report.table import render_table

    return render_table(document)


def render_evaluation(document: ScanDocument, evaluation: Evaluation,
                      whatif: tuple[Evaluation, list[Change]] | None, fmt: str) -> str:
    """A check result as ``table``, ``json``, ``sarif`` or ``html``."""
    if fmt == "json":
        return evaluation.model_dump_json(indent=2) + "\n"
    if fmt == "sarif":
        from anke.report.sarif import render_sarif

        return render_sarif(document, evaluation)
    if fmt == "html":
        from anke.report.html import render_html

        return render_html(document, evaluation)
    from anke.report.check_table import render_check

    return render_check(evaluation, whatif)
