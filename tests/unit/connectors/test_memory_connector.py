"""The in-memory connector keeps the connector contract and the map's erase/mask/restrict rules."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

import pytest

from steward.connectors.memory import MemoryConnector
from steward.connectors.protocol import Connector, RecordKey, SystemUnavailable
from steward.errors import InvalidInput
from tests.unit.engine.estate import EMAIL, crm_rows, maps, support_rows

CUSTOMERS, ORDERS, INVOICES = maps()[0].collections
(TICKETS,) = maps()[1].collections
KEY = b"k" * 32


def _crm() -> MemoryConnector:
    return MemoryConnector("crm", crm_rows())


def _support() -> MemoryConnector:
    return MemoryConnector("support", support_rows(), pseudonym_key=KEY)


def test_it_is_a_connector() -> None:
    assert isinstance(_crm(), Connector)


def test_find_returns_the_keys_of_records_whose_field_equals_a_value() -> None:
    assert _crm().find(ORDERS, "customer_id", ["1"]) == [
        RecordKey("orders", ("10",)),
        RecordKey("orders", ("11",)),
    ]


def test_read_returns_every_mapped_field_and_skips_absent_keys() -> None:
    records = _crm().read(
        CUSTOMERS, [RecordKey("customers", ("1",)), RecordKey("customers", ("9",))]
    )
    assert [r.fields["email"] for r in records] == [EMAIL]


def test_erase_by_delete_removes_the_records_and_a_second_erase_affects_none() -> None:
    crm = _crm()
    keys = [RecordKey("orders", ("10",))]
    assert crm.erase(ORDERS, keys).affected == 1
    assert crm.erase(ORDERS, keys).affected == 0
    assert [row["id"] for row in crm.data["orders"]] == [11, 12]


def test_erase_by_mask_masks_each_field_as_mapped_and_keeps_the_record() -> None:
    support = _support()
    key = RecordKey("tickets", ("7",))
    assert support.erase(TICKETS, [key]).affected == 1
    row = support.data["tickets"][0]
    assert row == {
        "id": 7,
        "customer_ref": None,
        "requester": hmac.new(KEY, EMAIL.encode(), hashlib.sha256).hexdigest(),
        "body": None,
        "opened_on": "2026-02-01",
        "status": "closed",
    }


def test_masking_a_masked_record_again_changes_nothing() -> None:
    support = _support()
    key = RecordKey("tickets", ("7",))
    support.erase(TICKETS, [key])
    before = dict(support.data["tickets"][0])
    assert support.erase(TICKETS, [key]).affected == 0
    assert support.data["tickets"][0] == before


def test_restrict_by_field_sets_the_flag_once() -> None:
    crm = _crm()
    key = RecordKey("customers", ("1",))
    assert crm.restrict(CUSTOMERS, [key], True).affected == 1
    assert crm.restrict(CUSTOMERS, [key], True).affected == 0
    assert crm.data["customers"][0]["held"] is True


def test_restrict_natively_holds_the_record_in_the_system() -> None:
    crm = _crm()
    key = RecordKey("orders", ("10",))
    assert crm.restrict(ORDERS, [key], True).affected == 1
    assert crm.held(key)
    assert crm.restrict(ORDERS, [key], False).affected == 1
    assert not crm.held(key)


def test_rectify_changes_only_records_that_differ() -> None:
    crm = _crm()
    key = RecordKey("customers", ("1",))
    assert crm.rectify(CUSTOMERS, [key], {"email": "ada@new.example"}).affected == 1
    assert crm.rectify(CUSTOMERS, [key], {"email": "ada@new.example"}).affected == 0


def test_rectify_refuses_a_field_mapped_not_rectifiable() -> None:
    with pytest.raises(InvalidInput, match="may not be rectified"):
        _crm().rectify(CUSTOMERS, [RecordKey("customers", ("1",))], {"held": True})


def test_past_lists_records_dated_before_the_day() -> None:
    assert _crm().past(INVOICES, date(2019, 1, 1)) == [RecordKey("invoices", ("101",))]


def test_a_failure_injected_for_the_next_calls_raises_system_unavailable_naming_it() -> None:
    crm = _crm()
    crm.fail_next(2)
    for _ in range(2):
        with pytest.raises(SystemUnavailable) as raised:
            crm.find(CUSTOMERS, "email", [EMAIL])
        assert raised.value.where == "system crm"
    assert crm.find(CUSTOMERS, "email", [EMAIL]) == [RecordKey("customers", ("1",))]


def test_a_failure_can_be_injected_for_one_operation_only() -> None:
    crm = _crm()
    crm.fail_next(1, "erase")
    assert crm.find(ORDERS, "customer_id", ["1"])
    with pytest.raises(SystemUnavailable):
        crm.erase(ORDERS, [RecordKey("orders", ("10",))])
