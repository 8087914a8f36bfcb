"""Tries at a code from two connections at once are all counted: the request row is locked for
the step (PostgreSQL ``FOR UPDATE``; SQLite's write lock), so no try is lost and the limit of
five holds (RULES.md §12)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from steward.errors import InvalidInput
from steward.law.calendar import Nation
from steward.mail import MemoryMailer
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel
from steward.services import requests as service
from steward.store import requests as repository
from steward.store.database import Store


def test_simultaneous_wrong_tries_are_each_counted(committed_store: Store) -> None:
    store = committed_store
    mailer = MemoryMailer()
    request = service.new_request(
        store,
        Nation.england,
        kind=RequestKind.access,
        channel=Channel.web,
        received=store.clock().date(),
        identities=[(IdentityKind.email, "ada@example.org")],
        actor="test",
        mailer=mailer,
    )
    sent = re.search(r"Your code is (\d{6})", mailer.sent[0].text)
    assert sent is not None
    wrong = "000000" if sent.group(1) != "000000" else "111111"

    def one_try(_: int) -> str:
        with pytest.raises(InvalidInput) as raised:
            service.verify_code(store, Nation.england, request.reference, wrong, "test")
        return raised.value.message

    with ThreadPoolExecutor(max_workers=4) as pool:
        messages = list(pool.map(one_try, range(4)))
    with store.unit_of_work("test", reads_only=True) as uow:
        latest = repository.latest_code(uow, request.reference)
    assert latest is not None and latest[1].attempts == 4
    assert sorted(messages) == sorted(
        f"the code is not the one sent; {left} tries left" for left in (1, 2, 3, 4)
    )
