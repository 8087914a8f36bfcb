"""Evidence that recipients were told (UK GDPR Art 19): rows of ``recipient_notices``.

No row holds the data subject's identifier or the recipient's address: the request reference
and the recipient's manifest id say who and whom; an e-mail's evidence is its Message-ID and
time. Nothing here commits or audits (``steward.services.recipient_notices`` does).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, select, update

from steward.errors import NotFound
from steward.requests.kinds import RequestKind
from steward.requests.recipients import NoticeRoute, NoticeStatus, RecipientNotice
from steward.store.database import UnitOfWork
from steward.store.tables import recipient_notices


def add(
    uow: UnitOfWork,
    *,
    request_ref: str,
    recipient: str,
    change: RequestKind,
    categories: tuple[str, ...],
    route: NoticeRoute,
    status: NoticeStatus,
    detail: str,
    system: str | None = None,
    told_at: datetime | None = None,
) -> RecipientNotice:
    new_id = uow.connection.execute(
        insert(recipient_notices)
        .values(
            request_ref=request_ref,
            recipient=recipient,
            change=change.value,
            categories=",".join(categories),
            route=route.value,
            system=system,
            status=status.value,
            detail=detail,
            created_at=uow.clock(),
            told_at=told_at,
        )
        .returning(recipient_notices.c.id)
    ).scalar_one()
    return get(uow, int(new_id))


def get(uow: UnitOfWork, notice_id: int) -> RecipientNotice:
    row = uow.connection.execute(
        select(recipient_notices).where(recipient_notices.c.id == notice_id)
    ).first()
    if row is None:
        raise NotFound(
            f"no recipient notice {notice_id}",
            where="recipient notice",
            hint="list a request's notices to find its number",
        )
    return _notice(row)


def settle(
    uow: UnitOfWork,
    notice_id: int,
    *,
    status: NoticeStatus,
    detail: str,
    message_id: str | None = None,
    told_at: datetime | None = None,
) -> RecipientNotice:
    """Move a notice to ``status`` (sent with its message id, failed, or told by staff)."""
    uow.connection.execute(
        update(recipient_notices)
        .where(recipient_notices.c.id == notice_id)
        .values(status=status.value, detail=detail, message_id=message_id, told_at=told_at)
    )
    return get(uow, notice_id)


def for_request(uow: UnitOfWork, request_ref: str) -> list[RecipientNotice]:
    rows = uow.connection.execute(
        select(recipient_notices)
        .where(recipient_notices.c.request_ref == request_ref)
        .order_by(recipient_notices.c.id)
    )
    return [_notice(row) for row in rows]


def _notice(row: Row[Any]) -> RecipientNotice:
    return RecipientNotice(
        id=int(row.id),
        request_ref=row.request_ref,
        recipient=row.recipient,
        change=RequestKind(row.change),
        categories=tuple(c for c in row.categories.split(",") if c),
        route=NoticeRoute(row.route),
        status=NoticeStatus(row.status),
        detail=row.detail,
        created_at=row.created_at,
        system=row.system,
        message_id=row.message_id,
        told_at=row.told_at,
    )
