"""The demo's judging: vendors upload evidence and the inspector decides on it, triages
findings, evaluates versions against the rulebook, signs, and publishes the approved-products
list (with one removal)."""

from __future__ import annotations

from datetime import timedelta

from anke.service.db.base import utcnow
from anke.service.demo.context import Seeding
from anke.service.demo.scenario import AttestationSpec

ATTESTATION_ROUTES = (("POST", "/api/versions/{version_id}/attestations"),
                      ("POST", "/api/attestations/{attestation_id}/decision"))
TRIAGE_ROUTES = (("GET", "/api/inspections/{inspection_id}/findings"),
                 ("PUT", "/api/inspections/{inspection_id}/findings/{finding_id}/triage"))
EVALUATION_ROUTES = (("POST", "/api/versions/{version_id}/evaluations"),
                     ("POST", "/api/evaluations/{evaluation_id}/signature"))
LISTING_ROUTES = (("POST", "/api/listings"), ("POST", "/api/listings/{listing_id}/removal"))


def _document(spec: AttestationSpec) -> bytes:
    """The text of a FICTIONAL evidence document."""
    return (f"{spec.title}\n\nevidence type: {spec.type}\nfor: {spec.version}\n"
            f"issued on: {spec.issued_on}\nvalid until: {spec.valid_until}\n\n"
            "A FICTIONAL document written by the anke demo; it certifies nothing.\n").encode()


def seed_attestations(seeding: Seeding) -> None:
    """Each vendor uploads its evidence; the inspector accepts or rejects each document."""
    ids = seeding.record
    for number, spec in enumerate(seeding.scenario.attestations):
        key = f"attestation:{number}"
        if key not in ids.ids:
            made = seeding.api.call(
                seeding.vendor_of(spec.version), "POST",
                f"/api/versions/{seeding.version_id(spec.version)}/attestations",
                params={"evidence_type": spec.type, "title": spec.title,
                        "issued_on": spec.issued_on.isoformat(),
                        "valid_until": spec.valid_until.isoformat(),
                        "filename": f"{spec.type}.txt"},
                content=_document(spec), headers={"Content-Type": "application/octet-stream"})
            ids.keep(key, int(made["id"]))
        if f"decided:{number}" not in ids.ids:
            seeding.api.call(seeding.inspector, "POST",
                             f"/api/attestations/{ids.id(key)}/decision",
                             json={"decision": spec.decision, "note": spec.note})
            ids.keep(f"decided:{number}", 1)
    seeding.say(f"{len(seeding.scenario.attestations)} evidence documents decided")


def seed_triage(seeding: Seeding) -> None:
    """The inspector's decisions on the matching findings of each inspection."""
    today = utcnow().date()
    count = 0
    for spec in seeding.scenario.triage:
        inspection = seeding.record.id(f"inspection:{spec.version}")
        findings = seeding.api.call(seeding.inspector, "GET",
                                    f"/api/inspections/{inspection}/findings",
                                    params={"limit": 5000})
        body: dict[str, object] = {"status": spec.status, "reason": spec.reason}
        if spec.expires_in_days is not None:
            body["expires_on"] = (today + timedelta(days=spec.expires_in_days)).isoformat()
        for finding in findings:
            data = finding["data"]
            if data.get("algorithm") != spec.algorithm:
                continue
            if spec.path_endswith and not str(data.get("path", "")).endswith(spec.path_endswith):
                continue
            seeding.api.call(seeding.inspector, "PUT",
                             f"/api/inspections/{inspection}/findings/{finding['id']}/triage",
                             json=body)
            count += 1
    seeding.say(f"{count} findings triaged")


def seed_evaluations(seeding: Seeding) -> None:
    """The inspector evaluates each version as of its date, and signs those marked so."""
    ids = seeding.record
    scenario = seeding.scenario
    for spec in scenario.evaluations:
        key = f"evaluation:{spec.key}"
        if key not in ids.ids:
            made = seeding.api.call(
                seeding.inspector, "POST",
                f"/api/versions/{seeding.version_id(spec.version)}/evaluations",
                json={"rulebook": scenario.rulebook, "version": scenario.rulebook_version,
                      "as_of": spec.as_of.isoformat(),
                      "inspection_id": ids.id(f"inspection:{spec.version}")})
            ids.keep(key, int(made["id"]))
            seeding.say(f"evaluated {spec.version} as of {spec.as_of}: {made.get('overall')}")
        if spec.sign and f"signed:{spec.key}" not in ids.ids:
            seeding.api.call(seeding.inspector, "POST",
                             f"/api/evaluations/{ids.id(key)}/signature")
            ids.keep(f"signed:{spec.key}", 1)


def seed_listings(seeding: Seeding) -> None:
    """The approved-products list: each listing, then its removal when there is one."""
    ids = seeding.record
    for number, spec in enumerate(seeding.scenario.listings):
        key = f"listing:{number}"
        if key not in ids.ids:
            made = seeding.api.call(seeding.inspector, "POST", "/api/listings", json={
                "evaluation_id": ids.id(f"evaluation:{spec.evaluation}"),
                "listed_on": spec.listed_on.isoformat()})
            ids.keep(key, int(made["id"]))
        if spec.removed_on is not None and f"removed:{number}" not in ids.ids:
            seeding.api.call(seeding.inspector, "POST", f"/api/listings/{ids.id(key)}/removal",
                             json={"removed_on": spec.removed_on.isoformat(),
                                   "reason": spec.reason})
            ids.keep(f"removed:{number}", 1)
    seeding.say(f"{len(seeding.scenario.listings)} listings published")
