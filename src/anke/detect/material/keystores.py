"""Keystores and certificate bundles: PKCS#12, Java JKS/JCEKS, PKCS#7.

PKCS#12 and PKCS#7 are opened by ``cryptography``; a PKCS#12 file is tried without a
password and with the empty one, and reported as an encrypted keystore otherwise. Java
keystores are a simple big-endian container that ``cryptography`` does not read: its
directory is walked here (magic, version, count, then per entry a tag, alias, timestamp
and the length-prefixed DER of keys and certificates), and every certificate is handed to
``cryptography``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from anke.detect.material.certificates import CertificateReader
from anke.detect.material.emit import Sink, Where, clip
from anke.detect.material.keys import KeyInfo, PrivateKeyReading
from anke.findings.model import FindingKind

RULE_KEYSTORE_KEY = "material.keystore-private-key"
RULE_KEYSTORE_SECRET = "material.keystore-secret-key"
RULE_ENCRYPTED_PKCS12 = "material.pkcs12-keystore"
RULE_PRIVATE_KEY = "material.private-key"
# pkcs7-data (1.2.840.113549.1.7.1), which wraps the contents of every PFX (RFC 7292)
_PKCS7_DATA = bytes.fromhex("06092a864886f70d010701")
_MAX_ENTRIES = 10_000
_MAX_CHAIN = 64
_TAG_PRIVATE_KEY, _TAG_TRUSTED_CERT, _TAG_SECRET_KEY = 1, 2, 3


@dataclass
class Context:
    """What keystore readers need: the sink and the certificate reader."""

    sink: Sink
    certificates: CertificateReader


# ---------------------------------------------------------------------------- PKCS#12

def read_pkcs12(ctx: Context, data: bytes, offset: int = 0) -> bool:
    """Findings of a PKCS#12 file; False when ``data`` is not PKCS#12 at all."""
    where = Where(offset=offset)
    bundle = None
    for password in (None, b""):
        try:
            bundle = pkcs12.load_pkcs12(data, password)
            break
        except (ValueError, TypeError):
            continue
    if bundle is None:
        if data[:1] != b"\x30" or _PKCS7_DATA not in data[:64]:
            return False
        ctx.sink.add(RULE_ENCRYPTED_PKCS12, FindingKind.KEY, where,
                     "encrypted PKCS#12 keystore (not opened)")
        return True
    if bundle.key is not None:
        info = ctx.certificates.keys.from_key(bundle.key)
        reading = PrivateKeyReading(info, "PKCS#12", False, True, "no password")
        ctx.sink.add(RULE_PRIVATE_KEY, FindingKind.SECRET, where, reading.describe(),
                     algorithm=info.algorithm, key_bits=info.key_bits, curve=info.curve)
    certs = ([bundle.cert] if bundle.cert is not None else []) + list(bundle.additional_certs)
    for item in certs:
        ctx.certificates.emit(ctx.sink, item.certificate, where, "PKCS#12 ")
    return True


# ---------------------------------------------------------------------------- PKCS#7

def pkcs7_certificates(data: bytes, pem: bool) -> list[x509.Certificate] | None:
    """The certificates of a PKCS#7 bundle or signature (a JAR's ``META-INF/*.RSA``)."""
    try:
        if pem:
            return pkcs7.load_pem_pkcs7_certificates(data)
        return pkcs7.load_der_pkcs7_certificates(data)
    except ValueError:
        return None


# ---------------------------------------------------------------------------- JKS / JCEKS

class _Truncated(Exception):
    """A field runs past the end of the keystore."""


class _Cursor:
    """Big-endian reads over the keystore bytes, bounded by what remains."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, size: int) -> bytes:
        if size < 0 or self.pos + size > len(self.data):
            raise _Truncated
        chunk = self.data[self.pos:self.pos + size]
        self.pos += size
        return chunk

    def u16(self) -> int:
        return int(struct.unpack(">H", self.take(2))[0])

    def u32(self) -> int:
        return int(struct.unpack(">I", self.take(4))[0])

    def utf(self) -> str:
        return self.take(self.u16()).decode("utf-8", "replace")


def _certificate(ctx: Context, cursor: _Cursor, version: int) -> tuple[x509.Certificate | None,
                                                                       int]:
    if version == 2:
        cursor.utf()  # certificate type, "X.509"
    size = cursor.u32()
    start = cursor.pos
    der = cursor.take(size)
    try:
        return x509.load_der_x509_certificate(der), start
    except ValueError:
        ctx.sink.note(f"keystore certificate at offset {start} not readable")
        return None, start


def read_java_keystore(ctx: Context, data: bytes, kind: str) -> None:
    """Findings of a JKS or JCEKS keystore: its key entries and certificates."""
    cursor = _Cursor(data)
    try:
        cursor.take(4)
        version = cursor.u32()
        count = cursor.u32()
        if version not in (1, 2):
            ctx.sink.note(f"{kind} keystore version {version} not known")
            return
        for index in range(min(count, _MAX_ENTRIES)):
            entry_at = cursor.pos
            tag = cursor.u32()
            alias = clip(cursor.utf(), 40)
            cursor.take(8)  # creation time, milliseconds since 1970
            if tag == _TAG_PRIVATE_KEY:
                cursor.take(cursor.u32())  # EncryptedPrivateKeyInfo, sealed by the password
                chain_size = cursor.u32()
                if chain_size > _MAX_CHAIN:
                    raise _Truncated
                chain = [_certificate(ctx, cursor, version) for _ in range(chain_size)]
                first = chain[0][0] if chain else None
                info = ctx.certificates.key(first) if first is not None else KeyInfo(None)
                reading = PrivateKeyReading(info, f"{kind} entry '{alias}'", True, True,
                                            f"chain of {chain_size} certificates")
                ctx.sink.add(RULE_KEYSTORE_KEY, FindingKind.SECRET, Where(offset=entry_at),
                             reading.describe(), algorithm=info.algorithm,
                             key_bits=info.key_bits, curve=info.curve)
                for cert, at in chain:
                    if cert is not None:
                        ctx.certificates.emit(ctx.sink, cert, Where(offset=at),
                                              f"{kind} '{alias}' ")
            elif tag == _TAG_TRUSTED_CERT:
                cert, at = _certificate(ctx, cursor, version)
                if cert is not None:
                    ctx.certificates.emit(ctx.sink, cert, Where(offset=at),
                                          f"{kind} '{alias}' ")
            elif tag == _TAG_SECRET_KEY and kind == "JCEKS":
                ctx.sink.add(RULE_KEYSTORE_SECRET, FindingKind.SECRET, Where(offset=entry_at),
                             f"JCEKS secret key entry '{alias}' (sealed Java object)")
                if index + 1 < count:
                    ctx.sink.note("JCEKS entries after a secret-key entry not read (a sealed "
                                  "Java object has no length prefix)")
                return
            else:
                ctx.sink.note(f"{kind} entry tag {tag} at offset {entry_at} not known")
                return
        if count > _MAX_ENTRIES:
            ctx.sink.note(f"{count - _MAX_ENTRIES} {kind} entries over the limit not read")
    except _Truncated:
        ctx.sink.note(f"{kind} keystore truncated or malformed at offset {cursor.pos}")
