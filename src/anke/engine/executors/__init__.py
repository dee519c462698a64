"""Where a scan's units run: the local process pool (default) or a Dask cluster."""

from __future__ import annotations

import logging

from anke.engine.executors.base import Executor, Unit, merge, run_unit
from anke.engine.executors.dask import ClusterUnreachable, DaskExecutor
from anke.engine.executors.local import LocalExecutor

__all__ = ["ClusterUnreachable", "DaskExecutor", "Executor", "LocalExecutor", "Unit", "connect",
           "merge", "run_unit"]

_log = logging.getLogger("anke")


def connect(cluster: str | None, fallback: str | None, jobs: int) -> Executor:
    """The Dask executor for ``cluster`` when given, else the local pool of ``jobs``.

    An unreachable scheduler raises :class:`ClusterUnreachable`, unless ``fallback`` is
    ``"local"``: the scan then runs on this machine, with a warning.
    """
    if cluster:
        try:
            return DaskExecutor(cluster)
        except ClusterUnreachable as exc:
            if fallback != "local":
                raise
            _log.warning("anke: %s; scanning on this machine instead", exc)
    return LocalExecutor(jobs)
