"""A person's marketing preferences, reached from the signed link in a message: each marketing
purpose × channel the manifest declares, their current state from the ledger, and changes.

Every change is one consent event with the source ``privacy_centre``, recorded in the same
transaction as the state it moves (RULES.md R2.8); what each change is recorded as, and when
agreeing is offered, is ``steward.consent.preferences``'s to decide. A change that would not
change the row's status records nothing, and a repeated form (a double click, a retry) replays
instead of adding: the event id is derived from the state it ends. The caller owns the
transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from steward.consent.events import ConsentEvent, EvidenceValue
from steward.consent.marketing_facts import LONDON
from steward.consent.preferences import (
    MarketingOffer,
    Preference,
    change_for,
    marketing_offers,
    objection_in_force,
    preferences,
    undeclared_offer,
)
from steward.consent.state import ConsentState, ConsentStatus
from steward.errors import InvalidInput
from steward.manifest.schema import Manifest
from steward.services.marketing_links import LinkScope, open_link
from steward.store import ledger
from steward.store.database import UnitOfWork

SOURCE = "privacy_centre"


@dataclass(frozen=True)
class PreferencePage:
    """The rows, the scope of the link that opened them, and an objection to all direct
    marketing if one is in force (it stops every row)."""

    link: LinkScope
    rows: tuple[Preference, ...]
    objection: ConsentState | None

    def row(self, purpose: str, channel: str) -> Preference:
        for row in self.rows:
            if row.purpose == purpose and row.channel == channel:
                return row
        raise InvalidInput(
            f"there is no marketing {purpose!r} by {channel!r} to change here",
            where="purpose",
            hint="choose one of the rows on the preferences page",
        )


@dataclass(frozen=True)
class PreferenceChange:
    """One change asked for, whether it was recorded (False: the row already said so), and
    the row afterwards."""

    row: Preference
    opt_in: bool
    recorded: bool


@dataclass(frozen=True)
class PreferenceUpdate:
    """The changes asked for and the page as it stands after them."""

    page: PreferencePage
    changes: tuple[PreferenceChange, ...]


def _offers(manifest: Manifest | None, link: LinkScope) -> tuple[MarketingOffer, ...]:
    offers = marketing_offers(manifest)
    if any(o.purpose == link.purpose and link.channel in o.channels for o in offers):
        return offers
    return (*offers, undeclared_offer(link.purpose, link.channel))


def _page(
    uow: UnitOfWork, link: LinkScope, manifest: Manifest | None, on: dt.date
) -> PreferencePage:
    states = ledger.states_of(uow, link.person)
    rows = preferences(_offers(manifest, link), states, on)
    return PreferencePage(link, rows, objection_in_force(states))


def preference_page(
    uow: UnitOfWork, token: str, manifest: Manifest | None, now: dt.datetime
) -> PreferencePage:
    """The person's rows; records nothing. A bad token is ``InvalidLink``."""
    link = open_link(uow, token, manifest)
    return _page(uow, link, manifest, now.astimezone(LONDON).date())


def change_preference(
    uow: UnitOfWork,
    token: str,
    manifest: Manifest | None,
    *,
    purpose: str,
    channel: str,
    opt_in: bool,
    now: dt.datetime,
    shown_version: str | None = None,
    via: str = "page",
) -> PreferenceUpdate:
    """Agree (``opt_in``) or stop one row. ``shown_version`` is the wording version the caller
    showed (the API must send it to agree); ``via`` says which door it came through."""
    link = open_link(uow, token, manifest)
    on = now.astimezone(LONDON).date()
    row = _page(uow, link, manifest, on).row(purpose, channel)
    recorded = _change(uow, link, row, opt_in, now, shown_version, token, via)
    after = _page(uow, link, manifest, on)
    changed = PreferenceChange(after.row(purpose, channel), opt_in, recorded)
    return PreferenceUpdate(after, (changed,))


def stop_all(
    uow: UnitOfWork, token: str, manifest: Manifest | None, now: dt.datetime, *, via: str = "page"
) -> PreferenceUpdate:
    """Stop every row that is not already stopped: as easy as agreeing (UK GDPR Art 7(3))."""
    link = open_link(uow, token, manifest)
    on = now.astimezone(LONDON).date()
    changes = []
    for row in _page(uow, link, manifest, on).rows:
        recorded = _change(uow, link, row, False, now, None, token, via)
        changes.append((row.purpose, row.channel, recorded))
    after = _page(uow, link, manifest, on)
    return PreferenceUpdate(
        after, tuple(PreferenceChange(after.row(p, c), False, r) for p, c, r in changes)
    )


def _already(row: Preference, opt_in: bool) -> bool:
    if opt_in:
        return row.status is ConsentStatus.GIVEN
    return row.refused


def _change(
    uow: UnitOfWork,
    link: LinkScope,
    row: Preference,
    opt_in: bool,
    now: dt.datetime,
    shown_version: str | None,
    token: str,
    via: str,
) -> bool:
    change = change_for(row, opt_in, shown_version)
    if _already(row, opt_in):
        return False
    state = ledger.current_state(uow, link.person, row.purpose, row.channel)
    ends = state.event_id if state is not None else "-"
    direction = "in" if opt_in else "out"
    event_id = "pref:" + _digest(f"{link.person}|{row.purpose}|{row.channel}|{direction}|{ends}")
    evidence: dict[str, EvidenceValue] = {
        "via": via,
        "token_digest": _digest(token),
        "link_purpose": link.purpose,
        "link_channel": link.channel,
    }
    event = ConsentEvent(
        event_id=event_id,
        person=link.person,
        kind=change.kind,
        purpose=row.purpose,
        channel=row.channel,
        source=SOURCE,
        wording=change.wording,
        wording_version=change.wording_version,
        occurred_at=now,
        evidence=evidence,
        opted_in=change.opted_in,
    )
    try:
        result = ledger.record(uow, event)
    except ledger.ConflictingEvent:
        return False  # the same change, sent twice at once: the first one was recorded
    return not result.replayed


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:40]
