"""``anke scan PATH...``: inventory the cryptography of files and directories."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from anke.cli.scan_options import add_scan_options, check_output, scan_with_progress
from anke.report.formats import render_scan


def add_scan_parser(commands: Any) -> None:
    """Register the ``scan`` command."""
    parser = commands.add_parser("scan", help="inventory the cryptography in files and folders",
                                 description="Inventory the cryptography in files and folders.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument("--format", choices=("table", "json", "cbom", "sarif", "html"),
                        default="table", help="output format: the inventory table, the JSON "
                        "scan document, a CycloneDX 1.6 CBOM, SARIF 2.1.0, or a self-contained "
                        "HTML page (default: table)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the result to FILE")
    add_scan_options(parser)
    parser.set_defaults(handler=run_scan)


def run_scan(args: argparse.Namespace) -> int:
    """Execute ``anke scan``."""
    paths = [Path(p) for p in args.paths]
    check_output(args.output)
    document = scan_with_progress(paths, args)
    text = render_scan(document, args.format)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
