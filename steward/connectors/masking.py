"""What erasure by masking does to a kept record, the same in every connector.

When a collection is mapped ``erase: mask`` the record stays (a ticket count, an order total)
but nothing in it identifies the person any more (UK GDPR Art 17; Art 4(5) pseudonymisation).
Masked: every field that holds a data category, identifies a person, or references another
collection's record (a link back to the person), plus any field given a ``mask``; never the
primary key, which the record is found by. Each field is masked per its ``mask`` (default null).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from steward.connectors.protocol import FieldValue
from steward.manifest.datasets import CollectionMap, FieldMap, Mask


def fields_masked(collection: CollectionMap) -> tuple[FieldMap, ...]:
    return tuple(
        f
        for f in collection.fields
        if f.name not in collection.primary_key
        and (f.mask is not None or f.categories or f.identity is not None or f.references)
    )


def pseudonym(key: bytes, value: FieldValue) -> str:
    """``mask: pseudonym``: HMAC-SHA256 (hex) of the value under the deployment's key: the same
    person gets the same pseudonym everywhere, and it cannot be reversed without the key."""
    return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()


def first_of_month(value: FieldValue) -> FieldValue:
    """``mask: truncate_date``: keep the year and month of an ISO date (or date-time)."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return None  # not a date: nothing of it can be kept safely
    return day.replace(day=1).isoformat()


def masked(field: FieldMap, value: FieldValue, key: bytes) -> FieldValue:
    mask = field.mask or Mask.null
    if mask is Mask.null or value is None:
        return None
    if mask is Mask.fixed:
        return field.mask_value
    if mask is Mask.pseudonym:
        return pseudonym(key, value)
    return first_of_month(value)
