"""Run a command and measure its wall time and the peak memory of its whole process tree.

Memory is measured two ways, both over the tree (the scanner forks a process pool, so its
workers are grandchildren of this script):

* ``tree_rss``: a thread samples ``/proc/<pid>/status`` (``VmRSS``) of the process and all
  its descendants every 20 ms and keeps the peak of the sum.  Forked workers share
  copy-on-write pages with their parent, so the sum over-counts shared pages a little; it
  can also miss a spike shorter than the sampling interval.
* ``process_rss``: the largest single-process peak, the max of ``ru_maxrss`` reported by
  ``os.wait4`` for the child (the kernel folds in the peaks of every waited-for
  descendant) and the ``VmHWM`` high-water marks seen while sampling.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02
MEMORY_METHOD = (
    "peak of summed VmRSS over the process tree, sampled from /proc every 20 ms; "
    "per-process peak = max(os.wait4 ru_maxrss, sampled VmHWM)"
)


@dataclass(frozen=True)
class Measurement:
    """One run of a command."""

    seconds: float
    returncode: int
    tree_rss_kb: int
    process_rss_kb: int
    processes: int


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for tid in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{tid}/children").read_text()
        except OSError:
            continue
        found.extend(int(c) for c in text.split())
    return found


def _status(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in kB, zeros when the process is gone."""
    rss = hwm = 0
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0, 0
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return rss, hwm


class _Sampler(threading.Thread):
    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.peak_tree = 0
        self.peak_process = 0
        self.seen: set[int] = set()

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(SAMPLE_SECONDS)

    def sample(self) -> None:
        pending, total = [self.root], 0
        while pending:
            pid = pending.pop()
            self.seen.add(pid)
            rss, hwm = _status(pid)
            total += rss
            self.peak_process = max(self.peak_process, hwm)
            pending.extend(_children(pid))
        self.peak_tree = max(self.peak_tree, total)


def measure(
    command: list[str], cwd: Path | None = None, stderr_file: Path | None = None
) -> Measurement:
    """Run ``command`` to completion (stdout discarded) and measure it."""
    err = stderr_file.open("wb") if stderr_file else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        sampler = _Sampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        sampler.stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stderr_file and not isinstance(err, int):
            err.close()
    return Measurement(
        seconds=seconds,
        returncode=proc.returncode,
        tree_rss_kb=sampler.peak_tree,
        process_rss_kb=max(int(usage.ru_maxrss), sampler.peak_process),
        processes=len(sampler.seen),
    )
