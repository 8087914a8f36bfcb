"""``engine.advance`` for the deployment: the engine's parts for a request are built from this
process's settings (manifest, dataset maps, connectors, holds) around the job's own store."""

from __future__ import annotations

from steward.bootstrap import engine_wiring, load_settings
from steward.jobs.registry import tasks
from steward.services.request_tasks import register_engine_tasks
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store


def _wiring(store: Store, request_id: str) -> RequestEngineWiring:
    return engine_wiring(load_settings(), request_id, store=store)


register_engine_tasks(tasks, _wiring)
