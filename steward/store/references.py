"""References people read out on the phone: ``R-2026-Q6GRYT`` for a request, ``C-…`` for a
complaint. Six characters from 30 that cannot be mistaken for one another: unguessable, yet
729 million choices run into each other by chance once an organisation holds tens of
thousands (a birthday collision), so a reference a stored row already has is drawn again; a
collision is never an error for the person whose request or complaint is being recorded."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import Column, select

from steward.store.database import UnitOfWork

ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U
LENGTH = 6


def drawn(prefix: str, received: date) -> str:
    """``<prefix>-<year>-`` and six characters drawn with ``secrets``."""
    tail = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{prefix}-{received.year}-{tail}"


def unused_reference(
    uow: UnitOfWork,
    column: Column[Any],
    prefix: str,
    received: date,
    draw: Callable[[str, date], str] = drawn,
) -> str:
    """A reference no row of ``column`` has yet, drawn again while one does."""
    while True:
        reference = draw(prefix, received)
        taken = uow.connection.execute(select(column).where(column == reference)).first()
        if taken is None:
            return reference
