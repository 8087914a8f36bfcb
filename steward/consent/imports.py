"""Reading a marketing list with the provenance of every address, or refusing it.

The organisation promises never to use bought lists, so an address enters the consent ledger only
with where it came from, when, and the basis it may be marketed on: consent evidence naming the
organisation as the sender (PECR reg 22(2); RULES.md R2.3(a)), or the customer relationship a soft
opt-in rests on (reg 22(3); R2.3(b)). Details from a bought list, a partner or another group
company never found a soft opt-in (R2.3 edge cases). This module only reads and checks the file;
``steward.services.list_import`` records what it yields.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from steward.consent.events import occurred_after
from steward.consent.free_text import contact_identifier_in
from steward.consent.identifiers import normalise_email
from steward.consent.marketing_facts import LONDON, relationship_of
from steward.errors import InvalidInput
from steward.law.pecr import (
    Channel,
    Consent,
    DetailsSource,
    ListSource,
    Message,
    Recipient,
    Relationship,
    may_send,
)
from steward.law.subscribers import LegalForm, SubscriberType

BASE_COLUMNS = ("email", "source", "obtained_from", "obtained_on", "basis", "legal_form")
CONSENT_COLUMNS = (
    "consent_wording",
    "consent_version",
    "consent_where",
    "consent_at",
    "consent_names_us",
)
SOFT_OPT_IN_COLUMNS = (
    "relationship",
    "relationship_date",
    "relationship_ref",
    "opt_out_at_collection",
)
_SOURCE_LIMIT = 200
_VERSION_LIMIT = 50
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
_COLUMNS_HINT = (
    "give every row: "
    + ", ".join(BASE_COLUMNS)
    + "; consent rows also: "
    + ", ".join(CONSENT_COLUMNS)
    + "; soft opt-in rows also: "
    + ", ".join(SOFT_OPT_IN_COLUMNS)
    + " (see docs/consent.md, 'Marketing and unsubscribe')"
)


class Basis(StrEnum):
    """What an imported address may be marketed on (RULES.md R2.3 routes (a) and (b))."""

    CONSENT = "consent"
    SOFT_OPT_IN = "soft_opt_in"


@dataclass(frozen=True)
class ConsentEvidence:
    """The consent as shown and given: wording, its version, where and when, and to whom."""

    wording: str
    version: str
    where: str
    given_at: str
    names_us: bool


@dataclass(frozen=True)
class CustomerRelationship:
    """The sale or negotiation during which the organisation itself collected the address."""

    kind: DetailsSource
    on: dt.date
    reference: str
    opt_out_at_collection: bool


@dataclass(frozen=True)
class ListEntry:
    """One address with its checked provenance, ready to record in the ledger."""

    line: int
    email: str
    source: str
    obtained_from: ListSource
    obtained_on: dt.date
    legal_form: LegalForm
    consent: ConsentEvidence | None
    relationship: CustomerRelationship | None

    @property
    def basis(self) -> Basis:
        return Basis.CONSENT if self.consent is not None else Basis.SOFT_OPT_IN


@dataclass(frozen=True)
class RowProblem:
    """Why one line cannot be imported, and how to fix it."""

    line: int
    column: str
    message: str
    hint: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.column}: {self.message}\n  hint: {self.hint}"


class MissingProvenance(InvalidInput):
    """The file lacks the columns that say where its addresses came from."""


_Choice = TypeVar("_Choice", bound=StrEnum)


class _Problem(Exception):
    def __init__(self, column: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.column, self.message, self.hint = column, message, hint


@dataclass(frozen=True)
class ListContext:
    """What the list is for and when it is read: the basis is checked for this purpose, channel
    and date, as if the message marketed the organisation's own similar products."""

    file: str
    purpose: str
    channel: Channel
    today: dt.date
    now: dt.datetime | None = None
    """When the list is read; a consent time later than this (beyond the clock allowance) is
    refused as an instant, not only by its date."""


def read_list(lines: Iterable[str], context: ListContext) -> Iterator[ListEntry | RowProblem]:
    """Yield each data row as a checked entry or as the problem that stops it, in file order.

    Raises MissingProvenance before any row when the header cannot carry provenance. Line numbers
    are the file's own (the header is line 1; a quoted field spanning lines counts each line).
    """
    reader = csv.reader(lines, strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise MissingProvenance(
            "the list is empty",
            where=context.file,
            hint="the first line must name the columns; " + _COLUMNS_HINT,
        ) from None
    except csv.Error as error:
        raise InvalidInput(
            f"not a readable CSV: {error}",
            where=f"{context.file}:1",
            hint="save the list as comma-separated UTF-8 text",
        ) from error
    _check_header(header, context.file)
    positions = {name: index for index, name in enumerate(header)}
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield RowProblem(
                reader.line_num,
                "-",
                f"not readable as CSV: {error}",
                "close every quoted field and save as UTF-8 text",
            )
            continue
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        try:
            yield _entry(line, {name: _cell(row, i) for name, i in positions.items()}, context)
        except _Problem as problem:
            yield RowProblem(line, problem.column, problem.message, problem.hint)


def _check_header(header: list[str], file: str) -> None:
    present = set(header)
    duplicated = sorted({name for name in header if header.count(name) > 1 and name})
    if duplicated:
        raise InvalidInput(
            f"columns named more than once: {', '.join(duplicated)}",
            where=f"{file}:1",
            hint="keep one column of each name",
        )
    missing = [name for name in BASE_COLUMNS if name not in present]
    groups = [group for group in (CONSENT_COLUMNS, SOFT_OPT_IN_COLUMNS) if present & set(group)]
    if not groups:
        missing += ["consent evidence or customer relationship columns"]
    for group in groups:
        missing += [name for name in group if name not in present]
    if missing:
        raise MissingProvenance(
            "the list does not record where its addresses came from (missing "
            + ", ".join(missing)
            + "); we never use bought lists, so every address needs its "
            "source, date and consent evidence or customer relationship",
            where=f"{file}:1",
            hint=_COLUMNS_HINT,
        )


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _entry(line: int, cells: dict[str, str], context: ListContext) -> ListEntry:
    try:
        email = normalise_email(_required(cells, "email"))
    except InvalidInput as error:
        raise _Problem(
            "email",
            f"{cells['email']!r} is {error.message}",
            error.hint or "give one address per row",
        ) from None
    basis = _choice(cells, "basis", Basis)
    obtained_from = _choice(cells, "obtained_from", ListSource)
    if obtained_from is ListSource.bought_list:
        raise _Problem(
            "obtained_from",
            "the address came from a bought list, and we never use bought lists",
            "remove the row; market to this person only after they give consent to us directly",
        )
    source = _evidence(cells, "source")
    if len(source) > _SOURCE_LIMIT:
        raise _Problem(
            "source",
            f"is longer than {_SOURCE_LIMIT} characters",
            "shorten it to a name such as 'shop checkout'",
        )
    try:
        legal_form = LegalForm.parse(_required(cells, "legal_form"))
    except InvalidInput as error:
        raise _Problem("legal_form", error.message, error.hint or "") from None
    obtained_on = _past_date(cells, "obtained_on", context.today)
    consent = _consent(cells, context) if basis is Basis.CONSENT else None
    entry = ListEntry(
        line=line,
        email=email,
        source=source,
        obtained_from=obtained_from,
        obtained_on=obtained_on,
        legal_form=legal_form,
        consent=consent,
        relationship=None if consent is not None else _relationship(cells, context.today),
    )
    _check_basis(entry, context)
    return entry


def _consent(cells: dict[str, str], context: ListContext) -> ConsentEvidence:
    given_at = _required(cells, "consent_at")
    try:
        parsed = dt.datetime.fromisoformat(given_at)
    except ValueError:
        raise _Problem(
            "consent_at",
            f"{given_at!r} is not a date or date-time",
            "write when consent was given as YYYY-MM-DD or YYYY-MM-DDTHH:MM",
        ) from None
    moment = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=LONDON)
    late = context.now is not None and occurred_after(moment, context.now)
    if parsed.date() > context.today or late:
        raise _Problem(
            "consent_at", f"{given_at} is in the future", "give the date consent was actually given"
        )
    version = _evidence(cells, "consent_version")
    if len(version) > _VERSION_LIMIT:
        # checked here, not when the event is built, so a bad row stops the file before the
        # first batch is written (the ledger's limit for a wording version)
        raise _Problem(
            "consent_version",
            f"is longer than {_VERSION_LIMIT} characters",
            "give the wording's version label, such as v3 or 2026-01",
        )
    return ConsentEvidence(
        wording=_evidence(cells, "consent_wording"),
        version=version,
        where=_evidence(cells, "consent_where"),
        given_at=parsed.isoformat(),
        names_us=_flag(cells, "consent_names_us"),
    )


def _relationship(cells: dict[str, str], today: dt.date) -> CustomerRelationship:
    return CustomerRelationship(
        kind=_choice(cells, "relationship", DetailsSource),
        on=_past_date(cells, "relationship_date", today),
        reference=_evidence(cells, "relationship_ref"),
        opt_out_at_collection=_flag(cells, "opt_out_at_collection"),
    )


def _check_basis(entry: ListEntry, context: ListContext) -> None:
    """Ask ``law.pecr`` whether the claimed basis holds on its own (RULES.md R2.3).

    The evidence is judged as for an individual subscriber and a message marketing our own
    similar products, so a row stands only on evidence that could ever support a send; the
    campaign itself is judged again by ``steward marketing filter``.
    """
    message = Message(channel=context.channel, purpose=context.purpose, own_similar_products=True)
    decision = may_send(
        Recipient(SubscriberType.individual),
        message,
        context.today,
        consent=_law_consent(entry),
        relationship=_law_relationship(entry),
    )
    if not decision.send:
        column = "consent_names_us" if entry.consent is not None else "relationship"
        raise _Problem(
            column,
            f"the {entry.basis.value} basis does not hold: {decision.reason} ({decision.citation})",
            "import the row with evidence that supports its basis, or remove it",
        )


def _law_consent(entry: ListEntry) -> Consent | None:
    if entry.consent is None:
        return None
    given_on = dt.datetime.fromisoformat(entry.consent.given_at).date()
    return Consent(given_on=given_on, names_sender=entry.consent.names_us)


def _law_relationship(entry: ListEntry) -> Relationship | None:
    if entry.relationship is None:
        return None
    return relationship_of(
        entry.relationship.kind,
        entry.obtained_from,
        entry.relationship.opt_out_at_collection,
        entry.obtained_on,
    )


def _evidence(cells: dict[str, str], column: str) -> str:
    value = _required(cells, column)
    found = contact_identifier_in(value)
    if found is not None:
        raise _Problem(
            column,
            f"contains {found}; evidence never holds identifiers",
            "give a reference instead, e.g. a form URL or an order number",
        )
    return value


def _required(cells: dict[str, str], column: str) -> str:
    value = cells.get(column, "")
    if not value:
        raise _Problem(column, "is empty", f"fill in {column}; " + _COLUMNS_HINT)
    return value


def _choice(cells: dict[str, str], column: str, kind: type[_Choice]) -> _Choice:
    value = _required(cells, column).lower()
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise _Problem(
            column, f"{value!r} is not one of {allowed}", f"write one of: {allowed}"
        ) from None


def _flag(cells: dict[str, str], column: str) -> bool:
    value = _required(cells, column).lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise _Problem(column, f"{value!r} is not yes or no", "write yes or no")


def _past_date(cells: dict[str, str], column: str, today: dt.date) -> dt.date:
    value = _required(cells, column)
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise _Problem(column, f"{value!r} is not a date", "write it as YYYY-MM-DD") from None
    if parsed > today:
        raise _Problem(column, f"{value} is in the future", "give the date it actually happened")
    return parsed
