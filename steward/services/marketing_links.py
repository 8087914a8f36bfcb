"""The signed link in a marketing message, as the privacy centre opens it: the RFC 8058
one-click unsubscribe, its landing page, and the way into the person's preferences.

The link's token (``steward.consent.unsubscribe_token``) names a person, a purpose and a
channel and is signed, so it is the only credential these pages need: nobody can make one for
someone else or widen one they hold. A token that does not verify is ``InvalidLink`` (404 on
the web) and nothing is recorded. Opening a link records nothing either: mail scanners follow
links, so only a POST unsubscribes (``unsubscribe_by_link``, the existing
``steward.services.unsubscribe.unsubscribe``). The caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from steward.consent.events import PersonRef
from steward.consent.preferences import channel_name
from steward.consent.state import ConsentState
from steward.consent.unsubscribe_token import UnsubscribeScope
from steward.errors import IntegrityError, NotFound
from steward.manifest.schema import Manifest
from steward.services.unsubscribe import UnsubscribeOutcome, signer_for, unsubscribe
from steward.store import ledger
from steward.store.database import UnitOfWork


class InvalidLink(NotFound):
    """The link's token was not issued by this deployment, or was altered or cut short."""


@dataclass(frozen=True)
class LinkScope:
    """What a verified link is about, with the purpose's and channel's names for people."""

    person: PersonRef
    purpose: str
    purpose_name: str
    channel: str
    channel_name: str


@dataclass(frozen=True)
class LinkLanding:
    """The landing page's facts: the link's scope and the person's current state for it."""

    scope: LinkScope
    state: ConsentState | None


@dataclass(frozen=True)
class LinkOutcome:
    scope: LinkScope
    outcome: UnsubscribeOutcome


def open_link(uow: UnitOfWork, token: str, manifest: Manifest | None) -> LinkScope:
    """The verified scope of ``token``; InvalidLink (nothing recorded) when it does not verify."""
    try:
        scope: UnsubscribeScope = signer_for(uow.keys).verify(token)
    except IntegrityError as error:
        raise InvalidLink(
            "this link is not one we sent, or it has been changed or cut short",
            where="link",
            hint="use the exact link from the message (if it was split across two lines, "
            "copy all of it), or reply to the message asking to unsubscribe",
        ) from error
    names = {} if manifest is None else {p.id: p.name for p in manifest.purposes}
    return LinkScope(
        person=PersonRef(scope.person_ref),
        purpose=scope.purpose,
        purpose_name=names.get(scope.purpose, scope.purpose),
        channel=scope.channel,
        channel_name=channel_name(scope.channel),
    )


def landing(uow: UnitOfWork, token: str, manifest: Manifest | None) -> LinkLanding:
    """What the GET of a link shows: its scope and the current state; records nothing."""
    scope = open_link(uow, token, manifest)
    state = ledger.current_state(uow, scope.person, scope.purpose, scope.channel)
    return LinkLanding(scope, state)


def unsubscribe_by_link(
    uow: UnitOfWork, token: str, manifest: Manifest | None, now: dt.datetime
) -> LinkOutcome:
    """The one-click unsubscribe (RFC 8058) and the landing page's button: recorded at once,
    in force before any further send (RULES.md R2.8); a second click records nothing more."""
    scope = open_link(uow, token, manifest)
    return LinkOutcome(scope, unsubscribe(uow, token, now))
