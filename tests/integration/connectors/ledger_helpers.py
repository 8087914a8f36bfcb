"""Reading and writing the consent ledger and the Mailchimp run records in connector tests."""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select

from steward.consent.events import ConsentEvent, ConsentEventKind
from steward.consent.state import ConsentStatus
from steward.store import mailchimp_state
from steward.store.database import Store
from steward.store.ledger import current_state, ensure_person, find_person, record
from steward.store.mailchimp_state import RunRecord
from steward.store.tables import audit_events, consent_events
from tests.integration.connectors.conftest import LIST_ID

PURPOSE = "newsletter"
BEFORE = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def note(
    store: Store,
    email: str,
    kind: ConsentEventKind,
    *,
    channel: str = "email",
    purpose: str = PURPOSE,
    at: datetime = BEFORE,
) -> None:
    with store.unit_of_work(actor="test") as uow:
        record(
            uow,
            ConsentEvent(
                event_id=uuid.uuid4().hex,
                person=ensure_person(uow, email=email),
                kind=kind,
                purpose=purpose,
                channel=channel,
                source="web-form",
                wording="Send me the Outserve newsletter",
                wording_version="v1",
                occurred_at=at,
            ),
        )
        uow.commit()


def email_status(store: Store, email: str) -> ConsentStatus | None:
    with store.unit_of_work(actor="test") as uow:
        person = find_person(uow, email=email)
        state = current_state(uow, person, PURPOSE, "email") if person else None
        return state.status if state else None


def audit_trail(store: Store) -> list[tuple[str, str]]:
    with store.unit_of_work(actor="test") as uow:
        rows = uow.connection.execute(audit_events.select().order_by(audit_events.c.sequence))
        return [(row.action, row.subject) for row in rows]


def event_count(store: Store) -> int:
    with store.unit_of_work(actor="test") as uow:
        counted = uow.connection.execute(select(func.count()).select_from(consent_events))
        return int(counted.scalar_one())


def runs(store: Store) -> list[RunRecord]:
    with store.unit_of_work(actor="test") as uow:
        return mailchimp_state.runs(uow, LIST_ID)
