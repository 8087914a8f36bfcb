"""What one consent event writes: its ledger row and its audit link, built in one place.

``ledger.record`` (one event) and ``store.consent_bulk`` (a batch of imported events) both write
these, so an imported event is stored, and can later be checked against its audit link, exactly as
one recorded alone (docs/consent.md, "Order and the current state"; UK GDPR Art 5(2)).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from steward.consent.events import ConsentEvent
from steward.consent.state import order_key, status_after
from steward.store import audit
from steward.store.database import UnitOfWork


def event_values(event: ConsentEvent, digest: str, received_at: datetime) -> dict[str, Any]:
    """The event's ``consent_events`` row, plus the ``status`` and ``order_key`` its current
    state takes (the state row reuses these names; ``updated_at`` is ``received_at``)."""
    return {
        "event_id": event.event_id,
        "content_digest": digest,
        "person_ref": event.person,
        "kind": event.kind.value,
        "purpose": event.purpose,
        "channel": event.channel,
        "source": event.source,
        "wording": event.wording,
        "wording_version": event.wording_version,
        "evidence": json.dumps(dict(event.evidence), sort_keys=True),
        "opted_in": event.opted_in,
        "occurred_at": event.occurred_at,
        "received_at": received_at,
        "status": status_after(event).value,
        "order_key": order_key(event),
    }


def event_link(
    uow: UnitOfWork, event: ConsentEvent, digest: str, received_at: datetime
) -> audit.PendingLink:
    """The audit link of a recorded event: its payload names the event and its content digest,
    so the link can be checked against the ledger row it stands for."""
    return audit.pending(
        uow,
        action=f"consent.{event.kind.value}",
        subject=f"person:{event.person}",
        payload={
            "event_id": event.event_id,
            "purpose": event.purpose,
            "channel": event.channel,
            "content_digest": digest,
        },
        at=received_at,
    )
