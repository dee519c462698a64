"""A submission's manifest: pending at upload, then listed by the first inspection from the
scan's own reading (members with size and SHA-256, skipped members with the reason), without
extracting anything; on both database backends."""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

from anke.engine.inspect import Listed
from anke.service.jobs.worker import Worker
from anke.service.manifest import manifest_of
from service_factory import World

JAVA = b'class C { Object c = javax.crypto.Cipher.getInstance("AES"); }\n'
README = b"hello\n"
SCRIPT = b"#!/bin/sh\nrm -rf /\n"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tgz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _version(world: World) -> int:
    vendor = world.sign_in("vendor")
    product = vendor.post("/api/products", json={"name": "Vault", "category": "software"})
    version = vendor.post(f"/api/products/{product.json()['id']}/versions",
                          json={"version": "1.0"})
    return int(version.json()["id"])


def _upload(world: World, version: int, name: str, data: bytes, *,
            inspect: bool = True) -> dict[str, object]:
    """Upload ``data``; with ``inspect``, run its first inspection and return it afresh."""
    vendor = world.sign_in("vendor")
    response = vendor.post(f"/api/versions/{version}/submissions",
                           params={"filename": name}, content=data)
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    if inspect:
        assert vendor.post(f"/api/submissions/{body['id']}/inspections").status_code == 201
        assert Worker(world.services, name="test-worker").run_once() is True
        body = vendor.get(f"/api/submissions/{body['id']}").json()
    return body


def test_the_manifest_is_pending_until_the_first_inspection(world: World) -> None:
    uploaded = _upload(world, _version(world), "a.tgz", _tgz({"a": README}), inspect=False)
    assert uploaded["members"] is None and uploaded["skipped"] is None
    assert uploaded["manifest_listed_at"] is None
    path = f"/api/submissions/{uploaded['id']}/manifest"
    vendor = world.sign_in("vendor")
    assert vendor.get(path).json() == {
        "submission_id": uploaded["id"], "status": "pending", "entries_total": 0,
        "members": 0, "skipped": 0, "truncated": False, "entries": []}
    assert vendor.post(f"/api/submissions/{uploaded['id']}/inspections").status_code == 201
    assert Worker(world.services, name="test-worker").run_once() is True
    listed = vendor.get(path).json()
    assert listed["status"] == "listed" and listed["members"] == 1
    first = vendor.get(f"/api/submissions/{uploaded['id']}").json()["manifest_listed_at"]
    assert first is not None
    # a second inspection lists nothing anew: the manifest stays as first listed
    assert vendor.post(f"/api/submissions/{uploaded['id']}/inspections").status_code == 201
    assert Worker(world.services, name="test-worker").run_once() is True
    again = vendor.get(f"/api/submissions/{uploaded['id']}").json()
    assert again["manifest_listed_at"] == first and vendor.get(path).json() == listed


def test_manifest_lists_nested_members_and_refuses_traversal(world: World,
                                                             tmp_path: Path) -> None:
    inner = _zip({"x/C.java": JAVA, "y.txt": README})
    archive = _tgz({"src/README": README, "../evil.sh": SCRIPT, "lib/inner.zip": inner})
    submission = _upload(world, _version(world), "vault-1.0.tgz", archive)
    assert submission["members"] == 3 and submission["skipped"] == 1
    assert "manifest" not in submission

    inspector = world.sign_in("inspector")
    page = inspector.get(f"/api/submissions/{submission['id']}/manifest")
    assert page.status_code == 200, page.text
    assert page.json() == {
        "submission_id": submission["id"], "status": "listed", "entries_total": 4,
        "members": 3, "skipped": 1, "truncated": False,
        "entries": [
            {"kind": "skipped", "path": "vault-1.0.tgz!/../evil.sh", "size": None,
             "sha256": None, "reason": "path traversal in archive member name"},
            {"kind": "member", "path": "vault-1.0.tgz!/lib/inner.zip!/x/C.java",
             "size": len(JAVA), "sha256": _sha(JAVA), "reason": None},
            {"kind": "member", "path": "vault-1.0.tgz!/lib/inner.zip!/y.txt",
             "size": len(README), "sha256": _sha(README), "reason": None},
            {"kind": "member", "path": "vault-1.0.tgz!/src/README", "size": len(README),
             "sha256": _sha(README), "reason": None},
        ]}
    second = inspector.get(f"/api/submissions/{submission['id']}/manifest",
                           params={"limit": 1, "offset": 1}).json()
    assert [entry["path"] for entry in second["entries"]] == [
        "vault-1.0.tgz!/lib/inner.zip!/x/C.java"]
    assert second["entries_total"] == 4
    # nothing was extracted anywhere: no file named like a member was left behind
    assert not list(tmp_path.rglob("evil.sh")) and not list(tmp_path.rglob("C.java"))


def test_manifest_access(world: World) -> None:
    submission = _upload(world, _version(world), "a.tgz", _tgz({"a": README}))
    path = f"/api/submissions/{submission['id']}/manifest"
    assert world.sign_in("vendor").get(path).status_code == 200
    assert world.sign_in("foreign").get(path).status_code == 404
    assert world.sign_in("bank").get(path).status_code == 404
    assert world.client.get(path).status_code == 401
    assert world.sign_in("vendor").get(path, params={"limit": 0}).status_code == 422


def test_a_corrupt_archive_is_stored_with_the_problem_in_its_manifest(world: World) -> None:
    broken = gzip.compress(b"x" * 4096)[:40] + b"\x00garbage" * 10
    submission = _upload(world, _version(world), "broken.tgz", broken)
    assert submission["size"] == len(broken) and submission["members"] == 0
    manifest = world.sign_in("vendor").get(
        f"/api/submissions/{submission['id']}/manifest").json()
    assert manifest["skipped"] >= 1
    assert any(entry["kind"] == "skipped" and entry["path"].startswith("broken.tgz")
               and entry["reason"] for entry in manifest["entries"])


def test_a_plain_file_is_its_own_only_member(world: World) -> None:
    submission = _upload(world, _version(world), "firmware.bin", b"\x7fELF" + b"\x00" * 64)
    manifest = world.sign_in("vendor").get(
        f"/api/submissions/{submission['id']}/manifest").json()
    assert manifest["entries"] == [{"kind": "member", "path": "firmware.bin", "size": 68,
                                    "sha256": _sha(b"\x7fELF" + b"\x00" * 64),
                                    "reason": None}]


def test_a_long_manifest_is_truncated_and_says_so() -> None:
    listed = [Listed(path=f"many.tgz!/f{n}.txt", size=1, sha256=_sha(b"%d" % n))
              for n in range(5)]
    entries = manifest_of(listed, "many.tgz", max_entries=3)
    assert [entry.kind for entry in entries] == ["member"] * 3 + ["truncated"]
    assert entries[-1].reason == "manifest limit: only the first 3 entries are listed"


def test_a_streamed_submission_over_the_limit_stores_nothing(world: World,
                                                             tmp_path: Path) -> None:
    version = _version(world)
    limit = world.services.settings.max_upload_bytes
    pieces = iter([b"x" * (1 << 20)] * (limit // (1 << 20) + 2))  # chunked: no length given
    response = world.sign_in("vendor").post(f"/api/versions/{version}/submissions",
                                            params={"filename": "big.bin"}, content=pieces)
    assert response.status_code == 413
    assert [p for p in (tmp_path / "blobs").rglob("*") if p.is_file()] == []
