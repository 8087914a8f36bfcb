"""Keys for the consent API (``POST /api/consent/events``, docs/web.md).

Recording a consent event for a person named by an identifier is not something the public may
do: anyone could sign anyone up, or fill the ledger. So the caller must present a key made by
``steward api-key create NAME`` (printed once; only its SHA-256 is kept) and revocable by
``steward api-key revoke NAME``. The key's name is the API caller's identity in the audit chain
(actor ``api:NAME``). Creating and revoking a key each write one audit event. The caller owns
the transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from steward.errors import Conflict, InvalidInput, NotFound
from steward.store import api_keys, audit
from steward.store.database import UnitOfWork

PREFIX = "stk_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class ApiKey:
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _checked(name: str) -> str:
    if not _NAME.match(name):
        raise InvalidInput(
            f"{name!r} is not a key name",
            where="name",
            hint="use 1-64 lower-case letters, digits, '_', '.' or '-', e.g. website-signup",
        )
    return name


def create_key(uow: UnitOfWork, name: str, now: dt.datetime) -> tuple[ApiKey, str]:
    """A new key called ``name``; the secret is returned once and never stored."""
    _checked(name)
    if api_keys.named(uow, name) is not None:
        raise Conflict(
            f"a key called {name!r} already exists",
            where="name",
            hint="choose another name, or revoke the old key first and create it again "
            "under a new name",
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    stored = api_keys.add(uow, name=name, key_hash=_hash(secret), created_at=now)
    audit.append(uow, action="api_key.created", subject=f"api_key:{name}", payload={"name": name})
    return ApiKey(stored.name, stored.created_at, None), secret


def revoke_key(uow: UnitOfWork, name: str, now: dt.datetime) -> ApiKey:
    found = api_keys.named(uow, _checked(name))
    if found is None:
        raise NotFound(
            f"no key called {name!r}", where="name", hint="list keys: steward api-key list"
        )
    if found.revoked_at is not None:
        return ApiKey(found.name, found.created_at, found.revoked_at)
    api_keys.revoke(uow, name, now)
    audit.append(uow, action="api_key.revoked", subject=f"api_key:{name}", payload={"name": name})
    return ApiKey(found.name, found.created_at, now)


def list_keys(uow: UnitOfWork) -> list[ApiKey]:
    return [ApiKey(k.name, k.created_at, k.revoked_at) for k in api_keys.all_keys(uow)]


def authenticate(uow: UnitOfWork, presented: str) -> ApiKey | None:
    """The live key ``presented`` is, or None (unknown, malformed or revoked)."""
    if not presented.startswith(PREFIX) or len(presented) > 100:
        return None
    found = api_keys.active_with_hash(uow, _hash(presented))
    return None if found is None else ApiKey(found.name, found.created_at, found.revoked_at)
