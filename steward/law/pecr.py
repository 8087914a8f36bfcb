"""May this sender send this electronic-mail marketing message to this recipient on this date?

PECR regs 22-23 and UK GDPR Art 21 as RULES.md §2 states them: consent to this sender, the soft
opt-in with every condition, the charity soft opt-in from 5 February 2026, corporate subscribers,
and objections, unsubscribes and suppression, which always win.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from steward.errors import InvalidInput
from steward.law.subscribers import SubscriberType


class Channel(StrEnum):
    """Direct-marketing channels; all but post and phone are "electronic mail" (RULES.md R2.1)."""

    email = "email"
    sms = "sms"
    mms = "mms"
    voicemail = "voicemail"
    in_app = "in_app"
    social_dm = "social_dm"
    post = "post"
    phone = "phone"

    @property
    def is_electronic_mail(self) -> bool:
        """PECR reg 2 "electronic mail" (RULES.md R2.1)."""
        return self not in (Channel.post, Channel.phone)


class DetailsSource(StrEnum):
    """How the sender came to hold the recipient's contact details (RULES.md R2.3, R2.4)."""

    sale = "sale"
    negotiation = "negotiation"
    charity_support = "charity_support"
    newsletter_signup = "newsletter_signup"
    content_download = "content_download"
    website_visit = "website_visit"
    bought_list = "bought_list"
    third_party = "third_party"
    other = "other"


class ListSource(StrEnum):
    """Who handed the sender the recipient's details. Only ``directly`` (collected by the sender
    from the person) can found a soft opt-in; bought lists never can (RULES.md R2.3).

    This is the one list: manifests (``marketing.list_sources``), imported lists
    (``obtained_from``) and the ledger's evidence all use it. Manifests written before it was
    shared may still say ``own_collection`` and ``bought``; those are read as ``directly`` and
    ``bought_list``.
    """

    directly = "directly"
    bought_list = "bought_list"
    partner = "partner"
    group_company = "group_company"
    third_party = "third_party"

    @classmethod
    def _missing_(cls, value: object) -> ListSource | None:
        return _EARLIER_LIST_SOURCES.get(str(value))


_EARLIER_LIST_SOURCES = {"own_collection": ListSource.directly, "bought": ListSource.bought_list}


class Route(StrEnum):
    """Why a message may or may not be sent; the first word of every decision."""

    consent = "consent"
    soft_opt_in = "soft_opt_in"
    charity_soft_opt_in = "charity_soft_opt_in"
    corporate_subscriber = "corporate_subscriber"
    suppressed = "suppressed"
    objection = "objection"
    message_non_compliant = "message_non_compliant"
    no_basis = "no_basis"


@dataclass(frozen=True)
class Recipient:
    """The subscriber, and whether the address names a person (e.g. jane.doe@acme.co.uk)."""

    subscriber: SubscriberType
    named_person: bool = False


@dataclass(frozen=True)
class Consent:
    """Marketing consent as recorded (UK GDPR Art 4(11), 7; PECR reg 22(2); RULES.md R2.3).

    `names_sender` is False for consent to "selected third parties" or a list seller's wording.
    `channels` / `purposes` of None mean every electronic-mail channel / every marketing purpose.
    """

    given_on: date
    names_sender: bool
    channels: frozenset[Channel] | None = None
    purposes: frozenset[str] | None = None
    withdrawn_on: date | None = None


@dataclass(frozen=True)
class Relationship:
    """How and when the sender obtained the details, and what the person was offered then."""

    source: DetailsSource
    obtained_on: date
    opt_out_offered_at_collection: bool
    refused_at_collection: bool = False


@dataclass(frozen=True)
class Objection:
    """An objection, unsubscribe or withdrawal the person (or business) made (RULES.md R2.6).

    `channel` is where it arrived or what it names (None: all); it covers every direct-marketing
    channel unless `limited_to_channel` or the policy says otherwise. `purpose` None: all marketing.
    """

    received_on: date
    channel: Channel | None = None
    limited_to_channel: bool = False
    purpose: str | None = None


@dataclass(frozen=True)
class Message:
    """One marketing message (or campaign) as sent (PECR regs 22(3), 22(3A), 23; RULES.md R2.9).

    `own_similar_products`: it markets only the sender's own products or services similar to
    those of the sale or negotiation. `opt_out_included`: it gives a valid address and a simple,
    free means to refuse.
    """

    channel: Channel
    purpose: str | None = None
    identifies_sender: bool = True
    opt_out_included: bool = True
    own_similar_products: bool = False
    sender_is_charity: bool = False
    furthers_charitable_purposes_only: bool = False


@dataclass(frozen=True)
class PecrPolicy:
    """Interpretations RULES.md leaves open, as documented defaults (see docs/rules.md).

    - `objection_covers_all_channels` (R2.6 [I]): an objection not expressly limited to one
      channel stops marketing on every channel. Default True.
    - `charity_soft_opt_in_from` (R2.4 [P], SI 2026/82 reg 2(x)): 2026-02-05.
    - `charity_covers_earlier_supporters` (R2.4, debated [S Mondaq]; UNCONFIRMED): whether
      details gathered before commencement qualify. Default False (conservative).
    """

    objection_covers_all_channels: bool = True
    charity_soft_opt_in_from: date = date(2026, 2, 5)
    charity_covers_earlier_supporters: bool = False


DEFAULT_POLICY = PecrPolicy()


@dataclass(frozen=True)
class MarketingDecision:
    """Send or not, by which route, why, and the provision relied on."""

    send: bool
    route: Route
    reason: str
    citation: str


def may_send(
    recipient: Recipient,
    message: Message,
    on: date,
    *,
    consent: Consent | None = None,
    relationship: Relationship | None = None,
    objections: Iterable[Objection] = (),
    suppressed: bool = False,
    policy: PecrPolicy = DEFAULT_POLICY,
) -> MarketingDecision:
    """Decide one electronic-mail marketing send (RULES.md R2.1-R2.10).

    Suppression and objections are checked first and always win (UK GDPR Art 21(3); R2.6); every
    message must identify the sender and offer an opt-out (PECR reg 23); corporate subscribers
    need nothing more (reg 22(1)); individuals need consent (22(2)) or a soft opt-in (22(3),
    22(3A) for charities).
    """
    if not message.channel.is_electronic_mail:
        raise InvalidInput(
            f"channel {message.channel.value!r} is not electronic mail; PECR regs 22-23 do not "
            "decide it",
            where="channel",
            hint="may_send decides email, SMS, MMS, voicemail, in-app and social-media messages",
        )
    if suppressed:
        return MarketingDecision(
            False,
            Route.suppressed,
            "the recipient is on the suppression list; an objection always wins",
            "UK GDPR Art 21(3); PECR reg 22(3)(c)",
        )
    objection = _covering_objection(objections, message, on, policy)
    if objection is not None:
        return MarketingDecision(
            False,
            Route.objection,
            f"the recipient objected or unsubscribed on {objection.received_on.isoformat()}",
            "UK GDPR Art 21(2)-(3)",
        )
    if relationship is not None and relationship.refused_at_collection:
        return MarketingDecision(
            False,
            Route.objection,
            "the recipient refused marketing when the details were collected",
            "PECR reg 22(3)(c); UK GDPR Art 21(3)",
        )
    if not (message.identifies_sender and message.opt_out_included):
        return MarketingDecision(
            False,
            Route.message_non_compliant,
            "every marketing message must identify the sender and give a valid opt-out address",
            "PECR reg 23",
        )
    if recipient.subscriber is SubscriberType.corporate:
        extra = (
            "; the address names a person, so the UK GDPR also applies (lawful basis, Art 14 "
            "notice, absolute right to object)"
            if recipient.named_person
            else ""
        )
        return MarketingDecision(
            True,
            Route.corporate_subscriber,
            "corporate subscriber: reg 22 does not apply; the message identifies the sender and "
            "gives an opt-out address" + extra,
            "PECR regs 22(1), 23; UK GDPR Art 21",
        )
    return _individual_decision(message, on, consent, relationship, policy)


def objection_stops(
    objections: Iterable[Objection],
    channel: Channel,
    purpose: str | None,
    on: date,
    policy: PecrPolicy = DEFAULT_POLICY,
) -> bool:
    """Whether a recorded objection, unsubscribe or withdrawal stops marketing for ``purpose``
    on ``channel`` on ``on``, whatever else holds: it always wins (RULES.md R2.6; UK GDPR
    Art 21(3)). Used to keep other systems' suppression lists in step."""
    message = Message(channel=channel, purpose=purpose)
    return _covering_objection(objections, message, on, policy) is not None


def _covering_objection(
    objections: Iterable[Objection], message: Message, on: date, policy: PecrPolicy
) -> Objection | None:
    for objection in objections:
        if objection.received_on > on:
            continue
        if objection.purpose is not None and objection.purpose != message.purpose:
            continue
        limited = objection.limited_to_channel or not policy.objection_covers_all_channels
        if objection.channel is None or not limited or objection.channel is message.channel:
            return objection
    return None


def _individual_decision(
    message: Message,
    on: date,
    consent: Consent | None,
    relationship: Relationship | None,
    policy: PecrPolicy,
) -> MarketingDecision:
    consent_gap = _consent_gap(consent, message, on)
    if consent_gap is None:
        return MarketingDecision(
            True,
            Route.consent,
            "the recipient consented to marketing from this sender",
            "PECR reg 22(2)",
        )
    soft_gap = _soft_opt_in_gap(relationship, message, on)
    if soft_gap is None:
        return MarketingDecision(
            True,
            Route.soft_opt_in,
            "soft opt-in: details obtained by the sender in a sale or negotiation, own similar "
            "products, opt-out offered at collection and in this message",
            "PECR reg 22(3)",
        )
    charity_gap = _charity_gap(relationship, message, on, policy)
    if charity_gap is None:
        return MarketingDecision(
            True,
            Route.charity_soft_opt_in,
            "charity soft opt-in: details given in support of the charity's purposes, opt-out "
            "offered at collection and in this message, message furthers those purposes",
            "PECR reg 22(3A) (DUAA 2025 s.114)",
        )
    reasons = [f"no valid consent: {consent_gap}", f"no soft opt-in: {soft_gap}"]
    if message.sender_is_charity:
        reasons.append(f"no charity soft opt-in: {charity_gap}")
    return MarketingDecision(False, Route.no_basis, "; ".join(reasons), "PECR reg 22(2)-(3)")


def _consent_gap(consent: Consent | None, message: Message, on: date) -> str | None:
    """Why the recorded consent does not cover this message, or None if it does (R2.3(a))."""
    if consent is None:
        return "none recorded"
    if not consent.names_sender:
        return "the consent did not name this sender (PECR reg 22(2))"
    if consent.given_on > on:
        return f"consent was given only on {consent.given_on.isoformat()}"
    if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        return f"consent was withdrawn on {consent.withdrawn_on.isoformat()}"
    if consent.channels is not None and message.channel not in consent.channels:
        return f"the consent does not cover the {message.channel.value} channel"
    if consent.purposes is not None and message.purpose not in consent.purposes:
        return f"the consent does not cover the purpose {message.purpose!r}"
    return None


def _soft_opt_in_gap(relationship: Relationship | None, message: Message, on: date) -> str | None:
    """The first soft opt-in condition that fails, or None if all hold (PECR reg 22(3); R2.3)."""
    if relationship is None:
        return "no sale or negotiation recorded"
    if relationship.source not in (DetailsSource.sale, DetailsSource.negotiation):
        return (
            f"details came from {relationship.source.value.replace('_', ' ')}, not obtained by the "
            "sender in a sale or negotiation for a sale (reg 22(3)(a))"
        )
    if relationship.obtained_on > on:
        return f"details were obtained only on {relationship.obtained_on.isoformat()}"
    if not message.own_similar_products:
        return "the message does not market only the sender's own similar products (reg 22(3)(b))"
    if not relationship.opt_out_offered_at_collection:
        return "no simple, free opt-out was offered when the details were collected (reg 22(3)(c))"
    return None


def _charity_gap(
    relationship: Relationship | None, message: Message, on: date, policy: PecrPolicy
) -> str | None:
    """The first charity soft opt-in condition that fails, or None (PECR reg 22(3A); R2.4)."""
    start = policy.charity_soft_opt_in_from
    if not message.sender_is_charity:
        return "the sender is not a charity"
    if on < start:
        return f"the charity soft opt-in is in force only from {start.isoformat()}"
    if relationship is None or relationship.source is not DetailsSource.charity_support:
        return "details were not given when expressing interest in or supporting the charity"
    if relationship.obtained_on > on:
        return f"details were obtained only on {relationship.obtained_on.isoformat()}"
    if relationship.obtained_on < start and not policy.charity_covers_earlier_supporters:
        return f"details were obtained before {start.isoformat()} (policy default)"
    if not message.furthers_charitable_purposes_only:
        return "the message's sole purpose is not to further the charity's purposes"
    if not relationship.opt_out_offered_at_collection:
        return "no simple, free opt-out was offered when the details were collected"
    return None
