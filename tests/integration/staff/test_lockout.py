"""Lockout per account and throttling per source address, and how each passes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from steward.errors import SignInRefused
from steward.services import staff as service
from steward.staff.roles import Role
from steward.store.database import Store
from tests.integration.staff.accounts import NOON, OPERATOR, QUICK, audit_trail, enrol, sign_in

REFUSED = (
    "sign-in: the username, password or code is not right, or sign-in is paused after "
    "repeated failures"
)


def fail(
    store: Store, username: str, times: int, *, at: datetime = NOON, source: str = "192.0.2.10"
) -> None:
    for n in range(times):
        with pytest.raises(SignInRefused):
            service.login(
                store,
                username,
                f"not the password {n}",
                "000000",
                source,
                at + timedelta(seconds=n),
                policy=QUICK,
            )


def test_five_failures_lock_the_account_even_against_the_right_password(store: Store) -> None:
    priya = enrol(store, policy=QUICK)
    fail(store, "priya", 5)

    at = NOON + timedelta(minutes=1)
    with pytest.raises(SignInRefused) as raised:
        sign_in(store, priya, at, policy=QUICK)

    assert str(raised.value).startswith(REFUSED)
    (listed,) = service.list_accounts(store, by=OPERATOR)
    assert listed.state(at) == "locked until 2026-12-04 12:15 UTC"
    actions = [action for action, _, _ in audit_trail(store)]
    assert actions.count("staff.account_locked") == 1
    assert actions[-1] == "staff.sign_in_refused"


def test_the_lock_passes_by_itself_after_fifteen_minutes(store: Store) -> None:
    priya = enrol(store, policy=QUICK)
    fail(store, "priya", 5)
    with pytest.raises(SignInRefused):
        sign_in(store, priya, NOON + timedelta(minutes=14, seconds=59), policy=QUICK)

    assert sign_in(store, priya, NOON + timedelta(minutes=15, seconds=4), policy=QUICK)


def test_a_wrong_code_after_the_right_password_counts_towards_the_lock(store: Store) -> None:
    priya = enrol(store, policy=QUICK)
    for n in range(5):
        with pytest.raises(SignInRefused):
            sign_in(store, priya, NOON + timedelta(seconds=n), code="000000", policy=QUICK)

    with pytest.raises(SignInRefused):
        sign_in(store, priya, NOON + timedelta(minutes=1), policy=QUICK)


def test_a_good_sign_in_clears_earlier_failures(store: Store) -> None:
    priya = enrol(store, policy=QUICK)
    fail(store, "priya", 4)
    sign_in(store, priya, NOON + timedelta(minutes=1), policy=QUICK)
    fail(store, "priya", 4, at=NOON + timedelta(minutes=2))

    assert sign_in(store, priya, NOON + timedelta(minutes=3), policy=QUICK)


def test_a_privacy_lead_can_lift_a_lock_early(store: Store) -> None:
    priya = enrol(store, policy=QUICK)
    fail(store, "priya", 5)

    service.unlock_account(store, "priya", by=OPERATOR, now=NOON + timedelta(minutes=1))

    assert sign_in(store, priya, NOON + timedelta(minutes=1), policy=QUICK)


def test_twenty_failures_from_one_address_throttle_it_whatever_names_are_tried(
    store: Store,
) -> None:
    olu = enrol(store, "olu", Role.office, name="Olu Bello", policy=QUICK)
    for n in range(20):
        fail(store, f"guess{n}", 1, at=NOON + timedelta(seconds=n), source="198.51.100.7")

    at = NOON + timedelta(minutes=1)
    with pytest.raises(SignInRefused):
        sign_in(store, olu, at, source="198.51.100.7", policy=QUICK)
    assert sign_in(store, olu, at, source="192.0.2.10", policy=QUICK)
    assert sign_in(store, olu, at + timedelta(minutes=15), source="198.51.100.7", policy=QUICK)
    actions = [action for action, _, _ in audit_trail(store)]
    assert actions.count("staff.source_throttled") == 1


def test_failures_of_unknown_names_lock_no_account(store: Store) -> None:
    priya = enrol(store, policy=QUICK)
    fail(store, "priyaa", 10)
    assert sign_in(store, priya, NOON + timedelta(minutes=1), policy=QUICK)
