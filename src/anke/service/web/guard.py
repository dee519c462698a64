"""Who is looking at a page, and what a refused or broken page request gets.

Pages use the API's own authentication (``optional_principal``: the session cookie, CSRF
checked on every form post) and the same policy (``authorize``, ``owned``).  Routes of the
web routers are :class:`PageRoute`: a request nobody signed in for is redirected to the
sign-in page, and a refusal (404, 403), bad input or a missing CSRF token is answered with
an HTML page of that status instead of JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from anke.service.access.policy import Principal
from anke.service.api.deps import optional_principal, services_of
from anke.service.db.tenancy import Organisation, User
from anke.service.refusals import Refused
from anke.service.web.render import redirect, render

_TITLES = {400: "Bad request", 401: "Sign in", 403: "Not allowed", 404: "Not found",
           409: "Conflict", 413: "Too large", 422: "Incomplete form"}


class SignInRequired(Exception):
    """Nobody is signed in; the page ``back`` is shown after signing in."""

    def __init__(self, back: str) -> None:
        super().__init__(back)
        self.back = back


@dataclass(frozen=True)
class Viewer:
    """The signed-in person looking at a page: who, their name and organisation, and the
    CSRF token their forms carry."""

    who: Principal
    name: str
    org_name: str
    csrf_token: str

    @property
    def role(self) -> str:
        """The role's name."""
        return self.who.role.value


def _seen(request: Request, who: Principal | None, csrf: str) -> Viewer:
    if who is None:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(back)
    with services_of(request).database.reader() as session:
        name, org_name = session.execute(
            select(User.name, Organisation.name).join(Organisation,
                                                      Organisation.id == User.org_id)
            .where(User.id == who.user_id)).one()
    seen = Viewer(who, name, org_name, csrf)
    request.state.viewer = seen
    return seen


def viewer(request: Request,
           who: Annotated[Principal | None, Depends(optional_principal)]) -> Viewer:
    """The signed-in viewer (CSRF checked on posts); anonymous requests are sent to the
    sign-in page."""
    return _seen(request, who, getattr(request.state, "csrf_token", "") or "")


async def stream_viewer(request: Request) -> Viewer:
    """The viewer of a streamed form post, authenticated as a page view is but without
    reading the body: the caller checks the CSRF field as the stream delivers it."""
    probe = Request({**request.scope, "method": "GET"}, request.receive)
    who = await optional_principal(probe)
    csrf = getattr(probe.state, "csrf_token", "") or ""
    return await run_in_threadpool(_seen, request, who, csrf)


ViewerDep = Annotated[Viewer, Depends(viewer)]


def error_page(request: Request, status_code: int, detail: str) -> Response:
    """The HTML page of a refused or failed request."""
    title = _TITLES.get(status_code, "Error")
    return render(request, "error.html", {"title": title, "status": status_code,
                                          "detail": detail}, status_code)


def _first_problem(exc: RequestValidationError) -> str:
    errors = exc.errors()
    if not errors:
        return "the request is not valid"
    first = errors[0]
    where = ".".join(str(part) for part in first.get("loc", ())[1:]) or "request"
    return f"{where}: {first.get('msg', 'not valid')}"


class PageRoute(APIRoute):
    """A web page route: sign-in redirects and HTML error pages instead of JSON."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler wrapped to turn refusals into pages."""
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except SignInRequired as exc:
                return redirect("/login?" + urlencode({"next": exc.back}))
            except HTTPException as exc:
                return error_page(request, exc.status_code, str(exc.detail))
            except Refused as exc:
                return error_page(request, exc.status, str(exc))
            except RequestValidationError as exc:
                return error_page(request, 422, _first_problem(exc))

        return page
