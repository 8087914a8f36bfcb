"""Witnessing the audit chain: a line kept outside Steward that a later verification must find.

Someone with write access to the database could rewrite the chain from a point onwards and fix
``audit_head`` to match; only a copy of a link kept elsewhere can show that (UK GDPR Art 5(2);
docs/security.md, "Witnessing"). ``steward audit head`` prints the line; ``steward audit verify
--witness SEQ:HASH`` checks the chain still holds that link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from steward.errors import InvalidInput
from steward.store.audit import GENESIS_HASH, HEAD, ChainHead
from steward.store.database import UnitOfWork
from steward.store.tables import audit_events

WITNESS_PREFIX = "steward-audit"
_WITNESS = re.compile(r"(\d{1,19}):([0-9a-fA-F]{64})")


@dataclass(frozen=True)
class Witness:
    """A link recorded outside Steward (``steward audit head``): the chain must still hold it."""

    sequence: int
    hash: str

    def __str__(self) -> str:
        return f"{self.sequence}:{self.hash}"

    @staticmethod
    def parse(text: str) -> Witness:
        """``SEQ:HASH``, or a whole ``steward-audit SEQ:HASH TIME`` line."""
        parts = text.split()
        token = parts[1] if len(parts) >= 2 and parts[0] == WITNESS_PREFIX else text.strip()
        match = _WITNESS.fullmatch(token)
        if match is None:
            raise InvalidInput(
                f"{text!r} is not a witness",
                where="witness",
                hint="give SEQ:HASH as printed by `steward audit head`, e.g. "
                "1234:5d1f…(64 hex digits)",
            )
        return Witness(int(match[1]), match[2].lower())


def witness_line(head: ChainHead, at: datetime) -> str:
    """The line to keep elsewhere: ``steward-audit <seq>:<hash> <time, UTC>``."""
    moment = at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return f"{WITNESS_PREFIX} {head.sequence}:{head.hash} {moment}"


def read_head(uow: UnitOfWork) -> ChainHead:
    """The head as recorded, or (if its row is gone) as the last link says."""
    row = uow.connection.execute(HEAD).first()
    if row is not None:
        return ChainHead(int(row.sequence), str(row.hash))
    last = uow.connection.execute(
        select(audit_events.c.sequence, audit_events.c.hash)
        .order_by(audit_events.c.sequence.desc())
        .limit(1)
    ).first()
    return ChainHead(0, GENESIS_HASH) if last is None else ChainHead(last.sequence, last.hash)
