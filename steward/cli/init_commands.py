"""``steward init DIR``: a starter manifest folder from a few questions.

Asks with Rich prompts when run at a terminal; every question has a flag, so scripts and tests
run it without a terminal (``--name ... --email ... --address ...``). The folder is written only
after the starter loads, and never over an existing non-empty folder.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from steward.errors import InvalidInput, ManifestError, ManifestErrors
from steward.law.calendar import Nation
from steward.manifest.load import load
from steward.manifest.starter import StarterAnswers, starter_files

_FIELD_FLAGS = {
    "organisation.name": "--name",
    "organisation.company_number": "--company-number",
    "organisation.ico_registration": "--ico",
    "organisation.website": "--website",
    "organisation.registered_address": "--address",
    "organisation.privacy_contact": "--email",
    "rights.contact": "--email",
}


def _flag_of(field: str | None) -> str:
    """The flag that answers a manifest field, for an error a person can act on."""
    return next((f for k, f in _FIELD_FLAGS.items() if (field or "").startswith(k)), field or "?")


def _ask(value: str | None, question: str, *, flag: str, required: bool) -> str | None:
    """The flag's value; else, at a terminal, the answer to a prompt; else a clear error."""
    if value is not None:
        return value.strip() or None
    if not sys.stdin.isatty():
        if required:
            raise InvalidInput(
                f"no answer for {question.lower()!r}",
                where=flag,
                hint=f"give {flag} when steward init does not run at a terminal",
            )
        return None
    from rich.prompt import Prompt

    answer = Prompt.ask(question + ("" if required else " (Enter to skip)"), default="")
    while required and not answer.strip():
        answer = Prompt.ask(question + " (required)", default="")
    return answer.strip() or None


def _confirm(value: bool | None, question: str, *, default: bool) -> bool:
    if value is not None or not sys.stdin.isatty():
        return default if value is None else value
    from rich.prompt import Confirm

    return Confirm.ask(question, default=default)


def _check_target(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise InvalidInput(
            f"{folder} already exists and is not an empty folder",
            where="DIR",
            hint="name a new folder; steward init never overwrites a manifest",
        )


def _write_checked(folder: Path, files: dict[str, str]) -> None:
    """Write into a temporary folder beside the target, load it, then move it into place."""
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".steward-init-", dir=parent))
    except OSError as error:
        raise InvalidInput(
            f"cannot create {folder}: {error.strerror}",
            where="DIR",
            hint="choose a folder you can write to",
        ) from error
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        try:
            load(staging)
        except ManifestError as error:
            problems = error.errors if isinstance(error, ManifestErrors) else [error]
            raise InvalidInput(
                "the answers do not make a valid manifest: "
                + "; ".join(f"{_flag_of(p.field)}: {p.message}" for p in problems),
                where=str(folder),
                hint="run steward init again with the answers named above corrected",
            ) from error
        if folder.exists():
            folder.rmdir()
        staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def register(app: typer.Typer) -> None:
    @app.command("init")
    def init(
        folder: Annotated[Path, typer.Argument(help="New folder for the starter manifest")],
        name: Annotated[str | None, typer.Option("--name", help="Organisation's name")] = None,
        email: Annotated[
            str | None, typer.Option("--email", help="E-mail address for privacy questions")
        ] = None,
        address: Annotated[
            str | None,
            typer.Option("--address", help="Registered address, lines separated by commas"),
        ] = None,
        postcode: Annotated[str | None, typer.Option("--postcode", help="Postcode")] = None,
        company_number: Annotated[
            str | None, typer.Option("--company-number", help="Companies House number")
        ] = None,
        ico: Annotated[
            str | None, typer.Option("--ico", help="ICO registration number (e.g. ZA123456)")
        ] = None,
        nation: Annotated[
            Nation | None, typer.Option("--nation", help="UK nation (bank holidays, law)")
        ] = None,
        website: Annotated[str | None, typer.Option("--website", help="Website URL")] = None,
        customers: Annotated[
            bool | None, typer.Option("--customers/--no-customers", help="Do you have customers?")
        ] = None,
        staff: Annotated[
            bool | None, typer.Option("--staff/--no-staff", help="Do you employ staff?")
        ] = None,
        marketing: Annotated[
            bool | None,
            typer.Option("--marketing/--no-marketing", help="Do you send marketing?"),
        ] = None,
    ) -> None:
        """Write a starter manifest folder from a few answers; lint then lists what remains."""
        _check_target(folder)
        answers = StarterAnswers(
            name=_ask(name, "Organisation name", flag="--name", required=True) or "",
            privacy_email=_ask(
                email, "E-mail address for privacy questions", flag="--email", required=True
            )
            or "",
            address_lines=tuple(
                part.strip()
                for part in (
                    _ask(
                        address,
                        "Registered address (lines separated by commas)",
                        flag="--address",
                        required=True,
                    )
                    or ""
                ).split(",")
                if part.strip()
            ),
            postcode=_ask(postcode, "Postcode", flag="--postcode", required=False),
            company_number=_ask(
                company_number, "Companies House number", flag="--company-number", required=False
            ),
            ico_registration=_ask(ico, "ICO registration number", flag="--ico", required=False),
            nation=nation or Nation.england,
            website=_ask(website, "Website address", flag="--website", required=False),
            has_customers=_confirm(customers, "Do you hold data about customers?", default=True),
            has_staff=_confirm(staff, "Do you employ staff?", default=False),
            sends_marketing=_confirm(marketing, "Do you send marketing?", default=False),
            today=dt.date.today(),
        )
        _write_checked(folder, starter_files(answers))
        typer.echo(f"wrote a starter manifest in {folder}")
        typer.echo(f"next: `steward lint {folder}` lists what remains to be declared")
