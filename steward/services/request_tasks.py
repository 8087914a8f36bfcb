"""The request engine's task: ``engine.advance`` runs a request's next steps and queues the rest
(``steward.services.request_engine.advance``).

The task is registered with a function that builds the engine's parts for a request from the
store the job runs on (``wiring_for``): the deployment registers it with the composition root's
(``steward.tasks.engine``), tests with their own estate's. A job whose step failed (or that
raised) releases its wiring as broken, so a pooled connector it used is closed, not reused.
"""

from __future__ import annotations

from collections.abc import Callable

from steward.jobs.protocol import TaskContext
from steward.jobs.registry import TaskRegistry
from steward.services.request_engine import ADVANCE, advance
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store

WiringFor = Callable[[Store, str], RequestEngineWiring]
"""(the job's store, request id) -> the engine's parts for that request."""


def register_engine_tasks(registry: TaskRegistry, wiring_for: WiringFor) -> None:
    def run(context: TaskContext, request_id: str, start: int) -> None:
        wired = wiring_for(context.store, request_id)
        broken = True  # until every step of the slice ran without failing
        try:
            ran = advance(
                context.store,
                request_id,
                start,
                wired.connectors,
                wired.holds,
                context.clock,
                context.jobs,
                worker=context.worker,
                stuck_after=wired.stuck_after,
                heartbeat_every=wired.heartbeat_every,
            )
            broken = any(view.status == "failed" for view in ran)
        finally:
            wired.release(broken=broken)

    registry.add(ADVANCE, run, serialised_by="request_id")
