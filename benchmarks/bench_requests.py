"""Data-subject requests: one person's access and erasure across the Outserve estate, against
the raw lookups and changes for the same person issued directly in the same run.

Issue 11 targets: across the 1M-person estate (PostgreSQL CRM, MariaDB HR, SQLite support
tickets, the CSV visitor log, and the HubSpot, Zendesk and Mailchimp contract servers), a
request's wall time is at most 3x that of the raw indexed lookups for the same person, and an
access request's p95 is under 2 s. A request = building the engine's wiring, planning, and
running every automatic step (``make_plan`` and ``run_plan``, in process, Steward's store on
PostgreSQL); the manual steps (paper visitor book, CCTV, website, HR paper files) wait for
staff and are not timed, nor are intake, identity verification and an erasure's approval.
The raw side is ``benchmarks.raw_requests``. Engine and raw alternate which goes first.

``BENCH_ESTATE_PEOPLE`` sets the estate's size (default 1,000,000), ``BENCH_REQUEST_SAMPLE``
the people per kind (default 30, the planted cases among them), ``BENCH_ESTATE_DIR`` where
the generated estate is kept for reuse (``benchmarks.request_estate``; generating it is not
timed).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from itertools import count
from pathlib import Path
from typing import Any

from benchmarks.raw_requests import RawEstate
from benchmarks.request_estate import (
    RECEIVED,
    contract_servers,
    ensure_estate,
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
from steward.bootstrap import engine_wiring, load_settings
from steward.engine.plan import SystemReach
from steward.engine.plan import make_plan as plan_for
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.subject import RequestSubject
from steward.services.request_engine import approve, make_plan, run_plan
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store

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
    """The engine's steps' wall time by system (store bookkeeping included)."""
    inside: dict[str, float]
    """Of that, the time spent inside the system's connector."""
    raw: dict[str, float]

    @property
    def total(self) -> float:
        return self.plan + self.run

    @property
    def raw_total(self) -> float:
        return sum(self.raw.values())


# -- who is asked for --------------------------------------------------------------------------


def _ordinary(people: int) -> Iterator[int]:
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
    stream = _ordinary(people)
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


def engine_request(
    store: Store, nation: Any, kind: RequestKind, email: str
) -> tuple[float, float, dict[str, float], dict[str, float]]:
    """(plan seconds, run seconds, step seconds by system, connector seconds by system)."""
    reference = verified_request(store, nation, kind, email)
    started = time.perf_counter()
    wired: RequestEngineWiring = engine_wiring(load_settings(), reference)
    try:
        make_plan(wired.store, wired.subject(reference), wired.maps, wired.systems,
                  actor="bench")  # fmt: skip
        plan_seconds = time.perf_counter() - started
        if kind is RequestKind.erasure:
            approve(wired.store, reference, "bench")
        systems: dict[str, float] = defaultdict(float)
        inside: dict[str, float] = defaultdict(float)
        marks = [time.perf_counter()]

        def progress(step: Any, _done: int, _total: int) -> None:
            now = time.perf_counter()
            systems[step.system] += now - marks[-1]
            marks.append(now)

        view = run_plan(
            wired.store,
            reference,
            lambda system: _Timed(wired.connectors(system), system, inside),  # type: ignore[arg-type]
            wired.holds,
            wired.clock,
            worker="bench",
            progress=progress,
        )
        run_seconds = time.perf_counter() - marks[0]
    finally:
        wired.close()
    broken = [s for s in view.steps if s.status not in ("done", "pending")]
    waiting = [s for s in view.steps if s.status == "pending" and s.action.value != "manual"]
    if broken or waiting:
        raise RuntimeError(f"request {reference} did not run: {broken or waiting}")
    return plan_seconds, run_seconds, dict(systems), dict(inside)


# -- the run -----------------------------------------------------------------------------------


def _raw_plans(wired: RequestEngineWiring) -> tuple[Any, Any]:
    reach = [SystemReach(s.id, True) for s in wired.systems]
    plans = []
    for kind in (RequestKind.access, RequestKind.erasure):
        subject = RequestSubject("raw", kind, {IdentityKind.email: ("raw@example.org",)}, {},
                                 RECEIVED, RECEIVED + timedelta(days=30))  # fmt: skip
        plans.append(plan_for(subject, wired.maps, reach))
    return plans[0], plans[1]


def measure(people: int) -> tuple[list[Measured], dict[str, float]]:
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
                wired.close()
                raw = RawEstate(where, servers, access_plan, erasure_plan)
                try:
                    measured += _access(store, nation, raw, access, people)
                    measured += _erasures(store, nation, raw, erasures)
                finally:
                    raw.close()
    return measured, setup


def _access(
    store: Store, nation: Any, raw: RawEstate, access: list[tuple[str, bool]], people: int
) -> list[Measured]:
    warm = [person_at(SEED, people - 1 - n).email for n in range(WARM_UP)]
    for email in warm:
        engine_request(store, nation, RequestKind.access, email)
        raw.access(email)
    results = []
    for number, (email, planted) in enumerate(access):
        print(f"access {number + 1}/{len(access)}", file=sys.stderr, flush=True)
        if number % 2:
            plan, run, systems, inside = engine_request(store, nation, RequestKind.access, email)
            spent = raw.access(email)
        else:
            spent = raw.access(email)
            plan, run, systems, inside = engine_request(store, nation, RequestKind.access, email)
        results.append(Measured(RequestKind.access, planted, plan, run, systems, inside, spent))
    return results


def _erasures(
    store: Store, nation: Any, raw: RawEstate, pairs: list[tuple[Person, Person, int]]
) -> list[Measured]:
    results = []
    for number, (person, other, _) in enumerate(pairs):
        print(f"erasure {number + 1}/{len(pairs)}", file=sys.stderr, flush=True)
        if number % 2:
            plan, run, systems, inside = engine_request(
                store, nation, RequestKind.erasure, person.email
            )
            spent = raw.erase(other.email)
        else:
            spent = raw.erase(other.email)
            plan, run, systems, inside = engine_request(
                store, nation, RequestKind.erasure, person.email
            )
        planted = person.index < PLANTED_COUNT
        results.append(Measured(RequestKind.erasure, planted, plan, run, systems, inside, spent))
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
        f"| {kind.value}: system | engine ms (mean) | of which in the connector | raw ms (mean) "
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
    lines.append(f"| planning (wiring, plan stored) | {plan:.1f} | | | |")
    return lines


def run() -> str:
    measured, setup = measure(PEOPLE)
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
        "found by its e-mail; its time is the engine's wiring, planning and every automatic "
        "step (`make_plan` + `run_plan`); the manual steps (visitor book, CCTV, website, HR "
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
        f"requests. Not timed: {set_up}.",
        "",
        *_kind_rows(measured),
        "",
        *_system_rows(measured, RequestKind.access),
        "",
        *_system_rows(measured, RequestKind.erasure),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
