"""The start of a streamed upload form: size check on the declared length, the small fields
read up to the file, and the CSRF field checked before a byte of the file is stored."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Request

from anke.service.access.credentials import same
from anke.service.api.deps import CSRF_HEADER
from anke.service.web.guard import Viewer, stream_viewer
from anke.service.web.multipart import FormError, FormStream, boundary_of

FORM_SLACK = 64 * 1024  # multipart framing and the small fields around the file


@dataclass(frozen=True)
class OpenedForm:
    """An upload form read up to its file: who sent it, its fields, the file's field and
    name, and the stream that hands out the file's bytes."""

    viewer: Viewer
    fields: dict[str, str]
    field: str | None
    filename: str | None
    stream: FormStream


async def open_form(request: Request, limit: int) -> OpenedForm:
    """Authenticate, refuse a body declared larger than ``limit`` (plus the form's framing),
    read the fields before the file and check the CSRF token (400/403/413 otherwise)."""
    viewer = await stream_viewer(request)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + FORM_SLACK:
        raise HTTPException(413, f"larger than {limit} bytes")
    try:
        form = FormStream(request.stream().__aiter__(),
                          boundary_of(request.headers.get("content-type", "")))
        fields, field, filename = await form.fields_until_file()
    except FormError as error:
        raise HTTPException(400, str(error)) from None
    token = request.headers.get(CSRF_HEADER) or fields.get("csrf_token", "")
    if viewer.who.via == "session" and not same(token, viewer.csrf_token):
        raise HTTPException(403, "missing or wrong CSRF token")
    return OpenedForm(viewer, fields, field, filename, form)
