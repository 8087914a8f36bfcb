"""Engine fixtures: the small estate in memory, a tax-records hold, and a crash on demand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pytest

from steward.connectors.memory import MemoryConnector
from steward.connectors.protocol import ChangeReceipt, Record, RecordKey
from steward.manifest.datasets import CollectionMap
from steward.requests.holds import Hold, HoldSource
from tests.unit.engine.estate import connectors

TAX_HOLD = Hold(
    HoldSource.retention,
    "tax records are kept for six years",
    "UK GDPR Art 17(3)(b); Taxes Management Act 1970 s.12B",
    None,
    "tax_records",
)


class TaxHolds:
    """Invoices issued in the last six years are held (a retention rule still running)."""

    def holds_for(
        self, system_id: str, collection: CollectionMap, records: Sequence[Record], today: date
    ) -> Mapping[RecordKey, tuple[Hold, ...]]:
        if collection.retention != "tax_records":
            return {}
        cutoff = today.replace(year=today.year - 6).isoformat()
        return {r.key: (TAX_HOLD,) for r in records if str(r.fields["issued_on"]) >= cutoff}


class NoHolds:
    def holds_for(
        self, system_id: str, collection: CollectionMap, records: Sequence[Record], today: date
    ) -> Mapping[RecordKey, tuple[Hold, ...]]:
        return {}


class Crash(BaseException):
    """The process dies: nothing after it runs (not an error Steward could handle)."""


class CrashingConnector:
    """Delegates to a MemoryConnector; dies just after (or before) the next ``operation``."""

    def __init__(self, inner: MemoryConnector, operation: str, *, after: bool = True) -> None:
        self.inner = inner
        self.system_id = inner.system_id
        self.capabilities = inner.capabilities
        self.operation = operation
        self.after = after
        self.armed = True

    def _maybe(self, operation: str, call: object) -> object:
        if self.armed and operation == self.operation:
            self.armed = False
            if not self.after:
                raise Crash(operation)
            assert callable(call)
            call()
            raise Crash(operation)
        assert callable(call)
        return call()

    def find(
        self, collection: CollectionMap, field_name: str, values: Sequence[str]
    ) -> list[RecordKey]:
        return self.inner.find(collection, field_name, values)

    def read(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> list[Record]:
        return self.inner.read(collection, keys)

    def rectify(
        self, collection: CollectionMap, keys: Sequence[RecordKey], changes: Mapping[str, object]
    ) -> ChangeReceipt:
        result = self._maybe("rectify", lambda: self.inner.rectify(collection, keys, changes))  # type: ignore[arg-type]
        assert isinstance(result, ChangeReceipt)
        return result

    def erase(self, collection: CollectionMap, keys: Sequence[RecordKey]) -> ChangeReceipt:
        result = self._maybe("erase", lambda: self.inner.erase(collection, keys))
        assert isinstance(result, ChangeReceipt)
        return result

    def restrict(
        self, collection: CollectionMap, keys: Sequence[RecordKey], on: bool
    ) -> ChangeReceipt:
        result = self._maybe("restrict", lambda: self.inner.restrict(collection, keys, on))
        assert isinstance(result, ChangeReceipt)
        return result

    def past(self, collection: CollectionMap, before: date) -> list[RecordKey]:
        return self.inner.past(collection, before)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def estate() -> dict[str, MemoryConnector]:
    return connectors()
