"""Signing in and out on the web.

The sign-in form is protected against cross-site posting before any session exists by a
double-submit token: the form page sets a random value in an HttpOnly, SameSite=Strict
cookie and in a hidden field, and a post is accepted only when both agree.  The session
itself is opened by the same code as the API's (cookie flags included).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response

from anke.service.access.credentials import new_secret, same
from anke.service.access.policy import Principal
from anke.service.api.deps import ServicesDep, optional_principal
from anke.service.api.routes_auth import close_session, open_session
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.render import local_path, redirect, render

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
LOGIN_COOKIE = "anke_login"


def _form(request: Request, back: str, error: str | None, status_code: int,
          email: str = "") -> Response:
    token = new_secret()
    response = render(request, "login.html", {"next": local_path(back), "error": error,
                                              "login_token": token, "email": email},
                      status_code)
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/login")
    return response


@router.get("/login")
async def login_page(request: Request, next: str = "/") -> Response:
    """The sign-in form (signed-in visitors go straight on)."""
    who: Principal | None = await optional_principal(request)
    if who is not None:
        return redirect(local_path(next))
    return _form(request, next, None, 200)


@router.post("/login")
def login(request: Request, services: ServicesDep,
          email: Annotated[str, Form(max_length=254)] = "",
          password: Annotated[str, Form(max_length=1024)] = "",
          login_token: Annotated[str, Form(max_length=200)] = "",
          next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    """Check the sign-in form; on success open a session and go on to ``next``."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not same(cookie, login_token):
        return _form(request, next, "The form expired; please sign in again.", 403, email)
    response = redirect(local_path(next), "Signed in.")
    try:
        open_session(services, request, response, email, password)
    except HTTPException as refused:
        if refused.status_code != 401:
            raise
        return _form(request, next, "Wrong e-mail or password.", 401, email)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, viewer: ViewerDep, services: ServicesDep) -> Response:
    """End the session (the form carries the CSRF token) and return to the sign-in page."""
    response = redirect("/login", "Signed out.")
    close_session(services, request, response, viewer.who)
    return response
