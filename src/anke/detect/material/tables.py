"""The material detector's data: file names, PEM labels, signature identifiers, magics.

Everything lives in ``data/material.yaml`` and is validated by the models here when loaded.
"""

from __future__ import annotations

import fnmatch
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from anke.datafile import load_yaml_model

DATA_FILE = Path(__file__).parent / "data" / "material.yaml"


class FileFormat(StrEnum):
    """What a file name says a file holds."""

    PEM_OR_DER = "pem-or-der"
    PKCS12 = "pkcs12"
    KEYSTORE = "keystore"
    PKCS7 = "pkcs7"
    TEXT = "text"


class Holds(StrEnum):
    """What a PEM block with a given label holds."""

    CERTIFICATE = "certificate"
    CERTIFICATE_REQUEST = "certificate-request"
    PKCS7 = "pkcs7"
    PRIVATE_KEY = "private-key"
    OPENSSH_PRIVATE_KEY = "openssh-private-key"
    PUBLIC_KEY = "public-key"
    PGP_PRIVATE_KEY = "pgp-private-key"
    PGP_PUBLIC_KEY = "pgp-public-key"
    DH_PARAMETERS = "dh-parameters"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FileNames(_Strict):
    """Globs (case-insensitive) that name files of one format."""

    format: FileFormat
    names: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()


class PemLabel(_Strict):
    """One PEM label and what its blocks hold."""

    label: str
    holds: Holds
    algorithm: str | None = Field(default=None, description="key algorithm the label names")


class SignatureAlgorithm(_Strict):
    """A certificate signature algorithm identifier and the hash it fixes."""

    oid: str
    name: str
    hash: str | None = None
    scheme: str | None = Field(default=None, description="only where the catalog lacks the OID")
    padding: str | None = None


class CurveAlgorithm(_Strict):
    """A curve that belongs to one algorithm (SM2P256V1 keys are SM2 keys)."""

    curve: str
    algorithm: str


class KeystoreMagic(_Strict):
    """The first four bytes of a Java keystore, in hex."""

    magic: str
    name: str

    @field_validator("magic")
    @classmethod
    def _four_bytes(cls, value: str) -> str:
        if len(bytes.fromhex(value)) != 4:
            raise ValueError("a magic is four bytes of hex")
        return value


class PgpAlgorithm(_Strict):
    """An OpenPGP public-key algorithm id and the catalog algorithm it names."""

    id: int
    algorithm: str
    curve_oid: bool = False


class MaterialData(_Strict):
    """The layout of ``material.yaml``."""

    files: tuple[FileNames, ...]
    head_markers: tuple[str, ...]
    pem_labels: tuple[PemLabel, ...]
    signatures: tuple[SignatureAlgorithm, ...]
    curve_algorithms: tuple[CurveAlgorithm, ...] = ()
    keystore_magics: tuple[KeystoreMagic, ...] = ()
    pgp_algorithms: tuple[PgpAlgorithm, ...] = ()


class MaterialTables:
    """``material.yaml`` indexed for lookups."""

    def __init__(self, data: MaterialData) -> None:
        self.data = data
        self.head_markers = tuple(m.encode("ascii") for m in data.head_markers)
        self._labels = {item.label: item for item in data.pem_labels}
        self._signatures = {item.oid: item for item in data.signatures}
        self._curve_algorithms = {item.curve: item.algorithm for item in data.curve_algorithms}
        self._magics = {bytes.fromhex(m.magic): m.name for m in data.keystore_magics}
        self._pgp = {item.id: item for item in data.pgp_algorithms}

    def file_format(self, path: str) -> FileFormat | None:
        """The format a member's report path names, or None."""
        lowered = path.lower()
        name = lowered.rsplit("!/", 1)[-1].rsplit("/", 1)[-1]
        for entry in self.data.files:
            if any(fnmatch.fnmatchcase(name, glob) for glob in entry.names):
                return entry.format
            if any(fnmatch.fnmatchcase(lowered, glob) for glob in entry.paths):
                return entry.format
        return None

    def pem_label(self, label: str) -> PemLabel | None:
        """What a PEM label holds, or None for labels that are not key material."""
        return self._labels.get(label)

    def signature(self, oid: str) -> SignatureAlgorithm | None:
        """The signature algorithm registered under a dotted OID."""
        return self._signatures.get(oid)

    def curve_algorithm(self, curve: str) -> str | None:
        """The algorithm a curve belongs to, when it belongs to one only."""
        return self._curve_algorithms.get(curve)

    def pgp_algorithm(self, ident: int) -> PgpAlgorithm | None:
        """The OpenPGP public-key algorithm with id ``ident``."""
        return self._pgp.get(ident)

    def keystore(self, data: bytes) -> str | None:
        """``JKS`` or ``JCEKS`` when ``data`` starts with a Java keystore magic."""
        return self._magics.get(bytes(data[:4]))


@lru_cache(maxsize=1)
def load_tables() -> MaterialTables:
    """The shipped ``material.yaml``, validated and indexed (once per process)."""
    return MaterialTables(load_yaml_model(DATA_FILE, MaterialData))
