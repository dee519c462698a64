"""Helpers of the browser tests: the live service, the camera, the watched page, and
signing in and out through the forms."""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anke.service.access.policy import Principal
from anke.service.api.app import create_app
from anke.service.db.migrate import upgrade
from anke.service.db.session import Database
from anke.service.db.tenancy import Role
from anke.service.jobs.worker import Worker
from service_factory import PASSWORD, World, make_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[3]
STARTUP_SECONDS = 15.0
ROLE_OF = {"admin": Role.ADMIN, "inspector": Role.INSPECTOR, "vendor": Role.VENDOR,
           "foreign": Role.VENDOR, "bank": Role.BANK}


@dataclass
class LiveService:
    """A running service: its address, its world (services, users, organisations), and
    its in-process worker."""

    url: str
    world: World
    worker: Worker

    def principal(self, who: str) -> Principal:
        """``who`` (a name of the world) as a principal, for calling service functions."""
        return Principal(user_id=self.world.users[who], email=f"{who}@example.org",
                         org_id=self.world.orgs[who], role=ROLE_OF[who],
                         scopes=frozenset({"read", "write"}), via="session")


def _loopback_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@contextmanager
def live_service() -> Iterator[LiveService]:
    """The service on a free loopback port, with its worker in a thread, over a fresh
    SQLite database in a temporary data directory (all removed afterwards)."""
    import uvicorn

    saved = os.environ.get("ANKE_MASTER_KEY")
    with tempfile.TemporaryDirectory(prefix="anke-browser-") as tmp:
        root = Path(tmp)
        database = Database(f"sqlite:///{root / 'anke.db'}")
        upgrade(database)
        world = make_world(database, root)
        worker = Worker(world.services, name="browser-worker", poll=0.2)
        working = threading.Thread(target=worker.run, name="anke-worker", daemon=True)
        sock = _loopback_socket()
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(create_app(world.services),
                                               log_level="warning", lifespan="off"))
        serving = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                                   name="anke-server", daemon=True)
        working.start()
        serving.start()
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not server.started:
                if not serving.is_alive() or time.monotonic() > deadline:
                    raise RuntimeError("the service did not start")
                time.sleep(0.02)
            yield LiveService(f"http://127.0.0.1:{port}", world, worker)
        finally:
            server.should_exit = True
            worker.stop.set()
            serving.join(10)
            working.join(10)
            sock.close()
            database.dispose()
            if saved is None:
                os.environ.pop("ANKE_MASTER_KEY", None)
            else:
                os.environ["ANKE_MASTER_KEY"] = saved


def artefacts() -> Path:
    """Where screenshots are kept: ``$ANKE_TEST_ARTEFACTS`` or ``.artefacts/screenshots``."""
    configured = os.environ.get("ANKE_TEST_ARTEFACTS")
    return Path(configured) if configured else REPO / ".artefacts" / "screenshots"


@dataclass
class Camera:
    """Takes a full-page screenshot of each page a flow visits, numbered in order."""

    flow: str
    directory: Path
    taken: list[Path] = field(default_factory=list)

    def shoot(self, page: Any, step: str) -> Path:
        """Save the whole of ``page`` as ``<flow>-<nn>-<step>.png``."""
        path = self.directory / f"{self.flow}-{len(self.taken) + 1:02d}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@dataclass
class Watched:
    """A browser page, and what it asked for and complained about while a test ran."""

    page: Any
    base: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def foreign_requests(self) -> list[str]:
        """Requests that went anywhere but the service (the pages must work offline)."""
        return [url for url in self.requests
                if not url.startswith(self.base + "/") and url != self.base]


def sign_in(page: Any, who: str) -> None:
    """Sign in as ``who`` through the sign-in form, landing on the dashboard."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(f"{who}@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def sign_out(page: Any) -> None:
    """Sign out with the header's button, landing on the sign-in page."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login")
