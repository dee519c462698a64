"""The detector's contract: basename handling, bounds, notes instead of exceptions, stable
ids, nothing from manifests without crypto libraries."""

from __future__ import annotations

import random

import pytest
from manifests_helpers import detector, scan

from anke.detect.manifests.detector import MAX_BYTES, PARSERS
from anke.findings.model import Finding

MANIFEST_PATHS = [
    "requirements.txt", "requirements/base.txt", "constraints.txt", "pyproject.toml",
    "setup.cfg", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock", "package.json",
    "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "pom.xml",
    "lib/x-1.0.pom", "build.gradle", "build.gradle.kts", "gradle/libs.versions.toml",
    "go.mod", "go.sum", "vendor/modules.txt", "Cargo.toml", "Cargo.lock", "App.csproj",
    "App.vbproj", "App.fsproj", "packages.config", "Directory.Packages.props", "x.nuspec",
    "App.deps.json", "debian/control", "x.deb!/control.tar.xz!/./control",
    "a.whl!/a-1.0.dist-info/METADATA", "a-1.0.tar.gz!/a-1.0/PKG-INFO",
    "a.jar!/META-INF/maven/g/a/pom.properties",
]


@pytest.mark.parametrize("path", MANIFEST_PATHS)
def test_handles_manifests(path: str) -> None:
    assert detector().handles(path, b"")


@pytest.mark.parametrize("path", [
    "main.py", "README.md", "notes.txt", "control.c", "lib/METADATA", "package.jsonx",
    "src/pom.xml.bak", "docs/requirements.md", "Cargo.toml.orig", "a.jar!/META-INF/MANIFEST.MF",
])
def test_ignores_other_files(path: str) -> None:
    assert not detector().handles(path, b"")


def test_oversized_manifest_is_noted() -> None:
    found = detector().detect("requirements.txt", b"#" * (MAX_BYTES + 1))
    assert found.findings == []
    assert [n.reason for n in found.notes] == [
        "manifests: requirements: larger than 32 MiB, not read"]


def test_ids_are_stable_and_match_the_contract() -> None:
    found = scan("requirements.txt", "gmssl==3.2.2\n").findings
    again = scan("requirements.txt", "gmssl==3.2.2\n").findings
    assert found == again
    first = found[0]
    assert first.id == Finding.make_id("manifests.requirements", "requirements.txt", 1, None,
                                       "gmssl==3.2.2", None)


def test_same_package_reported_once_per_file() -> None:
    text = "cryptography==42.0.5\ncryptography==42.0.5 ; python_version < '3.9'\n"
    assert [f.line for f in scan("requirements.txt", text).findings] == [1]


def test_manifests_without_crypto_give_nothing() -> None:
    cases = {
        "package.json": '{"name": "x", "dependencies": {"react": "^18.0.0"}}',
        "go.mod": "module x\n\nrequire github.com/pkg/errors v0.9.1\n",
        "Cargo.toml": '[package]\nname = "x"\n\n[dependencies]\nserde = "1"\n',
        "pom.xml": "<project><groupId>a</groupId><artifactId>b</artifactId></project>",
        "debian/control": "Source: x\nBuild-Depends: debhelper\n\nPackage: x\nDepends: libc6\n",
    }
    for path, text in cases.items():
        found = scan(path, text)
        assert found.findings == [] and found.notes == [], path


@pytest.mark.parametrize("path", MANIFEST_PATHS)
def test_random_bytes_never_raise(path: str) -> None:
    rng = random.Random(path)
    for size in (0, 1, 7, 64, 1000):
        data = bytes(rng.randrange(256) for _ in range(size))
        found = detector().detect(path, data)
        assert found.findings == []
        for note in found.notes:
            assert note.reason.startswith("manifests: ") and "\n" not in note.reason


def test_deep_json_is_a_note() -> None:
    found = detector().detect("package-lock.json", b"[" * 100_000 + b"]" * 100_000)
    assert len(found.notes) == 1 and found.findings == []


def test_every_format_has_a_parser() -> None:
    assert detector().formats.formats() == set(PARSERS)
