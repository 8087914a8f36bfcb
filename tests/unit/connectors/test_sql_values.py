"""Values across the SQL border: keys to column types, columns to JSON scalars, and the masks."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Boolean, Column, Date, DateTime, Integer, Numeric, String, Text

from steward.connectors.sql_values import (
    NotOfColumnType,
    from_column,
    looks_pseudonymised,
    masked,
    pseudonym,
    to_column,
    truncated_date,
)
from steward.manifest.datasets import FieldMap, Mask

KEY = b"k" * 32


@pytest.mark.parametrize(
    ("column", "text", "expected"),
    [
        (Column("n", Integer), "42", 42),
        (Column("d", Date), "2026-03-17", date(2026, 3, 17)),
        (Column("t", DateTime), "2026-03-17T09:30:00", datetime(2026, 3, 17, 9, 30)),
        (Column("m", Numeric(10, 2)), "12.50", Decimal("12.50")),
        (Column("b", Boolean), "true", True),
        (Column("s", String(20)), "C-1", "C-1"),
    ],
)
def test_text_becomes_the_columns_own_type(
    column: Column[object], text: str, expected: object
) -> None:
    assert to_column(column, text) == expected


@pytest.mark.parametrize(
    ("column", "text"),
    [
        (Column("n", Integer), "two"),
        (Column("d", Date), "last spring"),
        (Column("b", Boolean), "maybe"),
    ],
)
def test_text_that_cannot_be_of_the_type_is_refused(column: Column[object], text: str) -> None:
    with pytest.raises(NotOfColumnType):
        to_column(column, text)


def test_values_leave_as_json_scalars() -> None:
    assert from_column(date(2026, 3, 17)) == "2026-03-17"
    assert from_column(datetime(2026, 3, 17, 9, 30, tzinfo=UTC)) == "2026-03-17T09:30:00+00:00"
    assert from_column(Decimal("12.50")) == "12.50"
    assert from_column(b"\x01\xff") == "01ff"
    assert from_column(None) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(1980, 5, 17), date(1980, 5, 1)),
        (datetime(1980, 5, 17, 14, 5), datetime(1980, 5, 1)),
        ("1980-05-17", "1980-05-01"),
        ("1980-05-17T14:05:00", "1980-05-01"),
    ],
)
def test_truncating_a_date_keeps_the_year_and_month(value: object, expected: object) -> None:
    assert truncated_date(value) == expected


def test_truncating_twice_changes_nothing() -> None:
    assert truncated_date(truncated_date(date(1980, 5, 17))) == date(1980, 5, 1)


def test_a_pseudonym_is_the_keyed_hmac_cut_to_the_column() -> None:
    digest = hmac.new(KEY, b"ann@example.com", hashlib.sha256).hexdigest()

    assert pseudonym("ann@example.com", KEY, None) == digest
    assert pseudonym("ann@example.com", KEY, 20) == digest[:20]
    assert pseudonym("ann@example.com", KEY, 200) == digest


def test_a_pseudonym_depends_on_the_key() -> None:
    assert pseudonym("ann@example.com", KEY, None) != pseudonym("ann@example.com", b"x", None)


def test_a_pseudonym_is_recognised_so_masking_twice_changes_nothing() -> None:
    field = FieldMap(name="email", mask=Mask.pseudonym)
    column = Column("email", String(200))
    once = masked(field, column, "ann@example.com", KEY)

    assert looks_pseudonymised(once, 200)
    assert masked(field, column, once, KEY) == once


def test_a_fixed_mask_writes_its_text_and_null_empties() -> None:
    fixed = FieldMap(name="n", mask=Mask.fixed, mask_value="erased")
    plain = FieldMap(name="n")
    column = Column("n", Text)

    assert masked(fixed, column, "Ann", KEY) == "erased"
    assert masked(plain, column, "Ann", KEY) is None
