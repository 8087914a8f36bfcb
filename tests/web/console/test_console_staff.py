"""Staff accounts in the console: a privacy lead creates, changes and disables accounts through
the service's own rules; secrets are shown once, on a page that is never cached."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from steward.services import staff as service
from steward.staff.roles import Role
from steward.web.app import create_app
from steward.web.csrf import FIELD
from steward.web.wiring import WebWiring
from tests.integration.conftest import ManualClock
from tests.web.console.conftest import (
    OPERATOR,
    Member,
    enrol,
    form_token,
    later,
    sign_in,
)

NEW_PASSWORD = "harbour velvet ostrich umbrella"


@pytest.fixture
def lead_client(console_wiring: WebWiring, clock: ManualClock) -> Iterator[TestClient]:
    lead = enrol(console_wiring.store, Role.privacy_lead, clock)
    with TestClient(create_app(console_wiring), follow_redirects=False) as client:
        assert sign_in(client, lead, clock).status_code == 303
        yield client


def _post(client: TestClient, path: str, **fields: str) -> httpx.Response:
    token = form_token(client, "/staff/accounts")
    return client.post(path, data={FIELD: token, **fields})


def _create(client: TestClient, **changed: str) -> httpx.Response:
    fields = {"username": "nia", "display_name": "Nia Evans", "role": "office"}
    fields["password"] = NEW_PASSWORD
    return _post(client, "/staff/accounts", **{**fields, **changed})


def _shown(text: str, element: str) -> str:
    return text.split(f'id="{element}">')[1].split("<")[0]


def _codes(text: str) -> list[str]:
    listed = text.split('id="recovery-codes">')[1].split("</ul>")[0]
    return [part.split("</code>")[0] for part in listed.split("<code>")[1:]]


def test_a_new_account_is_shown_its_second_factor_once_and_can_sign_in_with_it(
    lead_client: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    made = _create(lead_client)
    assert made.status_code == 201
    assert made.headers["cache-control"] == "no-store"
    secret = _shown(made.text, "totp-secret").replace(" ", "")
    codes = _codes(made.text)
    assert len(codes) >= 8 and secret
    listing = lead_client.get("/staff/accounts").text
    assert "Nia Evans" in listing and secret not in listing.replace(" ", "")
    assert not any(code in listing for code in codes)
    member = Member("nia", Role.office, 0, secret, tuple(codes))
    later(clock, seconds=31)
    with TestClient(create_app(console_wiring), follow_redirects=False) as other:
        assert sign_in(other, member, clock, password=NEW_PASSWORD).status_code == 303


def test_a_refused_new_account_says_why_keeps_what_was_typed_and_creates_nothing(
    lead_client: TestClient, console_wiring: WebWiring
) -> None:
    answer = _create(lead_client, password="short")
    assert answer.status_code == 422
    assert 'id="problem"' in answer.text and 'value="Nia Evans"' in answer.text
    names = [a.username for a in service.list_accounts(console_wiring.store, by=OPERATOR)]
    assert "nia" not in names


def test_an_unknown_role_is_refused_naming_the_roles(lead_client: TestClient) -> None:
    answer = _create(lead_client, role="admin")
    assert answer.status_code == 422
    assert "there is no role &#39;admin&#39;" in answer.text and "privacy_lead" in answer.text


def test_disable_enable_and_role_change_go_through_the_service(
    lead_client: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    store = console_wiring.store
    enrol(store, Role.office, clock)
    disabled = _post(lead_client, "/staff/accounts/olu/disable")
    assert disabled.status_code == 303
    assert "disabled" in lead_client.get("/staff/accounts").text
    assert _post(lead_client, "/staff/accounts/olu/enable").status_code == 303
    moved = _post(lead_client, "/staff/accounts/olu/role", role="hr")
    assert moved.status_code == 303
    account = {a.username: a for a in service.list_accounts(store, by=OPERATOR)}["olu"]
    assert account.role is Role.hr and account.disabled_at is None


def test_a_privacy_lead_cannot_disable_their_own_account_and_is_told(
    lead_client: TestClient,
) -> None:
    answer = _post(lead_client, "/staff/accounts/priya/disable")
    assert answer.status_code in (409, 422)
    assert 'id="problem"' in answer.text
    assert "Staff accounts" in lead_client.get("/staff/accounts").text


def test_a_new_second_factor_replaces_the_old_one(
    lead_client: TestClient, console_wiring: WebWiring, clock: ManualClock
) -> None:
    office = enrol(console_wiring.store, Role.office, clock)
    reset = _post(lead_client, "/staff/accounts/olu/second-factor")
    assert reset.status_code == 200
    secret = _shown(reset.text, "totp-secret").replace(" ", "")
    assert secret != office.secret
    later(clock, seconds=31)
    with TestClient(create_app(console_wiring), follow_redirects=False) as other:
        assert sign_in(other, office, clock).status_code != 303  # the old secret
        later(clock, seconds=31)
        renewed = Member("olu", Role.office, office.account_id, secret, ())
        assert sign_in(other, renewed, clock).status_code == 303


def test_only_a_role_that_manages_staff_sees_the_forms(
    console_wiring: WebWiring, clock: ManualClock
) -> None:
    auditor = enrol(console_wiring.store, Role.auditor, clock)
    with TestClient(create_app(console_wiring), follow_redirects=False) as client:
        sign_in(client, auditor, clock)
        page = client.get("/staff/accounts")
    if page.status_code == 200:
        assert "Create the account" not in page.text and "/disable" not in page.text
    else:
        assert page.status_code == 403
