"""A small customer database for the SQL connector's tests, built on any of the three backends."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    UniqueConstraint,
    insert,
)

from steward.manifest.datasets import CollectionMap

metadata = MetaData()

customers = Table(
    "customers",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("email", String(200)),
    Column("full_name", String(200), nullable=False),
    Column("customer_no", String(20)),
    Column("birth_date", Date),
    Column("phone", String(40)),
    Column("nickname", String(16)),
    Column("processing_hold", Boolean, nullable=False, default=False),
    Column("created_at", DateTime),
    UniqueConstraint("customer_no", name="customers_customer_no_key"),
)

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", Integer, primary_key=True, autoincrement=False),
    Column("line_no", Integer, primary_key=True, autoincrement=False),
    Column("customer_id", Integer),
    Column("amount", Numeric(10, 2)),
)

CUSTOMERS = [
    {
        "id": 1,
        "email": "ann@example.com",
        "full_name": "Ann Example",
        "customer_no": "C-1",
        "birth_date": date(1980, 5, 17),
        "phone": "+447700900001",
        "nickname": "annie",
        "processing_hold": False,
        "created_at": datetime(2019, 3, 1, 10, 0),
    },
    {
        "id": 2,
        "email": "bob@example.com",
        "full_name": "Bob Sample",
        "customer_no": "C-2",
        "birth_date": date(1975, 12, 2),
        "phone": None,
        "nickname": None,
        "processing_hold": False,
        "created_at": datetime(2024, 6, 1, 8, 30),
    },
    {
        "id": 3,
        "email": "ann@example.com",
        "full_name": "Andy Example",
        "customer_no": "C-3",
        "birth_date": None,
        "phone": "+447700900003",
        "nickname": "andy",
        "processing_hold": False,
        "created_at": datetime(2018, 1, 1, 0, 0),
    },
]

ORDER_LINES = [
    {"order_id": 10, "line_no": 1, "customer_id": 1, "amount": "12.50"},
    {"order_id": 10, "line_no": 2, "customer_id": 1, "amount": "3.00"},
    {"order_id": 11, "line_no": 1, "customer_id": 3, "amount": "40.00"},
]


def build(engine: Engine) -> None:
    """Drop and re-create the tables, filled with the rows above."""
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(customers), CUSTOMERS)
        connection.execute(insert(order_lines), ORDER_LINES)


CUSTOMER_FIELDS: list[dict[str, Any]] = [
    {"name": "id"},
    {"name": "email", "categories": ["contact_details"], "identity": "email"},
    {
        "name": "full_name",
        "categories": ["contact_details"],
        "mask": "fixed",
        "mask_value": "erased",
    },
    {"name": "customer_no", "identity": "customer_number", "mask": "pseudonym"},
    {"name": "birth_date", "categories": ["date_of_birth"], "mask": "truncate_date"},
    {"name": "phone", "categories": ["contact_details"], "identity": "phone"},
    {"name": "nickname", "categories": ["contact_details"], "mask": "pseudonym"},
    {"name": "processing_hold"},
    {"name": "created_at", "rectifiable": False},
]
CUSTOMERS_MAP: dict[str, Any] = {
    "name": "customers",
    "primary_key": ["id"],
    "erase": "mask",
    "date_field": "created_at",
    "restrict": {"by": "field", "field": "processing_hold"},
    "fields": CUSTOMER_FIELDS,
}

ORDER_LINES_MAP: dict[str, Any] = {
    "name": "order_lines",
    "primary_key": ["order_id", "line_no"],
    "fields": [
        {"name": "order_id"},
        {"name": "line_no"},
        {"name": "customer_id", "references": "crm.customers.id"},
        {"name": "amount"},
    ],
}


def collection(base: dict[str, Any], **changes: Any) -> CollectionMap:
    return CollectionMap.model_validate({**base, **changes})
