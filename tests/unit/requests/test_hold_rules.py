"""Which holds keep a record on a given day: retention rules, staff holds, open requests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from steward.connectors.protocol import FieldValue, Record, RecordKey
from steward.errors import InvalidInput
from steward.manifest.datasets import CollectionMap
from steward.manifest.schema import RetentionRule
from steward.requests.hold_rules import (
    HoldScope,
    OpenRequest,
    StaffHold,
    StaffHoldKind,
    open_request_holds,
    retention_hold,
    staff_holds_on,
)
from steward.requests.holds import HoldSource
from steward.requests.kinds import RequestKind

TAX_RECORDS = RetentionRule.model_validate(
    {
        "id": "tax_records",
        "description": "Invoices and accounting records for tax",
        "trigger_event": "invoice_date",
        "period": "6 years",
        "action": "delete",
        "citation": "HMRC: Taxes Management Act 1970 s.12B",
    }
)
CASE_BY_CASE = RetentionRule.model_validate(
    {
        "id": "complaint_files",
        "description": "Complaint files, kept while a complaint may be reopened",
        "trigger_event": "closed",
        "criteria": "Reviewed by the complaints lead when the file closes",
    }
)
INVOICES = CollectionMap.model_validate(
    {
        "name": "invoices",
        "primary_key": ["id"],
        "fields": [{"name": "id"}, {"name": "issued_on"}, {"name": "email", "identity": "email"}],
        "retention": "tax_records",
        "date_field": "issued_on",
    }
)
TODAY = date(2026, 12, 3)


def invoice(issued_on: FieldValue) -> Record:
    return Record(RecordKey("invoices", ("7",)), {"id": 7, "issued_on": issued_on})


def test_a_tax_record_within_six_years_is_held_with_the_rule_and_its_citation() -> None:
    hold = retention_hold(TAX_RECORDS, INVOICES, invoice("2021-03-31"), TODAY)

    assert hold is not None
    assert hold.source is HoldSource.retention
    assert hold.until == date(2027, 3, 31)
    assert hold.reference == "tax_records"
    assert "kept for six years" in hold.reason
    assert "Invoices and accounting records for tax" in hold.reason
    assert "(HMRC: Taxes Management Act 1970 s.12B)" in hold.reason
    assert hold.citation == "UK GDPR Art 17(3)(b); HMRC: Taxes Management Act 1970 s.12B"


def test_the_tax_record_is_still_held_on_the_last_day_of_its_period() -> None:
    assert retention_hold(TAX_RECORDS, INVOICES, invoice("2021-03-31"), date(2027, 3, 31))


def test_the_tax_record_is_released_the_day_after_its_period_ends() -> None:
    assert retention_hold(TAX_RECORDS, INVOICES, invoice("2021-03-31"), date(2027, 4, 1)) is None


def test_a_tax_record_older_than_six_years_is_not_held_on_2026_12_03() -> None:
    assert retention_hold(TAX_RECORDS, INVOICES, invoice("2020-06-01"), TODAY) is None


def test_a_date_time_in_the_date_field_counts_from_its_date() -> None:
    hold = retention_hold(TAX_RECORDS, INVOICES, invoice("2021-03-31T17:45:00+00:00"), TODAY)

    assert hold is not None and hold.until == date(2027, 3, 31)


def test_a_criteria_only_rule_holds_until_staff_review_and_says_so() -> None:
    hold = retention_hold(CASE_BY_CASE, INVOICES, invoice("2019-01-01"), TODAY)

    assert hold is not None
    assert hold.until is None
    assert "cannot compute when it ends" in hold.reason
    assert hold.reason.endswith("held until staff review it")


def test_a_record_without_its_date_is_held_until_staff_review() -> None:
    hold = retention_hold(TAX_RECORDS, INVOICES, invoice(None), TODAY)

    assert hold is not None and hold.until is None
    assert "no usable 'issued_on' date" in hold.reason


def staff_hold(scope: HoldScope, **where: str | None) -> StaffHold:
    return StaffHold(
        id=4,
        scope=scope,
        person_ref=where.get("person_ref"),
        system=where.get("system"),
        collection=where.get("collection"),
        kind=StaffHoldKind.claim,
        reason="Employment tribunal claim ET/123",
        citation="UK GDPR Art 17(3)(e)",
        created_by="cli:ann",
        created_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
        until=date(2027, 6, 30),
    )


def test_a_person_hold_reaches_that_persons_records_in_every_system() -> None:
    hold = staff_hold(HoldScope.person, person_ref="p1")

    assert staff_holds_on([hold], "p1", "crm", "invoices", TODAY)[0].reference == "hold-4"
    assert staff_holds_on([hold], "p1", "hr", "staff", TODAY)
    assert staff_holds_on([hold], "p2", "crm", "invoices", TODAY) == ()


def test_a_collection_hold_reaches_only_that_collection_of_that_system() -> None:
    hold = staff_hold(HoldScope.collection, system="crm", collection="invoices")

    assert staff_holds_on([hold], "p9", "crm", "invoices", TODAY)
    assert staff_holds_on([hold], "p9", "crm", "contacts", TODAY) == ()
    assert staff_holds_on([hold], "p9", "billing", "invoices", TODAY) == ()


def test_a_system_hold_reaches_every_collection_of_the_system() -> None:
    hold = staff_hold(HoldScope.system, system="crm")

    (found,) = staff_holds_on([hold], None, "crm", "contacts", TODAY)
    assert found.source is HoldSource.dispute
    assert found.reason == "claim: Employment tribunal claim ET/123"
    assert found.until == date(2027, 6, 30)


def test_a_staff_hold_ends_after_its_until_day_and_when_released() -> None:
    hold = staff_hold(HoldScope.system, system="crm")
    released = StaffHold(**{**vars(hold), "released_at": datetime(2026, 12, 1, tzinfo=UTC)})

    assert staff_holds_on([hold], None, "crm", "contacts", date(2027, 6, 30))
    assert staff_holds_on([hold], None, "crm", "contacts", date(2027, 7, 1)) == ()
    assert staff_holds_on([released], None, "crm", "contacts", TODAY) == ()


def test_a_collection_hold_without_its_system_is_refused() -> None:
    with pytest.raises(InvalidInput, match="a system and one of its collections"):
        staff_hold(HoldScope.collection, collection="invoices")


def test_another_open_access_request_about_the_person_holds_their_records() -> None:
    open_requests = [
        OpenRequest("R-1", RequestKind.access, "p1"),
        OpenRequest("R-2", RequestKind.erasure, "p1"),
        OpenRequest("R-3", RequestKind.access, "p2"),
    ]

    (hold,) = open_request_holds("p1", open_requests, answering="R-2")

    assert hold.source is HoldSource.request
    assert hold.reference == "R-1"
    assert "access request R-1 is open" in hold.reason


def test_the_request_being_answered_does_not_hold_itself() -> None:
    assert (
        open_request_holds("p1", [OpenRequest("R-1", RequestKind.access, "p1")], answering="R-1")
        == ()
    )
