"""Helpers for the privacy centre's tests: the Outserve manifest, people with unsubscribe tokens,
ledger states and audit actions read back from a real store."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from steward.consent.events import PersonRef
from steward.consent.purposes import PurposeCatalogue
from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from steward.services.unsubscribe import issue_token
from steward.store import ledger
from steward.store.database import Store

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
CONSENT_PURPOSE = "contact_marketing"  # consent, with declared wording
SOFT_PURPOSE = "client_marketing"  # soft opt-in, no wording
CORPORATE_PURPOSE = "corporate_client_marketing"


@cache
def outserve_manifest() -> Manifest:
    return load_manifest(OUTSERVE)


def person_with_token(
    store: Store,
    email: str = "ann@example.org",
    purpose: str = CONSENT_PURPOSE,
    channel: str = "email",
) -> tuple[PersonRef, str]:
    """A person in the ledger and their unsubscribe token, as ``marketing headers`` issues it."""
    catalogue = PurposeCatalogue.of(outserve_manifest())
    with store.unit_of_work(actor="test") as uow:
        person = ledger.ensure_person(uow, email=email)
        token = issue_token(uow, person, purpose, channel, purposes=catalogue)
        uow.commit()
    return person, token


def state_of(store: Store, person: PersonRef, purpose: str, channel: str = "email") -> str | None:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        found = ledger.current_state(uow, person, purpose, channel)
    return None if found is None else found.status.value


def chain_is_intact(store: Store) -> bool:
    from steward.store.audit import verify_chain

    with store.unit_of_work(actor="test", reads_only=True) as uow:
        return verify_chain(uow).intact


def consent_events(store: Store) -> list[tuple[str, str, str, str, str]]:
    """Every ledger event's (kind, purpose, channel, source, opted_in), oldest first."""
    from sqlalchemy import select

    from steward.store.tables import consent_events as events

    with store.engine.connect() as connection:
        rows = connection.execute(
            select(
                events.c.kind,
                events.c.purpose,
                events.c.channel,
                events.c.source,
                events.c.opted_in,
            ).order_by(events.c.sequence)
        )
        return [(r.kind, r.purpose, r.channel, r.source, str(r.opted_in)) for r in rows]


def form_token(page: str) -> str:
    """The CSRF field's value in a page."""
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def audit_actions(store: Store) -> list[tuple[str, str]]:
    """Every audit link's (action, subject), oldest first."""
    from sqlalchemy import select

    from steward.store.tables import audit_events

    with store.engine.connect() as connection:
        rows = connection.execute(
            select(audit_events.c.action, audit_events.c.subject).order_by(audit_events.c.sequence)
        )
        return [(row.action, row.subject) for row in rows]
