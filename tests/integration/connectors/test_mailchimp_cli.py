"""`steward mailchimp push|pull` as an operator runs it, against the local contract server."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from steward.bootstrap import load_settings, open_store
from steward.cli.mailchimp_commands import register
from steward.cli.main import execute
from steward.consent.events import ConsentEvent, ConsentEventKind
from steward.consent.state import ConsentStatus
from steward.store.database import Store
from steward.store.keyfile import create_key_file
from steward.store.ledger import current_state, ensure_person, find_person, record
from steward.store.tables import audit_events
from tests.integration.connectors.conftest import API_KEY, LIST_ID, START
from tests.integration.connectors.mailchimp_server import MailchimpServer

ADA, CY = "ada@example.org", "cy@example.org"
MANIFEST = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"


@pytest.fixture
def cli(
    database_url: str,
    mailchimp: MailchimpServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> typer.Typer:
    key_file = tmp_path / "keys" / "keys.json"
    create_key_file(key_file, now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    for name, value in {
        "STEWARD_DATABASE_URL": database_url,
        "STEWARD_KEY_FILE": str(key_file),
        "STEWARD_MAILCHIMP_API_KEY": API_KEY,
        "STEWARD_MAILCHIMP_LIST_ID": LIST_ID,
        "STEWARD_MAILCHIMP_BASE_URL": mailchimp.base_url,
        "STEWARD_MAILCHIMP_BATCH_POLL_SECONDS": "0",
        "STEWARD_MAILCHIMP_PURPOSE": "contact_marketing",
        "STEWARD_MANIFEST": str(MANIFEST),
    }.items():
        monkeypatch.setenv(name, value)
    app = typer.Typer()
    register(app)
    return app


@pytest.fixture
def steward_store(cli: typer.Typer) -> Iterator[Store]:
    store = open_store(load_settings())
    yield store
    store.engine.dispose()


def note(store: Store, email: str, kind: ConsentEventKind, day: int) -> None:
    with store.unit_of_work(actor="test") as uow:
        record(
            uow,
            ConsentEvent(
                event_id=uuid.uuid4().hex,
                person=ensure_person(uow, email=email),
                kind=kind,
                purpose="contact_marketing",
                channel="email",
                source="web-form",
                wording="Send me the Outserve newsletter",
                wording_version="v1",
                occurred_at=dt.datetime(2026, 2, day, 12, tzinfo=dt.UTC),
            ),
        )
        uow.commit()


def audit_actions(store: Store) -> list[str]:
    with store.unit_of_work(actor="test") as uow:
        rows = uow.connection.execute(audit_events.select().order_by(audit_events.c.sequence)).all()
    return [row.action for row in rows]


def test_push_unsubscribes_the_suppressed_and_audits_the_run(
    cli: typer.Typer,
    steward_store: Store,
    mailchimp: MailchimpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for email in (ADA, CY):
        mailchimp.contract.add_member(LIST_ID, email)
        note(steward_store, email, ConsentEventKind.GIVEN, 1)
    note(steward_store, ADA, ConsentEventKind.WITHDRAWN, 2)

    assert execute(cli, ["mailchimp", "push"]) == 0

    assert mailchimp.contract.status_of(LIST_ID, ADA) == "unsubscribed"
    assert mailchimp.contract.status_of(LIST_ID, CY) == "subscribed"
    assert "suppressed 1: changed 1" in capsys.readouterr().out
    assert audit_actions(steward_store)[-1] == "mailchimp.pushed"


def test_pull_records_mailchimp_unsubscribes_and_prints_the_watermark(
    cli: typer.Typer,
    steward_store: Store,
    mailchimp: MailchimpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    note(steward_store, CY, ConsentEventKind.GIVEN, 1)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)

    assert execute(cli, ["mailchimp", "pull", "--since", START.isoformat()]) == 0

    out = capsys.readouterr().out
    assert "recorded 1 (unsubscribed 1" in out and "recorded through 2026-" in out
    with steward_store.unit_of_work(actor="test") as uow:
        person = find_person(uow, email=CY)
        assert person is not None
        state = current_state(uow, person, "contact_marketing", "email")
    assert state is not None and state.status is ConsentStatus.UNSUBSCRIBED
    assert audit_actions(steward_store)[-1] == "mailchimp.pulled"


@pytest.mark.parametrize("since", ["yesterday", "2026-11-01T00:00:00"])
def test_pull_refuses_a_since_that_is_not_an_aware_date_time(
    cli: typer.Typer, since: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert execute(cli, ["mailchimp", "pull", "--since", since]) == 2
    assert "--since" in capsys.readouterr().err


def test_pull_without_since_reads_from_the_stored_watermark(
    cli: typer.Typer,
    steward_store: Store,
    mailchimp: MailchimpServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    mailchimp.contract.add_member(LIST_ID, CY)
    mailchimp.contract.unsubscribe_in_mailchimp(LIST_ID, CY)
    assert execute(cli, ["mailchimp", "pull"]) == 0
    capsys.readouterr()

    assert execute(cli, ["mailchimp", "pull"]) == 0

    out = capsys.readouterr().out
    assert "recorded 0" in out and "already suppressed 1" in out
    assert audit_actions(steward_store)[-2:] == ["mailchimp.pulled", "mailchimp.pulled"]


def test_a_batch_past_the_time_limit_exits_2_naming_the_batch_and_is_recorded(
    cli: typer.Typer,
    steward_store: Store,
    mailchimp: MailchimpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_BATCH_TIMEOUT_SECONDS", "0.2")
    mailchimp.contract.stall_batches = True
    mailchimp.contract.add_member(LIST_ID, ADA)
    note(steward_store, ADA, ConsentEventKind.WITHDRAWN, 2)

    assert execute(cli, ["mailchimp", "push"]) == 2

    [batch_id] = mailchimp.contract.batches
    err = capsys.readouterr().err
    assert f"batch {batch_id} is still 'started'" in err
    assert f"GET /3.0/batches/{batch_id}" in err
    assert "Traceback" not in err
    assert audit_actions(steward_store)[-1] == "mailchimp.push_failed"


@pytest.mark.parametrize("suffix", ["/3.0", "/3.0/", "/"])
def test_the_base_url_may_name_the_api_version_or_not(
    cli: typer.Typer,
    steward_store: Store,
    mailchimp: MailchimpServer,
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_BASE_URL", mailchimp.base_url + suffix)
    mailchimp.contract.add_member(LIST_ID, ADA)
    note(steward_store, ADA, ConsentEventKind.WITHDRAWN, 2)

    assert execute(cli, ["mailchimp", "push"]) == 0

    assert mailchimp.contract.status_of(LIST_ID, ADA) == "unsubscribed"


def test_a_plain_http_base_url_for_a_remote_host_is_refused_before_anything_is_sent(
    cli: typer.Typer,
    mailchimp: MailchimpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_BASE_URL", "http://us21.api.mailchimp.com/3.0")

    assert execute(cli, ["mailchimp", "push"]) == 2

    err = capsys.readouterr().err
    assert "STEWARD_MAILCHIMP_BASE_URL" in err and "must use https" in err
    assert mailchimp.api_calls() == []
