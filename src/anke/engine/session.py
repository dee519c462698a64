"""One scan: walk the inputs, spread batches over a process pool, gather one document."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from anke import __version__
from anke.catalog import load_catalog
from anke.detect.source_api.detector import SourceLimits
from anke.engine.inspect import BatchResult, InspectOptions, inspect_batch, prepare
from anke.findings.model import ScanDocument, ScanStats, Skipped, ToolInfo
from anke.inputs.archives import ArchiveLimits
from anke.inputs.walk import FileMember, SkippedMember, WalkLimits, walk
from anke.rules import load_rules

Progress = Callable[[int, int], None]  # (bytes done, bytes total)

_BATCH_BYTES = 2 * 1024 * 1024
_BATCH_FILES = 64
_LOCAL_BYTES = 1024 * 1024  # below this a pool costs more than it saves


@dataclass(frozen=True)
class ScanOptions:
    """How to scan."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    walk: WalkLimits = field(default_factory=WalkLimits)
    source: SourceLimits = field(default_factory=SourceLimits)
    archives: ArchiveLimits = field(default_factory=ArchiveLimits)


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


def _batches(files: list[FileMember]) -> list[list[tuple[str, str, int]]]:
    batches: list[list[tuple[str, str, int]]] = []
    current: list[tuple[str, str, int]] = []
    size = 0
    for member in files:
        current.append((member.real, member.path, member.size))
        size += member.size
        if size >= _BATCH_BYTES or len(current) >= _BATCH_FILES:
            batches.append(current)
            current, size = [], 0
    if current:
        batches.append(current)
    return batches


def scan_paths(paths: list[Path], options: ScanOptions | None = None,
               progress: Progress | None = None) -> ScanDocument:
    """Scan files and directories; everything not inspected is listed in ``stats.skipped``."""
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
    total = sum(f.size for f in files)
    batches = _batches(files)
    results: list[BatchResult] = []
    done = 0
    inspect = InspectOptions(source=options.source, archives=options.archives)
    if options.jobs <= 1 or total < _LOCAL_BYTES or len(batches) < 2:
        for batch in batches:
            results.append(inspect_batch(batch, inspect))
            done += sum(m[2] for m in batch)
            if progress:
                progress(done, total)
    else:
        prepare(inspect)  # compiled once here, inherited by forked workers
        context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
        batches.sort(key=lambda b: -sum(m[2] for m in b))  # big batches first
        with ProcessPoolExecutor(max_workers=options.jobs, mp_context=context) as pool:
            futures: dict[Future[BatchResult], int] = {
                pool.submit(inspect_batch, batch, inspect): sum(m[2] for m in batch)
                for batch in batches
            }
            for future in as_completed(futures):
                results.append(future.result())
                done += futures[future]
                if progress:
                    progress(done, total)
    stats = ScanStats(skipped=skipped)
    findings = []
    for result in results:
        findings.extend(result.findings)
        stats.skipped.extend(result.skipped)
        stats.files += result.files
        stats.bytes += result.bytes
        stats.parsed += result.parsed
        stats.members += result.members
    findings.sort(key=lambda f: f.sort_key())
    stats.skipped.sort(key=lambda s: (s.path, s.reason))
    stats.seconds = round(time.perf_counter() - started, 3)
    root = str(paths[0]) if len(paths) == 1 else " ".join(str(p) for p in paths)
    tool = ToolInfo(version=__version__, rules_digest=f"{rules.digest}-{catalog.digest}")
    return ScanDocument(tool=tool, root=root, stats=stats, findings=findings)
