"""``steward request``: receive, verify and steer data-subject requests (UK GDPR Arts 12-21).

Thin commands (DESIGN.md §5 item 2): parse, call one function of ``steward.services.requests``,
render. The organisation's nation (bank holidays) comes from the manifest (``STEWARD_MANIFEST``);
mail (one-time codes) from ``STEWARD_SMTP_*``. What each step means: docs/requests.md.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated

import typer

from steward.bootstrap import load_settings, mailer, open_store, organisation_nation
from steward.cli.deadline_commands import parse_date
from steward.errors import InvalidInput, NotFound
from steward.law.calendar import Nation
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel, Request, RequestStatus, VerificationMethod
from steward.services import requests as service
from steward.store.database import Store

_Reference = Annotated[str, typer.Argument(help="The request's reference, e.g. R-2026-ABC234.")]


def register(app: typer.Typer) -> None:
    app.add_typer(build_request_app(), name="request")


def build_request_app() -> typer.Typer:
    """The ``request`` group; the engine's commands are added to it when present."""
    request_app = typer.Typer(
        help="Data-subject requests: intake, identity, the legal clock.", no_args_is_help=True
    )
    request_app.command("new")(new_command)
    request_app.command("verify")(verify_command)
    request_app.command("list")(list_command)
    request_app.command("show")(show_command)
    request_app.command("extend")(extend_command)
    request_app.command("pause")(pause_command)
    request_app.command("resume")(resume_command)
    request_app.command("refuse")(refuse_command)
    request_app.command("close")(close_command)
    request_app.command("assign")(assign_command)
    request_app.command("authority")(authority_command)
    request_app.command("fee")(fee_command)
    from steward.bootstrap import engine_wiring
    from steward.cli import plan_commands, response_commands

    plan_commands.register_into(
        request_app, lambda request_id: engine_wiring(load_settings(), request_id)
    )
    response_commands.register_into(request_app)
    return request_app


@contextmanager
def _desk() -> Iterator[tuple[Store, Nation]]:
    """The store and the organisation's nation; the nation first, so a missing manifest is
    refused before the database is opened."""
    settings = load_settings()
    nation = organisation_nation(settings)
    store = open_store(settings)
    try:
        yield store, nation
    finally:
        store.engine.dispose()


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _date(text: str | None, flag: str) -> date | None:
    return None if text is None else parse_date(text, where=flag)


def _summary(request: Request, store: Store, nation: Nation) -> str:
    view = service.show_request(store, nation, request.reference, actor=_actor())
    return (
        f"{request.reference} {request.status.value} ({request.kind.value}); due {view.clock.due}"
    )


def new_command(
    kind: Annotated[RequestKind, typer.Option("--kind", help="What the person asks for.")],
    channel: Annotated[Channel, typer.Option("--channel", help="How it arrived.")],
    email: Annotated[list[str] | None, typer.Option("--email", help="E-mail address.")] = None,
    phone: Annotated[list[str] | None, typer.Option("--phone", help="Phone number.")] = None,
    customer_number: Annotated[
        list[str] | None, typer.Option("--customer-number", help="Customer number.")
    ] = None,
    employee_number: Annotated[
        list[str] | None, typer.Option("--employee-number", help="Employee number.")
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="The person's name.")] = None,
    received: Annotated[
        str | None, typer.Option("--received", help="Day it arrived, YYYY-MM-DD (default today).")
    ] = None,
    details: Annotated[str | None, typer.Option("--details", help="What they asked.")] = None,
    change: Annotated[
        list[str] | None, typer.Option("--change", help="FIELD=NEW VALUE (rectification).")
    ] = None,
    send_code: Annotated[
        bool, typer.Option("--send-code", help="E-mail a one-time code to confirm identity.")
    ] = False,
) -> None:
    """Record a request as received: the clock starts on the day it arrived (Art 12A)."""
    identities = [
        (identity, value)
        for identity, values in (
            (IdentityKind.email, email),
            (IdentityKind.phone, phone),
            (IdentityKind.customer_number, customer_number),
            (IdentityKind.employee_number, employee_number),
            (IdentityKind.name, [name] if name else None),
        )
        for value in values or []
    ]
    settings = load_settings()
    code_mailer = mailer(settings) if send_code else None
    with _desk() as (store, nation):
        request = service.new_request(
            store,
            nation,
            kind=kind,
            channel=channel,
            received=_date(received, "--received") or service.today(store),
            identities=identities,
            actor=_actor(),
            details=details,
            changes=change or [],
            mailer=code_mailer,
        )
        typer.echo(_summary(request, store, nation))
    if code_mailer is not None:
        typer.echo("a one-time code was sent to the e-mail address given (valid 15 minutes)")


def verify_command(
    reference: _Reference,
    code: Annotated[str | None, typer.Option("--code", help="The six digits received.")] = None,
    send_code: Annotated[
        bool, typer.Option("--send-code", help="E-mail a new one-time code.")
    ] = False,
    method: Annotated[
        VerificationMethod | None,
        typer.Option("--method", help="How staff checked identity (document, known-contact, ...)."),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option(
            "--note", help="What was checked (with --send-code: why identity is in doubt)."
        ),
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Day identity was confirmed (default today).")
    ] = None,
) -> None:
    """Confirm identity: send a code, check a code, or record a staff check (RULES.md §12)."""
    chosen = [
        flag
        for flag, given in (("--code", code), ("--send-code", send_code), ("--method", method))
        if given
    ]
    if len(chosen) != 1:
        raise InvalidInput(
            "give exactly one of --code, --send-code or --method",
            where="verify",
            hint=f"e.g. steward request verify {reference} --send-code, then --code 123456",
        )
    code_mailer = mailer(load_settings()) if send_code else None
    with _desk() as (store, nation):
        if code_mailer is not None:
            sent = service.send_code(store, nation, reference, code_mailer, _actor(), why=note)
            typer.echo(sent.message)
            return
        if code is not None:
            request = service.verify_code(store, nation, reference, code, _actor())
        else:
            assert method is not None
            request = service.record_verification(
                store,
                nation,
                reference,
                method=method,
                note=note,
                actor=_actor(),
                on=_date(on, "--on"),
            )
        typer.echo(_summary(request, store, nation))


def list_command(
    status: Annotated[
        RequestStatus | None, typer.Option("--status", help="Only requests in this status.")
    ] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only overdue requests.")] = False,
    at_risk: Annotated[
        bool, typer.Option("--at-risk", help="Only those due within 7 days.")
    ] = False,
) -> None:
    """Requests by due date, overdue and at-risk ones marked."""
    from steward.cli.request_render import request_table

    with _desk() as (store, nation):
        lines = service.list_requests(
            store, nation, actor=_actor(), status=status, overdue=overdue, at_risk=at_risk
        )
    request_table(lines)


def show_command(reference: _Reference) -> None:
    """One request: its facts, how its due date was reached, its timeline, and its plan's
    steps, a step whose worker stopped beating for a minute marked stuck."""
    from steward.cli.plan_commands import render_plan
    from steward.cli.request_render import request_view
    from steward.services.request_reports import show_plan

    with _desk() as (store, nation):
        view = service.show_request(store, nation, reference, actor=_actor())
        try:
            plan: str | None = render_plan(show_plan(store, reference), store.clock())
        except NotFound:
            plan = None
    request_view(view)
    if plan is not None:
        typer.echo(plan)


def extend_command(
    reference: _Reference,
    reason: Annotated[str, typer.Option("--reason", help="Why: complexity or number.")],
    told_on: Annotated[
        str | None, typer.Option("--told-on", help="Day the person was told (default today).")
    ] = None,
) -> None:
    """Two further months, if the person is told with reasons within the first month."""
    with _desk() as (store, nation):
        day = _date(told_on, "--told-on") or service.today(store)
        request = service.extend(
            store, nation, reference, reason=reason, told_on=day, actor=_actor()
        )
        typer.echo(_summary(request, store, nation))


def pause_command(
    reference: _Reference,
    note: Annotated[str, typer.Option("--note", help="What needs clarifying.")],
    asked: Annotated[
        str | None, typer.Option("--asked", help="Day it was asked (default today).")
    ] = None,
) -> None:
    """Stop the clock while an access request is clarified (Art 12A; RULES.md R1.4)."""
    with _desk() as (store, nation):
        request = service.pause(
            store, nation, reference, note=note, actor=_actor(), asked=_date(asked, "--asked")
        )
        typer.echo(_summary(request, store, nation))


def resume_command(
    reference: _Reference,
    answered: Annotated[
        str | None, typer.Option("--answered", help="Day the answer came (default today).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What they said.")] = None,
) -> None:
    """The clarification is answered: the clock runs again."""
    with _desk() as (store, nation):
        request = service.resume(
            store,
            nation,
            reference,
            actor=_actor(),
            answered=_date(answered, "--answered"),
            note=note,
        )
        typer.echo(_summary(request, store, nation))


def refuse_command(
    reference: _Reference,
    reason: Annotated[str, typer.Option("--reason", help="Why it is unfounded or excessive.")],
) -> None:
    """Refuse a manifestly unfounded or excessive request, with reasons (Art 12(5))."""
    with _desk() as (store, nation):
        request = service.refuse(store, nation, reference, reason=reason, actor=_actor())
        typer.echo(_summary(request, store, nation))
    typer.echo("tell the person the reasons and their right to complain to the ICO and a court")


def close_command(
    reference: _Reference,
    outcome: Annotated[str, typer.Option("--outcome", help="How it ended.")],
) -> None:
    """Close the request with a note of its outcome."""
    with _desk() as (store, nation):
        request = service.close(store, nation, reference, outcome=outcome, actor=_actor())
        typer.echo(_summary(request, store, nation))


def assign_command(
    reference: _Reference,
    to: Annotated[str, typer.Option("--to", help="The member of staff who handles it.")],
) -> None:
    """Give the request to a member of staff."""
    with _desk() as (store, nation):
        request = service.assign(store, nation, reference, staff=to, actor=_actor())
        typer.echo(_summary(request, store, nation))
        typer.echo(f"assigned to {request.assigned_to}")


_On = Annotated[str | None, typer.Option("--on", help="Day it arrived (default today).")]


def authority_command(
    reference: _Reference,
    note: Annotated[str, typer.Option("--note", help="What evidence of authority arrived.")],
    on: _On = None,
) -> None:
    """A third party's authority to act arrived: the clock restarts that day (R1.1)."""
    with _desk() as (store, nation):
        request = service.record_authority(
            store, nation, reference, note=note, actor=_actor(), on=_date(on, "--on")
        )
        typer.echo(_summary(request, store, nation))


def fee_command(
    reference: _Reference,
    note: Annotated[str, typer.Option("--note", help="Why a fee could lawfully be charged.")],
    on: _On = None,
) -> None:
    """A lawful fee was paid (Art 12(5), 15(3)): the clock restarts that day (R1.1)."""
    with _desk() as (store, nation):
        request = service.record_fee(
            store, nation, reference, note=note, actor=_actor(), on=_date(on, "--on")
        )
        typer.echo(_summary(request, store, nation))
