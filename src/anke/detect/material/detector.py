"""The ``material`` detector: certificates, keys and keystores in any member.

Stage one is cheap: a file name that says key material (``*.pem``, ``*.p12``, ``id_rsa``,
``META-INF/*.RSA``), or a PEM/SSH/PuTTY marker or keystore magic in the first 4 KiB. Stage
two reads PEM blocks, SSH public key lines and PuTTY keys out of text, and DER,
PKCS#12, PKCS#7 and Java keystores out of binary files named as such.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.utils import CryptographyDeprecationWarning

from anke.catalog import Catalog, load_catalog
from anke.detect.base import Detection
from anke.detect.material.certificates import CertificateReader
from anke.detect.material.der import element_length, looks_like_der
from anke.detect.material.emit import Sink, Where
from anke.detect.material.keys import KeyInfo, KeyReader, PrivateKeyReading
from anke.detect.material.keystores import (
    RULE_PRIVATE_KEY,
    Context,
    pkcs7_certificates,
    read_java_keystore,
    read_pkcs12,
)
from anke.detect.material.pem import PemBlock, find_pem_blocks
from anke.detect.material.pgp import pgp_key_info
from anke.detect.material.ssh import openssh_private, public_lines, putty_keys
from anke.detect.material.tables import FileFormat, Holds, MaterialTables, load_tables
from anke.detect.prefilter import Prefilter
from anke.findings.model import Confidence, FindingKind

RULE_PUBLIC_KEY = "material.public-key"
RULE_SSH_PUBLIC_KEY = "material.ssh-public-key"
RULE_CSR = "material.certificate-request"
RULE_PGP_PRIVATE_KEY = "material.pgp-private-key"
RULE_PGP_PUBLIC_KEY = "material.pgp-public-key"
RULE_DH_PARAMETERS = "material.dh-parameters"

# the library warns about lax encodings (negative serial numbers) in what it reads; for an
# inventory of shipped material that is not worth a warning
warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning,
                        module=r"anke\.detect\.material\.")

MAX_PEM_BLOCKS = 1000
MIN_BODY_BYTES = 16  # the smallest key (an Ed25519 public key) takes 44 bytes of DER
MAX_SSH_KEYS = 1000
MAX_BINARY_BYTES = 16 << 20  # DER files and keystores larger than this are not opened

_PEM_FORMS = {"PRIVATE KEY": "PKCS#8", "ENCRYPTED PRIVATE KEY": "PKCS#8",
              "RSA PRIVATE KEY": "PKCS#1", "EC PRIVATE KEY": "SEC1",
              "DSA PRIVATE KEY": "OpenSSL DSA"}


class MaterialDetector:
    """Certificates, public and private keys, and keystores, with algorithm, size, curve."""

    name = "material"

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog or load_catalog()
        self.tables: MaterialTables = load_tables()
        self.keys = KeyReader(self.catalog, self.tables)
        self.certificates = CertificateReader(self.keys, self.tables)
        markers = self.tables.head_markers
        self.markers = Prefilter([re.escape(m) for m in markers], caseless=[False] * len(markers),
                                 cached=False)  # one pass for all markers, not one per marker

    def handles(self, path: str, head: bytes) -> bool:
        """A key-material file name, a keystore magic, or a PEM/SSH marker anywhere."""
        if self.tables.file_format(path) is not None:
            return True
        if self.tables.keystore(head) is not None:
            return True
        return bool(self.markers.scan(head, limit=1)[0])

    def detect(self, path: str, data: bytes) -> Detection:
        """Every certificate, key and keystore entry in one member."""
        sink = Sink(path, self.catalog)
        ctx = Context(sink, self.certificates)
        try:
            self._detect(ctx, path, data)
        except Exception as exc:  # a corrupt member must never stop a scan
            sink.note(f"material detector stopped: {type(exc).__name__}: {exc}")
        sink.close()
        return Detection(sink.findings, sink.notes, parsed=True)

    # ------------------------------------------------------------------ dispatch

    def _detect(self, ctx: Context, path: str, data: bytes) -> None:
        fmt = self.tables.file_format(path)
        keystore = self.tables.keystore(data)
        if keystore is not None:
            self._binary(ctx, data, lambda: read_java_keystore(ctx, data, keystore))
            return
        if fmt is FileFormat.PKCS12:
            self._binary(ctx, data, lambda: self._pkcs12(ctx, data))
            return
        found = self._text(ctx, data)
        if found or fmt is None or fmt is FileFormat.TEXT or b"-----BEGIN " in data:
            return
        if fmt is FileFormat.KEYSTORE:
            self._binary(ctx, data, lambda: self._pkcs12(ctx, data))
        elif fmt is FileFormat.PKCS7:
            self._binary(ctx, data, lambda: self._pkcs7_der(ctx, data))
        else:
            self._binary(ctx, data, lambda: self._der(ctx, data))

    @staticmethod
    def _binary(ctx: Context, data: bytes, read: Callable[[], None]) -> None:
        if len(data) > MAX_BINARY_BYTES:
            ctx.sink.note(f"binary key material over {MAX_BINARY_BYTES >> 20} MiB not read")
            return
        read()

    # ------------------------------------------------------------------ text

    def _text(self, ctx: Context, data: bytes) -> bool:
        """PEM blocks, SSH public keys and PuTTY keys; True when any was found."""
        found = False
        if b"-----BEGIN " in data:
            scan = find_pem_blocks(data, max_blocks=MAX_PEM_BLOCKS)
            for block in scan.blocks:
                found = self._pem_block(ctx, block) or found
            for label, line in scan.unterminated[:5]:
                ctx.sink.note(f"PEM {label} block at line {line} has no END line")
            if scan.over_limit:
                ctx.sink.note(f"{scan.over_limit} PEM blocks over the limit of "
                              f"{MAX_PEM_BLOCKS} not read")
        if b"PuTTY-User-Key-File-" in data:
            for putty in putty_keys(self.keys, data, MAX_SSH_KEYS):
                self._private(ctx, putty.reading, _where_text(data, putty.offset))
                found = True
        if b" AAAA" in data or b"\tAAAA" in data:
            for key in public_lines(self.keys, data, MAX_SSH_KEYS):
                where = _where_text(data, key.offset)
                ctx.sink.add(RULE_SSH_PUBLIC_KEY, FindingKind.KEY, where,
                             f"OpenSSH public key {key.key_type} ({key.info.describe()})",
                             algorithm=key.info.algorithm, key_bits=key.info.key_bits,
                             curve=key.info.curve)
                found = True
        return found

    def _pem_block(self, ctx: Context, block: PemBlock) -> bool:
        label = self.tables.pem_label(block.label)
        if label is None:
            return False
        where = Where(line=block.line, column=block.column)
        if block.der is None:
            ctx.sink.note(f"PEM {block.label} block at line {block.line} is not base64")
            return False
        if len(block.der) < MIN_BODY_BYTES:  # a placeholder, or code that names the markers
            return False
        holds, der = label.holds, block.der
        if holds is Holds.CERTIFICATE:
            return self._certificate_der(ctx, der, where)
        if holds is Holds.PKCS7:
            certs = pkcs7_certificates(der, pem=False)
            for cert in certs or ():
                self.certificates.emit(ctx.sink, cert, where, "PKCS#7 ")
            return bool(certs)
        if holds is Holds.PRIVATE_KEY:
            form = _PEM_FORMS.get(block.label, block.label.title())
            reading = self.keys.private_pem(block.pem(), der, form, label.algorithm,
                                            block.headers)
            return self._private(ctx, reading, where, block.label)
        if holds is Holds.OPENSSH_PRIVATE_KEY:
            return self._private(ctx, openssh_private(self.keys, block.pem(), der), where,
                                 block.label)
        if holds is Holds.PUBLIC_KEY:
            info = self.keys.public_pem(block.pem(), der)
            return self._public(ctx, info, where, block.label)
        if holds is Holds.CERTIFICATE_REQUEST:
            return self._csr(ctx, der, where)
        if holds is Holds.PGP_PRIVATE_KEY:
            info = pgp_key_info(der, self.keys, self.tables)
            self._private(ctx, PrivateKeyReading(info, "OpenPGP", False, True), where,
                          rule=RULE_PGP_PRIVATE_KEY, encryption_known=False)
            return True
        if holds is Holds.PGP_PUBLIC_KEY:
            info = pgp_key_info(der, self.keys, self.tables)
            ctx.sink.add(RULE_PGP_PUBLIC_KEY, FindingKind.KEY, where,
                         f"OpenPGP public key block ({info.describe()})",
                         algorithm=info.algorithm, key_bits=info.key_bits, curve=info.curve)
            return True
        return self._dh_parameters(ctx, block, where)

    # ------------------------------------------------------------------ one item each

    def _certificate_der(self, ctx: Context, der: bytes, where: Where) -> bool:
        size = element_length(der) if der[:1] == b"\x30" else None
        try:
            cert = x509.load_der_x509_certificate(der[:size] if size else der)
        except ValueError:
            ctx.sink.note(f"certificate at {where.describe()} not readable")
            return False
        self.certificates.emit(ctx.sink, cert, where)
        return True

    def _private(self, ctx: Context, reading: PrivateKeyReading | None, where: Where,
                 label: str = "", *, rule: str = RULE_PRIVATE_KEY,
                 encryption_known: bool = True) -> bool:
        if reading is None:
            ctx.sink.note(f"{label or 'private key'} at {where.describe()} is not a key")
            return False
        evidence = reading.describe() if encryption_known else \
            f"{reading.info.describe()} private key ({reading.form})"
        info = reading.info
        ctx.sink.add(rule, FindingKind.SECRET, where, evidence, algorithm=info.algorithm,
                     key_bits=info.key_bits, curve=info.curve,
                     confidence=Confidence.HIGH if reading.parsed else Confidence.MEDIUM)
        return True

    def _public(self, ctx: Context, info: KeyInfo | None, where: Where, label: str) -> bool:
        if info is None:
            ctx.sink.note(f"{label or 'public key'} at {where.describe()} is not a key")
            return False
        ctx.sink.add(RULE_PUBLIC_KEY, FindingKind.KEY, where,
                     f"{info.describe()} public key", algorithm=info.algorithm,
                     key_bits=info.key_bits, curve=info.curve)
        return True

    def _csr(self, ctx: Context, der: bytes, where: Where) -> bool:
        try:
            csr = x509.load_der_x509_csr(der)
            subject = csr.subject.rfc4514_string()
        except ValueError:
            ctx.sink.note(f"certificate request at {where.describe()} not readable")
            return False
        try:
            info = self.keys.from_key(csr.public_key())
        except (ValueError, UnsupportedAlgorithm):
            info = self.keys.from_der(der)
        ctx.sink.add(RULE_CSR, FindingKind.KEY, where,
                     f"certificate request subject={subject[:60]}, key {info.describe()}",
                     algorithm=info.algorithm, key_bits=info.key_bits, curve=info.curve)
        return True

    def _dh_parameters(self, ctx: Context, block: PemBlock, where: Where) -> bool:
        with warnings.catch_warnings():  # FFDH is deprecated in the library, not in the wild
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            from cryptography.hazmat.primitives.serialization import load_pem_parameters
        try:
            bits = load_pem_parameters(block.pem()).parameter_numbers().p.bit_length()
        except (ValueError, UnsupportedAlgorithm, AttributeError):
            ctx.sink.note(f"PEM {block.label} at line {block.line} not readable")
            return False
        ctx.sink.add(RULE_DH_PARAMETERS, FindingKind.ALGORITHM, where,
                     f"DH parameters, {bits}-bit prime", algorithm="DH", key_bits=bits)
        return True

    # ------------------------------------------------------------------ binary

    def _pkcs12(self, ctx: Context, data: bytes) -> None:
        if not read_pkcs12(ctx, data):
            ctx.sink.note("not a PKCS#12 or Java keystore")

    def _pkcs7_der(self, ctx: Context, data: bytes) -> None:
        certs = pkcs7_certificates(data, pem=False)
        if certs is None:
            ctx.sink.note("not a readable PKCS#7 file")
            return
        for cert in certs:
            self.certificates.emit(ctx.sink, cert, Where(offset=0), "PKCS#7 ")

    def _der(self, ctx: Context, data: bytes) -> None:
        """A DER file: a certificate, PKCS#7 bundle, private key, public key or request."""
        where = Where(offset=0)
        if data[:1] != b"\x30":
            return  # text, or some other format that shares the extension
        if not looks_like_der(data):
            ctx.sink.note("DER data truncated or malformed")
            return
        try:
            cert = x509.load_der_x509_certificate(data)
        except ValueError:
            cert = None
        if cert is not None:
            self.certificates.emit(ctx.sink, cert, where)
            return
        certs = pkcs7_certificates(data, pem=False)
        if certs:
            for item in certs:
                self.certificates.emit(ctx.sink, item, where, "PKCS#7 ")
            return
        reading = self.keys.private_der(data)
        if reading is not None:
            self._private(ctx, reading, where)
            return
        info = self.keys.public_der(data)
        if info is not None:
            self._public(ctx, info, where, "")
            return
        if not self._csr_quiet(ctx, data, where):
            ctx.sink.note("DER data is not a certificate, key or PKCS#7 bundle")

    def _csr_quiet(self, ctx: Context, data: bytes, where: Where) -> bool:
        try:
            x509.load_der_x509_csr(data)
        except ValueError:
            return False
        return self._csr(ctx, data, where)


def _where_text(data: bytes, offset: int) -> Where:
    """Line and column of ``offset`` in text."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return Where(line=data.count(b"\n", 0, offset) + 1, column=offset - line_start + 1)
