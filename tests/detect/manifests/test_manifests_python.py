"""Python manifests: requirements, pyproject, setup.cfg, Pipfile(.lock), lock files,
METADATA/PKG-INFO."""

from __future__ import annotations

from manifests_helpers import notes, rows, scan

from anke.findings.model import Confidence, FindingKind

REQUIREMENTS = """\
# runtime
requests==2.31.0
gmssl==3.2.2
cryptography>=41,<43 ; python_version >= "3.8"
-r base.txt
--index-url https://pypi.example.org/simple
PyCryptodome  # no version
pynacl==1.5.0 \\
    --hash=sha256:0000
numpy
"""


def test_requirements() -> None:
    assert rows("requirements.txt", REQUIREMENTS) == [
        ("gmssl (Python)", "3.2.2", "pkg:pypi/gmssl@3.2.2", 3),
        ("pyca/cryptography", ">=41,<43", "pkg:pypi/cryptography", 4),
        ("PyCryptodome", None, "pkg:pypi/pycryptodome", 7),
        ("PyNaCl", "1.5.0", "pkg:pypi/pynacl@1.5.0", 8),
    ]
    found = scan("requirements.txt", REQUIREMENTS).findings[0]
    assert found.kind is FindingKind.LIBRARY and found.detector == "manifests"
    assert found.rule == "manifests.requirements" and found.evidence == "gmssl==3.2.2"
    assert found.confidence is Confidence.HIGH
    assert found.algorithm is None and found.primitive is None and found.context is None
    assert found.offset is None and found.column is None


def test_requirements_names() -> None:
    detector_paths = ["requirements-dev.txt", "app/requirements/prod.txt",
                      "constraints.txt", "src/requirements.in"]
    for path in detector_paths:
        assert rows(path, "snowland-smx==1.1.0\n") == [
            ("snowland-smx", "1.1.0", "pkg:pypi/snowland-smx@1.1.0", 1)]


def test_requirements_not_crypto() -> None:
    assert rows("requirements.txt", "requests==2.31\nflask>=2\n") == []


def test_requirements_corrupt() -> None:
    assert notes("requirements.txt", "gmssl==3.2.2\n<<<garbage>>>\n") == [
        "manifests: requirements: line 2: not a requirement: <<<garbage>>>"]


PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]

[project]
name = "vendor-app"
version = "1.0"
dependencies = [
    "requests>=2",
    "gmssl==3.2.2",
    "cryptography (>=42)",
]

[project.optional-dependencies]
fast = ["pycryptodomex>=3.20"]

[tool.poetry.dependencies]
python = "^3.11"
"""


def test_pyproject() -> None:
    assert rows("pyproject.toml", PYPROJECT) == [
        ("gmssl (Python)", "3.2.2", "pkg:pypi/gmssl@3.2.2", 9),
        ("pyca/cryptography", ">=42", "pkg:pypi/cryptography", 10),
        ("PyCryptodome", ">=3.20", "pkg:pypi/pycryptodomex", 14),
    ]
    optional = scan("pyproject.toml", PYPROJECT).findings[2]
    assert optional.confidence is Confidence.MEDIUM


POETRY_PROJECT = """\
[tool.poetry]
name = "vendor-app"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.10"
gmssl = "^3.2.1"
pycryptodome = {version = "3.20.0", optional = true}

[tool.poetry.group.dev.dependencies]
bcrypt = "*"
"""


def test_pyproject_poetry() -> None:
    assert rows("pyproject.toml", POETRY_PROJECT) == [
        ("gmssl (Python)", "^3.2.1", "pkg:pypi/gmssl", 7),
        ("PyCryptodome", "3.20.0", "pkg:pypi/pycryptodome@3.20.0", 8),
        ("bcrypt (pyca)", None, "pkg:pypi/bcrypt", 11),
    ]


def test_pyproject_of_a_crypto_library_names_itself() -> None:
    text = '[project]\nname = "gmssl"\nversion = "3.2.2"\ndependencies = []\n'
    assert rows("gmssl-3.2.2/pyproject.toml", text) == [
        ("gmssl (Python)", "3.2.2", "pkg:pypi/gmssl@3.2.2", 2)]


def test_pyproject_corrupt() -> None:
    reasons = notes("pyproject.toml", "[project\nname = 1\n")
    assert len(reasons) == 1 and reasons[0].startswith("manifests: pyproject: TOMLDecodeError")


SETUP_CFG = """\
[metadata]
name = vendor-app

[options]
install_requires =
    requests
    pyOpenSSL>=23.0
[options.extras_require]
sm = gmssl==3.2.2
"""


def test_setup_cfg() -> None:
    assert rows("setup.cfg", SETUP_CFG) == [
        ("pyOpenSSL", ">=23.0", "pkg:pypi/pyopenssl", 7),
        ("gmssl (Python)", "3.2.2", "pkg:pypi/gmssl@3.2.2", 9),
    ]


def test_setup_cfg_corrupt() -> None:
    reasons = notes("setup.cfg", "no section header here\n")
    assert reasons == ["manifests: setup-cfg: File contains no section headers."]


PIPFILE = """\
[[source]]
url = "https://pypi.org/simple"

[packages]
requests = "*"
cryptography = "==42.0.5"
gmssl = {version = ">=3.2"}

[dev-packages]
pynacl = "*"
"""


def test_pipfile() -> None:
    assert rows("Pipfile", PIPFILE) == [
        ("pyca/cryptography", "42.0.5", "pkg:pypi/cryptography@42.0.5", 6),
        ("gmssl (Python)", ">=3.2", "pkg:pypi/gmssl", 7),
        ("PyNaCl", None, "pkg:pypi/pynacl", 10),
    ]


PIPFILE_LOCK = """\
{
    "_meta": {"hash": {"sha256": "00"}},
    "default": {
        "cffi": {"version": "==1.16.0"},
        "cryptography": {
            "hashes": [],
            "version": "==42.0.5"
        }
    },
    "develop": {
        "pycryptodome": {"version": "==3.20.0"}
    }
}
"""


def test_pipfile_lock() -> None:
    assert rows("Pipfile.lock", PIPFILE_LOCK) == [
        ("pyca/cryptography", "42.0.5", "pkg:pypi/cryptography@42.0.5", 5),
        ("PyCryptodome", "3.20.0", "pkg:pypi/pycryptodome@3.20.0", 11),
    ]
    assert notes("Pipfile.lock", "[1, 2]") == ["manifests: pipfile-lock: not a JSON object"]


POETRY_LOCK = """\
[[package]]
name = "cffi"
version = "1.16.0"

[[package]]
name = "cryptography"
version = "42.0.5"

[[package]]
name = "gmssl"
version = "3.2.2"

[[package]]
name = "cryptography"
version = "41.0.0"
"""


def test_poetry_and_uv_lock() -> None:
    expected = [("pyca/cryptography", "42.0.5", "pkg:pypi/cryptography@42.0.5", 6),
                ("gmssl (Python)", "3.2.2", "pkg:pypi/gmssl@3.2.2", 10)]
    assert rows("poetry.lock", POETRY_LOCK) == expected
    assert rows("uv.lock", POETRY_LOCK) == expected
    assert notes("poetry.lock", "x = 1\n") == ["manifests: python-lock: no [[package]] entries"]


METADATA = """\
Metadata-Version: 2.1
Name: gmssl
Version: 3.2.2
Summary: Pure-Python SM2/SM3/SM4 implementation
Requires-Dist: pycryptodomex

Long description: cryptography==1.0 is not a header.
"""


def test_wheel_metadata() -> None:
    assert rows("gmssl-3.2.2-py3-none-any.whl!/gmssl-3.2.2.dist-info/METADATA", METADATA) == [
        ("gmssl (Python)", "3.2.2", "pkg:pypi/gmssl@3.2.2", 2),
        ("PyCryptodome", None, "pkg:pypi/pycryptodomex", 5),
    ]
    assert rows("gmssl-3.2.2.tar.gz!/gmssl-3.2.2/PKG-INFO", METADATA)[0] == \
        ("gmssl (Python)", "3.2.2", "pkg:pypi/gmssl@3.2.2", 2)


def test_metadata_extras_are_medium() -> None:
    text = ("Metadata-Version: 2.1\nName: pyjwt\nVersion: 2.8.0\n"
            "Requires-Dist: cryptography>=3.4.0; extra == \"crypto\"\n")
    found = scan("x.whl!/PyJWT-2.8.0.dist-info/METADATA", text).findings
    assert [(f.library, f.version, f.confidence) for f in found] == [
        ("PyJWT", "2.8.0", Confidence.HIGH),
        ("pyca/cryptography", ">=3.4.0", Confidence.MEDIUM)]


def test_metadata_corrupt() -> None:
    assert notes("x.whl!/a-1.dist-info/METADATA", "\x00\x01binary\n") == [
        "manifests: python-metadata: line 1: not a metadata header"]
