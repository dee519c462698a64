"""X.509 certificates: the subject key, the signature algorithm, names, validity.

Certificates are parsed by ``cryptography``. When it cannot load the public key (SM2 keys:
"curve not supported") or name the signature hash, the identifiers are read from the
certificate's own fields (``public_key_algorithm_oid``, ``signature_algorithm_oid``) and the
curve identifier from the DER of the to-be-signed part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

from anke.catalog import Catalog
from anke.detect.material.der import ec_curve_oid
from anke.detect.material.emit import Sink, Where, clip
from anke.detect.material.keys import KeyInfo, KeyReader
from anke.detect.material.tables import MaterialTables
from anke.findings.model import CertificateFacts, FindingKind

RULE_CERTIFICATE = "material.x509-certificate"
RULE_SIGNATURE = "material.certificate-signature"
RULE_SIGNATURE_HASH = "material.certificate-signature-hash"
_NAME_CHARS = 48


@dataclass(frozen=True)
class Signature:
    """A certificate's signature algorithm: its name, scheme, hash and padding."""

    name: str
    scheme: str | None
    hash: str | None
    padding: str | None


@dataclass(frozen=True)
class CertificateInfo:
    """What a certificate says about its key, signature, names and validity."""

    key: KeyInfo
    signature: Signature
    subject: str
    issuer: str
    not_before: datetime
    not_after: datetime
    self_signed: bool

    def facts(self, catalog: Catalog) -> CertificateFacts:
        """The certificate's names, validity and signature, in catalog names."""
        scheme = catalog.algorithm(self.signature.scheme) if self.signature.scheme else None
        digest = catalog.algorithm(self.signature.hash) if self.signature.hash else None
        return CertificateFacts(
            subject=self.subject, issuer=self.issuer, not_before=self.not_before,
            not_after=self.not_after, signature_scheme=scheme.name if scheme else None,
            signature_hash=digest.name if digest else None, self_signed=self.self_signed)

    def evidence(self, context: str = "") -> str:
        """``X.509 certificate subject=..., issuer=..., valid a..b, self-signed, ...``."""
        parts = [f"{context}X.509 certificate subject={clip(self.subject, _NAME_CHARS)}"]
        parts.append("self-signed" if self.self_signed
                     else f"issuer={clip(self.issuer, _NAME_CHARS)}")
        parts.append(f"valid {self.not_before.date()}..{self.not_after.date()}")
        parts.append(f"key {self.key.describe()}")
        parts.append(f"signature {self.signature.name}")
        return ", ".join(parts)


def _name(name: x509.Name) -> str:
    try:
        return name.rfc4514_string()
    except (ValueError, UnicodeError):
        return "(unreadable name)"


class CertificateReader:
    """Reads certificates into :class:`CertificateInfo` and findings."""

    def __init__(self, keys: KeyReader, tables: MaterialTables) -> None:
        self.keys = keys
        self.tables = tables

    def key(self, cert: x509.Certificate) -> KeyInfo:
        """The subject public key, named even when the library cannot load it."""
        try:
            return self.keys.from_key(cert.public_key())
        except (UnsupportedAlgorithm, ValueError):
            pass
        try:
            oid = cert.public_key_algorithm_oid.dotted_string
        except ValueError:
            return KeyInfo(None)
        curve_oid = ec_curve_oid(cert.tbs_certificate_bytes) if oid == "1.2.840.10045.2.1" \
            else None
        return self.keys.from_oid(oid, curve_oid)

    def signature(self, cert: x509.Certificate) -> Signature:
        """The signature algorithm, by the identifier table, the catalog and the library."""
        oid = cert.signature_algorithm_oid.dotted_string
        entry = self.tables.signature(oid)
        catalog = self.keys.catalog
        scheme_entry = catalog.by_oid(oid)
        scheme = entry.scheme if entry is not None and entry.scheme else (
            scheme_entry.name if scheme_entry is not None else None)
        digest = entry.hash if entry is not None else None
        if digest is None:
            try:
                algorithm = cert.signature_hash_algorithm
            except (UnsupportedAlgorithm, ValueError):
                algorithm = None
            found = catalog.algorithm(algorithm.name) if algorithm is not None else None
            digest = found.name if found is not None else None
        name = entry.name if entry is not None else oid
        return Signature(name, scheme, digest, entry.padding if entry is not None else None)

    def info(self, cert: x509.Certificate) -> CertificateInfo:
        """Everything the findings say about one certificate."""
        subject, issuer = _name(cert.subject), _name(cert.issuer)
        return CertificateInfo(self.key(cert), self.signature(cert), subject, issuer,
                               cert.not_valid_before_utc, cert.not_valid_after_utc,
                               self._self_signed(cert))

    @staticmethod
    def _self_signed(cert: x509.Certificate) -> bool:
        if cert.subject != cert.issuer:
            return False
        try:
            cert.verify_directly_issued_by(cert)
        except InvalidSignature:
            return False
        except (ValueError, TypeError, UnsupportedAlgorithm):
            return True  # same names; the signature cannot be checked here
        return True

    def emit(self, sink: Sink, cert: x509.Certificate, where: Where, context: str = "") -> None:
        """The certificate finding and its signature findings."""
        try:
            info = self.info(cert)
        except (ValueError, UnsupportedAlgorithm) as exc:
            sink.note(f"certificate at {where.describe()} not readable: {exc}")
            return
        sink.add(RULE_CERTIFICATE, FindingKind.CERTIFICATE, where, info.evidence(context),
                 algorithm=info.key.algorithm, key_bits=info.key.key_bits, curve=info.key.curve,
                 certificate=info.facts(sink.catalog))
        signed = f"certificate signature {info.signature.name} " \
                 f"(subject {clip(info.subject, _NAME_CHARS)})"
        if info.signature.scheme is not None:
            sink.add(RULE_SIGNATURE, FindingKind.ALGORITHM, where, signed,
                     algorithm=info.signature.scheme, padding=info.signature.padding)
        if info.signature.hash is not None:
            sink.add(RULE_SIGNATURE_HASH, FindingKind.ALGORITHM, where, signed,
                     algorithm=info.signature.hash)
