"""Legal holds: why a record is kept (and restricted) when a request or a sweep would erase it.

A hold comes from a retention rule (six-year tax records), a dispute or claim entered by staff,
or an open request about the same person (UK GDPR Art 17(3)(b), (e); Art 18(1)). A held record
is restricted, not erased, and the response says why. The same holds stop retention deletion.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from steward.connectors.protocol import Record, RecordKey
from steward.manifest.datasets import CollectionMap


class HoldSource(StrEnum):
    retention = "retention"  # a retention rule of the manifest still running
    dispute = "dispute"  # a dispute, claim or investigation entered by staff
    request = "request"  # another open request about the same person


@dataclass(frozen=True)
class Hold:
    source: HoldSource
    reason: str  # shown to the person and to staff: why the record is kept
    citation: str  # e.g. "UK GDPR Art 17(3)(b); Taxes Management Act 1970 s.12B"
    until: date | None  # None: until released by staff
    reference: str  # the hold's id, or the retention rule id


class HoldCheck(Protocol):
    def holds_for(
        self,
        system_id: str,
        collection: CollectionMap,
        records: Sequence[Record],
        today: date,
    ) -> Mapping[RecordKey, tuple[Hold, ...]]:
        """The holds on each of these records today; records without a hold are absent."""
        ...
