"""Field encryption (AES-256-GCM) and the keyed blind index (HMAC-SHA256), per key version.

Identifiers of people are encrypted at rest and found only through a keyed index (DESIGN.md §3;
UK GDPR Art 32(1)(a) "encryption of personal data"; RULES.md R2.7 keyed hashes for suppression).
Every ciphertext starts with its key version so reads accept any version still in the ring while
``steward keys rotate`` moves rows to the current one.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from steward.errors import ConfigError, IntegrityError

KEY_BYTES = 32
NONCE_BYTES = 12
_VERSION = struct.Struct(">I")


@dataclass(frozen=True)
class KeyVersion:
    """One generation of keys: one for encryption, a separate one for the blind index."""

    version: int
    encryption_key: bytes
    index_key: bytes

    def __post_init__(self) -> None:
        if len(self.encryption_key) != KEY_BYTES or len(self.index_key) != KEY_BYTES:
            raise ConfigError(
                f"key version {self.version} does not hold two {KEY_BYTES}-byte keys",
                where="key file",
                hint="restore the key file from backup; never edit it by hand",
            )

    def __repr__(self) -> str:
        return f"KeyVersion(version={self.version}, keys=<hidden>)"

    @staticmethod
    def generate(version: int) -> KeyVersion:
        return KeyVersion(version, os.urandom(KEY_BYTES), os.urandom(KEY_BYTES))


@dataclass(frozen=True)
class Sealed:
    """A ciphertext and the key version that sealed it (stored side by side for rotation)."""

    ciphertext: bytes
    key_version: int


def version_of(ciphertext: bytes) -> int:
    """The number of the key version that sealed ``ciphertext`` (its first bytes)."""
    (version,) = _VERSION.unpack_from(ciphertext)
    return int(version)


class KeyRing:
    """Every key version still readable, and the current one that new writes use."""

    def __init__(self, versions: Mapping[int, KeyVersion], current: int) -> None:
        if current not in versions:
            raise ConfigError(
                f"current key version {current} is not in the key ring",
                where="key file",
                hint="restore the key file from backup",
            )
        self._versions = dict(versions)
        self.current = current
        # Prepared once per version: a list import seals and indexes one address per row, and
        # building the AES key schedule and the HMAC's padded key each time cost more than the
        # work itself. An HMAC is copied before use, so no state carries from one value to the
        # next.
        self._ciphers = {v: AESGCM(key.encryption_key) for v, key in self._versions.items()}
        self._indexers = {
            v: hmac.new(key.index_key, digestmod=hashlib.sha256)
            for v, key in self._versions.items()
        }

    def __repr__(self) -> str:
        return f"KeyRing(versions={sorted(self._versions)}, current={self.current})"

    @property
    def versions(self) -> tuple[int, ...]:
        return tuple(sorted(self._versions))

    def key(self, version: int) -> KeyVersion:
        try:
            return self._versions[version]
        except KeyError:
            raise ConfigError(
                f"data was sealed with key version {version}, which is not in the key ring",
                where="key file",
                hint="use the key file that holds that version (keys are never deleted while "
                "rows still use them)",
            ) from None

    def seal(self, plaintext: str, *, context: str) -> Sealed:
        """Encrypt under the current version; ``context`` (e.g. "email") is authenticated too."""
        key = self.key(self.current)
        nonce = os.urandom(NONCE_BYTES)
        body = self._ciphers[key.version].encrypt(
            nonce, plaintext.encode(), self._aad(key.version, context)
        )
        return Sealed(_VERSION.pack(key.version) + nonce + body, key.version)

    def open(self, ciphertext: bytes, *, context: str) -> str:
        """Decrypt with whichever version sealed it; tampering raises IntegrityError."""
        version = version_of(ciphertext)
        key = self.key(version)
        nonce = ciphertext[_VERSION.size : _VERSION.size + NONCE_BYTES]
        body = ciphertext[_VERSION.size + NONCE_BYTES :]
        try:
            plain = self._ciphers[key.version].decrypt(nonce, body, self._aad(version, context))
        except InvalidTag:
            raise IntegrityError(
                f"an encrypted {context} failed authentication",
                where=f"key version {version}",
                hint="the stored value was altered or belongs to another field; restore it",
            ) from None
        return plain.decode()

    def blind_index(self, normalised: str, *, context: str, version: int | None = None) -> bytes:
        """HMAC-SHA256 of the normalised value under one version's index key."""
        key = self.key(self.current if version is None else version)
        indexer = self._indexers[key.version].copy()
        indexer.update(context.encode() + b"\x00" + normalised.encode())
        return indexer.digest()

    def blind_indexes(self, normalised: str, *, context: str) -> list[bytes]:
        """The index under every version, so lookups find rows not yet rotated."""
        return [self.blind_index(normalised, context=context, version=v) for v in self.versions]

    @staticmethod
    def _aad(version: int, context: str) -> bytes:
        return _VERSION.pack(version) + context.encode()
