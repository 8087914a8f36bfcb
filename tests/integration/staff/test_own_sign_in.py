"""A member of staff moves their codes to a new authenticator app themselves: the password
first, then a code from the new app; until then the old app goes on working."""

from __future__ import annotations

from datetime import timedelta

import pytest

from steward.errors import Conflict, InvalidInput, SignInRefused
from steward.services import staff as service
from steward.staff.second_factor import totp_code
from steward.store.database import Store
from tests.integration.staff.accounts import NOON, OPERATOR, PASSWORD, audit_trail, enrol, sign_in

STARTED = NOON + timedelta(minutes=1)
CONFIRMED = NOON + timedelta(minutes=2)


def test_a_new_app_confirmed_with_its_code_replaces_the_old_one_and_its_recovery_codes(
    store: Store,
) -> None:
    priya = enrol(store)
    here = sign_in(store, priya, NOON)
    elsewhere = sign_in(store, priya, NOON + timedelta(seconds=30))

    pending = service.begin_second_factor_change(store, here.token, PASSWORD, STARTED)
    codes = service.confirm_second_factor_change(
        store, here.token, totp_code(pending.secret, CONFIRMED), CONFIRMED
    )

    at = CONFIRMED + timedelta(minutes=1)
    assert len(codes) == 10 and set(codes).isdisjoint(priya.recovery_codes)
    assert service.session(store, here.token, at) is not None
    assert service.session(store, elsewhere.token, at) is None
    for old in (priya.code(at), priya.recovery_codes[0]):
        with pytest.raises(SignInRefused):
            sign_in(store, priya, at, code=old)
    assert sign_in(store, priya, at, code=totp_code(pending.secret, at))
    assert sign_in(store, priya, at, code=codes[0])
    actions = [action for action, _, _ in audit_trail(store)]
    assert "staff.second_factor_change_started" in actions
    assert "staff.second_factor_changed" in actions


def test_the_code_that_confirmed_the_new_app_cannot_sign_in_again(store: Store) -> None:
    priya = enrol(store)
    here = sign_in(store, priya, NOON)
    pending = service.begin_second_factor_change(store, here.token, PASSWORD, STARTED)
    code = totp_code(pending.secret, CONFIRMED)
    service.confirm_second_factor_change(store, here.token, code, CONFIRMED)

    with pytest.raises(SignInRefused):
        sign_in(store, priya, CONFIRMED + timedelta(seconds=10), code=code)


def test_until_the_new_app_is_confirmed_the_old_one_goes_on_working(store: Store) -> None:
    priya = enrol(store)
    here = sign_in(store, priya, NOON)
    service.begin_second_factor_change(store, here.token, PASSWORD, STARTED)

    with pytest.raises(InvalidInput) as raised:
        service.confirm_second_factor_change(store, here.token, "000000", CONFIRMED)

    assert raised.value.message == "the code is not the one the new authenticator app shows"
    assert sign_in(store, priya, CONFIRMED + timedelta(minutes=1))


def test_starting_needs_the_current_password_and_a_wrong_one_counts(store: Store) -> None:
    priya = enrol(store)
    here = sign_in(store, priya, NOON)

    with pytest.raises(InvalidInput, match="current password is not right"):
        service.begin_second_factor_change(store, here.token, "not my password", STARTED)

    assert "staff.second_factor_change_failed" in [a for a, _, _ in audit_trail(store)]
    (listed,) = service.list_accounts(store, by=OPERATOR)
    assert listed.state(STARTED) == "active"


def test_confirming_with_nothing_started_says_to_start_again(store: Store) -> None:
    here = sign_in(store, enrol(store), NOON)
    with pytest.raises(Conflict, match="no new authenticator app is waiting"):
        service.confirm_second_factor_change(store, here.token, "123456", STARTED)


def test_a_reset_by_a_privacy_lead_drops_a_change_half_done(store: Store) -> None:
    priya = enrol(store)
    here = sign_in(store, priya, NOON)
    service.begin_second_factor_change(store, here.token, PASSWORD, STARTED)
    fresh = service.reset_second_factor(store, "priya", by=OPERATOR, now=STARTED)

    again = sign_in(store, priya, CONFIRMED, code=fresh.recovery_codes[0])

    with pytest.raises(Conflict, match="no new authenticator app is waiting"):
        service.confirm_second_factor_change(store, again.token, "123456", CONFIRMED)


def test_a_change_needs_a_live_session(store: Store) -> None:
    here = sign_in(store, enrol(store), NOON)
    service.logout(store, here.token, STARTED)
    with pytest.raises(SignInRefused, match="session has ended"):
        service.begin_second_factor_change(store, here.token, PASSWORD, STARTED)
