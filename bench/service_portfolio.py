"""Portfolio re-evaluation of 1,000,000 assets under a new rulebook version.

Builds one bank with ``--assets`` assets (default 1,000,000) over ``--versions`` product
versions (default 2,000, 200 products in the eleven categories of cn-cbrc-317), entering
service between 2008 and 2019, and puts 40% of the versions on the approved-products list of
cn-cbrc-317@2014-12 (a tenth of those removed on 2015-06-01).  The rows are bulk-inserted
(PostgreSQL ``COPY``, SQLite ``executemany``), never built as ORM objects.

Then times, ``--runs`` times (median reported), in one read transaction: the verdict of every
version under the rulebook version, the full metrics (all categories, every year from 2008 to
the 2019 target, every target) and the cheapest replacements for the next unmet target (as of
2016-06-01 that is the 2019 one, 75% of the installed base: hundreds of thousands of failing
candidates, so the greedy runs).  PostgreSQL runs on a throw-away cluster (the tests'
``pg_cluster``); SQLite on a file in a temporary directory.  Target: under 10 s on PostgreSQL.

    .venv/bin/python bench/service_portfolio.py [--assets N] [--runs 3] [--no-sqlite]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "service"))

from anke.rulebooks.loader import shipped_rulebooks  # noqa: E402
from anke.service.db.migrate import upgrade  # noqa: E402
from anke.service.db.session import Database  # noqa: E402
from anke.service.portfolio.metrics import portfolio_state  # noqa: E402
from anke.service.portfolio.replacements import replacements_for  # noqa: E402
from pg_cluster import find_binaries, start_cluster  # noqa: E402

RULEBOOK, VERSION = "cn-cbrc-317", "2014-12"
AS_OF = date(2016, 6, 1)
NOW = datetime(2016, 1, 1, tzinfo=UTC).isoformat()


@dataclass(frozen=True)
class Figures:
    """One backend's timings and what the last run found."""

    backend: str
    load_seconds: float
    runs: list[float]
    cpu_seconds: float  # median CPU of this process (the client side) per run
    state_seconds: float
    replace_seconds: float
    summary: str


def _fixed_rows(versions: int) -> dict[str, list[tuple[Any, ...]]]:
    """Organisations, a user, a data key, products, versions, and the listing chain."""
    categories = [c.id for c in shipped_rulebooks()[RULEBOOK].rulebook.categories]
    products = max(1, versions // 10)
    rng = random.Random(7)
    rows: dict[str, list[tuple[Any, ...]]] = {
        "organisation": [(1, "Bank", "bank", "CN", True, NOW),
                         (2, "Vendor", "vendor", "CN", True, NOW),
                         (3, "Regulator", "regulator", "CN", True, NOW)],
        "user_account": [(1, 3, "i@example.org", "i", "inspector", "x", True, NOW)],
        "data_key": [(1, 2, 1, b"w", "m", True, NOW)],
        "product": [(p, 2, f"P{p}", categories[p % len(categories)], "", NOW)
                    for p in range(1, products + 1)],
        "product_version": [(v, (v - 1) % products + 1, f"{v}", None, NOW)
                            for v in range(1, versions + 1)],
        "submission": [], "inspection": [], "evaluation": [], "listing": []}
    listed = [v for v in range(1, versions + 1) if rng.random() < 0.4]
    for n, v in enumerate(listed, 1):
        rows["submission"].append((n, v, 1, "x.tgz", 1, "0" * 64, f"k{n}", 1, "aes-256-gcm",
                                   "[]", NOW))
        rows["inspection"].append((n, n, 1, "done", NOW, "{}", ""))
        rows["evaluation"].append((n, v, n, RULEBOOK, VERSION, "2014-01-01", "pass", "{}",
                                   "0" * 64, 1, NOW))
        removed = "2015-06-01" if n % 10 == 0 else None
        rows["listing"].append((n, RULEBOOK, VERSION, v, n, "2014-01-01", removed, "", 1))
    return rows


COLUMNS = {
    "organisation": "id, name, kind, country, domestic, created_at",
    "user_account": "id, org_id, email, name, role, password_hash, active, created_at",
    "data_key": "id, org_id, generation, wrapped, master_key_id, active, created_at",
    "product": "id, vendor_id, name, category, description, created_at",
    "product_version": "id, product_id, version, released_on, created_at",
    "submission": "id, version_id, uploaded_by, filename, size, sha256, blob_key, "
                  "data_key_id, cipher, manifest, created_at",
    "inspection": "id, submission_id, requested_by, status, created_at, stats, error",
    "evaluation": "id, version_id, inspection_id, rulebook, rulebook_version, as_of, "
                  "overall, result, digest, created_by, created_at",
    "listing": "id, rulebook, rulebook_version, version_id, evaluation_id, listed_on, "
               "removed_on, removal_reason, published_by",
}
ASSET_COLUMNS = "bank_id, name, version_id, category, quantity, spend, in_service_since, " \
                "created_at"


def _assets(count: int, versions: int) -> Iterator[tuple[Any, ...]]:
    """The assets: (bank, name, version, category, quantity, spend, since, created)."""
    categories = [c.id for c in shipped_rulebooks()[RULEBOOK].rulebook.categories]
    products = max(1, versions // 10)
    rng = random.Random(11)
    start = date(2008, 1, 1).toordinal()
    span = date(2019, 12, 31).toordinal() - start
    for n in range(count):
        version = rng.randint(1, versions)
        category = categories[((version - 1) % products + 1) % len(categories)]
        since = date.fromordinal(start + rng.randint(0, span))
        yield (1, f"a{n}", version, category, rng.randint(1, 20),
               f"{rng.randint(100, 1_000_000) / 100:.2f}", since.isoformat(), NOW)


def load_postgres(url: str, assets: int, versions: int) -> None:
    """Bulk-load with COPY."""
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        cursor: Any = raw.cursor()
        for table, rows in _fixed_rows(versions).items():
            with cursor.copy(f"COPY {table} ({COLUMNS[table]}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        with cursor.copy(f"COPY asset ({ASSET_COLUMNS}) FROM STDIN") as copy:
            buffer = io.StringIO()
            for n, row in enumerate(_assets(assets, versions), 1):
                buffer.write("\t".join(str(value) for value in row) + "\n")
                if n % 100_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        raw.commit()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
        engine.dispose()


def load_sqlite(path: Path, assets: int, versions: int) -> None:
    """Bulk-load with executemany in one transaction."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA foreign_keys=OFF")
        for table, rows in _fixed_rows(versions).items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                connection.executemany(
                    f"INSERT INTO {table} ({COLUMNS[table]}) VALUES ({marks})", rows)
        connection.executemany(f"INSERT INTO asset ({ASSET_COLUMNS}) VALUES "
                               "(?, ?, ?, ?, ?, ?, ?, ?)", _assets(assets, versions))
        connection.commit()
        connection.execute("ANALYZE")
        connection.commit()
    finally:
        connection.close()


def evaluate_once(database: Database) -> tuple[float, float, str, float]:
    """Verdicts + metrics, then replacements: (seconds for each, what was found, and this
    process's CPU seconds, without the database server's)."""
    cpu = time.process_time()
    with database.reader() as session:
        started = time.perf_counter()
        state = portfolio_state(session, 1, RULEBOOK, VERSION, AS_OF)
        middle = time.perf_counter()
        picked = replacements_for(session, state, limit=100)
        ended = time.perf_counter()
    metrics = state.metrics
    target = picked.target
    summary = (f"{metrics.total.quantity:,} units, {metrics.total.count_share:.3f} passing by "
               f"count, {metrics.total.spend_share:.3f} by spend, {len(metrics.years)} years, "
               f"{len(metrics.categories)} categories; next target "
               f"{target.year if target else None}: missing {picked.missing:,}, "
               f"{picked.count:,} assets to replace ({picked.method}) for {picked.spend:,}")
    return middle - started, ended - middle, summary, time.process_time() - cpu


def measure(backend: str, database: Database, load: Callable[[], None],
            runs: int) -> Figures:
    """Load, warm up once, then time ``runs`` re-evaluations."""
    started = time.perf_counter()
    load()
    loaded = time.perf_counter() - started
    print(f"{backend}: loaded in {loaded:.1f} s", file=sys.stderr)
    evaluate_once(database)  # warm-up (caches, rulebook loading)
    timings = []
    for run in range(runs):
        timings.append(evaluate_once(database))
        print(f"{backend}: run {run + 1}: {sum(timings[-1][:2]):.2f} s", file=sys.stderr)
    totals = [first + second for first, second, _, _ in timings]
    return Figures(backend, loaded, totals, statistics.median(t[3] for t in timings),
                   statistics.median(t[0] for t in timings),
                   statistics.median(t[1] for t in timings), timings[-1][2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=1_000_000)
    parser.add_argument("--versions", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    results: list[Figures] = []
    if find_binaries() is None:
        print("PostgreSQL is not installed: apt-get install postgresql", file=sys.stderr)
    else:
        cluster = start_cluster()
        try:
            admin = create_engine(cluster.admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text("CREATE DATABASE bench"))
            admin.dispose()
            database = Database(cluster.url("bench"))
            upgrade(database)
            results.append(measure("postgresql", database, lambda: load_postgres(
                cluster.url("bench"), args.assets, args.versions), args.runs))
            database.dispose()
        finally:
            cluster.stop()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="anke-bench-") as folder:
            path = Path(folder) / "bench.db"
            database = Database(f"sqlite:///{path}")
            upgrade(database)
            results.append(measure("sqlite", database, lambda: load_sqlite(
                path, args.assets, args.versions), args.runs))
            database.dispose()
    print(f"\nportfolio re-evaluation: {args.assets:,} assets, {args.versions:,} versions, "
          f"{RULEBOOK}@{VERSION} as of {AS_OF}, median of {args.runs}")
    print(f"{'backend':<11} {'load s':>7} {'verdicts+metrics s':>19} {'replacements s':>15} "
          f"{'total s (median)':>17} {'client CPU s':>13}  runs")
    for item in results:
        runs = ", ".join(f"{value:.2f}" for value in item.runs)
        print(f"{item.backend:<11} {item.load_seconds:>7.1f} {item.state_seconds:>19.2f} "
              f"{item.replace_seconds:>15.2f} {statistics.median(item.runs):>17.2f} "
              f"{item.cpu_seconds:>13.2f}  {runs}")
    for item in results:
        print(f"{item.backend}: {item.summary}")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    verdict = [item for item in results if item.backend == "postgresql"]
    if verdict:
        median = statistics.median(verdict[0].runs)
        print(f"target under 10 s on PostgreSQL: {'met' if median < 10 else 'NOT met'} "
              f"({median:.2f} s)")


if __name__ == "__main__":
    main()
