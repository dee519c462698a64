"""A rulebook's versions laid out as a timeline of their lifecycle events.

Each version is a row; each dated event a mark on it; the periods in which the version was
in force (from ``effective`` or ``reissued`` to ``suspended`` or ``withdrawn``, or to the
end of the axis) and suspended are bands.  Coordinates are computed here (the page draws
them as inline SVG); the axis spans the first to the last event, padded to whole years.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from anke.rulebooks.lifecycle import Standing, standing_of
from anke.rulebooks.loader import LoadedRulebook, ResolvedVersion
from anke.rulebooks.model import EventType, Version

WIDTH = 960
LEFT = 150  # room for the version labels
ROW = 46
TOP = 28
_STARTS = (EventType.EFFECTIVE, EventType.REISSUED)
_STOPS = {EventType.SUSPENDED: "suspended", EventType.WITHDRAWN: "withdrawn"}


@dataclass(frozen=True)
class Mark:
    """One event on the axis."""

    x: float
    date: dt.date
    type: str
    note: str
    unverified: bool
    above: bool  # label above the line (alternating, so close labels do not collide)


@dataclass(frozen=True)
class Band:
    """A period of one standing (in force, suspended or withdrawn)."""

    x0: float
    x1: float
    standing: str
    open_ended: bool


@dataclass(frozen=True)
class Row:
    """One version's line."""

    y: float
    version: str
    title: str
    hypothetical: bool
    marks: tuple[Mark, ...]
    bands: tuple[Band, ...]
    standing: Standing
    since: dt.date | None


@dataclass(frozen=True)
class Tick:
    """A year on the axis."""

    x: float
    year: int


@dataclass(frozen=True)
class Timeline:
    """The whole drawing."""

    width: int
    height: int
    left: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    today_x: float | None


class _Axis:
    def __init__(self, start: dt.date, end: dt.date) -> None:
        self.start = start
        self.days = max((end - start).days, 1)

    def x(self, day: dt.date) -> float:
        return round(LEFT + (WIDTH - LEFT - 20) * (day - self.start).days / self.days, 1)


def _bands(version: Version, axis: _Axis, end: dt.date) -> tuple[Band, ...]:
    bands: list[Band] = []
    current: tuple[dt.date, str] | None = None
    for event in version.events:
        state = ("in-force" if event.type in _STARTS else _STOPS.get(event.type))
        if state is None:
            continue
        if current is not None:
            bands.append(Band(axis.x(current[0]), axis.x(event.date), current[1], False))
        current = (event.date, state)
    if current is not None and current[0] <= end:
        bands.append(Band(axis.x(current[0]), axis.x(end), current[1], True))
    return tuple(bands)


def timeline(loaded: LoadedRulebook, today: dt.date) -> Timeline:
    """The timeline of every version of ``loaded``, with standings as of ``today``."""
    versions = loaded.rulebook.versions
    dates = [event.date for version in versions for event in version.events]
    start = dt.date(min(dates).year, 1, 1)
    end = dt.date(max(dates).year, 12, 31)
    axis = _Axis(start, end)
    rows: list[Row] = []
    for index, version in enumerate(versions):
        marks = tuple(Mark(axis.x(event.date), event.date, event.type.value,
                           event.note or "", event.unverified, number % 2 == 0)
                      for number, event in enumerate(version.events))
        standing, since, _ = standing_of(version, today)
        rows.append(Row(TOP + 24 + index * ROW, version.version, version.title,
                        version.hypothetical, marks, _bands(version, axis, end), standing,
                        since))
    ticks = tuple(Tick(axis.x(dt.date(year, 1, 1)), year)
                  for year in range(start.year, end.year + 1))
    today_x = axis.x(today) if start <= today <= end else None
    return Timeline(WIDTH, int(TOP + 24 + len(versions) * ROW), LEFT, tuple(rows), ticks,
                    today_x)


@dataclass(frozen=True)
class VersionFacts:
    """A version with its inheritance applied, its standing today, and source titles."""

    resolved: ResolvedVersion
    standing: Standing
    since: dt.date | None


def version_facts(loaded: LoadedRulebook, today: dt.date) -> list[VersionFacts]:
    """Every version of ``loaded`` (controls and targets inherited), newest first."""
    facts = []
    for resolved in loaded.versions():
        standing, since, _ = standing_of(resolved.version, today)
        facts.append(VersionFacts(resolved, standing, since))
    return facts[::-1]


def source_titles(loaded: LoadedRulebook) -> dict[str, str]:
    """Source id -> title, for citations."""
    return {source.id: source.title for source in loaded.rulebook.sources}
