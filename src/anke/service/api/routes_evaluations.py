"""Evaluations of product versions against rulebooks, and their signatures.

Thin wrappers over ``service.evaluations``: the logic, the access checks and the audit live
there, shared with the web pages.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from anke.service.api.deps import ServicesDep, Who, http_refusals
from anke.service.api.schemas_evaluations import (
    EvaluationIn,
    EvaluationOut,
    EvaluationSummary,
    SignatureOut,
    evaluation_out,
    evaluation_summary,
    signature_out,
)
from anke.service.evaluations import (
    create_evaluation,
    evaluation_view,
    sign_evaluation,
    signature_of,
    version_evaluations,
)

router = APIRouter(prefix="/api", tags=["evaluations"])


@router.post("/versions/{version_id}/evaluations", response_model=EvaluationOut,
             status_code=201)
def evaluate_version(version_id: int, body: EvaluationIn, who: Who,
                     services: ServicesDep) -> EvaluationOut:
    """Judge a version's latest finished inspection (or the one named) against a rulebook
    as of a date, and store the result; 409 when it has no finished inspection."""
    with http_refusals(), services.database.writer() as session:
        row = create_evaluation(session, who, version_id, body.rulebook, body.version,
                                body.as_of, body.inspection_id)
        return evaluation_out(evaluation_view(session, who, row.id))


@router.get("/versions/{version_id}/evaluations", response_model=list[EvaluationSummary])
def list_evaluations(version_id: int, who: Who, services: ServicesDep,
                     limit: Annotated[int, Query(ge=1, le=500)] = 100,
                     offset: Annotated[int, Query(ge=0)] = 0) -> list[EvaluationSummary]:
    """A version's evaluations, newest first (facts and verdict counts)."""
    with http_refusals(), services.database.reader() as session:
        return [evaluation_summary(view) for view in
                version_evaluations(session, who, version_id, limit, offset)]


@router.get("/evaluations/{evaluation_id}", response_model=EvaluationOut)
def get_evaluation(evaluation_id: int, who: Who, services: ServicesDep) -> EvaluationOut:
    """An evaluation with its result; without findings (code) for readers who may not see
    them (a bank, an administrator)."""
    with http_refusals(), services.database.reader() as session:
        return evaluation_out(evaluation_view(session, who, evaluation_id))


@router.post("/evaluations/{evaluation_id}/signature", response_model=SignatureOut,
             status_code=201)
def sign(evaluation_id: int, who: Who, services: ServicesDep) -> SignatureOut:
    """Sign an evaluation with the inspector's Ed25519 key; once only (409 after)."""
    with http_refusals(), services.database.writer() as session:
        sign_evaluation(session, services.keys, who, evaluation_id)
        return signature_out(signature_of(session, who, evaluation_id))


@router.get("/evaluations/{evaluation_id}/signature", response_model=SignatureOut)
def get_signature(evaluation_id: int, who: Who, services: ServicesDep) -> SignatureOut:
    """The signed statement, signature and public key, and whether they hold today; verify
    offline with ``anke.service.signing.verify_signed``."""
    with http_refusals(), services.database.reader() as session:
        return signature_out(signature_of(session, who, evaluation_id))
