"""Score anke's findings per package against the benchmark truth (``truth.json``).

Per package folder: the algorithms anke reports for files under that folder, mapped to the
catalog's canonical names, against the truth list, whose names are mapped the same way.  A
truth name the catalog does not know as an algorithm is a family name ("SHA3", "BLAKE2",
"SHAKE"): any reported algorithm whose catalog family folds to the same key matches it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from anke.catalog import load_catalog
from anke.catalog.index import Catalog, fold

STRONG = frozenset({"high", "medium"})
# A generic umbrella name reported by a detector is not false when the truth has one of these.
GENERIC: dict[str, frozenset[str]] = {
    "EC": frozenset({"ECDSA", "ECDH", "ECIES"}),
}
_VERSION = re.compile(r"^(?P<name>.+?)-(?P<version>\d[^-]*)$")

Finding = dict[str, Any]


def package_name(folder: str) -> str:
    """The folder name without its version: ``pypi-paramiko-5.1.0`` -> ``pypi-paramiko``."""
    match = _VERSION.match(folder)
    return match.group("name") if match else folder


def truth_key(name: str) -> str:
    """The truth.json key of a scanned folder or package file.

    ``pypi-paramiko-5.1.0`` -> ``pypi-paramiko``; a Debian package file
    ``libssl3_3.0.20-1~deb12u2_amd64.deb`` -> ``deb-libssl3`` (the folder name the corpus
    builder gives the same package unpacked).
    """
    if name.endswith(".deb"):
        return "deb-" + name.split("_", 1)[0]
    return package_name(name)


@dataclass(frozen=True)
class Truth:
    """One package's truth entry, resolved against the catalog."""

    key: str
    kind: str
    names: tuple[str, ...]  # as written in truth.json
    canonical: dict[str, str]  # truth name -> catalog canonical name (algorithm names)
    families: dict[str, str]  # truth name -> folded family key (names the catalog lacks)
    extra: frozenset[str] = frozenset()  # canonical names of truth-additions.json (not false)

    @property
    def source(self) -> bool:
        return not self.kind.startswith("binary")


def load_additions(path: Path, catalog: Catalog) -> dict[str, frozenset[str]]:
    """Algorithms a package really has that truth.json omits, each with its evidence.

    They never count towards recall (the denominator stays truth.json's); they only keep
    a correct finding from being scored as a false algorithm.
    """
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    out: dict[str, frozenset[str]] = {}
    for key, entries in data.items():
        if key.startswith("_"):
            continue
        names = set()
        for entry in entries:
            algo = catalog.algorithm(entry["algorithm"])
            names.add(algo.name if algo is not None else entry["algorithm"])
        out[package_name(key)] = frozenset(names)
    return out


def load_truth(path: Path, catalog: Catalog, additions: Path | None = None) -> dict[str, Truth]:
    """Every package of ``truth.json``, keyed by package name without version."""
    extra = load_additions(additions, catalog) if additions is not None else {}
    data = json.loads(path.read_text())
    out: dict[str, Truth] = {}
    for key, entry in data.items():
        if key.startswith("_"):
            continue
        names = tuple(entry["algorithms"])
        canonical: dict[str, str] = {}
        families: dict[str, str] = {}
        for name in names:
            algo = catalog.algorithm(name)
            if algo is not None:
                canonical[name] = algo.name
                if fold(algo.name) == fold(algo.family):  # a family entry ("SHA3" -> SHA-3)
                    families[name] = fold(algo.family)
            else:
                families[name] = fold(name)
        out[package_name(key)] = Truth(key, entry["kind"], names, canonical, families,
                                       extra.get(package_name(key), frozenset()))
    return out


@dataclass
class FalseAlgorithm:
    """A reported algorithm that matches no truth name, with one example finding."""

    algorithm: str
    findings: int
    example: Finding
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        ex = self.example
        return {
            "algorithm": self.algorithm,
            "findings": self.findings,
            "note": self.note,
            "example": {
                k: ex.get(k) for k in ("path", "line", "rule", "detector", "confidence", "evidence")
            },
        }


@dataclass
class PackageScore:
    """Recall and false algorithms of one package."""

    folder: str
    truth_key: str
    kind: str
    truth: list[str]
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    found_with_low: list[str] = field(default_factory=list)
    reported: list[str] = field(default_factory=list)
    false: list[FalseAlgorithm] = field(default_factory=list)
    false_low_only: list[FalseAlgorithm] = field(default_factory=list)
    findings: int = 0

    @property
    def source(self) -> bool:
        return not self.kind.startswith("binary")

    @property
    def recall(self) -> float:
        return len(self.found) / len(self.truth) if self.truth else 0.0

    @property
    def recall_with_low(self) -> float:
        return len(self.found_with_low) / len(self.truth) if self.truth else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "folder": self.folder,
            "truth_key": self.truth_key,
            "kind": self.kind,
            "findings": self.findings,
            "truth": self.truth,
            "recall": round(self.recall, 4),
            "recall_with_low": round(self.recall_with_low, 4),
            "found": self.found,
            "missed": self.missed,
            "found_only_with_low": sorted(set(self.found_with_low) - set(self.found)),
            "reported": self.reported,
            "false": [f.as_json() for f in self.false],
            "false_low_only": [f.as_json() for f in self.false_low_only],
        }


_CONF_RANK = {"high": 0, "medium": 1, "low": 2}


def _best(findings: list[Finding]) -> Finding:
    return min(findings, key=lambda f: (_CONF_RANK.get(f["confidence"], 3), f["path"], f["line"]))


class Scorer:
    """Map reported names through the catalog and compare them with one package's truth."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def canonical(self, name: str) -> str:
        algo = self.catalog.algorithm(name)
        return algo.name if algo else name

    def family_key(self, name: str) -> str:
        algo = self.catalog.algorithm(name)
        return fold(algo.family) if algo else fold(name)

    def matches(self, reported: str, truth: Truth) -> list[str]:
        """The truth names the canonical ``reported`` algorithm satisfies."""
        hits = [n for n, c in truth.canonical.items() if c == reported]
        fam = self.family_key(reported)
        hits += [n for n, key in truth.families.items() if key == fam]
        return hits

    def not_false(self, reported: str, truth: Truth) -> bool:
        if self.matches(reported, truth) or reported in truth.extra:
            return True
        generic = GENERIC.get(reported)
        return bool(generic and generic & set(truth.canonical.values()))

    def note(self, reported: str, truth: Truth) -> str:
        """Why a false algorithm may be close: it shares a catalog family with a truth one."""
        if self.catalog.algorithm(reported) is None:
            return "not a catalog algorithm"
        fam = self.family_key(reported)
        same = sorted({c for c in truth.canonical.values() if self.family_key(c) == fam})
        return f"same family as truth {', '.join(same)}" if same else ""

    def score(self, folder: str, truth: Truth, findings: list[Finding]) -> PackageScore:
        by_algo: dict[str, list[Finding]] = defaultdict(list)
        by_algo_strong: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            if not f.get("algorithm"):
                continue
            name = self.canonical(f["algorithm"])
            by_algo[name].append(f)
            if f.get("confidence") in STRONG:
                by_algo_strong[name].append(f)
        result = PackageScore(folder, truth.key, truth.kind, list(truth.names))
        result.findings = len(findings)
        result.reported = sorted(by_algo_strong)
        strong_hits = {h for a in by_algo_strong for h in self.matches(a, truth)}
        all_hits = {h for a in by_algo for h in self.matches(a, truth)}
        result.found = [n for n in truth.names if n in strong_hits]
        result.missed = [n for n in truth.names if n not in strong_hits]
        result.found_with_low = [n for n in truth.names if n in all_hits]
        for algo in sorted(by_algo):
            if self.not_false(algo, truth):
                continue
            strong = by_algo_strong.get(algo, [])
            entry = FalseAlgorithm(
                algo,
                len(strong) if strong else len(by_algo[algo]),
                _best(strong or by_algo[algo]),
                self.note(algo, truth),
            )
            (result.false if strong else result.false_low_only).append(entry)
        return result


def group_by_folder(findings: list[Finding], single: str | None) -> dict[str, list[Finding]]:
    """Findings per top-level corpus folder (``single``: the one folder scanned alone)."""
    out: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        folder = single if single else f["path"].split("!/", 1)[0].split("/", 1)[0]
        out[folder].append(f)
    return out


def algorithm_census(findings: list[Finding], scorer: Scorer) -> list[FalseAlgorithm]:
    """Every algorithm reported (all confidences), with counts and one example: for corpora
    without truth, such as the sparse one, where each is a candidate false positive."""
    by_algo: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.get("algorithm"):
            by_algo[scorer.canonical(f["algorithm"])].append(f)
    census = []
    for algo, items in sorted(by_algo.items(), key=lambda kv: -len(kv[1])):
        confs: dict[str, int] = defaultdict(int)
        for f in items:
            confs[f["confidence"]] += 1
        note = " ".join(f"{c}={confs[c]}" for c in ("high", "medium", "low") if confs[c])
        census.append(FalseAlgorithm(algo, len(items), _best(items), note))
    return census


def make_scorer() -> Scorer:
    return Scorer(load_catalog())
