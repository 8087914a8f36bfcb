"""``steward request plan|approve|run`` parse, call the engine service and render its answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import typer

from steward.cli.main import execute
from steward.cli.plan_commands import register_into
from steward.connectors.memory import MemoryConnector
from steward.jobs.inline import InlineJobs
from steward.jobs.registry import TaskRegistry
from steward.requests.kinds import RequestKind
from steward.services.request_tasks import register_engine_tasks
from steward.services.request_wiring import RequestEngineWiring
from steward.store.database import Store
from tests.integration.conftest import ManualClock
from tests.integration.engine.conftest import TaxHolds
from tests.unit.engine.estate import maps, subject, systems

Estate = dict[str, MemoryConnector]
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    committed_store: Store, estate: Estate, clock: ManualClock, capsys: pytest.CaptureFixture[str]
) -> Run:
    registry = TaskRegistry()
    jobs = InlineJobs(committed_store, registry)

    def wiring(_request_id: str) -> RequestEngineWiring:
        return RequestEngineWiring(
            store=committed_store,
            subject=lambda request_id: subject(RequestKind.erasure, request_id=request_id),
            maps=maps(),
            systems=systems()[:3],
            connectors=estate.__getitem__,
            holds=TaxHolds(),
            clock=clock,
            actor="dpo",
            jobs=jobs,
        )

    register_engine_tasks(registry, lambda _store, request_id: wiring(request_id))

    request = typer.Typer()
    register_into(request, wiring)
    app = typer.Typer()
    app.add_typer(request, name="request")

    def run(*args: str) -> tuple[int, str, str]:
        code = execute(app, ["request", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def test_plan_lists_the_steps_and_asks_for_approval(cli: Run) -> None:
    code, out, _ = cli("plan", "r-9")
    assert code == 0
    assert "  5. erase    support.tickets" in out
    assert "hr.employees: not searched: no identifier for it" in out
    assert "approve it with `steward request approve r-9`" in out


def test_plan_dry_run_counts_records_per_collection(cli: Run, estate: Estate) -> None:
    code, out, _ = cli("plan", "r-9", "--dry-run")
    assert (code, "crm.orders: 2 records; search, erase" in out) == (0, True)
    assert estate["crm"].data["orders"][0]["id"] == 10


def test_run_before_approval_exits_2_saying_how_to_approve(cli: Run) -> None:
    cli("plan", "r-9")
    code, _, err = cli("run", "r-9")
    assert code == 2
    assert "has not been approved" in err and "steward request approve r-9" in err


def test_approve_then_run_finishes_the_plan(cli: Run) -> None:
    cli("plan", "r-9")
    assert cli("approve", "r-9")[1] == "plan for request r-9 approved by dpo\n"
    code, out, _ = cli("run", "r-9")
    assert (code, out) == (0, "request r-9: 8 of 8 steps done, finished\n")


def test_run_with_a_system_down_exits_1_naming_it(cli: Run, estate: Estate) -> None:
    cli("plan", "r-9")
    cli("approve", "r-9")
    estate["support"].fail_next(1000)
    code, out, _ = cli("run", "r-9")
    assert code == 1
    assert "step 4 failed: unavailable: system support" in out


def test_plan_dry_run_says_how_many_records_a_hold_would_keep(cli: Run) -> None:
    _, out, _ = cli("plan", "r-9", "--dry-run")
    assert "crm.invoices: 2 records, 1 kept under a hold; search, erase" in out
