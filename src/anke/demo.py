"""The main job of ``make run``: fetch one real package from the npm registry and scan it.

This is the only code in anke that downloads, and only when run explicitly (``make run`` or
``python -m anke.demo``).  The tarball's integrity is checked against the registry's SHA-512,
and it is unpacked with tarfile's ``data`` filter (no links out, no absolute paths).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

from anke.engine import scan_paths
from anke.report.table import render_table

REGISTRY = "https://registry.npmjs.org"
_MAX_TARBALL = 50 * 1024 * 1024


def _get(url: str, limit: int) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:
        data: bytes = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{url}: larger than {limit} bytes")
    return data


def fetch_npm(package: str, version: str, cache: Path) -> Path:
    """Download and unpack ``package@version`` into ``cache`` (once); return its folder."""
    target = cache / "npm" / f"{package.replace('/', '_')}-{version}"
    if (target / ".complete").exists():
        return target
    meta = json.loads(_get(f"{REGISTRY}/{package}/{version}", 5 * 1024 * 1024))
    dist = meta["dist"]
    tarball = _get(dist["tarball"], _MAX_TARBALL)
    integrity = dist.get("integrity", "")
    if integrity.startswith("sha512-"):
        expected = base64.b64decode(integrity[7:])
        if hashlib.sha512(tarball).digest() != expected:
            raise ValueError(f"{package}@{version}: tarball does not match its integrity hash")
    target.mkdir(parents=True, exist_ok=True)
    archive = target.with_suffix(".tgz")
    archive.write_bytes(tarball)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(target, filter="data")
    (target / ".complete").write_text(f"{package}@{version}\n")
    return target


def main(argv: list[str] | None = None) -> int:
    """Fetch the demo package and print its cryptography inventory."""
    parser = argparse.ArgumentParser(prog="python -m anke.demo")
    parser.add_argument("--cache", default=".cache")
    parser.add_argument("--package", default="sm-crypto")
    parser.add_argument("--version", default="0.5.8")
    args = parser.parse_args(argv)
    try:
        folder = fetch_npm(args.package, args.version, Path(args.cache))
    except (OSError, ValueError, KeyError) as exc:
        sys.stderr.write(f"anke demo: cannot fetch {args.package}@{args.version}: {exc}\n")
        return 2
    sys.stderr.write(f"anke demo: scanning {args.package}@{args.version} in {folder}\n")
    document = scan_paths([folder])
    sys.stdout.write(render_table(document))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
