"""``steward marketing filter``: who on a list may be sent this campaign, and why not the rest.

Every address is judged by ``law.pecr.may_send`` on the ledger's current state (RULES.md R2.3-
R2.6); nothing here is a PECR rule. The list is read twice and streamed both times: the first pass
sends the addresses' blind indexes to the database in one set-based lookup, the second merges the
answers back in line order and writes ``allowed.csv`` and ``excluded.csv``. Memory holds only the
index of addresses seen (to catch duplicates) and the decisions already made for identical
situations, so a million-address list runs in well under a gigabyte.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from steward.consent.marketing_facts import StateFact, law_facts
from steward.consent.marketing_lookup import Entry, matched_states
from steward.errors import InvalidInput
from steward.law.pecr import Channel, MarketingDecision, Message, Recipient, may_send
from steward.law.subscribers import SubscriberType, classify_subscriber
from steward.store.database import UnitOfWork
from steward.store.identifiers import IdentifierKind, normalise_email

ALLOWED_FILE = "allowed.csv"
EXCLUDED_FILE = "excluded.csv"
_DECISION_CACHE = 65_536
_CsvWriter = Any  # csv.writer's type is private to typeshed
_Decide = Callable[[tuple[StateFact, ...], SubscriberType], MarketingDecision]


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
class FilterSummary:
    read: int
    allowed: int
    excluded: int
    routes: tuple[tuple[str, int], ...]
    allowed_file: Path
    excluded_file: Path


@dataclass(frozen=True)
class _Columns:
    header: list[str]
    email: int
    legal_form: int | None


def filter_list(uow: UnitOfWork, source: Path, out_dir: Path, campaign: Campaign) -> FilterSummary:
    """Write ``allowed.csv`` (input columns + route) and ``excluded.csv`` (line, input columns,
    route, reason, citation) for ``source`` into ``out_dir``."""
    if campaign.channel is not Channel.email:
        raise InvalidInput(
            f"lists hold email addresses; cannot filter for channel {campaign.channel.value!r}",
            where="--channel", hint="use --channel email",
        )
    early: dict[int, tuple[str, str]] = {}
    with _open(source) as header:
        columns = _columns(header, source)
    with _open(source) as first:
        states = matched_states(uow, _entries(uow, first, columns, early), campaign.purpose)
        out_dir.mkdir(parents=True, exist_ok=True)
        with (
            _open(source) as second,
            (out_dir / ALLOWED_FILE).open("w", newline="", encoding="utf-8") as allowed_out,
            (out_dir / EXCLUDED_FILE).open("w", newline="", encoding="utf-8") as excluded_out,
        ):
            return _write(second, columns, states, early, campaign,
                          csv.writer(allowed_out), csv.writer(excluded_out), out_dir)


def _open(source: Path) -> TextIO:
    try:
        return source.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InvalidInput(f"cannot read the list: {error.strerror}", where=str(source),
                           hint="give the path of a CSV file") from error


def _columns(handle: TextIO, source: Path) -> _Columns:
    header = next(csv.reader(handle), None)
    names = [name.strip().lower() for name in header or []]
    if "email" not in names:
        raise InvalidInput("the list has no email column", where=f"{source}:1",
                           hint="name the column of addresses 'email' in the first line")
    legal_form = names.index("legal_form") if "legal_form" in names else None
    return _Columns(header or [], names.index("email"), legal_form)


def _entries(
    uow: UnitOfWork, handle: TextIO, columns: _Columns, early: dict[int, tuple[str, str]]
) -> Iterator[Entry]:
    """First pass: the blind indexes of every valid, first-seen address, in line order; lines
    excluded before any law applies (not an address, a repeat) go into ``early``."""
    keys = uow.keys
    versions = keys.versions
    seen: dict[bytes, int] = {}
    reader = csv.reader(handle)
    next(reader, None)
    for row in reader:
        if not any(row):
            continue
        line = reader.line_num
        address = _address(row, columns)
        if address is None:
            early[line] = ("invalid_address", "not an email address")
            continue
        current = keys.blind_index(address, context=IdentifierKind.EMAIL)
        first = seen.setdefault(current, line)
        if first != line:
            early[line] = ("duplicate", f"the same address as line {first}")
            continue
        for version in versions:
            index = (
                current if version == keys.current
                else keys.blind_index(address, context=IdentifierKind.EMAIL, version=version)
            )
            yield line, index


def _address(row: list[str], columns: _Columns) -> str | None:
    if columns.email >= len(row):
        return None
    try:
        return normalise_email(row[columns.email])
    except InvalidInput:
        return None


def _write(
    handle: TextIO,
    columns: _Columns,
    states: Iterator[tuple[int, StateFact]],
    early: dict[int, tuple[str, str]],
    campaign: Campaign,
    allowed: _CsvWriter,
    excluded: _CsvWriter,
    out_dir: Path,
) -> FilterSummary:
    """Second pass: merge the states back by line and write each row where it belongs."""
    decide = _decider(campaign)
    subscribers: dict[str | None, SubscriberType | str] = {}
    allowed.writerow([*columns.header, "route"])
    excluded.writerow(["line", *columns.header, "route", "reason", "citation"])
    routes: Counter[str] = Counter()
    pending = next(states, None)
    reader = csv.reader(handle)
    next(reader, None)
    count = sent = 0
    for row in reader:
        if not any(row):
            continue
        line = reader.line_num
        count += 1
        facts: list[StateFact] = []
        while pending is not None and pending[0] <= line:
            facts.append(pending[1])
            pending = next(states, None)
        route, reason, citation = (
            (*early[line], "") if line in early
            else _judge(row, columns, facts, subscribers, decide)
        )
        routes[route] += 1
        if reason is None:
            sent += 1
            allowed.writerow([*row, route])
        else:
            excluded.writerow([line, *row, route, reason, citation])
    for _ in states:  # drain, so the lookup's temporary table is dropped
        pass
    return FilterSummary(count, sent, count - sent, tuple(sorted(routes.items())),
                         out_dir / ALLOWED_FILE, out_dir / EXCLUDED_FILE)


def _judge(
    row: list[str],
    columns: _Columns,
    facts: list[StateFact],
    subscribers: dict[str | None, SubscriberType | str],
    decide: _Decide,
) -> tuple[str, str | None, str]:
    """(route, reason or None when allowed, citation) for one valid, first-seen address."""
    at = columns.legal_form
    form = row[at] if at is not None and at < len(row) else None
    subscriber = subscribers.get(form)
    if subscriber is None:
        try:
            subscriber = subscribers[form] = classify_subscriber(form)
        except InvalidInput as error:
            subscriber = subscribers[form] = error.message
    if not isinstance(subscriber, SubscriberType):
        return "invalid_legal_form", subscriber, ""
    ordered = (
        tuple(facts) if len(facts) < 2
        else tuple(sorted(facts, key=lambda f: (f.purpose, f.channel, f.status.value)))
    )
    decision = decide(ordered, subscriber)
    return decision.route.value, None if decision.send else decision.reason, decision.citation


def _decider(campaign: Campaign) -> _Decide:
    """``may_send`` for this campaign, remembered per distinct situation (most rows share one)."""
    message = Message(channel=campaign.channel, purpose=campaign.purpose,
                      own_similar_products=campaign.own_similar_products)

    @lru_cache(maxsize=_DECISION_CACHE)
    def decide(facts: tuple[StateFact, ...], subscriber: SubscriberType) -> MarketingDecision:
        law = law_facts(facts, campaign.purpose, campaign.channel.value)
        return may_send(Recipient(subscriber), message, campaign.on, consent=law.consent,
                        relationship=law.relationship, objections=law.objections)

    return decide
