"""The three SQL systems' tables, written once and spelt for PostgreSQL, MariaDB and SQLite.

Every table has a ``processing_hold`` boolean: the flag a restriction sets (UK GDPR Art 18), as
the dataset maps declare (``restrict: {by: field, field: processing_hold}``). Foreign keys and
indexes are added after the rows are loaded (a bulk load is several times faster without them);
SQLite declares its foreign keys in the table, as it cannot add them later.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    on_delete: str = "RESTRICT"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[tuple[str, str], ...]
    """(name, type) with type one of: id, text, key (indexed text), date, time, bool, int."""
    foreign_keys: tuple[ForeignKey, ...] = ()
    indexes: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.columns)


_TYPES = {
    "postgresql": {
        "id": "BIGINT",
        "text": "TEXT",
        "key": "VARCHAR(255)",
        "date": "DATE",
        "time": "TIMESTAMP",
        "bool": "BOOLEAN",
        "int": "BIGINT",
    },
    "mysql": {
        "id": "BIGINT",
        "text": "TEXT",
        "key": "VARCHAR(255)",
        "date": "DATE",
        "time": "DATETIME",
        "bool": "BOOLEAN",
        "int": "BIGINT",
    },
    "sqlite": {
        "id": "INTEGER",
        "text": "TEXT",
        "key": "TEXT",
        "date": "TEXT",
        "time": "TEXT",
        "bool": "BOOLEAN",
        "int": "INTEGER",
    },
}


def _hold(*columns: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return (*columns, ("processing_hold", "bool"))


CRM = (
    Table(
        "customers",
        _hold(
            ("id", "id"), ("customer_number", "key"), ("name", "key"), ("email", "key"),
            ("phone", "key"), ("company", "text"), ("address", "text"), ("postcode", "text"),
            ("created_on", "date"), ("marketing_opt_in", "bool"),
        ),
        indexes=("customer_number", "email", "phone", "name"),
    ),
    Table(
        "contacts",
        _hold(("id", "id"), ("customer_id", "id"), ("contacted_on", "date"), ("channel", "text"),
              ("summary", "text")),
        foreign_keys=(ForeignKey("customer_id", "customers"),),
        indexes=("customer_id",),
    ),
    Table(
        "bookings",
        _hold(("id", "id"), ("customer_id", "id"), ("booked_on", "date"), ("service", "text"),
              ("starts_on", "date"), ("notes", "text")),
        foreign_keys=(ForeignKey("customer_id", "customers"),),
        indexes=("customer_id",),
    ),
    Table(
        "invoices",
        _hold(("id", "id"), ("customer_id", "id"), ("invoice_number", "key"), ("issued_on", "date"),
              ("amount_pence", "int"), ("billing_name", "text"), ("billing_address", "text")),
        # a tax record outlives its customer's row: the link is cleared, the invoice stays
        foreign_keys=(ForeignKey("customer_id", "customers", "SET NULL"),),
        indexes=("customer_id", "issued_on"),
    ),
)  # fmt: skip

HR = (
    Table(
        "employees",
        _hold(
            ("id", "id"), ("employee_number", "key"), ("first_name", "text"), ("last_name", "key"),
            ("email", "key"), ("phone", "key"), ("ni_number", "key"), ("date_of_birth", "date"),
            ("address", "text"), ("postcode", "text"), ("job_title", "text"),
            ("started_on", "date"), ("left_on", "date"),
        ),
        indexes=("employee_number", "email", "phone", "last_name"),
    ),
    Table(
        "emergency_contacts",
        _hold(("id", "id"), ("employee_id", "id"), ("contact_name", "text"),
              ("relationship", "text"), ("contact_phone", "text")),
        foreign_keys=(ForeignKey("employee_id", "employees"),),
        indexes=("employee_id",),
    ),
    Table(
        "payslips",
        _hold(("id", "id"), ("employee_id", "id"), ("pay_date", "date"), ("gross_pence", "int"),
              ("tax_pence", "int"), ("ni_pence", "int"), ("tax_code", "text")),
        foreign_keys=(ForeignKey("employee_id", "employees"),),
        indexes=("employee_id", "pay_date"),
    ),
    Table(
        "absences",
        _hold(("id", "id"), ("employee_id", "id"), ("starts_on", "date"), ("ends_on", "date"),
              ("reason", "text"), ("health_note", "text")),
        foreign_keys=(ForeignKey("employee_id", "employees"),),
        indexes=("employee_id",),
    ),
)  # fmt: skip

SUPPORT = (
    Table(
        "tickets",
        _hold(("id", "id"), ("requester_email", "key"), ("requester_name", "text"),
              ("subject", "text"), ("opened_at", "time"), ("status", "text")),
        indexes=("requester_email",),
    ),
    Table(
        "messages",
        _hold(("id", "id"), ("ticket_id", "id"), ("sent_at", "time"), ("author", "text"),
              ("body", "text")),
        foreign_keys=(ForeignKey("ticket_id", "tickets", "CASCADE"),),
        indexes=("ticket_id",),
    ),
)  # fmt: skip

VISITOR_LOG_COLUMNS = (
    "visit_id",
    "visitor_name",
    "visitor_email",
    "company",
    "host",
    "signed_in_at",
    "signed_out_at",
    "processing_hold",
)


def create_table(table: Table, dialect: str) -> str:
    types = _TYPES[dialect]
    lines = [
        f"{name} {types[kind]}" + (" PRIMARY KEY" if name == "id" else "")
        + (" NOT NULL DEFAULT FALSE" if name == "processing_hold" else "")
        for name, kind in table.columns
    ]  # fmt: skip
    if dialect == "sqlite":
        lines += [
            f"FOREIGN KEY ({fk.column}) REFERENCES {fk.table} (id) ON DELETE {fk.on_delete}"
            for fk in table.foreign_keys
        ]
    return f"CREATE TABLE {table.name} (\n  " + ",\n  ".join(lines) + "\n)"


def after_load(table: Table, dialect: str) -> list[str]:
    """Indexes, then (not on SQLite) foreign keys: run once every row is in."""
    statements = [
        f"CREATE INDEX ix_{table.name}_{column} ON {table.name} ({column})"
        for column in table.indexes
    ]
    if dialect != "sqlite":
        statements += [
            f"ALTER TABLE {table.name} ADD CONSTRAINT fk_{table.name}_{fk.column} "
            f"FOREIGN KEY ({fk.column}) REFERENCES {fk.table} (id) ON DELETE {fk.on_delete}"
            for fk in table.foreign_keys
        ]
    return statements
