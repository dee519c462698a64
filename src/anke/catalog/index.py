"""Load the catalog data files and look names up in them."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from anke.cache import built_once, files_key
from anke.catalog.model import (
    Algorithm,
    CatalogFile,
    Composite,
    Curve,
    Ecosystem,
    Library,
    Mode,
    Padding,
)
from anke.datafile import load_yaml_model
from anke.errors import DataFileError

DATA_DIR = Path(__file__).parent / "data"

_FOLD = re.compile(r"[\s_\-/.]+")


def fold(name: str) -> str:
    """The lookup key of a name: lower case, separators removed (``SHA-256`` -> ``sha256``)."""
    return _FOLD.sub("", name).lower()


_PEP503 = re.compile(r"[-_.]+")
_GO_MAJOR = re.compile(r"/v[0-9]+$")
_GLOB = re.compile(r"[*?\[]")


def package_key(ecosystem: str, name: str) -> str:
    """The lookup key of a package name in its ecosystem.

    Names compare case-insensitively everywhere; PyPI names are PEP 503-normalised
    (``PyCryptodome_X`` -> ``pycryptodome-x``), crates treat ``-`` and ``_`` alike, a Go
    module's major-version suffix (``/v2``) is dropped and a Debian architecture
    qualifier (``libssl3:amd64``) too.
    """
    key = name.strip().lower()
    if ecosystem == Ecosystem.PYPI:
        return _PEP503.sub("-", key)
    if ecosystem == Ecosystem.CARGO:
        return key.replace("_", "-")
    if ecosystem == Ecosystem.GOLANG:
        return _GO_MAJOR.sub("", key)
    if ecosystem == Ecosystem.DEB:
        return key.split(":", 1)[0]
    return key


@dataclass(frozen=True, eq=False)
class LibraryIndex:
    """Libraries by (ecosystem, package key): exact names first, then a few globs."""

    libraries: tuple[Library, ...] = ()
    exact: dict[tuple[str, str], Library] = field(default_factory=dict, repr=False)
    patterns: dict[str, list[tuple[re.Pattern[str], str, Library]]] = field(
        default_factory=dict, repr=False)

    def lookup(self, ecosystem: str, package: str) -> Library | None:
        """The library that ``package`` of ``ecosystem`` belongs to, or None."""
        key = package_key(ecosystem, package)
        hit = self.exact.get((ecosystem, key))
        if hit is not None:
            return hit
        for regex, _, library in self.patterns.get(ecosystem, ()):
            if regex.match(key):
                return library
        return None


@dataclass(frozen=True, eq=False)
class Catalog:
    """Every algorithm, curve, mode and padding anke knows, indexed by folded name."""

    algorithms: tuple[Algorithm, ...]
    curves: tuple[Curve, ...]
    modes: tuple[Mode, ...]
    paddings: tuple[Padding, ...]
    digest: str
    common_words: frozenset[str] = frozenset()
    composites: tuple[Composite, ...] = ()
    _algorithm_by_key: dict[str, Algorithm] = field(default_factory=dict, repr=False)
    _curve_by_key: dict[str, Curve] = field(default_factory=dict, repr=False)
    _mode_by_key: dict[str, Mode] = field(default_factory=dict, repr=False)
    _padding_by_key: dict[str, Padding] = field(default_factory=dict, repr=False)
    _by_oid: dict[str, Algorithm | Curve] = field(default_factory=dict, repr=False)
    _libraries: LibraryIndex = field(default_factory=LibraryIndex, repr=False)

    @property
    def libraries(self) -> tuple[Library, ...]:
        """Every cryptographic library the catalog knows."""
        return self._libraries.libraries

    def library(self, ecosystem: str, package: str) -> Library | None:
        """The library a package belongs to (``("maven", "org.bouncycastle:bcprov-jdk18on")``
        -> Bouncy Castle); ``ecosystem`` is a package-URL type."""
        return self._libraries.lookup(ecosystem, package)

    def algorithm(self, name: str) -> Algorithm | None:
        """The algorithm whose name or alias folds to ``name``'s key."""
        return self._algorithm_by_key.get(fold(name))

    def curve(self, name: str) -> Curve | None:
        """The curve whose name or alias folds to ``name``'s key."""
        return self._curve_by_key.get(fold(name))

    def mode(self, name: str) -> Mode | None:
        """The mode of operation whose name or alias folds to ``name``'s key."""
        return self._mode_by_key.get(fold(name))

    def padding(self, name: str) -> Padding | None:
        """The padding scheme whose name or alias folds to ``name``'s key."""
        return self._padding_by_key.get(fold(name))

    def by_oid(self, oid: str) -> Algorithm | Curve | None:
        """The algorithm or curve registered under a dotted OID."""
        return self._by_oid.get(oid)

    def algorithm_keys(self) -> Iterable[str]:
        """Every folded key that names an algorithm."""
        return self._algorithm_by_key.keys()


def _index(
    items: Iterable[tuple[str, Algorithm | Curve | Mode | Padding]], kind: str
) -> dict[str, object]:
    table: dict[str, object] = {}
    for source, item in items:
        for name in (item.name, *item.aliases):
            key = fold(name)
            other = table.get(key)
            if other is not None and other is not item:
                other_name = getattr(other, "name", "?")
                raise DataFileError(
                    source, f"{kind}({item.name})", f"name {name!r} also names {other_name}"
                )
            table[key] = item
    return table


def _library_index(items: list[tuple[str, Library]], catalog: Catalog) -> LibraryIndex:
    """Index the libraries, checking names, algorithms and that no package has two owners."""
    index = LibraryIndex(tuple(item for _, item in items))
    names: dict[str, Library] = {}
    for source, library in items:
        where = f"libraries({library.name})"
        if names.setdefault(library.name, library) is not library:
            raise DataFileError(source, where, "library listed twice")
        for algorithm in library.algorithms:
            entry = catalog.algorithm(algorithm)
            if entry is None or entry.name != algorithm:
                raise DataFileError(source, where, f"algorithm {algorithm!r} is not a "
                                    "canonical catalog name")
        for eco, packages in library.packages.items():
            ecosystem = eco.value
            for package in packages:
                key = package_key(ecosystem, package)
                if _GLOB.search(key):
                    regex = re.compile(fnmatch.translate(key))
                    index.patterns.setdefault(ecosystem, []).append(
                        (regex, key, library))
                    continue
                other = index.exact.setdefault((ecosystem, key), library)
                if other is not library:
                    raise DataFileError(source, where, f"{ecosystem} package "
                                        f"{package!r} also belongs to {other.name}")
    for (ecosystem, key), library in index.exact.items():
        for regex, pattern, owner in index.patterns.get(ecosystem, ()):
            if owner is not library and regex.match(key):
                raise DataFileError("libraries", f"libraries({library.name})",
                                    f"{ecosystem} package {key!r} also matches "
                                    f"{pattern!r} of {owner.name}")
    for ecosystem, patterns in index.patterns.items():
        seen: dict[str, Library] = {}
        for _, pattern, owner in patterns:
            if seen.setdefault(pattern, owner) is not owner:
                raise DataFileError("libraries", f"libraries({owner.name})",
                                    f"{ecosystem} pattern {pattern!r} also belongs to "
                                    f"{seen[pattern].name}")
    return index


def build_catalog(files: Iterable[tuple[str, CatalogFile]]) -> Catalog:
    """Merge validated catalog files into one indexed :class:`Catalog`."""
    algorithms: list[tuple[str, Algorithm]] = []
    curves: list[tuple[str, Curve]] = []
    modes: list[tuple[str, Mode]] = []
    paddings: list[tuple[str, Padding]] = []
    common: set[str] = set()
    composites: list[Composite] = []
    libraries: list[tuple[str, Library]] = []
    digest = hashlib.sha256()
    for source, data in files:
        algorithms.extend((source, item) for item in data.algorithms)
        curves.extend((source, item) for item in data.curves)
        modes.extend((source, item) for item in data.modes)
        paddings.extend((source, item) for item in data.paddings)
        common.update(fold(word) for word in data.common_words)
        composites.extend(data.composites)
        libraries.extend((source, item) for item in data.libraries)
        digest.update(data.model_dump_json().encode())
    catalog = Catalog(
        tuple(item for _, item in algorithms),
        tuple(item for _, item in curves),
        tuple(item for _, item in modes),
        tuple(item for _, item in paddings),
        digest.hexdigest()[:16],
        frozenset(common),
        tuple(composites),
    )
    catalog._algorithm_by_key.update(_index(algorithms, "algorithms"))  # type: ignore[arg-type]
    catalog._curve_by_key.update(_index(curves, "curves"))  # type: ignore[arg-type]
    catalog._mode_by_key.update(_index(modes, "modes"))  # type: ignore[arg-type]
    catalog._padding_by_key.update(_index(paddings, "paddings"))  # type: ignore[arg-type]
    keyed: list[tuple[str, Algorithm | Curve]] = [*algorithms, *curves]
    for source, item in keyed:
        for oid in item.oids:
            if oid in catalog._by_oid and catalog._by_oid[oid] is not item:
                other = catalog._by_oid[oid].name
                raise DataFileError(
                    source, f"{item.name}", f"OID {oid} is listed twice (also {other})"
                )
            catalog._by_oid[oid] = item
    object.__setattr__(catalog, "_libraries", _library_index(libraries, catalog))
    return catalog


def load_catalog_dir(directory: Path) -> Catalog:
    """Load and validate every ``*.yaml`` file of ``directory`` as one catalog."""
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise DataFileError(str(directory), "", "no catalog data files")
    return build_catalog((str(p), load_yaml_model(p, CatalogFile)) for p in paths)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The catalog shipped with anke (loaded once per process, built once per change)."""
    code = [Path(__file__), Path(__file__).with_name("model.py")]  # how they are built
    key = files_key("catalog", [*code, *sorted(DATA_DIR.glob("*.yaml"))])
    return built_once(key, lambda: load_catalog_dir(DATA_DIR))
