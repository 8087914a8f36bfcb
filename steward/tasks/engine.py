"""``engine.advance`` for the deployment: the engine's parts for a request are built from this
process's settings (manifest, dataset maps, connectors, holds) around the job's own store.

A worker process keeps what does not change from job to job: the settings (read again when a
``STEWARD_*`` variable changes) and the connectors to the organisation's systems, lent to one
job at a time by a ``ConnectorPool`` and closed when the process ends."""

from __future__ import annotations

import atexit
import os

from steward.bootstrap import engine_wiring, load_settings
from steward.config import PREFIX, Settings
from steward.connectors.pool import ConnectorPool
from steward.jobs.registry import tasks
from steward.services.request_tasks import register_engine_tasks
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store

POOL = ConnectorPool()
atexit.register(POOL.close)
_SETTINGS: dict[tuple[tuple[str, str], ...], Settings] = {}


def settings_now() -> Settings:
    """This process's settings, read again only when a ``STEWARD_*`` variable has changed."""
    state = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(PREFIX)))
    found = _SETTINGS.get(state)
    if found is None:
        found = load_settings()
        _SETTINGS.clear()
        _SETTINGS[state] = found
    return found


def _wiring(store: Store, request_id: str) -> RequestEngineWiring:
    return engine_wiring(settings_now(), request_id, store=store, pool=POOL)


register_engine_tasks(tasks, _wiring)
