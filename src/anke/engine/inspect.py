"""Inspect one batch of members: the unit of work a pool worker runs.

A file that is an archive (by its magic bytes) is unpacked into members in memory, and each
member, like every plain file, goes to every detector that handles it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from anke.catalog import load_catalog
from anke.detect.access import AccessDetector
from anke.detect.base import Detection, Detector
from anke.detect.classfile import ClassFileDetector
from anke.detect.constants import ConstantsDetector
from anke.detect.manifests import ManifestsDetector
from anke.detect.material import MaterialDetector
from anke.detect.source_api.detector import SourceDetector, SourceLimits
from anke.detect.symbols import SymbolsDetector
from anke.engine.result_cache import CacheSpec, open_store
from anke.engine.result_codec import decode, encode, pack, unpack
from anke.engine.result_keys import (
    bundle_key,
    bundle_salt,
    detector_digests,
    member_digest,
    plan_key,
    result_key,
    scope,
)
from anke.findings.context import context_of
from anke.findings.model import Finding, Skipped
from anke.inputs.archives import (
    SNIFF_BYTES,
    ArchiveLimits,
    Budget,
    Refused,
    expand,
    sniff,
)
from anke.rules import load_rules


@dataclass(frozen=True)
class InspectOptions:
    """What a worker needs to know besides the members (picklable)."""

    source: SourceLimits = field(default_factory=SourceLimits)
    archives: ArchiveLimits = field(default_factory=ArchiveLimits)
    cache: CacheSpec | None = None  # the store of detector results, None for no cache
    listing: bool = False  # also list every member with its size and SHA-256
    # the workers are elsewhere (a Dask cluster): they open no store, and send the results
    # to store back with their findings, for the driver to store in its own cache
    remote: bool = False


@dataclass(frozen=True)
class Listed:
    """One member as the scan met it: inspected (size and SHA-256) or refused (reason)."""

    path: str
    size: int | None = None
    sha256: str | None = None
    reason: str | None = None


@dataclass
class BatchResult:
    """What a batch gave: findings, skipped members, the members listed and counters."""

    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    listed: list[Listed] = field(default_factory=list)  # only when the options ask for it
    cached: dict[bytes, bytes] = field(default_factory=dict)  # results for the driver to store
    files: int = 0
    bytes: int = 0
    members: int = 0
    parsed: int = 0


@dataclass(frozen=True)
class CacheState:
    """The result store this process uses and what addresses results in it."""

    spec: CacheSpec
    digests: dict[str, bytes]  # detector name -> the digest of what its results depend on
    salt: bytes  # what bundle keys add to a member's bytes and path (result_keys.bundle_salt)


_DETECTORS: tuple[SourceLimits, list[Detector]] | None = None
_CACHE: CacheState | None = None
# Members below this many bytes are detected, not looked up.  Measured: 0, since even a
# 20-150 byte member is answered faster from the cache (two indexed look-ups) than by asking
# seven detectors' ``handles`` and running those that accept it (2,400 such members: 0.30 s
# from a warm cache, 0.51 s without); ``bench/cache_rescan.py --min-bytes`` sweeps it.
CACHE_MIN_BYTES = 0


def prepare(options: InspectOptions) -> list[Detector]:
    """The detectors, built once per process (before the pool forks, so workers share them),
    and the digests that address their results in the cache ``options`` names."""
    global _DETECTORS, _CACHE
    if _DETECTORS is None or _DETECTORS[0] != options.source:
        catalog = load_catalog()
        source = SourceDetector(load_rules(), catalog, options.source)
        source.patterns.prefilter.scan(b"")  # compile now, before any fork
        constants = ConstantsDetector(catalog=catalog)  # its matcher compiles here
        material = MaterialDetector(catalog=catalog)
        material.markers.scan(b"")  # compile now, before any fork
        bytecode = ClassFileDetector(rules=source.rules, catalog=catalog)
        access = AccessDetector()
        access.prefilter.scan(b"")  # compile now, before any fork
        _DETECTORS = (options.source, [source, bytecode, SymbolsDetector(catalog), constants,
                                       material, ManifestsDetector(catalog=catalog), access])
        _CACHE = None
    if options.cache is None:
        _CACHE = None
    elif _CACHE is None or _CACHE.spec != options.cache:
        digests = detector_digests(_DETECTORS[1], repr(options.source))
        _CACHE = CacheState(options.cache, digests, bundle_salt(digests, load_rules().digest))
    return _DETECTORS[1]


def _detect(detector: Detector, path: str, data: bytes, result: BatchResult) -> Detection | None:
    """One detector's result on one member, or None when it failed (listed as skipped)."""
    try:
        return detector.detect(path, data)
    except RecursionError:
        result.skipped.append(Skipped(path=path, reason=f"{detector.name}: nesting too "
                                                        "deep to analyse"))
    except Exception as exc:  # one bad member must not lose the scan
        result.skipped.append(Skipped(
            path=path, reason=f"{detector.name} error ({type(exc).__name__}: {exc})"))
    return None


def refuse(result: BatchResult, path: str, reason: str, listing: bool) -> None:
    """Note a member that was not inspected, in the skipped list and, when asked, the listing."""
    result.skipped.append(Skipped(path=path, reason=reason))
    if listing:
        result.listed.append(Listed(path=path, reason=reason))


def _run(detectors: list[Detector], path: str, data: bytes, result: BatchResult,
         options: InspectOptions) -> None:
    """Every detector that handles the member, each failure contained to itself; results
    are looked up in the result cache first and stored there after (or, ``remote``, handed
    back in ``result.cached`` for the driver to store)."""
    listing, remote = options.listing, options.remote
    cache = _CACHE if _CACHE is not None and len(data) >= CACHE_MIN_BYTES else None
    store = open_store(cache.spec) if cache is not None and not remote else None
    keyed = store is not None or (cache is not None and remote)
    member = member_digest(data) if keyed or listing else b""
    if listing:
        result.listed.append(Listed(path=path, size=len(data), sha256=member.hex()))
    keys: dict[str, bytes] = {}
    stored: dict[bytes, bytes] = {}
    fresh: dict[bytes, bytes] = {}
    plan = bundle = b""
    if cache is None or not keyed:
        handling = [detector for detector in detectors if detector.handles(path, data)]
    else:
        plan = plan_key(member, cache.digests, path)  # which detectors handle it
        bundle = bundle_key(member, cache.salt, path)  # all its results, under unchanged rules
        got = store.get_many([bundle, plan]) if store is not None else {}
        if bundle in got and replay(got[bundle], path, result):
            return
        names = got.get(plan)
        if names is None:
            handling = [detector for detector in detectors if detector.handles(path, data)]
            fresh[plan] = ",".join(d.name for d in handling).encode()
        else:
            wanted = set(names.decode().split(","))
            handling = [detector for detector in detectors if detector.name in wanted]
        keys = {d.name: result_key(member, d, cache.digests[d.name], path, scope(d, path, data))
                for d in handling if d.name in cache.digests}
        stored = store.get_many(keys.values()) if keys and store is not None else {}
    complete = len(keys) == len(handling)  # every result storable so far: bundle them
    before = mark(result)
    for detector in handling:
        key = keys.get(detector.name)
        value = stored.get(key) if key is not None else None
        found = decode(value, path) if value is not None else None
        if found is None:
            found = _detect(detector, path, data, result)
            value = encode(found, path) if found is not None and key is not None else None
            if key is not None and value is not None:
                fresh[key] = value
        complete = complete and value is not None
        if found is not None:
            add_detection(result, path, found)
    if plan and complete:  # keyed, and every result storable
        fresh[bundle] = before.bundle(result)
    if fresh and store is not None:
        store.put_many(fresh)
    elif fresh and remote:
        result.cached.update(fresh)


@dataclass(frozen=True)
class Mark:
    """How far a batch's result went before a member was added to it."""

    findings: int
    skipped: int
    parsed: int

    def bundle(self, result: BatchResult) -> bytes:
        """The bundle of what was added since."""
        return pack(result.findings[self.findings:], result.skipped[self.skipped:],
                    result.parsed - self.parsed)


def mark(result: BatchResult) -> Mark:
    """Where ``result`` stands now (see :meth:`Mark.bundle`)."""
    return Mark(len(result.findings), len(result.skipped), result.parsed)


def replay(bundle: bytes, path: str, result: BatchResult) -> bool:
    """Add the results in a member's bundle; False (and nothing added) when it cannot be
    read."""
    unpacked = unpack(bundle, path)
    if unpacked is None:
        return False
    findings, notes, parsed = unpacked
    result.findings.extend(findings)
    result.skipped.extend(notes)
    result.parsed += parsed
    return True


def add_detection(result: BatchResult, path: str, found: Detection,
                  marked: bool = False) -> None:
    """Add one detector's result on the member at ``path``, its findings marked with the
    member's context (tests, documentation, examples) unless they are ``marked`` already."""
    where = context_of(path) if found.findings and not marked else None
    if where is None:
        result.findings.extend(found.findings)
    else:
        result.findings.extend(finding.model_copy(update={"context": where})
                               for finding in found.findings)
    result.skipped.extend(found.notes)
    result.parsed += int(found.parsed)


def cache_state() -> CacheState | None:
    """The result store this process's detectors use and their digests (after
    :func:`prepare`), or None without a cache."""
    return _CACHE


def inspect_batch(members: list[tuple[str, str, int]], options: InspectOptions) -> BatchResult:
    """Run the detectors over ``(real path, report path, size)`` files and what they hold."""
    detectors = prepare(options)
    result = BatchResult()
    for real, display, size in members:
        result.files += 1
        result.bytes += size
        try:
            with open(real, "rb") as handle:
                kind = sniff(handle.peek(SNIFF_BYTES)[:SNIFF_BYTES])
                if kind is None:
                    data = handle.read()
                else:
                    for item in expand(display, handle, kind, size, Budget(options.archives)):
                        if isinstance(item, Refused):
                            refuse(result, item.path, item.reason, options.listing)
                        else:
                            result.members += 1
                            _run(detectors, item.path, item.data, result, options)
                    continue
        except OSError as exc:
            refuse(result, display, f"cannot read: {exc.strerror}", options.listing)
            continue
        _run(detectors, display, data, result, options)
    return result


def inspect_members(files: list[tuple[str, bytes]], members: list[tuple[str, bytes]],
                    options: InspectOptions) -> BatchResult:
    """Run the detectors over in-memory bytes: whole ``files`` (report path, bytes), expanded
    when they are archives exactly as :func:`inspect_batch` does, and leaf ``members`` that
    the driver already took out of a big archive (counted as members, not files)."""
    from io import BytesIO  # appended function: the module's imports stay as they are

    detectors = prepare(options)
    result = BatchResult()
    for display, data in files:
        result.files += 1
        result.bytes += len(data)
        kind = sniff(data[:SNIFF_BYTES])
        if kind is None:
            _run(detectors, display, data, result, options)
            continue
        for item in expand(display, BytesIO(data), kind, len(data), Budget(options.archives)):
            if isinstance(item, Refused):
                refuse(result, item.path, item.reason, options.listing)
            else:
                result.members += 1
                _run(detectors, item.path, item.data, result, options)
    for path, data in members:
        result.members += 1
        _run(detectors, path, data, result, options)
    return result
