"""What the rulebook and version selectors of the listing, portfolio and what-if pages offer,
and the defaults they fall back on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Query

from anke.rulebooks.lifecycle import Standing, standing_of
from anke.rulebooks.loader import shipped_rulebooks
from anke.service.refusals import NotFound
from anke.service.web.dashboard import current_version

# a selector's value as a page's query parameter (a rulebook id, a version, a draft)
Text = Annotated[str | None, Query(max_length=64)]


@dataclass(frozen=True)
class Option:
    """One entry of a selector: its value and what it says."""

    value: str
    label: str


def rulebook_options(with_targets: bool = False) -> list[Option]:
    """The shipped rulebooks (only those with yearly targets when ``with_targets``)."""
    return [Option(rulebook_id, f"{rulebook_id} · {loaded.rulebook.title}")
            for rulebook_id, loaded in sorted(shipped_rulebooks().items())
            if not with_targets or any(v.targets for v in loaded.rulebook.versions)]


def version_options(rulebook: str, on: date) -> list[Option]:
    """A rulebook's versions with their standing on ``on``."""
    loaded = shipped_rulebooks()[rulebook]
    out = []
    for version in loaded.rulebook.versions:
        standing = standing_of(version, on)[0].value
        kind = "hypothetical" if version.hypothetical else standing
        out.append(Option(version.version, f"{version.version} ({kind})"))
    return out


def draft_options(rulebook: str, on: date, baseline: str | None) -> list[Option]:
    """The versions a what-if can compare with: hypothetical ones and those not in force on
    ``on`` (drafts, later texts), the baseline excepted."""
    loaded = shipped_rulebooks()[rulebook]
    return [Option(version.version, f"{version.version}"
                   f"{' (hypothetical)' if version.hypothetical else ''}")
            for version in loaded.rulebook.versions
            if version.version != baseline and (
                version.hypothetical
                or standing_of(version, on)[0] is Standing.NOT_IN_FORCE)]


def pick_rulebook(asked: str | None, options: list[Option]) -> str:
    """The rulebook asked for, else the first offered; 404 for an unknown one."""
    if asked:
        if asked not in shipped_rulebooks():
            raise NotFound(f"no rulebook {asked!r}")
        return asked
    if not options:
        raise NotFound("no shipped rulebook")
    return options[0].value


def pick_version(rulebook: str, asked: str | None, on: date) -> str:
    """The version asked for, else the one in force on ``on`` (else the last one that came
    into force, else the first); 404 for an unknown one."""
    loaded = shipped_rulebooks()[rulebook]
    names = [version.version for version in loaded.rulebook.versions]
    if asked:
        if asked not in names:
            raise NotFound(f"rulebook {rulebook!r} has no version {asked!r}")
        return asked
    current = current_version(rulebook, on)
    return current[0] if current is not None else names[0]
