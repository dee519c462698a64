"""Fixtures of the browser tests: a real service on a loopback port, Debian's Chromium, and
a camera that keeps a full-page screenshot of every page a test visits.

The service is uvicorn serving ``create_app(services)`` in a background thread, with the
worker running in another thread of the same process (as ``anke serve`` does), over a
temporary data directory.  It runs on SQLite only: the ``database`` fixture's PostgreSQL
half is not used here, because the API and web tests already run every route on both
backends, and what these tests add (what a person sees and does in a browser) does not
depend on the database.

Each test module gets its own service (module scope) and each flow is one test function,
so pytest-xdist never splits a flow across workers.  Without ``/usr/bin/chromium`` (``make
test`` installs it), every test here is skipped with the reason.

Screenshots go to ``$ANKE_TEST_ARTEFACTS`` (default ``<repo>/.artefacts/screenshots``),
named ``<flow>-<nn>-<step>.png``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))

from browser_helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Camera,
    LiveService,
    Watched,
    artefacts,
    live_service,
)

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip this directory's tests, with the reason, when Chromium is missing."""
    if CHROMIUM.exists():
        return
    reason = "Debian's chromium is not installed (apt-get install -y chromium; make test does)"
    for item in items:
        if _HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="module")
def live() -> Iterator[LiveService]:
    """The service on a free loopback port, with its worker, on a fresh SQLite database:
    one per test module."""
    with live_service() as service:
        yield service


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, one per test process."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def camera(request: pytest.FixtureRequest) -> Camera:
    """A camera for this test, named after its module (``test_browser_`` dropped) and its
    parameters; the flow's screenshots of an earlier run are removed first."""
    flow = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_browser_")
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None:
        flow = f"{flow}-{callspec.id}"
    directory = artefacts()
    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob(f"{flow}-[0-9][0-9]-*.png"):
        old.unlink()
    return Camera(flow, directory)


@pytest.fixture
def watched(browser: Any, live: LiveService) -> Iterator[Watched]:
    """A fresh browser context on the live service, recording requests and page errors;
    at the end, asserts that nothing was fetched from elsewhere and no script failed."""
    context = browser.new_context(base_url=live.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    seen = Watched(page, live.url)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("pageerror", lambda error: seen.errors.append(str(error)))

    def on_dialog(dialog: Any) -> None:
        seen.errors.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        yield seen
    finally:
        context.close()
    assert seen.foreign_requests() == []
    assert seen.errors == []
