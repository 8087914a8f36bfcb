"""Download tokens for response packages, kept only as hashes (repository; no commit here).

A token is a bearer secret in a link sent to the person (UK GDPR Art 32: access to the copy of
their data is limited to whoever holds the link, for a limited time). Only its SHA-256 is
stored, so a copy of the database yields no working link. Each issue and each successful
download writes an audit event in the same transaction; the subject is the request, never the
person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update

from steward.store import audit
from steward.store.database import UnitOfWork
from steward.store.tables import download_tokens


@dataclass(frozen=True)
class StoredToken:
    token_hash: str
    request_id: str
    package_digest: str
    issued_at: datetime
    expires_at: datetime
    downloads: int
    last_downloaded_at: datetime | None


def add_token(
    uow: UnitOfWork,
    *,
    token_hash: str,
    request_id: str,
    package_digest: str,
    expires_at: datetime,
) -> StoredToken:
    issued_at = uow.clock()
    uow.connection.execute(
        insert(download_tokens).values(
            token_hash=token_hash,
            request_id=request_id,
            package_digest=package_digest,
            issued_at=issued_at,
            expires_at=expires_at,
            downloads=0,
            last_downloaded_at=None,
        )
    )
    audit.append(
        uow,
        action="download_token.issued",
        subject=f"request:{request_id}",
        payload={
            "token": token_hash[:16],
            "package_digest": package_digest,
            "expires_at": expires_at.isoformat(),
        },
    )
    return StoredToken(token_hash, request_id, package_digest, issued_at, expires_at, 0, None)


def find_token(uow: UnitOfWork, token_hash: str) -> StoredToken | None:
    row = uow.connection.execute(
        select(download_tokens).where(download_tokens.c.token_hash == token_hash)
    ).one_or_none()
    if row is None:
        return None
    return StoredToken(
        row.token_hash,
        row.request_id,
        row.package_digest,
        row.issued_at,
        row.expires_at,
        int(row.downloads),
        row.last_downloaded_at,
    )


def record_download(uow: UnitOfWork, token: StoredToken, *, at: datetime) -> None:
    """Count one download of the package behind ``token``, and audit it."""
    uow.connection.execute(
        update(download_tokens)
        .where(download_tokens.c.token_hash == token.token_hash)
        .values(downloads=download_tokens.c.downloads + 1, last_downloaded_at=at)
    )
    audit.append(
        uow,
        action="download_token.redeemed",
        subject=f"request:{token.request_id}",
        payload={"token": token.token_hash[:16], "package_digest": token.package_digest},
    )
