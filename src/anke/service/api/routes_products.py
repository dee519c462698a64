"""Products and their versions."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from anke.service.api.deps import ServicesDep, Who, authorize
from anke.service.api.owned import owned
from anke.service.api.routes_auth import actor
from anke.service.api.schemas import ProductIn, ProductOut, VersionIn, VersionOut
from anke.service.audit.chain import record
from anke.service.db.products import Product, ProductVersion
from anke.service.db.tenancy import Organisation, OrgKind

router = APIRouter(prefix="/api", tags=["products"])


@router.get("/products", response_model=list[ProductOut])
def list_products(who: Who, services: ServicesDep) -> list[Product]:
    """The products the caller may see: a vendor its own, others all."""
    authorize(services, who, "product.read")
    query = select(Product).options(selectinload(Product.versions)).order_by(Product.id)
    if not services.policy.reaches_all(who, "product.read"):
        query = query.where(Product.vendor_id == who.org_id)
    with services.database.reader() as session:
        return list(session.execute(query).scalars())


@router.post("/products", response_model=ProductOut, status_code=201)
def create_product(body: ProductIn, who: Who, services: ServicesDep) -> Product:
    """A new product of the caller's (vendor) organisation."""
    authorize(services, who, "product.write", who.org_id)
    try:
        with services.database.writer() as session:
            org = session.get(Organisation, who.org_id)
            if org is None or org.kind is not OrgKind.VENDOR:
                raise HTTPException(403, "only a vendor organisation has products")
            product = Product(vendor_id=who.org_id, **body.model_dump())
            session.add(product)
            session.flush()
            record(session, actor(who), "product.create", f"product:{product.id}",
                   body.model_dump(mode="json"))
            session.refresh(product, ["versions"])
            return product
    except IntegrityError:
        raise HTTPException(409, "a product of that name exists") from None


def product_of(services: ServicesDep, who: Who, product_id: int, action: str) -> Product:
    """The product, if it exists and ``who`` may take ``action`` on it (else 404/403)."""
    return owned(services, who, Product, product_id, action, [selectinload(Product.versions)])


@router.get("/products/{product_id}", response_model=ProductOut)
def get_product(product_id: int, who: Who, services: ServicesDep) -> Product:
    """One product with its versions."""
    return product_of(services, who, product_id, "product.read")


@router.post("/products/{product_id}/versions", response_model=VersionOut, status_code=201)
def create_version(product_id: int, body: VersionIn, who: Who,
                   services: ServicesDep) -> ProductVersion:
    """A new version of a product."""
    product_of(services, who, product_id, "product.write")
    try:
        with services.database.writer() as session:
            version = ProductVersion(product_id=product_id, **body.model_dump())
            session.add(version)
            session.flush()
            record(session, actor(who), "version.create", f"version:{version.id}",
                   body.model_dump(mode="json"))
            return version
    except IntegrityError:
        raise HTTPException(409, "that version exists") from None
