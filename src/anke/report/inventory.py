"""The deduplicated inventory the reports share: crypto assets, libraries and other findings.

This is the one place that groups findings. A crypto asset is one algorithm with its
parameters (kind, algorithm, primitive, mode, padding, key size, curve), one certificate
(by its names, validity, key and signature) or one key (keys carry no fingerprint, so each
key finding is its own asset); each asset lists the findings that are its occurrences. A
library is one (name, version, package URL) with the findings that declare it. Findings of
other kinds (secrets without an algorithm, hidden-access indicators) are kept as they are.

Certificates and keys point at the algorithm asset of their key, and certificates at the
asset of their signature algorithm too; when no algorithm finding names it, the inventory
adds an *implied* algorithm asset whose occurrences are the certificate's or key's.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from anke.catalog import Catalog, load_catalog
from anke.catalog.model import Algorithm, Library
from anke.findings.model import (
    CertificateFacts,
    Confidence,
    Finding,
    FindingKind,
    confidence_rank,
)

MATERIAL_KINDS = (FindingKind.CERTIFICATE, FindingKind.KEY, FindingKind.SECRET)
"""Kinds whose findings are cryptographic material when they name an algorithm."""

UNRESOLVED = "unresolved"
"""The group name of algorithm findings that name no algorithm."""

NO_PADDING = "NoPadding"
"""The catalog's name for no padding; left out of asset names."""

_SYMMETRIC = frozenset({"block-cipher", "stream-cipher", "mac", "ae"})
_SLUG = re.compile(r"[^A-Za-z0-9._-]+")


def _digest(*parts: object) -> str:
    text = "\x1f".join("" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _slug(text: str) -> str:
    return _SLUG.sub("-", text).strip("-") or "x"


@dataclass(frozen=True)
class AssetKey:
    """What makes two findings the same asset."""

    kind: FindingKind
    algorithm: str | None
    primitive: str | None = None
    mode: str | None = None
    padding: str | None = None
    key_bits: int | None = None
    curve: str | None = None
    identity: str | None = None  # a certificate's facts, or a key finding's id


def asset_name(algorithm: str | None, key_bits: int | None = None, mode: str | None = None,
               padding: str | None = None, curve: str | None = None) -> str:
    """A readable name: ``AES-256-GCM``, ``RSA-2048-OAEP``, ``ECDSA P-256``."""
    name = algorithm or UNRESOLVED
    if key_bits is not None and not name.endswith(str(key_bits)):
        name = f"{name}-{key_bits}"
    for part in (mode, padding):
        if part and part != NO_PADDING:
            name = f"{name}-{part}"
    return f"{name} {curve}" if curve else name


@dataclass
class Asset:
    """One cryptographic asset and where it occurs."""

    key: AssetKey
    ref: str  # a stable reference made from the identity (CycloneDX bom-ref)
    name: str
    entry: Algorithm | None  # the catalog's entry for the algorithm, if it knows it
    findings: list[Finding] = field(default_factory=list)
    certificate: CertificateFacts | None = None
    algorithm_ref: str | None = None  # material: the asset of its key's algorithm
    signature_ref: str | None = None  # certificates: the asset of the signature algorithm

    @property
    def kind(self) -> FindingKind:
        """The kind of its findings."""
        return self.key.kind

    @property
    def implied(self) -> bool:
        """An algorithm asset that no algorithm finding names: a certificate or key implies it
        (its occurrences are theirs)."""
        return self.kind is FindingKind.ALGORITHM and all(
            f.kind is not FindingKind.ALGORITHM for f in self.findings)

    @property
    def confidence(self) -> Confidence:
        """The surest of its findings' confidences."""
        return max((f.confidence for f in self.findings), key=confidence_rank,
                   default=Confidence.LOW)

    @property
    def paths(self) -> list[str]:
        """The member paths it occurs in, sorted, each once."""
        return sorted({f.path for f in self.findings})


@dataclass
class LibraryUse:
    """One library (name, version, package URL) and the findings that name it."""

    name: str
    version: str | None
    purl: str | None
    ref: str
    entry: Library | None  # the catalog's entry
    findings: list[Finding] = field(default_factory=list)
    provides: list[str] = field(default_factory=list)  # refs of algorithm assets it provides


@dataclass
class AlgorithmGroup:
    """Every finding that names one algorithm, whatever its kind (for reading)."""

    algorithm: str
    entry: Algorithm | None
    findings: list[Finding]

    @property
    def primitive(self) -> str:
        """The catalog's primitive, else the first one a finding gives, else ``unknown``."""
        if self.entry is not None:
            return self.entry.primitive.value
        return next((f.primitive for f in self.findings if f.primitive), "unknown")

    @property
    def origin(self) -> str:
        """The catalog's national origin, or ``unknown``."""
        return self.entry.origin if self.entry is not None else "unknown"


@dataclass
class Inventory:
    """The assets, libraries and other findings of one scan."""

    assets: list[Asset]
    libraries: list[LibraryUse]
    others: list[Finding]
    findings: list[Finding]  # every finding, each once, in report order

    def asset(self, ref: str) -> Asset | None:
        """The asset with this reference."""
        return next((a for a in self.assets if a.ref == ref), None)

    def of_kind(self, *kinds: FindingKind) -> list[Asset]:
        """The assets of these kinds, in inventory order."""
        return [a for a in self.assets if a.kind in kinds]

    def by_algorithm(self) -> list[AlgorithmGroup]:
        """Findings that name an algorithm (or are unresolved algorithm findings), grouped by
        algorithm: most findings first, then by name."""
        groups: dict[str, list[Finding]] = {}
        entries: dict[str, Algorithm | None] = {}
        for asset in self.assets:
            if asset.implied:
                continue
            name = asset.key.algorithm or UNRESOLVED
            if asset.kind is FindingKind.PROTOCOL and asset.key.algorithm is None:
                continue
            groups.setdefault(name, []).extend(asset.findings)
            entries.setdefault(name, asset.entry)
        out = [AlgorithmGroup(name, entries[name], sorted(set_of(items), key=Finding.sort_key))
               for name, items in groups.items()]
        return sorted(out, key=lambda g: (g.algorithm == UNRESOLVED, -len(g.findings),
                                          g.algorithm.lower()))


def set_of(findings: Iterable[Finding]) -> list[Finding]:
    """The findings, each id once, first one kept."""
    seen: dict[str, Finding] = {}
    for finding in findings:
        seen.setdefault(finding.id, finding)
    return list(seen.values())


def material_role(kind: FindingKind, entry: Algorithm | None) -> str:
    """What a key is (CycloneDX related-material type): ``public-key`` for key findings; for
    secrets ``secret-key`` (symmetric algorithm), ``private-key`` or, unknown, ``key``."""
    if kind is FindingKind.KEY:
        return "public-key"
    if entry is None:
        return "key"
    return "secret-key" if entry.primitive.value in _SYMMETRIC else "private-key"


def _certificate_identity(finding: Finding) -> str:
    facts = finding.certificate
    if facts is None:
        return f"finding:{finding.id}"
    return _digest(facts.subject, facts.issuer, facts.not_before.isoformat(),
                   facts.not_after.isoformat(), facts.signature_scheme, facts.signature_hash,
                   finding.algorithm, finding.key_bits, finding.curve)


def _key_of(finding: Finding) -> AssetKey | None:
    kind = finding.kind
    if kind in (FindingKind.ALGORITHM, FindingKind.PROTOCOL):
        return AssetKey(kind, finding.algorithm, finding.primitive, finding.mode,
                        finding.padding, finding.key_bits, finding.curve)
    if kind is FindingKind.CERTIFICATE:
        return AssetKey(kind, finding.algorithm, finding.primitive, None, None,
                        finding.key_bits, finding.curve, _certificate_identity(finding))
    if kind in (FindingKind.KEY, FindingKind.SECRET) and finding.algorithm:
        return AssetKey(kind, finding.algorithm, finding.primitive, None, None,
                        finding.key_bits, finding.curve, f"finding:{finding.id}")
    return None


def _ref(key: AssetKey, name: str) -> str:
    identity = _digest(key.kind.value, key.algorithm, key.primitive, key.mode, key.padding,
                       key.key_bits, key.curve, key.identity)
    return f"crypto/{key.kind.value}/{_slug(name)}@{identity}"


class _Builder:
    """Collects assets by key, and implied algorithm assets for material."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.assets: dict[AssetKey, Asset] = {}

    def add(self, key: AssetKey, finding: Finding) -> Asset:
        asset = self.assets.get(key)
        if asset is None:
            entry = self.catalog.algorithm(key.algorithm) if key.algorithm else None
            name = self._name(key, finding)
            facts = finding.certificate if key.kind is FindingKind.CERTIFICATE else None
            asset = Asset(key, _ref(key, name), name, entry, certificate=facts)
            self.assets[key] = asset
        if all(f.id != finding.id for f in asset.findings):
            asset.findings.append(finding)
        return asset

    def _name(self, key: AssetKey, finding: Finding) -> str:
        base = asset_name(key.algorithm, key.key_bits, key.mode, key.padding, key.curve)
        if key.kind is FindingKind.CERTIFICATE and finding.certificate is not None:
            return f"certificate {finding.certificate.subject}"
        if key.kind is FindingKind.KEY:
            return f"{base} public key"
        if key.kind is FindingKind.SECRET:
            entry = self.catalog.algorithm(key.algorithm) if key.algorithm else None
            return f"{base} {material_role(key.kind, entry).replace('-', ' ')}"
        if key.kind is FindingKind.PROTOCOL and key.algorithm is None:
            return f"protocol ({finding.rule})"
        return base

    def algorithm_for(self, name: str, key_bits: int | None, curve: str | None,
                      finding: Finding, *, same_place: bool = False) -> Asset:
        """The algorithm asset a certificate or key refers to, implied when none is found:
        with ``same_place`` one found where the finding is (a certificate's signature), else
        one of the same name, key size and curve."""
        named = [a for a in self.assets.values()
                 if a.kind is FindingKind.ALGORITHM and a.key.algorithm == name]
        here = [a for a in named if same_place and any(
            (f.path, f.line, f.offset) == (finding.path, finding.line, finding.offset)
            for f in a.findings)]
        sized = [a for a in named if (a.key.key_bits, a.key.curve) == (key_bits, curve)]
        for candidates in (here, sized):
            if candidates:
                found = max(candidates, key=lambda a: (len(a.findings), a.ref))
                if found.implied:
                    self.add(found.key, finding)
                return found
        entry = self.catalog.algorithm(name)
        primitive = entry.primitive.value if entry is not None else None
        return self.add(AssetKey(FindingKind.ALGORITHM, name, primitive, None, None, key_bits,
                                 curve), finding)


def _libraries(findings: list[Finding], catalog: Catalog) -> list[LibraryUse]:
    by_name = {library.name: library for library in catalog.libraries}
    uses: dict[tuple[str, str | None, str | None], LibraryUse] = {}
    for finding in findings:
        name = finding.library or finding.algorithm or finding.evidence
        key = (name, finding.version, finding.purl)
        use = uses.get(key)
        if use is None:
            ref = f"library/{_slug(finding.purl or name)}@{_digest(*key)}"
            use = uses[key] = LibraryUse(name, finding.version, finding.purl, ref,
                                         by_name.get(name))
        use.findings.append(finding)
    return sorted(uses.values(), key=lambda u: (u.name.lower(), u.version or "", u.purl or ""))


def _inside(path: str, member: str) -> bool:
    return path == member or path.startswith(member + "!/")


def _provides(library: LibraryUse, assets: list[Asset]) -> list[str]:
    """Algorithm assets found in the member that names the library, or inside it (when the
    member is an archive). Nothing else is claimed: a manifest that declares a library says
    nothing about which code uses which library."""
    paths = {f.path for f in library.findings}
    return [asset.ref for asset in assets
            if asset.kind is FindingKind.ALGORITHM and not asset.implied
            and any(_inside(f.path, p) for f in asset.findings for p in paths)]


def _order(asset: Asset) -> tuple[int, str, str]:
    kinds = [FindingKind.ALGORITHM, FindingKind.PROTOCOL, FindingKind.CERTIFICATE,
             FindingKind.KEY, FindingKind.SECRET]
    return (kinds.index(asset.kind), asset.name.lower(), asset.ref)


def build_inventory(findings: Iterable[Finding], catalog: Catalog | None = None) -> Inventory:
    """Group findings into assets, libraries and the rest (each finding id counted once)."""
    catalog = catalog or load_catalog()
    unique = sorted(set_of(findings), key=Finding.sort_key)
    builder = _Builder(catalog)
    material: list[tuple[Asset, Finding]] = []
    others: list[Finding] = []
    for finding in unique:
        if finding.kind is FindingKind.LIBRARY:
            continue
        key = _key_of(finding)
        if key is None:
            others.append(finding)
            continue
        asset = builder.add(key, finding)
        if finding.kind in MATERIAL_KINDS:
            material.append((asset, finding))
    for asset, finding in material:
        if asset.algorithm_ref is None and finding.algorithm:
            asset.algorithm_ref = builder.algorithm_for(
                finding.algorithm, finding.key_bits, finding.curve, finding).ref
        facts = finding.certificate
        if asset.signature_ref is None and facts is not None and facts.signature_scheme:
            asset.signature_ref = builder.algorithm_for(
                facts.signature_scheme, None, None, finding, same_place=True).ref
    assets = sorted(builder.assets.values(), key=_order)
    libraries = _libraries([f for f in unique if f.kind is FindingKind.LIBRARY], catalog)
    for library in libraries:
        library.provides = _provides(library, assets)
    return Inventory(assets, libraries, others, unique)
