"""Attestations on the web: the vendor's streamed evidence upload and the inspectors'
accept/reject form (through ``anke.service.attestations``: policy, audit, refusals)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response
from starlette.concurrency import run_in_threadpool

from anke.service.api.deps import ServicesDep
from anke.service.api.upload import BodyReader
from anke.service.attestations import Upload, decide_attestation, store_attestation
from anke.service.db.products import Attestation
from anke.service.refusals import Invalid
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.multipart import FormError
from anke.service.web.render import redirect
from anke.service.web.routes_evaluations import parse_date
from anke.service.web.streamed import open_form

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])


@router.post("/versions/{version_id}/attestations")
async def upload(version_id: int, request: Request, services: ServicesDep) -> Response:
    """The evidence upload form, read as a stream (fields first, then the document, stored
    encrypted as it arrives)."""
    opened = await open_form(request, services.settings.max_upload_bytes)
    back = f"/versions/{version_id}#attestations"
    if opened.field != "file" or not opened.filename:
        raise HTTPException(422, "choose a file to upload")
    fields = opened.fields
    try:
        facts = Upload(fields.get("evidence_type", "").strip(), fields.get("title", ""),
                       opened.filename,
                       parse_date(fields.get("issued_on", ""), "issued on"),
                       parse_date(fields.get("valid_until", ""), "valid until"))
        stored = await run_in_threadpool(store_attestation, services, opened.viewer.who,
                                         version_id, facts, BodyReader(
                                             opened.stream.file_chunks()))
    except Invalid as refused:
        return redirect(back, f"Not saved: {refused}")
    except FormError as error:
        raise HTTPException(400, str(error)) from None
    return redirect(back, f"Uploaded {stored.title} ({stored.size} bytes), pending a decision.")


@router.post("/attestations/{attestation_id}/decision")
def decide(attestation_id: int, viewer: ViewerDep, services: ServicesDep,
           decision: Annotated[str, Form(max_length=16)] = "",
           note: Annotated[str, Form(max_length=4000)] = "") -> Response:
    """Accept or reject an evidence document, with a note (needed to reject)."""
    with services.database.reader() as session:
        found = session.get(Attestation, attestation_id)
        version_id = found.version_id if found is not None else None
    try:
        with services.database.writer() as session:
            decided = decide_attestation(session, viewer.who, attestation_id, decision, note)
            version_id, status = decided.version_id, decided.status.value
    except Invalid as refused:
        if version_id is None:
            raise
        return redirect(f"/versions/{version_id}#attestations", f"Not saved: {refused}")
    return redirect(f"/versions/{version_id}#attestations", f"Attestation {status}.")
