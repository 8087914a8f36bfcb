"""Data-subject requests: one person's access and erasure across the Outserve estate, against
the raw lookups and changes for the same person issued directly in the same run.

Issue 11 targets: across the 1M-person estate (PostgreSQL CRM, MariaDB HR, SQLite support
tickets, the CSV visitor log, and the HubSpot, Zendesk and Mailchimp contract servers), a
request's wall time is at most 3x that of the raw indexed lookups for the same person, and an
access request's p95 is under 2 s. A request = planning it (the engine's wiring and
``make_plan``) and running every automatic step as ``steward request run`` does on one machine:
``queue_run`` with the in-process job runner, one ``engine.advance`` job per step. Steward's
store is PostgreSQL. The manual steps (paper visitor book, CCTV, website, HR paper files) wait
for staff and are not timed, nor are intake, identity verification and an erasure's approval.
The raw side is ``benchmarks.raw_requests``. Engine and raw alternate which goes first.

``BENCH_ESTATE_PEOPLE`` sets the estate's size (default 1,000,000), ``BENCH_REQUEST_SAMPLE``
the people per kind (default 30, the planted cases among them), ``BENCH_ESTATE_DIR`` where
the generated estate is kept for reuse (``benchmarks.request_estate``; generating it is not
timed).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any

from benchmarks.raw_requests import RawEstate
from benchmarks.request_estate import (
    RECEIVED,
    contract_servers,
    ensure_estate,
    load_average,
    steward_desk,
    steward_environment,
    verified_request,
    working_copy,
)
from examples.outserve.estate import rows
from examples.outserve.estate.people import (
    EXPIRED_CLIENT_EMAIL,
    FORMER_EMPLOYEE_CLIENT_EMAIL,
    HELD_CLIENT_EMAIL,
    HOUSEHOLD_EMAIL,
    PLANTED,
    PLANTED_COUNT,
    REUSED_PHONE,
    SHARED_SURNAME_EMAILS,
    VISITOR_ONLY_EMAIL,
    Person,
    person_at,
)
from steward.bootstrap import engine_wiring, load_settings, settings_now
from steward.engine.plan import SystemReach
from steward.engine.plan import make_plan as plan_for
from steward.jobs.inline import InlineJobs
from steward.jobs.protocol import TaskContext
from steward.jobs.registry import TaskRegistry
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.outcome import StepAction
from steward.requests.subject import RequestSubject
from steward.services import request_engine
from steward.services.request_engine import (
    ADVANCE,
    approve,
    make_plan,
    queue_run,
    run_plan,
    show_plan,
)
from steward.services.request_tasks import register_engine_tasks
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store
from steward.tasks.engine import POOL

PEOPLE = int(os.environ.get("BENCH_ESTATE_PEOPLE", "1000000"))
SAMPLE = int(os.environ.get("BENCH_REQUEST_SAMPLE", "30"))
WARM_UP = 2
SEED = 1
TWIN_SEARCH = 200_000
SYSTEMS = ("crm", "hr", "support", "visitor_log", "hubspot", "zendesk", "mailchimp")
_REUSED_PHONE_EMAIL = next(p.email for p in PLANTED if p.phone == REUSED_PHONE)
ACCESS_PLANTED = (
    *SHARED_SURNAME_EMAILS,
    HOUSEHOLD_EMAIL,
    _REUSED_PHONE_EMAIL,
    FORMER_EMPLOYEE_CLIENT_EMAIL,
    VISITOR_ONLY_EMAIL,
    HELD_CLIENT_EMAIL,
    EXPIRED_CLIENT_EMAIL,
)
ERASURE_PLANTED = (
    FORMER_EMPLOYEE_CLIENT_EMAIL,
    VISITOR_ONLY_EMAIL,
    HELD_CLIENT_EMAIL,
    EXPIRED_CLIENT_EMAIL,
)


@dataclass(frozen=True)
class Measured:
    """One request: the engine's seconds and the raw baseline's, in all and per system."""

    kind: RequestKind
    planted: bool
    plan: float
    run: float
    systems: dict[str, float]
    """The engine's steps' time by system (the step's own bookkeeping included)."""
    inside: dict[str, float]
    """Of that, the time spent inside the system's connector."""
    raw: dict[str, float]
    in_process: float | None = None
    """Access only: the same request run by ``run_plan`` in one process, one connector per
    system for the whole request (plan + run seconds)."""
    jobs: int = 0
    """``engine.advance`` jobs the request's steps took."""

    @property
    def total(self) -> float:
        return self.plan + self.run

    @property
    def raw_total(self) -> float:
        return sum(self.raw.values())


# -- who is asked for --------------------------------------------------------------------------


def ordinary(people: int) -> Iterator[int]:
    """Ordinary people (never planted) spread over the estate, always in the same order."""
    seen: set[int] = set()
    span = people - PLANTED_COUNT
    for k in count():
        index = PLANTED_COUNT + (k * 7_919 * 104_729 + 15_485_863) % span
        if index not in seen:
            seen.add(index)
            yield index


Shape = tuple[int, ...]


def shape(person: Person) -> Shape:
    """How many records each collection holds for the person, as found by their e-mail."""
    counts: dict[str, int] = defaultdict(int)
    for table, _ in (*rows.crm(person, SEED), *rows.hr(person, SEED), *rows.support(person, SEED)):
        counts[table] += 1
    visits = sum(1 for row in rows.visitor_log(person, SEED) if row[2])
    user, tickets = rows.zendesk_records(person, SEED)
    return (
        *(counts[t] for t in ("customers", "contacts", "bookings", "invoices")),
        *(counts[t] for t in ("employees", "emergency_contacts", "payslips", "absences")),
        counts["tickets"],
        counts["messages"],
        visits,
        int(rows.hubspot_contact(person) is not None),
        int(user is not None),
        len(tickets),
        int(rows.mailchimp_member(person) is not None),
    )


def twin(person: Person, people: int, taken: set[int]) -> tuple[Person, int]:
    """The first ordinary person after ``person`` with the same records in every collection
    (else the closest within TWIN_SEARCH people): the raw erasure's subject, so both sides
    erase the same amount. Returns the twin and how many records their shapes differ by."""
    wanted = shape(person)
    best: tuple[int, Person] | None = None
    for step in range(1, min(TWIN_SEARCH, people)):
        index = PLANTED_COUNT + (person.index + step * 9_973) % (people - PLANTED_COUNT)
        if index in taken:
            continue
        candidate = person_at(SEED, index)
        if (candidate.employed is None) != (person.employed is None):
            continue
        distance = sum(abs(a - b) for a, b in zip(shape(candidate), wanted, strict=True))
        if best is None or distance < best[0]:
            best = (distance, candidate)
        if distance == 0:
            break
    assert best is not None
    return best[1], best[0]


def samples(people: int) -> tuple[list[tuple[str, bool]], list[tuple[Person, Person, int]]]:
    """(access e-mails with whether planted; erasure people with their raw twins)."""
    stream = ordinary(people)
    taken: set[int] = set()
    access = [(email, True) for email in ACCESS_PLANTED[: max(SAMPLE // 3, 1)]]
    while len(access) < SAMPLE:
        index = next(stream)
        taken.add(index)
        access.append((person_at(SEED, index).email, False))
    by_email = {p.email: p for p in PLANTED}
    erased = [by_email[e] for e in ERASURE_PLANTED[: max(SAMPLE // 6, 1)]]
    while len(erased) < SAMPLE:
        index = next(stream)
        taken.add(index)
        erased.append(person_at(SEED, index))
    taken.update(p.index for p in erased)
    pairs = []
    for person in erased:
        other, distance = twin(person, people, taken)
        taken.add(other.index)
        pairs.append((person, other, distance))
    return access, pairs


# -- the engine's side -------------------------------------------------------------------------


class _Timed:
    """A connector whose calls add their seconds to ``spent[system]``."""

    def __init__(self, inner: Any, system: str, spent: dict[str, float]) -> None:
        self._inner, self._system, self._spent = inner, system, spent

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value):
            return value

        def timed(*arguments: Any, **named: Any) -> Any:
            started = time.perf_counter()
            try:
                return value(*arguments, **named)
            finally:
                self._spent[self._system] += time.perf_counter() - started

        return timed


class EngineJobs:
    """``engine.advance`` as the deployment registers it (``steward.tasks.engine``: settings kept
    while the environment is unchanged, connectors borrowed from the process's pool), run by
    the in-process runner as ``steward request run`` does without workers. Kept by system: each
    step's seconds (the engine's own step runner timed, from reading what the step acts on to
    its finishing commit) and each connector call's seconds; and the number of jobs."""

    def __init__(self, store: Store) -> None:
        self.jobs = 0
        self.inside: dict[str, float] = defaultdict(float)
        self.steps: dict[str, float] = defaultdict(float)
        untimed = request_engine._run_step

        def timed_step(*arguments: Any, **named: Any) -> Any:
            started = time.perf_counter()
            view, loaded = untimed(*arguments, **named)
            self.steps[view.system] += time.perf_counter() - started
            return view, loaded

        request_engine._run_step = timed_step  # measurement only: this process is the benchmark's
        settings = settings_now()
        inner = TaskRegistry()
        register_engine_tasks(inner, self._wiring)
        advance = inner.spec(ADVANCE).run

        def counted(context: TaskContext, request_id: str, start: int) -> None:
            self.jobs += 1
            advance(context, request_id=request_id, start=start)

        registry = TaskRegistry()
        registry.add(ADVANCE, counted, serialised_by="request_id")
        self.runner = InlineJobs(store, registry, heartbeat_every=settings.jobs.heartbeat_seconds)

    def _wiring(self, store: Store, request_id: str) -> RequestEngineWiring:
        wired = engine_wiring(settings_now(), request_id, store=store, pool=POOL)
        spent = self.inside
        return replace(
            wired, connectors=lambda system: _Timed(wired.connectors(system), system, spent)
        )

    def reset(self) -> None:
        self.jobs = 0
        self.inside.clear()
        self.steps.clear()


def engine_request(
    store: Store, nation: Any, engine: EngineJobs, kind: RequestKind, email: str
) -> tuple[float, float, dict[str, float], dict[str, float], int]:
    """(plan seconds, run seconds, step seconds by system, connector seconds by system, jobs
    run)."""
    reference = verified_request(store, nation, kind, email)
    started = time.perf_counter()
    wired = engine_wiring(settings_now(), reference, store=store, pool=POOL)
    try:
        view = make_plan(store, wired.subject(reference), wired.maps, wired.systems,
                         actor="bench")  # fmt: skip
    finally:
        wired.close()
    plan_seconds = time.perf_counter() - started
    if kind is RequestKind.erasure:
        approve(store, reference, "bench")
    engine.reset()
    started = time.perf_counter()
    queue_run(store, reference, engine.runner, "bench")
    run_seconds = time.perf_counter() - started
    view = show_plan(store, reference)
    broken = [s for s in view.steps if s.status != "done" and s.action is not StepAction.manual]
    if broken:
        raise RuntimeError(f"request {reference} did not run: {broken}")
    return plan_seconds, run_seconds, dict(engine.steps), dict(engine.inside), engine.jobs


def in_process_request(store: Store, nation: Any, email: str) -> float:
    """An access request planned and run by ``run_plan`` in this process: every step through
    one connector per system (the engine's wiring built once), no jobs."""
    reference = verified_request(store, nation, RequestKind.access, email)
    started = time.perf_counter()
    wired = engine_wiring(settings_now(), reference, store=store, pool=POOL)
    try:
        make_plan(store, wired.subject(reference), wired.maps, wired.systems, actor="bench")
        view = run_plan(store, reference, wired.connectors, wired.holds, wired.clock,
                        worker="bench")  # fmt: skip
    finally:
        wired.close()
    seconds = time.perf_counter() - started
    if any(s.status != "done" and s.action is not StepAction.manual for s in view.steps):
        raise RuntimeError(f"request {reference} did not run")
    return seconds


# -- the run -----------------------------------------------------------------------------------


def _raw_plans(wired: RequestEngineWiring) -> tuple[Any, Any]:
    reach = [SystemReach(s.id, True) for s in wired.systems]
    plans = []
    for kind in (RequestKind.access, RequestKind.erasure):
        subject = RequestSubject("raw", kind, {IdentityKind.email: ("raw@example.org",)}, {},
                                 RECEIVED, RECEIVED + timedelta(days=30))  # fmt: skip
        plans.append(plan_for(subject, wired.maps, reach))
    return plans[0], plans[1]


def measure(people: int) -> tuple[list[Measured], dict[str, float], dict[RequestKind, int]]:
    """Every sampled request, engine and raw; and the set-up's seconds (not in the figures)."""
    setup: dict[str, float] = {}
    started = time.perf_counter()
    estate = ensure_estate(people)
    if estate.generated_seconds is not None:
        setup["generating the estate"] = estate.generated_seconds
    access, erasures = samples(people)
    setup["choosing people and their twins"] = time.perf_counter() - started
    measured: list[Measured] = []
    with tempfile.TemporaryDirectory(prefix="bench-requests-") as folder:
        moment = time.perf_counter()
        where = working_copy(estate, Path(folder))
        setup["copying the estate"] = time.perf_counter() - moment
        moment = time.perf_counter()
        with contract_servers(estate.folder / "saas") as servers:
            setup["loading the contract servers"] = time.perf_counter() - moment
            environment = steward_environment(where, servers, Path(folder) / "steward")
            with steward_desk(environment) as (store, nation):
                first = verified_request(store, nation, RequestKind.access, access[0][0])
                wired = engine_wiring(load_settings(), first)
                access_plan, erasure_plan = _raw_plans(wired)
                steps = {
                    plan.kind: sum(s.action is not StepAction.manual for s in plan.steps)
                    for plan in (access_plan, erasure_plan)
                }
                wired.close()
                raw = RawEstate(where, servers, access_plan, erasure_plan)
                engine = EngineJobs(store)
                try:
                    measured += _access(store, nation, engine, raw, access, people)
                    measured += _erasures(store, nation, engine, raw, erasures)
                finally:
                    raw.close()
    return measured, setup, steps


def _access(
    store: Store,
    nation: Any,
    engine: EngineJobs,
    raw: RawEstate,
    access: list[tuple[str, bool]],
    people: int,
) -> list[Measured]:
    warm = [person_at(SEED, people - 1 - n).email for n in range(WARM_UP)]
    for email in warm:
        engine_request(store, nation, engine, RequestKind.access, email)
        in_process_request(store, nation, email)
        raw.access(email)
    results = []
    for number, (email, planted) in enumerate(access):
        print(f"access {number + 1}/{len(access)}", file=sys.stderr, flush=True)
        if number % 2:
            plan, run, systems, inside, jobs = engine_request(
                store, nation, engine, RequestKind.access, email
            )
            spent = raw.access(email)
        else:
            spent = raw.access(email)
            plan, run, systems, inside, jobs = engine_request(
                store, nation, engine, RequestKind.access, email
            )
        alone = in_process_request(store, nation, email)
        results.append(
            Measured(RequestKind.access, planted, plan, run, systems, inside, spent, alone, jobs)
        )
    return results


def _erasures(
    store: Store,
    nation: Any,
    engine: EngineJobs,
    raw: RawEstate,
    pairs: list[tuple[Person, Person, int]],
) -> list[Measured]:
    results = []
    for number, (person, other, _) in enumerate(pairs):
        print(f"erasure {number + 1}/{len(pairs)}", file=sys.stderr, flush=True)
        if number % 2:
            plan, run, systems, inside, jobs = engine_request(
                store, nation, engine, RequestKind.erasure, person.email
            )
            spent = raw.erase(other.email)
        else:
            spent = raw.erase(other.email)
            plan, run, systems, inside, jobs = engine_request(
                store, nation, engine, RequestKind.erasure, person.email
            )
        planted = person.index < PLANTED_COUNT
        results.append(
            Measured(RequestKind.erasure, planted, plan, run, systems, inside, spent, None, jobs)
        )
    return results


# -- the report --------------------------------------------------------------------------------


def _p(samples: list[float], cut: int) -> float:
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[cut - 1]


def _kind_rows(measured: list[Measured]) -> list[str]:
    lines = [
        "| request | n | engine p50 s | engine p95 s | raw p50 s | raw p95 s "
        "| ratio of p50s | ratio of totals (target ≤ 3×) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in (RequestKind.access, RequestKind.erasure):
        mine = [m for m in measured if m.kind is kind]
        engine = [m.total for m in mine]
        raw = [m.raw_total for m in mine]
        lines.append(
            f"| {kind.value} | {len(mine)} | {_p(engine, 50):.3f} | {_p(engine, 95):.3f} "
            f"| {_p(raw, 50):.3f} | {_p(raw, 95):.3f} | {_p(engine, 50) / _p(raw, 50):.1f}× "
            f"| {sum(engine) / sum(raw):.1f}× |"
        )
    return lines


def _system_rows(measured: list[Measured], kind: RequestKind) -> list[str]:
    mine = [m for m in measured if m.kind is kind]
    n = len(mine)
    lines = [
        f"| {kind.value}: system | engine ms (its steps) "
        "| of which in the connector "
        "| raw ms (mean) "
        "| ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    for system in SYSTEMS:
        engine = sum(m.systems.get(system, 0.0) for m in mine) / n * 1000
        inside = sum(m.inside.get(system, 0.0) for m in mine) / n * 1000
        raw = sum(m.raw.get(system, 0.0) for m in mine) / n * 1000
        lines.append(
            f"| {system} | {engine:.1f} | {inside:.1f} | {raw:.1f} | {engine / raw:.1f}× |"
        )
    plan = sum(m.plan for m in mine) / n * 1000
    rest = sum(m.run - sum(m.systems.values()) for m in mine) / n * 1000
    lines.append(f"| planning (wiring, plan stored) | {plan:.1f} | | | |")
    jobs = sum(m.jobs for m in mine) / n
    lines.append(
        f"| the jobs ({jobs:.1f} per request): wiring, picking steps, queueing | {rest:.1f} | | | |"
    )
    return lines


def _in_process_line(access: list[Measured]) -> list[str]:
    alone = [m.in_process for m in access if m.in_process is not None]
    if not alone:
        return []
    raw = [m.raw_total for m in access]
    return [
        f"The same access requests run by `run_plan` in one process (no jobs; one connector per "
        f"system for the whole request): p50 {_p(alone, 50):.3f} s, p95 {_p(alone, 95):.3f} s, "
        f"{sum(alone) / sum(raw):.1f}× raw in total."
    ]


COSTS = (
    "What those costs are (from profiles of single requests). A job builds the engine's wiring "
    "for its request (the subject decrypted, its holds; the worker keeps its settings) and "
    "borrows its connectors from the process's pool, so a SQL connector's engine, open "
    "connections and reflected tables, a SaaS connector's HTTP client and a files connector's "
    "index are kept from one job to the next. Each step is claimed and finished in two "
    "transactions, each with an audit event; the finishing one reads the plan once and hands it "
    "to the next step, so a job runs a request's steps without reading the plan again. The "
    "visitor log is a CSV of about 0.78 rows per person: the files connector scans it once per "
    "state of the file, building an index of byte offsets by record key and by the fields "
    "looked up (8 bytes a row per index), and afterwards seeks straight to a person's rows; the "
    "raw side scans it with `csv.reader` every time. An erasure rewrites the file, so the next "
    "request scans it again (a file changed less than 2 s before is not indexed: its "
    "timestamps could not tell a second change from the first), and before the rewrite the "
    "engine reads the person's rows to check them against the holds. The contract servers "
    "find records through an exact-match index, as the vendors' search APIs do, on both sides "
    "alike."
)


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _where_time_goes(measured: list[Measured], steps: dict[RequestKind, int]) -> list[str]:
    """Where an average request's time went, in this run's figures."""
    lines = []
    saas = ("hubspot", "zendesk", "mailchimp")
    sql = ("crm", "hr", "support")
    for kind in (RequestKind.access, RequestKind.erasure):
        mine = [m for m in measured if m.kind is kind]
        total = _mean([m.total for m in mine])
        stepped = _mean([sum(m.systems.values()) for m in mine])
        inside = _mean([sum(m.inside.values()) for m in mine])
        outside = (stepped - inside) / steps[kind] * 1000
        jobs = _mean([m.run - sum(m.systems.values()) for m in mine])
        work = "scan" if kind is RequestKind.access else "scan and rewrite"
        visitors = _mean([m.systems.get("visitor_log", 0.0) for m in mine])
        visitors_raw = _mean([m.raw["visitor_log"] for m in mine])
        saas_raw = _mean([sum(m.raw[s] for s in saas) for m in mine])
        sql_inside = _mean([sum(m.inside.get(s, 0.0) for s in sql) for m in mine])
        sql_raw = _mean([sum(m.raw[s] for s in sql) for m in mine])
        lines.append(
            f"Where an average {kind.value} request's {total:.2f} s went: the visitor log's "
            f"steps {visitors:.2f} s (the raw {work} of the file {visitors_raw:.2f} s); "
            f"the contract servers' own searches, paid alike by the raw side "
            f"({saas_raw:.2f} s there for the three SaaS systems); the SQL systems' connector "
            f"calls {sql_inside:.2f} s against {sql_raw * 1000:.0f} ms of raw indexed "
            f"statements; {outside:.0f} ms per step outside any connector (claiming it, "
            f"holds, recording its evidence), {outside * steps[kind] / 1000:.2f} s over the "
            f"{steps[kind]} steps; and {jobs:.2f} s in the jobs around the steps."
        )
        lines.append("")
    return lines[:-1]


def run() -> str:
    load_before = load_average()
    measured, setup, steps = measure(PEOPLE)
    load_after = load_average()
    access = [m for m in measured if m.kind is RequestKind.access]
    erasure = [m for m in measured if m.kind is RequestKind.erasure]
    planted_access = sum(m.planted for m in access)
    planted_erasure = sum(m.planted for m in erasure)
    set_up = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in setup.items())
    lines = [
        "## Data-subject requests: one person across the estate",
        "",
        f"The Outserve estate of {PEOPLE:,} people: a PostgreSQL CRM, MariaDB HR and payroll, "
        "SQLite support tickets, a CSV visitor log, and the HubSpot, Zendesk and Mailchimp "
        "contract servers (one child process). Steward's store is PostgreSQL. A request is "
        "found by its e-mail; its time is planning it (the engine's wiring, `make_plan`) and "
        "running every automatic step as `steward request run` does without workers "
        "(`queue_run`, in-process job runner, `engine.advance` jobs as the deployment "
        "registers them: each runs the request's next steps for up to 5 s, with connectors "
        "borrowed from the process's pool); the manual steps "
        "(visitor book, CCTV, website, HR "
        "paper files) are left for staff and not timed, nor are intake, identity checks and "
        "an erasure's approval. Raw = the same person's records read (access) or deleted and "
        "masked (erasure) by plain statements through the same drivers on connections opened "
        "once: one indexed `SELECT` per mapped table, a `csv.reader` scan of the visitor log "
        "(a file has no index), the fewest direct HTTP calls per SaaS system. An erasure's raw "
        "side erases another person with the same number of records in every collection, so "
        "both sides do real work. Engine and raw alternate which goes first.",
        "",
        f"{len(access)} access requests ({planted_access} of them the planted cases) and "
        f"{len(erasure)} erasures ({planted_erasure} planted), after {WARM_UP} warm-up "
        f"requests. Measured on {dt.date.today().isoformat()}. Not timed: {set_up}. The "
        "machine's load average (1 min) was "
        f"{load_before} when the section started and {load_after} when it ended.",
        "",
        *_kind_rows(measured),
        "",
        *_in_process_line(access),
        "",
        *_system_rows(measured, RequestKind.access),
        "",
        *_system_rows(measured, RequestKind.erasure),
        "",
        *_where_time_goes(measured, steps),
        "",
        COSTS,
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
