"""Rendering pages: the Jinja2 environment, HTML responses, flash messages and redirects.

Templates autoescape everything; handlers pass plain data (never markup).  A flash message
is a short text carried by a one-minute cookie from a form post to the page it redirects
to (Post/Redirect/Get), shown once and then cleared.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from anke.service.access.policy import load_policy

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"
FLASH_COOKIE = "anke_flash"
_FLASH_MAX = 300
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def human_bytes(size: int | None) -> str:
    """``1536`` -> ``1.5 KiB``."""
    if size is None:
        return ""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"  # pragma: no cover


def when(value: dt.datetime | dt.date | None) -> str:
    """A timestamp to the minute (UTC) or a date; empty for None."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat()


def percent(value: float | None) -> str:
    """``0.754`` -> ``75.4%``; a dash for unknown."""
    return "\u2013" if value is None else f"{value * 100:.1f}%"


def signed(value: float | None) -> str:
    """A change of share in percentage points: ``0.5`` -> ``+50.0 pt``; a dash for unknown."""
    return "\u2013" if value is None else f"{value * 100:+.1f} pt"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (autoescaping, strict about undefined names)."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["bytes"] = human_bytes
    env.filters["when"] = when
    env.filters["percent"] = percent
    env.filters["signed"] = signed
    return env


def render(request: Request, template: str, context: dict[str, Any],
           status_code: int = 200) -> HTMLResponse:
    """The page ``template`` with ``context``, the signed-in viewer and any flash message."""
    flash = request.cookies.get(FLASH_COOKIE)
    viewer = getattr(request.state, "viewer", None)

    def allows(action: str) -> bool:
        return viewer is not None and load_policy().allows(viewer.who, action)

    html = environment().get_template(template).render(
        viewer=viewer, flash=unquote(flash)[:_FLASH_MAX] if flash else None,
        path=request.url.path, allows=allows, **context)
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def redirect(url: str, flash: str | None = None) -> RedirectResponse:
    """A 303 to ``url`` (a local path), carrying ``flash`` to the next page."""
    response = RedirectResponse(local_path(url), status_code=303)
    if flash:
        response.set_cookie(FLASH_COOKIE, quote(flash[:_FLASH_MAX]), max_age=60,
                            httponly=True, samesite="lax", path="/")
    return response


def local_path(target: str | None) -> str:
    """``target`` when it is a path of this site (``/products?x=1``), otherwise ``/``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(char) < 0x20 or ord(char) == 0x7F for char in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target
