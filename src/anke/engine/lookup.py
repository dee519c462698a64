"""Answering units from the result cache in the driver, so that only misses travel.

On a rescan most members are unchanged.  The driver reads each plain file of a unit (and
takes each member it expanded from a big archive), hashes it, and asks the store, in one
query per unit, which detectors handle each member, then, in a second query, what each of
them said.  A member whose every result is stored is answered here, exactly as a worker
would have answered it (the same decoding, the same context marks); the others form a
smaller unit for the executor, whose workers look them up again (misses, cheaply), inspect
them and store the results.  Archives inside batches go to the workers whole: they look
their members up themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from anke.engine.executors.base import Held, Located, Unit
from anke.engine.inspect import (
    BatchResult,
    InspectOptions,
    Listed,
    add_detection,
    cache_state,
    prepare,
)
from anke.engine.result_cache import open_store
from anke.engine.result_codec import decode
from anke.engine.result_keys import member_digest, plan_key, result_key, scope
from anke.findings.context import context_of
from anke.inputs.archives import SNIFF_BYTES, sniff


@dataclass
class _Candidate:
    path: str
    data: bytes
    file: Located | None  # the file it was read from, None for a member the driver holds
    digest: bytes = b""
    plan: bytes = b""


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
    store = open_store(state[0]) if state is not None else None
    if state is None or store is None:
        return BatchResult(), unit
    digests = state[1]
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
        candidate.plan = plan_key(candidate.digest, digests, candidate.path)
    plans = store.get_many([c.plan for c in candidates]) if candidates else {}
    wanted: dict[int, dict[str, bytes]] = {}  # candidate -> detector name -> result key
    for index, candidate in enumerate(candidates):
        names = plans.get(candidate.plan)
        if names is None:
            continue
        chosen = set(names.decode().split(","))
        keys = {d.name: result_key(candidate.digest, d, digests[d.name], candidate.path,
                                   scope(d, candidate.path, candidate.data))
                for d in detectors if d.name in chosen and d.name in digests}
        if len(keys) == len(chosen - {""}):
            wanted[index] = keys
    stored = store.get_many([k for keys in wanted.values() for k in keys.values()]) \
        if wanted else {}
    result = BatchResult()
    members_left: list[Held] = []
    for index, candidate in enumerate(candidates):
        if not _answered(result, candidate, wanted.get(index), stored, options.listing):
            if candidate.file is None:
                members_left.append((candidate.path, candidate.data))
            else:
                files_left.append(candidate.file)
    if not files_left and not members_left and not unit.blobs:
        return result, None
    return result, Unit(weight=unit.weight, files=tuple(files_left), blobs=unit.blobs,
                        members=tuple(members_left))


def _answered(result: BatchResult, candidate: _Candidate, keys: dict[str, bytes] | None,
              stored: dict[bytes, bytes], listing: bool) -> bool:
    """Add the candidate's stored results to ``result``; False when any is missing."""
    if keys is None:
        return False
    path = candidate.path
    where = context_of(path)
    found = []
    for key in keys.values():
        value = stored.get(key)
        detection = decode(value, path, where) if value is not None else None
        if detection is None:
            return False
        found.append(detection)
    if candidate.file is None:
        result.members += 1
    else:
        result.files += 1
        result.bytes += candidate.file[2]
    if listing:
        result.listed.append(Listed(path=path, size=len(candidate.data),
                                    sha256=candidate.digest.hex()))
    for detection in found:
        add_detection(result, path, detection, marked=True)  # decoded with their context
    return True
