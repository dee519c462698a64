"""What an inspection through the service costs, against ``anke scan`` of the same file.

Issue 5's target: inspecting a 100 MB submission through the service costs no more than 1.2
times ``anke scan`` on the same file.  Both sides are measured end to end on loopback:

* ``anke scan FILE --format json -o OUT -j JOBS --no-cache``: the whole process, median of
  ``--runs``.  Both sides run without the result cache (the service with
  ``ANKE_RESULT_CACHE=off``): every run inspects every byte.
* the service: ``anke serve -j JOBS`` (SQLite in a temporary data directory, its in-process
  worker) is started once; each run then uploads the file over HTTP (streamed, encrypted
  at rest), asks for an inspection and polls it every 50 ms until it is done.  Reported:
  the whole (upload + queue + decrypt + scan + store findings) and its parts.

The submission is an uncompressed tar built once from the benchmark cache (the dense,
sparse and binary corpora, the downloaded packages), topped up with a second copy of the
sparse corpus until it holds ``--size-mb`` megabytes.

    .venv/bin/python bench/service_inspect.py --cache /work/cache/bench --runs 3
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import measure

ROOT = Path(__file__).resolve().parent.parent
ANKE = [sys.executable, "-m", "anke"]
PASSWORD = "bench-password-not-secret"


def build_submission(cache: Path, size_mb: int) -> Path:
    """An uncompressed tar of at least ``size_mb`` MB from the benchmark cache (built once)."""
    target = cache / "service" / f"submission-{size_mb}mb.tar"
    if target.exists():
        return target
    sources = [p for p in (cache / "corpus", cache / "sparse", cache / "dl") if p.exists()]
    if not sources:
        raise SystemExit(f"bench: no corpus under {cache}; build it with bench/run.py first")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    with tarfile.open(partial, "w") as tar:
        for source in sources:
            tar.add(source, arcname=source.name)
        copy = 1
        while partial.stat().st_size < size_mb * 1_000_000:
            tar.add(cache / "sparse", arcname=f"copy-{copy}/sparse")
            copy += 1
    partial.rename(target)
    return target


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Run:
    """One inspection through the service."""

    upload: float
    queued: float
    inspect: float
    total: float
    findings: int


def _seconds(stamp: str | None) -> float:
    return datetime.fromisoformat(stamp).timestamp() if stamp else 0.0


class Service:
    """A running ``anke serve`` with a vendor signed in."""

    def __init__(self, data: Path, jobs: int) -> None:
        self.port = free_port()
        self.env = {**os.environ, "ANKE_DATA_DIR": str(data), "ANKE_MAX_UPLOAD_MB": "4096",
                    "ANKE_PASSWORD": PASSWORD, "ANKE_RESULT_CACHE": "off"}
        subprocess.run([*ANKE, "user", "add", "vendor@bench.test", "--role", "vendor",
                        "--org", "Bench Vendor", "--org-kind", "vendor"],
                       env=self.env, check=True, capture_output=True)
        self.process = subprocess.Popen([*ANKE, "serve", "--port", str(self.port),
                                         "-j", str(jobs)], env=self.env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=600)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.client.get("/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise SystemExit("bench: anke serve did not start")
            time.sleep(0.1)
        signed = self.client.post("/api/session", json={"email": "vendor@bench.test",
                                                        "password": PASSWORD})
        signed.raise_for_status()
        self.client.headers["X-CSRF-Token"] = signed.json()["csrf_token"]
        product = self.client.post("/api/products", json={"name": "Bench",
                                                          "category": "software"})
        product.raise_for_status()
        self.product = product.json()["id"]
        self.runs = 0

    def inspect(self, submission: Path) -> Run:
        """Upload ``submission`` as a new version and inspect it."""
        self.runs += 1
        version = self.client.post(f"/api/products/{self.product}/versions",
                                   json={"version": f"1.{self.runs}"})
        version.raise_for_status()
        started = time.perf_counter()
        with submission.open("rb") as body:
            uploaded = self.client.post(
                f"/api/versions/{version.json()['id']}/submissions",
                params={"filename": submission.name}, content=body,
                headers={"Content-Type": "application/octet-stream"})
        uploaded.raise_for_status()
        upload = time.perf_counter() - started
        inspection = self.client.post(f"/api/submissions/{uploaded.json()['id']}/inspections")
        inspection.raise_for_status()
        url = f"/api/inspections/{inspection.json()['id']}"
        while True:
            state = self.client.get(url).json()
            if state["status"] in ("done", "failed"):
                break
            time.sleep(0.05)
        total = time.perf_counter() - started
        if state["status"] != "done":
            raise SystemExit(f"bench: inspection failed: {state['error']}")
        ran = _seconds(state["finished_at"]) - _seconds(state["started_at"])
        found = state["stats"].get("findings", 0)
        return Run(upload, total - upload - ran, ran, total,
                   found if isinstance(found, int) else 0)

    def close(self) -> None:
        """Stop the server."""
        self.client.close()
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=ROOT / ".cache" / "bench")
    parser.add_argument("--size-mb", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    console = Console()
    submission = build_submission(args.cache, args.size_mb)
    size = submission.stat().st_size / 1e6
    console.print(f"submission: {submission} ({size:.1f} MB); {args.runs} runs, -j {args.jobs}")
    with tempfile.TemporaryDirectory(prefix="anke-bench-svc-") as tmp:
        service = Service(Path(tmp) / "data", args.jobs)
        scans: list[float] = []
        runs: list[Run] = []
        try:
            for _ in range(args.runs):  # interleaved, so that noise hits both sides alike
                scanned = measure([*ANKE, "scan", str(submission), "--format", "json",
                                   "-o", str(Path(tmp) / "scan.json"), "-j", str(args.jobs),
                                   "--no-cache"])
                if scanned.returncode not in (0, 1):
                    raise SystemExit(f"bench: anke scan exited {scanned.returncode}")
                scans.append(scanned.seconds)
                runs.append(service.inspect(submission))
        finally:
            service.close()
    table = Table(title=f"Inspection of a {size:.0f} MB submission (median of {args.runs})")
    for column in ("anke scan s", "service s", "ratio", "upload s", "queue s", "inspect s",
                   "findings"):
        table.add_column(column, justify="right")
    scan = statistics.median(scans)
    total = statistics.median(r.total for r in runs)
    table.add_row(f"{scan:.2f}", f"{total:.2f}", f"{total / scan:.2f}x",
                  f"{statistics.median(r.upload for r in runs):.2f}",
                  f"{statistics.median(r.queued for r in runs):.2f}",
                  f"{statistics.median(r.inspect for r in runs):.2f}",
                  str(runs[-1].findings))
    console.print(table)
    console.print("ratio = service (upload + queue + inspect, loopback HTTP) / anke scan "
                  "(whole process); target: at most 1.2x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
