"""The executors: a scan on a Dask cluster gives the same document as a local one, even when
a worker dies in the middle, and an unreachable scheduler is one clear error."""

from __future__ import annotations

import io
import os
import random
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import cloudpickle  # type: ignore[import-untyped]
import distributed
import pytest

import anke.engine.executors.dask as dask_executor
from anke.cli.main import main
from anke.detect.source_api.detector import SourceDetector
from anke.engine import ScanOptions, scan_paths
from anke.engine.executors import ClusterUnreachable, DaskExecutor, Unit, run_unit
from anke.engine.executors.units import BIG_ARCHIVE
from anke.engine.inspect import BatchResult, InspectOptions
from anke.engine.result_cache import CacheSpec
from anke.findings.model import ScanDocument

UNREACHABLE = "tcp://127.0.0.1:1"
LOCAL_CLUSTER: Any = distributed.LocalCluster  # distributed has no type hints
PYTHON = "import hashlib\nfrom Crypto.Cipher import AES\nhashlib.md5()\nAES.new(k, AES.MODE_ECB)\n"
JAVA = ('class A { void f() throws Exception { javax.crypto.Cipher.getInstance('
        '"DES/CBC/PKCS5Padding"); java.security.MessageDigest.getInstance("SHA-1"); } }\n')


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Plain files, a small tar.gz, and a big zip holding many members and a nested jar."""
    root = tmp_path_factory.mktemp("tree")
    for index in range(40):
        (root / f"src{index}.py").write_text(PYTHON + f"# {index}\n")
    noise = random.Random(6).randbytes(BIG_ARCHIVE)
    members = {f"pkg/m{index}.py": (PYTHON + f"# {index}\n").encode() for index in range(150)}
    members["pkg/noise.bin"] = noise
    members["lib/inner.jar"] = _zip({"A.java": JAVA.encode(), "B.py": PYTHON.encode()})
    members["../escape.py"] = PYTHON.encode()  # refused by the driver, as by a worker
    (root / "big.zip").write_bytes(_zip(members))
    with tarfile.open(root / "small.tar.gz", "w:gz") as archive:
        data = JAVA.encode()
        info = tarfile.TarInfo("x/A.java")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return root


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A two-worker cluster of separate processes; yields its scheduler's address."""
    with LOCAL_CLUSTER(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as local:
        yield str(local.scheduler_address)


def _comparable(document: ScanDocument) -> dict[str, object]:
    dumped = document.model_dump(mode="json")
    dumped["stats"].pop("seconds")
    return dumped


def test_a_cluster_scan_equals_a_local_scan(tree: Path, cluster: str) -> None:
    local = scan_paths([tree], ScanOptions(jobs=2))
    remote = scan_paths([tree], ScanOptions(jobs=2, cluster=cluster))
    assert _comparable(remote) == _comparable(local)
    assert {f.path for f in local.findings} >= {
        "big.zip!/pkg/m7.py", "big.zip!/lib/inner.jar!/A.java", "small.tar.gz!/x/A.java",
        "src3.py"}
    assert any(s.path.startswith("big.zip!/") and "traversal" in s.reason
               for s in local.stats.skipped)


def test_a_cluster_scan_fills_the_drivers_cache(tree: Path, cluster: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cache = CacheSpec("sqlite", str(tmp_path / "driver-cache"))
    remote = scan_paths([tree], ScanOptions(jobs=2, cluster=cluster, cache=cache))
    # the workers (other machines, as far as they know) sent their results back, and the
    # driver kept them: a rescan here runs no detector

    def no_detection(self: SourceDetector, path: str, data: bytes) -> None:
        raise AssertionError(f"{path} was inspected again")

    monkeypatch.setattr(SourceDetector, "detect", no_detection)
    again = scan_paths([tree], ScanOptions(jobs=1, cache=cache))
    assert _comparable(again) == _comparable(remote)


def _dies_once(marker: str, unit: Unit, options: InspectOptions) -> BatchResult:
    """Run the unit, except the first one anywhere, which kills its worker process."""
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return run_unit(unit, options)
    os._exit(1)


def test_a_worker_killed_mid_scan_loses_nothing(tree: Path, cluster: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers cannot import tests
    marker = tmp_path / "died"
    monkeypatch.setattr(dask_executor, "run_unit", partial(_dies_once, str(marker)))
    expected = scan_paths([tree], ScanOptions(jobs=2))
    survived = scan_paths([tree], ScanOptions(jobs=2, cluster=cluster))
    assert marker.exists()
    assert _comparable(survived) == _comparable(expected)


def test_an_unreachable_scheduler_is_one_clear_error() -> None:
    with pytest.raises(ClusterUnreachable, match=r"cannot reach the Dask scheduler at "
                                                 r"tcp://127\.0\.0\.1:1"):
        DaskExecutor(UNREACHABLE, timeout=0.5)


def test_the_cli_fails_or_falls_back_when_the_scheduler_is_unreachable(
        tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_executor, "CONNECT_SECONDS", 0.5)
    source = str(tree / "src1.py")
    assert main(["scan", source, "--cluster", UNREACHABLE, "--format", "json"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("anke: error: cannot reach the Dask scheduler")
    assert error.count("\n") == 1
    assert main(["scan", source, "--cluster", UNREACHABLE, "--cluster-fallback", "local",
                 "--format", "json"]) == 0
    assert '"algorithm": "MD5"' in capsys.readouterr().out
