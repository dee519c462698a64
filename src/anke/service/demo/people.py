"""The demo's first step: the administrator (straight into the database, as ``anke user add``
does), then the other organisations and people, made by that administrator through the API."""

from __future__ import annotations

from sqlalchemy import select

from anke.errors import AnkeError
from anke.service.access.credentials import hash_password
from anke.service.audit.chain import Actor, record
from anke.service.db.tenancy import Organisation, User
from anke.service.demo.context import Seeding

ROUTES = (("POST", "/api/organisations"), ("POST", "/api/organisations/{org_id}/users"))


def bootstrap_admin(seeding: Seeding) -> None:
    """The administrator and their organisation, written directly (there is no one yet to
    make them through the API)."""
    if "admin:bootstrap" in seeding.record.ids:
        return
    admin = seeding.scenario.accounts[0]
    spec = next(o for o in seeding.scenario.organisations if o.key == admin.org)
    with seeding.services.database.writer() as session:
        if session.execute(select(User).limit(1)).first() is not None:
            raise AnkeError("demo: this database already has users but no demo record; "
                            "use an empty data directory (ANKE_DATA_DIR) for the demo")
        org = Organisation(name=spec.name, kind=spec.kind, country=spec.country,
                           domestic=spec.domestic)
        session.add(org)
        session.flush()
        user = User(org_id=org.id, email=admin.email, name=admin.name, role=admin.role,
                    password_hash=hash_password(seeding.record.passwords[admin.key]))
        session.add(user)
        session.flush()
        record(session, Actor.system("anke demo"), "user.create", f"user:{user.id}",
               {"email": user.email, "role": user.role.value, "org": org.id})
        org_id, user_id = org.id, user.id
    seeding.record.keep(f"org:{spec.key}", org_id)
    seeding.record.keep(f"user:{admin.key}", user_id)
    seeding.record.keep("admin:bootstrap", 1)


def seed_people(seeding: Seeding) -> None:
    """Every organisation and account of the scenario."""
    bootstrap_admin(seeding)
    admin = seeding.scenario.accounts[0].key
    ids = seeding.record
    for org in seeding.scenario.organisations:
        if f"org:{org.key}" not in ids.ids:
            made = seeding.api.call(admin, "POST", "/api/organisations", json={
                "name": org.name, "kind": org.kind.value, "country": org.country,
                "domestic": org.domestic})
            ids.keep(f"org:{org.key}", int(made["id"]))
    for account in seeding.scenario.accounts[1:]:
        if f"user:{account.key}" not in ids.ids:
            made = seeding.api.call(
                admin, "POST", f"/api/organisations/{ids.id(f'org:{account.org}')}/users",
                json={"email": account.email, "name": account.name, "role": account.role.value,
                      "password": ids.passwords[account.key]})
            ids.keep(f"user:{account.key}", int(made["id"]))
    seeding.say(f"{len(seeding.scenario.organisations)} organisations, "
                f"{len(seeding.scenario.accounts)} accounts")
