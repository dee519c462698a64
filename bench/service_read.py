"""Read endpoints of the service under 50 concurrent clients, on SQLite and on PostgreSQL.

Issue 5's target: p50 and p99 latency and requests per second of the dashboard, the
inspection page and the portfolio, at 50 concurrent clients, on both databases.

For each backend a fresh ``anke serve --demo`` (one uvicorn process, its in-process worker)
is started on a loopback port over a temporary data directory (PostgreSQL: a throw-away
cluster, as the tests start one).  The demo seed downloads its three npm archives into
``--cache/packages`` once.  Then, per page, ``--clients`` concurrent clients (asyncio +
httpx, one signed-in session each, keep-alive) request it in a loop for ``--seconds``;
errors are counted, never hidden.  The load generator shares the machine's cores with the
server, so the figures are a floor.

    .venv/bin/python bench/service_read.py --cache /work/cache/bench --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "service"))

from pg_cluster import Cluster, find_binaries, start_cluster  # noqa: E402

ANKE = [sys.executable, "-m", "anke"]
EMAILS = {"inspector": "inspector@regulator.example", "bank": "it@jiangnan-bank.example"}


@dataclass(frozen=True)
class Page:
    """A page to load: who asks for which path."""

    name: str
    who: str
    path: str


@dataclass(frozen=True)
class Result:
    """One page under load."""

    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    def percentile(self, share: float) -> float:
        """The latency below which ``share`` of the requests finished, in ms."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return 1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``anke serve --demo`` on a free port over ``data``."""

    def __init__(self, data: Path, cache: Path, database_url: str | None) -> None:
        self.port = _free_port()
        env = {**os.environ, "ANKE_DATA_DIR": str(data)}
        if database_url:
            env["ANKE_DATABASE_URL"] = database_url
        self.log = (data.parent / "serve.log").open("wb")
        self.process = subprocess.Popen(
            [*ANKE, "serve", "--demo", "--demo-cache", str(cache), "--port", str(self.port)],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 600  # the first seed downloads and inspects
        while True:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: anke serve --demo did not start; see {self.log.name}")
            time.sleep(0.5)
        record = json.loads((data / "demo.json").read_text(encoding="utf-8"))
        self.passwords: dict[str, str] = record["passwords"]

    def sign_in(self, who: str) -> dict[str, str]:
        """The cookies of a new session of ``who``."""
        response = httpx.post(f"{self.base}/api/session", json={
            "email": EMAILS[who], "password": self.passwords[who]})
        response.raise_for_status()
        return dict(response.cookies)

    def biggest_inspection(self) -> int:
        """The id of the demo inspection with the most findings."""
        cookies = self.sign_in("inspector")
        best, most = 0, -1
        with httpx.Client(base_url=self.base, cookies=cookies) as client:
            for number in range(1, 50):
                response = client.get(f"/api/inspections/{number}")
                if response.status_code == 404:
                    continue
                found = response.json().get("stats", {}).get("findings", 0)
                if isinstance(found, int) and found > most:
                    best, most = number, found
        if not best:
            raise SystemExit("bench: the demo has no inspection")
        return best

    def stop(self) -> None:
        """Stop the server."""
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


async def _client(base: str, cookies: dict[str, str], path: str, until: float,
                  latencies: list[float], errors: list[int]) -> None:
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=60) as client:
        while time.perf_counter() < until:
            started = time.perf_counter()
            try:
                response = await client.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors.append(1)


async def _load(server: Server, page: Page, clients: int, seconds: float) -> Result:
    sessions = [server.sign_in(page.who) for _ in range(clients)]
    latencies: list[float] = []
    errors: list[int] = []
    started = time.perf_counter()
    until = started + seconds
    await asyncio.gather(*(_client(server.base, cookies, page.path, until, latencies, errors)
                           for cookies in sessions))
    return Result(len(latencies) + len(errors), len(errors), time.perf_counter() - started,
                  latencies)


def _backend(name: str, cache: Path, clients: int, seconds: float,
             table: Table) -> None:
    cluster: Cluster | None = None
    with tempfile.TemporaryDirectory(prefix=f"anke-bench-read-{name}-") as tmp:
        url = None
        if name == "postgresql":
            cluster = start_cluster()
            from sqlalchemy import create_engine, text
            engine = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
            with engine.connect() as connection:
                connection.execute(text("CREATE DATABASE bench"))
            engine.dispose()
            url = cluster.url("bench")
        server = None
        try:
            server = Server(Path(tmp) / "data", cache, url)
            pages = [Page("dashboard (inspector)", "inspector", "/"),
                     Page("dashboard (bank)", "bank", "/"),
                     Page("inspection page", "inspector",
                          f"/inspections/{server.biggest_inspection()}"),
                     Page("portfolio page", "bank", "/portfolio")]
            for page in pages:
                asyncio.run(_load(server, page, 2, 1.0))  # warm-up
                result = asyncio.run(_load(server, page, clients, seconds))
                table.add_row(name, page.name, str(result.requests), str(result.errors),
                              f"{result.percentile(0.5):.0f}", f"{result.percentile(0.99):.0f}",
                              f"{len(result.latencies) / result.seconds:.0f}")
        finally:
            if server is not None:
                server.stop()
            if cluster is not None:
                cluster.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=REPO / ".cache")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    if "postgresql" in backends and find_binaries() is None:
        raise SystemExit("bench: PostgreSQL is not installed (apt-get install postgresql)")
    table = Table(title=f"Read pages at {args.clients} concurrent clients, "
                        f"{args.seconds:.0f} s each (loopback, one uvicorn process)")
    for column in ("database", "page", "requests", "errors", "p50 ms", "p99 ms", "req/s"):
        table.add_column(column, justify="right" if column not in ("database", "page")
                         else "left")
    for backend in backends:
        _backend(backend, args.cache, args.clients, args.seconds, table)
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
