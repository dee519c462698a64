"""The CycloneDX 1.6 CBOM (cryptography bill of materials) of a scan.

Built with ``cyclonedx-python-lib`` from the shared inventory: one ``cryptographic-asset``
component per algorithm (primitive, mode, padding, key size as the parameter set, curve, the
catalog's first OID and its security levels), certificate (names, validity, signature
algorithm and subject key), key (related crypto material with its size) and protocol; one
``library`` component per library (version, package URL). Every component lists its
occurrences (member path, line or byte offset, the evidence).

Dependencies: the scanned product depends on every component; a certificate on its
signature algorithm and subject key; a key on its algorithm; a library *provides* (CycloneDX
1.6 ``provides``, written after the library serialises the graph since it has no model for
it) the algorithm assets found in the library's own member or that the catalog names as the
library's characteristic algorithms. No other link is claimed.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, TextIO

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence, Occurrence
from cyclonedx.model.crypto import (
    AlgorithmProperties,
    CertificateProperties,
    CryptoAssetType,
    CryptoMode,
    CryptoPadding,
    CryptoPrimitive,
    CryptoProperties,
    ProtocolProperties,
    ProtocolPropertiesType,
    RelatedCryptoMaterialProperties,
    RelatedCryptoMaterialType,
)
from cyclonedx.output.json import JsonV1Dot6
from packageurl import PackageURL

from anke.catalog import Catalog, load_catalog
from anke.catalog.model import Algorithm
from anke.findings.model import Finding, FindingKind, ScanDocument
from anke.report.inventory import (
    NO_PADDING,
    Asset,
    Inventory,
    LibraryUse,
    asset_name,
    build_inventory,
    material_role,
)

ROOT_REF = "product"
"""The bom-ref of the scanned product (``metadata.component``)."""




def _oid(entry: Algorithm | None) -> str | None:
    """The catalog OID when it names the algorithm alone (not one of several variants)."""
    return entry.oids[0] if entry is not None and len(entry.oids) == 1 else None

def _primitive(asset: Asset) -> CryptoPrimitive:
    value = asset.key.primitive or (asset.entry.primitive.value if asset.entry else None)
    try:
        return CryptoPrimitive(value) if value else CryptoPrimitive.UNKNOWN
    except ValueError:
        return CryptoPrimitive.OTHER


def _mode(name: str | None) -> CryptoMode | None:
    if name is None:
        return None
    try:
        return CryptoMode(name.lower())
    except ValueError:
        return CryptoMode.OTHER


def _padding(name: str | None) -> CryptoPadding | None:
    if name is None:
        return None
    if name == NO_PADDING:  # CycloneDX calls it raw
        return CryptoPadding.RAW
    try:
        return CryptoPadding(name.lower())
    except ValueError:
        return CryptoPadding.OTHER


def _evidence(findings: list[Finding]) -> ComponentEvidence:
    return ComponentEvidence(occurrences=[
        Occurrence(location=f.path, line=f.line, offset=f.offset, additional_context=f.evidence)
        for f in findings])


def _properties(asset: Asset) -> list[Property]:
    props = [Property(name="anke:confidence", value=asset.confidence.value)]
    if asset.entry is not None:
        props += [Property(name="anke:origin", value=asset.entry.origin),
                  Property(name="anke:family", value=asset.entry.family)]
        if asset.entry.broken:
            props.append(Property(name="anke:broken", value="true"))
    elif asset.key.algorithm:
        props.append(Property(name="anke:catalog", value="unknown algorithm name"))
    if asset.implied:
        props.append(Property(name="anke:implied-by", value="certificate or key"))
    contexts = sorted({f.context.value for f in asset.findings if f.context is not None})
    if contexts:
        props.append(Property(name="anke:contexts", value=",".join(contexts)))
    return props


def _algorithm(asset: Asset) -> CryptoProperties:
    key, entry = asset.key, asset.entry
    return CryptoProperties(
        asset_type=CryptoAssetType.ALGORITHM,
        algorithm_properties=AlgorithmProperties(
            primitive=_primitive(asset),
            parameter_set_identifier=str(key.key_bits) if key.key_bits else None,
            curve=key.curve, mode=_mode(key.mode), padding=_padding(key.padding),
            classical_security_level=entry.classical_security_bits if entry else None,
            nist_quantum_security_level=entry.nist_quantum_security_level if entry else None),
        oid=_oid(entry))


def _material_type(asset: Asset) -> RelatedCryptoMaterialType:
    return RelatedCryptoMaterialType(material_role(asset.kind, asset.entry))


class _Builder:
    """Turns the inventory into components and the dependency graph."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.components: dict[str, Component] = {}
        self.links: dict[str, list[str]] = {}

    def ref(self, value: str | None) -> BomRef | None:
        component = self.components.get(value) if value else None
        return component.bom_ref if component is not None else None

    def add(self, component: Component, links: list[str | None] | None = None) -> None:
        ref = str(component.bom_ref.value)
        self.components[ref] = component
        self.links[ref] = [link for link in links or [] if link]

    def build(self) -> None:
        for asset in self.inventory.assets:  # algorithms come first: the others refer to them
            if asset.kind in (FindingKind.ALGORITHM, FindingKind.PROTOCOL):
                self.add(self.plain(asset))
        for asset in self.inventory.assets:
            if asset.kind is FindingKind.CERTIFICATE:
                self.certificate(asset)
            elif asset.kind in (FindingKind.KEY, FindingKind.SECRET):
                self.add(self.material(asset, _material_type(asset), asset.ref, asset.name),
                         [asset.algorithm_ref])
        for library in self.inventory.libraries:
            self.add(self.library(library))

    def plain(self, asset: Asset) -> Component:
        if asset.kind is FindingKind.PROTOCOL:
            crypto = CryptoProperties(asset_type=CryptoAssetType.PROTOCOL,
                                      protocol_properties=ProtocolProperties(
                                          type=ProtocolPropertiesType.UNKNOWN))
        else:
            crypto = _algorithm(asset)
        return Component(type=ComponentType.CRYPTOGRAPHIC_ASSET, name=asset.name,
                         bom_ref=asset.ref, crypto_properties=crypto,
                         evidence=_evidence(asset.findings), properties=_properties(asset))

    def material(self, asset: Asset, kind: RelatedCryptoMaterialType, ref: str,
                 name: str) -> Component:
        crypto = CryptoProperties(
            asset_type=CryptoAssetType.RELATED_CRYPTO_MATERIAL,
            related_crypto_material_properties=RelatedCryptoMaterialProperties(
                type=kind, size=asset.key.key_bits, algorithm_ref=self.ref(asset.algorithm_ref)),
            oid=_oid(asset.entry))
        return Component(type=ComponentType.CRYPTOGRAPHIC_ASSET, name=name, bom_ref=ref,
                         crypto_properties=crypto, evidence=_evidence(asset.findings),
                         properties=_properties(asset))

    def certificate(self, asset: Asset) -> None:
        key_ref: str | None = None
        if asset.key.algorithm:
            key_ref = f"{asset.ref}/public-key"
            name = asset_name(asset.key.algorithm, asset.key.key_bits, curve=asset.key.curve)
            self.add(self.material(asset, RelatedCryptoMaterialType.PUBLIC_KEY, key_ref,
                                   f"{name} public key of {asset.name}"),
                     [asset.algorithm_ref])
        facts = asset.certificate
        crypto = CryptoProperties(
            asset_type=CryptoAssetType.CERTIFICATE,
            certificate_properties=CertificateProperties(
                subject_name=facts.subject if facts else None,
                issuer_name=facts.issuer if facts else None,
                not_valid_before=facts.not_before if facts else None,
                not_valid_after=facts.not_after if facts else None,
                signature_algorithm_ref=self.ref(asset.signature_ref),
                subject_public_key_ref=self.ref(key_ref),
                certificate_format="X.509"))
        props = _properties(asset)
        if facts is not None and facts.signature_hash:
            props.append(Property(name="anke:signature-hash", value=facts.signature_hash))
        if facts is not None and facts.self_signed:
            props.append(Property(name="anke:self-signed", value="true"))
        self.add(Component(type=ComponentType.CRYPTOGRAPHIC_ASSET, name=asset.name,
                           bom_ref=asset.ref, crypto_properties=crypto,
                           evidence=_evidence(asset.findings), properties=props),
                 [asset.signature_ref, key_ref])

    @staticmethod
    def library(library: LibraryUse) -> Component:
        try:
            purl = PackageURL.from_string(library.purl) if library.purl else None
        except ValueError:
            purl = None
        props = []
        if library.entry is not None:
            props.append(Property(name="anke:origin", value=library.entry.origin))
            if library.entry.algorithms:  # what the catalog says it is about; not a link
                props.append(Property(name="anke:characteristic-algorithms",
                                      value=",".join(library.entry.algorithms)))
        if library.version and purl is None:
            props.append(Property(name="anke:declared-version", value=library.version))
        version = purl.version if purl is not None and purl.version else library.version
        return Component(type=ComponentType.LIBRARY, name=library.name, version=version,
                         purl=purl, bom_ref=library.ref, evidence=_evidence(library.findings),
                         properties=props)


def _serial(document: ScanDocument, inventory: Inventory) -> uuid.UUID:
    """A serial number that is the same for the same scan result."""
    text = "\x1f".join([document.root, document.tool.version,
                        *(f.id for f in inventory.findings)])
    return uuid.uuid5(uuid.NAMESPACE_URL, "urn:anke:cbom:" + text)


def cbom_bom(document: ScanDocument, *, catalog: Catalog | None = None,
             timestamp: dt.datetime | None = None) -> tuple[Bom, dict[str, list[str]]]:
    """The CycloneDX model of the scan's inventory, and the ``provides`` links of libraries
    (bom-ref of a library -> bom-refs of the algorithms it provides)."""
    inventory = build_inventory(document.findings, catalog or load_catalog())
    builder = _Builder(inventory)
    builder.build()
    product = Component(type=ComponentType.APPLICATION, name=document.root, bom_ref=ROOT_REF)
    tool = Component(type=ComponentType.APPLICATION, name=document.tool.name,
                     version=document.tool.version, bom_ref="tool/anke")
    metadata = BomMetaData(component=product, timestamp=timestamp or dt.datetime.now(dt.UTC))
    metadata.tools.components.add(tool)
    if document.tool.rules_digest:
        metadata.properties.add(Property(name="anke:rules-digest",
                                         value=document.tool.rules_digest))
    bom = Bom(serial_number=_serial(document, inventory), metadata=metadata,
              components=builder.components.values())
    bom.register_dependency(product, builder.components.values())
    for ref, component in builder.components.items():
        bom.register_dependency(component, [builder.components[link]
                                            for link in builder.links[ref]])
    provides = {library.ref: library.provides for library in inventory.libraries
                if library.provides}
    return bom, provides


def cbom_json(document: ScanDocument, *, catalog: Catalog | None = None,
              timestamp: dt.datetime | None = None) -> dict[str, Any]:
    """The CBOM as a CycloneDX 1.6 JSON object."""
    bom, provides = cbom_bom(document, catalog=catalog, timestamp=timestamp)
    data: dict[str, Any] = json.loads(JsonV1Dot6(bom).output_as_string())
    for component in data.get("components", []):  # the library's order is not stable
        occurrences = component.get("evidence", {}).get("occurrences")
        if occurrences:
            occurrences.sort(key=lambda o: (o["location"], o.get("line", 0),
                                            o.get("offset", 0), o.get("additionalContext", "")))
    graph: list[dict[str, Any]] = data.setdefault("dependencies", [])
    entries = {entry["ref"]: entry for entry in graph}
    for ref, refs in provides.items():
        entry = entries.get(ref)
        if entry is None:
            entry = {"ref": ref}
            graph.append(entry)
        entry["provides"] = sorted(refs)
    return data


def render_cbom(document: ScanDocument, *, catalog: Catalog | None = None,
                timestamp: dt.datetime | None = None) -> str:
    """The CBOM as indented CycloneDX 1.6 JSON text."""
    data = cbom_json(document, catalog=catalog, timestamp=timestamp)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_cbom(document: ScanDocument, out: TextIO, *, catalog: Catalog | None = None,
               timestamp: dt.datetime | None = None) -> None:
    """Write the CBOM (CycloneDX 1.6 JSON) of a scan to ``out``."""
    out.write(render_cbom(document, catalog=catalog, timestamp=timestamp))
