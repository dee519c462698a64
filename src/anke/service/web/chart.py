"""The portfolio chart: the passing share at each year's end against the targets, laid out
for an inline SVG (the template draws it; this module only computes positions).

One bar per year is the installed base's passing share by count; a line with a dot per year
is the share by spend; each target with a known share is a marker (a short horizontal
stroke at the required share, in its year) with a dot at the share measured for that
target's own scope.  Years with no asset keep an empty bar so every year has its mark.
"""

from __future__ import annotations

from dataclasses import dataclass

from anke.service.portfolio.metrics import PortfolioMetrics, TargetStatus
from anke.service.web.render import percent

WIDTH, HEIGHT = 760, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 30, 44
GRID = (0.0, 0.25, 0.5, 0.75, 1.0)


@dataclass(frozen=True)
class Bar:
    """One year's column: the share by count (bar) and by spend (dot on the line)."""

    year: int
    x: float  # left edge
    width: float
    centre: float
    y: float
    height: float
    count_share: float | None
    spend_share: float | None
    spend_y: float | None
    title: str


@dataclass(frozen=True)
class Marker:
    """A target: where its required share and its measured share sit."""

    year: int
    x1: float
    x2: float
    y: float
    actual_y: float | None
    met: bool | None
    title: str


@dataclass(frozen=True)
class Chart:
    """Everything the SVG template needs: size, plot area, bars, markers and axes."""

    width: int
    height: int
    left: int
    right: int  # x of the plot's right edge
    top: int
    bottom: int  # y of the plot's baseline
    bars: tuple[Bar, ...]
    markers: tuple[Marker, ...]
    grid: tuple[tuple[float, str], ...]  # (y, label)
    spend_line: str  # SVG points of the spend share line ("" when fewer than two)
    title: str
    desc: str


def _y(share: float, top: int, bottom: int) -> float:
    return round(bottom - share * (bottom - top), 1)


def target_label(target: TargetStatus) -> str:
    """``2019: 75.0% of installed base, all categories, by count (met)``."""
    scope = "new purchases" if target.scope == "new-purchases" else "installed base"
    where = ", ".join(target.categories) if target.categories else "all categories"
    state = {True: "met", False: "not met", None: "not measurable"}[target.met]
    return (f"{target.year}: {percent(target.share)} of {scope}, {where}, by "
            f"{target.basis.value}; {percent(target.actual)} at year end ({state})")


def share_chart(metrics: PortfolioMetrics) -> Chart:
    """The chart of ``metrics``' per-year series against its targets."""
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    years = metrics.years
    slot = (right - LEFT) / max(len(years), 1)
    width = round(min(slot * 0.6, 48), 1)
    bars: list[Bar] = []
    markers: list[Marker] = []
    points: list[str] = []
    for index, point in enumerate(years):
        centre = round(LEFT + slot * (index + 0.5), 1)
        count, spend = point.total.count_share, point.total.spend_share
        y = _y(count or 0.0, TOP, bottom)
        spend_y = None if spend is None else _y(spend, TOP, bottom)
        if spend_y is not None:
            points.append(f"{centre},{spend_y}")
        title = (f"{point.year}: {percent(count)} passing by count "
                 f"({point.total.quantity_passing} of {point.total.quantity}), "
                 f"{percent(spend)} by spend")
        bars.append(Bar(point.year, round(centre - width / 2, 1), width, centre, y,
                        round(bottom - y, 1), count, spend, spend_y, title))
        for target in point.targets:
            if target.share is None:
                continue
            markers.append(Marker(
                point.year, round(centre - slot * 0.42, 1), round(centre + slot * 0.42, 1),
                _y(target.share, TOP, bottom),
                None if target.actual is None else _y(target.actual, TOP, bottom),
                target.met, target_label(target)))
    grid = tuple((_y(share, TOP, bottom), f"{int(share * 100)}%") for share in GRID)
    first, last = (years[0].year, years[-1].year) if years else (0, 0)
    title = (f"Passing share per year under {metrics.rulebook} {metrics.version}"
             f" against its targets")
    desc = (f"Bars: share of the installed base passing by count at each year end, "
            f"{first} to {last}; line: share by spend; {len(markers)} target markers at the "
            f"required share, each with a dot at the share measured for its scope. "
            f"The same numbers are in the table below the chart.")
    return Chart(WIDTH, HEIGHT, LEFT, right, TOP, bottom, tuple(bars), tuple(markers), grid,
                 " ".join(points) if len(points) > 1 else "", title, desc)
