"""Loading rulebooks: schema validation, cross-references, and versions written as changes.

``load_rulebook_file`` validates one YAML file against the model, then checks what a
schema cannot: citations name the rulebook's sources, categories and levels are declared,
catalog names exist, a ``based_on`` version comes earlier in the file, control ids are
unique. Every error names the file, the path inside it and what was expected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from anke.catalog import Catalog, load_catalog
from anke.datafile import load_yaml_model
from anke.errors import AnkeError, DataFileError
from anke.rulebooks.model import (
    AlgorithmsCheck,
    AttestedCheck,
    CertificatesCheck,
    Citation,
    Control,
    CurvesCheck,
    Exclusion,
    KeySizesCheck,
    ModesCheck,
    PaddingsCheck,
    Rulebook,
    Selector,
    Target,
    Version,
)

DATA_DIR = Path(__file__).with_name("data")


class UnknownRulebook(AnkeError):
    """No rulebook, or no version, by that name."""


@dataclass(frozen=True)
class ResolvedVersion:
    """A version with its inheritance applied: the controls and targets it really has."""

    rulebook: Rulebook
    version: Version
    controls: tuple[Control, ...]
    targets: tuple[Target, ...]
    excluded: tuple[Exclusion, ...]

    @property
    def label(self) -> str:
        """``cn-cbrc-317@2014-12`` (what reports call it)."""
        return f"{self.rulebook.id}@{self.version.version}"


@dataclass(frozen=True)
class LoadedRulebook:
    """A validated rulebook and where it was loaded from."""

    rulebook: Rulebook
    path: Path

    def resolve(self, version: str) -> ResolvedVersion:
        """The named version, inheritance applied; :class:`UnknownRulebook` if absent."""
        return _resolve(self.rulebook, version)

    def versions(self) -> list[ResolvedVersion]:
        """Every version, in file order, inheritance applied."""
        return [_resolve(self.rulebook, item.version) for item in self.rulebook.versions]


def _resolve(rulebook: Rulebook, name: str) -> ResolvedVersion:
    versions = {item.version: item for item in rulebook.versions}
    if name not in versions:
        known = ", ".join(versions)
        raise UnknownRulebook(f"rulebook {rulebook.id} has no version {name!r} (it has {known})")
    version = versions[name]
    if version.based_on is None:
        return ResolvedVersion(rulebook, version, version.controls, version.targets or (),
                               version.excluded or ())
    base = _resolve(rulebook, version.based_on)
    replaced = {control.id for control in version.controls}
    kept = [control for control in base.controls
            if control.id not in version.drop and control.id not in replaced]
    targets = version.targets if version.targets is not None else base.targets
    excluded = version.excluded if version.excluded is not None else base.excluded
    return ResolvedVersion(rulebook, version, (*kept, *version.controls), targets, excluded)


class _Checker:
    """Cross-reference checks of one rulebook file."""

    def __init__(self, path: Path, rulebook: Rulebook, catalog: Catalog) -> None:
        self.path = path
        self.rulebook = rulebook
        self.catalog = catalog
        self.sources = {source.id for source in rulebook.sources}
        self.categories = {category.id for category in rulebook.categories}

    def fail(self, where: str, problem: str) -> None:
        raise DataFileError(str(self.path), where, problem)

    def citation(self, where: str, citation: Citation | None) -> None:
        if citation is not None and citation.source not in self.sources:
            self.fail(f"{where}.citation.source", f"unknown source {citation.source!r} "
                      f"(sources: {', '.join(sorted(self.sources))})")

    def selector(self, where: str, selector: Selector | None) -> None:
        if selector is None:
            return
        for name in selector.names:
            found = self.catalog.algorithm(name)
            if found is None:
                self.fail(where, f"{name!r} is not a catalog algorithm")
            elif found.name != name:
                self.fail(where, f"write the catalog's canonical name {found.name!r}, "
                          f"not {name!r}")
        families = {algorithm.family for algorithm in self.catalog.algorithms}
        for family in selector.families:
            if family not in families:
                self.fail(where, f"{family!r} is not a catalog family")

    def control(self, where: str, control: Control, levels: set[int]) -> None:
        self.citation(where, control.citation)
        for category in control.categories:
            if category not in self.categories:
                self.fail(f"{where}.categories", f"undeclared category {category!r}")
        for level in control.levels:
            if level not in levels:
                self.fail(f"{where}.levels", f"undeclared level {level}")
        for index, check in enumerate(control.checks):
            at = f"{where}.checks[{index}]"
            if isinstance(check, AttestedCheck):
                for evidence in check.evidence:
                    self.citation(f"{at}.evidence", evidence.citation)
                continue
            if isinstance(check, AlgorithmsCheck):
                for part in ("scope", "allowed", "forbidden", "required"):
                    self.selector(f"{at}.{part}", getattr(check, part))
            elif isinstance(check, KeySizesCheck | CurvesCheck | ModesCheck | PaddingsCheck):
                self.selector(f"{at}.scope", check.scope)
            elif isinstance(check, CertificatesCheck):
                self.selector(f"{at}.forbidden_signatures", check.forbidden_signatures)
            if isinstance(check, CurvesCheck):
                for curve in check.allowed:
                    if self.catalog.curve(curve) is None:
                        self.fail(f"{at}.allowed", f"{curve!r} is not a catalog curve")
            if isinstance(check, PaddingsCheck):
                for padding in check.forbidden:
                    if self.catalog.padding(padding) is None:
                        self.fail(f"{at}.forbidden", f"{padding!r} is not a catalog padding")
            if isinstance(check, ModesCheck):
                for mode in check.forbidden:
                    if self.catalog.mode(mode) is None:
                        self.fail(f"{at}.forbidden", f"{mode!r} is not a catalog mode")

    def version(self, index: int, version: Version, earlier: set[str]) -> None:
        where = f"versions[{index}]({version.version})"
        if version.version in earlier:
            self.fail(where, f"version {version.version!r} is listed twice")
        if version.based_on is not None and version.based_on not in earlier:
            self.fail(f"{where}.based_on", f"{version.based_on!r} is not an earlier version")
        for number, event in enumerate(version.events):
            self.citation(f"{where}.events[{number}]", event.citation)
        dates = [event.date for event in version.events]
        if dates != sorted(dates):
            self.fail(f"{where}.events", "events must be listed in date order")
        ids = [control.id for control in version.controls]
        duplicates = sorted({item for item in ids if ids.count(item) > 1})
        if duplicates:
            self.fail(f"{where}.controls", f"control ids listed twice: {', '.join(duplicates)}")
        levels = set(self.rulebook.levels)
        for number, control in enumerate(version.controls):
            self.control(f"{where}.controls[{number}]({control.id})", control, levels)
        for number, exclusion in enumerate(version.excluded or ()):
            self.citation(f"{where}.excluded[{number}]", exclusion.citation)
        for number, target in enumerate(version.targets or ()):
            self.citation(f"{where}.targets[{number}]", target.citation)
            for category in target.categories:
                if category not in self.categories:
                    self.fail(f"{where}.targets[{number}].categories",
                              f"undeclared category {category!r}")
        if version.based_on is None and (version.drop or not version.controls):
            self.fail(where, "a version not based on another lists its controls and drops none")
        if version.based_on is not None:
            base = _resolve(self.rulebook, version.based_on)
            inherited = {control.id for control in base.controls}
            for dropped in version.drop:
                if dropped not in inherited:
                    self.fail(f"{where}.drop", f"{version.based_on} has no control {dropped!r}")

    def all(self) -> None:
        earlier: set[str] = set()
        for index, version in enumerate(self.rulebook.versions):
            self.version(index, version, earlier)
            earlier.add(version.version)


def load_rulebook_file(path: Path, catalog: Catalog | None = None) -> LoadedRulebook:
    """Validate one rulebook file; :class:`DataFileError` names what is wrong and where."""
    rulebook = load_yaml_model(path, Rulebook)
    _Checker(path, rulebook, catalog or load_catalog()).all()
    return LoadedRulebook(rulebook, path)


@lru_cache(maxsize=1)
def shipped_rulebooks() -> dict[str, LoadedRulebook]:
    """The rulebooks shipped with anke, by id."""
    loaded: dict[str, LoadedRulebook] = {}
    for path in sorted(DATA_DIR.glob("*.yaml")):
        item = load_rulebook_file(path)
        if item.rulebook.id in loaded:
            raise DataFileError(str(path), "id", f"rulebook {item.rulebook.id!r} is shipped twice")
        loaded[item.rulebook.id] = item
    return loaded


def find_rulebook(name: str, extra: Iterable[Path] = ()) -> LoadedRulebook:
    """A shipped rulebook by id, or a rulebook file by path."""
    candidate = Path(name)
    if name.endswith((".yaml", ".yml")) or candidate.is_file():
        return load_rulebook_file(candidate)
    for path in extra:
        item = load_rulebook_file(path)
        if item.rulebook.id == name:
            return item
    shipped = shipped_rulebooks()
    if name not in shipped:
        known = ", ".join(sorted(shipped))
        raise UnknownRulebook(f"no rulebook {name!r} (shipped: {known}; or give a file path)")
    return shipped[name]
