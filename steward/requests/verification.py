"""One-time codes that confirm a requester controls the address they gave (RULES.md §12).

A code is six digits from ``secrets``, kept only as a keyed digest (HMAC-SHA256 under the
deployment's index key, bound to the request's reference so a digest is useless elsewhere), valid
for 15 minutes and for at most five tries, compared in constant time. Whether the address belongs
to anyone Steward knows plays no part: the same code is sent and the same answers given either
way, so intake never reveals whether Steward holds a person's data (UK GDPR Art 5(1)(f)).
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from steward.errors import InvalidInput

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5
_CODE = re.compile(rf"^\d{{{CODE_DIGITS}}}$")


def new_code() -> str:
    """Six digits, uniformly chosen by the operating system's secure generator."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_context(reference: str) -> str:
    """The digest's context: a code is bound to the one request it was sent for."""
    return f"request-code:{reference}"


def parse_code(text: str) -> str:
    """The code as typed: spaces allowed, six digits required."""
    cleaned = "".join(text.split())
    if not _CODE.match(cleaned):
        raise InvalidInput(
            "a code is six digits",
            where="code",
            hint="type the six digits from the message, e.g. --code 123456",
        )
    return cleaned


@dataclass(frozen=True)
class IssuedCode:
    """A code as the store keeps it: its digest, never the digits."""

    reference: str
    digest: bytes
    key_version: int
    issued_at: datetime
    expires_at: datetime
    attempts: int = 0
    used_at: datetime | None = None

    def __repr__(self) -> str:
        return f"IssuedCode(reference={self.reference!r}, digest=<hidden>)"


def issue(reference: str, digest: bytes, key_version: int, now: datetime) -> IssuedCode:
    return IssuedCode(reference, digest, key_version, now, now + CODE_LIFETIME)


class CodeVerdict(StrEnum):
    accepted = "accepted"
    wrong = "wrong"
    expired = "expired"
    exhausted = "exhausted"  # too many tries: the code is void
    used = "used"
    none_sent = "none_sent"

    @property
    def message(self) -> str:
        return {
            CodeVerdict.accepted: "identity verified",
            CodeVerdict.wrong: "the code is not the one sent",
            CodeVerdict.expired: "the code has expired (codes last 15 minutes)",
            CodeVerdict.exhausted: "too many wrong tries: the code is void",
            CodeVerdict.used: "the code was already used",
            CodeVerdict.none_sent: "no code has been sent for this request",
        }[self]


@dataclass(frozen=True)
class CodeCheck:
    verdict: CodeVerdict
    code: IssuedCode | None  # the code with this try counted, to store
    attempts_left: int


def check(issued: IssuedCode | None, offered_digest: bytes, now: datetime) -> CodeCheck:
    """Judge one try. Every try on a live code counts, right or wrong; the fifth wrong one voids
    it. The digests are compared with ``hmac.compare_digest`` (constant time)."""
    if issued is None:
        return CodeCheck(CodeVerdict.none_sent, None, 0)
    if issued.used_at is not None:
        return CodeCheck(CodeVerdict.used, issued, 0)
    if issued.attempts >= MAX_ATTEMPTS:
        return CodeCheck(CodeVerdict.exhausted, issued, 0)
    if now >= issued.expires_at:
        return CodeCheck(CodeVerdict.expired, issued, 0)
    tried = replace(issued, attempts=issued.attempts + 1)
    if hmac.compare_digest(issued.digest, offered_digest):
        return CodeCheck(CodeVerdict.accepted, replace(tried, used_at=now), 0)
    left = MAX_ATTEMPTS - tried.attempts
    return CodeCheck(CodeVerdict.exhausted if left == 0 else CodeVerdict.wrong, tried, left)
