"""What every command that scans shares: the limits flags, the output check, the progress bar."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from anke.detect.source_api.detector import SourceLimits
from anke.engine import ScanOptions, scan_paths
from anke.engine.result_cache import CacheSpec, default_spec
from anke.errors import AnkeError
from anke.findings.model import ScanDocument
from anke.inputs.archives import ArchiveLimits
from anke.inputs.walk import WalkLimits


def positive(value: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return number


def add_scan_options(parser: argparse.ArgumentParser) -> None:
    """The flags that bound and spread a scan."""
    parser.add_argument("-j", "--jobs", type=positive, default=os.cpu_count() or 1,
                        help="worker processes (default: all cores)")
    parser.add_argument("--max-file-size", type=positive, default=WalkLimits().max_file_bytes,
                        metavar="BYTES", help="skip files larger than this")
    parser.add_argument("--max-depth", type=positive, default=WalkLimits().max_depth,
                        help="skip directories nested deeper than this")
    parser.add_argument("--whole-file-limit", type=positive,
                        default=SourceLimits().whole_file_bytes, metavar="BYTES",
                        help="parse larger source files only around prefilter hits")
    archives = ArchiveLimits()
    parser.add_argument("--max-unpacked", type=positive, default=archives.max_total_bytes,
                        metavar="BYTES", help="stop unpacking an input after this many bytes "
                        "(all members, all levels; default %(default)s)")
    parser.add_argument("--max-member", type=positive, default=archives.max_member_bytes,
                        metavar="BYTES", help="skip archive members larger than this unpacked "
                        "(default %(default)s)")
    parser.add_argument("--max-ratio", type=positive, default=archives.max_ratio,
                        help="skip members that unpack to more than this many times their "
                        "packed size, above 1 MiB (default %(default)s)")
    parser.add_argument("--max-members", type=positive, default=archives.max_members,
                        help="stop unpacking an input after this many members "
                        "(default %(default)s)")
    parser.add_argument("--max-nesting", type=positive, default=archives.max_depth,
                        help="skip archives nested deeper than this (default %(default)s)")
    parser.add_argument("--cluster", metavar="ADDRESS", help="run the inspection on the Dask "
                        "cluster whose scheduler listens at ADDRESS (tcp://HOST:8786); files and "
                        "archive members travel to its workers as bytes (default: this machine)")
    parser.add_argument("--cluster-fallback", choices=("local",), help="when the --cluster "
                        "scheduler cannot be reached, scan on this machine instead of failing "
                        "(without it an unreachable scheduler is an error, exit code 2)")
    cache = parser.add_mutually_exclusive_group()
    cache.add_argument("--cache", metavar="DIR", help="keep detector results in DIR/"
                       "results.sqlite, keyed by the bytes of each member and the rules that "
                       "judged them, so unchanged members are not inspected again (default: "
                       "$ANKE_CACHE_DIR, else ~/.cache/anke)")
    cache.add_argument("--no-cache", action="store_true",
                       help="inspect every member, neither reading nor writing the result cache")
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")


def scan_options(args: argparse.Namespace) -> ScanOptions:
    """The scan options the flags ask for."""
    return ScanOptions(
        jobs=args.jobs,
        walk=WalkLimits(max_depth=args.max_depth, max_file_bytes=args.max_file_size),
        source=SourceLimits(whole_file_bytes=args.whole_file_limit),
        archives=ArchiveLimits(max_total_bytes=args.max_unpacked,
                               max_member_bytes=args.max_member, max_ratio=args.max_ratio,
                               max_members=args.max_members, max_depth=args.max_nesting),
        cluster=args.cluster,
        cluster_fallback=args.cluster_fallback,
        cache=result_cache(args),
    )


def result_cache(args: argparse.Namespace) -> CacheSpec | None:
    """The result cache the flags ask for: on by default, in anke's cache directory."""
    if getattr(args, "no_cache", False):
        return None
    directory = getattr(args, "cache", None)
    return CacheSpec("sqlite", directory) if directory else default_spec()


def check_output(output: str | None) -> None:
    """Fail before any work when the output file cannot be written."""
    if not output:
        return
    try:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        open(output, "a").close()
    except OSError as exc:
        raise AnkeError(f"cannot write {output}: {exc.strerror}") from None


def scan_with_progress(paths: list[Path], args: argparse.Namespace) -> ScanDocument:
    """Scan ``paths`` with the flags' options, with a progress bar on a terminal."""
    for path in paths:
        if not os.path.lexists(path):
            raise AnkeError(f"no such file or directory: {path}")
    options = scan_options(args)
    if sys.stderr.isatty() and not args.no_progress:
        from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

        with Progress("[progress.description]{task.description}", BarColumn(),
                      DownloadColumn(), TimeRemainingColumn(), transient=True,
                      console=None) as bar:
            task = bar.add_task("scanning", total=None)
            return scan_paths(paths, options,
                              lambda done, total: bar.update(task, completed=done, total=total))
    return scan_paths(paths, options)
