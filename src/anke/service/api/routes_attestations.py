"""Attestations: streamed, encrypted evidence uploads, their summaries, audited downloads
and the inspectors' decisions (thin routes over :mod:`anke.service.attestations`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, BinaryIO, cast

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from anke.service.api.deps import ServicesDep, Who, http_refusals
from anke.service.api.schemas_attestations import (
    AttestationOut,
    AttestationPageOut,
    DecisionIn,
    attestation_out,
)
from anke.service.api.upload import BodyReader
from anke.service.attestations import (
    Upload,
    attestation_of,
    decide_attestation,
    store_attestation,
    version_attestations,
)
from anke.service.audit.chain import Actor, record
from anke.service.vault import data_key, opened_blob

router = APIRouter(prefix="/api", tags=["attestations"])
_CHUNK = 1 << 20


@router.post("/versions/{version_id}/attestations", response_model=AttestationOut,
             status_code=201,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string",
                                                         "format": "binary"}}}}})
async def upload(version_id: int, request: Request, who: Who, services: ServicesDep,
                 evidence_type: Annotated[str, Query(min_length=1, max_length=64)],
                 title: Annotated[str, Query(min_length=1, max_length=200)],
                 filename: Annotated[str, Query(min_length=1, max_length=255)],
                 issued_on: date | None = None,
                 valid_until: date | None = None) -> AttestationOut:
    """Upload an evidence document as the request body; it is encrypted as it streams in."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > services.settings.max_upload_bytes:
        raise HTTPException(413, f"larger than {services.settings.max_upload_bytes} bytes")
    body = cast(BinaryIO, BodyReader(request.stream().__aiter__()))
    facts = Upload(evidence_type, title, filename, issued_on, valid_until)
    with http_refusals():
        stored = await run_in_threadpool(store_attestation, services, who, version_id,
                                         facts, body)
    return attestation_out(stored)


@router.get("/versions/{version_id}/attestations", response_model=AttestationPageOut)
def list_attestations(version_id: int, who: Who, services: ServicesDep,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                      offset: Annotated[int, Query(ge=0)] = 0) -> AttestationPageOut:
    """A version's evidence documents (summaries)."""
    with http_refusals(), services.database.reader() as session:
        page = version_attestations(session, who, version_id, limit, offset)
        return AttestationPageOut(total=page.total,
                                  items=[attestation_out(item) for item in page.items])


@router.get("/attestations/{attestation_id}", response_model=AttestationOut)
def get_attestation(attestation_id: int, who: Who, services: ServicesDep) -> AttestationOut:
    """One evidence document's summary."""
    with http_refusals(), services.database.reader() as session:
        return attestation_out(attestation_of(session, who, attestation_id,
                                              "attestation.summary"))


@router.get("/attestations/{attestation_id}/content", response_class=StreamingResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download(attestation_id: int, who: Who, services: ServicesDep) -> StreamingResponse:
    """The document's bytes, decrypted and checked; every download is audited."""
    with http_refusals(), services.database.writer() as session:
        attestation = attestation_of(session, who, attestation_id, "attestation.read")
        key = data_key(session, services.keys, attestation.data_key_id)
        record(session, Actor(who.user_id, who.email, who.org_id), "attestation.read",
               f"attestation:{attestation.id}", {"purpose": "download"})
        blob = (attestation.blob_key, attestation.sha256, attestation.filename)

    def chunks() -> Iterator[bytes]:
        with opened_blob(services.store, blob[0], key, blob[1]) as path, \
                path.open("rb") as handle:
            while piece := handle.read(_CHUNK):
                yield piece

    return StreamingResponse(chunks(), media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{blob[2]}"'})


@router.post("/attestations/{attestation_id}/decision", response_model=AttestationOut)
def decide(attestation_id: int, body: DecisionIn, who: Who,
           services: ServicesDep) -> AttestationOut:
    """Accept or reject an evidence document (again, if it was decided before)."""
    with http_refusals(), services.database.writer() as session:
        return attestation_out(decide_attestation(session, who, attestation_id,
                                                  body.decision, body.note))
