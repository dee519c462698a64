"""``anke scan PATH...``: inventory the cryptography of files and directories."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from anke.detect.source_api.detector import SourceLimits
from anke.engine import ScanOptions, scan_paths
from anke.errors import AnkeError
from anke.inputs.archives import ArchiveLimits
from anke.inputs.walk import WalkLimits
from anke.report.json_doc import render_json


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def add_scan_parser(commands: Any) -> None:
    """Register the ``scan`` command."""
    parser = commands.add_parser("scan", help="inventory the cryptography in files and folders",
                                 description="Inventory the cryptography in files and folders.")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument("--format", choices=("table", "json"), default="table",
                        help="output format (default: table)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the result to FILE")
    parser.add_argument("-j", "--jobs", type=_positive, default=os.cpu_count() or 1,
                        help="worker processes (default: all cores)")
    parser.add_argument("--max-file-size", type=_positive, default=WalkLimits().max_file_bytes,
                        metavar="BYTES", help="skip files larger than this")
    parser.add_argument("--max-depth", type=_positive, default=WalkLimits().max_depth,
                        help="skip directories nested deeper than this")
    parser.add_argument("--whole-file-limit", type=_positive,
                        default=SourceLimits().whole_file_bytes, metavar="BYTES",
                        help="parse larger source files only around prefilter hits")
    archives = ArchiveLimits()
    parser.add_argument("--max-unpacked", type=_positive, default=archives.max_total_bytes,
                        metavar="BYTES", help="stop unpacking an input after this many bytes "
                        "(all members, all levels; default %(default)s)")
    parser.add_argument("--max-member", type=_positive, default=archives.max_member_bytes,
                        metavar="BYTES", help="skip archive members larger than this unpacked "
                        "(default %(default)s)")
    parser.add_argument("--max-ratio", type=_positive, default=archives.max_ratio,
                        help="skip members that unpack to more than this many times their "
                        "packed size, above 1 MiB (default %(default)s)")
    parser.add_argument("--max-members", type=_positive, default=archives.max_members,
                        help="stop unpacking an input after this many members "
                        "(default %(default)s)")
    parser.add_argument("--max-nesting", type=_positive, default=archives.max_depth,
                        help="skip archives nested deeper than this (default %(default)s)")
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    parser.set_defaults(handler=run_scan)


def run_scan(args: argparse.Namespace) -> int:
    """Execute ``anke scan``."""
    paths = [Path(p) for p in args.paths]
    for path in paths:
        if not os.path.lexists(path):
            raise AnkeError(f"no such file or directory: {path}")
    options = ScanOptions(
        jobs=args.jobs,
        walk=WalkLimits(max_depth=args.max_depth, max_file_bytes=args.max_file_size),
        source=SourceLimits(whole_file_bytes=args.whole_file_limit),
        archives=ArchiveLimits(max_total_bytes=args.max_unpacked,
                               max_member_bytes=args.max_member, max_ratio=args.max_ratio,
                               max_members=args.max_members, max_depth=args.max_nesting),
    )
    if args.output:
        try:
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
            open(args.output, "a").close()
        except OSError as exc:
            raise AnkeError(f"cannot write {args.output}: {exc.strerror}") from None
    if sys.stderr.isatty() and not args.no_progress:
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        with Progress("[progress.description]{task.description}", BarColumn(),
                      DownloadColumn(), TimeRemainingColumn(), transient=True,
                      console=None) as bar:
            task = bar.add_task("scanning", total=None)
            document = scan_paths(paths, options,
                                  lambda done, total: bar.update(task, completed=done,
                                                                 total=total))
    else:
        document = scan_paths(paths, options)
    if args.format == "json":
        text = render_json(document)
    else:
        from anke.report.table import render_table  # rich is only needed for the table

        text = render_table(document)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0
