"""The demo's only download: the pinned packages, fetched from their registry into a cache.

Each package is fetched once (``make run`` says so when it happens) and checked against the
SHA-256 pinned in the scenario; a cached file is checked again on every use.  Tests pass a
:data:`Fetcher` of their own, so they never touch the network.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from anke.errors import AnkeError
from anke.service.demo.scenario import PackageSpec

Fetcher = Callable[[PackageSpec], Path]
"""Gives the local path of a package's archive, whose SHA-256 is the pinned one."""

MAX_PACKAGE = 50 * 1024 * 1024
_CHUNK = 1 << 16


class FetchError(AnkeError):
    """A package could not be fetched, or is not the pinned one."""


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def registry_fetcher(cache: Path, say: Callable[[str], None] = lambda _: None) -> Fetcher:
    """A fetcher that downloads into ``cache/packages`` (once) and checks the pin."""
    folder = cache / "packages"

    def fetch(package: PackageSpec) -> Path:
        target = folder / package.filename
        if target.exists():
            if sha256_of(target) == package.sha256:
                return target
            target.unlink()  # a damaged or foreign file: fetch it again
        folder.mkdir(parents=True, exist_ok=True)
        say(f"downloading {package.url}")
        _download(str(package.url), target, package.sha256)
        return target

    return fetch


def _download(url: str, target: Path, sha256: str) -> None:
    digest = hashlib.sha256()
    size = 0
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=".part-")
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            while chunk := response.read(_CHUNK):
                size += len(chunk)
                if size > MAX_PACKAGE:
                    raise FetchError(f"{url}: larger than {MAX_PACKAGE} bytes")
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != sha256:
            raise FetchError(f"{url}: SHA-256 {digest.hexdigest()} is not the pinned {sha256}")
        os.replace(name, target)
    except OSError as exc:
        raise FetchError(f"cannot download {url}: {exc}") from None
    finally:
        if os.path.exists(name):
            os.unlink(name)
