"""Generate the Outserve estate: one pass over the people, each system fed as the pass goes.

``python -m examples.outserve.estate generate --people 10000 --seed 1 --sqlite support.db ...``
Each target is optional; only the systems named are written. Memory stays bounded whatever
``--people`` is: a person is generated, their rows go to each system's batch buffer (or
straight to a file), and nothing else about them is kept.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from examples.outserve.estate import rows, schema
from examples.outserve.estate.people import PLANTED_COUNT, Person, person_at
from examples.outserve.estate.sinks import SaasSink, SqlSink, VisitorLogSink

DEFAULT_PEOPLE = 10_000


@dataclass(frozen=True)
class Targets:
    postgres: str | None = None
    """SQLAlchemy or libpq URL of an existing PostgreSQL database: the CRM."""
    mariadb: str | None = None
    """URL of an existing MariaDB/MySQL database: HR and payroll."""
    sqlite: Path | None = None
    """A SQLite file (created if missing): the support-ticket store."""
    files: Path | None = None
    """A folder (created if missing): the visitor log, visitors.csv."""
    saas: Path | None = None
    """A folder (created if missing): the SaaS servers' seed JSON."""


@dataclass
class Summary:
    people: int
    counts: dict[str, int] = field(default_factory=dict)
    """Rows written, as "system.table" → count."""


def generate(people: int, seed: int, targets: Targets) -> Summary:
    """Write the estate of ``people`` people for ``seed`` to each target given."""
    if people < PLANTED_COUNT:
        raise ValueError(f"--people must be at least {PLANTED_COUNT} (the planted cases)")
    summary = Summary(people)
    sql: dict[str, SqlSink] = {}
    with ExitStack() as stack:
        try:
            if targets.postgres:
                sql["crm"] = SqlSink("postgresql", targets.postgres, schema.CRM)
            if targets.mariadb:
                sql["hr"] = SqlSink("mysql", targets.mariadb, schema.HR)
            if targets.sqlite:
                sql["support"] = SqlSink("sqlite", str(targets.sqlite), schema.SUPPORT)
            visitors = VisitorLogSink(targets.files, stack) if targets.files else None
            saas = SaasSink(targets.saas, stack) if targets.saas else None
            feeds = {"crm": rows.crm, "hr": rows.hr, "support": rows.support}
            for index in range(people):
                person = person_at(seed, index)
                for system, sink in sql.items():
                    for table, row in feeds[system](person, seed):
                        sink.add(table, row)
                if visitors:
                    for row in rows.visitor_log(person, seed):
                        visitors.add(row)
                if saas:
                    _saas(saas, person, seed)
            for sink in sql.values():
                sink.finish()
        except BaseException:
            for sink in sql.values():
                sink.abandon()
            raise
        for system, sink in sql.items():
            summary.counts.update({f"{system}.{t}": n for t, n in sink.counts.items()})
        if visitors:
            summary.counts["visitor_log.visitors.csv"] = visitors.count
        if saas:
            saas.finish()
            summary.counts.update(
                {
                    "hubspot.contacts": saas.contacts.count,
                    "zendesk.users": saas.users.count,
                    "zendesk.tickets": saas.tickets.count,
                    "mailchimp.members": saas.members.count,
                }
            )
    return summary


def _saas(saas: SaasSink, person: Person, seed: int) -> None:
    contact = rows.hubspot_contact(person)
    if contact:
        saas.contacts.add(contact)
    user, tickets = rows.zendesk_records(person, seed)
    if user:
        saas.users.add(user)
    for ticket in tickets:
        saas.tickets.add(ticket)
    member = rows.mailchimp_member(person)
    if member:
        saas.members.add(member)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m examples.outserve.estate",
        description="Generate Outserve's systems, with planted cases, for demos and benchmarks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser("generate", help="write the estate to the targets given")
    command.add_argument("--people", type=int, default=DEFAULT_PEOPLE)
    command.add_argument("--seed", type=int, default=1)
    command.add_argument("--postgres", metavar="URL", help="the CRM (PostgreSQL database)")
    command.add_argument("--mariadb", metavar="URL", help="HR and payroll (MariaDB database)")
    command.add_argument("--sqlite", metavar="PATH", type=Path, help="support tickets")
    command.add_argument("--files", metavar="DIR", type=Path, help="the visitor log folder")
    command.add_argument("--saas", metavar="DIR", type=Path, help="SaaS servers' seed JSON")
    arguments = parser.parse_args(argv)
    targets = Targets(
        arguments.postgres, arguments.mariadb, arguments.sqlite, arguments.files, arguments.saas
    )
    if not any(vars(targets).values()):
        parser.error("name at least one target: --postgres, --mariadb, --sqlite, --files, --saas")
    try:
        summary = generate(arguments.people, arguments.seed, targets)
    except ValueError as error:
        parser.error(str(error))
    for name, count in sorted(summary.counts.items()):
        print(f"{name}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
