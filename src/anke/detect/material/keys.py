"""What a key is (algorithm, size, curve) and reading private and public keys from PEM/DER.

Keys are loaded with the ``cryptography`` library. Keys it refuses (an SM2 key: curve not
supported) are still named: the curve or algorithm identifier is read from the DER.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import (
    dsa,
    ec,
    ed448,
    ed25519,
    rsa,
    x448,
    x25519,
)

from anke.catalog import Catalog
from anke.catalog.model import Algorithm, Curve
from anke.detect.material.der import ec_curve_oid, looks_like_der, oid_at
from anke.detect.material.der import sec1_curve_oid as _sec1_curve_oid
from anke.detect.material.tables import MaterialTables
from anke.detect.source_api.names import reader_for

_LEADING_OID_WINDOW = 48  # an AlgorithmIdentifier opens every PKCS#8 and SPKI structure
_FIXED_SIZES: tuple[tuple[type, str, int], ...] = (
    (ed25519.Ed25519PrivateKey, "Ed25519", 256), (ed25519.Ed25519PublicKey, "Ed25519", 256),
    (ed448.Ed448PrivateKey, "Ed448", 456), (ed448.Ed448PublicKey, "Ed448", 456),
    (x25519.X25519PrivateKey, "X25519", 256), (x25519.X25519PublicKey, "X25519", 256),
    (x448.X448PrivateKey, "X448", 448), (x448.X448PublicKey, "X448", 448),
)


@dataclass(frozen=True)
class KeyInfo:
    """A key's algorithm (catalog name), size in bits and curve (catalog name)."""

    algorithm: str | None
    key_bits: int | None = None
    curve: str | None = None
    curve_text: str | None = None  # the curve as found, when the catalog does not know it

    def describe(self) -> str:
        """``RSA 2048``, ``EC P-256``, ``Ed25519``; ``unknown algorithm`` when unnamed."""
        if self.algorithm is None:
            return f"unknown algorithm (curve {self.curve_text})" if self.curve_text \
                else "unknown algorithm"
        if self.curve or self.curve_text:
            return f"{self.algorithm} {self.curve or self.curve_text}"
        if self.key_bits and self.algorithm in ("RSA", "DSA", "DH"):
            return f"{self.algorithm} {self.key_bits}"
        return self.algorithm


@dataclass(frozen=True)
class PrivateKeyReading:
    """A private key as found: what it is, its form, and whether it is encrypted."""

    info: KeyInfo
    form: str  # PKCS#8, PKCS#1, SEC1, OpenSSH, PuTTY, OpenPGP, DER
    encrypted: bool
    parsed: bool  # the key (or its public part) was read, not only its shape
    detail: str = ""

    def describe(self) -> str:
        """Evidence text: ``RSA 2048 private key (PKCS#8, not encrypted)``."""
        state = "encrypted" if self.encrypted else "not encrypted"
        extra = f", {self.detail}" if self.detail else ""
        return f"{self.info.describe()} private key ({self.form}, {state}{extra})"


class KeyReader:
    """Names keys against the catalog."""

    def __init__(self, catalog: Catalog, tables: MaterialTables) -> None:
        self.catalog = catalog
        self.tables = tables

    def from_curve(self, curve_name: str, bits: int | None = None) -> KeyInfo:
        """An elliptic-curve key on the named curve."""
        entry = self.catalog.curve(curve_name)
        if entry is None:
            return KeyInfo("EC", bits, None, curve_name)
        algorithm = self.tables.curve_algorithm(entry.name) or "EC"
        return KeyInfo(algorithm, bits or entry.bits, entry.name)

    def from_key(self, key: object) -> KeyInfo:
        """What a loaded ``cryptography`` key is."""
        if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
            return KeyInfo("RSA", key.key_size)
        if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
            return self.from_curve(key.curve.name, key.curve.key_size)
        if isinstance(key, dsa.DSAPrivateKey | dsa.DSAPublicKey):
            return KeyInfo("DSA", key.key_size)
        for kind, name, bits in _FIXED_SIZES:
            if isinstance(key, kind):
                return KeyInfo(name, bits)
        size = getattr(key, "key_size", None)
        if hasattr(key, "parameters") and isinstance(size, int):
            # finite-field DH (the library deprecates its DH classes, so no isinstance)
            return KeyInfo("DH", size)
        return KeyInfo(None)

    def from_oid(self, oid: str, curve_oid: str | None = None) -> KeyInfo:
        """A key named by its algorithm identifier (and the curve identifier, for EC)."""
        if curve_oid is not None:
            curve = self.catalog.by_oid(curve_oid)
            if isinstance(curve, Curve):
                return self.from_curve(curve.name)
            return KeyInfo("EC", None, None, curve_oid)
        entry = self.catalog.by_oid(oid)
        if isinstance(entry, Algorithm):
            return KeyInfo(entry.name)
        if isinstance(entry, Curve):
            return self.from_curve(entry.name)
        return KeyInfo(None)

    def from_der(self, der: bytes) -> KeyInfo:
        """Name a key the library refused, from the identifiers in its DER."""
        curve_oid = ec_curve_oid(der) or _sec1_curve_oid(der)
        if curve_oid is not None:
            return self.from_oid("", curve_oid)
        for start in range(min(len(der), _LEADING_OID_WINDOW)):
            oid = oid_at(der, start) if der[start] == 0x06 else None
            if oid is not None:
                info = self.from_oid(oid)
                if info.algorithm is not None:
                    return info
        return KeyInfo(None)

    def from_ssh_type(self, key_type: str) -> KeyInfo:
        """Name an SSH key from its type string only (``ssh-ed25519``)."""
        reading = reader_for(self.catalog).read(key_type)
        if not reading.algorithms:
            return KeyInfo(None)
        algorithm = "EC" if reading.algorithms[0] == "ECDSA" else reading.algorithms[0]
        if reading.curve:
            return self.from_curve(reading.curve)
        return KeyInfo(algorithm)

    # ------------------------------------------------------------------ private keys

    def private_pem(self, pem: bytes, der: bytes, form: str, label_algorithm: str | None,
                    headers: dict[str, str]) -> PrivateKeyReading | None:
        """A PEM private key block; None when its body is not a key at all."""
        proc = headers.get("Proc-Type", "")
        if "ENCRYPTED" in proc.upper():
            cipher = headers.get("DEK-Info", "").split(",", 1)[0].strip()
            return PrivateKeyReading(KeyInfo(label_algorithm), form, True, True,
                                     f"DEK-Info {cipher}" if cipher else "")
        try:  # keys are only named, never used: skip the slow RSA consistency check
            key = serialization.load_pem_private_key(
                pem, password=None, unsafe_skip_rsa_key_validation=True)
        except TypeError:  # a password is needed
            return PrivateKeyReading(KeyInfo(label_algorithm), form, True, looks_like_der(der))
        except UnsupportedAlgorithm:
            info = self.from_der(der)
            if info.algorithm is None and label_algorithm:
                info = KeyInfo(label_algorithm)
            return PrivateKeyReading(info, form, False, looks_like_der(der))
        except ValueError:
            if not looks_like_der(der):
                return None
            info = self.from_der(der)
            return PrivateKeyReading(info if info.algorithm else KeyInfo(label_algorithm),
                                     form, False, False)
        return PrivateKeyReading(self.from_key(key), form, False, True)

    def private_der(self, der: bytes) -> PrivateKeyReading | None:
        """A DER private key (PKCS#8 plain or encrypted, PKCS#1, SEC1); None if not one."""
        try:  # named only, never used (as above)
            key = serialization.load_der_private_key(
                der, password=None, unsafe_skip_rsa_key_validation=True)
        except TypeError:
            return PrivateKeyReading(KeyInfo(None), "PKCS#8 DER", True, True)
        except UnsupportedAlgorithm:
            return PrivateKeyReading(self.from_der(der), "DER", False, True)
        except ValueError:
            return None
        return PrivateKeyReading(self.from_key(key), "DER", False, True)

    # ------------------------------------------------------------------ public keys

    def public_pem(self, pem: bytes, der: bytes) -> KeyInfo | None:
        """A PEM public key (SubjectPublicKeyInfo or PKCS#1 RSA); None if not one."""
        try:
            return self.from_key(serialization.load_pem_public_key(pem))
        except UnsupportedAlgorithm:
            return self.from_der(der)
        except ValueError:
            return None

    def public_der(self, der: bytes) -> KeyInfo | None:
        """A DER SubjectPublicKeyInfo; None if not one."""
        try:
            return self.from_key(serialization.load_der_public_key(der))
        except UnsupportedAlgorithm:
            return self.from_der(der)
        except ValueError:
            return None

