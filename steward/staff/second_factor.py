"""The second factor: a TOTP code (RFC 6238) from an authenticator app, or a recovery code.

Mandatory for every staff account (UK GDPR Art 32(1)(b): a stolen password alone opens
nothing). A TOTP code is accepted for the current 30-second step or one step either side (clock
drift), and only for a step later than the last one accepted for the account, so a code seen
over a shoulder or in a proxy log cannot be used again. Recovery codes are random, shown once,
kept only as keyed hashes and each works once.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
SECRET_CHARS = 32
"""Base32 characters of a new TOTP secret: 160 bits, the HMAC-SHA1 key size RFC 4226 advises."""

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
"""No 0/o, 1/l/i: read off paper without doubt (31 symbols; 12 of them is ~59 bits)."""
RECOVERY_LENGTH = 12
_TOTP_SHAPE = re.compile(rf"[0-9]{{{DIGITS}}}")
_SEPARATORS = re.compile(r"[\s-]+")


def new_totp_secret() -> str:
    return pyotp.random_base32(length=SECRET_CHARS)


def provisioning_uri(secret: str, *, username: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (as a QR code, or pasted)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=username, issuer_name=issuer
    )


def spaced(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def step_at(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


@dataclass(frozen=True)
class TotpCheck:
    """``step``: the step the code belongs to, when it is good and not used before."""

    step: int | None
    replayed: bool = False

    @property
    def accepted(self) -> bool:
        return self.step is not None


def check_totp(secret: str, code: str, now: datetime, *, last_step: int | None) -> TotpCheck:
    """Is ``code`` this secret's code within one step of ``now``, and newer than ``last_step``?

    Every candidate step is compared (in constant time), so how long this takes does not say
    which step matched.
    """
    given = _SEPARATORS.sub("", code)
    if not _TOTP_SHAPE.fullmatch(given):
        return TotpCheck(None)
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_at(now)
    matched: int | None = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), given) and matched is None:
            matched = step
    if matched is None:
        return TotpCheck(None)
    if last_step is not None and matched <= last_step:
        return TotpCheck(None, replayed=True)
    return TotpCheck(matched)


def totp_code(secret: str, now: datetime) -> str:
    """The code an authenticator app shows at ``now`` (for tests and the demo)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(now)


def looks_like_totp(code: str) -> bool:
    return bool(_TOTP_SHAPE.fullmatch(_SEPARATORS.sub("", code)))


def new_recovery_codes(count: int = RECOVERY_CODES) -> tuple[str, ...]:
    """``count`` fresh codes written ``xxxx-xxxx-xxxx``."""
    codes = []
    for _ in range(count):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_LENGTH, 4)))
    return tuple(codes)


def recovery_code_key(code: str) -> str | None:
    """The code as it is hashed (lower case, no spaces or dashes), or None if it cannot be one."""
    key = _SEPARATORS.sub("", code).lower()
    if len(key) != RECOVERY_LENGTH or any(ch not in RECOVERY_ALPHABET for ch in key):
        return None
    return key
