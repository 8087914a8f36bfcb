"""The key file: created 0600, refused when others can read it, re-read when rotation changes it.

UK GDPR Art 32 (appropriate security): keys live apart from the data, readable only by the
service account. A running service notices a rotated file on its next use, so ``keys rotate``
can re-encrypt rows while the service keeps working (docs/security.md).
"""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import datetime
from pathlib import Path
from typing import Any

from steward.errors import ConfigError
from steward.store.crypto import KeyRing, KeyVersion

FORMAT = "steward-keys/1"


def create_key_file(path: Path, *, now: datetime) -> KeyRing:
    """Write a fresh ring (version 1) to a new file with mode 0600; never overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True)
    ring = KeyRing({1: KeyVersion.generate(1)}, current=1)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(
            "the key file already exists; refusing to overwrite it",
            where=str(path),
            hint="keep the existing keys (data sealed with them would be lost), or use "
            "`steward keys rotate` to add a new version",
        ) from None
    with os.fdopen(descriptor, "w") as handle:
        handle.write(_dump(ring, now))
    return ring


def add_key_version(path: Path, *, now: datetime) -> KeyRing:
    """Append a new current version (old ones stay so existing rows remain readable)."""
    ring = read_key_file(path)
    new_version = max(ring.versions) + 1
    versions = {v: ring.key(v) for v in ring.versions}
    versions[new_version] = KeyVersion.generate(new_version)
    rotated = KeyRing(versions, current=new_version)
    staging = path.with_name(path.name + ".new")
    descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(_dump(rotated, now))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(staging, path)
    return rotated


def read_key_file(path: Path) -> KeyRing:
    """Load the ring; refuse a missing, malformed or group/other-readable file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(
            "no key file",
            where=str(path),
            hint="run `steward keys init` once, or point STEWARD_KEY_FILE at the existing file",
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"the key file is accessible by group or others (mode {stat.S_IMODE(mode):04o})",
            where=str(path),
            hint=f"run `chmod 600 {path}` so only the service account can read it",
        )
    try:
        document = json.loads(path.read_text())
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
    except (ValueError, KeyError, TypeError) as error:
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
        except FileNotFoundError:
            info = None
        signature = (info.st_ino, info.st_mtime_ns, info.st_size) if info else None
        if self._ring is None or signature != self._signature:
            self._ring = read_key_file(self.path)
            self._signature = signature
        return self._ring


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
