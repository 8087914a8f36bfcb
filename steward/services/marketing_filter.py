"""``steward marketing filter``: who on a list may be sent this campaign, and why not the rest.

Every address is judged by ``law.pecr.may_send`` on the ledger's current state (RULES.md R2.3-
R2.6); nothing here is a PECR rule. The list is read twice and streamed both times: the first pass
sends the addresses' blind indexes to the database in one set-based lookup, which leaves a small
situation id per line; the second reads each line's situation and writes ``allowed.csv`` and
``excluded.csv``. ``may_send`` is asked once per distinct situation and subscriber type, since most
lines share a handful. Memory holds only the index of addresses seen (to catch duplicates), one
id per line and the decisions, so a million-address list runs in well under a gigabyte.

The service takes the list as a seekable byte stream and writes to two text streams; which
files they are, and writing them safely, is the caller's (``steward.files``). Every cell written
is formula-safe (``steward.spreadsheet``). Asked for unsubscribe headers, each allowed row also
carries its ``List-Unsubscribe`` and ``List-Unsubscribe-Post`` values (RFC 2369, RFC 8058), so a
campaign can be sent from ``allowed.csv`` with the opt-out every message needs (PECR reg 22(3)(c)
and reg 23; RULES.md R2.3, R2.9).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, TextIO

from steward.consent.events import PersonRef
from steward.consent.identifiers import IdentifierKind, normalise_email
from steward.consent.list_csv import Added, ListWriter, added, list_text, records, rows
from steward.consent.marketing_facts import law_facts
from steward.consent.unsubscribe_headers import UnsubscribeEndpoints, unsubscribe_headers
from steward.consent.unsubscribe_token import UnsubscribeScope
from steward.errors import InvalidInput
from steward.law.pecr import Channel, Message, Recipient, may_send
from steward.law.subscribers import SubscriberType, classify_subscriber
from steward.services.unsubscribe import signer_for
from steward.store.database import UnitOfWork
from steward.store.marketing_lookup import Entry, ListStates, matched_states

ALLOWED_FILE = "allowed.csv"
EXCLUDED_FILE = "excluded.csv"
HEADER_COLUMNS = ("List-Unsubscribe", "List-Unsubscribe-Post")
"""The columns ``allowed.csv`` gains with unsubscribe links: each is its header's value."""


@dataclass(frozen=True)
class Campaign:
    """The message the list is for. ``own_similar_products`` must be true for soft opt-in
    recipients to be allowed (PECR reg 22(3)(b)); every message is assumed to identify the
    sender and carry Steward's unsubscribe headers (reg 23)."""

    purpose: str
    channel: Channel
    on: dt.date
    own_similar_products: bool = False


@dataclass(frozen=True)
class CampaignList:
    """The list to filter: a seekable byte stream (it is read twice) and the name errors give."""

    stream: BinaryIO
    name: str


@dataclass(frozen=True)
class FilterOutputs:
    """Where the rows go: the allowed list and the excluded rows with their reasons."""

    allowed: TextIO
    excluded: TextIO


@dataclass(frozen=True)
class UnsubscribeLinks:
    """Asks for each allowed row's unsubscribe header values.

    A token names a person, so an allowed address the ledger does not know yet (only a corporate
    subscriber can be one: PECR reg 22 does not apply to it, R2.2) is first recorded as a person
    by ``register``, which the caller runs in its own short unit of work; that person has no
    consent event, only the encrypted address an unsubscribe will be recorded against.
    """

    endpoints: UnsubscribeEndpoints
    register: Callable[[str], PersonRef]


@dataclass(frozen=True)
class FilterSummary:
    read: int
    allowed: int
    excluded: int
    routes: tuple[tuple[str, int], ...]
    registered: int = 0
    """Allowed addresses recorded as people so their unsubscribe links work."""


@dataclass(frozen=True)
class _Columns:
    header: list[str]
    email: int
    legal_form: int | None


def filter_list(
    uow: UnitOfWork,
    listing: CampaignList,
    outputs: FilterOutputs,
    campaign: Campaign,
    *,
    links: UnsubscribeLinks | None = None,
) -> FilterSummary:
    """Write the allowed rows (input columns + route, and the unsubscribe header values when
    ``links`` is given) and the excluded rows (line, input columns, route, reason, citation)."""
    if campaign.channel is not Channel.email:
        raise InvalidInput(
            f"lists hold email addresses; cannot filter for channel {campaign.channel.value!r}",
            where="channel",
            hint="filter for the email channel",
        )
    if not listing.stream.seekable():
        raise InvalidInput(
            "the list must be readable twice (a file, not a pipe)",
            where=listing.name,
            hint="save the list to a file first",
        )
    early: dict[int, tuple[str, str]] = {}
    with list_text(listing.stream, listing.name) as header:
        columns = _columns(header, listing.name)
    with list_text(listing.stream, listing.name) as first:
        states = matched_states(
            uow,
            _entries(uow, first, listing.name, columns, early),
            campaign.purpose,
            people=links is not None,
        )
    with list_text(listing.stream, listing.name) as second:
        return _Pass(
            uow, campaign, columns, states, early, links, ListWriter(outputs.allowed)
        ).write(second, listing.name, ListWriter(outputs.excluded))


def _columns(handle: TextIO, name: str) -> _Columns:
    first = next(rows(handle, name), None)
    header = first[1] if first is not None else []
    names = [column.strip().lower() for column in header]
    if "email" not in names:
        raise InvalidInput(
            "the list has no email column",
            where=f"{name}:1",
            hint="name the column of addresses 'email' in the first line",
        )
    legal_form = names.index("legal_form") if "legal_form" in names else None
    return _Columns(header, names.index("email"), legal_form)


def _entries(
    uow: UnitOfWork,
    handle: TextIO,
    name: str,
    columns: _Columns,
    early: dict[int, tuple[str, str]],
) -> Iterator[Entry]:
    """First pass: the blind indexes of every valid, first-seen address, in line order; lines
    excluded before any law applies (not an address, a repeat) go into ``early``."""
    keys = uow.keys
    email = IdentifierKind.EMAIL
    older = [version for version in keys.versions if version != keys.current]
    seen: dict[bytes, int] = {}
    reader = rows(handle, name)
    next(reader, None)
    for line, row in reader:
        if not any(row):
            continue
        address = _address(row, columns)
        if address is None:
            early[line] = ("invalid_address", "not an email address")
            continue
        current = keys.blind_index(address, context=email)
        first = seen.setdefault(current, line)
        if first != line:
            early[line] = ("duplicate", f"the same address as line {first}")
            continue
        yield line, current
        for version in older:  # rows not yet moved to the current key (steward keys rotate)
            yield line, keys.blind_index(address, context=email, version=version)


def _address(row: list[str], columns: _Columns) -> str | None:
    if columns.email >= len(row):
        return None
    try:
        return normalise_email(row[columns.email])
    except InvalidInput:
        return None


class _Headers:
    """Each allowed recipient's header values, its person found or (corporate) recorded."""

    def __init__(
        self, uow: UnitOfWork, links: UnsubscribeLinks, campaign: Campaign, columns: _Columns
    ) -> None:
        self.links, self.campaign, self.columns = links, campaign, columns
        self.signer = signer_for(uow.keys)  # built once: it derives a key per ring version
        self.registered = 0

    def columns_for(self, line: int, row: list[str], people: ListStates, route: str) -> Added:
        """The route and this recipient's header values (RFC 2369 §3.2, RFC 8058 §3.1)."""
        person = people.people.get(line)
        if person is None:
            address = _address(row, self.columns)
            if address is None:  # never: an allowed line holds a valid address
                raise InvalidInput("an allowed row has no address", where=f"line {line}")
            person = self.links.register(address)
            self.registered += 1
        token = self.signer.issue(
            UnsubscribeScope(person, self.campaign.purpose, self.campaign.channel.value)
        )
        values = dict(unsubscribe_headers(self.links.endpoints, token))
        return added(route, *(values[name] for name in HEADER_COLUMNS))


class _Pass:
    """Second pass: write each row where its line's situation puts it."""

    def __init__(
        self,
        uow: UnitOfWork,
        campaign: Campaign,
        columns: _Columns,
        states: ListStates,
        early: dict[int, tuple[str, str]],
        links: UnsubscribeLinks | None,
        allowed: ListWriter,
    ) -> None:
        self.campaign, self.columns, self.states, self.early = campaign, columns, states, early
        self.allowed = allowed
        self.headers = None if links is None else _Headers(uow, links, campaign, columns)

    def write(self, handle: TextIO, name: str, excluded: ListWriter) -> FilterSummary:
        columns, early, allowed, headers = self.columns, self.early, self.allowed, self.headers
        judge = _judge(self.campaign, self.states)
        at = columns.legal_form
        allowed.header([*columns.header, "route", *(HEADER_COLUMNS if headers else ())])
        excluded.header(["line", *columns.header, "route", "reason", "citation"])
        routes: Counter[str] = Counter()
        records_ = records(handle, name)
        next(records_, None)
        count = sent = 0
        for line, row, text in records_:
            if not any(row):
                continue
            count += 1
            if line in early:
                route, reason = early[line]
                routes[route] += 1
                excluded.numbered_row(line, row, text, added(route, reason, ""))
                continue
            verdict = judge(line, row[at] if at is not None and at < len(row) else None)
            routes[verdict.route] += 1
            if not verdict.send:
                excluded.numbered_row(line, row, text, verdict.columns)
                continue
            sent += 1
            if headers is None:
                allowed.row(row, text, verdict.columns)
            else:
                allowed.row(row, text, headers.columns_for(line, row, self.states, verdict.route))
        registered = headers.registered if headers else 0
        return FilterSummary(count, sent, count - sent, tuple(sorted(routes.items())), registered)


@dataclass(frozen=True)
class _Verdict:
    """Where a row goes: allowed.csv with ``route``, or excluded.csv with route, reason and
    citation (``columns``)."""

    send: bool
    route: str
    columns: Added


def _judge(campaign: Campaign, states: ListStates) -> Callable[[int, str | None], _Verdict]:
    """The verdict for a valid, first-seen address's line and legal form: ``may_send`` once per
    situation and subscriber type (PECR reg 22(1) corporate or 22(2)-(3) individual, R2.2)."""
    message = Message(
        channel=campaign.channel,
        purpose=campaign.purpose,
        own_similar_products=campaign.own_similar_products,
    )
    subscribers: dict[str | None, SubscriberType | _Verdict] = {}
    verdicts: dict[tuple[int, SubscriberType], _Verdict] = {}

    def judge(line: int, form: str | None) -> _Verdict:
        subscriber = subscribers.get(form)
        if subscriber is None:
            try:
                subscriber = subscribers[form] = classify_subscriber(form)
            except InvalidInput as error:
                subscriber = subscribers[form] = _Verdict(
                    False, "invalid_legal_form", added("invalid_legal_form", error.message, "")
                )
        if isinstance(subscriber, _Verdict):
            return subscriber
        key = (states.situation(line), subscriber)
        verdict = verdicts.get(key)
        if verdict is None:
            law = law_facts(states.situations[key[0]], campaign.purpose, campaign.channel.value)
            decision = may_send(
                Recipient(subscriber),
                message,
                campaign.on,
                consent=law.consent,
                relationship=law.relationship,
                objections=law.objections,
            )
            route = decision.route.value
            verdict = verdicts[key] = (
                _Verdict(True, route, added(route))
                if decision.send
                else _Verdict(False, route, added(route, decision.reason, decision.citation))
            )
        return verdict

    return judge
