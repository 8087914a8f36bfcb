"""A small estate for engine tests: a CRM with orders and invoices, a support desk that masks,
an HR system no email reaches, and a paper archive no connector reaches."""

from __future__ import annotations

from datetime import date
from typing import Any

from steward.connectors.memory import MemoryConnector
from steward.manifest.datasets import DatasetMap, IdentityKind
from steward.manifest.schema import System
from steward.requests.kinds import RequestKind
from steward.requests.subject import RequestSubject

CRM: dict[str, Any] = {
    "system": "crm",
    "collections": [
        {
            "name": "customers",
            "primary_key": ["id"],
            "fields": [
                {"name": "id", "identity": "customer_number"},
                {"name": "email", "identity": "email", "categories": ["contact_details"]},
                {"name": "phone", "identity": "phone", "categories": ["contact_details"]},
                {"name": "name", "identity": "name", "categories": ["contact_details"]},
                {"name": "held", "rectifiable": False},
            ],
            "restrict": {"by": "field", "field": "held"},
        },
        {
            "name": "orders",
            "primary_key": ["id"],
            "fields": [
                {"name": "id"},
                {"name": "customer_id", "references": "crm.customers.id"},
                {"name": "total"},
            ],
            "restrict": {"by": "native"},
        },
        {
            "name": "invoices",
            "primary_key": ["id"],
            "fields": [
                {"name": "id"},
                {"name": "order_id", "references": "crm.orders.id"},
                {"name": "amount"},
                {"name": "issued_on"},
                {"name": "held"},
            ],
            "restrict": {"by": "field", "field": "held"},
            "retention": "tax_records",
            "date_field": "issued_on",
        },
    ],
}

SUPPORT: dict[str, Any] = {
    "system": "support",
    "collections": [
        {
            "name": "tickets",
            "primary_key": ["id"],
            "erase": "mask",
            "fields": [
                {"name": "id"},
                {"name": "customer_ref", "references": "crm.customers.id"},
                {"name": "requester", "identity": "email", "mask": "pseudonym"},
                {"name": "body", "categories": ["correspondence"]},
                {"name": "opened_on", "categories": ["correspondence"], "mask": "truncate_date"},
                {"name": "status"},
            ],
        }
    ],
}

HR: dict[str, Any] = {
    "system": "hr",
    "collections": [
        {
            "name": "employees",
            "primary_key": ["number"],
            "fields": [
                {"name": "number", "identity": "employee_number"},
                {"name": "salary", "categories": ["financial"]},
            ],
        }
    ],
}

EMAIL = "ada@example.org"


def maps() -> tuple[DatasetMap, ...]:
    return tuple(DatasetMap.model_validate(m) for m in (CRM, SUPPORT, HR))


def systems() -> tuple[System, ...]:
    return tuple(
        System.model_validate({"id": i, "name": i.title(), "kind": k})
        for i, k in (("crm", "postgresql"), ("support", "sqlite"), ("hr", "mysql"),
                     ("archive", "paper"))
    )  # fmt: skip


def subject(
    kind: RequestKind = RequestKind.access,
    *,
    changes: dict[str, str] | None = None,
    request_id: str = "r-1",
    **identities: tuple[str, ...],
) -> RequestSubject:
    given = {IdentityKind(k): v for k, v in identities.items()} or {IdentityKind.email: (EMAIL,)}
    return RequestSubject(
        request_id, kind, given, changes or {}, date(2026, 11, 20), date(2026, 12, 20)
    )


def crm_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "customers": [
            {"id": 1, "email": EMAIL, "phone": "+447700900001", "name": "Ada", "held": False},
            {"id": 2, "email": "bob@example.org", "phone": "+447700900002", "name": "Bob",
             "held": False},
        ],
        "orders": [
            {"id": 10, "customer_id": 1, "total": 30},
            {"id": 11, "customer_id": 1, "total": 12},
            {"id": 12, "customer_id": 2, "total": 99},
        ],
        "invoices": [
            {"id": 100, "order_id": 10, "amount": 30, "issued_on": "2025-03-02", "held": False},
            {"id": 101, "order_id": 11, "amount": 12, "issued_on": "2018-01-05", "held": False},
            {"id": 102, "order_id": 12, "amount": 99, "issued_on": "2025-04-01", "held": False},
        ],
    }  # fmt: skip


def support_rows() -> dict[str, list[dict[str, Any]]]:
    return {
        "tickets": [
            {"id": 7, "customer_ref": 1, "requester": EMAIL, "body": "my parcel",
             "opened_on": "2026-02-17", "status": "closed"},
            {"id": 8, "customer_ref": None, "requester": EMAIL, "body": "again",
             "opened_on": "2026-03-09", "status": "open"},
            {"id": 9, "customer_ref": 2, "requester": "bob@example.org", "body": "hello",
             "opened_on": "2026-03-10", "status": "open"},
        ]
    }  # fmt: skip


def connectors() -> dict[str, MemoryConnector]:
    return {
        "crm": MemoryConnector("crm", crm_rows()),
        "support": MemoryConnector("support", support_rows(), pseudonym_key=b"k" * 32),
        "hr": MemoryConnector("hr", {"employees": [{"number": "E1", "salary": 1}]}),
    }
