"""``anke check PATH|FINDINGS.json --rulebook ID``: judge software against a rulebook.

Exit codes (for CI gates): 0 pass, 1 fail, 2 usage or input error, 3 needs evidence,
4 the rulebook is not in force on the date (suspended, withdrawn, or not yet in force).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from anke.cli.scan_options import add_scan_options, check_output, scan_with_progress
from anke.errors import AnkeError

if TYPE_CHECKING:  # imported when the command runs, so that `anke scan` starts faster
    from anke.evaluation.result import Evaluation
    from anke.evaluation.whatif import Change
    from anke.findings.model import ScanDocument
    from anke.rulebooks.loader import LoadedRulebook

_MAX_FINDINGS_JSON = 1 << 30


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def add_check_parser(commands: Any) -> None:
    """Register the ``check`` command."""
    parser = commands.add_parser(
        "check", help="judge software (or a scan's findings) against a rulebook",
        description="Judge software, or the findings of an earlier `anke scan --format json`, "
        "against the rulebook version in force on a date. Exit codes: 0 pass, 1 fail, "
        "2 usage or input error, 3 needs evidence, 4 rulebook not in force on the date.")
    parser.add_argument("paths", nargs="+", metavar="PATH",
                        help="files or folders to scan, or one FINDINGS.json")
    parser.add_argument("--rulebook", required=True, metavar="ID",
                        help="a shipped rulebook id (see `anke rulebook list`) or a file")
    parser.add_argument("--version", metavar="V", help="judge under this version, whatever "
                        "is in force (drafts and hypothetical versions included)")
    parser.add_argument("--as-of", type=_date, metavar="DATE", default=None,
                        help="the date to judge on (default: today)")
    parser.add_argument("--evidence", metavar="FILE", help="attestations and triage (YAML)")
    parser.add_argument("--category", metavar="C", help="the product's asset category")
    parser.add_argument("--level", type=int, metavar="N", help="the protection level")
    parser.add_argument("--what-if", metavar="REF", dest="what_if",
                        help="also judge under REF (a version of the same rulebook, or "
                        "RULEBOOK or RULEBOOK@VERSION) and show which controls change")
    parser.add_argument("--format", choices=("table", "json", "sarif", "html"),
                        default="table", help="output format: the verdict table, the JSON "
                        "evaluation, SARIF 2.1.0 (findings and control verdicts), or a "
                        "self-contained HTML page (default: table)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the result to FILE")
    add_scan_options(parser)
    parser.set_defaults(handler=run_check)


def _findings_file(path: Path) -> ScanDocument | None:
    """The scan document in ``path`` when it is a findings JSON file, else None."""
    from pydantic import ValidationError

    from anke.findings.model import ScanDocument

    if path.suffix.lower() != ".json" or not path.is_file():
        return None
    try:
        if path.stat().st_size > _MAX_FINDINGS_JSON:
            raise AnkeError(f"{path}: findings file larger than {_MAX_FINDINGS_JSON} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise AnkeError(f"{path}: cannot read findings: {exc}") from None
    try:
        return ScanDocument.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise AnkeError(f"{path}: not an anke scan document ({where}: {first['msg']})") from None


def _document(args: argparse.Namespace) -> ScanDocument:
    paths = [Path(p) for p in args.paths]
    if len(paths) == 1:
        loaded = _findings_file(paths[0])
        if loaded is not None:
            return loaded
    return scan_with_progress(paths, args)


def _other(ref: str, current: LoadedRulebook) -> tuple[LoadedRulebook, str | None]:
    """The rulebook and version a ``--what-if`` reference names."""
    from anke.rulebooks.loader import find_rulebook

    if "@" in ref:
        name, version = ref.split("@", 1)
        return find_rulebook(name), version
    if any(item.version == ref for item in current.rulebook.versions):
        return current, ref
    return find_rulebook(ref), None


def judge(args: argparse.Namespace, rulebook: LoadedRulebook,
          document: ScanDocument) -> tuple[Evaluation, tuple[Evaluation, list[Change]] | None]:
    """The evaluation the flags ask for, and the what-if comparison when asked."""
    from anke.evaluation.evaluate import evaluate
    from anke.evaluation.evidence import Evidence, load_evidence
    from anke.evaluation.whatif import compare
    from anke.rulebooks.lifecycle import resolve

    as_of = args.as_of or dt.date.today()
    evidence = load_evidence(Path(args.evidence)) if args.evidence else Evidence()
    result = evaluate(resolve(rulebook, as_of, args.version), document, evidence,
                      category=args.category, level=args.level)
    if not args.what_if:
        return result, None
    other_book, other_version = _other(args.what_if, rulebook)
    other = evaluate(resolve(other_book, as_of, other_version), document, evidence,
                     category=args.category, level=args.level)
    return result, (other, compare(result, other))


def run_check(args: argparse.Namespace) -> int:
    """Execute ``anke check``."""
    from anke.rulebooks.loader import find_rulebook

    check_output(args.output)
    rulebook = find_rulebook(args.rulebook)  # a wrong name fails before any scanning
    if args.evidence and not Path(args.evidence).is_file():
        raise AnkeError(f"no such evidence file: {args.evidence}")
    document = _document(args)
    result, whatif = judge(args, rulebook, document)
    from anke.report.formats import render_evaluation

    text = render_evaluation(document, result, whatif, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return result.exit_code
