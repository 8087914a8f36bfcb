"""The signing key file is guarded like the key ring: private, never overwritten, never a link."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from steward.errors import ConfigError
from steward.evidence.signing import public_key_pem
from steward.store.signing_key import create_signing_key_file, read_signing_key


def test_the_key_is_created_0600_in_a_0700_folder_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "new" / "signing-key.pem"
    previous = os.umask(0)
    try:
        private = create_signing_key_file(path)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert read_signing_key(path) == private


def test_a_link_planted_at_the_path_is_not_written_through(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("untouched")
    path = tmp_path / "signing-key.pem"
    path.symlink_to(target)
    with pytest.raises(ConfigError):
        create_signing_key_file(path)
    assert target.read_text() == "untouched"


def test_a_path_that_is_a_folder_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="names a folder") as raised:
        create_signing_key_file(tmp_path)
    assert "STEWARD_SIGNING_KEY_FILE" in (raised.value.hint or "")


def test_a_key_of_another_kind_is_refused_naming_the_file(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    path = tmp_path / "signing-key.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="not an Ed25519 key") as raised:
        read_signing_key(path)
    assert raised.value.where == str(path)


def test_the_public_half_is_derived_from_the_stored_key(tmp_path: Path) -> None:
    path = tmp_path / "signing-key.pem"
    private = create_signing_key_file(path)
    assert public_key_pem(read_signing_key(path)).startswith(b"-----BEGIN PUBLIC KEY-----")
    assert private.startswith(b"-----BEGIN PRIVATE KEY-----")
