"""``steward deadline``: the date a data-subject request must be answered (RULES.md §1)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from steward.errors import InvalidInput
from steward.law.calendar import Nation
from steward.law.deadlines import Clarification, Deadline, extension_notice_due, response_due
from steward.manifest.load import load_manifest

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATE_HINT = "write dates as YYYY-MM-DD, e.g. 2026-03-03"


def parse_date(text: str, *, where: str) -> date:
    """A calendar date written YYYY-MM-DD; anything else is an error naming the argument."""
    cleaned = text.strip()
    if not _ISO_DATE.match(cleaned):
        raise InvalidInput(
            f"{text!r} is not a date in the form YYYY-MM-DD", where=where, hint=_DATE_HINT
        )
    try:
        return date.fromisoformat(cleaned)
    except ValueError as error:
        raise InvalidInput(
            f"{text!r} is not a calendar date", where=where, hint=_DATE_HINT
        ) from error


def parse_clarification(text: str) -> Clarification:
    """ASKED:ANSWERED, the days the clock stopped while an access request was clarified."""
    where = "--clarification"
    asked, separator, answered = text.partition(":")
    if not separator:
        raise InvalidInput(
            f"{text!r} is not ASKED:ANSWERED",
            where=where,
            hint="e.g. --clarification 2026-09-04:2026-09-10",
        )
    return parse_date(asked, where=where), parse_date(answered, where=where)


def deadline_for(
    received: str,
    *,
    nation: str | None = None,
    manifest: Path | None = None,
    extended: bool = False,
    id_received: str | None = None,
    authority_received: str | None = None,
    fee_paid: str | None = None,
    clarifications: list[str] | None = None,
) -> Deadline:
    """Parse the command's arguments and compute the deadline (RULES.md R1.9).

    The nation is --nation, else the manifest's organisation nation, else England. --extended
    means the extension notice went out on the last day it could (RULES.md R1.6).
    """
    if nation is not None:
        chosen = Nation.parse(nation, where="--nation")
    elif manifest is not None:
        chosen = load_manifest(manifest).organisation.nation
    else:
        chosen = Nation.england
    day = parse_date(received, where="RECEIVED")
    id_day = _optional_date(id_received, "--id-received")
    authority_day = _optional_date(authority_received, "--authority-received")
    fee_day = _optional_date(fee_paid, "--fee-paid")
    pauses = [parse_clarification(text) for text in clarifications or []]
    notice = None
    if extended:
        notice = extension_notice_due(
            day,
            id_received=id_day,
            authority_received=authority_day,
            fee_paid=fee_day,
            clarifications=pauses,
        )
    return response_due(
        day,
        chosen,
        id_received=id_day,
        authority_received=authority_day,
        fee_paid=fee_day,
        clarifications=pauses,
        extension_notice_sent=notice,
    )


def _optional_date(text: str | None, where: str) -> date | None:
    return None if text is None else parse_date(text, where=where)


def register(app: typer.Typer) -> None:
    @app.command("deadline")
    def deadline(
        received: Annotated[str, typer.Argument(help="Day the request was received, YYYY-MM-DD.")],
        nation: Annotated[
            str | None,
            typer.Option(help="england, wales, scotland or northern-ireland (bank holidays)."),
        ] = None,
        extended: Annotated[
            bool, typer.Option("--extended", help="The extension notice was sent in time.")
        ] = False,
        id_received: Annotated[
            str | None, typer.Option(help="Day requested identity information arrived.")
        ] = None,
        authority_received: Annotated[
            str | None, typer.Option(help="Day evidence of a third party's authority arrived.")
        ] = None,
        fee_paid: Annotated[str | None, typer.Option(help="Day a lawful fee was paid.")] = None,
        clarification: Annotated[
            list[str] | None,
            typer.Option(help="ASKED:ANSWERED days the clock stopped (repeatable)."),
        ] = None,
        explain: Annotated[bool, typer.Option("--explain", help="Show each step.")] = False,
        manifest: Annotated[
            Path | None, typer.Option(help="Manifest whose organisation nation is the default.")
        ] = None,
    ) -> None:
        """Print the date a data-subject request must be answered by (UK GDPR Art 12A)."""
        result = deadline_for(
            received,
            nation=nation,
            manifest=manifest,
            extended=extended,
            id_received=id_received,
            authority_received=authority_received,
            fee_paid=fee_paid,
            clarifications=clarification,
        )
        typer.echo(result.due.isoformat())
        if explain:
            for step in result.steps:
                typer.echo(f"  - {step}")
