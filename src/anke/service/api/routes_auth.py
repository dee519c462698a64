"""Signing in and out, who am I, and one's own API tokens."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy import select

from anke.service.access.credentials import (
    TOKEN_PREFIX,
    check_password,
    hash_password,
    needs_rehash,
    new_secret,
    secret_hash,
)
from anke.service.access.policy import SCOPES, Principal
from anke.service.api.deps import SESSION_COOKIE, ServicesDep, Who, authorize
from anke.service.api.schemas import Me, NewToken, SignIn, TokenIn, TokenOut
from anke.service.audit.chain import Actor, record
from anke.service.db.base import utcnow
from anke.service.db.tenancy import ApiToken, User, WebSession
from anke.service.runtime import Services

router = APIRouter(prefix="/api", tags=["session"])
# checked against when the e-mail is unknown, so both paths cost one argon2 verification
_DUMMY_HASH = hash_password("not a password of anyone")


def actor(who: Principal) -> Actor:
    """The audit actor for a principal."""
    return Actor(who.user_id, who.email, who.org_id)


def open_session(services: Services, request: Request, response: Response, email: str,
                 password: str) -> tuple[User, str]:
    """Check e-mail and password, record a new web session and set its cookie on
    ``response`` (HttpOnly, SameSite=Lax, Secure over HTTPS); the user and the session's
    CSRF token.  401 when the e-mail or password is wrong.  Used by the API and the web."""
    with services.database.writer() as session:
        user = session.execute(select(User).where(User.email == email.lower())
                               ).scalar_one_or_none()
        ok = check_password(user.password_hash if user else _DUMMY_HASH, password)
        if user is None or not ok or not user.active:
            record(session, Actor(None, email.lower()[:254], None), "session.refused",
                   "session", {})
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong e-mail or password")
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        raw, csrf = new_secret(), new_secret()
        hours = services.settings.session_hours
        session.add(WebSession(user_id=user.id, token_hash=secret_hash(raw), csrf_token=csrf,
                               expires_at=utcnow() + timedelta(hours=hours)))
        record(session, Actor(user.id, user.email, user.org_id), "session.start",
               f"user:{user.id}", {})
        response.set_cookie(SESSION_COOKIE, raw, max_age=hours * 3600, httponly=True,
                            samesite="lax", secure=request.url.scheme == "https", path="/")
        return user, csrf


@router.post("/session", response_model=Me)
def sign_in(body: SignIn, request: Request, response: Response, services: ServicesDep) -> Me:
    """Check e-mail and password; set the session cookie (HttpOnly, SameSite=Lax)."""
    user, csrf = open_session(services, request, response, body.email, body.password)
    return Me(id=user.id, email=user.email, name=user.name, role=user.role,
              org_id=user.org_id, csrf_token=csrf)


def close_session(services: Services, request: Request, response: Response,
                  who: Principal) -> None:
    """End the request's web session and clear its cookie (API and web)."""
    raw = request.cookies.get(SESSION_COOKIE)
    with services.database.writer() as session:
        if raw:
            found = session.execute(select(WebSession).where(
                WebSession.token_hash == secret_hash(raw))).scalar_one_or_none()
            if found is not None:
                session.delete(found)
        record(session, actor(who), "session.end", f"user:{who.user_id}", {})
    response.delete_cookie(SESSION_COOKIE, path="/")


@router.delete("/session", status_code=204)
def sign_out(request: Request, response: Response, who: Who, services: ServicesDep) -> None:
    """End the session."""
    close_session(services, request, response, who)


@router.get("/me", response_model=Me)
def me(request: Request, who: Who, services: ServicesDep) -> Me:
    """The signed-in user (with the CSRF token when signed in by cookie)."""
    with services.database.reader() as session:
        user = session.get(User, who.user_id)
        assert user is not None
        return Me(id=user.id, email=user.email, name=user.name, role=user.role,
                  org_id=user.org_id, csrf_token=getattr(request.state, "csrf_token", None))


@router.get("/tokens", response_model=list[TokenOut])
def list_tokens(who: Who, services: ServicesDep) -> list[ApiToken]:
    """One's own API tokens."""
    authorize(services, who, "token.manage")
    with services.database.reader() as session:
        return list(session.execute(select(ApiToken).where(ApiToken.user_id == who.user_id)
                                    .order_by(ApiToken.id)).scalars())


@router.post("/tokens", response_model=NewToken, status_code=201)
def create_token(body: TokenIn, who: Who, services: ServicesDep) -> NewToken:
    """A new API token; its secret is shown once, stored only as its SHA-256."""
    authorize(services, who, "token.manage")
    scopes = sorted(set(body.scopes))
    if not scopes or any(s not in SCOPES for s in scopes):
        raise HTTPException(422, f"scopes must be among {', '.join(SCOPES)}")
    if not set(scopes) <= who.scopes:
        raise HTTPException(403, "a token cannot have scopes its maker lacks")
    raw = new_secret(TOKEN_PREFIX)
    with services.database.writer() as session:
        token = ApiToken(user_id=who.user_id, name=body.name, prefix=raw[:12],
                         token_hash=secret_hash(raw), scopes=scopes,
                         expires_at=utcnow() + timedelta(days=body.days) if body.days else None)
        session.add(token)
        session.flush()
        record(session, actor(who), "token.create", f"token:{token.id}",
               {"name": body.name, "scopes": scopes})
        return NewToken(token=raw, **TokenOut.model_validate(token).model_dump())


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, who: Who, services: ServicesDep) -> None:
    """Revoke one of one's own tokens."""
    authorize(services, who, "token.manage")
    with services.database.writer() as session:
        token = session.get(ApiToken, token_id)
        if token is None or token.user_id != who.user_id:
            raise HTTPException(404, "not found")
        if token.revoked_at is None:
            token.revoked_at = utcnow()
            record(session, actor(who), "token.revoke", f"token:{token.id}", {})
