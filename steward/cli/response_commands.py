"""``steward request manual|respond``: record work done by hand, then answer the request.

``respond`` writes the signed certificate and, for access and portability, the response package
(a ZIP the person receives), issues a download token, and marks the request completed. Thin:
the rules are in ``steward.services.request_response``.
"""

from __future__ import annotations

import getpass
from datetime import timedelta
from pathlib import Path

import typer

from steward.bootstrap import (
    declared_manifest,
    load_settings,
    open_store,
    organisation_nation,
)
from steward.cli.evidence_commands import save_response_package
from steward.errors import ConfigError
from steward.files import atomic_outputs
from steward.requests.kinds import RequestKind
from steward.services.download_tokens import issue_download_token
from steward.services.request_engine import record_manual
from steward.services.request_response import answer_request, mark_completed
from steward.store.signing_key import read_signing_key

PACKAGED = (RequestKind.access, RequestKind.portability)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def register_into(request_app: typer.Typer) -> None:
    @request_app.command("manual")
    def manual_command(
        request_id: str = typer.Argument(..., help="The request's reference."),
        step: int = typer.Argument(..., help="The plan's step number (see `request plan`)."),
        note: str = typer.Option(..., "--note", help="What was done, e.g. 'paper file: none'."),
    ) -> None:
        """Record what staff did by hand for a step no connector can do (paper, CCTV)."""
        settings = load_settings()
        store = open_store(settings)
        try:
            record_manual(store, request_id, step, _actor(), note, store.clock())
        finally:
            store.engine.dispose()
        typer.echo(f"step {step} of {request_id} recorded as done by hand")

    @request_app.command("respond")
    def respond_command(
        request_id: str = typer.Argument(..., help="The request's reference."),
        out: Path = typer.Option(
            ..., "--out", help="Folder for the certificate (and the package, for access)."
        ),
        token_days: int = typer.Option(
            30, "--token-days", min=1, max=90, help="Days the download link works."
        ),
    ) -> None:
        """Sign the certificate, build the response package and complete the request."""
        settings = load_settings()
        manifest = declared_manifest(settings)
        if manifest is None:
            raise ConfigError(
                "the deployment's manifest is not named",
                where="STEWARD_MANIFEST",
                hint="export STEWARD_MANIFEST=path/to/manifest",
            )
        nation = organisation_nation(settings)
        private_pem = read_signing_key(settings.resolved_signing_key_file())
        store = open_store(settings)
        try:
            now = store.clock()
            answer = answer_request(
                store,
                request_id,
                organisation=manifest.organisation.name,
                private_pem=private_pem,
                actor=_actor(),
                now=now,
            )
            certificate_path = out / f"{request_id}-certificate.json"
            with atomic_outputs(out, [certificate_path.name]) as (certificate_file,):
                certificate_file.write(answer.certificate.decode())
            typer.echo(f"certificate: {certificate_path}")
            if answer.outcome.kind in PACKAGED:
                package_path = out / f"{request_id}-response.zip"
                package = save_response_package(
                    package_path,
                    records=answer.records,
                    manifest=manifest,
                    outcome=answer.outcome,
                    certificate=answer.certificate,
                )
                token = issue_download_token(
                    store,
                    request_id,
                    now + timedelta(days=token_days),
                    package_digest=package.digest,
                    actor=_actor(),
                )
                typer.echo(f"response package: {package_path} (sha256 {package.digest})")
                typer.echo(f"download token (shown once, valid {token_days} days): {token}")
            mark_completed(store, nation, request_id, _actor())
        finally:
            store.engine.dispose()
        typer.echo(f"{request_id} completed")
