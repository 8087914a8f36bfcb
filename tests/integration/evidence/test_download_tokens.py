"""Download tokens on SQLite and PostgreSQL: hashed at rest, expiring, audited, one answer."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from steward.errors import InvalidInput, NotFound
from steward.services.download_tokens import issue_download_token, redeem
from steward.store.audit import verify_chain
from steward.store.database import Store
from steward.store.tables import audit_events, download_tokens

ISSUED = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # the clock fixture's start
EXPIRES = ISSUED + timedelta(days=30)
PACKAGE = hashlib.sha256(b"the package").hexdigest()


def issue(store: Store, request_id: str = "REQ-2026-0042") -> str:
    return issue_download_token(store, request_id, EXPIRES, package_digest=PACKAGE)


def test_a_token_opens_its_request_package_until_it_expires(store: Store) -> None:
    token = issue(store)
    download = redeem(store, token, EXPIRES - timedelta(seconds=1))
    assert (download.request_id, download.package_digest) == ("REQ-2026-0042", PACKAGE)


def test_an_expired_token_and_an_unknown_one_get_the_same_answer(store: Store) -> None:
    token = issue(store)
    with pytest.raises(NotFound) as expired:
        redeem(store, token, EXPIRES)
    with pytest.raises(NotFound) as unknown:
        redeem(store, "x" * 43, ISSUED)
    with pytest.raises(NotFound) as malformed:
        redeem(store, "short", ISSUED)
    assert str(expired.value) == str(unknown.value) == str(malformed.value)


def test_only_the_hash_of_the_token_is_stored(store: Store) -> None:
    token = issue(store)
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        stored = list(uow.connection.execute(select(download_tokens.c.token_hash)).scalars())
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored[0]


def test_tokens_are_unguessable_and_distinct(store: Store) -> None:
    tokens = {issue(store) for _ in range(5)}
    assert len(tokens) == 5
    assert all(len(t) == 43 for t in tokens)  # 32 random bytes, base64url


def test_issuing_and_each_download_are_audited_under_the_request(store: Store) -> None:
    token = issue(store)
    redeem(store, token, ISSUED + timedelta(days=1))
    redeem(store, token, ISSUED + timedelta(days=2))
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        rows = list(uow.connection.execute(select(audit_events.c.action, audit_events.c.subject)))
        counted = uow.connection.execute(select(download_tokens.c.downloads)).scalar_one()
        assert verify_chain(uow).broken is None
    assert [tuple(r) for r in rows] == [
        ("download_token.issued", "request:REQ-2026-0042"),
        ("download_token.redeemed", "request:REQ-2026-0042"),
        ("download_token.redeemed", "request:REQ-2026-0042"),
    ]
    assert counted == 2


def test_a_failed_redemption_changes_nothing(store: Store) -> None:
    token = issue(store)
    with pytest.raises(NotFound):
        redeem(store, token, EXPIRES + timedelta(days=1))
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        actions = list(uow.connection.execute(select(audit_events.c.action)).scalars())
    assert actions == ["download_token.issued"]


def test_an_expiry_in_the_past_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput, match="not in the future"):
        issue_download_token(store, "REQ-1", ISSUED - timedelta(days=1), package_digest=PACKAGE)


def test_a_package_digest_that_is_not_sha256_is_refused(store: Store) -> None:
    with pytest.raises(InvalidInput, match="SHA-256"):
        issue_download_token(store, "REQ-1", EXPIRES, package_digest="abc")
