"""One scan: walk the inputs, cut them into units, run them on an executor (the local
process pool or a Dask cluster), gather one document."""

from __future__ import annotations

import itertools
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
from anke.engine.executors.base import Unit
from anke.engine.executors.units import plan
from anke.engine.inspect import BatchResult, InspectOptions, Listed
from anke.engine.lookup import answer
from anke.engine.result_cache import CacheSpec, open_store
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
        name = (path.resolve().name or str(path)) if prefix and path.is_dir() else ""
        for member in walk(path, limits):
            if name:
                member = (FileMember(member.real, f"{name}/{member.path}", member.size)
                          if isinstance(member, FileMember)
                          else SkippedMember(f"{name}/{member.path}", member.reason))
            yield member


def _misses(units: Iterator[Unit], options: InspectOptions, results: list[BatchResult],
            advance: Callable[[int], None]) -> Iterator[Unit]:
    """``units`` with what the result cache answers taken out (into ``results``)."""
    for unit in units:
        known, rest = answer(unit, options)
        results.append(known)
        if rest is None:
            advance(unit.weight)
        else:
            yield rest


def _unit_bytes(unit: Unit) -> int:
    return (sum(item[2] for item in unit.files) + sum(len(d) for _, d in unit.blobs)
            + sum(len(d) for _, d in unit.members))


def _head(units: Iterator[Unit]) -> tuple[bool, Iterator[Unit]]:
    """Whether all of ``units`` together are below the size worth a pool (they were then
    read to the end), and the same units, unconsumed."""
    head: list[Unit] = []
    size = 0
    for unit in units:
        head.append(unit)
        size += _unit_bytes(unit)
        if size >= _LOCAL_BYTES:
            return False, itertools.chain(head, units)
    return True, iter(head)


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
                             cache=options.cache, listing=options.listing,
                             remote=bool(options.cluster) and options.cache is not None)
    store = open_store(options.cache) if inspect.remote and options.cache else None
    work = plan(files, options.archives, options.listing)
    results: list[BatchResult] = [work.driver]
    done = 0

    def advance(weight: int) -> None:
        nonlocal done
        done += weight
        if progress and weight:
            progress(done, total)

    small = total < _LOCAL_BYTES or (work.batches < 2 and not work.archives)
    units: Iterator[Unit] = work.units()
    if options.cache is not None:  # answer what the cache knows here; only misses travel
        units = _misses(units, inspect, results, advance)
        if not small and not options.cluster:
            head, units = _head(units)
            small = small or head
    jobs = 1 if small and not options.cluster else options.jobs
    with closing(connect(options.cluster, options.cluster_fallback, jobs)) as executor:
        for weight, result in executor.run(units, inspect):
            if result.cached:  # a remote worker's results, kept in this machine's cache
                if store is not None:
                    store.put_many(result.cached)
                result.cached = {}
            results.append(result)
            advance(weight)
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
