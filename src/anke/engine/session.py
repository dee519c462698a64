"""One scan: walk the inputs, cut them into units, run them on an executor (the local
process pool or a Dask cluster), gather one document."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from anke import __version__
from anke.catalog import load_catalog
from anke.detect.source_api.detector import SourceLimits
from anke.engine.executors import connect
from anke.engine.executors.units import plan
from anke.engine.inspect import BatchResult, InspectOptions, Listed
from anke.engine.result_cache import CacheSpec
from anke.findings.model import ScanDocument, ScanStats, Skipped, ToolInfo
from anke.inputs.archives import ArchiveLimits
from anke.inputs.walk import FileMember, SkippedMember, WalkLimits, walk
from anke.rules import load_rules

Progress = Callable[[int, int], None]  # (bytes done, bytes total)

_LOCAL_BYTES = 1024 * 1024  # below this a pool costs more than it saves


@dataclass(frozen=True)
class ScanOptions:
    """How to scan."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    walk: WalkLimits = field(default_factory=WalkLimits)
    source: SourceLimits = field(default_factory=SourceLimits)
    archives: ArchiveLimits = field(default_factory=ArchiveLimits)
    cluster: str | None = None  # a Dask scheduler's address (tcp://host:8786), else local
    cluster_fallback: str | None = None  # "local": scan here when the scheduler is unreachable
    cache: CacheSpec | None = None  # the store of detector results (result_cache), or none
    listing: bool = False  # list every member met (see scan_listing)


def _members(paths: list[Path], limits: WalkLimits) -> Iterator[FileMember | SkippedMember]:
    prefix = len(paths) > 1
    for path in paths:
        for member in walk(path, limits):
            if prefix and path.is_dir():
                name = path.resolve().name or str(path)
                member = (FileMember(member.real, f"{name}/{member.path}", member.size)
                          if isinstance(member, FileMember)
                          else SkippedMember(f"{name}/{member.path}", member.reason))
            yield member


def scan_paths(paths: list[Path], options: ScanOptions | None = None,
               progress: Progress | None = None) -> ScanDocument:
    """Scan files and directories; everything not inspected is listed in ``stats.skipped``."""
    return scan_listing(paths, options, progress)[0]


def scan_listing(paths: list[Path], options: ScanOptions | None = None,
                 progress: Progress | None = None) -> tuple[ScanDocument, list[Listed]]:
    """:func:`scan_paths`, and with ``options.listing`` every member (and archive member)
    the scan met, in path order: its size and SHA-256, or why it was refused.  The listing
    comes from the same reading as the findings, so it costs one hash per member."""
    options = options or ScanOptions()
    started = time.perf_counter()
    rules, catalog = load_rules(), load_catalog()
    files: list[FileMember] = []
    skipped: list[Skipped] = []
    for member in _members(paths, options.walk):
        if isinstance(member, FileMember):
            files.append(member)
        else:
            skipped.append(Skipped(path=member.path, reason=member.reason))
    walked = [Listed(path=s.path, reason=s.reason) for s in skipped] if options.listing else []
    total = sum(f.size for f in files)
    inspect = InspectOptions(source=options.source, archives=options.archives,
                             cache=options.cache, listing=options.listing)
    work = plan(files, options.archives, options.listing)
    results: list[BatchResult] = [work.driver]
    done = 0
    small = total < _LOCAL_BYTES or (work.batches < 2 and not work.archives)
    jobs = 1 if small and not options.cluster else options.jobs
    with closing(connect(options.cluster, options.cluster_fallback, jobs)) as executor:
        for weight, result in executor.run(work.units(), inspect):
            results.append(result)
            done += weight
            if progress and weight:
                progress(done, total)
    stats = ScanStats(skipped=skipped)
    findings = []
    listed = walked
    for result in results:
        findings.extend(result.findings)
        listed.extend(result.listed)
        stats.skipped.extend(result.skipped)
        stats.files += result.files
        stats.bytes += result.bytes
        stats.parsed += result.parsed
        stats.members += result.members
    findings.sort(key=lambda f: f.sort_key())  # ties share a path, so one unit: stable
    stats.skipped.sort(key=lambda s: (s.path, s.reason))
    stats.seconds = round(time.perf_counter() - started, 3)
    root = str(paths[0]) if len(paths) == 1 else " ".join(str(p) for p in paths)
    tool = ToolInfo(version=__version__, rules_digest=f"{rules.digest}-{catalog.digest}")
    listed.sort(key=lambda item: item.path)
    return ScanDocument(tool=tool, root=root, stats=stats, findings=findings), listed
