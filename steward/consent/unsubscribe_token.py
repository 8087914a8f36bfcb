"""Signed, unguessable per-recipient unsubscribe tokens.

Every marketing message must carry a simple, free means to refuse further messages (PECR reg
22(3)(c) and reg 23; RULES.md R2.3, R2.9), and withdrawing must be as easy as giving consent (UK
GDPR Art 7(3)). The token in a message's unsubscribe link says *who* (a person reference, never an
address), *what* (purpose) and *where* (channel), signed with HMAC-SHA256 so nobody can forge a
link for somebody else or widen one they were sent. Tokens do not expire: a person may unsubscribe
at any time (RULES.md R2.6).

Wire form: ``u1.<key id>.<payload>.<mac>`` with base64url (unpadded) payload and MAC, so it sits
in a URL path or a ``mailto:`` subject without escaping. The key id lets a rotated key ring keep
verifying links in messages already sent.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from steward.errors import IntegrityError, InvalidInput

TOKEN_PREFIX = "u1"
_SEPARATOR = "\x1f"
_DOMAIN = b"steward unsubscribe token v1"
_MIN_KEY_BYTES = 32
_BROKEN_HINT = (
    "use the exact link from the message; if it was copied by hand or wrapped across lines, "
    "copy it again, or reply to the message with 'unsubscribe'"
)


@dataclass(frozen=True)
class UnsubscribeScope:
    """What one token unsubscribes: a person (by reference), for one purpose on one channel."""

    person_ref: str
    purpose: str
    channel: str

    def __post_init__(self) -> None:
        for name in ("person_ref", "purpose", "channel"):
            value = getattr(self, name)
            if not value or _SEPARATOR in value:
                raise InvalidInput(
                    f"an unsubscribe token needs a non-empty {name} without control characters",
                    where=name,
                    hint="pass the person reference, purpose id and channel as plain text",
                )


def derive_token_key(secret: bytes) -> bytes:
    """Derive the token-signing key from a key-ring secret.

    A separate derived key keeps token MACs independent of the blind index and field encryption
    that share the same key ring (one key, one job).
    """
    if len(secret) < _MIN_KEY_BYTES:
        raise InvalidInput(
            f"the unsubscribe signing secret has {len(secret)} bytes; at least "
            f"{_MIN_KEY_BYTES} are needed",
            where="key ring",
            hint="generate the key ring with `steward keys init`",
        )
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DOMAIN).derive(secret)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    """Decode canonical unpadded base64url only, so one token has exactly one spelling."""
    data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64(data) != text:
        raise ValueError("not canonical base64url")
    return data


class UnsubscribeSigner:
    """Issues tokens with the current key and verifies tokens made with any key still held."""

    def __init__(self, keys: Mapping[str, bytes], current: str) -> None:
        if current not in keys:
            raise InvalidInput(
                f"the current unsubscribe key id {current!r} is not among the keys given",
                where="key ring",
                hint="pass the key ring's current version together with its keys",
            )
        for key_id in keys:
            if not key_id or not key_id.isalnum():
                raise InvalidInput(
                    f"unsubscribe key id {key_id!r} must be letters and digits only",
                    where="key ring",
                    hint="use the key ring's numeric key versions as ids",
                )
        self._keys = {key_id: derive_token_key(secret) for key_id, secret in keys.items()}
        self._current = current

    def issue(self, scope: UnsubscribeScope) -> str:
        """Return the token for ``scope``; the same scope and key always give the same token."""
        payload = _b64(_SEPARATOR.join((scope.person_ref, scope.purpose, scope.channel)).encode())
        mac = self._mac(self._keys[self._current], self._current, payload)
        return f"{TOKEN_PREFIX}.{self._current}.{payload}.{_b64(mac)}"

    def verify(self, token: str) -> UnsubscribeScope:
        """Return the scope a genuine token carries; anything altered raises IntegrityError.

        The MAC is compared in constant time (``hmac.compare_digest``).
        """
        parts = token.strip().split(".")
        if len(parts) != 4 or parts[0] != TOKEN_PREFIX:
            raise IntegrityError(
                "the unsubscribe token is not in the form Steward issues",
                where="token",
                hint=_BROKEN_HINT,
            )
        _, key_id, payload, mac_text = parts
        key = self._keys.get(key_id)
        if key is None:
            raise IntegrityError(
                f"the unsubscribe token was signed with key {key_id!r}, which is not in the "
                "key ring",
                where="token",
                hint="keep retired keys in the ring while messages signed with them may be "
                "clicked, or " + _BROKEN_HINT,
            )
        try:
            given = _unb64(mac_text)
            fields = _unb64(payload).decode("utf-8").split(_SEPARATOR)
        except (binascii.Error, UnicodeDecodeError, ValueError) as error:
            raise IntegrityError(
                "the unsubscribe token is damaged", where="token", hint=_BROKEN_HINT
            ) from error
        if not hmac.compare_digest(given, self._mac(key, key_id, payload)):
            raise IntegrityError(
                "the unsubscribe token's signature does not match its contents",
                where="token",
                hint=_BROKEN_HINT,
            )
        if len(fields) != 3:
            raise IntegrityError(
                "the unsubscribe token is damaged", where="token", hint=_BROKEN_HINT
            )
        return UnsubscribeScope(person_ref=fields[0], purpose=fields[1], channel=fields[2])

    @staticmethod
    def _mac(key: bytes, key_id: str, payload: str) -> bytes:
        message = _DOMAIN + b"\x00" + key_id.encode("ascii") + b"\x00" + payload.encode("ascii")
        return hmac.new(key, message, hashlib.sha256).digest()
