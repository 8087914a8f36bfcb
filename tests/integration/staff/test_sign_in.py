"""Signing in with a real argon2id password and a real TOTP code (computed with pyotp at a fixed
time), on SQLite and PostgreSQL: what opens a session, and that every refusal is one answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from steward.errors import SignInRefused
from steward.services import staff as service
from steward.staff.roles import Role
from steward.staff.second_factor import step_at
from steward.store import staff as repository
from steward.store.audit import verify_chain
from steward.store.database import Store
from tests.integration.staff.accounts import NOON, QUICK, audit_trail, enrol, sign_in

LATER = NOON + timedelta(minutes=5)


def refusal(store: Store, username: str, password: str, code: str) -> str:
    with pytest.raises(SignInRefused) as raised:
        service.login(store, username, password, code, "192.0.2.10", LATER)
    return str(raised.value)


def test_the_password_and_the_current_code_open_a_session_for_the_account_and_its_role(
    store: Store,
) -> None:
    priya = enrol(store, "priya", Role.privacy_lead)

    opened = sign_in(store, priya, LATER)

    assert opened.signed_in.username == "priya"
    assert opened.signed_in.display_name == "Priya Shah"
    assert opened.signed_in.role is Role.privacy_lead
    assert opened.signed_in.session_expires_at == LATER + timedelta(minutes=30)
    assert service.session(store, opened.token, LATER) == opened.signed_in
    assert opened.recovery_codes_left == 10


def test_the_first_sign_in_with_a_code_confirms_the_authenticator_app(store: Store) -> None:
    priya = enrol(store)
    assert priya.account.totp_confirmed_at is None

    sign_in(store, priya, LATER)

    (listed,) = service.list_accounts(store, by=service.Operator("cli:test"))
    assert (listed.totp_confirmed_at, listed.last_login_at) == (LATER, LATER)


def test_a_code_cannot_sign_in_twice(store: Store) -> None:
    priya = enrol(store)
    code = priya.code(LATER)
    sign_in(store, priya, LATER, code=code)

    with pytest.raises(SignInRefused):
        sign_in(store, priya, LATER + timedelta(seconds=20), code=code)


def test_an_earlier_code_still_in_the_drift_window_is_refused_after_a_later_one(
    store: Store,
) -> None:
    priya = enrol(store)
    sign_in(store, priya, LATER)
    earlier = priya.code(LATER - timedelta(seconds=30))
    assert step_at(LATER - timedelta(seconds=30)) < step_at(LATER)

    with pytest.raises(SignInRefused):
        sign_in(store, priya, LATER + timedelta(seconds=5), code=earlier)


def test_a_code_from_a_minute_ago_is_refused(store: Store) -> None:
    priya = enrol(store)
    with pytest.raises(SignInRefused):
        sign_in(store, priya, LATER, code=priya.code(LATER - timedelta(seconds=61)))


def test_every_refusal_reads_the_same_whatever_was_wrong(store: Store) -> None:
    priya = enrol(store, "priya")
    olu = enrol(store, "olu", Role.office, name="Olu Bello")
    service.disable_account(store, "olu", by=service.Operator("cli:test"), now=NOON)

    answers = {
        "no such account": refusal(store, "nobody", priya.password, priya.code(LATER)),
        "not a username": refusal(store, "a@b.c", priya.password, priya.code(LATER)),
        "wrong password": refusal(store, "priya", "coral lantern gravel", priya.code(LATER)),
        "wrong code": refusal(store, "priya", priya.password, "000000"),
        "no code": refusal(store, "priya", priya.password, ""),
        "wrong recovery code": refusal(store, "priya", priya.password, "2222-3333-4444"),
        "disabled": refusal(store, "olu", olu.password, olu.code(LATER)),
    }

    assert len(set(answers.values())) == 1, answers
    assert answers["wrong code"] == (
        "sign-in: the username, password or code is not right, or sign-in is paused after "
        "repeated failures\n  hint: check them and try again (after repeated failures, wait 15 "
        "minutes); if it still fails, ask your privacy lead"
    )


def test_a_recovery_code_signs_in_once_and_never_again(store: Store) -> None:
    priya = enrol(store)
    code = priya.recovery_codes[3]

    opened = sign_in(store, priya, LATER, code=code.upper().replace("-", " "))

    assert opened.used_recovery_code and opened.recovery_codes_left == 9
    with pytest.raises(SignInRefused):
        sign_in(store, priya, LATER + timedelta(minutes=1), code=code)
    assert sign_in(store, priya, LATER + timedelta(minutes=2), code=priya.recovery_codes[4])


def test_a_recovery_code_of_another_account_does_not_open_this_one(store: Store) -> None:
    priya = enrol(store, "priya")
    olu = enrol(store, "olu", Role.office, name="Olu Bello")
    with pytest.raises(SignInRefused):
        sign_in(store, priya, LATER, code=olu.recovery_codes[0])


def test_sign_ins_and_refusals_are_in_the_audit_chain_by_account_reference(
    store: Store,
) -> None:
    priya = enrol(store)
    refusal(store, "nobody", "whatever it is", "123456")
    refusal(store, "priya", priya.password, "000000")
    opened = sign_in(store, priya, LATER)
    service.logout(store, opened.token, LATER + timedelta(minutes=1))

    trail = audit_trail(store)
    assert [(action, subject) for action, subject, _ in trail] == [
        ("staff.account_created", f"staff:{priya.account.id}"),
        ("staff.sign_in_failed", "staff:unknown"),
        ("staff.sign_in_failed", f"staff:{priya.account.id}"),
        ("staff.signed_in", f"staff:{priya.account.id}"),
        ("staff.session_ended", f"staff:{priya.account.id}"),
    ]
    assert trail[0][2] == "cli:test"
    with store.unit_of_work("test", reads_only=True) as uow:
        assert verify_chain(uow).intact


def test_a_hash_made_with_older_parameters_is_remade_at_the_next_good_sign_in(
    store: Store,
) -> None:
    priya = enrol(store, policy=QUICK)
    sign_in(store, priya, LATER)  # the default (stronger) parameters now apply

    with store.unit_of_work("test", reads_only=True) as uow:
        stored = repository.credentials(uow, "priya")
    assert stored is not None
    assert stored.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert sign_in(store, priya, LATER + timedelta(minutes=1))
