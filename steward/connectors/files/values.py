"""Cell values of a file, as text for matching, as scalars for the engine, and masked for erasure.

A masked record is kept but its person erased (UK GDPR Art 17 with a retention duty under Art
17(3)(b), e.g. an invoice kept six years for HMRC). Each mask is idempotent, so masking a
masked record changes nothing: ``null`` and ``fixed`` write the same value again,
``truncate_date`` truncates a truncated date to itself, and a ``pseudonym`` (64 hex digits of an
HMAC-SHA256 keyed by the deployment's pseudonym key) is recognised and left alone, so a second
erasure does not hash the hash.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import date, datetime, time
from typing import Any

from steward.connectors.protocol import FieldValue
from steward.manifest.datasets import FieldMap, Mask
from steward.spreadsheet import formula_safe

_PSEUDONYM = re.compile(r"[0-9a-f]{64}")


def as_text(value: Any) -> str:
    """The value as the text a request's identifier or a record key is compared with."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def as_field_value(value: Any) -> FieldValue:
    """The value as it crosses the connector border: a JSON scalar, dates as ISO 8601 text."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    return as_text(value)


def as_date(value: Any) -> date | None:
    """The date a value holds (an ISO date or date-time, or a spreadsheet date), else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def pseudonym(value: Any, key: bytes) -> str:
    return hmac.new(key, as_text(value).encode("utf-8"), hashlib.sha256).hexdigest()


def masked(field: FieldMap, value: Any, *, key: bytes, text_cells: bool) -> Any:
    """``value`` masked as ``field.mask`` says (``null`` when the map names none).

    ``text_cells``: the file stores text only (CSV), so a fixed text is made formula-safe
    (steward.spreadsheet) and a truncated date is written as text.
    """
    mask = field.mask or Mask.null
    if mask is Mask.null or value is None or value == "":
        return None if mask is Mask.null or value is None else value
    if mask is Mask.fixed:
        text = field.mask_value or ""
        return formula_safe(text) if text_cells else text
    if mask is Mask.pseudonym:
        if isinstance(value, str) and _PSEUDONYM.fullmatch(value):
            return value
        return pseudonym(value, key)
    day = as_date(value)
    if day is None:
        return None  # not a date we can truncate: nothing of it may stay
    first = day.replace(day=1)
    if isinstance(value, datetime) and not text_cells:
        return datetime.combine(first, time())
    if isinstance(value, date) and not text_cells:
        return first
    return first.isoformat()
