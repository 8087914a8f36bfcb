"""``steward keys signing init`` and ``steward keys public``: the key that signs certificates.

Added to the ``keys`` group by ``steward.cli.store_commands``. What the key is for and how to
publish its public half: docs/evidence.md.
"""

from __future__ import annotations

import typer

from steward.bootstrap import load_settings
from steward.evidence.signing import fingerprint, public_key_pem
from steward.store.signing_key import create_signing_key_file, read_signing_key


def add_to(keys: typer.Typer) -> None:
    signing = typer.Typer(help="The Ed25519 key that signs request certificates.")
    signing.command("init")(signing_init)
    keys.add_typer(signing, name="signing")
    keys.command("public")(keys_public)


def signing_init() -> None:
    """Create the signing key file (mode 0600). Refuses to overwrite an existing one."""
    path = load_settings().resolved_signing_key_file()
    public = public_key_pem(create_signing_key_file(path))
    typer.echo(f"wrote {path} (mode 0600); back it up with the key ring")
    typer.echo(f"fingerprint: {fingerprint(public)}")
    typer.echo("publish the public key (`steward keys public`) so anyone can check certificates")


def keys_public() -> None:
    """Print the public key that checks this deployment's certificates (PEM on stdout, the
    fingerprint on stderr), for publishing beside the privacy notice."""
    public = public_key_pem(read_signing_key(load_settings().resolved_signing_key_file()))
    typer.echo(public.decode("ascii"), nl=False)
    typer.echo(f"fingerprint: {fingerprint(public)}", err=True)
