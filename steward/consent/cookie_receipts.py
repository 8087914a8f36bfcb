"""A cookie banner receipt: what a visitor chose, on which notice, and the ledger events it makes.

UK GDPR Art 7(1) (demonstrate consent: who, when, what they were shown, how), Art 7(3)
(withdrawal as easy as giving), PECR reg 6 and Sch A1 (consent for non-exempt storage; a simple,
free means to object for the statistical and appearance exceptions); RULES.md R3.4-R3.5.

A receipt names the visitor only by the banner's anonymous id (``IdentifierKind.VISITOR``), the
cookie notice version shown by its digest, the banner's wording by its variant, how the choice
was made (``via``) and whether the browser sent Global Privacy Control. Each category chosen
becomes one consent event on the ``cookies`` channel, purpose = the category id, so the
ledger's current state per visitor and category is the choice in force (docs/banner.md).

A receipt made on an older notice is recorded with the digest actually shown (the visitor did
choose, on what they saw) and marked ``notice_current: false``; the banner asks again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from steward.consent.events import ConsentEvent, ConsentEventKind, EvidenceValue, PersonRef
from steward.errors import InvalidInput
from steward.manifest.vocabulary import CookieCategory

COOKIE_CHANNEL = "cookies"
"""The ledger channel of banner choices (marketing channels are email, sms, ...)."""

RECEIPT_SOURCE = "cookie-banner"
EVENT_PREFIX = "cookie-receipt:"

_RANDOM_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_VARIANT = re.compile(r"^[a-z0-9][a-z0-9._-]{0,49}$")
CATEGORIES = tuple(category.value for category in CookieCategory)


class ChoiceMode(StrEnum):
    """What a visitor may do about a category (PECR reg 6, Sch A1; law.cookies).

    - ``always``: every cookie in it is exempt without conditions (strictly necessary,
      communication): no choice is offered.
    - ``objection``: exempt under the statistical or appearance exception, which needs a simple,
      free means to object: on until the visitor switches it off.
    - ``consent``: at least one cookie in it needs consent: off until the visitor agrees.
    """

    ALWAYS = "always"
    OBJECTION = "objection"
    CONSENT = "consent"


class ReceiptVia(StrEnum):
    """Where the visitor made the choice."""

    BANNER = "banner"  # the first layer: Accept all / Reject all
    SETTINGS = "settings"  # the per-category settings
    PLACEHOLDER = "placeholder"  # "Accept and load" on an embedded player's placeholder


@dataclass(frozen=True)
class CookieOffer:
    """What the banner offers today: the notice digest, the wording's variant, and the choice
    mode of every declared category (from ``steward.notice.banner_config``)."""

    notice_digest: str
    variant: str
    modes: Mapping[str, ChoiceMode]


@dataclass(frozen=True)
class CookieReceipt:
    """One choice as the banner reports it; ``choices`` maps category id to allowed or not.

    A receipt may carry only some categories (a placeholder's carries its own); the others keep
    the state in force.
    """

    receipt_id: str
    visitor_id: str
    notice_digest: str
    variant: str
    via: ReceiptVia
    gpc: bool
    choices: Mapping[str, bool] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _require(
            bool(_RANDOM_ID.match(self.receipt_id)),
            "receipt",
            "22 base64url characters, new for every choice (a retry resends the same)",
        )
        _require(
            bool(_RANDOM_ID.match(self.visitor_id)),
            "visitor",
            "the 22 base64url characters of the visitor's consent cookie",
        )
        _require(
            bool(_DIGEST.match(self.notice_digest)),
            "digest",
            "the cookie notice digest from the banner's configuration, sha256:<64 hex>",
        )
        _require(
            bool(_VARIANT.match(self.variant)),
            "variant",
            "the variant from the banner's configuration (lower-case, at most 50 characters)",
        )
        _require(bool(self.choices), "choices", "give at least one category and true or false")
        for category in self.choices:
            if category not in CATEGORIES:
                raise InvalidInput(
                    f"unknown cookie category {category[:40]!r}",
                    where=f"choices.{category[:40]}",
                    hint=f"categories are {', '.join(CATEGORIES)}",
                )

    @property
    def event_ids(self) -> tuple[str, ...]:
        return tuple(event_id(self.receipt_id, category) for category in sorted(self.choices))


def event_id(receipt_id: str, category: str) -> str:
    """The ledger event id of one category in one receipt: a retry reproduces it."""
    return f"{EVENT_PREFIX}{receipt_id}:{category}"


def every_event_id(receipt_id: str) -> tuple[str, ...]:
    """Every event id a receipt could have made (one per category of the vocabulary)."""
    return tuple(event_id(receipt_id, category) for category in CATEGORIES)


def receipt_events(
    receipt: CookieReceipt, offer: CookieOffer, person: PersonRef, at: datetime
) -> tuple[ConsentEvent, ...]:
    """The consent events of ``receipt``, one per category, all at ``at`` (the time Steward
    received it: a browser's clock must not decide which choice is the latest).

    On the current notice a category must be one the banner offers a choice for. On an older
    notice the categories are not checked against today's declaration (the visitor chose among
    what they were shown); each is recorded as consent given or withdrawn unless today's
    declaration makes it an objection category.
    """
    current = receipt.notice_digest == offer.notice_digest
    events = []
    for category in sorted(receipt.choices):
        allowed = receipt.choices[category]
        mode = offer.modes.get(category)
        if current:
            _offered(category, mode)
        if mode is not ChoiceMode.OBJECTION:
            mode = ChoiceMode.CONSENT
        if receipt.gpc and allowed and mode is ChoiceMode.CONSENT:
            _require(
                receipt.via is not ReceiptVia.BANNER,
                f"choices.{category}",
                "the browser sends Global Privacy Control, a refusal of optional cookies; "
                "only a choice for this category in the settings or on a placeholder overrides it",
            )
        events.append(_event(receipt, category, allowed, mode, current, person, at))
    return tuple(events)


def _offered(category: str, mode: ChoiceMode | None) -> None:
    if mode is None:
        raise InvalidInput(
            f"the cookie banner offers no choice for {category}: no such cookie is declared",
            where=f"choices.{category}",
            hint="send only the categories in the banner's configuration",
        )
    if mode is ChoiceMode.ALWAYS:
        raise InvalidInput(
            f"{category} cookies are exempt and always on: there is no choice to record",
            where=f"choices.{category}",
            hint="send only the categories whose choice is 'consent' or 'objection'",
        )


_KIND = {
    (ChoiceMode.CONSENT, True): ConsentEventKind.GIVEN,
    (ChoiceMode.CONSENT, False): ConsentEventKind.WITHDRAWN,
    (ChoiceMode.OBJECTION, True): ConsentEventKind.PREFERENCE_CHANGED,
    (ChoiceMode.OBJECTION, False): ConsentEventKind.OBJECTED,
}


def _event(
    receipt: CookieReceipt,
    category: str,
    allowed: bool,
    mode: ChoiceMode,
    current: bool,
    person: PersonRef,
    at: datetime,
) -> ConsentEvent:
    kind = _KIND[mode, allowed]
    name = category.replace("_", " ")
    verb = "Allowed" if allowed else ("Objected to" if mode is ChoiceMode.OBJECTION else "Refused")
    evidence: dict[str, EvidenceValue] = {
        "receipt": receipt.receipt_id,
        "notice": receipt.notice_digest,
        "notice_current": current,
        "variant": receipt.variant,
        "via": receipt.via.value,
        "gpc": receipt.gpc,
    }
    return ConsentEvent(
        event_id=event_id(receipt.receipt_id, category),
        person=person,
        kind=kind,
        purpose=category,
        channel=COOKIE_CHANNEL,
        source=RECEIPT_SOURCE,
        wording=f"{verb} {name} cookies in the cookie banner ({receipt.via.value}), "
        f"as cookie notice {receipt.notice_digest} describes them",
        wording_version=receipt.variant,
        occurred_at=at,
        evidence=evidence,
        opted_in=True if kind is ConsentEventKind.PREFERENCE_CHANGED else None,
    )


def _require(condition: bool, where: str, hint: str) -> None:
    if not condition:
        raise InvalidInput(f"invalid cookie receipt field {where}", where=where, hint=hint)
