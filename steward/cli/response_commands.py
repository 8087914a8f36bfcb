"""``steward request manual|object|respond``: record work done by hand, decide an objection,
then answer the request.

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
    Settings,
    declared_manifest,
    engine_wiring,
    load_settings,
    open_store,
    optional_mailer,
    organisation_nation,
)
from steward.cli.evidence_commands import save_response_package
from steward.errors import ConfigError, InvalidInput
from steward.files import atomic_outputs
from steward.manifest.schema import Manifest
from steward.notice.render import render_html, render_markdown
from steward.requests.kinds import RequestKind
from steward.requests.objection import Balancing, ObjectionDecision
from steward.services.download_tokens import issue_download_token
from steward.services.objection import decide_request_objection
from steward.services.request_engine import record_manual
from steward.services.request_response import answer_request, mark_completed
from steward.store.signing_key import read_signing_key

PACKAGED = (RequestKind.access, RequestKind.portability)


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _manifest(settings: Settings) -> Manifest:
    manifest = declared_manifest(settings)
    if manifest is None:
        raise ConfigError(
            "the deployment's manifest is not named",
            where="STEWARD_MANIFEST",
            hint="export STEWARD_MANIFEST=path/to/manifest",
        )
    return manifest


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

    @request_app.command("object")
    def object_command(
        request_id: str = typer.Argument(..., help="The objection request's reference."),
        direct_marketing: bool = typer.Option(
            False,
            "--direct-marketing",
            help="The objection is to direct marketing (Art 21(3)): upheld, suppressed at once.",
        ),
        purpose: list[str] = typer.Option(
            [], "--purpose", help="Art 21(1): a purpose objected to (repeat for several)."
        ),
        decision: ObjectionDecision | None = typer.Option(
            None, "--decision", help="Art 21(1): uphold (stop) or refuse (compelling grounds)."
        ),
        reasons: str | None = typer.Option(None, "--reasons", help="Art 21(1): why, in words."),
        grounds: str | None = typer.Option(
            None, "--grounds", help="Art 21(1): the compelling legitimate grounds, if any."
        ),
    ) -> None:
        """Decide an objection: to direct marketing, or under Art 21(1) on your balancing."""
        settings = load_settings()
        manifest = _manifest(settings)
        balancing = None
        if not direct_marketing:
            if decision is None or reasons is None:
                raise InvalidInput(
                    "an Art 21(1) objection needs --decision and --reasons (and --purpose)",
                    where="objection",
                    hint="or, for direct marketing, give --direct-marketing alone",
                )
            balancing = Balancing(
                purposes=tuple(purpose),
                grounds=grounds,
                decision=decision,
                reasons=reasons,
                decided_by=_actor(),
            )
        store = open_store(settings)
        try:
            outcome = decide_request_objection(
                store,
                manifest,
                request_id,
                direct_marketing=direct_marketing,
                balancing=balancing,
                actor=_actor(),
                now=store.clock(),
            )
        finally:
            store.engine.dispose()
        verdict = "upheld" if outcome.upheld else "not upheld"
        typer.echo(f"objection {verdict}: {outcome.reason} ({outcome.citation})")

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
        manifest = _manifest(settings)
        nation = organisation_nation(settings)
        private_pem = read_signing_key(settings.resolved_signing_key_file())
        wired = engine_wiring(settings, request_id)
        store = wired.store
        try:
            now = store.clock()
            answer = answer_request(
                store,
                request_id,
                manifest=manifest,
                maps=wired.maps,
                mailer=optional_mailer(settings),
                private_pem=private_pem,
                actor=_actor(),
                now=now,
            )
            letter_names = [f"{request_id}-response.html", f"{request_id}-response.md"]
            with atomic_outputs(out, letter_names) as (html_file, markdown_file):
                html_file.write(render_html(answer.letter, manifest.organisation.name))
                markdown_file.write(render_markdown(answer.letter))
            typer.echo(f"letter to the person: {out / letter_names[0]} (and .md)")
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
            wired.close()
        typer.echo(f"{request_id} completed")
