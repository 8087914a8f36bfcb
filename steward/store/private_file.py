"""Secret files (the key ring, the signing key): created 0600, never overwritten, refused if open.

UK GDPR Art 32 (appropriate security): a key lives apart from the data, readable only by the
service account. One set of rules for every such file, so the key ring and the signing key are
guarded the same way: a new file is created with ``O_EXCL`` (never over an existing one) and
``O_NOFOLLOW`` (never through a planted link), its mode forced to 0600 whatever the umask, and
flushed to disk; reading refuses a missing file, a folder, a device and a file that group or
others can read, each with an error naming the file and the setting that points at it.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from steward.errors import ConfigError

NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@dataclass(frozen=True)
class SecretFile:
    """How to speak of one kind of secret file in an error a person acts on."""

    noun: str  # "key file"
    setting: str  # "STEWARD_KEY_FILE"
    create_command: str  # "steward keys init"
    default_name: str  # "keys.json"


def open_new_private(path: Path, kind: SecretFile) -> int:
    """A descriptor for a new file at ``path`` (mode 0600); the folder is created 0700.

    Raises ConfigError if the path names a folder or cannot be created; ``FileExistsError``
    passes through so the caller says why overwriting that file would be wrong.
    """
    if path.is_dir():
        raise is_a_folder(path, kind)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise unusable(path.parent, error, "create the folder") from error
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | NOFOLLOW, 0o600)
    except FileExistsError:
        raise
    except OSError as error:
        raise unusable(path, error, f"create the {kind.noun}") from error


def write_private(descriptor: int, content: str | bytes) -> None:
    """Write, make sure the mode is 0600 whatever the umask did, and flush to disk."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def sync_folder(folder: Path) -> None:
    """Make a rename itself durable (a crash must not bring the old file back)."""
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


def read_private(path: Path, kind: SecretFile) -> bytes:
    """The file's bytes; refuse a missing, unreadable, non-regular or group/other-readable one."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise ConfigError(
            f"no {kind.noun}",
            where=str(path),
            hint=f"run `{kind.create_command}` once, or point {kind.setting} at the existing file",
        ) from None
    except OSError as error:
        raise unusable(path, error, f"read the {kind.noun}") from error
    if stat.S_ISDIR(mode):
        raise is_a_folder(path, kind)
    if not stat.S_ISREG(mode):
        raise ConfigError(
            f"the {kind.noun} is not a regular file",
            where=str(path),
            hint=f"point {kind.setting} at the {kind.noun} itself",
        )
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"the {kind.noun} is accessible by group or others (mode {stat.S_IMODE(mode):04o})",
            where=str(path),
            hint=f"run `chmod 600 {path}` so only the service account can read it",
        )
    try:
        return path.read_bytes()
    except OSError as error:
        raise unusable(path, error, f"read the {kind.noun}") from error


def is_a_folder(path: Path, kind: SecretFile) -> ConfigError:
    return ConfigError(
        f"the {kind.noun} path names a folder, not a file",
        where=str(path),
        hint=f"point {kind.setting} at a file, e.g. {path / kind.default_name}",
    )


def unusable(path: Path, error: OSError, doing: str) -> ConfigError:
    reason = error.strerror or type(error).__name__
    return ConfigError(
        f"cannot {doing}: {reason}",
        where=str(path),
        hint="check that the folder exists, is a folder, and that the service account may "
        "read and write it (a key file itself must be mode 0600)",
    )
