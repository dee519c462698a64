"""The demo's way into the service: its own API, in-process, signed in as each person.

Each call names who makes it and the statuses it expects; anything else stops the seed with
the service's one-line detail.  :meth:`DemoApi.serves` tells whether this build has a route
yet (other parts of the service land over time; a step whose routes are missing waits).
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from fastapi import FastAPI

from anke.errors import AnkeError

with warnings.catch_warnings():  # starlette's notice about httpx, not ours to act on
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

_PARAM = re.compile(r"\{[^}]*\}")


class SeedError(AnkeError):
    """The service refused a step of the demo."""


def _shape(path: str) -> str:
    return _PARAM.sub("{}", path)


class DemoApi:
    """In-process clients of one application, one per signed-in person."""

    def __init__(self, app: FastAPI, passwords: dict[str, str], emails: dict[str, str]) -> None:
        self.app = app
        self._passwords = passwords
        self._emails = emails
        self._clients: dict[str, TestClient] = {}
        self._routes = {(method.upper(), _shape(path))
                        for path, item in app.openapi().get("paths", {}).items()
                        for method in item}

    def serves(self, method: str, path: str) -> bool:
        """Whether the application documents a route for ``method`` and ``path``."""
        return (method.upper(), _shape(path)) in self._routes

    def client(self, who: str) -> TestClient:
        """A client signed in as account ``who`` (cookie and CSRF header)."""
        if who not in self._clients:
            client = TestClient(self.app)
            response = client.post("/api/session", json={"email": self._emails[who],
                                                         "password": self._passwords[who]})
            if response.status_code != 200:
                raise SeedError(f"demo: {self._emails[who]} cannot sign in "
                                f"({response.status_code}: {_detail(response.text)})")
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
            self._clients[who] = client
        return self._clients[who]

    def call(self, who: str, method: str, path: str, *, expect: tuple[int, ...] = (200, 201),
             **kwargs: Any) -> Any:
        """Make a request as ``who``; its JSON (None when empty), or :class:`SeedError`."""
        response = self.client(who).request(method, path, **kwargs)
        if response.status_code not in expect:
            raise SeedError(f"demo: {method} {path} as {who} answered "
                            f"{response.status_code}: {_detail(response.text)}")
        return response.json() if response.content else None

    def close(self) -> None:
        """Close every client."""
        for client in self._clients.values():
            client.close()
        self._clients.clear()


def _detail(text: str) -> str:
    return " ".join(text.split())[:300]
