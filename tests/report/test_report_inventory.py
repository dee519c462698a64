"""The shared inventory: assets by identity, occurrences, implied algorithms, libraries."""

from __future__ import annotations

from report_samples import (
    AES_GCM,
    AES_GCM_AGAIN,
    BC,
    CERT,
    CERT_SIG,
    FINDINGS,
    LIBRARY,
    MD5_TEST,
    PRIVATE_KEY,
    PUBLIC_KEY,
    SM3_LIB,
    SM4,
    TOKEN,
    UNKNOWN,
    finding,
)

from anke.findings.model import FindingKind
from anke.report.inventory import asset_name, build_inventory


def test_assets_are_deduplicated_with_their_occurrences() -> None:
    inventory = build_inventory([*FINDINGS, AES_GCM])  # a repeated finding counts once
    assert [(a.kind.value, a.name, [f.id for f in a.findings]) for a in inventory.assets] == [
        ("algorithm", "AES-256-GCM", [AES_GCM_AGAIN.id, AES_GCM.id]),  # by path
        ("algorithm", "ECDSA P-256", [PUBLIC_KEY.id]),
        ("algorithm", "FROBNICATE", [UNKNOWN.id]),
        ("algorithm", "MD5", [MD5_TEST.id]),
        ("algorithm", "RSA-2048", [CERT.id, PRIVATE_KEY.id]),
        ("algorithm", "RSA-PKCS1v15", [CERT_SIG.id]),
        ("algorithm", "SM3", [SM3_LIB.id]),
        ("algorithm", "SM4-128-CBC-PKCS5", [SM4.id]),
        ("certificate", "certificate CN=Vendor Root", [CERT.id]),
        ("key", "ECDSA P-256 public key", [PUBLIC_KEY.id]),
        ("secret", "RSA-2048 private key", [PRIVATE_KEY.id]),
    ]
    assert inventory.others == [TOKEN]
    assert len(inventory.findings) == len(FINDINGS)


def test_material_points_at_algorithm_assets() -> None:
    inventory = build_inventory(FINDINGS)
    by_name = {a.name: a for a in inventory.assets}
    cert = by_name["certificate CN=Vendor Root"]
    assert cert.signature_ref == by_name["RSA-PKCS1v15"].ref  # the signature found with it
    assert cert.algorithm_ref == by_name["RSA-2048"].ref
    assert by_name["RSA-2048"].implied and not by_name["RSA-PKCS1v15"].implied
    assert by_name["ECDSA P-256 public key"].algorithm_ref == by_name["ECDSA P-256"].ref
    assert by_name["RSA-2048 private key"].algorithm_ref == by_name["RSA-2048"].ref


def test_key_links_to_a_found_algorithm_of_the_same_size() -> None:
    used = finding("java.jca.key-pair-generator", FindingKind.ALGORITHM, "src/K.java",
                   'KeyPairGenerator.getInstance("RSA")', line=3, algorithm="RSA",
                   primitive="pke", key_bits=2048)
    inventory = build_inventory([used, PRIVATE_KEY])
    rsa = next(a for a in inventory.assets if a.kind is FindingKind.ALGORITHM)
    assert not rsa.implied and [f.id for f in rsa.findings] == [used.id]
    secret = next(a for a in inventory.assets if a.kind is FindingKind.SECRET)
    assert secret.algorithm_ref == rsa.ref


def test_refs_are_stable_and_distinct() -> None:
    first = build_inventory(FINDINGS)
    second = build_inventory(list(reversed(FINDINGS)))
    assert [a.ref for a in first.assets] == [a.ref for a in second.assets]
    assert len({a.ref for a in first.assets}) == len(first.assets)


def test_libraries_provide_only_what_is_found_in_their_member() -> None:
    inventory = build_inventory(FINDINGS)
    gmssl, bc = sorted(inventory.libraries, key=lambda lib: lib.name != "GmSSL")
    assert (gmssl.name, gmssl.version, gmssl.findings) == ("GmSSL", "3.1.1", [LIBRARY])
    sm3 = next(a for a in inventory.assets if a.name == "SM3")
    assert gmssl.provides == [sm3.ref]  # not SM4: nothing ties the Java SM4 use to GmSSL
    assert (bc.name, bc.findings, bc.provides) == ("Bouncy Castle", [BC], [])


def test_algorithms_inside_a_library_archive_are_provided_by_it() -> None:
    jar = finding("manifests.jar", FindingKind.LIBRARY, "app.war!/WEB-INF/lib/bcprov.jar",
                  "bcprov-jdk18on-1.78.jar", detector="manifests", library="Bouncy Castle")
    inner = finding("bytecode.definition", FindingKind.ALGORITHM,
                    "app.war!/WEB-INF/lib/bcprov.jar!/org/bouncycastle/crypto/engines/"
                    "SM4Engine.class", "class SM4Engine", line=1, algorithm="SM4",
                    primitive="block-cipher")
    inventory = build_inventory([jar, inner, AES_GCM_AGAIN])
    assert inventory.libraries[0].provides == [inventory.assets[1].ref]
    assert inventory.assets[1].name == "SM4"


def test_groups_by_algorithm_for_reading() -> None:
    groups = build_inventory(FINDINGS).by_algorithm()
    assert [(g.algorithm, g.primitive, g.origin, len(g.findings)) for g in groups] == [
        ("RSA", "pke", "US", 3), ("AES", "block-cipher", "BE", 2),
        ("ECDSA", "signature", "US", 1), ("FROBNICATE", "unknown", "unknown", 1),
        ("MD5", "hash", "US", 1), ("SM3", "hash", "CN", 1), ("SM4", "block-cipher", "CN", 1),
    ]


def test_asset_names() -> None:
    assert asset_name("AES", 256, "GCM", "NoPadding") == "AES-256-GCM"
    assert asset_name("RSA", 3072, padding="OAEP") == "RSA-3072-OAEP"
    assert asset_name("ECDSA", curve="P-384") == "ECDSA P-384"
    assert asset_name("ChaCha20-Poly1305", 256) == "ChaCha20-Poly1305-256"
    assert asset_name("SM4-128", 128) == "SM4-128"
    assert asset_name(None) == "unresolved"
