"""Which product versions pass, on a date: the small verdict map the portfolio is joined with.

Under a rulebook version that has an approved-products list, a product version passes on a
date when it is on that list then (a listing with ``listed_on <= date`` and no removal, or a
removal after the date).  Under a draft or hypothetical version no list exists; the what-if
judges each version's latest finished inspection instead and the verdicts do not change with
the date (see :mod:`anke.service.portfolio.whatif`).  Versions never inspected are
``unknown``: they count as not passing and are shown apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from anke.service.db.evaluations import Listing


class Verdicts(Protocol):
    """Which versions pass on a date, and which have no verdict at all."""

    def passing_on(self, on: date) -> frozenset[int]:
        """The ids of the product versions that pass on ``on``."""
        ...

    def unknown(self) -> frozenset[int]:
        """The ids of the product versions with no verdict (counted as not passing)."""
        ...


@dataclass(frozen=True)
class ListingVerdicts:
    """Verdicts from a rulebook version's approved-products list (its periods per version)."""

    rulebook: str
    version: str
    periods: dict[int, tuple[tuple[date, date | None], ...]]

    def passes(self, version_id: int, on: date) -> bool:
        """Whether the version is on the list on ``on``."""
        return any(listed <= on and (removed is None or removed > on)
                   for listed, removed in self.periods.get(version_id, ()))

    def passing_on(self, on: date) -> frozenset[int]:
        """The listed versions on ``on``."""
        return frozenset(version_id for version_id in self.periods
                         if self.passes(version_id, on))

    def unknown(self) -> frozenset[int]:
        """Nothing: a version that is not listed fails."""
        return frozenset()


@dataclass(frozen=True)
class FixedVerdicts:
    """Verdicts that do not change with the date (a draft judged once, as of one date)."""

    passing: frozenset[int]
    never_judged: frozenset[int] = field(default_factory=frozenset)

    def passing_on(self, on: date) -> frozenset[int]:
        """The passing versions, whatever the date."""
        return self.passing

    def unknown(self) -> frozenset[int]:
        """The versions that could not be judged (no finished inspection)."""
        return self.never_judged


def listing_verdicts(session: Session, rulebook: str, version: str,
                     version_ids: Iterable[int] | None = None) -> ListingVerdicts:
    """The approved-products list of ``rulebook@version`` (optionally only some versions)."""
    query = select(Listing.version_id, Listing.listed_on, Listing.removed_on).where(
        Listing.rulebook == rulebook, Listing.rulebook_version == version)
    wanted = None if version_ids is None else set(version_ids)
    periods: dict[int, list[tuple[date, date | None]]] = {}
    for version_id, listed_on, removed_on in session.execute(query):
        if wanted is None or version_id in wanted:
            periods.setdefault(version_id, []).append((listed_on, removed_on))
    return ListingVerdicts(rulebook, version,
                           {key: tuple(value) for key, value in periods.items()})
