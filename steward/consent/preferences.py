"""Marketing preferences per purpose and channel: what the privacy centre shows a person, and
what each change they make is recorded as.

A person reaches their preferences through the signed link in a marketing message, so they
can always stop: withdrawing must be as easy as giving (UK GDPR Art 7(3)), and an objection to
direct marketing is absolute (Art 21(3); PECR reg 22(3)(c); RULES.md R2.6). Giving is offered
only where a consent given here would be valid and provable:

- the manifest declares the wording a person agrees to (``consent_wording``): the controller
  must be able to show what was agreed to (Art 7(1)), and the wording must be specific and
  informed (Art 4(11)); without it there is nothing to agree to;
- the purpose is not aimed at children: the page cannot check age or parental authorisation
  (Art 8; DPA 2018 s.9);
- no objection to all direct marketing is in force: the page does not lift an Art 21(3)
  objection by a click in one purpose's row; the person contacts the organisation instead.

What a stop is recorded as depends on who the purpose markets to. For individual subscribers a
``preference_changed`` opt-out for that one channel ends both consent and the soft opt-in
there. Corporate subscribers need neither (PECR reg 22 does not apply to them), so only an
objection stops their marketing: the stop is recorded as ``unsubscribed``, which the law module
applies to every channel of the purpose (``PecrPolicy.objection_covers_all_channels``).

Whether a refusal recorded elsewhere stops a row (an unsubscribe on another channel, an
objection to all direct marketing) is the law module's decision (``law.pecr.objection_stops``).
Pure: the ledger's states and the date come in; nothing is read or written here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from steward.consent.events import ConsentEventKind
from steward.consent.marketing_facts import StateFact, law_facts, london_date
from steward.consent.state import ConsentState, ConsentStatus
from steward.errors import InvalidInput
from steward.law.pecr import Channel, objection_stops
from steward.law.subscribers import SubscriberType
from steward.manifest.schema import Manifest, Purpose

CHANNEL_NAMES = {
    Channel.email: "Email",
    Channel.sms: "Text message (SMS)",
    Channel.mms: "Picture message (MMS)",
    Channel.voicemail: "Voicemail",
    Channel.in_app: "In-app message",
    Channel.social_dm: "Social media direct message",
    Channel.post: "Post",
    Channel.phone: "Phone call",
}

NO_WORDING = (
    "we have not published the words you would agree to; contact us if you want these "
    "messages again (UK GDPR Art 7(1))"
)
CHILDREN = (
    "these messages may go to children, and this page cannot check age or a parent's "
    "agreement; contact us if you want them again (UK GDPR Art 8)"
)
OBJECTED = (
    "you objected to all direct marketing on {day}; contact us if you want marketing again "
    "(UK GDPR Art 21(3))"
)


def channel_name(channel: str) -> str:
    try:
        return CHANNEL_NAMES[Channel(channel)]
    except ValueError:
        return channel


def wording_version(wording: str) -> str:
    """The version of a consent wording: a digest of its exact text, so the ledger records which
    words were agreed to even if the manifest is later edited (UK GDPR Art 7(1))."""
    return "w:" + hashlib.sha256(wording.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class MarketingOffer:
    """One marketing purpose as the privacy centre offers it.

    ``refusal`` is the event kind a stop is recorded as; ``give_blocked`` says why agreeing is
    not offered for this purpose at all (None: it may be offered).
    """

    purpose: str
    name: str
    description: str | None
    channels: tuple[str, ...]
    wording: str | None
    refusal: ConsentEventKind
    give_blocked: str | None

    @property
    def wording_version(self) -> str | None:
        return None if self.wording is None else wording_version(self.wording)


def _offer(manifest: Manifest, purpose: Purpose) -> MarketingOffer:
    assert purpose.marketing is not None
    children = any(manifest.subject_kind(kind).includes_children for kind in purpose.data_subjects)
    corporate = SubscriberType.corporate in purpose.marketing.subscriber_types
    blocked = None
    if purpose.consent_wording is None:
        blocked = NO_WORDING
    elif children or purpose.children is not None:
        blocked = CHILDREN
    return MarketingOffer(
        purpose=purpose.id,
        name=purpose.name,
        description=purpose.description,
        channels=tuple(c.value for c in purpose.marketing.channels),
        wording=purpose.consent_wording,
        refusal=ConsentEventKind.UNSUBSCRIBED if corporate else ConsentEventKind.PREFERENCE_CHANGED,
        give_blocked=blocked,
    )


def marketing_offers(manifest: Manifest | None) -> tuple[MarketingOffer, ...]:
    """Every marketing purpose the manifest declares, in its order (none without a manifest)."""
    if manifest is None:
        return ()
    return tuple(_offer(manifest, p) for p in manifest.purposes if p.marketing is not None)


def undeclared_offer(purpose: str, channel: str) -> MarketingOffer:
    """A link's purpose the manifest no longer declares (or no manifest): it can still be
    stopped, as its one-click link can (RULES.md R2.6), and nothing can be given."""
    return MarketingOffer(
        purpose=purpose,
        name=purpose,
        description=None,
        channels=(channel,),
        wording=None,
        refusal=ConsentEventKind.UNSUBSCRIBED,
        give_blocked=NO_WORDING,
    )


@dataclass(frozen=True)
class Preference:
    """One purpose on one channel for one person: what the ledger holds and what they can do.

    ``stopped_by`` is the refusal recorded elsewhere that stops this row whatever its own
    status (None: nothing else stops it); ``give_blocked`` why agreeing is not offered.
    """

    offer: MarketingOffer
    channel: str
    status: ConsentStatus | None
    since: dt.datetime | None
    stopped_by: ConsentState | None
    give_blocked: str | None

    @property
    def purpose(self) -> str:
        return self.offer.purpose

    @property
    def channel_name(self) -> str:
        return channel_name(self.channel)

    @property
    def refused(self) -> bool:
        return self.status is not None and self.status.is_refusal

    @property
    def can_stop(self) -> bool:
        """A stop records something new: the row's own status is not already a refusal."""
        return not self.refused

    @property
    def can_give(self) -> bool:
        return self.give_blocked is None and self.status is not ConsentStatus.GIVEN


def _facts(states: Iterable[ConsentState]) -> tuple[StateFact, ...]:
    return tuple(
        StateFact(s.purpose, s.channel, s.status, london_date(s.occurred_at)) for s in states
    )


def objection_in_force(states: Iterable[ConsentState]) -> ConsentState | None:
    """The earliest objection in force: an ``objected`` state for any purpose is an objection
    to all direct marketing (Art 21(2); ``marketing_facts``)."""
    objections = [s for s in states if s.status is ConsentStatus.OBJECTED]
    return min(objections, key=lambda s: s.occurred_at) if objections else None


def _stopped_by(
    states: tuple[ConsentState, ...], purpose: str, channel: str, on: dt.date
) -> ConsentState | None:
    """The refusal recorded for another purpose or channel that stops this row, if the law
    says one does; the row's own refusal is its status, not a stop from elsewhere."""
    others = tuple(s for s in states if not (s.purpose == purpose and s.channel == channel))
    try:
        law_channel = Channel(channel)
    except ValueError:
        return None
    objections = law_facts(_facts(others), purpose, channel).objections
    if not objection_stops(objections, law_channel, purpose, on):
        return None
    refusals = [
        s
        for s in others
        if s.status is ConsentStatus.OBJECTED
        or (s.status is ConsentStatus.UNSUBSCRIBED and s.purpose == purpose)
    ]
    return min(refusals, key=lambda s: s.occurred_at) if refusals else None


def preferences(
    offers: Iterable[MarketingOffer], states: Iterable[ConsentState], on: dt.date
) -> tuple[Preference, ...]:
    """One row per offered purpose and channel, with the person's ledger state on ``on``."""
    held = tuple(states)
    by_cell = {(s.purpose, s.channel): s for s in held}
    objection = objection_in_force(held)
    rows = []
    for offer in offers:
        for channel in offer.channels:
            own = by_cell.get((offer.purpose, channel))
            blocked = offer.give_blocked
            if blocked is None and objection is not None:
                blocked = OBJECTED.format(day=london_date(objection.occurred_at).isoformat())
            rows.append(
                Preference(
                    offer=offer,
                    channel=channel,
                    status=None if own is None else own.status,
                    since=None if own is None else own.occurred_at,
                    stopped_by=_stopped_by(held, offer.purpose, channel, on),
                    give_blocked=blocked,
                )
            )
    return tuple(rows)


@dataclass(frozen=True)
class Change:
    """What one change is recorded as: the event kind, ``opted_in`` for a preference change,
    and the wording and version shown (empty for a stop: nobody is shown words to say no)."""

    kind: ConsentEventKind
    opted_in: bool | None
    wording: str
    wording_version: str


def change_for(preference: Preference, opt_in: bool, shown_version: str | None = None) -> Change:
    """The event that records ``opt_in`` (True: agree; False: stop) for ``preference``.

    Agreeing where it is not offered is refused, with the reason. To agree, ``shown_version``
    must be the version of the wording the person was shown: agreeing to words that have since
    changed is not agreeing to these (UK GDPR Art 4(11), 7(1)).
    """
    offer = preference.offer
    if not opt_in:
        if offer.refusal is ConsentEventKind.PREFERENCE_CHANGED:
            return Change(ConsentEventKind.PREFERENCE_CHANGED, False, "", "")
        return Change(offer.refusal, None, "", "")
    if preference.give_blocked is not None or offer.wording is None:
        raise InvalidInput(
            f"agreeing to {offer.name!r} by {preference.channel_name.lower()} is not offered here",
            where="opt_in",
            hint=preference.give_blocked or NO_WORDING,
        )
    version = wording_version(offer.wording)
    if shown_version != version:
        raise InvalidInput(
            "the wording shown is not the current wording"
            if shown_version
            else "agreeing needs the version of the wording shown",
            where="wording_version",
            hint=f"show the person the current wording (version {version}) and send its "
            "version with the agreement",
        )
    return Change(ConsentEventKind.PREFERENCE_CHANGED, True, offer.wording, version)
