"""Who must be told of a rectification, erasure or restriction, and how (UK GDPR Art 19).

Art 19: the controller communicates any rectification (Art 16), erasure (Art 17(1)) or
restriction (Art 18) to each recipient to whom the data were disclosed, unless that proves
impossible or involves disproportionate effort; and tells the person who those recipients are if
they ask. The manifest says who they are: the purposes that use the affected data categories
(``Manifest.purposes_using``) list their recipients (``Purpose.recipients``).

How each is told:

- ``connector``: the recipient hosts a system the request acted on (``System.recipient``), so the
  change itself, made through that system's API, is how it was told;
- ``email``: the recipient's contact address in the manifest, after the commit that recorded the
  change, with the message id kept as evidence;
- ``manual``: no address and no connector: a step for staff ("tell X"), listed until done.
  A recipient that receives data only on request (``on_request_only``, e.g. the police) is told
  only if a disclosure was actually made, so it is always a manual step for staff to check.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from steward.errors import InvalidInput
from steward.manifest.schema import Manifest, Recipient
from steward.requests.kinds import RequestKind

ART_19 = "UK GDPR Art 19"
_CHANGES = (RequestKind.rectification, RequestKind.erasure, RequestKind.restriction)


class NoticeRoute(StrEnum):
    connector = "connector"
    email = "email"
    manual = "manual"


@dataclass(frozen=True)
class RecipientToTell:
    """One recipient to tell, the purposes and categories that make it one, and the route."""

    recipient_id: str
    name: str
    category: str
    purposes: tuple[str, ...]
    categories: tuple[str, ...]
    route: NoticeRoute
    systems: tuple[str, ...] = ()  # for ``connector``: the systems it hosts that were acted on
    address: str | None = None  # for ``email``: the contact address in the manifest
    note: str = ""

    @property
    def manual_step(self) -> str:
        return (
            f"tell {self.name} ({self.recipient_id}): {self.note}"
            if self.note
            else (f"tell {self.name} ({self.recipient_id})")
        )


def recipients_to_tell(
    manifest: Manifest, categories: Iterable[str], *, acted_on: Collection[str] = ()
) -> tuple[RecipientToTell, ...]:
    """Every recipient of a purpose using one of ``categories``, in manifest order, with its
    route. ``acted_on``: the systems whose records the request changed."""
    wanted = tuple(dict.fromkeys(categories))
    unknown = [c for c in wanted if c not in {d.id for d in manifest.data_categories}]
    if unknown:
        raise InvalidInput(
            f"the manifest declares no data category {', '.join(unknown)}",
            where="categories",
            hint="use the category ids of the manifest's data_categories",
        )
    purposes: dict[str, list[str]] = {}
    reached: dict[str, list[str]] = {}
    for category in wanted:
        for purpose in manifest.purposes_using(category):
            for recipient_id in purpose.recipients:
                purposes.setdefault(recipient_id, [])
                reached.setdefault(recipient_id, [])
                if purpose.id not in purposes[recipient_id]:
                    purposes[recipient_id].append(purpose.id)
                if category not in reached[recipient_id]:
                    reached[recipient_id].append(category)
    order = [r.id for r in manifest.recipients if r.id in purposes]
    return tuple(
        _route(
            manifest,
            manifest.recipient(rid),
            tuple(purposes[rid]),
            tuple(reached[rid]),
            acted_on,
        )
        for rid in order
    )


def _route(
    manifest: Manifest,
    recipient: Recipient,
    purposes: tuple[str, ...],
    categories: tuple[str, ...],
    acted_on: Collection[str],
) -> RecipientToTell:
    told = tuple(s.id for s in manifest.systems_hosted_by(recipient.id) if s.id in acted_on)
    base = RecipientToTell(
        recipient.id,
        recipient.name,
        recipient.category,
        purposes,
        categories,
        route=NoticeRoute.manual,
        note="the manifest gives no contact address: tell them another way and record it",
    )
    if told:
        return replace(
            base,
            route=NoticeRoute.connector,
            systems=told,
            note=f"told through the change made in {', '.join(told)}",
        )
    if recipient.on_request_only:
        return replace(
            base,
            note="only if data was disclosed to them on request: check the disclosure register",
        )
    address = recipient.contact.email if recipient.contact is not None else None
    if address:
        return replace(base, route=NoticeRoute.email, address=str(address), note="")
    return base


@dataclass(frozen=True)
class NoticeText:
    subject: str
    text: str


def notice_text(
    kind: RequestKind,
    recipient: RecipientToTell,
    *,
    organisation: str,
    request_reference: str,
    person: str,
) -> NoticeText:
    """The e-mail to a recipient. ``person`` identifies the data subject to the recipient (it
    is in the message because the recipient must find them; it is never stored or logged)."""
    if kind not in _CHANGES:
        raise InvalidInput(
            f"recipients are told of rectification, erasure or restriction, not {kind.value}",
            where="kind",
            hint="Art 19 covers Arts 16, 17(1) and 18 only",
        )
    done = {
        RequestKind.rectification: "rectified (corrected) personal data about",
        RequestKind.erasure: "erased personal data about",
        RequestKind.restriction: "restricted the processing of personal data about",
    }[kind]
    asks = {
        RequestKind.rectification: "Please correct the same data in what you hold.",
        RequestKind.erasure: "Please erase the same data from what you hold, unless you have "
        "your own lawful reason to keep it.",
        RequestKind.restriction: "Please restrict your processing of the same data: store it, "
        "but do not otherwise use it until we tell you the restriction is lifted.",
    }[kind]
    return NoticeText(
        subject=f"{organisation}: data {kind.value} under UK GDPR Art 19 ({request_reference})",
        text=(
            f"Dear {recipient.name},\n\n"
            f"Following a data-subject request (our reference {request_reference}), "
            f"{organisation} has {done} the person identified as {person}.\n\n"
            f"Data categories concerned: {', '.join(recipient.categories)}.\n"
            f"Purposes under which we shared it with you: {', '.join(recipient.purposes)}.\n\n"
            f"{asks}\n\n"
            "We are telling you because UK GDPR Art 19 requires us to tell each recipient to "
            "whom the data was disclosed. Please reply to confirm you have acted on it, quoting "
            f"our reference {request_reference}.\n"
        ),
    )


def recipients_for_person(told: Iterable[RecipientToTell]) -> tuple[str, ...]:
    """What the person is told when they ask who the recipients are (Art 19, last sentence):
    each recipient's name and category, in order."""
    return tuple(f"{r.name} ({r.category})" for r in told)


class NoticeStatus(StrEnum):
    told = "told"  # through the connector: the change itself reached the recipient's system
    pending = "pending"  # an e-mail waiting for the commit that made the change true
    sent = "sent"  # e-mailed; the message id is the evidence
    failed = "failed"  # the e-mail could not be sent: staff resend it or tell them another way
    manual = "manual"  # a step for staff: "tell X"

    @property
    def open(self) -> bool:
        """Staff still have something to do about it."""
        return self in (NoticeStatus.manual, NoticeStatus.failed, NoticeStatus.pending)


@dataclass(frozen=True)
class RecipientNotice:
    """How one recipient was (or is to be) told of one request's change: the evidence row."""

    id: int
    request_ref: str
    recipient: str
    change: RequestKind
    categories: tuple[str, ...]
    route: NoticeRoute
    status: NoticeStatus
    detail: str
    created_at: datetime
    system: str | None = None
    message_id: str | None = None
    told_at: datetime | None = None
