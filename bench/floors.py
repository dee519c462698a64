"""The floors under `anke scan`'s speed: what no scan of this design can go below.

Two costs do not shrink with anything anke's own code does:

* **start-up**: a fresh interpreter, and importing the libraries a scan needs (pydantic,
  tree-sitter and its grammars, hyperscan, cryptography, detect-secrets, yaml), then anke's
  own modules; timed as separate ``python -c`` processes, median of ``--runs``;
* **parsing**: the time tree-sitter (C code) takes to parse exactly the source that the
  ``source-api`` detector parses in the corpus (the parser is wrapped with a timer, and the
  detector runs in this process, one member at a time).

From these it prints the best MB/s a scan of each corpus could reach on ``--cores`` cores
if everything else anke does cost nothing: ``bytes / (start-up + parsing / cores)``.

    .venv/bin/python bench/floors.py [--cache /work/cache/bench] [--runs 5] [--cores 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from anke.detect.source_api import detector as source_module
from anke.engine.inspect import InspectOptions, prepare
from anke.inputs.walk import FileMember, WalkLimits, walk

REPO = Path(__file__).resolve().parent.parent
LIBRARIES = ("pydantic", "tree_sitter", "tree_sitter_python", "tree_sitter_javascript",
             "tree_sitter_c", "tree_sitter_java", "tree_sitter_go", "tree_sitter_cpp",
             "tree_sitter_typescript", "tree_sitter_c_sharp", "hyperscan", "yaml",
             "cryptography.x509", "detect_secrets.core.plugins.util")


def _wall(code: str, runs: int) -> float:
    """The median wall time of ``python -c code`` in a fresh interpreter."""
    times = []
    for _ in range(runs + 1):  # the first run warms the page cache
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


class _TimedParser:
    """A tree-sitter parser that adds the time of each parse to a total."""

    def __init__(self, parser: Any, total: list[float]) -> None:
        self._parser = parser
        self._total = total

    def parse(self, data: bytes) -> Any:
        started = time.perf_counter()
        tree = self._parser.parse(data)
        self._total[0] += time.perf_counter() - started
        return tree


def _parse_seconds(folders: list[Path]) -> tuple[float, int, int]:
    """Seconds tree-sitter spends on what ``source-api`` parses in ``folders``, the bytes of
    the folders' files, and how many files it parsed."""
    total = [0.0]
    original = source_module.parser_for
    source_module.parser_for = lambda spec: _TimedParser(original(spec), total)  # type: ignore[assignment]
    try:
        source = prepare(InspectOptions())[0]
        size = parsed = 0
        for folder in folders:
            for member in walk(folder, WalkLimits()):
                if not isinstance(member, FileMember):
                    continue
                size += member.size
                data = Path(member.real).read_bytes()
                if source.handles(member.path, data):
                    parsed += int(source.detect(member.path, data).parsed)
    finally:
        source_module.parser_for = original  # type: ignore[assignment]
    return total[0], size, parsed


def main(argv: list[str] | None = None) -> int:
    """Print the start-up and parsing floors and the best MB/s they leave."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=REPO / ".cache" / "bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    corpus = args.cache / "corpus"
    corpora = {
        "dense": sorted(p for p in corpus.glob("*") if p.name.startswith(("npm-", "pypi-"))),
        "sparse": sorted((args.cache / "sparse").glob("npm-typescript-*")),
    }
    if not all(corpora.values()):
        print(f"no corpus under {args.cache}: run bench/run.py first", file=sys.stderr)
        return 2
    bare = _wall("pass", args.runs)
    libraries = _wall("import " + ", ".join(LIBRARIES), args.runs)
    anke = _wall("import anke.cli.main", args.runs)
    print(f"interpreter start           {bare:.3f} s")
    print(f"+ the libraries a scan needs {libraries:.3f} s")
    print(f"+ anke's modules (all of it) {anke:.3f} s")
    for name, folders in corpora.items():
        seconds, size, parsed = _parse_seconds(folders)
        floor = libraries + seconds / args.cores
        print(f"{name}: {size / 1e6:.1f} MB, {parsed} files parsed, tree-sitter {seconds:.2f} "
              f"CPU s; floor on {args.cores} cores {floor:.2f} s = at most "
              f"{size / 1e6 / floor:.0f} MB/s (parsing alone, no start-up: "
              f"{size / 1e6 / max(seconds / args.cores, 1e-9):.0f} MB/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
