"""Recording a cookie banner receipt: proof of a visitor's choice, refusals as well as consents.

UK GDPR Art 7(1) (the controller must be able to demonstrate consent), Art 5(2)
(accountability); PECR reg 6 (RULES.md R3.4: "demonstrable (keep a record)"). One receipt makes
one consent event per category chosen (each with its own audit link, ``consent.<kind>``) and one
``cookie_receipt.recorded`` audit event for the receipt as a whole, all in the caller's
transaction. A retry of the same receipt records nothing more and returns the original answer;
the same receipt id with a different choice is refused (``ConflictingEvent``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from steward.consent.cookie_receipts import CookieOffer, CookieReceipt, receipt_events
from steward.consent.events import PersonRef
from steward.services.notice_versions import NoticeKind, version_with_digest
from steward.store import audit, ledger
from steward.store.cookie_receipts import ensure_visitor, recorded_receipt
from steward.store.database import UnitOfWork

AUDIT_ACTION = "cookie_receipt.recorded"


@dataclass(frozen=True)
class ReceiptOutcome:
    """What was recorded. ``notice_current`` False: the visitor chose on an older cookie notice
    than today's (``current_digest``), so the banner should ask again. ``notice_published``: the
    digest shown names a cookie notice version the privacy centre published (its history)."""

    receipt_id: str
    person: PersonRef
    recorded_at: datetime
    replayed: bool
    notice_current: bool
    current_digest: str
    notice_published: bool


def record_receipt(uow: UnitOfWork, receipt: CookieReceipt, offer: CookieOffer) -> ReceiptOutcome:
    """Record ``receipt`` against what the banner offers today (``offer``).

    The events' time is when Steward first received the receipt (a retry reuses it), never the
    browser's clock, so the latest choice is the one that arrived last.
    """
    person = ensure_visitor(uow, receipt.visitor_id)
    earlier = recorded_receipt(uow, receipt.receipt_id)
    at = uow.clock() if earlier is None else earlier.occurred_at
    events = receipt_events(receipt, offer, person, at)
    results = [ledger.record(uow, event) for event in events]
    replayed = all(result.replayed for result in results)
    current = receipt.notice_digest == offer.notice_digest
    published = version_with_digest(uow, NoticeKind.COOKIE, receipt.notice_digest) is not None
    if not replayed:
        audit.append(
            uow,
            action=AUDIT_ACTION,
            subject=f"person:{person}",
            payload={
                "receipt": receipt.receipt_id,
                "notice": receipt.notice_digest,
                "notice_current": current,
                "notice_published": published,
                "variant": receipt.variant,
                "via": receipt.via.value,
                "gpc": receipt.gpc,
                "choices": dict(sorted(receipt.choices.items())),
                "events": [result.event_id for result in results],
            },
        )
    return ReceiptOutcome(
        receipt_id=receipt.receipt_id,
        person=person,
        recorded_at=at,
        replayed=replayed,
        notice_current=current,
        current_digest=offer.notice_digest,
        notice_published=published,
    )
