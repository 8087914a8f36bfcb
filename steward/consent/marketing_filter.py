"""``steward marketing filter``: who on a list may be sent this campaign, and why not the rest.

Every address is judged by ``law.pecr.may_send`` on the ledger's current state (RULES.md R2.3-
R2.6); nothing here is a PECR rule. The list is read twice and streamed both times: the first pass
sends the addresses' blind indexes to the database in one set-based lookup, which leaves a small
situation id per line; the second reads each line's situation and writes ``allowed.csv`` and
``excluded.csv``. ``may_send`` is asked once per distinct situation and subscriber type, since most
lines share a handful. Memory holds only the index of addresses seen (to catch duplicates), one
id per line and the decisions, so a million-address list runs in well under a gigabyte.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from steward.consent.list_csv import Added, ListWriter, added, records
from steward.consent.marketing_facts import law_facts
from steward.consent.marketing_lookup import Entry, ListStates, matched_states
from steward.errors import InvalidInput
from steward.law.pecr import Channel, Message, Recipient, may_send
from steward.law.subscribers import SubscriberType, classify_subscriber
from steward.store.database import UnitOfWork
from steward.store.identifiers import IdentifierKind, normalise_email

ALLOWED_FILE = "allowed.csv"
EXCLUDED_FILE = "excluded.csv"


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
            where="channel",
            hint="choose the email channel",
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
        return _write(
            second,
            columns,
            states,
            early,
            campaign,
            ListWriter(allowed_out),
            ListWriter(excluded_out),
            out_dir,
        )


def _open(source: Path) -> TextIO:
    try:
        return source.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InvalidInput(
            f"cannot read the list: {error.strerror}",
            where=str(source),
            hint="give the path of a CSV file",
        ) from error


def _columns(handle: TextIO, source: Path) -> _Columns:
    header = next(csv.reader(handle), None)
    names = [name.strip().lower() for name in header or []]
    if "email" not in names:
        raise InvalidInput(
            "the list has no email column",
            where=f"{source}:1",
            hint="name the column of addresses 'email' in the first line",
        )
    legal_form = names.index("legal_form") if "legal_form" in names else None
    return _Columns(header or [], names.index("email"), legal_form)


def _entries(
    uow: UnitOfWork, handle: TextIO, columns: _Columns, early: dict[int, tuple[str, str]]
) -> Iterator[Entry]:
    """First pass: the blind indexes of every valid, first-seen address, in line order; lines
    excluded before any law applies (not an address, a repeat) go into ``early``."""
    keys = uow.keys
    email = IdentifierKind.EMAIL
    older = [version for version in keys.versions if version != keys.current]
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


def _write(
    handle: TextIO,
    columns: _Columns,
    states: ListStates,
    early: dict[int, tuple[str, str]],
    campaign: Campaign,
    allowed: ListWriter,
    excluded: ListWriter,
    out_dir: Path,
) -> FilterSummary:
    """Second pass: write each row where its line's situation puts it."""
    judge = _judge(campaign, states)
    at = columns.legal_form
    allowed.header([*columns.header, "route"])
    excluded.header(["line", *columns.header, "route", "reason", "citation"])
    routes: Counter[str] = Counter()
    rows = records(handle)
    next(rows, None)
    count = sent = 0
    for line, row, text in rows:
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
        if verdict.send:
            sent += 1
            allowed.row(row, text, verdict.columns)
        else:
            excluded.numbered_row(line, row, text, verdict.columns)
    return FilterSummary(
        count,
        sent,
        count - sent,
        tuple(sorted(routes.items())),
        out_dir / ALLOWED_FILE,
        out_dir / EXCLUDED_FILE,
    )


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
