"""Canonical JSON for what a step covered: the digests a certificate signs, and the recorded keys.

A digest is SHA-256 over canonical JSON (keys sorted, no spaces, UTF-8), so anyone holding the
exported package, or the list of keys acted on, can recompute it (issue 11 item 6: evidence
anyone can verify).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from steward.connectors.protocol import Record, RecordKey
from steward.requests.outcome import StepAction, StepEvidence


def canonical(value: object) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(value: object) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()


def keys_value(keys: Iterable[RecordKey]) -> list[list[Any]]:
    return [[key.collection, list(key.values)] for key in sorted(keys)]


def records_value(records: Iterable[Record]) -> list[dict[str, Any]]:
    ordered = sorted(records, key=lambda r: r.key)
    return [{"key": list(r.key.values), "fields": dict(r.fields)} for r in ordered]


def keys_digest(keys: Iterable[RecordKey]) -> str:
    return digest(keys_value(keys))


def records_digest(records: Iterable[Record]) -> str:
    return digest(records_value(records))


@dataclass(frozen=True)
class Decision:
    """The keys an acting step acts on, and those it keeps (held: restricted instead of erased)
    with the holds' reasons; recorded before the step acts, so a resumed step decides nothing
    again (UK GDPR Art 17(3))."""

    act: tuple[RecordKey, ...]
    keep: Mapping[RecordKey, tuple[str, ...]] = field(default_factory=dict)


def decision_to_json(decision: Decision) -> str:
    return canonical(
        {
            "act": keys_value(decision.act),
            "keep": [
                [key.collection, list(key.values), list(reasons)]
                for key, reasons in sorted(decision.keep.items())
            ],
        }
    )


def decision_from_json(text: str) -> Decision:
    data = json.loads(text)
    return Decision(
        act=tuple(RecordKey(c, tuple(v)) for c, v in data["act"]),
        keep={RecordKey(c, tuple(v)): tuple(reasons) for c, v, reasons in data["keep"]},
    )


def records_to_json(records: Sequence[Record]) -> str:
    return canonical(
        [
            {"collection": r.key.collection, "key": list(r.key.values), "fields": dict(r.fields)}
            for r in sorted(records, key=lambda r: r.key)
        ]
    )


def records_from_json(text: str) -> list[Record]:
    return [
        Record(RecordKey(item["collection"], tuple(item["key"])), item["fields"])
        for item in json.loads(text)
    ]


def evidence_to_json(evidence: Sequence[StepEvidence]) -> str:
    return canonical(
        [
            {
                "system": e.system,
                "collection": e.collection,
                "action": e.action.value,
                "records": e.records,
                "affected": e.affected,
                "digest": e.digest,
                "finished_at": e.finished_at.isoformat(),
                "system_ids": list(e.system_ids),
                "kept_because": list(e.kept_because),
                "note": e.note,
            }
            for e in evidence
        ]
    )


def evidence_from_json(text: str) -> tuple[StepEvidence, ...]:
    return tuple(
        StepEvidence(
            system=item["system"],
            collection=item["collection"],
            action=StepAction(item["action"]),
            records=item["records"],
            affected=item["affected"],
            digest=item["digest"],
            finished_at=datetime.fromisoformat(item["finished_at"]),
            system_ids=tuple(item["system_ids"]),
            kept_because=tuple(item["kept_because"]),
            note=item["note"],
        )
        for item in json.loads(text)
    )
