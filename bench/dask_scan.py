"""The overhead of going distributed: the dense corpus on the local pool and on Dask.

The corpus is the dense one: the ``npm-*`` and ``pypi-*`` folders of
``/work/cache/bench/corpus/``.  It is scanned ``--runs`` times with the local process pool
(``--jobs`` workers) and ``--runs`` times on a ``distributed.LocalCluster`` of as many
single-threaded worker processes, started before the clock runs (an existing cluster, as with
``anke scan --cluster``); the first cluster scan, in which each worker builds its detectors,
is reported apart.  The medians and their ratio (cluster / local) are printed; both scans
must give the same findings.

    .venv/bin/python bench/dask_scan.py [--runs 3] [--jobs 2] [DIR ...]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

import distributed

from anke.engine import ScanOptions, scan_paths
from anke.findings.model import ScanDocument

CORPUS = Path("/work/cache/bench/corpus")
LOCAL_CLUSTER: Any = distributed.LocalCluster  # distributed has no type hints


def timed(paths: list[Path], options: ScanOptions) -> tuple[float, ScanDocument]:
    """Seconds one scan took, and its document."""
    started = time.perf_counter()
    document = scan_paths(paths, options)
    return time.perf_counter() - started, document


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("dirs", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.dirs or sorted([*CORPUS.glob("npm-*"), *CORPUS.glob("pypi-*")])
    local_times: list[float] = []
    for _ in range(args.runs):
        seconds, local = timed(paths, ScanOptions(jobs=args.jobs))
        local_times.append(seconds)
    with LOCAL_CLUSTER(n_workers=args.jobs, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        options = ScanOptions(jobs=args.jobs, cluster=str(cluster.scheduler_address))
        first, _ = timed(paths, options)
        cluster_times: list[float] = []
        for _ in range(args.runs):
            seconds, remote = timed(paths, options)
            cluster_times.append(seconds)
    assert remote.findings == local.findings, "the cluster scan found something else"
    mb = local.stats.bytes / 1e6
    local_median, cluster_median = statistics.median(local_times), statistics.median(cluster_times)
    print(f"corpus: {len(paths)} folders, {local.stats.files} files, {mb:.1f} MB, "
          f"{len(local.findings)} findings")
    print(f"local pool, {args.jobs} processes: median {local_median:.2f} s "
          f"({', '.join(f'{t:.2f}' for t in local_times)})")
    print(f"LocalCluster, {args.jobs} workers: median {cluster_median:.2f} s "
          f"({', '.join(f'{t:.2f}' for t in cluster_times)}); first scan, workers cold: "
          f"{first:.2f} s")
    print(f"ratio cluster / local: {cluster_median / local_median:.2f}x "
          f"(cold first scan: {first / local_median:.2f}x)")


if __name__ == "__main__":
    main()
