"""Sessions: idle and absolute expiry, sign-out, and the end of every session when an account is
disabled, its password set or its second factor reset."""

from __future__ import annotations

from datetime import timedelta

import pytest

from steward.errors import InvalidInput, SignInRefused
from steward.services import staff as service
from steward.staff.second_factor import totp_code
from steward.store import staff_sessions as session_rows
from steward.store.database import Store
from tests.integration.staff.accounts import NOON, OPERATOR, PASSWORD, audit_trail, enrol, sign_in

NEW_PASSWORD = "thimble meadow quiver saffron"


def test_a_session_ends_after_thirty_idle_minutes(store: Store) -> None:
    opened = sign_in(store, enrol(store), NOON)

    assert service.session(store, opened.token, NOON + timedelta(minutes=29)) is not None
    assert service.session(store, opened.token, NOON + timedelta(minutes=58)) is not None
    assert service.session(store, opened.token, NOON + timedelta(minutes=88)) is None
    assert service.session(store, opened.token, NOON + timedelta(minutes=89)) is None
    ended = [a for a, _, _ in audit_trail(store) if a == "staff.session_ended"]
    assert ended == ["staff.session_ended"]


def test_a_session_used_all_day_ends_after_twelve_hours(store: Store) -> None:
    opened = sign_in(store, enrol(store), NOON)
    for minutes in range(20, 12 * 60, 20):
        assert service.session(store, opened.token, NOON + timedelta(minutes=minutes))

    assert service.session(store, opened.token, NOON + timedelta(hours=12)) is None


def test_use_moves_the_idle_limit_on(store: Store) -> None:
    opened = sign_in(store, enrol(store), NOON)
    seen = service.session(store, opened.token, NOON + timedelta(minutes=10))
    assert seen is not None
    assert seen.session_expires_at == NOON + timedelta(minutes=40)


def test_signing_out_ends_the_session_once(store: Store) -> None:
    opened = sign_in(store, enrol(store), NOON)

    assert service.logout(store, opened.token, NOON + timedelta(minutes=1))
    assert not service.logout(store, opened.token, NOON + timedelta(minutes=2))
    assert service.session(store, opened.token, NOON + timedelta(minutes=2)) is None


@pytest.mark.parametrize("token", ["", "x", "a" * 43, "!" * 43, "a" * 500])
def test_an_unknown_or_malformed_token_is_no_session(store: Store, token: str) -> None:
    enrol(store)
    assert service.session(store, token, NOON) is None
    assert not service.logout(store, token, NOON)


def test_only_the_hash_of_a_session_token_is_stored(store: Store) -> None:
    opened = sign_in(store, enrol(store), NOON)
    with store.unit_of_work("test", reads_only=True) as uow:
        assert session_rows.session(uow, opened.token) is None
        assert session_rows.session(uow, service.token_hash(opened.token)) is not None


def test_disabling_an_account_ends_its_sessions_and_refuses_its_sign_in(store: Store) -> None:
    enrol(store, "priya")
    olu = enrol(store, "olu", name="Olu Bello")
    opened = sign_in(store, olu, NOON)

    service.disable_account(store, "olu", by=OPERATOR, now=NOON + timedelta(minutes=1))

    at = NOON + timedelta(minutes=2)
    assert service.session(store, opened.token, at) is None
    with pytest.raises(SignInRefused):
        sign_in(store, olu, at)
    service.enable_account(store, "olu", by=OPERATOR, now=at)
    assert sign_in(store, olu, at + timedelta(minutes=1))


def test_resetting_the_second_factor_retires_the_old_secret_codes_and_sessions(
    store: Store,
) -> None:
    priya = enrol(store)
    opened = sign_in(store, priya, NOON)

    fresh = service.reset_second_factor(
        store, "priya", by=OPERATOR, now=NOON + timedelta(minutes=1)
    )

    at = NOON + timedelta(minutes=2)
    assert service.session(store, opened.token, at) is None
    assert fresh.secret != priya.secret and set(fresh.recovery_codes).isdisjoint(
        priya.recovery_codes
    )
    for old in (priya.code(at), priya.recovery_codes[0]):
        with pytest.raises(SignInRefused):
            sign_in(store, priya, at, code=old)
    assert sign_in(store, priya, at, code=totp_code(fresh.secret, at))
    assert sign_in(store, priya, at, code=fresh.recovery_codes[0])


def test_setting_a_password_ends_the_accounts_sessions(store: Store) -> None:
    priya = enrol(store)
    opened = sign_in(store, priya, NOON)

    service.set_password(store, "priya", NEW_PASSWORD, by=OPERATOR, now=NOON + timedelta(minutes=1))

    at = NOON + timedelta(minutes=2)
    assert service.session(store, opened.token, at) is None
    with pytest.raises(SignInRefused):
        sign_in(store, priya, at)
    assert sign_in(store, priya, at, password=NEW_PASSWORD)


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(
    store: Store,
) -> None:
    priya = enrol(store)
    here = sign_in(store, priya, NOON)
    elsewhere = sign_in(store, priya, NOON + timedelta(seconds=30))

    at = NOON + timedelta(minutes=1)
    service.change_own_password(store, here.token, PASSWORD, NEW_PASSWORD, at)

    assert service.session(store, here.token, at) is not None
    assert service.session(store, elsewhere.token, at) is None
    assert sign_in(store, priya, at + timedelta(minutes=1), password=NEW_PASSWORD)


def test_changing_ones_own_password_needs_the_current_one(store: Store) -> None:
    priya = enrol(store)
    here = sign_in(store, priya, NOON)

    with pytest.raises(InvalidInput) as raised:
        service.change_own_password(
            store, here.token, "not my password", NEW_PASSWORD, NOON + timedelta(minutes=1)
        )

    assert raised.value.where == "current password"
    assert "staff.password_change_failed" in [a for a, _, _ in audit_trail(store)]
    assert sign_in(store, priya, NOON + timedelta(minutes=2))  # the old password still works


def test_a_new_password_must_meet_the_policy(store: Store) -> None:
    priya = enrol(store)
    here = sign_in(store, priya, NOON)
    with pytest.raises(InvalidInput) as raised:
        service.change_own_password(store, here.token, PASSWORD, "Password2026!", NOON)
    assert "most common passwords" in raised.value.message


def test_the_csrf_token_belongs_to_one_session(store: Store) -> None:
    priya = enrol(store)
    one = sign_in(store, priya, NOON)
    two = sign_in(store, priya, NOON + timedelta(seconds=30))

    assert service.csrf_matches(one.token, one.signed_in.csrf_token)
    assert not service.csrf_matches(one.token, two.signed_in.csrf_token)
    assert not service.csrf_matches(one.token, "")
