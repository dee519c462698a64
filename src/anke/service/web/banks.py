"""Whose portfolio a page shows: a bank its own; an inspector (who may read any bank's
assets) the bank it picks from a list."""

from __future__ import annotations

from sqlalchemy import select

from anke.service.access.policy import Principal
from anke.service.api.deps import authorize
from anke.service.db.tenancy import Organisation, OrgKind
from anke.service.refusals import Forbidden, NotFound
from anke.service.runtime import Services
from anke.service.web.choices import Option

BANKS_LISTED = 500


def bank_for(services: Services, who: Principal, bank_id: int | None) -> int | None:
    """The bank whose portfolio ``who`` sees: their own, or ``bank_id`` for those who may
    read any bank's; None when such a reader has not picked one yet (403/404 otherwise)."""
    authorize(services, who, "asset.read")
    if bank_id is None:
        if services.policy.reaches_all(who, "asset.read"):
            return None
        bank_id = who.org_id
    authorize(services, who, "asset.read", bank_id)
    with services.database.reader() as session:
        org = session.get(Organisation, bank_id)
    if org is None or org.kind is not OrgKind.BANK:
        if bank_id == who.org_id:
            raise Forbidden("only a bank has a portfolio")
        raise NotFound("not found")
    return bank_id


def bank_options(services: Services) -> list[Option]:
    """The banks, by name (for a reader who picks one)."""
    with services.database.reader() as session:
        rows = session.execute(select(Organisation.id, Organisation.name)
                               .where(Organisation.kind == OrgKind.BANK)
                               .order_by(Organisation.name).limit(BANKS_LISTED)).all()
    return [Option(str(org_id), name) for org_id, name in rows]
