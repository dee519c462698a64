"""What the result cache saves: a cold scan, then a rescan after one file changed.

The dense corpus (the ``npm-*`` and ``pypi-*`` folders of ``/work/cache/bench/corpus``) is
copied to a temporary folder.  Each run: a scan with a fresh, empty cache (cold: every
member inspected and stored), one file changed (a line appended to a JavaScript file), and
a rescan with that cache (only the changed member inspected; ``--change`` picks the
file of median size or the largest, the worst case).  A scan without any cache is
timed too, to show what storing costs.  Scans run in this process (``scan_paths``, after one
warm-up scan, so loading the rules is not counted), with ``--jobs`` workers.  The medians of
``--runs`` runs and the ratio rescan / cold are printed; the rescan's findings are checked
against a scan without the cache.

    .venv/bin/python bench/cache_rescan.py [--runs 5] [--jobs N] [--change median|largest]

``--min-bytes`` sweeps the threshold below which members are not looked up
(``anke.engine.inspect.CACHE_MIN_BYTES``) to see whether hashing tiny members costs more
than it saves.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from anke.engine import ScanOptions, scan_paths
from anke.engine import inspect as inspect_module
from anke.engine.result_cache import CacheSpec
from anke.findings.model import ScanDocument

CORPUS = Path("/work/cache/bench/corpus")


def _timed(paths: list[Path], options: ScanOptions) -> tuple[float, ScanDocument]:
    started = time.perf_counter()
    document = scan_paths(paths, options)
    return time.perf_counter() - started, document


def _victim(root: Path, which: str) -> Path:
    """The file to change: the JavaScript file of median size, or the largest."""
    files = sorted(root.rglob("*.js"), key=lambda p: (p.stat().st_size, str(p)))
    return files[-1] if which == "largest" else files[len(files) // 2]


def main(argv: list[str] | None = None) -> int:
    """Print the cold, rescan and uncached medians and the rescan / cold ratio."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--change", choices=("median", "largest"), default="median",
                        help="which JavaScript file to change: of median size, or the largest "
                        "(the rescan then re-inspects the most expensive file)")
    parser.add_argument("--min-bytes", type=int, default=None,
                        help="set the lookup threshold for this run")
    args = parser.parse_args(argv)
    if args.min_bytes is not None:
        inspect_module.CACHE_MIN_BYTES = args.min_bytes
    sources = sorted(p for p in args.corpus.iterdir()
                     if p.is_dir() and p.name.startswith(("npm-", "pypi-")))
    if not sources:
        print(f"no npm-* or pypi-* folders in {args.corpus}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="anke-cache-bench-") as work:
        root = Path(work) / "corpus"
        for source in sources:
            shutil.copytree(source, root / source.name, symlinks=True)
        paths = sorted(root.iterdir())
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        victim = _victim(root, args.change)
        changed = f"{victim.relative_to(root)} ({victim.stat().st_size} bytes)"
        plain = ScanOptions(jobs=args.jobs)
        scan_paths(paths, plain)  # warm-up: rules, catalog, page cache
        uncached, cold, warm = [], [], []
        checked = False
        for run in range(args.runs):
            uncached.append(_timed(paths, plain)[0])
            cache = CacheSpec("sqlite", str(Path(work) / f"cache-{run}"))
            options = ScanOptions(jobs=args.jobs, cache=cache)
            cold.append(_timed(paths, options)[0])
            with victim.open("a") as handle:
                handle.write(f"\nvar anke_bench_{run} = require('crypto').createHash('md5');\n")
            seconds, document = _timed(paths, options)
            warm.append(seconds)
            if not checked:
                expected = scan_paths(paths, plain)
                same = [f.model_dump() for f in document.findings] == \
                    [f.model_dump() for f in expected.findings]
                print(f"rescan findings identical to an uncached scan: {same} "
                      f"({len(document.findings)} findings)")
                checked = True
                if not same:
                    return 1
    first, second = statistics.median(cold), statistics.median(warm)
    print(f"corpus: {len(sources)} folders, {size / 1e6:.1f} MB; jobs {args.jobs}; "
          f"runs {args.runs}; changed: {changed}; "
          f"lookup threshold {inspect_module.CACHE_MIN_BYTES} bytes")
    print(f"no cache    median {statistics.median(uncached):.3f} s")
    print(f"cold cache  median {first:.3f} s")
    print(f"rescan      median {second:.3f} s")
    print(f"rescan / cold = {second / first:.1%} (target < 5%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
