"""Organisations and users (admin), and the audit log's verification."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from anke.service.access.credentials import hash_password
from anke.service.api.deps import ServicesDep, Who, authorize
from anke.service.api.routes_auth import actor
from anke.service.api.schemas import (
    AuditVerification,
    OrganisationIn,
    OrganisationOut,
    UserIn,
    UserOut,
)
from anke.service.audit.chain import record, verify
from anke.service.db.tenancy import Organisation, User

router = APIRouter(prefix="/api", tags=["admin"])


@router.get("/organisations", response_model=list[OrganisationOut])
def list_organisations(who: Who, services: ServicesDep) -> list[Organisation]:
    """Every organisation."""
    authorize(services, who, "organisation.manage")
    with services.database.reader() as session:
        return list(session.execute(select(Organisation).order_by(Organisation.id)).scalars())


@router.post("/organisations", response_model=OrganisationOut, status_code=201)
def create_organisation(body: OrganisationIn, who: Who, services: ServicesDep) -> Organisation:
    """A new organisation (tenant)."""
    authorize(services, who, "organisation.manage")
    try:
        with services.database.writer() as session:
            org = Organisation(**body.model_dump())
            session.add(org)
            session.flush()
            record(session, actor(who), "organisation.create", f"organisation:{org.id}",
                   body.model_dump(mode="json"))
            return org
    except IntegrityError:
        raise HTTPException(409, "an organisation of that name exists") from None


@router.get("/organisations/{org_id}/users", response_model=list[UserOut])
def list_users(org_id: int, who: Who, services: ServicesDep) -> list[User]:
    """An organisation's users."""
    authorize(services, who, "organisation.manage")
    with services.database.reader() as session:
        return list(session.execute(select(User).where(User.org_id == org_id)
                                    .order_by(User.id)).scalars())


@router.post("/organisations/{org_id}/users", response_model=UserOut, status_code=201)
def create_user(org_id: int, body: UserIn, who: Who, services: ServicesDep) -> User:
    """A new user of an organisation; the password is stored as its argon2id hash."""
    authorize(services, who, "organisation.manage")
    try:
        with services.database.writer() as session:
            if session.get(Organisation, org_id) is None:
                raise HTTPException(404, "not found")
            user = User(org_id=org_id, email=body.email.lower(), name=body.name,
                        role=body.role, password_hash=hash_password(body.password))
            session.add(user)
            session.flush()
            record(session, actor(who), "user.create", f"user:{user.id}",
                   {"email": user.email, "role": user.role.value, "org": org_id})
            return user
    except IntegrityError:
        raise HTTPException(409, "a user with that e-mail exists") from None


@router.get("/audit/verify", response_model=AuditVerification)
def verify_audit(who: Who, services: ServicesDep) -> AuditVerification:
    """Walk the audit log's hash chain."""
    authorize(services, who, "audit.read")
    with services.database.reader() as session:
        result = verify(session)
    return AuditVerification(ok=result.ok, entries=result.entries, head=result.head,
                             problem=result.problem)
