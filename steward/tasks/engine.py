"""``engine.advance`` for the deployment: the engine's parts for a request are built from this
process's settings (manifest, dataset maps, connectors, holds) around the job's own store.

A worker process keeps what does not change from job to job: the settings (read again when a
``STEWARD_*`` variable changes) and the connectors to the organisation's systems, lent to one
job at a time by a ``ConnectorPool`` and closed when the process ends."""

from __future__ import annotations

import atexit

from steward.bootstrap import engine_wiring, settings_now
from steward.connectors.pool import ConnectorPool
from steward.jobs.registry import tasks
from steward.services.request_tasks import register_engine_tasks
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store

POOL = ConnectorPool()
atexit.register(POOL.close)


def _wiring(store: Store, request_id: str) -> RequestEngineWiring:
    return engine_wiring(settings_now(), request_id, store=store, pool=POOL)


register_engine_tasks(tasks, _wiring)
