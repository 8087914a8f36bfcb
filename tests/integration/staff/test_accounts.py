"""Managing accounts: who may, what is refused, and what is kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from steward.errors import Conflict, InvalidInput, NotFound, NotPermitted
from steward.services import staff as service
from steward.staff.roles import Permission, Role
from steward.store.database import Store
from tests.integration.staff.accounts import NOON, OPERATOR, PASSWORD, audit_trail, enrol, sign_in

LATER = NOON + timedelta(minutes=1)


def signed_in(store: Store, username: str, role: Role) -> service.SignedIn:
    who = enrol(store, username, role, name=f"{username.title()} Example")
    return sign_in(store, who, NOON).signed_in


def test_an_account_is_listed_with_its_role_and_state_never_its_secrets(store: Store) -> None:
    enrol(store, "priya", Role.privacy_lead)
    enrol(store, "ana", Role.auditor, name="Ana Ruiz")

    listed = service.list_accounts(store, by=OPERATOR)

    assert [(a.username, a.display_name, a.role) for a in listed] == [
        ("ana", "Ana Ruiz", Role.auditor),
        ("priya", "Priya Shah", Role.privacy_lead),
    ]
    assert [a.state(NOON) for a in listed] == ["active", "active"]
    assert "Ana" not in repr(listed[0])  # a display name never reaches a log by accident


@pytest.mark.parametrize("role", [Role.hr, Role.marketing, Role.office, Role.auditor])
def test_only_a_privacy_lead_manages_accounts(store: Store, role: Role) -> None:
    enrol(store, "priya")
    who = signed_in(store, "sam", role)

    with pytest.raises(NotPermitted) as raised:
        service.create_account(
            store,
            username="newbie",
            display_name="New Person",
            role=Role.office,
            password=PASSWORD,
            by=who,
            now=LATER,
        )
    assert raised.value.where == "staff.manage"
    for change in (service.disable_account, service.unlock_account, service.enable_account):
        with pytest.raises(NotPermitted):
            change(store, "priya", by=who, now=LATER)
    with pytest.raises(NotPermitted):
        service.reset_second_factor(store, "priya", by=who, now=LATER)


def test_a_signed_in_privacy_lead_adds_an_account_audited_as_themselves(store: Store) -> None:
    lead = signed_in(store, "priya", Role.privacy_lead)

    created = service.create_account(
        store,
        username="Olu",
        display_name="  Olu   Bello ",
        role=Role.office,
        password=PASSWORD,
        by=lead,
        now=LATER,
    )

    assert (created.account.username, created.account.display_name) == ("olu", "Olu Bello")
    assert created.enrolment.provisioning_uri.startswith("otpauth://totp/Steward:olu?secret=")
    assert ("staff.account_created", f"staff:{created.account.id}", lead.actor) in audit_trail(
        store
    )


def test_the_auditor_may_list_accounts_but_change_none(store: Store) -> None:
    enrol(store, "priya")
    auditor = signed_in(store, "ana", Role.auditor)

    assert [a.username for a in service.list_accounts(store, by=auditor)] == ["ana", "priya"]
    with pytest.raises(NotPermitted):
        service.change_role(store, "priya", Role.auditor, by=auditor, now=LATER)


def test_marketing_may_not_list_accounts(store: Store) -> None:
    who = signed_in(store, "mo", Role.marketing)
    with pytest.raises(NotPermitted):
        service.list_accounts(store, by=who)


def test_require_returns_the_decision_or_refuses_with_its_reason(store: Store) -> None:
    office = signed_in(store, "olu", Role.office)

    assert service.require(office, Permission.requests_create).allowed
    assert not service.check(office, Permission.requests_approve).allowed
    with pytest.raises(NotPermitted) as raised:
        service.require(office, Permission.requests_approve)
    assert raised.value.message.startswith("the office role does not hold requests.approve")


def test_a_role_change_applies_to_the_next_page(store: Store) -> None:
    enrol(store, "priya")
    olu = enrol(store, "olu", Role.office, name="Olu Bello")
    opened = sign_in(store, olu, NOON)

    service.change_role(store, "olu", Role.hr, by=OPERATOR, now=LATER)

    seen = service.session(store, opened.token, LATER)
    assert seen is not None and seen.role is Role.hr
    assert ("staff.role_changed", f"staff:{olu.account.id}", "cli:test") in audit_trail(store)


def test_the_last_privacy_lead_can_be_neither_disabled_nor_given_another_role(
    store: Store,
) -> None:
    enrol(store, "priya")
    with pytest.raises(Conflict) as disabled:
        service.disable_account(store, "priya", by=OPERATOR, now=LATER)
    with pytest.raises(Conflict):
        service.change_role(store, "priya", Role.hr, by=OPERATOR, now=LATER)
    assert "only enabled privacy lead" in disabled.value.message

    enrol(store, "dev", name="Dev Patel")
    service.disable_account(store, "priya", by=OPERATOR, now=LATER)


def test_a_privacy_lead_cannot_disable_their_own_account(store: Store) -> None:
    lead = signed_in(store, "priya", Role.privacy_lead)
    enrol(store, "dev", name="Dev Patel")
    with pytest.raises(InvalidInput, match="your own account"):
        service.disable_account(store, "priya", by=lead, now=LATER)


def test_a_username_already_taken_is_a_conflict(store: Store) -> None:
    enrol(store, "priya")
    with pytest.raises(Conflict) as raised:
        enrol(store, "PRIYA", name="Another Priya")
    assert raised.value.message == "there is already a staff account 'priya'"


@pytest.mark.parametrize("username", ["p", "priya@example.org", "1priya", "pri ya", ""])
def test_a_username_that_is_not_a_handle_is_refused(store: Store, username: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        enrol(store, username)
    assert raised.value.where == "username"


def test_a_weak_password_is_refused_before_anything_is_written(store: Store) -> None:
    with pytest.raises(InvalidInput):
        enrol(store, "priya", password="priya2026!!!")
    assert service.list_accounts(store, by=OPERATOR) == []
    assert audit_trail(store) == []


def test_an_unknown_account_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no staff account 'ghost'"):
        service.reset_second_factor(store, "ghost", by=OPERATOR, now=LATER)


def test_disabling_twice_and_unlocking_an_unlocked_account_say_there_is_nothing_to_do(
    store: Store,
) -> None:
    enrol(store, "priya")
    enrol(store, "olu", Role.office, name="Olu Bello")
    service.disable_account(store, "olu", by=OPERATOR, now=LATER)
    with pytest.raises(Conflict, match="already disabled on 2026-12-04"):
        service.disable_account(store, "olu", by=OPERATOR, now=LATER)
    with pytest.raises(Conflict, match="not locked"):
        service.unlock_account(store, "priya", by=OPERATOR, now=LATER)
