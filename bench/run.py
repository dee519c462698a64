"""anke benchmark: speed, memory and per-package recall on the shared corpus.

usage: .venv/bin/python bench/run.py [--cache DIR] [--shared DIR] [--corpus dense|sparse|binary|all]
                                     [--runs N] [--jobs N] [--out FILE]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import MEMORY_METHOD, Measurement, measure
from score import (
    FalseAlgorithm,
    PackageScore,
    algorithm_census,
    group_by_folder,
    load_truth,
    make_scorer,
    truth_key,
)

REPO = Path(__file__).resolve().parent.parent
SPARSE_PACKAGE = ("typescript", "5.6.3")
RG_HINT = "rg (ripgrep) not found: install it with `apt-get install ripgrep` for the floor column"

console = Console(width=int(os.environ.get("COLUMNS", "160")))


@dataclass
class Corpus:
    """One corpus: the folders (or package files) scanned together in one anke run."""

    name: str
    folders: list[Path]
    files: int = 0
    bytes: int = 0


@dataclass
class Timing:
    """Median figures over the measured runs of one command."""

    runs: list[float] = field(default_factory=list)
    median_seconds: float = 0.0
    mb_per_s: float = 0.0
    files_per_s: float = 0.0
    peak_tree_rss_mb: float = 0.0
    peak_process_rss_mb: float = 0.0
    processes: int = 0
    returncodes: list[int] = field(default_factory=list)


def _size(folders: list[Path]) -> tuple[int, int]:
    """(regular files, their total bytes), symlinks not followed."""
    files = total = 0
    for folder in folders:
        if folder.is_file():
            files += 1
            total += folder.stat().st_size
            continue
        for dirpath, _dirs, names in os.walk(folder):
            for name in names:
                try:
                    st = os.lstat(os.path.join(dirpath, name))
                except OSError:
                    continue
                if (st.st_mode & 0o170000) == 0o100000:
                    files += 1
                    total += st.st_size
    return files, total


def ensure_corpus(cache: Path, shared: Path) -> Path:
    corpus = cache / "corpus"
    if not corpus.is_dir():
        script = shared / "bench" / "build_corpus.sh"
        console.print(f"[bold]building corpus[/] {corpus} with {script}")
        subprocess.run(["bash", str(script), str(cache)], check=True)
    return corpus


def ensure_sparse(cache: Path) -> Path:
    name, version = SPARSE_PACKAGE
    target = cache / "sparse" / f"npm-{name}-{version}"
    if target.is_dir():
        return target
    dl = cache / "sparse-dl"
    dl.mkdir(parents=True, exist_ok=True)
    tarball = dl / f"{name}-{version}.tgz"
    if not tarball.is_file():
        console.print(f"[bold]fetching sparse corpus[/] npm pack {name}@{version}")
        done = subprocess.run(
            ["npm", "pack", f"{name}@{version}"], cwd=dl, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"npm pack {name}@{version} failed:\n{done.stderr}")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    subprocess.run(["tar", "xzf", str(tarball), "-C", str(partial)], check=True)
    partial.rename(target)
    return target


def corpora(cache: Path, shared: Path, which: str) -> list[Corpus]:
    out: list[Corpus] = []
    corpus = ensure_corpus(cache, shared) if which in ("dense", "binary", "all") else None
    if corpus is not None and which in ("dense", "all"):
        dense = sorted(
            p for p in corpus.iterdir() if p.is_dir() and p.name.startswith(("npm-", "pypi-"))
        )
        out.append(Corpus("dense", dense))
    if which in ("sparse", "all"):
        out.append(Corpus("sparse", [ensure_sparse(cache)]))
    if corpus is not None and which in ("binary", "all"):
        packages = cache / "dl" / "deb"  # the .deb files as shipped (build_corpus.sh keeps them)
        out.append(Corpus("binary", sorted(packages.glob("*.deb"))))
    for c in out:
        c.files, c.bytes = _size(c.folders)
    return out


def timed(
    command: list[str],
    runs: int,
    corpus: Corpus,
    cwd: Path,
    after: Any = None,
    ok: tuple[int, ...] = (0,),
) -> Timing:
    """One warm-up run, then ``runs`` measured runs; ``after(i)`` is called after each run."""
    errors = Path(tempfile.mkstemp(prefix="anke-bench-", suffix=".err")[1])
    measured: list[Measurement] = []
    try:
        for i in range(runs + 1):
            m = measure(command, cwd=cwd, stderr_file=errors)
            if m.returncode not in ok:
                console.print(
                    f"[red]{command[0]} exited {m.returncode}[/]: {errors.read_text()[-2000:]}"
                )
            if after is not None:
                after(i)
            if i > 0:  # run 0 warms the page cache
                measured.append(m)
    finally:
        errors.unlink(missing_ok=True)
    t = Timing(runs=[round(m.seconds, 4) for m in measured])
    t.median_seconds = statistics.median(t.runs)
    t.mb_per_s = corpus.bytes / 1e6 / t.median_seconds
    t.files_per_s = corpus.files / t.median_seconds
    t.peak_tree_rss_mb = max(m.tree_rss_kb for m in measured) / 1024
    t.peak_process_rss_mb = max(m.process_rss_kb for m in measured) / 1024
    t.processes = max(m.processes for m in measured)
    t.returncodes = [m.returncode for m in measured]
    return t


@dataclass
class CorpusResult:
    corpus: Corpus
    anke: Timing
    in_process_seconds: list[float]
    rg: Timing | None
    document: dict[str, Any]
    scores: list[PackageScore]
    census: list[FalseAlgorithm]


def run_corpus(
    corpus: Corpus,
    args: argparse.Namespace,
    anke: Path,
    rg: str | None,
    keywords: Path,
    truth: dict[str, Any],
    scorer: Any,
) -> CorpusResult:
    console.print(
        f"[bold]{corpus.name}[/]: {len(corpus.folders)} folders, {corpus.files} files, "
        f"{corpus.bytes / 1e6:.1f} MB; {args.runs} runs + 1 warm-up"
    )
    cwd = corpus.folders[0].parent
    folders = [f.name for f in corpus.folders]
    with tempfile.TemporaryDirectory(prefix="anke-bench-") as tmp:
        out = Path(tmp) / "scan.json"
        command = [str(anke), "scan", *folders, "--format", "json", "-o", str(out), "--no-progress",
                   "--no-cache"]
        if args.jobs:
            command += ["-j", str(args.jobs)]
        inproc: list[float] = []
        document: dict[str, Any] = {}

        def collect(i: int) -> None:
            nonlocal document
            document = json.loads(out.read_text())
            if i > 0:
                inproc.append(float(document["stats"]["seconds"]))

        anke_t = timed(command, args.runs, corpus, cwd, collect)
    rg_t = None
    if rg:
        rg_cmd = [rg, "-uuu", "-a", "-c", "-i", "-F", "-f", str(keywords), *folders]
        rg_t = timed(rg_cmd, args.runs, corpus, cwd, ok=(0, 1))  # 1: no match
    single = folders[0] if len(folders) == 1 else None
    grouped = group_by_folder(document.get("findings", []), single)
    scores: list[PackageScore] = []
    census: list[FalseAlgorithm] = []
    for folder in folders:
        entry = truth.get(truth_key(folder))
        if entry is not None:
            scores.append(scorer.score(folder, entry, grouped.get(folder, [])))
    if not scores:
        census = algorithm_census(document.get("findings", []), scorer)
    return CorpusResult(corpus, anke_t, inproc, rg_t, document, scores, census)


def _mb(n: float) -> str:
    return f"{n:.1f}"


def print_speed(results: list[CorpusResult], rg_found: bool) -> None:
    t = Table(title="Speed (median of runs, page cache warm, whole process)")
    for col in (
        "corpus",
        "files",
        "MB",
        "anke s",
        "in-proc s",
        "MB/s",
        "files/s",
        "peak tree RSS MB",
        "peak proc RSS MB",
        "procs",
    ):
        t.add_column(col, justify="right" if col != "corpus" else "left")
    if rg_found:
        for col in ("rg s", "rg MB/s", "anke/rg"):
            t.add_column(col, justify="right")
    for r in results:
        a = r.anke
        row = [
            r.corpus.name,
            str(r.corpus.files),
            _mb(r.corpus.bytes / 1e6),
            f"{a.median_seconds:.3f}",
            f"{statistics.median(r.in_process_seconds):.3f}",
            f"{a.mb_per_s:.2f}",
            f"{a.files_per_s:.0f}",
            _mb(a.peak_tree_rss_mb),
            _mb(a.peak_process_rss_mb),
            str(a.processes),
        ]
        if rg_found and r.rg:
            row += [
                f"{r.rg.median_seconds:.3f}",
                f"{r.rg.mb_per_s:.0f}",
                f"{a.median_seconds / r.rg.median_seconds:.0f}x",
            ]
        t.add_row(*row)
    console.print(t)
    console.print(f"[dim]memory: {MEMORY_METHOD}[/]")
    if not rg_found:
        console.print(f"[yellow]{RG_HINT}[/]")


def print_scores(scores: list[PackageScore]) -> None:
    t = Table(title="Recall per package (high+medium; '+low' adds low-confidence findings)")
    for col in (
        "package",
        "kind",
        "truth",
        "found",
        "recall",
        "+low",
        "false",
        "+low false",
        "missed",
    ):
        t.add_column(col, justify="left" if col in ("package", "kind", "missed") else "right")
    for s in scores:
        t.add_row(
            s.folder,
            s.kind,
            str(len(s.truth)),
            str(len(s.found)),
            f"{s.recall:.2f}",
            f"{s.recall_with_low:.2f}",
            str(len(s.false)),
            str(len(s.false_low_only)),
            "nothing found" if s.truth and not s.found else ", ".join(s.missed),
        )
    console.print(t)
    src = [s for s in scores if s.source]
    if src:
        console.print(
            f"[bold]source packages: mean recall {statistics.mean(s.recall for s in src):.3f}"
            f" (+low {statistics.mean(s.recall_with_low for s in src):.3f}); false algorithms "
            f"{sum(len(s.false) for s in src)} (+low {sum(len(s.false_low_only) for s in src)})"
        )


def _example(f: FalseAlgorithm, prefix: str) -> str:
    ex = f.example
    path = ex["path"].removeprefix(prefix)
    evidence = " ".join((ex.get("evidence") or "").split())[:100]
    note = f"  ({f.note})" if f.note else ""
    return (
        f"    [bold]{f.algorithm}[/] x{f.findings} {ex['confidence']}: {path}:{ex['line']} "
        f"[cyan]{ex['rule']}[/] [dim]{escape(evidence)}[/]{note}"
    )


def print_false(scores: list[PackageScore]) -> None:
    console.rule("False algorithms per package (one example finding each)")
    for s in scores:
        if not (s.false or s.false_low_only):
            continue
        console.print(f"[bold]{s.folder}[/] (paths below are under {s.folder}/)")
        for f in s.false:
            console.print(_example(f, s.folder + "/"))
        if s.false_low_only:
            console.print("   [dim]low confidence only:[/]")
            for f in s.false_low_only:
                console.print(_example(f, s.folder + "/"))


def print_census(name: str, census: list[FalseAlgorithm]) -> None:
    console.rule(f"{name}: every algorithm reported (no truth: each is a candidate for noise)")
    if not census:
        console.print("    nothing reported")
    for f in census:
        console.print(_example(f, ""))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Benchmark anke: speed, memory, recall.")
    p.add_argument("--cache", type=Path, default=REPO / ".cache" / "bench")
    p.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    p.add_argument("--corpus", choices=("dense", "sparse", "binary", "all"), default="all")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--jobs", type=int, default=None, help="passed to anke -j")
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    if args.runs < 1:
        p.error("--runs must be at least 1")
    cache: Path = args.cache.resolve()
    shared: Path = args.shared.resolve()
    anke = Path(sys.executable).parent / "anke"
    if not anke.exists():
        anke = REPO / ".venv" / "bin" / "anke"
    rg = shutil.which("rg")
    if rg is None:
        console.print(f"[yellow]{RG_HINT}; skipping it[/]")
    keywords = shared / "bench" / "keywords.txt"
    # anke as installed: its modules byte-compiled (an editable install's edits since
    # `make` would otherwise be compiled again by every measured run)
    compileall.compile_dir(REPO / "src" / "anke", quiet=1)
    scorer = make_scorer()
    truth = load_truth(shared / "bench" / "truth.json", scorer.catalog,
                       Path(__file__).parent / "truth-additions.json")

    results = [
        run_corpus(c, args, anke, rg, keywords, truth, scorer)
        for c in corpora(cache, shared, args.corpus)
    ]

    print_speed(results, rg is not None)
    scores = [s for r in results for s in r.scores]
    if scores:
        print_scores(scores)
        print_false(scores)
    for r in results:
        if r.census:
            print_census(r.corpus.name, r.census)

    src = [s for s in scores if s.source]
    doc: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "host": {"cpus": os.cpu_count(), "uname": " ".join(os.uname())},
        "tool": results[0].document.get("tool") if results else None,
        "runs": args.runs,
        "jobs": args.jobs,
        "memory_method": MEMORY_METHOD,
        "rg": rg,
        "corpora": {
            r.corpus.name: {
                "folders": [f.name for f in r.corpus.folders],
                "files": r.corpus.files,
                "bytes": r.corpus.bytes,
                "anke": asdict(r.anke),
                "anke_in_process_seconds": r.in_process_seconds,
                "anke_in_process_median": statistics.median(r.in_process_seconds),
                "anke_stats": {
                    k: v for k, v in r.document.get("stats", {}).items() if k != "skipped"
                },
                "skipped": len(r.document.get("stats", {}).get("skipped", [])),
                "findings": len(r.document.get("findings", [])),
                "rg": asdict(r.rg) if r.rg else None,
                "census": [f.as_json() for f in r.census],
            }
            for r in results
        },
        "packages": [s.as_json() for s in scores],
        "summary": {
            "source_mean_recall": statistics.mean(s.recall for s in src) if src else None,
            "source_mean_recall_with_low": (
                statistics.mean(s.recall_with_low for s in src) if src else None
            ),
            "source_false_algorithms": sum(len(s.false) for s in src),
            "source_false_algorithms_low_only": sum(len(s.false_low_only) for s in src),
        },
    }
    out: Path = args.out or cache / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(doc, indent=1) + "\n")
    console.print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
