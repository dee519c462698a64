"""The demo's products, versions and real inspections: each vendor registers its products,
uploads the fetched package of each version and asks for an inspection; a worker in this
process then runs them all to the end."""

from __future__ import annotations

from anke.errors import AnkeError
from anke.service.demo.context import Seeding
from anke.service.jobs.worker import Worker

PRODUCT_ROUTES = (("POST", "/api/products"), ("POST", "/api/products/{product_id}/versions"))
INSPECTION_ROUTES = (("POST", "/api/versions/{version_id}/submissions"),
                     ("POST", "/api/submissions/{submission_id}/inspections"),
                     ("GET", "/api/inspections/{inspection_id}"))


def seed_products(seeding: Seeding) -> None:
    """Every product and version of the scenario, registered by its vendor."""
    ids = seeding.record
    for product in seeding.scenario.products:
        vendor = seeding.vendor_of(product.key)
        if f"product:{product.key}" not in ids.ids:
            made = seeding.api.call(vendor, "POST", "/api/products", json={
                "name": product.name, "category": product.category,
                "description": product.description})
            ids.keep(f"product:{product.key}", int(made["id"]))
        for version in product.versions:
            ref = f"{product.key}@{version.version}"
            if f"version:{ref}" not in ids.ids:
                made = seeding.api.call(
                    vendor, "POST", f"/api/products/{ids.id(f'product:{product.key}')}/versions",
                    json={"version": version.version})
                ids.keep(f"version:{ref}", int(made["id"]))
    seeding.say(f"{len(seeding.scenario.products)} products registered")


def seed_inspections(seeding: Seeding) -> None:
    """Upload each version's package, queue its inspection, and run the queue dry."""
    ids = seeding.record
    for product in seeding.scenario.products:
        for version in product.versions:
            if version.package is None:
                continue
            ref = f"{product.key}@{version.version}"
            vendor = seeding.vendor_of(ref)
            package = seeding.scenario.package(version.package)
            if f"submission:{ref}" not in ids.ids:
                content = seeding.fetch(package).read_bytes()
                made = seeding.api.call(
                    vendor, "POST", f"/api/versions/{seeding.version_id(ref)}/submissions",
                    params={"filename": package.filename}, content=content,
                    headers={"Content-Type": "application/octet-stream"})
                ids.keep(f"submission:{ref}", int(made["id"]))
            if f"inspection:{ref}" not in ids.ids:
                made = seeding.api.call(
                    vendor, "POST", f"/api/submissions/{ids.id(f'submission:{ref}')}/inspections")
                ids.keep(f"inspection:{ref}", int(made["id"]))
    run_queue(seeding)
    for key, inspection_id in sorted(ids.ids.items()):
        if key.startswith("inspection:"):
            ref = key.split(":", 1)[1]
            found = seeding.api.call(seeding.vendor_of(ref), "GET",
                                     f"/api/inspections/{inspection_id}")
            if found["status"] != "done":
                raise AnkeError(f"demo: the inspection of {ref} is {found['status']}: "
                                f"{found.get('error') or 'no error recorded'}")
            seeding.say(f"inspected {ref}: {found['stats'].get('findings', '?')} findings")


def run_queue(seeding: Seeding) -> None:
    """Run queued inspections in this process until none is left."""
    worker = Worker(seeding.services, name="anke-demo-seed")
    while worker.run_once():
        pass
