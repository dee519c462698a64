"""Which version of a rulebook is in force on a date, and in what standing.

A version comes into force with its ``effective`` (or ``reissued``) event and stops with
``suspended`` or ``withdrawn``; a later version that comes into force supersedes it. Drafts,
consultations and issued-but-not-yet-effective texts are never in force, and hypothetical
versions are never chosen by date (only by name, for what-if). On a date when the version
that was last in force is suspended or withdrawn, the rulebook is not in force, and the
resolution says so rather than falling back to an older text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from anke.rulebooks.loader import LoadedRulebook, ResolvedVersion
from anke.rulebooks.model import Event, EventType, Rulebook, Version

_STARTS = (EventType.EFFECTIVE, EventType.REISSUED)
_STOPS = (EventType.SUSPENDED, EventType.WITHDRAWN)


class Standing(StrEnum):
    """A version's standing on a date."""

    IN_FORCE = "in-force"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    NOT_IN_FORCE = "not-in-force"  # draft, in consultation, issued but not yet effective


@dataclass(frozen=True)
class Resolution:
    """The version a date picks (or the one asked for), and its standing on that date."""

    rulebook: Rulebook
    as_of: dt.date
    standing: Standing
    version: ResolvedVersion | None
    since: dt.date | None  # when the standing began
    chosen_by: str  # "date" or "name"
    message: str

    @property
    def in_force(self) -> bool:
        """Whether the version's controls bind on the date."""
        return self.standing is Standing.IN_FORCE

    def events(self) -> tuple[Event, ...]:
        """The version's events up to the date (what had happened by then)."""
        if self.version is None:
            return ()
        return tuple(event for event in self.version.version.events if event.date <= self.as_of)


def standing_of(version: Version, as_of: dt.date) -> tuple[Standing, dt.date | None, Event | None]:
    """A version's own standing on a date, from its events up to that date."""
    standing, since, last = Standing.NOT_IN_FORCE, None, None
    for event in version.events:
        if event.date > as_of:
            break
        if event.type in _STARTS:
            standing, since, last = Standing.IN_FORCE, event.date, event
        elif event.type is EventType.SUSPENDED:
            standing, since, last = Standing.SUSPENDED, event.date, event
        elif event.type is EventType.WITHDRAWN:
            standing, since, last = Standing.WITHDRAWN, event.date, event
    return standing, since, last


def _started(version: Version, as_of: dt.date) -> dt.date | None:
    """The last date on or before ``as_of`` the version came into force."""
    dates = [event.date for event in version.events
             if event.type in _STARTS and event.date <= as_of]
    return max(dates) if dates else None


def _describe(loaded: LoadedRulebook, resolved: ResolvedVersion, standing: Standing,
              since: dt.date | None, last: Event | None, as_of: dt.date) -> str:
    rulebook = loaded.rulebook.id
    name = f"{rulebook} version {resolved.version.version} ({resolved.version.title})"
    if resolved.version.hypothetical:
        name += " [hypothetical]"
    if standing is Standing.IN_FORCE:
        text = f"{name} is in force on {as_of}: in force since {since}"
        clarified = [str(event.date) for event in resolved.version.events
                     if event.type is EventType.CLARIFIED and event.date <= as_of]
        if clarified:
            text += f"; clarified {', '.join(clarified)}"
        return text + "."
    if standing in (Standing.SUSPENDED, Standing.WITHDRAWN):
        verb = "suspended" if standing is Standing.SUSPENDED else "withdrawn"
        reason = f" ({last.note})" if last is not None and last.note else ""
        return (f"{rulebook} is not in force on {as_of}: {name} was {verb} on {since}{reason}; "
                "no other version is in force.")
    happened = [event for event in resolved.version.events if event.date <= as_of]
    if happened:
        latest = happened[-1]
        return (f"{name} is not in force on {as_of}: its latest event is "
                f"{latest.type.value} on {latest.date}.")
    return f"{name} is not in force on {as_of}: nothing had happened to it yet."


def resolve(loaded: LoadedRulebook, as_of: dt.date, version: str | None = None) -> Resolution:
    """The version in force on ``as_of`` (or the named one), with its standing and why."""
    if version is not None:
        resolved = loaded.resolve(version)
        standing, since, last = standing_of(resolved.version, as_of)
        return Resolution(loaded.rulebook, as_of, standing, resolved, since, "name",
                          _describe(loaded, resolved, standing, since, last, as_of))
    started = [(date, index, item) for index, item in enumerate(loaded.rulebook.versions)
               if not item.hypothetical and (date := _started(item, as_of)) is not None]
    if not started:
        real = [item for item in loaded.rulebook.versions if not item.hypothetical]
        first = min((event.date for item in real for event in item.events if event.type
                     in _STARTS), default=None)
        when = f"; its first version comes into force on {first}" if first else ""
        return Resolution(loaded.rulebook, as_of, Standing.NOT_IN_FORCE, None, None, "date",
                          f"{loaded.rulebook.id} is not in force on {as_of}: no version had "
                          f"come into force{when}.")
    _, _, chosen = max(started, key=lambda item: (item[0], item[1]))
    resolved = loaded.resolve(chosen.version)
    standing, since, last = standing_of(chosen, as_of)
    return Resolution(loaded.rulebook, as_of, standing, resolved, since, "date",
                      _describe(loaded, resolved, standing, since, last, as_of))
