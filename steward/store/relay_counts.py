"""The contact-form relay's counters (repository; no commit here).

One row per UK day and outcome, holding a number: the relay's whole footprint in the database
(docs/relay.md, "What is counted"). No audit event is written: a count records no decision about
a person and no change an auditor must be able to replay, and one event per post would store
the time of every enquiry, which the counter deliberately does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from steward.store.database import UnitOfWork
from steward.store.tables import relay_counts

OUTCOMES: tuple[str, ...] = ("sent", "spam", "refused", "mail_failed")


@dataclass(frozen=True)
class DayCount:
    day: date
    outcome: str
    count: int


def add_one(uow: UnitOfWork, *, day: date, outcome: str) -> None:
    """Count one post with ``outcome`` on ``day`` (one statement: safe under concurrent posts)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown relay outcome {outcome!r}")
    insert_for: Any = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
    statement = insert_for(relay_counts).values(day=day, outcome=outcome, count=1)
    uow.connection.execute(
        statement.on_conflict_do_update(
            index_elements=["day", "outcome"],
            set_={"count": relay_counts.c.count + 1},
        )
    )


def counts_since(uow: UnitOfWork, first_day: date) -> list[DayCount]:
    """Every count from ``first_day`` on, by day then outcome."""
    rows = uow.connection.execute(
        select(relay_counts.c.day, relay_counts.c.outcome, relay_counts.c.count.label("posts"))
        .where(relay_counts.c.day >= first_day)
        .order_by(relay_counts.c.day, relay_counts.c.outcome)
    )
    return [DayCount(row.day, row.outcome, int(row.posts)) for row in rows]
