"""The deployment's signing key file: one Ed25519 key, created once, guarded like the key ring.

It signs every request certificate (docs/evidence.md), so losing it means later certificates
are signed by a new key and the old public key must stay published; it is never overwritten.
Created by ``steward keys signing init`` (never implicitly: a key made silently on first use
could be made twice on two machines). A missing, unsafe or corrupt file is a ConfigError
naming the file.
"""

from __future__ import annotations

from pathlib import Path

from steward.errors import ConfigError, InvalidInput
from steward.evidence.signing import check_private_key, new_private_key
from steward.store.private_file import SecretFile, open_new_private, read_private, write_private

SIGNING_KEY_FILE = SecretFile(
    noun="signing key file",
    setting="STEWARD_SIGNING_KEY_FILE",
    create_command="steward keys signing init",
    default_name="signing-key.pem",
)


def create_signing_key_file(path: Path) -> bytes:
    """Write a fresh private key (PEM, mode 0600) to a new file; return it. Never overwrites."""
    private_pem = new_private_key()
    try:
        descriptor = open_new_private(path, SIGNING_KEY_FILE)
    except FileExistsError:
        raise ConfigError(
            "the signing key file already exists; refusing to overwrite it",
            where=str(path),
            hint="keep it: certificates already issued are checked against its public key "
            "(`steward keys public` prints it)",
        ) from None
    write_private(descriptor, private_pem)
    return private_pem


def read_signing_key(path: Path) -> bytes:
    """The private key (PEM); refuse a missing, unsafe, unreadable or corrupt file."""
    private_pem = read_private(path, SIGNING_KEY_FILE)
    try:
        check_private_key(private_pem)
    except InvalidInput as error:
        raise ConfigError(
            f"the signing key file cannot be used: {error.message}",
            where=str(path),
            hint="restore it from backup; it is written only by `steward keys signing init`",
        ) from None
    return private_pem
