"""Data-subject requests on the job queue: 1,000 queued access requests drained by one and by
two ``steward worker`` processes.

Issue 11 target: the second worker brings at least 1.7x the throughput. Each round starts from
a fresh Steward store on PostgreSQL (``STEWARD_JOBS_RUNNER=procrastinate``): the same requests
are created, their identity checked and their plans made, then all are queued
(``queue_run``: the job ``engine.advance`` runs the request's next steps for up to 5 s and
queues a job for the rest, serialised by request), and only then are the workers started.
Throughput = requests / the drain's window, from the first step's start to the last step's end
as the store recorded them (so worker start up is not in it); the wall time from starting the
workers to the last step is given too.

``BENCH_QUEUE_REQUESTS`` sets the number of requests (default 1,000), ``BENCH_QUEUE_PEOPLE`` the
estate's size (default 10,000: on the 1M estate a request is dominated by scanning the CSV
visitor log, see the section above, not by the queue).
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from benchmarks.bench_requests import ordinary
from benchmarks.request_estate import (
    ROOT,
    STEWARD,
    contract_servers,
    ensure_estate,
    load_average,
    steward_desk,
    steward_environment,
    verified_request,
    working_copy,
)
from examples.outserve.estate.environment import EstateLocations
from examples.outserve.estate.people import person_at
from steward.bootstrap import engine_wiring, jobs, load_settings
from steward.requests.kinds import RequestKind
from steward.services.request_engine import make_plan, queue_run
from steward.services.request_views import subject_of
from steward.store.database import Store

PEOPLE = int(os.environ.get("BENCH_QUEUE_PEOPLE", "10000"))
REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "1000"))
SEED = 1
WARM_UP = 50
"""Requests drained (and not reported) before the two rounds, so both find warm caches."""
POLL = 0.5
LIMIT = 6 * 3600
PENDING = text(
    "SELECT count(*) FILTER (WHERE status = 'failed'), count(*) FROM plan_steps "
    "WHERE action <> 'manual' AND status <> 'done'"
)
WINDOW = text(
    "SELECT count(*), min(started_at), max(finished_at) FROM plan_steps WHERE action <> 'manual'"
)
JOBS = text(
    "SELECT count(*), avg(extract(epoch FROM finished_at - started_at)) FROM job_runs "
    "WHERE task = 'engine.advance' AND status = 'done'"
)


@dataclass(frozen=True)
class Drain:
    workers: int
    requests: int
    steps: int
    jobs: int
    window: float
    """Seconds from the first step's start to the last step's end."""
    wall: float
    """Seconds from starting the workers to seeing the last step done."""
    job_seconds: float
    """A job's mean run time (its step and the next job's queueing)."""
    setup: float
    """Seconds to create, verify, plan and queue the requests (not timed)."""
    busy: float
    """The share of the machine's CPU time (all cores) that was busy during the drain."""
    worker_cpu: float
    """CPU seconds the worker processes used."""

    @property
    def per_second(self) -> float:
        return self.requests / self.window


def drain(
    workers: int, where: EstateLocations, servers: list[tuple[str, str, dict[str, str]]],
    folder: Path, emails: list[str],
) -> Drain:  # fmt: skip
    """Queue one access request per e-mail on a fresh store (its files in ``folder``, a new
    one), then drain it with ``workers``."""
    folder.mkdir()
    environment = steward_environment(
        where, servers, folder / f"steward-{workers}", STEWARD_JOBS_RUNNER="procrastinate"
    )
    started = time.perf_counter()
    with steward_desk(environment) as (store, nation):
        references = [verified_request(store, nation, RequestKind.access, e) for e in emails]
        wired = engine_wiring(load_settings(), references[0])
        try:
            for reference in references:
                subject = subject_of(store, reference)
                make_plan(store, subject, wired.maps, wired.systems, actor="bench")
        finally:
            wired.close()
        queue = jobs(load_settings(), store)
        try:
            for reference in references:
                queue_run(store, reference, queue, "bench")
        finally:
            close = getattr(queue, "close", None)
            if close is not None:
                close()
        setup = time.perf_counter() - started
        print(f"draining {len(emails)} requests with {workers} worker(s)", file=sys.stderr)
        wall, busy, cpu = _run_workers(workers, environment, store, folder)
        with store.engine.connect() as connection:
            steps, first, last = connection.execute(WINDOW).one()
            jobs_done, job_seconds = connection.execute(JOBS).one()
    return Drain(
        workers, len(emails), steps, jobs_done, (last - first).total_seconds(), wall,
        float(job_seconds), setup, busy, cpu,
    )  # fmt: skip


def _machine_cpu() -> tuple[int, int]:
    """(busy, all) CPU time of the whole machine so far, in clock ticks (/proc/stat)."""
    ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return sum(ticks) - idle, sum(ticks)


def _run_workers(
    workers: int, environment: dict[str, str], store: Store, folder: Path
) -> tuple[float, float, float]:
    """(wall seconds to the last step, the machine's busy share meanwhile, the workers' CPU
    seconds)."""
    logs = [(folder / f"worker-{workers}-{n}.log").open("w") for n in range(workers)]
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before, all_before = _machine_cpu()
    started = time.perf_counter()
    children = [
        subprocess.Popen(
            [STEWARD, "worker"], env=environment, cwd=ROOT, stderr=log, stdout=subprocess.DEVNULL
        )
        for log in logs
    ]
    try:
        while True:
            time.sleep(POLL)
            with store.engine.connect() as connection:
                failed, left = connection.execute(PENDING).one()
            if failed:
                raise RuntimeError(f"{failed} steps failed; see {folder}/worker-*.log")
            if not left:
                wall = time.perf_counter() - started
                busy_after, all_after = _machine_cpu()
                break
            if time.perf_counter() - started > LIMIT or any(c.poll() is not None for c in children):
                raise RuntimeError(f"the workers stopped with {left} steps left; see {folder}")
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        for log in logs:
            log.close()
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(
        getattr(children_after, f) - getattr(children_before, f) for f in ("ru_utime", "ru_stime")
    )
    return wall, (busy_after - busy_before) / (all_after - all_before), cpu


def run() -> str:
    load_before = load_average()
    estate = ensure_estate(PEOPLE)
    stream = ordinary(PEOPLE)
    emails = [person_at(SEED, next(stream)).email for _ in range(REQUESTS)]
    with tempfile.TemporaryDirectory(prefix="bench-queue-") as name:
        folder = Path(name)
        where = working_copy(estate, folder)
        with contract_servers(estate.folder / "saas") as servers:
            drain(1, where, servers, folder / "warm-up", emails[:WARM_UP])
            one = drain(1, where, servers, folder / "one", emails)
            two = drain(2, where, servers, folder / "two", emails)
    ratio = two.per_second / one.per_second
    load_after = load_average()
    lines = [
        "## Data-subject requests on the job queue: one worker and two",
        "",
        f"{REQUESTS:,} access requests (ordinary people of the {PEOPLE:,}-person estate, "
        "each found by e-mail) created, identity-checked, planned and queued on a fresh "
        "PostgreSQL store, then drained by `steward worker` processes (`engine.advance` "
        "jobs, serialised by request: each runs the request's next steps, each claimed and "
        "recorded on its own, for up to 5 s, then queues a job for the rest; connectors "
        "are borrowed from the worker's pool). The same requests are re-created on a fresh "
        "store for the second round. "
        f"Creating, planning and queueing them took {one.setup:.0f} s and {two.setup:.0f} s "
        "(not timed). Window = first step started to last step finished, as the store "
        f"recorded them. Measured on {dt.date.today().isoformat()}. The machine's load "
        "average (1 min) was "
        f"{load_before} when the section started and {load_after} when it ended.",
        "",
        "| workers | requests | steps | jobs | window s | wall s | mean job s "
        "| workers' CPU ms per job | machine CPU busy | requests/s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for measured in (one, two):
        lines.append(
            f"| {measured.workers} | {measured.requests:,} | {measured.steps:,} "
            f"| {measured.jobs:,} | {measured.window:.0f} | {measured.wall:.0f} "
            f"| {measured.job_seconds:.3f} | {measured.worker_cpu / measured.jobs * 1000:.0f} "
            f"| {measured.busy:.0%} | {measured.per_second:.2f} |"
        )
    lines += [
        "",
        f"Two workers: {ratio:.2f}× the throughput of one (target ≥ 1.7×). The machine has "
        f"{os.cpu_count()} cores, shared by the workers, PostgreSQL (Steward's store and queue, "
        "and the CRM), MariaDB, the contract servers' process and whatever else runs on it; "
        "'machine CPU busy' is the share of all cores' time that was busy during each drain, "
        f"so one worker already kept the machine {one.busy:.0%} busy and a second could add at "
        f"most the {1 - one.busy:.0%} left. Both rounds follow a warm-up drain of "
        f"{WARM_UP} requests (not reported); the two-worker round's mean job took "
        f"{two.job_seconds / one.job_seconds - 1:+.0%} against the one-worker round's, and at "
        f"equal job times the ratio would be {ratio * two.job_seconds / one.job_seconds:.2f}×.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
