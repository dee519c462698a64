"""The algorithm catalog's data model: what every detector and rulebook speaks in.

The catalog is data (``catalog/data/*.yaml``), validated by these models when it is loaded.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Primitive(StrEnum):
    """Cryptographic primitive, the vocabulary of CycloneDX 1.6 ``algorithmProperties``."""

    DRBG = "drbg"
    MAC = "mac"
    BLOCK_CIPHER = "block-cipher"
    STREAM_CIPHER = "stream-cipher"
    SIGNATURE = "signature"
    HASH = "hash"
    PKE = "pke"
    XOF = "xof"
    KDF = "kdf"
    KEY_AGREE = "key-agree"
    KEM = "kem"
    AE = "ae"
    COMBINER = "combiner"
    OTHER = "other"
    UNKNOWN = "unknown"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Algorithm(_Strict):
    """One algorithm as the catalog names it."""

    name: str = Field(description="canonical name, used in findings and rulebooks")
    family: str = Field(description="family name, e.g. SHA-2 for SHA-256")
    primitive: Primitive
    aliases: tuple[str, ...] = ()
    oids: tuple[str, ...] = ()
    standards: tuple[str, ...] = Field(min_length=1, description="documents that define it")
    origin: str = Field(description="national origin: ISO 3166 alpha-2 code, or INT")
    key_sizes: tuple[int, ...] = Field(default=(), description="permitted key sizes in bits")
    parameterized: bool = Field(
        default=False, description="true when key size or curve is chosen by the user (RSA, ECDSA)"
    )
    classical_security_bits: int | None = Field(
        default=None, description="best known classical attack cost in bits; None if it varies"
    )
    nist_quantum_security_level: int = Field(
        default=0, ge=0, le=6, description="CycloneDX nistQuantumSecurityLevel; 0 = none"
    )
    broken: bool = Field(default=False, description="practical attacks are published")
    notes: str = ""

    @field_validator("oids")
    @classmethod
    def _oids_dotted(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for oid in value:
            parts = oid.split(".")
            if len(parts) < 2 or not all(p.isdigit() for p in parts):
                raise ValueError(f"not a dotted OID: {oid!r}")
        return value


class Curve(_Strict):
    """A named elliptic curve."""

    name: str
    aliases: tuple[str, ...] = ()
    oids: tuple[str, ...] = ()
    bits: int
    standards: tuple[str, ...] = Field(min_length=1)
    origin: str


class Mode(_Strict):
    """A block-cipher mode of operation."""

    name: str
    aliases: tuple[str, ...] = ()
    authenticated: bool = False
    standards: tuple[str, ...] = Field(min_length=1)


class Padding(_Strict):
    """A padding scheme, for block ciphers or public-key operations."""

    name: str
    aliases: tuple[str, ...] = ()
    standards: tuple[str, ...] = Field(min_length=1)


class Composite(_Strict):
    """A name that stands for several catalog names at once (JOSE ``HS256``, ``ES256``)."""

    name: str
    aliases: tuple[str, ...] = ()
    means: str = Field(description="how the name reads, e.g. 'HMAC SHA-256' or 'ECDSA P-256'")
    standards: tuple[str, ...] = Field(min_length=1)


class Ecosystem(StrEnum):
    """A package ecosystem, named as its package-URL type (``pkg:<type>/...``)."""

    PYPI = "pypi"
    NPM = "npm"
    MAVEN = "maven"
    GOLANG = "golang"
    CARGO = "cargo"
    NUGET = "nuget"
    DEB = "deb"
    RPM = "rpm"


class Library(_Strict):
    """A cryptographic library and the packages that ship it, per ecosystem.

    A package is written as its ecosystem names it (Maven ``group:artifact``, a Go module
    path); a name may be a glob (``org.bouncycastle:bc*``, ``libssl*``).
    """

    name: str = Field(description="canonical name, used in findings")
    packages: dict[Ecosystem, tuple[str, ...]] = Field(min_length=1)
    algorithms: tuple[str, ...] = Field(
        default=(), description="catalog algorithms characteristic of the library"
    )
    origin: str = Field(pattern=r"^([A-Z]{2}|INT)$",
                        description="national origin of the project: ISO 3166 alpha-2, or INT")
    homepage: str
    source: str = Field(description="where the facts came from (the registry pages)")
    notes: str = ""


class CatalogFile(_Strict):
    """The layout of one catalog data file; each section is optional."""

    algorithms: tuple[Algorithm, ...] = ()
    curves: tuple[Curve, ...] = ()
    modes: tuple[Mode, ...] = ()
    paddings: tuple[Padding, ...] = ()
    composites: tuple[Composite, ...] = ()
    common_words: tuple[str, ...] = Field(
        default=(),
        description="algorithm names that are also everyday words (seed, idea, cast): in "
        "identifiers they count only with corroborating context",
    )
    libraries: tuple[Library, ...] = ()
