"""Answering units from the result cache in the driver, so that only misses travel.

On a rescan most members are unchanged.  The driver reads each plain file of a unit (and
takes each member it expanded from a big archive), hashes it, and asks the store, in one
query per unit, for each member's bundle: all its results together, under unchanged rules.
What no bundle answers (after a rule change, say) is asked the long way, in two more
queries: which detectors handle each member, then what each of them said; a member answered
so gets its bundle back for the next scan.  A member whose every result is stored is
answered here, exactly as a worker would have answered it (the same decoding, the same
context marks); the others form a smaller unit for the executor, whose workers look them up
again (misses, cheaply), inspect them and store the results.  Archives inside batches go to
the workers whole: they look their members up themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from anke.detect.base import Detector
from anke.engine.executors.base import Held, Located, Unit
from anke.engine.inspect import (
    BatchResult,
    InspectOptions,
    Listed,
    add_detection,
    cache_state,
    mark,
    prepare,
    replay,
)
from anke.engine.result_cache import ResultStore, open_store
from anke.engine.result_codec import decode, empty
from anke.engine.result_keys import bundle_key, member_digest, plan_key, result_key, scope
from anke.findings.context import context_of
from anke.inputs.archives import SNIFF_BYTES, sniff


@dataclass
class _Candidate:
    path: str
    data: bytes
    file: Located | None  # the file it was read from, None for a member the driver holds
    digest: bytes = b""
    plan: bytes = b""
    bundle: bytes = b""


def _read(item: Located) -> bytes | None:
    """A plain file's bytes, or None for an archive or a file that cannot be read (the
    worker handles both as in any scan)."""
    try:
        with open(item[0], "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    return None if sniff(data[:SNIFF_BYTES]) is not None else data


def answer(unit: Unit, options: InspectOptions) -> tuple[BatchResult, Unit | None]:
    """What the cache already knows of ``unit``, and the unit of what it does not (None
    when it knows everything)."""
    detectors = prepare(options)
    state = cache_state()
    store = open_store(state.spec) if state is not None else None
    if state is None or store is None:
        return BatchResult(), unit
    candidates: list[_Candidate] = []
    files_left: list[Located] = []
    for item in unit.files:
        data = _read(item)
        if data is None:
            files_left.append(item)
        else:
            candidates.append(_Candidate(item[1], data, item))
    candidates.extend(_Candidate(path, data, None) for path, data in unit.members)
    for candidate in candidates:
        candidate.digest = member_digest(candidate.data)
        candidate.bundle = bundle_key(candidate.digest, state.salt, candidate.path)
    bundles = store.get_many([c.bundle for c in candidates]) if candidates else {}
    result = BatchResult()
    rest: list[_Candidate] = []
    for candidate in candidates:
        bundle = bundles.get(candidate.bundle)
        if bundle is None or not replay(bundle, candidate.path, result):
            rest.append(candidate)
        else:
            _count(result, candidate, options.listing)
    members_left: list[Held] = []
    for candidate in _answer_by_detector(result, rest, detectors, state.digests, store,
                                         options.listing):
        if candidate.file is None:
            members_left.append((candidate.path, candidate.data))
        else:
            files_left.append(candidate.file)
    if not files_left and not members_left and not unit.blobs:
        return result, None
    return result, Unit(weight=unit.weight, files=tuple(files_left), blobs=unit.blobs,
                        members=tuple(members_left))


def _answer_by_detector(result: BatchResult, candidates: list[_Candidate],
                        detectors: list[Detector], digests: dict[str, bytes],
                        store: ResultStore, listing: bool) -> list[_Candidate]:
    """Answer ``candidates`` from their plans and each detector's stored result, store the
    bundle of each answered one, and return those not answered."""
    if not candidates:
        return candidates
    for candidate in candidates:
        candidate.plan = plan_key(candidate.digest, digests, candidate.path)
    plans = store.get_many([c.plan for c in candidates])
    wanted: dict[int, list[bytes]] = {}  # candidate -> its result keys, in detector order
    for index, candidate in enumerate(candidates):
        names = plans.get(candidate.plan)
        if names is None:
            continue
        chosen = set(names.decode().split(",")) - {""}
        keys = [result_key(candidate.digest, d, digests[d.name], candidate.path,
                           scope(d, candidate.path, candidate.data))
                for d in detectors if d.name in chosen and d.name in digests]
        if len(keys) == len(chosen):
            wanted[index] = keys
    stored = store.get_many([k for keys in wanted.values() for k in keys]) if wanted else {}
    left: list[_Candidate] = []
    bundles: dict[bytes, bytes] = {}
    for index, candidate in enumerate(candidates):
        values = [stored[k] for k in wanted.get(index, ()) if k in stored]
        before = mark(result)
        if (index in wanted and len(values) == len(wanted[index])
                and _answered(result, candidate, values)):
            bundles[candidate.bundle] = before.bundle(result)
            _count(result, candidate, listing)
        else:
            left.append(candidate)
    if bundles:
        store.put_many(bundles)
    return left


def _answered(result: BatchResult, candidate: _Candidate, values: list[bytes]) -> bool:
    """Add the candidate's stored results to ``result``; False (and nothing added) when
    any of them cannot be read."""
    path = candidate.path
    where = None if all(empty(value) for value in values) else context_of(path)
    found = []
    for value in values:
        detection = decode(value, path, where)
        if detection is None:
            return False
        found.append(detection)
    for detection in found:
        add_detection(result, path, detection, marked=True)  # decoded with their context
    return True


def _count(result: BatchResult, candidate: _Candidate, listing: bool) -> None:
    """Count an answered candidate as a file or a member, and list it when asked."""
    if candidate.file is None:
        result.members += 1
    else:
        result.files += 1
        result.bytes += candidate.file[2]
    if listing:
        result.listed.append(Listed(path=candidate.path, size=len(candidate.data),
                                    sha256=candidate.digest.hex()))
