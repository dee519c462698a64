"""Go and Rust manifests: go.mod, go.sum, vendor/modules.txt, Cargo.toml, Cargo.lock."""

from __future__ import annotations

from manifests_helpers import notes, rows, scan

from anke.findings.model import Confidence

GO_MOD = """\
module example.com/bank/teller

go 1.22

require (
	github.com/pkg/errors v0.9.1
	github.com/tjfoc/gmsm v1.4.1
	golang.org/x/crypto v0.24.0 // indirect
)

require github.com/emmansun/gmsm v0.29.1

replace github.com/tjfoc/gmsm => github.com/tjfoc/gmsm v1.4.0
replace example.com/local => ./local
"""


def test_go_mod() -> None:
    assert rows("go.mod", GO_MOD) == [
        ("tjfoc/gmsm", "v1.4.1", "pkg:golang/github.com/tjfoc/gmsm@v1.4.1", 7),
        ("Go x/crypto", "v0.24.0", "pkg:golang/golang.org/x/crypto@v0.24.0", 8),
        ("emmansun/gmsm", "v0.29.1", "pkg:golang/github.com/emmansun/gmsm@v0.29.1", 11),
    ]
    found = scan("go.mod", GO_MOD).findings
    assert found[0].evidence == "require github.com/tjfoc/gmsm v1.4.1"
    assert found[2].evidence == "require github.com/emmansun/gmsm v0.29.1"
    assert found[0].rule == "manifests.go-mod"


def test_go_mod_of_a_crypto_module_names_itself() -> None:
    assert rows("gmsm-2.0/go.mod", "module github.com/emmansun/gmsm/v2\n\ngo 1.21\n") == [
        ("emmansun/gmsm", None, "pkg:golang/github.com/emmansun/gmsm/v2", 1)]


def test_go_mod_corrupt() -> None:
    assert notes("go.mod", "module x\nrequire (\n\tgithub.com/tjfoc/gmsm\n)\n") == [
        "manifests: go-mod: line 3: a requirement needs a module and a version"]
    assert notes("go.mod", "\x7fELF binary") == [
        "manifests: go-mod: line 1: not a go.mod directive"]


GO_SUM = """\
github.com/pkg/errors v0.9.1 h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt4=
github.com/pkg/errors v0.9.1/go.mod h1:bwawxfHBFNV+L2hUp1rHADufV3IMtnDRdf1r5NINEl0=
github.com/tjfoc/gmsm v1.4.0/go.mod h1:j4INPkHWMrhJb38G+J6W4Tw0AbuN8Thu3PbdVYhVcTE=
github.com/tjfoc/gmsm v1.4.1 h1:aMe1GlZb+0bLjn+cKTPEvvn9oUEBlJitaZiiBwsbgho=
github.com/tjfoc/gmsm v1.4.1/go.mod h1:j4INPkHWMrhJb38G+J6W4Tw0AbuN8Thu3PbdVYhVcTE=
golang.org/x/crypto v0.0.0-20201012173705-84dcc777aaee/go.mod h1:LzIPMQfyMNhhGPhUkYOs5KpL4U8=
"""


def test_go_sum() -> None:
    assert rows("go.sum", GO_SUM) == [
        ("tjfoc/gmsm", "v1.4.1", "pkg:golang/github.com/tjfoc/gmsm@v1.4.1", 4)]
    assert notes("go.sum", "github.com/a/b v1.0.0\n") == [
        "manifests: go-sum: line 1: not a go.sum line"]


def test_vendor_modules() -> None:
    text = ("# github.com/tjfoc/gmsm v1.4.1\n## explicit; go 1.14\ngithub.com/tjfoc/gmsm/sm2\n"
            "# golang.org/x/crypto v0.24.0\ngolang.org/x/crypto/sha3\n")
    assert rows("app/vendor/modules.txt", text) == [
        ("tjfoc/gmsm", "v1.4.1", "pkg:golang/github.com/tjfoc/gmsm@v1.4.1", 1),
        ("Go x/crypto", "v0.24.0", "pkg:golang/golang.org/x/crypto@v0.24.0", 4),
    ]


CARGO_TOML = """\
[package]
name = "teller"
version = "0.1.0"

[features]
sm = ["dep:sm4"]

[dependencies]
serde = "1"
sm4 = { version = "0.5", optional = true }
ring = "=0.17.8"
hashing = { package = "sm3", version = "0.4.2" }

[dev-dependencies]
aes-gcm = "0.10"

[target.'cfg(unix)'.dependencies.openssl]
version = "0.10"
"""


def test_cargo_toml() -> None:
    assert rows("Cargo.toml", CARGO_TOML) == [
        ("RustCrypto SM", "0.5", "pkg:cargo/sm4", 10),
        ("ring", "=0.17.8", "pkg:cargo/ring@0.17.8", 11),
        ("RustCrypto SM", "0.4.2", "pkg:cargo/sm3", 12),
        ("RustCrypto", "0.10", "pkg:cargo/aes-gcm", 15),
        ("OpenSSL", "0.10", "pkg:cargo/openssl", 17),
    ]
    found = scan("Cargo.toml", CARGO_TOML).findings
    assert found[3].confidence is Confidence.MEDIUM
    assert found[0].evidence == 'sm4 = "0.5"'


def test_cargo_toml_corrupt() -> None:
    assert notes("Cargo.toml", "[dependencies]\nsm4 = 5\n") == [
        "manifests: cargo-toml: [dependencies] sm4: not a version or a table"]


CARGO_LOCK = """\
version = 3

[[package]]
name = "libc"
version = "0.2.155"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "ring"
version = "0.17.8"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "sm4"
version = "0.5.1"
"""


def test_cargo_lock() -> None:
    assert rows("Cargo.lock", CARGO_LOCK) == [
        ("ring", "0.17.8", "pkg:cargo/ring@0.17.8", 9),
        ("RustCrypto SM", "0.5.1", "pkg:cargo/sm4@0.5.1", 14),
    ]
    assert notes("Cargo.lock", "version = 3\n") == [
        "manifests: cargo-lock: no [[package]] entries"]
