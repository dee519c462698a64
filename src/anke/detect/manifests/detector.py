"""The ``manifests`` detector: dependencies on cryptographic libraries, declared in the
manifests and lock files of every ecosystem, as ``library`` findings.

Stage one is the member's base name (``formats.yaml``). Stage two parses the manifest with
its format's parser into declarations (the package itself and what it depends on), maps
each through the catalog's libraries, and reports those that are cryptographic libraries,
with the version as written and a package URL that names the origin.
"""

from __future__ import annotations

from collections.abc import Callable

from anke.catalog import Catalog, load_catalog
from anke.catalog.index import package_key
from anke.detect.base import Detection
from anke.detect.manifests import cargo, debian, dotnet, golang, gradle, maven, node, python
from anke.detect.manifests.declaration import Declaration, ManifestError, check_count, one_line
from anke.detect.manifests.formats import FormatTable, load_formats
from anke.detect.manifests.purl import build_purl
from anke.errors import DataFileError
from anke.findings.model import Finding, FindingKind, Skipped

DETECTOR = "manifests"
MAX_BYTES = 32 << 20  # manifests larger than this are not read
MAX_EVIDENCE = 200

Parser = Callable[[bytes], list[Declaration]]

PARSERS: dict[str, Parser] = {
    "requirements": python.parse_requirements,
    "pyproject": python.parse_pyproject,
    "setup-cfg": python.parse_setup_cfg,
    "pipfile": python.parse_pipfile,
    "pipfile-lock": python.parse_pipfile_lock,
    "python-lock": python.parse_python_lock,
    "python-metadata": python.parse_metadata,
    "package-json": node.parse_package_json,
    "package-lock": node.parse_package_lock,
    "yarn-lock": node.parse_yarn_lock,
    "pnpm-lock": node.parse_pnpm_lock,
    "pom": maven.parse_pom,
    "pom-properties": maven.parse_pom_properties,
    "gradle": gradle.parse_gradle,
    "gradle-catalog": gradle.parse_version_catalog,
    "go-mod": golang.parse_go_mod,
    "go-sum": golang.parse_go_sum,
    "go-vendor": golang.parse_vendor_modules,
    "cargo-toml": cargo.parse_cargo_toml,
    "cargo-lock": cargo.parse_cargo_lock,
    "msbuild": dotnet.parse_msbuild,
    "packages-config": dotnet.parse_packages_config,
    "nuspec": dotnet.parse_nuspec,
    "deps-json": dotnet.parse_deps_json,
    "debian-control": debian.parse_control,
}


class ManifestsDetector:
    """Declared dependencies on cryptographic libraries, with version and origin."""

    name = DETECTOR

    def __init__(self, catalog: Catalog | None = None,
                 formats: FormatTable | None = None) -> None:
        self.catalog = catalog or load_catalog()
        self.formats = formats or load_formats()
        unknown = self.formats.formats() - PARSERS.keys()
        if unknown:
            raise DataFileError("manifests formats.yaml", "formats",
                                f"no parser for format {sorted(unknown)[0]!r}")

    def handles(self, path: str, head: bytes) -> bool:
        """Whether the member's name is a manifest's (the bytes are not looked at)."""
        return self.formats.match(path) is not None

    def detect(self, path: str, data: bytes) -> Detection:
        """Library findings for the crypto libraries one manifest declares."""
        fmt = self.formats.match(path)
        if fmt is None:
            return Detection()
        if len(data) > MAX_BYTES:
            return Detection(notes=[_note(path, fmt, f"larger than {MAX_BYTES >> 20} MiB, "
                                                     "not read")])
        try:
            declarations = PARSERS[fmt](data)
            check_count(declarations)
        except ManifestError as exc:
            return Detection(notes=[_note(path, fmt, str(exc))], parsed=True)
        except RecursionError:
            return Detection(notes=[_note(path, fmt, "nested too deep")], parsed=True)
        except Exception as exc:  # a corrupt manifest must never stop a scan
            return Detection(notes=[_note(path, fmt, f"{type(exc).__name__}: {exc}")],
                             parsed=True)
        return Detection(self._findings(path, fmt, declarations), parsed=True)

    def _findings(self, path: str, fmt: str, declarations: list[Declaration]) -> list[Finding]:
        rule = f"{DETECTOR}.{fmt}"
        findings: list[Finding] = []
        seen: set[tuple[str, str]] = set()
        for item in declarations:
            library = self.catalog.library(item.ecosystem, item.name)
            if library is None:
                continue
            key = (item.ecosystem, package_key(item.ecosystem, item.name))
            if key in seen:
                continue
            line = item.line() if callable(item.line) else item.line
            same_line = (library.name, str(line))  # alternatives: ``libssl3 | libssl1.1``
            if line is not None and same_line in seen:
                continue
            seen.update((key, same_line))
            evidence = one_line(item.evidence, MAX_EVIDENCE)
            findings.append(Finding(
                id=Finding.make_id(rule, path, line, None, evidence, None),
                detector=DETECTOR, rule=rule, kind=FindingKind.LIBRARY, path=path,
                line=line, evidence=evidence, confidence=item.confidence,
                library=library.name, version=item.version,
                purl=build_purl(item.ecosystem, item.name, item.pinned)))
        return findings


def _note(path: str, fmt: str, reason: str) -> Skipped:
    return Skipped(path=path, reason=f"{DETECTOR}: {fmt}: {one_line(reason, 200)}")
