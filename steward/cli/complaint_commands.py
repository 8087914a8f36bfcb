"""``steward complaint``: complaints to the controller (DPA 2018 s.164A).

Thin commands (DESIGN.md §5 item 2): parse, call one function of
``steward.services.complaints``, render. The organisation (its name and its nation's bank
holidays) comes from the manifest (``STEWARD_MANIFEST``); mail from ``STEWARD_SMTP_*``. What
each step means: docs/complaints.md.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from steward.bootstrap import (
    MANIFEST_VARIABLE,
    declared_manifest,
    load_settings,
    mailer,
    open_store,
)
from steward.cli.deadline_commands import parse_date
from steward.complaints.lifecycle import AckMethod, ClosureReason, Complaint, ComplaintChannel
from steward.errors import ConfigError, InvalidInput
from steward.law.calendar import Nation
from steward.services import complaints as service
from steward.store.database import Store

_Reference = Annotated[str, typer.Argument(help="The complaint's reference, e.g. C-2026-ABC234.")]
_On = Annotated[
    str | None, typer.Option("--on", help="Day it happened, YYYY-MM-DD (default today).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(build_complaint_app(), name="complaint")


def build_complaint_app() -> typer.Typer:
    complaint_app = typer.Typer(
        help="Complaints to the controller (DPA 2018 s.164A): intake, acknowledgement, outcome.",
        no_args_is_help=True,
    )
    complaint_app.command("new")(new_command)
    complaint_app.command("list")(list_command)
    complaint_app.command("show")(show_command)
    complaint_app.command("acknowledge")(acknowledge_command)
    complaint_app.command("progress")(progress_command)
    complaint_app.command("outcome")(outcome_command)
    complaint_app.command("close")(close_command)
    return complaint_app


@dataclass(frozen=True)
class _Desk:
    store: Store
    nation: Nation
    organisation: str


@contextmanager
def _desk() -> Iterator[_Desk]:
    """The store and the organisation; the manifest first, so a missing one is refused before
    the database is opened."""
    settings = load_settings()
    manifest = declared_manifest(settings)
    if manifest is None:
        raise ConfigError(
            "the deployment's manifest is not named, so the organisation (its name and its "
            "bank holidays) is unknown",
            where=MANIFEST_VARIABLE,
            hint=f"export {MANIFEST_VARIABLE}=path/to/manifest (a file or a folder of files); "
            "see docs/configuration.md",
        )
    store = open_store(settings)
    try:
        yield _Desk(store, manifest.organisation.nation, manifest.organisation.name)
    finally:
        store.engine.dispose()


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _date(text: str | None, flag: str) -> date | None:
    return None if text is None else parse_date(text, where=flag)


def _summary(complaint: Complaint, desk: _Desk) -> str:
    from steward.cli.complaint_render import next_step

    view = service.show_complaint(desk.store, desk.nation, complaint.reference, actor=_actor())
    return f"{complaint.reference} {complaint.status.value} ({complaint.channel.value}); " + (
        next_step(view.clock)
    )


def _text(text: str | None, text_file: Path | None) -> str | None:
    if text is not None and text_file is not None:
        raise InvalidInput(
            "give the complaint's text once", where="--text", hint="use --text or --text-file"
        )
    if text_file is not None:
        return text_file.read_text(encoding="utf-8")
    return text


def new_command(
    channel: Annotated[ComplaintChannel, typer.Option("--channel", help="How it arrived.")],
    text: Annotated[str | None, typer.Option("--text", help="What the complaint is about.")] = None,
    text_file: Annotated[
        Path | None, typer.Option("--text-file", help="A UTF-8 file holding the complaint's text.")
    ] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="Day it arrived, YYYY-MM-DD (default today).")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The complainant's name.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="Their e-mail address.")] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Their postal address (lines with \\n).")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Their phone number.")] = None,
    request: Annotated[
        str | None, typer.Option("--request", help="The request it is about, e.g. R-2026-ABC234.")
    ] = None,
) -> None:
    """Record a complaint received by e-mail, phone, letter, in person or social media."""
    with _desk() as desk:
        complaint = service.receive_complaint(
            desk.store,
            desk.nation,
            channel=channel,
            received=_date(received, "--received"),
            text=_text(text, text_file),
            actor=_actor(),
            name=name,
            email=email,
            postal_address=address.replace("\\n", "\n") if address else None,
            phone=phone,
            request=request,
        )
        typer.echo(_summary(complaint, desk))


def list_command(
    all_: Annotated[bool, typer.Option("--all", help="Closed complaints too.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue complaints.")] = False,
    at_risk: Annotated[
        bool, typer.Option("--at-risk", help="Only those due within 7 days.")
    ] = False,
    email: Annotated[
        str | None, typer.Option("--email", help="Only this person's complaints.")
    ] = None,
) -> None:
    """Open complaints by the day their next step is due, at-risk and overdue ones marked."""
    from steward.cli.complaint_render import complaint_table

    with _desk() as desk:
        lines = service.list_complaints(
            desk.store,
            desk.nation,
            actor=_actor(),
            include_closed=all_,
            email=email,
            overdue=overdue,
            at_risk=at_risk,
        )
    complaint_table(lines)


def show_command(
    reference: _Reference,
    details: Annotated[
        bool, typer.Option("--details", help="Also print who complained and what they said.")
    ] = False,
) -> None:
    """One complaint: its facts, how its dates were reached and its timeline."""
    from steward.cli.complaint_render import complaint_view

    with _desk() as desk:
        view = service.show_complaint(desk.store, desk.nation, reference, actor=_actor())
    complaint_view(view, details=details)


def acknowledge_command(
    reference: _Reference,
    by: Annotated[
        AckMethod, typer.Option("--by", help="e-mail (sent by Steward), letter or in-person.")
    ] = AckMethod.email,
    already_sent: Annotated[
        bool,
        typer.Option("--already-sent", help="Record an e-mail sent from another mailbox."),
    ] = False,
    note: Annotated[
        str | None, typer.Option("--note", help="What was sent or handed over.")
    ] = None,
    on: _On = None,
) -> None:
    """Acknowledge receipt (within 30 days): Steward e-mails it, or staff record a letter."""
    sends = by is AckMethod.email and not already_sent
    if sends and (on is not None or note is not None):
        raise InvalidInput(
            "Steward sends the e-mail today; --on and --note record an acknowledgement "
            "made another way",
            where="--by",
            hint="add --already-sent for an e-mail sent from another mailbox, or --by letter",
        )
    settings = load_settings()
    sender = mailer(settings) if sends else None
    with _desk() as desk:
        if sender is not None:
            done = service.acknowledge_by_email(
                desk.store,
                desk.nation,
                sender,
                reference,
                organisation=desk.organisation,
                actor=_actor(),
            )
        else:
            done = service.record_acknowledgement(
                desk.store,
                desk.nation,
                reference,
                method=by,
                note=note,
                actor=_actor(),
                on=_date(on, "--on"),
            )
        typer.echo(_summary(done.complaint, desk))
    if done.message_id is not None:
        typer.echo("the acknowledgement was e-mailed to the complainant")


def progress_command(
    reference: _Reference,
    note: Annotated[str, typer.Option("--note", help="The step taken, or what they were told.")],
    told: Annotated[
        bool, typer.Option("--told", help="The complainant was told of progress.")
    ] = False,
    on: _On = None,
) -> None:
    """Record an enquiry made, or (--told) the complainant kept informed of progress."""
    with _desk() as desk:
        complaint = service.record_progress(
            desk.store,
            desk.nation,
            reference,
            note=note,
            told=told,
            actor=_actor(),
            on=_date(on, "--on"),
        )
        typer.echo(_summary(complaint, desk))


def outcome_command(
    reference: _Reference,
    outcome: Annotated[str, typer.Option("--outcome", help="The outcome the person was told.")],
    told_on: Annotated[
        str | None, typer.Option("--told-on", help="Day they were told (default today).")
    ] = None,
) -> None:
    """Record the outcome and the day the complainant was told it."""
    with _desk() as desk:
        complaint = service.record_outcome(
            desk.store,
            desk.nation,
            reference,
            outcome=outcome,
            actor=_actor(),
            told_on=_date(told_on, "--told-on"),
        )
        typer.echo(_summary(complaint, desk))


def close_command(
    reference: _Reference,
    reason: Annotated[
        ClosureReason,
        typer.Option("--reason", help="resolved, withdrawn or not-data-protection."),
    ] = ClosureReason.resolved,
    note: Annotated[str | None, typer.Option("--note", help="Why (required unless resolved).")] = (
        None
    ),
    on: _On = None,
) -> None:
    """Close the complaint: resolved once the outcome is given, or withdrawn, or not about
    the person's personal data."""
    with _desk() as desk:
        complaint = service.close_complaint(
            desk.store,
            desk.nation,
            reference,
            reason=reason,
            actor=_actor(),
            note=note,
            on=_date(on, "--on"),
        )
        typer.echo(_summary(complaint, desk))
