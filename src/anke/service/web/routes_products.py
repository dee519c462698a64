"""Products, versions and submissions: lists, forms and the streamed upload.

Creating a product or version and starting an inspection call the API's own functions, so
checks, audit records and errors are the same.  The upload form is read as a stream (see
``multipart``): the CSRF field is checked before the file's first byte is stored, and the
file goes through the API's storing function, encrypted as it arrives, size-limited.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from starlette.concurrency import run_in_threadpool

from anke.rulebooks.loader import shipped_rulebooks
from anke.service.api.deps import ServicesDep, authorize
from anke.service.api.owned import owned
from anke.service.api.routes_products import create_product, create_version
from anke.service.api.routes_submissions import start_inspection, store_submission
from anke.service.api.schemas import ProductIn, VersionIn
from anke.service.api.upload import BodyReader
from anke.service.attestations import evidence_types
from anke.service.db.base import utcnow
from anke.service.db.evaluations import Evaluation
from anke.service.db.inspections import Inspection
from anke.service.db.products import Attestation, Product, ProductVersion, Submission
from anke.service.db.tenancy import Organisation
from anke.service.manifest import counts as manifest_counts
from anke.service.manifest import loaded
from anke.service.vault import safe_name
from anke.service.web.choices import rulebook_options
from anke.service.web.guard import PageRoute, ViewerDep
from anke.service.web.multipart import FormError
from anke.service.web.render import redirect, render
from anke.service.web.streamed import open_form

router = APIRouter(route_class=PageRoute, include_in_schema=False, tags=["web"])
PAGE = 50
MANIFEST_SHOWN = 500


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first.get("loc", ())) or "form"
    return f"{where}: {first.get('msg', 'not valid')}"


def categories() -> list[str]:
    """The asset categories the shipped rulebooks know (for the product form)."""
    return sorted({category.id for loaded in shipped_rulebooks().values()
                   for category in loaded.rulebook.categories})


@router.get("/products")
def products_page(request: Request, viewer: ViewerDep, services: ServicesDep,
                  offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """The products the viewer may see (a vendor its own), a page at a time."""
    who = viewer.who
    authorize(services, who, "product.read")
    versions = (select(ProductVersion.product_id, func.count().label("n"))
                .group_by(ProductVersion.product_id).subquery())
    query = (select(Product, func.coalesce(versions.c.n, 0))
             .outerjoin(versions, versions.c.product_id == Product.id)
             .options(selectinload(Product.versions)))
    if not services.policy.reaches_all(who, "product.read"):
        query = query.where(Product.vendor_id == who.org_id)
    with services.database.reader() as session:
        rows = session.execute(query.add_columns(Organisation.name)
                               .join(Organisation, Organisation.id == Product.vendor_id)
                               .order_by(Product.name, Product.id)
                               .limit(PAGE + 1).offset(offset)).all()
    return render(request, "products.html", {
        "rows": [{"product": p, "versions": int(n), "vendor": vendor}
                 for p, n, vendor in rows[:PAGE]],
        "offset": offset, "more": len(rows) > PAGE, "page": PAGE,
        "can_create": services.policy.allows(who, "product.write", who.org_id)
        and who.role.value == "vendor",
        "categories": categories()})


@router.post("/products")
def product_create(viewer: ViewerDep, services: ServicesDep,
                   name: Annotated[str, Form(max_length=200)] = "",
                   category: Annotated[str, Form(max_length=64)] = "",
                   description: Annotated[str, Form(max_length=5000)] = "") -> Response:
    """Register a product of the viewer's (vendor) organisation."""
    authorize(services, viewer.who, "product.write", viewer.who.org_id)
    try:
        body = ProductIn(name=name.strip(), category=category.strip(),
                         description=description.strip())
    except ValidationError as error:
        return redirect("/products", f"Not saved: {_problem(error)}")
    try:
        product = create_product(body, viewer.who, services)
    except HTTPException as refused:
        if refused.status_code != 409:
            raise
        return redirect("/products", f"Not saved: {refused.detail}")
    return redirect(f"/products/{product.id}", f"Product {product.name} registered.")


@router.get("/products/{product_id}")
def product_page(product_id: int, request: Request, viewer: ViewerDep,
                 services: ServicesDep) -> Response:
    """A product and its versions."""
    product = owned(services, viewer.who, Product, product_id, "product.read",
                    [selectinload(Product.versions)])
    return render(request, "product.html", {
        "product": product,
        "can_write": services.policy.allows(viewer.who, "product.write", product.vendor_id)})


@router.post("/products/{product_id}/versions")
def version_create(product_id: int, viewer: ViewerDep, services: ServicesDep,
                   version: Annotated[str, Form(max_length=64)] = "",
                   released_on: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Add a version to a product."""
    owned(services, viewer.who, Product, product_id, "product.write")
    back = f"/products/{product_id}"
    try:
        body = VersionIn.model_validate({"version": version.strip(),
                                        "released_on": released_on or None})
    except ValidationError as error:
        return redirect(back, f"Not saved: {_problem(error)}")
    try:
        made = create_version(product_id, body, viewer.who, services)
    except HTTPException as refused:
        if refused.status_code != 409:
            raise
        return redirect(back, f"Not saved: {refused.detail}")
    return redirect(f"/versions/{made.id}", f"Version {made.version} added.")


@router.get("/versions/{version_id}")
def version_page(version_id: int, request: Request, viewer: ViewerDep,
                 services: ServicesDep) -> Response:
    """A version: its submissions, upload form, attestations and evaluations."""
    who = viewer.who
    version = owned(services, who, ProductVersion, version_id, "product.read",
                    [selectinload(ProductVersion.product)])
    owner = version.product.vendor_id
    allows = services.policy.allows
    context: dict[str, Any] = {"version": version, "product": version.product,
                               "submissions": None, "attestations": None,
                               "evaluations": None,
                               "can_upload": allows(who, "submission.create", owner),
                               "max_upload": services.settings.max_upload_bytes,
                               "can_attest": allows(who, "attestation.create", owner),
                               "can_decide": allows(who, "attestation.decide", owner),
                               "can_download": allows(who, "attestation.read", owner),
                               "evidence_types": evidence_types(),
                               "can_evaluate": allows(who, "evaluation.create", owner),
                               "rulebooks": rulebook_options(),
                               "today": utcnow().date()}
    with services.database.reader() as session:
        if allows(who, "submission.read", owner):
            context["submissions"] = session.execute(
                select(Submission).where(Submission.version_id == version_id)
                .order_by(Submission.id.desc()).limit(100)).scalars().all()
        if allows(who, "attestation.summary", owner):
            context["attestations"] = session.execute(
                select(Attestation).where(Attestation.version_id == version_id)
                .order_by(Attestation.id.desc()).limit(100)).scalars().all()
        if allows(who, "evaluation.read", owner):
            context["evaluations"] = session.execute(
                select(Evaluation).where(Evaluation.version_id == version_id)
                .order_by(Evaluation.id.desc()).limit(100)).scalars().all()
    return render(request, "version.html", context)


@router.post("/versions/{version_id}/submissions")
async def upload(version_id: int, request: Request, services: ServicesDep) -> Response:
    """The upload form, read as a stream: CSRF field first, then the file, stored
    encrypted as it arrives."""
    opened = await open_form(request, services.settings.max_upload_bytes)
    viewer, form, filename = opened.viewer, opened.stream, opened.filename
    if opened.field != "file" or not filename:
        raise HTTPException(422, "choose a file to upload")
    name = safe_name(filename)
    if not name:
        raise HTTPException(422, "the file name has no usable characters")
    body = BodyReader(form.file_chunks())
    try:
        submission = await run_in_threadpool(store_submission, services, viewer.who,
                                             version_id, name, body)
    except FormError as error:
        raise HTTPException(400, str(error)) from None
    return redirect(f"/submissions/{submission.id}",
                    f"Uploaded {submission.filename} ({submission.size} bytes).")


@router.get("/submissions/{submission_id}")
def submission_page(submission_id: int, request: Request, viewer: ViewerDep,
                    services: ServicesDep) -> Response:
    """A submission: size, SHA-256, manifest, inspections, and the start button."""
    submission = owned(services, viewer.who, Submission, submission_id, "submission.read",
                       [selectinload(Submission.version).selectinload(ProductVersion.product)])
    owner = submission.version.product.vendor_id
    with services.database.reader() as session:
        inspections = session.execute(
            select(Inspection).where(Inspection.submission_id == submission_id)
            .order_by(Inspection.id.desc()).limit(50)).scalars().all()
    manifest = submission.manifest if isinstance(submission.manifest, list) else []
    counted = manifest_counts(manifest)
    return render(request, "submission.html", {
        "submission": submission, "version": submission.version,
        "product": submission.version.product, "inspections": inspections,
        "manifest": loaded(manifest[:MANIFEST_SHOWN]), "manifest_total": len(manifest),
        "members": counted[0], "skipped": counted[1],
        "manifest_listed": submission.manifest_listed_at is not None,
        "can_inspect": services.policy.allows(viewer.who, "inspection.create", owner)})


@router.post("/submissions/{submission_id}/inspections")
def inspection_create(submission_id: int, viewer: ViewerDep,
                      services: ServicesDep) -> Response:
    """Queue an inspection of a submission and show it."""
    inspection = start_inspection(submission_id, viewer.who, services)
    return redirect(f"/inspections/{inspection.id}", "Inspection queued.")
