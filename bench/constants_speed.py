"""How fast the constants detector scans: its matching alone, unpacking timed apart.

The corpus is the binary one: the six Debian packages in ``/work/cache/bench/dl/deb/`` (or
the ``.deb`` files given). Each is unpacked in memory with :mod:`anke.inputs.archives` (timed
on its own), then every member is handed to ``ConstantsDetector.detect`` as the engine does;
the scan is repeated ``--runs`` times and the median is reported in MB/s, of wall time and of
the process's CPU time (steadier when other work shares the machine), with the findings per
table of the last run.

    .venv/bin/python bench/constants_speed.py [--runs 5] [DEB ...]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from anke.detect.constants import ConstantsDetector
from anke.inputs.archives.expand import Unpacked, expand
from anke.inputs.archives.limits import ArchiveLimits, Budget
from anke.inputs.archives.sniff import sniff

CORPUS = Path("/work/cache/bench/dl/deb")


def unpack(paths: list[Path]) -> tuple[list[tuple[str, bytes]], float]:
    """Every member of the packages, in memory, and the seconds unpacking took."""
    members: list[tuple[str, bytes]] = []
    started = time.perf_counter()
    for path in paths:
        with path.open("rb") as handle:
            kind = sniff(handle.peek(512)[:512])
            if kind is None:
                members.append((path.name, handle.read()))
                continue
            budget = Budget(ArchiveLimits())
            for item in expand(path.name, handle, kind, path.stat().st_size, budget):
                if isinstance(item, Unpacked):
                    members.append((item.path, item.data))
    return members, time.perf_counter() - started


def scan(detector: ConstantsDetector,
         members: list[tuple[str, bytes]]) -> tuple[float, float, Counter[str]]:
    """Wall and CPU seconds to run the detector over every member, and findings per rule."""
    found: Counter[str] = Counter()
    wall, cpu = time.perf_counter(), time.process_time()
    for path, data in members:
        if detector.handles(path, data[:4096]):
            for finding in detector.detect(path, data).findings:
                found[f"{finding.rule} ({finding.algorithm})"] += 1
    return time.perf_counter() - wall, time.process_time() - cpu, found


def main(argv: list[str] | None = None) -> int:
    """Print unpacking time and the constants scan's median throughput."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("debs", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.debs or sorted(CORPUS.glob("*.deb"))
    if not paths:
        print(f"no .deb files in {CORPUS}", file=sys.stderr)
        return 2
    members, unpack_seconds = unpack(paths)
    total = sum(len(data) for _, data in members)
    detector = ConstantsDetector()
    scan(detector, members[:1])  # compile (or load) the matcher outside the timing
    times: list[float] = []
    cpu_times: list[float] = []
    found: Counter[str] = Counter()
    for _ in range(max(1, args.runs)):
        seconds, cpu, found = scan(detector, members)
        times.append(seconds)
        cpu_times.append(cpu)
    median, cpu_median = statistics.median(times), statistics.median(cpu_times)
    print(f"corpus: {len(paths)} packages, {len(members)} members, {total / 1e6:.1f} MB unpacked")
    print(f"unpacking: {unpack_seconds:.2f} s ({total / 1e6 / unpack_seconds:.0f} MB/s)")
    print(f"constants scan: median {median:.3f} s wall over {len(times)} runs "
          f"= {total / 1e6 / median:.0f} MB/s (min {min(times):.3f} s, max {max(times):.3f} s)")
    print(f"constants scan: median {cpu_median:.3f} s CPU = {total / 1e6 / cpu_median:.0f} MB/s "
          "(the process's own CPU time: steadier on a shared machine)")
    for rule, count in sorted(found.items()):
        print(f"  {count:4d}  {rule}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
