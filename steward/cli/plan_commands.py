"""``steward request plan|approve|run``: plan a request across the systems, approve it, run it.

Thin (DESIGN.md §5 item 2): each command parses, calls one service of
``steward.services.request_engine`` and renders. The composition root supplies what the service
needs (``RequestEngineWiring``); the lead wires ``register_into`` into the ``request`` group.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from datetime import datetime

import typer

from steward.cli.progress import PhaseProgressBar
from steward.errors import ConfigError
from steward.requests.outcome import StepAction
from steward.services.request_engine import (
    DryRun,
    PlanView,
    StepView,
    approve,
    dry_run,
    make_plan,
    queue_run,
    show_plan,
)
from steward.services.request_reports import STUCK_AFTER
from steward.services.request_wiring import RequestEngineWiring

Wiring = Callable[[str], RequestEngineWiring]
"""Builds the engine's parts for one request (its holds depend on whose request it is)."""


def register_into(request_app: typer.Typer, wiring: Wiring) -> None:
    """Add ``plan``, ``approve`` and ``run`` to the ``request`` command group."""

    @request_app.command("plan")
    def plan_command(
        request_id: str = typer.Argument(..., help="The request's id."),
        dry_run_: bool = typer.Option(
            False, "--dry-run", help="Also search each system (read only) and count records."
        ),
    ) -> None:
        """Plan the request across the systems and show the steps (changes nothing)."""
        wired = wiring(request_id)
        try:
            view = make_plan(wired.store, wired.subject(request_id), wired.maps, wired.systems,
                             actor=wired.actor)  # fmt: skip
            typer.echo(render_plan(view))
            if dry_run_:
                report = dry_run(wired.store, request_id, wired.connectors, wired.holds,
                                 wired.clock().date())  # fmt: skip
                typer.echo(render_dry_run(report))
        finally:
            wired.close()

    @request_app.command("approve")
    def approve_command(request_id: str = typer.Argument(..., help="The request's id.")) -> None:
        """Approve the plan, so its steps that change data may run."""
        wired = wiring(request_id)
        try:
            view = approve(wired.store, request_id, wired.actor)
        finally:
            wired.close()
        typer.echo(f"plan for request {request_id} approved by {view.approved_by}")

    @request_app.command("run")
    def run_command(
        request_id: str = typer.Argument(..., help="The request's id."),
        wait: bool = typer.Option(
            False,
            "--wait",
            help="With a job queue, wait until the workers have run every step they can.",
        ),
    ) -> None:
        """Run the plan's steps as jobs; a finished step is never run again, a failed one is
        retried. On SQLite they run here and now; with a queue, `steward worker` runs them."""
        wired = wiring(request_id)
        try:
            view = _run(wired, request_id, wait=wait)
        finally:
            wired.close()
        if view is None:
            return
        typer.echo(render_run(view))
        if view.status == "failed":
            raise typer.Exit(1)

    del plan_command, approve_command, run_command


POLL_SECONDS = 0.25


def _run(wired: RequestEngineWiring, request_id: str, *, wait: bool) -> PlanView | None:
    """Queue the run; follow it on a progress bar while this process runs it (inline jobs) or,
    with ``wait``, while workers do. None when it was queued and not waited for."""
    if wired.jobs is None:
        raise ConfigError("no job runner is configured", where="STEWARD_JOBS_RUNNER")
    jobs = wired.jobs
    if wired.queued and not wait:
        run_id = queue_run(wired.store, request_id, jobs, wired.actor)
        typer.echo(
            f"queued request {request_id}'s steps (job {run_id}); `steward worker` runs them; "
            f"follow with `steward request show {request_id}`"
        )
        return None
    failure: list[BaseException] = []

    def queue() -> None:
        try:
            queue_run(wired.store, request_id, jobs, wired.actor)
        except BaseException as error:
            failure.append(error)

    worker = threading.Thread(target=queue, name=f"run-{request_id}")
    worker.start()
    with PhaseProgressBar() as bar:
        while True:
            worker.join(POLL_SECONDS)
            view = show_plan(wired.store, request_id)
            done = sum(1 for s in view.steps if s.status in ("done", "skipped"))
            bar.update("running the plan", done, len(view.steps))
            if failure:
                raise failure[0]
            if worker.is_alive():
                continue
            if not wired.queued or _settled(view):
                return view


def _settled(view: PlanView) -> bool:
    """Nothing left for a worker: no step is running, and every automatic step still pending
    waits for a step that is not done (failed, or for staff)."""
    status = {s.number: s.status for s in view.steps}
    for step in view.steps:
        if step.status == "running":
            return False
        waiting = step.status == "pending" and step.action is not StepAction.manual
        if waiting and all(status[n] == "done" for n in step.needs):
            return False
    return True


def _worker(actor: str) -> str:
    """This process, as a step's claim names it: a step another process left running is taken
    over only once its heartbeat is a minute old (it may still be alive)."""
    return f"{actor}@{socket.gethostname()}:{os.getpid()}"


def render_plan(view: PlanView, now: datetime | None = None) -> str:
    """The plan, step by step; with ``now``, a running step whose worker has not beaten for a
    minute is marked stuck (for `steward request show`)."""
    lines = [f"request {view.request_id}: {view.kind.value}, plan {view.status}"]
    for step in view.steps:
        where = f"{step.system}.{step.collection}" if step.collection else step.system
        mark = " (changes data)" if step.destructive else ""
        fields = f" [{', '.join(step.fields)}]" if step.fields else ""
        lines.append(f"  {step.number:>3}. {step.action.value:<8} {where}{fields}{mark}")
        lines.append(f"       {step.found_by} ({_status(step, now)})")
    for skipped in view.not_searched:
        lines.append(f"  -    {skipped.system}.{skipped.collection}: {skipped.reason}")
    if view.needs_approval:
        lines.append(f"approve it with `steward request approve {view.request_id}`")
    return "\n".join(lines)


def _status(step: StepView, now: datetime | None) -> str:
    beat = step.heartbeat_at
    if step.status == "running" and now is not None and beat is not None:
        if now - beat > STUCK_AFTER:
            return f"stuck: {step.claimed_by} last seen {beat:%Y-%m-%d %H:%M:%S} UTC"
        return f"running on {step.claimed_by}"
    if step.status == "failed":
        return f"failed: {step.error}"
    return step.status


def render_dry_run(report: DryRun) -> str:
    lines = ["dry run (nothing was changed):"]
    for line in report.lines:
        where = f"{line.system}.{line.collection}" if line.collection else line.system
        count = "by hand" if line.records is None else f"{line.records} records"
        if line.records is None and line.system in report.unreachable:
            count = "not reachable"
        actions = ", ".join(a.value for a in line.actions)
        kept = f", {line.kept} kept under a hold" if line.kept else ""
        lines.append(f"  {where}: {count}{kept}; {actions}")
    for system in report.unreachable:
        lines.append(f"  system {system} could not be reached: the counts above are incomplete")
    return "\n".join(lines)


def render_run(view: PlanView) -> str:
    done = sum(1 for s in view.steps if s.status == "done")
    lines = [f"request {view.request_id}: {done} of {len(view.steps)} steps done, {view.status}"]
    for step in view.steps:
        if step.status == "failed":
            lines.append(f"  step {step.number} failed: {step.error}")
        elif step.status == "pending":
            lines.append(f"  step {step.number} waiting: {step.system} {step.found_by}")
    return "\n".join(lines)


__all__ = ["register_into", "render_dry_run", "render_plan", "render_run"]
