"""Values across the SQL border: text keys to a column's type, column values to JSON scalars,
and the masks a kept record's personal fields get on erasure (UK GDPR Art 17, Art 4(5)).

A key or a searched identifier arrives as text; the database compares it in the column's own
type (PostgreSQL refuses ``integer = text``), so each is converted here first. A value that
cannot be one of the column's type can match nothing and is left out of the search.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from sqlalchemy import Column, String

from steward.connectors.protocol import FieldValue
from steward.manifest.datasets import FieldMap, Mask

_TRUE = {"1", "true", "t", "yes", "y"}
_FALSE = {"0", "false", "f", "no", "n"}
PSEUDONYM_LENGTH = 64
"""Hex digits of an HMAC-SHA256; fewer when the column is narrower."""


class NotOfColumnType(ValueError):
    """A text value that cannot be a value of the column's type."""


def python_type(column: Column[Any]) -> type | None:
    try:
        kind: type = column.type.python_type
    except NotImplementedError:
        return None
    return kind


def to_column(column: Column[Any], value: FieldValue) -> Any:
    """``value`` as the column's Python type; ``NotOfColumnType`` when it cannot be."""
    kind = python_type(column)
    if value is None or kind is None or isinstance(value, kind):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise NotOfColumnType(value)
        if kind is int:
            return int(text)
        if kind is float:
            return float(text)
        if kind is Decimal:
            return Decimal(text)
        if kind is datetime:
            return datetime.fromisoformat(text)
        if kind is date:
            return date.fromisoformat(text[:10])
        if kind is UUID:
            return UUID(text)
        if kind is str:
            return str(value)
    except (ValueError, InvalidOperation) as error:
        raise NotOfColumnType(value) from error
    return value


def from_column(value: Any) -> FieldValue:
    """A column's value as a JSON scalar; dates and times as ISO 8601 text."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    return str(value)


def key_text(value: Any) -> str:
    """A primary-key value as the text a ``RecordKey`` carries."""
    text = from_column(value)
    return "" if text is None else str(text)


def column_length(column: Column[Any]) -> int | None:
    return column.type.length if isinstance(column.type, String) else None


def pseudonym(value: Any, key: bytes, length: int | None) -> str:
    """Keyed HMAC-SHA256 of the value, in hex: the same person gets the same pseudonym (records
    still join up), and without the key nobody can tell whose it was (Art 4(5))."""
    digest = hmac.new(key, str(from_column(value)).encode("utf-8"), hashlib.sha256).hexdigest()
    return digest[: min(length or PSEUDONYM_LENGTH, PSEUDONYM_LENGTH)]


def looks_pseudonymised(value: Any, length: int | None) -> bool:
    """A value already replaced by a pseudonym (lower-case hex of the pseudonym's length).

    Masking twice must change nothing (the connector contract), and an HMAC of an HMAC would.
    An original value that is itself lower-case hex of exactly that length is taken as done.
    """
    width = min(length or PSEUDONYM_LENGTH, PSEUDONYM_LENGTH)
    return isinstance(value, str) and re.fullmatch(f"[0-9a-f]{{{width}}}", value) is not None


def truncated_date(value: Any) -> Any:
    """The first day of the value's month: the year and month are kept, the day goes."""
    if isinstance(value, datetime):
        return datetime.combine(value.date().replace(day=1), time(), tzinfo=value.tzinfo)
    if isinstance(value, date):
        return value.replace(day=1)
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}", value):
        return f"{value[:7]}-01"
    return value


def masked(field: FieldMap, column: Column[Any], value: Any, key: bytes) -> Any:
    """What ``value`` becomes under the field's mask (``null`` when none is given)."""
    mask = field.mask or Mask.null
    if mask is Mask.null or value is None:
        return None
    if mask is Mask.fixed:
        return to_column(column, field.mask_value)
    if mask is Mask.truncate_date:
        return truncated_date(value)
    length = column_length(column)
    if looks_pseudonymised(value, length):
        return value
    return pseudonym(value, key, length)
