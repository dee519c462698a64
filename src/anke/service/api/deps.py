"""What every route depends on: the services, who is asking, and whether they may.

A request is authenticated by a session cookie (web) or an ``Authorization: Bearer`` API
token (CLI, CI).  Cookie-authenticated requests that change anything must carry the
session's CSRF token in the ``X-CSRF-Token`` header or a ``csrf_token`` form field.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from anke.service.access.credentials import same, secret_hash
from anke.service.access.policy import SCOPES, Principal
from anke.service.db.base import utcnow
from anke.service.db.tenancy import ApiToken, User, WebSession
from anke.service.refusals import Refused, require
from anke.service.runtime import Services

SESSION_COOKIE = "anke_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_LAST_USED_STEP = timedelta(minutes=1)


def services_of(request: Request) -> Services:
    """The running service's shared state."""
    services: Services = request.app.state.services
    return services


def _from_token(services: Services, raw: str) -> Principal | None:
    now = utcnow()
    with services.database.reader() as session:
        token = session.execute(select(ApiToken).options(joinedload(ApiToken.user)).where(
            ApiToken.token_hash == secret_hash(raw))).scalar_one_or_none()
        if (token is None or token.revoked_at is not None
                or (token.expires_at is not None and token.expires_at <= now)
                or not token.user.active):
            return None
        user = token.user
        who = Principal(user.id, user.email, user.org_id, user.role,
                        frozenset(token.scopes) & frozenset(SCOPES), "token")
        stale = token.last_used_at is None or now - token.last_used_at > _LAST_USED_STEP
    if stale:  # written at most once a minute, in a writer, not on every request
        with services.database.writer() as session:
            session.execute(update(ApiToken).where(ApiToken.id == token.id)
                            .values(last_used_at=now))
    return who


def _from_session(services: Services, raw: str) -> tuple[Principal, str] | None:
    with services.database.reader() as session:
        row = session.execute(select(WebSession).options(joinedload(WebSession.user)).where(
            WebSession.token_hash == secret_hash(raw))).scalar_one_or_none()
        if row is None or row.expires_at <= utcnow() or not row.user.active:
            return None
        user: User = row.user
        return (Principal(user.id, user.email, user.org_id, user.role, frozenset(SCOPES),
                          "session"), row.csrf_token)


async def _csrf_value(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    if request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else ""
    return ""


async def optional_principal(request: Request) -> Principal | None:
    """Who is asking, or None for an anonymous request."""
    services = services_of(request)
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        who = _from_token(services, authorization[7:].strip())
        if who is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "invalid or revoked token",
                                headers={"WWW-Authenticate": "Bearer"})
        return who
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    found = _from_session(services, cookie)
    if found is None:
        return None
    who, csrf = found
    if request.method not in _SAFE and not same(await _csrf_value(request), csrf):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "missing or wrong CSRF token")
    request.state.csrf_token = csrf
    return who


async def principal(who: Annotated[Principal | None, Depends(optional_principal)]
                    ) -> Principal:
    """Who is asking; 401 when nobody is signed in."""
    if who is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "sign in or give an API token",
                            headers={"WWW-Authenticate": "Bearer"})
    return who


Who = Annotated[Principal, Depends(principal)]
ServicesDep = Annotated[Services, Depends(services_of)]


@contextmanager
def http_refusals() -> Iterator[None]:
    """Turn a service refusal (anke.service.refusals) into its HTTP status and one line."""
    try:
        yield
    except Refused as exc:
        raise HTTPException(exc.status, str(exc)) from None


def authorize(services: Services, who: Principal, action: str,
              owner_org: int | None = None) -> None:
    """Raise unless ``who`` may take ``action`` on a thing of ``owner_org``: 404 for a
    refused thing of another organisation (ids of other tenants' things cannot be probed),
    403 for any other refusal (the rule is ``refusals.require``)."""
    with http_refusals():
        require(who, action, owner_org, services.policy)
