"""Submissions (streamed, size-limited, encrypted uploads), inspections and findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, BinaryIO, cast

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from anke.service.access.policy import Principal
from anke.service.api.deps import ServicesDep, Who, authorize
from anke.service.api.owned import load_owned, owned
from anke.service.api.routes_auth import actor
from anke.service.api.schemas import FindingOut, InspectionOut, SubmissionOut
from anke.service.api.schemas_triage import finding_out
from anke.service.api.upload import BodyReader
from anke.service.audit.chain import record
from anke.service.db.inspections import Inspection
from anke.service.db.products import ProductVersion, Submission
from anke.service.jobs.queue import INSPECTION, enqueue
from anke.service.manifest import ManifestPage, manifest_page
from anke.service.protect import TooLarge
from anke.service.runtime import Services
from anke.service.triage import findings_with_triage
from anke.service.vault import data_key, opened_blob, put_blob, safe_name

router = APIRouter(prefix="/api", tags=["submissions"])
_DOWNLOAD_CHUNK = 1 << 20


def store_submission(services: Services, who: Principal, version_id: int, filename: str,
                     body: BodyReader) -> Submission:
    """Authorize, encrypt ``body`` into a blob and record the submission (API and web)."""
    with services.database.reader() as session:
        owner = load_owned(session, ProductVersion, version_id)[1]
    authorize(services, who, "submission.create", owner)
    settings = services.settings
    try:  # the manifest is listed by the first inspection: nothing is unpacked here
        stored = put_blob(services.database, services.keys, services.store, owner,
                          cast(BinaryIO, body), settings.blob_cipher, settings.max_upload_bytes)
    except TooLarge:
        raise HTTPException(413, f"larger than {settings.max_upload_bytes} bytes") from None
    with services.database.writer() as session:
        submission = Submission(version_id=version_id, uploaded_by=who.user_id,
                                filename=filename, size=stored.info.size,
                                sha256=stored.info.sha256, blob_key=stored.key,
                                data_key_id=stored.data_key_id, cipher=stored.info.cipher,
                                manifest=[])
        session.add(submission)
        session.flush()
        record(session, actor(who), "submission.create", f"submission:{submission.id}",
               {"version": version_id, "filename": filename, "size": submission.size,
                "sha256": submission.sha256})
        return submission


@router.post("/versions/{version_id}/submissions", response_model=SubmissionOut,
             status_code=201,
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/octet-stream": {"schema": {"type": "string",
                                                         "format": "binary"}}}}})
async def upload(version_id: int, request: Request, who: Who, services: ServicesDep,
                 filename: Annotated[str, Query(min_length=1, max_length=255)]) -> Submission:
    """Upload an archive as the request body; it is encrypted as it streams in."""
    name = safe_name(filename)
    if not name:
        raise HTTPException(422, "filename has no usable characters")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > services.settings.max_upload_bytes:
        raise HTTPException(413, f"larger than {services.settings.max_upload_bytes} bytes")
    body = BodyReader(request.stream().__aiter__())
    return await run_in_threadpool(store_submission, services, who, version_id, name, body)


def submission_of(services: Services, who: Principal, submission_id: int,
                  action: str) -> Submission:
    """The submission, if ``who`` may take ``action`` on it (else 404/403)."""
    return owned(services, who, Submission, submission_id, action)


@router.get("/submissions/{submission_id}", response_model=SubmissionOut)
def get_submission(submission_id: int, who: Who, services: ServicesDep) -> Submission:
    """A submission's facts."""
    return submission_of(services, who, submission_id, "submission.read")


@router.get("/submissions/{submission_id}/manifest", response_model=ManifestPage)
def get_manifest(submission_id: int, who: Who, services: ServicesDep,
                 limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
                 offset: Annotated[int, Query(ge=0)] = 0) -> ManifestPage:
    """A submission's members (path, size, SHA-256) and skipped members with the reason,
    as its first inspection listed them (``pending`` before)."""
    submission = submission_of(services, who, submission_id, "submission.read")
    return manifest_page(submission.id, submission.manifest,
                         submission.manifest_listed_at is not None, limit, offset)


@router.get("/submissions/{submission_id}/content",
            response_class=StreamingResponse,
            responses={200: {"content": {"application/octet-stream": {}}}})
def download(submission_id: int, who: Who, services: ServicesDep) -> StreamingResponse:
    """The submitted bytes, decrypted and checked; every download is audited."""
    submission = submission_of(services, who, submission_id, "source.read")
    with services.database.writer() as session:
        key = data_key(session, services.keys, submission.data_key_id)
        record(session, actor(who), "source.read", f"submission:{submission.id}",
               {"purpose": "download"})

    def chunks() -> Iterator[bytes]:
        with opened_blob(services.store, submission.blob_key, key,
                         submission.sha256) as path, path.open("rb") as handle:
            while piece := handle.read(_DOWNLOAD_CHUNK):
                yield piece

    return StreamingResponse(chunks(), media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{submission.filename}"'})


@router.post("/submissions/{submission_id}/inspections", response_model=InspectionOut,
             status_code=201)
def start_inspection(submission_id: int, who: Who, services: ServicesDep) -> Inspection:
    """Queue an inspection of a submission."""
    submission = submission_of(services, who, submission_id, "inspection.create")
    with services.database.writer() as session:
        inspection = Inspection(submission_id=submission.id, requested_by=who.user_id,
                                stats={})
        session.add(inspection)
        session.flush()
        enqueue(session, INSPECTION, inspection.id)
        record(session, actor(who), "inspection.create", f"inspection:{inspection.id}",
               {"submission": submission.id})
        return inspection


def inspection_of(services: Services, who: Principal, inspection_id: int,
                  action: str) -> Inspection:
    """The inspection, if ``who`` may take ``action`` on it (else 404/403)."""
    return owned(services, who, Inspection, inspection_id, action)


@router.get("/inspections/{inspection_id}", response_model=InspectionOut)
def get_inspection(inspection_id: int, who: Who, services: ServicesDep) -> Inspection:
    """An inspection and where it stands."""
    return inspection_of(services, who, inspection_id, "product.read")


@router.get("/inspections/{inspection_id}/findings", response_model=list[FindingOut])
def list_findings(inspection_id: int, who: Who, services: ServicesDep,
                  limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
                  offset: Annotated[int, Query(ge=0)] = 0) -> list[FindingOut]:
    """An inspection's findings, with their code context (evidence) and triage."""
    inspection = inspection_of(services, who, inspection_id, "findings.read")
    product_id = inspection.submission.version.product_id
    with services.database.reader() as session:
        rows = findings_with_triage(session, inspection_id, product_id, limit, offset)
    return [finding_out(finding, triage) for finding, triage in rows]
