"""Inspected versions for the evaluation, signature and listing tests: a vendor uploads a
tarball, the worker runs once, and an inspector's evidence decisions are recorded."""

from __future__ import annotations

import datetime as dt
import itertools

from anke.service.db.products import Attestation, AttestationStatus
from anke.service.jobs.worker import Worker
from anke.service.vault import active_data_key
from service_factory import World, tarball

MD5_PY = ("import hashlib\n\n"
          "def legacy(data: bytes) -> str:\n    return hashlib.md5(data).hexdigest()\n")
SM3_PY = ("from gmssl import sm3, func\n\n"
          "def digest(data: bytes) -> str:\n"
          "    return sm3.sm3_hash(func.bytes_to_list(data))\n")
# what cn-cbrc-317 version 2014-12 asks a piece of software ("software") to attest
CBRC_EVIDENCE = ("oscca-product-model-certificate", "supply-chain-attestation",
                 "china-rd-centre", "china-service-centre")
AS_OF = "2015-01-15"
_names = itertools.count(1)


def inspected_version(world: World, files: dict[str, str], *, inspect: bool = True,
                      category: str = "software") -> tuple[int, int]:
    """A new product version of the vendor with one submission of ``files`` and its
    inspection, run by the worker when ``inspect``: (version id, inspection id)."""
    vendor = world.sign_in("vendor")
    product = vendor.post("/api/products", json={"name": f"Core {next(_names)}",
                                                 "category": category})
    assert product.status_code == 201, product.text
    version = vendor.post(f"/api/products/{product.json()['id']}/versions",
                          json={"version": "1.0"}).json()
    submission = vendor.post(f"/api/versions/{version['id']}/submissions",
                             params={"filename": "core-1.0.tgz"},
                             content=tarball(files)).json()
    inspection = vendor.post(f"/api/submissions/{submission['id']}/inspections").json()
    if inspect:
        assert Worker(world.services, name="test-worker").run_once() is True
    return int(version["id"]), int(inspection["id"])


def accept_evidence(world: World, version_id: int, kinds: tuple[str, ...]) -> None:
    """Record accepted attestations of ``kinds`` for a version (as an inspector would)."""
    with world.services.database.writer() as session:
        key_id, _ = active_data_key(session, world.services.keys, world.orgs["vendor"])
        for kind in kinds:
            session.add(Attestation(
                version_id=version_id, evidence_type=kind, title=f"{kind} document",
                filename=f"{kind}.pdf", size=1, sha256="a" * 64,
                blob_key=f"test-{version_id}-{kind}", data_key_id=key_id, cipher="aes-256-gcm",
                issued_on=dt.date(2014, 1, 1), uploaded_by=world.users["vendor"],
                status=AttestationStatus.ACCEPTED, decided_by=world.users["inspector"]))


def passing_evaluation(world: World, *, sign: bool = True) -> int:
    """A cn-cbrc-317 evaluation that passes (SM3 only, evidence accepted), signed when
    ``sign``: its id."""
    version_id, _ = inspected_version(world, {"src/sm.py": SM3_PY})
    accept_evidence(world, version_id, CBRC_EVIDENCE)
    inspector = world.sign_in("inspector")
    made = inspector.post(f"/api/versions/{version_id}/evaluations",
                          json={"rulebook": "cn-cbrc-317", "as_of": AS_OF})
    assert made.status_code == 201 and made.json()["overall"] == "pass", made.text
    evaluation_id = int(made.json()["id"])
    if sign:
        assert inspector.post(f"/api/evaluations/{evaluation_id}/signature"
                              ).status_code == 201
    return evaluation_id
