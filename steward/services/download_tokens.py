"""Links to a response package: issued with an expiry, redeemed by whoever holds the link.

UK GDPR Art 15(3) and Art 32: the person gets their copy through a link that works only until
it expires. The token is ``secrets.token_urlsafe(32)`` (256 bits), handed out once and stored
only as its SHA-256. Redeeming an expired token and an unknown one give the same answer, so the
answer tells a guesser nothing (docs/evidence.md). The web issue serves the package; this
module decides whether a link is good.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from steward.errors import InvalidInput, NotFound
from steward.store.database import Store
from steward.store.download_tokens import add_token, find_token, record_download

TOKEN_BYTES = 32
ISSUER = "staff:download"
DOWNLOADER = "public:download"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
_DIGEST = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Download:
    """What a good token opens: the request's package, which must still have this digest."""

    request_id: str
    package_digest: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_download_token(
    store: Store,
    request_id: str,
    expires_at: datetime,
    *,
    package_digest: str,
    actor: str = ISSUER,
) -> str:
    """A new token for the package of ``request_id`` (committed, audited); shown only now."""
    if not request_id.strip() or len(request_id) > 100:
        raise InvalidInput(
            "a request reference is 1 to 100 characters", where="request_id", hint="e.g. R-0042"
        )
    if not _DIGEST.fullmatch(package_digest):
        raise InvalidInput(
            "the package digest is not a SHA-256 in lower-case hex",
            where="package_digest",
            hint="give the digest write_response_package returned",
        )
    if expires_at.tzinfo is None:
        raise InvalidInput(
            "the expiry has no time zone", where="expires_at", hint="give a time in UTC"
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.unit_of_work(actor=actor) as uow:
        if expires_at <= uow.clock():
            raise InvalidInput(
                f"the expiry {expires_at.isoformat()} is not in the future",
                where="expires_at",
                hint="give a time after now, e.g. 30 days ahead",
            )
        add_token(
            uow,
            token_hash=token_hash(token),
            request_id=request_id,
            package_digest=package_digest,
            expires_at=expires_at,
        )
        uow.commit()
    return token


def redeem(store: Store, token: str, now: datetime, *, actor: str = DOWNLOADER) -> Download:
    """The request a token opens, counting the download; NotFound if expired or unknown."""
    if not _TOKEN.fullmatch(token):
        raise _not_valid()
    with store.unit_of_work(actor=actor) as uow:
        found = find_token(uow, token_hash(token))
        if found is None or found.expires_at <= now:
            raise _not_valid()
        record_download(uow, found, at=now)
        uow.commit()
    return Download(found.request_id, found.package_digest, found.expires_at)


def _not_valid() -> NotFound:
    """One answer for an unknown, malformed and expired link: a guesser learns nothing."""
    return NotFound(
        "this download link is not valid: it has expired or was never issued",
        where="download link",
        hint="ask the organisation for a new link",
    )
