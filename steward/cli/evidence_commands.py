"""``steward evidence verify``: check a request certificate offline with only a public key.

Exit 0: the signature matches the content. Exit 1: it does not (changed after signing, or signed
by another key). Exit 2: the input cannot be read as a certificate or a public key. Nothing is
contacted: the check needs the file and the public key, nothing else (docs/evidence.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from steward.bootstrap import load_settings
from steward.errors import ConfigError, InvalidInput
from steward.evidence.signing import public_key_pem
from steward.evidence.verification import Verdict, verify
from steward.files import atomic_outputs, open_regular_file
from steward.manifest.schema import Manifest
from steward.requests.outcome import ExportedRecords, RequestOutcome
from steward.requests.package import ResponsePackage, write_response_package
from steward.store.signing_key import read_signing_key

EXIT_INVALID = 1


def register(app: typer.Typer) -> None:
    evidence = typer.Typer(help="Signed evidence of answered requests.", no_args_is_help=True)
    evidence.command("verify")(evidence_verify)
    app.add_typer(evidence, name="evidence")


def evidence_verify(
    file: Path = typer.Argument(
        ..., help="The certificate (JSON), or the response package (ZIP) that holds it."
    ),
    public_key: Path | None = typer.Option(
        None,
        "--public-key",
        metavar="PEM_FILE",
        help="The organisation's published public key; default: this deployment's own.",
    ),
) -> None:
    """Check that a certificate is unchanged since the organisation signed it."""
    content = _read(file, "the certificate")
    public_pem = _read(public_key, "the public key") if public_key else _own_public_key()
    try:
        verdict = verify(content, public_pem)
    except InvalidInput as error:
        where = str(public_key) if error.where == "public key" else f"{file}: {error.where}"
        raise InvalidInput(error.message, where=where, hint=error.hint) from None
    console = Console(highlight=False, soft_wrap=True)
    if not verdict.valid:
        console.print(Text("INVALID: ", style="bold red") + Text(verdict.reason))
        raise typer.Exit(EXIT_INVALID)
    console.print(_summary(verdict))
    console.print(Text("VALID: ", style="bold green") + Text(verdict.reason))
    if verdict.status != "complete":
        console.print(
            Text(f"The certificate says the request is {verdict.status}: ", style="bold yellow")
            + Text("see the unreachable or unsearched systems above.")
        )


def save_response_package(
    out: Path,
    *,
    records: ExportedRecords,
    manifest: Manifest,
    outcome: RequestOutcome,
    certificate: bytes,
) -> ResponsePackage:
    """Write a response package to ``out`` (mode 0600, all or nothing) for the request commands.

    The file appears only once complete (steward.files.atomic_outputs), so a person is never
    sent half a package; it holds personal data, so only its owner may read it.
    """
    with atomic_outputs(out.parent, [out.name]) as (handle,):
        return write_response_package(
            handle.buffer,
            records=records,
            manifest=manifest,
            outcome=outcome,
            certificate=certificate,
        )


def _read(path: Path, what: str) -> bytes:
    with open_regular_file(path, what=what) as handle:
        return handle.read()


def _own_public_key() -> bytes:
    path = load_settings().resolved_signing_key_file()
    if not path.exists():
        raise ConfigError(
            "no public key given, and this deployment has no signing key to take it from",
            where="--public-key",
            hint="give the organisation's published public key: --public-key FILE.pem",
        )
    return public_key_pem(read_signing_key(path))


def _summary(verdict: Verdict) -> Table:
    certificate = verdict.certificate
    request = _mapping(certificate.get("request"))
    table = Table(title="Request certificate", show_header=False, title_justify="left")
    table.add_column("field", style="bold")
    table.add_column("value")
    rows = [
        ("Organisation", certificate.get("organisation")),
        ("Request", request.get("reference")),
        ("Kind", f"{request.get('kind')} ({request.get('article')})"),
        ("Received", request.get("received")),
        ("Due", request.get("due")),
        ("Finished", request.get("finished")),
        ("Status", certificate.get("status")),
        ("Unreachable", _names(certificate.get("unreachable"))),
        ("Not searched", _names(certificate.get("not_searched"))),
        ("Signed by key", certificate.get("signing_key")),
        ("Checked with", verdict.checked_with),
    ]
    for system in _list(certificate.get("systems")):
        system = _mapping(system)
        for collection in _list(system.get("collections")):
            collection = _mapping(collection)
            totals = _mapping(collection.get("totals"))
            counted = ", ".join(f"{name} {n}" for name, n in totals.items() if n) or "nothing"
            rows.append((f"{system.get('system')}/{collection.get('collection')}", counted))
    for field, value in rows:
        table.add_row(Text(field), Text(str(value)))
    return table


def _mapping(value: object) -> Mapping[str, Any]:
    """A signed document is trusted, not assumed well formed: odd shapes print, never crash."""
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(value: object) -> str:
    return ", ".join(str(v) for v in _list(value)) or "none"
