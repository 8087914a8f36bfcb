"""The key file: created 0600, refused when others can read it, re-read when rotation changes it.

UK GDPR Art 32 (appropriate security): keys live apart from the data, readable only by the
service account. A running service notices a rotated file on its next use, so ``keys rotate``
can re-encrypt rows while the service keeps working (docs/security.md).
"""

from __future__ import annotations

import base64
import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from steward.errors import ConfigError
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.private_file import (
    NOFOLLOW,
    SecretFile,
    open_new_private,
    read_private,
    sync_folder,
    unusable,
    write_private,
)

FORMAT = "steward-keys/1"


KEY_FILE = SecretFile(
    noun="key file",
    setting="STEWARD_KEY_FILE",
    create_command="steward keys init",
    default_name="keys.json",
)


def create_key_file(path: Path, *, now: datetime) -> KeyRing:
    """Write a fresh ring (version 1) to a new file with mode 0600; never overwrite.

    A missing folder is created 0700 (only the service account may list it)."""
    ring = KeyRing({1: KeyVersion.generate(1)}, current=1)
    try:
        descriptor = open_new_private(path, KEY_FILE)
    except FileExistsError:
        raise ConfigError(
            "the key file already exists; refusing to overwrite it",
            where=str(path),
            hint="keep the existing keys (data sealed with them would be lost), or use "
            "`steward keys rotate` to add a new version",
        ) from None
    write_private(descriptor, _dump(ring, now))
    return ring


def add_key_version(path: Path, *, now: datetime) -> KeyRing:
    """Append a new current version (old ones stay so existing rows remain readable).

    The new ring goes to ``<file>.new``, created afresh with mode 0600 (``O_EXCL``, never
    following a link), then renamed over the file. A ``.new`` left by an interrupted rotation is
    removed first, never reused: reusing it would keep whatever mode it had, and the rename would
    give that mode to the key file.
    """
    ring = read_key_file(path)
    new_version = max(ring.versions) + 1
    versions = {v: ring.key(v) for v in ring.versions}
    versions[new_version] = KeyVersion.generate(new_version)
    rotated = KeyRing(versions, current=new_version)
    staging = path.with_name(path.name + ".new")
    try:
        staging.unlink(missing_ok=True)
        descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o600)
    except OSError as error:
        raise unusable(staging, error, "write the new key file beside the old one") from error
    write_private(descriptor, _dump(rotated, now))
    os.replace(staging, path)
    sync_folder(path.parent)
    return rotated


def read_key_file(path: Path) -> KeyRing:
    """Load the ring; refuse a missing, malformed, unreadable or group/other-readable file."""
    content = read_private(path, KEY_FILE)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    try:
        document = json.loads(text)
        if document.get("format") != FORMAT:
            raise ValueError(f"format is not {FORMAT}")
        versions = {
            int(entry["version"]): KeyVersion(
                int(entry["version"]),
                base64.b64decode(entry["encryption"]),
                base64.b64decode(entry["index"]),
            )
            for entry in document["keys"]
        }
        return KeyRing(versions, current=int(document["current"]))
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ConfigError(
            f"the key file cannot be read ({type(error).__name__})",
            where=str(path),
            hint="restore it from backup; it is written only by `steward keys`",
        ) from None


class KeyFile:
    """A key ring backed by a file, re-read whenever the file changes (rotation in progress)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._signature: tuple[int, int, int] | None = None
        self._ring: KeyRing | None = None

    def ring(self) -> KeyRing:
        try:
            info = self.path.stat()
        except OSError:
            info = None  # read_key_file says what is wrong
        signature = (info.st_ino, info.st_mtime_ns, info.st_size) if info else None
        if self._ring is None or signature != self._signature:
            ring = read_key_file(self.path)
            if self._ring is not None:
                _require_extension(self._ring, ring, self.path)
            self._ring = ring
            self._signature = signature
        return self._ring


def _require_extension(before: KeyRing, after: KeyRing, path: Path) -> None:
    """A key file re-read while running may only have gained versions (``keys rotate``): the
    ring checked against the database on open must still be in it, key for key."""
    for version in before.versions:
        if version not in after.versions or after.key(version) != before.key(version):
            raise ConfigError(
                f"the key file changed while Steward was running and key version {version} "
                "is no longer the one in use: it was replaced, truncated or edited",
                where=str(path),
                hint="put back the key file this service opened with (only `steward keys "
                "rotate` may change it, and it only adds versions); nothing was written with "
                "the new file",
            )


def _dump(ring: KeyRing, now: datetime) -> str:
    keys: list[dict[str, Any]] = [
        {
            "version": v,
            "encryption": base64.b64encode(ring.key(v).encryption_key).decode(),
            "index": base64.b64encode(ring.key(v).index_key).decode(),
        }
        for v in ring.versions
    ]
    document = {
        "format": FORMAT,
        "current": ring.current,
        "written": now.isoformat(),
        "keys": keys,
    }
    return json.dumps(document, indent=2) + "\n"
