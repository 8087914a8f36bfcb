"""Running a request's plan on SQLite and PostgreSQL through in-memory systems."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from steward.connectors.memory import MemoryConnector
from steward.connectors.protocol import Connector, RecordKey
from steward.engine.evidence import records_digest
from steward.errors import ConfigError, Conflict
from steward.requests.kinds import RequestKind
from steward.requests.outcome import StepAction
from steward.services.request_engine import (
    approve,
    dry_run,
    exported_records,
    make_plan,
    outcome,
    record_manual,
    run_plan,
    run_step,
    show_plan,
    stuck_steps,
)
from steward.store.database import Store
from steward.store.tables import audit_events, plan_steps, request_plans
from tests.integration.conftest import ManualClock
from tests.integration.engine.conftest import (
    TAX_HOLD,
    Crash,
    CrashingConnector,
    NoHolds,
    TaxHolds,
)
from tests.unit.engine.estate import EMAIL, maps, subject, systems

Estate = dict[str, MemoryConnector]


def _planned(store: Store, kind: RequestKind, **kwargs: object) -> str:
    view = make_plan(store, subject(kind, **kwargs), maps(), systems())  # type: ignore[arg-type]
    return view.request_id


def _ids(estate: Estate, collection: str) -> list[object]:
    system = "support" if collection == "tickets" else "crm"
    return [row["id"] for row in estate[system].data[collection]]


def _destructive_calls(estate: Estate) -> list[tuple[str, str]]:
    return [
        call
        for connector in estate.values()
        for call in connector.calls
        if call[0] in ("erase", "rectify", "restrict")
    ]


def test_an_access_request_exports_exactly_the_persons_records(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)
    view = run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    assert view.status == "running"  # the paper archive waits for staff
    exported = exported_records(store, request_id)
    assert {k: sorted(r.key.values[0] for r in v) for k, v in exported.items()} == {
        ("crm", "customers"): ["1"],
        ("crm", "orders"): ["10", "11"],
        ("crm", "invoices"): ["100", "101"],
        ("support", "tickets"): ["7", "8"],
    }


def test_an_export_steps_evidence_is_the_digest_of_the_records_it_exported(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)
    view = run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    step = next(s for s in view.steps if s.action is StepAction.export and s.collection == "orders")
    (evidence,) = step.evidence
    records = exported_records(store, request_id)[("crm", "orders")]
    assert (evidence.records, evidence.digest) == (2, records_digest(records))


def test_the_plan_waits_for_staff_on_a_system_no_connector_reaches(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)
    view = run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    assert [(s.system, s.status) for s in view.steps if s.status != "done"] == [
        ("archive", "pending")
    ]
    finished = record_manual(store, request_id, 9, "dpo", "archive boxes checked: none", clock())
    assert finished.status == "finished"


def test_an_erasure_plan_does_not_run_before_it_is_approved(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    with pytest.raises(Conflict, match="has not been approved") as raised:
        run_plan(store, request_id, estate.__getitem__, TaxHolds(), clock)
    assert "steward request approve r-1" in (raised.value.hint or "")
    with pytest.raises(Conflict, match="has not been approved"):
        run_step(store, request_id, 5, estate.__getitem__, TaxHolds(), clock)
    assert _destructive_calls(estate) == []


def test_erasure_keeps_held_records_restricted_and_erases_the_rest(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    approve(store, request_id, "dpo")
    run_plan(store, request_id, estate.__getitem__, TaxHolds(), clock)
    # invoice 100 is a tax record: it, the order it is for and that order's customer are kept
    assert [(r["id"], r["held"]) for r in estate["crm"].data["customers"]] == [
        (1, True),
        (2, False),
    ]
    assert _ids(estate, "orders") == [10, 12]
    assert [(r["id"], r["held"]) for r in estate["crm"].data["invoices"]] == [
        (100, True),
        (102, False),
    ]
    tickets = {r["id"]: r for r in estate["support"].data["tickets"]}
    assert tickets[7]["body"] is None and tickets[7]["requester"] != EMAIL
    assert tickets[9]["requester"] == "bob@example.org"


def test_a_kept_record_is_reported_with_the_holds_reason(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    approve(store, request_id, "dpo")
    run_plan(store, request_id, estate.__getitem__, TaxHolds(), clock)
    result = outcome(store, request_id, "dpo", clock())
    kept = [e for e in result.steps if e.action is StepAction.keep]
    assert [(e.collection, e.records, e.affected) for e in kept] == [
        ("invoices", 1, 1),
        ("orders", 1, 1),
        ("customers", 1, 1),
    ]
    assert TAX_HOLD.reason in kept[0].kept_because[0]
    assert kept[1].kept_because[0].startswith("kept because 1 crm invoices record(s) that refer")
    assert TAX_HOLD.reason in kept[1].kept_because[0]
    assert "crm orders record(s) that refer to it are kept" in kept[2].kept_because[0]
    erased = [(e.collection, e.records) for e in result.steps if e.action is StepAction.erase]
    assert erased == [("tickets", 2), ("invoices", 1), ("orders", 1)]  # every customer kept


def test_rerunning_a_finished_plan_changes_nothing(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    approve(store, request_id, "dpo")
    record_manual(store, request_id, 9, "dpo", "no paper file", clock())
    first = run_plan(store, request_id, estate.__getitem__, TaxHolds(), clock)
    calls = {name: list(c.calls) for name, c in estate.items()}
    data = {name: repr(c.data) for name, c in estate.items()}
    again = run_plan(store, request_id, estate.__getitem__, TaxHolds(), clock)
    assert first.status == again.status == "finished"
    assert again.steps == first.steps
    assert {name: c.calls for name, c in estate.items()} == calls
    assert {name: repr(c.data) for name, c in estate.items()} == data


@pytest.mark.parametrize("after", [True, False], ids=["after-the-change", "before-the-change"])
def test_a_step_interrupted_while_running_is_resumed_with_its_recorded_keys_and_acts_once(
    store: Store, estate: Estate, clock: ManualClock, after: bool
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    approve(store, request_id, "dpo")
    crashing = CrashingConnector(estate["crm"], "erase", after=after)
    systems_then: dict[str, Connector] = {**estate, "crm": crashing}
    with pytest.raises(Crash):
        run_plan(store, request_id, systems_then.__getitem__, TaxHolds(), clock)
    interrupted = show_plan(store, request_id)
    assert [(s.number, s.status) for s in interrupted.steps if s.status == "running"] == [
        (6, "running")
    ]
    # a customer added later with the same email is not among the recorded keys
    estate["crm"].data["invoices"].append(
        {"id": 103, "order_id": 11, "amount": 1, "issued_on": "2017-01-01", "held": False}
    )
    resumed = run_plan(store, request_id, estate.__getitem__, TaxHolds(), clock)
    assert [s.status for s in resumed.steps][:8] == ["done"] * 8
    erased = [key for op, key in estate["crm"].changes if op == "erase"]
    assert sorted(erased) == sorted(set(erased))  # no record erased twice
    assert RecordKey("invoices", ("101",)) in erased
    assert _ids(estate, "invoices") == [100, 102, 103]
    step6 = resumed.steps[5]
    assert step6.attempts == 2


def test_a_running_step_whose_worker_stopped_beating_for_a_minute_is_reported_stuck(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    approve(store, request_id, "dpo")
    crashing: dict[str, Connector] = {
        **estate,
        "support": CrashingConnector(estate["support"], "erase", after=False),
    }
    with pytest.raises(Crash):
        run_plan(
            store, request_id, crashing.__getitem__, TaxHolds(), clock,
            worker="worker-a",
        )  # fmt: skip
    beat = show_plan(store, request_id).steps[4].heartbeat_at
    assert beat is not None
    assert stuck_steps(store, beat + timedelta(seconds=59)) == ()
    (stuck,) = stuck_steps(store, beat + timedelta(seconds=61))
    assert (stuck.request_id, stuck.step_no, stuck.system, stuck.claimed_by) == (
        request_id, 5, "support", "worker-a",
    )  # fmt: skip


def test_another_worker_does_not_take_over_a_step_whose_worker_is_alive(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    approve(store, request_id, "dpo")
    crashing: dict[str, Connector] = {
        **estate,
        "support": CrashingConnector(estate["support"], "erase", after=False),
    }
    with pytest.raises(Crash):
        run_plan(
            store, request_id, crashing.__getitem__, TaxHolds(), clock,
            worker="worker-a",
        )  # fmt: skip
    with pytest.raises(Conflict, match="being run by worker-a"):
        run_step(store, request_id, 5, estate.__getitem__, TaxHolds(), clock, worker="worker-b")
    clock.now += timedelta(minutes=2)
    taken = run_step(store, request_id, 5, estate.__getitem__, TaxHolds(), clock, worker="worker-b")
    assert (taken.status, taken.claimed_by) == ("done", "worker-b")


def test_an_unreachable_system_fails_its_step_naming_it_and_the_request_stays_open(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)
    estate["support"].fail_next(1000)
    view = run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    failed = [s for s in view.steps if s.status == "failed"]
    assert [(s.number, s.system) for s in failed] == [(4, "support")]
    assert "system support" in (failed[0].error or "")
    assert view.status == "failed"
    assert [s.status for s in view.steps if s.collection == "tickets"] == ["failed", "pending"]
    result = outcome(store, request_id, "dpo", clock())
    assert result.unreachable == ("support",)


def test_a_failed_step_runs_again_once_its_system_is_back(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)
    estate["support"].fail_next(1)
    run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    view = run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    assert [s.status for s in view.steps if s.system == "support"] == ["done", "done"]
    assert outcome(store, request_id, "dpo", clock()).unreachable == ()


def test_rectification_reaches_every_system_holding_the_field(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.rectification, changes={"email": "ada@new.example"})
    approve(store, request_id, "dpo")
    run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    assert estate["crm"].data["customers"][0]["email"] == "ada@new.example"
    assert [t["requester"] for t in estate["support"].data["tickets"]] == [
        "ada@new.example", "ada@new.example", "bob@example.org",
    ]  # fmt: skip


def test_restriction_holds_the_records_in_each_system(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.restriction)
    approve(store, request_id, "dpo")
    view = run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    assert estate["crm"].data["customers"][0]["held"] is True
    assert estate["crm"].held(RecordKey("orders", ("10",)))
    tickets = next(
        s for s in view.steps if s.action is StepAction.restrict and s.system == "support"
    )
    assert "Steward records the hold" in tickets.evidence[0].note


def test_a_dry_run_counts_what_would_be_touched_and_changes_nothing(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    report = dry_run(store, request_id, estate.__getitem__)
    counts = {(line.system, line.collection): line.records for line in report.lines}
    assert counts == {
        ("crm", "customers"): 1,
        ("crm", "orders"): 2,
        ("crm", "invoices"): 2,
        ("support", "tickets"): 2,
        ("archive", ""): None,
    }
    assert _destructive_calls(estate) == []
    assert {s.status for s in show_plan(store, request_id).steps} == {"pending"}


def test_a_dry_run_names_a_system_it_could_not_reach(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)
    estate["crm"].fail_next(1000)
    report = dry_run(store, request_id, estate.__getitem__)
    assert report.unreachable == ("crm",)


def test_every_step_transition_writes_an_audit_event(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)
    run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    with store.unit_of_work("test", reads_only=True) as uow:
        rows = uow.connection.execute(
            select(audit_events.c.action, func.count())
            .where(audit_events.c.subject == f"request:{request_id}")
            .group_by(audit_events.c.action)
        ).all()
    assert dict(rows) == {"request.planned": 1, "request.step_started": 8, "request.step_done": 8}


def test_an_unstarted_plan_is_replaced_and_a_started_one_is_kept(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)
    _planned(store, RequestKind.access)
    run_step(store, request_id, 1, estate.__getitem__, NoHolds(), clock)
    with pytest.raises(Conflict, match="already has a plan"):
        _planned(store, RequestKind.access)


def test_the_outcome_records_the_scope_of_the_search(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access, email=(EMAIL,), phone=("+447700900001",))
    run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    scope = outcome(store, request_id, "dpo", clock()).scope
    assert (scope.systems, scope.identity_kinds, scope.run_by) == (
        ("crm", "support"), ("email", "phone"), "dpo",
    )  # fmt: skip


def test_no_identifier_or_exported_value_is_stored_in_plaintext(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(
        store, RequestKind.rectification, changes={"crm.customers.name": "Ada Lovelace"}
    )
    approve(store, request_id, "dpo")
    run_plan(store, request_id, estate.__getitem__, NoHolds(), clock)
    access = _planned(store, RequestKind.access, request_id="r-2")
    run_plan(store, access, estate.__getitem__, NoHolds(), clock)
    with store.unit_of_work("test", reads_only=True) as uow:
        rows = [
            *uow.connection.execute(select(request_plans)).all(),
            *uow.connection.execute(select(plan_steps)).all(),
        ]
    stored = b"".join(
        value if isinstance(value, bytes) else str(value).encode() for row in rows for value in row
    )
    for secret in (EMAIL, "Ada Lovelace", "+447700900001"):
        assert secret.encode() not in stored


def test_a_dry_run_of_an_erasure_counts_the_records_a_hold_would_keep(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    report = dry_run(store, request_id, estate.__getitem__, TaxHolds(), clock().date())
    kept = {line.collection: line.kept for line in report.lines if line.kept is not None}
    assert kept == {"customers": 0, "orders": 0, "invoices": 1, "tickets": 0}
    assert _destructive_calls(estate) == []


def test_a_system_that_cannot_be_opened_fails_its_step_saying_why(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.access)

    def connectors(system: str) -> Connector:
        if system == "support":
            raise ConfigError("STEWARD_SUPPORT_URL is not set", where="system support")
        return estate[system]

    view = run_plan(store, request_id, connectors, NoHolds(), clock)
    (failed,) = [s for s in view.steps if s.status == "failed"]
    assert failed.error == "not configured: system support: STEWARD_SUPPORT_URL is not set"
    assert outcome(store, request_id, "dpo", clock()).unreachable == ("support",)


def test_a_step_that_failed_after_recording_its_keys_retries_with_those_keys(
    store: Store, estate: Estate, clock: ManualClock
) -> None:
    request_id = _planned(store, RequestKind.erasure)
    approve(store, request_id, "dpo")
    for number in range(1, 5):
        run_step(store, request_id, number, estate.__getitem__, TaxHolds(), clock)
    estate["support"].fail_next(1, "erase")
    assert run_step(store, request_id, 5, estate.__getitem__, TaxHolds(), clock).status == "failed"
    estate["support"].data["tickets"].append(
        {"id": 99, "customer_ref": 1, "requester": EMAIL, "body": "new", "opened_on": None,
         "status": "open"}
    )  # fmt: skip
    retried = run_step(store, request_id, 5, estate.__getitem__, TaxHolds(), clock)
    assert (retried.status, retried.attempts, retried.evidence[0].records) == ("done", 2, 2)
    assert estate["support"].data["tickets"][-1]["body"] == "new"
