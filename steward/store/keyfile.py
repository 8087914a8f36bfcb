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
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def create_key_file(path: Path, *, now: datetime) -> KeyRing:
    """Write a fresh ring (version 1) to a new file with mode 0600; never overwrite.

    A missing folder is created 0700 (only the service account may list it)."""
    if path.is_dir():
        raise _is_a_folder(path)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise _unusable(path.parent, error, "create the folder") from error
    ring = KeyRing({1: KeyVersion.generate(1)}, current=1)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except FileExistsError:
        raise ConfigError(
            "the key file already exists; refusing to overwrite it",
            where=str(path),
            hint="keep the existing keys (data sealed with them would be lost), or use "
            "`steward keys rotate` to add a new version",
        ) from None
    except OSError as error:
        raise _unusable(path, error, "create the key file") from error
    _write_private(descriptor, _dump(ring, now))
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
        descriptor = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
    except OSError as error:
        raise _unusable(staging, error, "write the new key file beside the old one") from error
    _write_private(descriptor, _dump(rotated, now))
    os.replace(staging, path)
    _sync_folder(path.parent)
    return rotated


def read_key_file(path: Path) -> KeyRing:
    """Load the ring; refuse a missing, malformed, unreadable or group/other-readable file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(
            "no key file",
            where=str(path),
            hint="run `steward keys init` once, or point STEWARD_KEY_FILE at the existing file",
        ) from None
    except OSError as error:
        raise _unusable(path, error, "read the key file") from error
    if stat.S_ISDIR(mode):
        raise _is_a_folder(path)
    if not stat.S_ISREG(mode):
        raise ConfigError(
            "the key file is not a regular file",
            where=str(path),
            hint="point STEWARD_KEY_FILE at the key file itself",
        )
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"the key file is accessible by group or others (mode {stat.S_IMODE(mode):04o})",
            where=str(path),
            hint=f"run `chmod 600 {path}` so only the service account can read it",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _unusable(path, error, "read the key file") from error
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


def _write_private(descriptor: int, text: str) -> None:
    """Write, make sure the mode is 0600 whatever the umask did, and flush to disk."""
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (a crash must not bring the old ring back)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _is_a_folder(path: Path) -> ConfigError:
    return ConfigError(
        "the key file path names a folder, not a file",
        where=str(path),
        hint=f"point STEWARD_KEY_FILE at a file, e.g. {path / 'keys.json'}",
    )


def _unusable(path: Path, error: OSError, doing: str) -> ConfigError:
    reason = error.strerror or type(error).__name__
    return ConfigError(
        f"cannot {doing}: {reason}",
        where=str(path),
        hint="check that the folder exists, is a folder, and that the service account may "
        "read and write it (the key file itself must be mode 0600)",
    )
