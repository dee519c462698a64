"""What a cached result is addressed by: the member's bytes, the detector, what judged them.

The key of one detector's result on one member is the SHA-256 of

* the SHA-256 of the member's bytes;
* the detector's name and a digest of exactly what it depends on: the anke version, the code
  of the detectors and of the findings, the data files of its own package
  (``anke/detect/<package>/data``), the catalog's digest when it uses the catalog, and the
  source limits for ``source-api``;
* the detector's *scope* on the member, when it has one (``cache_scope``): the digest of the
  rule files of the member's language for ``source-api``, of the Java rule files for
  ``bytecode``; a detector with rules but no scope is keyed by the whole rule set;
* the part of the member's path the detector looks at (its *path view*): the base name for
  the detectors that only look at a suffix or a name, the base name and the format the path
  names for ``manifests`` and ``material`` (whose formats may match whole-path globs), the
  path inside the innermost archive for ``access`` (whose file kinds match globs on it), and
  the whole path for any other detector.

Which detectors handle a member is stored too, under the member's bytes, every detector's
digest and its whole path (:func:`plan_key`), so a rescan asks no detector's ``handles``.
And all of a member's results are stored once more together, as one *bundle* under its bytes,
its whole path, every detector's digest and the digest of the whole rule set
(:func:`bundle_key`): an unchanged member under
unchanged rules is then answered by one look-up.  A rule change misses every bundle, and the
per-detector keys above still answer exactly what the change did not affect.

So the same bytes under another directory or archive name hit, and a changed rule file
invalidates the results of ``source-api`` on the files of its own languages only (and of
``bytecode`` when it is a Java file); a changed constants table those of ``constants`` only.
That is exact because the source prefilter's name patterns come from the catalog, and the
anchors of other languages' rules are neither counted against its hit limit nor looked at.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from anke import __version__
from anke.detect.base import Detector

_ANKE = Path(__file__).resolve().parent.parent  # the anke package
_CODE = ("detect", "findings", "rules", "catalog")  # whose Python code shapes results


def base_name(path: str) -> str:
    """The last component of a report path (``a.zip!/b/C.class`` -> ``C.class``)."""
    return path.rsplit("!/", 1)[-1].rsplit("/", 1)[-1]


def _named_format(detector: Detector, path: str) -> str:
    formats = getattr(detector, "formats", None)
    if formats is not None:
        return f"{base_name(path)}\x00{formats.match(path)}"
    tables = getattr(detector, "tables", None)
    if tables is not None and hasattr(tables, "file_format"):
        return f"{base_name(path)}\x00{tables.file_format(path)}"
    return path


_VIEWS: dict[str, Callable[[Detector, str], str]] = {
    "source-api": lambda _d, p: base_name(p),
    "bytecode": lambda _d, p: base_name(p),
    "constants": lambda _d, p: base_name(p),
    "symbols": lambda _d, p: base_name(p),
    "manifests": _named_format,
    "material": _named_format,
    "access": lambda _d, p: p.rsplit("!/", 1)[-1],
}


def path_view(detector: Detector, path: str) -> str:
    """The part of ``path`` that can change what ``detector`` finds (see the module doc)."""
    view = _VIEWS.get(detector.name)
    return path if view is None else view(detector, path)


def _code_digest() -> bytes:
    digest = hashlib.sha256(__version__.encode())
    for package in _CODE:
        for file in sorted((_ANKE / package).rglob("*.py")):
            digest.update(str(file.relative_to(_ANKE)).encode() + b"\x00")
            digest.update(file.read_bytes())
    return digest.digest()


def _data_digest(detector: Detector) -> bytes:
    """The digest of the data files shipped in the detector's own package."""
    module = type(detector).__module__
    package = _ANKE.parent.joinpath(*module.split(".")[:-1])
    digest = hashlib.sha256()
    data = package / "data"
    if data.is_dir():
        for file in sorted(p for p in data.rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(data)).encode() + b"\x00")
            digest.update(file.read_bytes())
    return digest.digest()


def rules_digest(detector: Detector) -> str:
    """The digest of the rule set the detector uses ("" when it uses none, or when its
    :func:`scope` names the part of the rules that judged each member)."""
    rules = getattr(detector, "rules", None)
    if rules is None or hasattr(detector, "cache_scope"):
        return ""
    return str(getattr(rules, "digest", ""))


def scope(detector: Detector, path: str, data: bytes) -> str:
    """What of its data judged this member, for a detector that says (``cache_scope``)."""
    narrow = getattr(detector, "cache_scope", None)
    return "" if narrow is None else str(narrow(path, data))


def catalog_digest(detector: Detector) -> str:
    """The digest of the catalog the detector uses ("" when it uses none)."""
    catalog = getattr(detector, "catalog", None)
    return "" if catalog is None else str(getattr(catalog, "digest", ""))


def detector_digests(detectors: list[Detector], settings: str = "") -> dict[str, bytes]:
    """Each detector's name -> the digest of everything its results depend on.

    ``settings`` is added for ``source-api`` (its limits change what it reports).
    """
    code = _code_digest()
    digests: dict[str, bytes] = {}
    for detector in detectors:
        digest = hashlib.sha256(code)
        kind = type(detector)
        for part in (detector.name, f"{kind.__module__}.{kind.__qualname__}",
                     rules_digest(detector), catalog_digest(detector),
                     settings if detector.name == "source-api" else ""):
            digest.update(part.encode("utf-8") + b"\x00")
        digest.update(_data_digest(detector))
        digests[detector.name] = digest.digest()
    return digests


def member_digest(data: bytes) -> bytes:
    """The SHA-256 of a member's bytes."""
    return hashlib.sha256(data).digest()


def result_key(member: bytes, detector: Detector, digest: bytes, path: str,
               narrowed: str = "") -> bytes:
    """The key of ``detector``'s result on the member whose bytes hash to ``member``, judged
    by the part ``narrowed`` (:func:`scope`) of its data."""
    view = path_view(detector, path).encode("utf-8", "surrogatepass")
    return hashlib.sha256(member + digest + detector.name.encode() + b"\x00" + view
                          + b"\x00" + narrowed.encode()).digest()


def plan_key(member: bytes, digests: dict[str, bytes], path: str) -> bytes:
    """The key of the list of detectors that handle a member (by its bytes and whole path)."""
    digest = hashlib.sha256(member + b"plan\x00")
    for name in sorted(digests):
        digest.update(name.encode() + b"\x00" + digests[name])
    digest.update(path.encode("utf-8", "surrogatepass"))
    return digest.digest()



def bundle_salt(digests: dict[str, bytes], rules: str) -> bytes:
    """What a bundle's key adds to a member's bytes and path: every detector's digest and
    the digest of the whole rule set (of which every detector's scope is a part)."""
    digest = hashlib.sha256(b"bundle\x00")
    for name in sorted(digests):
        digest.update(name.encode() + b"\x00" + digests[name])
    digest.update(rules.encode())
    return digest.digest()


def bundle_key(member: bytes, salt: bytes, path: str) -> bytes:
    """The key of all of a member's results together: its bytes, its whole path and the
    :func:`bundle_salt` of the detectors and rules that judged it."""
    return hashlib.sha256(member + salt + path.encode("utf-8", "surrogatepass")).digest()
