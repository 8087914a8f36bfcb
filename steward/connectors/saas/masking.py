"""The values a SaaS record's fields take when it is erased by masking (UK GDPR Art 17 where the
record itself must stay, e.g. a ticket kept for a dispute): null, fixed text, a keyed pseudonym
(HMAC-SHA256, stable and not reversible without the deployment's key) or a date cut to its
month."""

from __future__ import annotations

import hashlib
import hmac

from steward.connectors.protocol import FieldValue, Record
from steward.errors import ConfigError
from steward.manifest.datasets import CollectionMap, Mask


def masked_value(mask: Mask | None, value: FieldValue, fixed: str | None, key: bytes) -> FieldValue:
    if mask is None or mask is Mask.null:
        return None
    if mask is Mask.fixed:
        return fixed
    if value is None:
        return None
    if mask is Mask.pseudonym:
        if not key:
            raise ConfigError(
                "'mask: pseudonym' needs the deployment's pseudonym key",
                hint="the composition root passes it in the connector context",
            )
        return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()
    return str(value)[:7]  # truncate_date: YYYY-MM of an ISO 8601 date or time


def masked_changes(collection: CollectionMap, record: Record, key: bytes) -> dict[str, FieldValue]:
    """The change that masks every personal field of the record not masked already (keys are
    left as they are). Empty when the record is masked: masking twice changes nothing, which
    is what lets a resumed plan repeat the step safely."""
    changes: dict[str, FieldValue] = {}
    for f in collection.personal_fields:
        if f.name in collection.primary_key:
            continue
        current = record.fields.get(f.name)
        if f.mask is Mask.pseudonym and _is_pseudonym(current):
            continue
        wanted = masked_value(f.mask, current, f.mask_value, key)
        if wanted != current:
            changes[f.name] = wanted
    return changes


def _is_pseudonym(value: FieldValue) -> bool:
    """An HMAC-SHA256 in hex: a value written by an earlier masking of this field."""
    return (
        isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)
    )
