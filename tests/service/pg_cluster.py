"""A throw-away PostgreSQL cluster for the tests: Debian's server binaries, a temporary
directory, a private port on loopback, stopped and removed afterwards.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` user that
Debian's package creates.  ``find_binaries`` returns None when PostgreSQL is not installed
(``make test`` installs it with apt-get).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_binaries() -> Path | None:
    """The newest ``/usr/lib/postgresql/*/bin`` with initdb, or the directory of ``initdb``."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    """A running cluster: its admin URL and how to stop it."""

    root: Path
    bindir: Path
    port: int
    user: str
    as_postgres: bool

    @property
    def admin_url(self) -> str:
        """A URL to the ``postgres`` maintenance database."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        """A URL to ``database`` on this cluster."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb a new cluster in a temporary directory and start it on a free loopback port."""
    bindir = find_binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found (apt-get install postgresql)")
    as_postgres = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="anke-pg-"))
    user = "postgres" if as_postgres else (os.environ.get("USER") or "postgres")
    if as_postgres:
        shutil.chown(root, "postgres", "postgres")
    cluster = Cluster(root, bindir, _free_port(), user, as_postgres)
    cluster._run("initdb", "-D", str(root / "data"), "-U", user, "--auth=trust",
                 "--encoding=UTF8", "--no-locale", "-N")
    options = (f"-p {cluster.port} -c listen_addresses=127.0.0.1 -k {root} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
    try:
        cluster._run("pg_ctl", "-D", str(root / "data"), "-o", options, "-l",
                     str(root / "log"), "-w", "-t", "60", "start")
    except subprocess.CalledProcessError:
        shutil.rmtree(root, ignore_errors=True)
        raise
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", cluster.port)) == 0:
                return cluster
        time.sleep(0.1)
    cluster.stop()
    raise RuntimeError("PostgreSQL did not start listening")
