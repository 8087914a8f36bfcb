"""Sign-ins racing each other, each on its own connection with real commits: one TOTP code
opens one session, and parallel wrong guesses are each counted."""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from steward.errors import SignInRefused
from steward.services import staff as service
from steward.store.database import Store
from tests.integration.staff.accounts import NOON, OPERATOR, QUICK, enrol

LATER = NOON + timedelta(minutes=1)


def test_one_code_used_by_four_sign_ins_at_once_opens_one_session(
    committed_store: Store,
) -> None:
    store = committed_store
    priya = enrol(store, policy=QUICK)
    code = priya.code(LATER)

    def attempt(_: int) -> bool:
        try:
            service.login(store, "priya", priya.password, code, "192.0.2.10", LATER, policy=QUICK)
        except SignInRefused:
            return False
        return True

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(attempt, range(4)))

    assert sorted(outcomes) == [False, False, False, True]


def test_five_wrong_guesses_at_once_lock_the_account(committed_store: Store) -> None:
    store = committed_store
    priya = enrol(store, policy=QUICK)

    def guess(n: int) -> None:
        with contextlib.suppress(SignInRefused):
            service.login(
                store, "priya", f"guess {n}", "000000", f"192.0.2.{n}", LATER, policy=QUICK
            )

    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(guess, range(5)))

    (listed,) = service.list_accounts(store, by=OPERATOR)
    assert listed.locked_until == LATER + timedelta(minutes=15)
    assert priya.account.id == listed.id
