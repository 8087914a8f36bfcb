"""What one step does through its connector: find keys, decide what to keep, act, and say so.

No store here: the service records the keys a step found or will act on before it acts, and the
evidence after (``steward.services.request_engine``). A step acts only on recorded keys, so a
resumed step touches exactly the records it was going to touch (connectors are idempotent by
key: its effect happens once).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from steward.connectors.protocol import ChangeReceipt, Connector, FieldValue, Record, RecordKey
from steward.engine.evidence import Decision, keys_digest, records_digest
from steward.engine.plan import ByIdentity, ByReference, Plan, PlanStep
from steward.manifest.datasets import CollectionMap, RestrictBy
from steward.requests.holds import Hold, HoldCheck
from steward.requests.outcome import StepAction, StepEvidence
from steward.requests.subject import RequestSubject

Connectors = Callable[[str], Connector]
"""system id -> its connector (the composition root wires the registry and settings)."""
FoundKeys = Callable[[int], Sequence[RecordKey]]
"""step number -> the keys that search step found (recorded)."""

NO_MECHANISM = "the system has no restriction mechanism: Steward records the hold"


@dataclass(frozen=True)
class StepResult:
    evidence: tuple[StepEvidence, ...]
    exported: tuple[Record, ...] = ()


def search(
    step: PlanStep,
    plan: Plan,
    subject: RequestSubject,
    found: FoundKeys,
    connectors: Connectors,
) -> tuple[RecordKey, ...]:
    """Keys of the person's records in the step's collection, by every way the plan finds them."""
    collection = plan.collection(step.system, step.collection)
    connector = connectors(step.system)
    keys: set[RecordKey] = set()
    for finder in step.found_by:
        if isinstance(finder, ByIdentity):
            values = list(subject.identities.get(finder.kind, ()))
        else:
            values = parent_values(finder, plan, found, connectors)
        if values:
            keys.update(connector.find(collection, finder.field, values))
    return tuple(sorted(keys))


def parent_values(
    finder: ByReference, plan: Plan, found: FoundKeys, connectors: Connectors
) -> list[str]:
    parent = plan.step(finder.step)
    parent_keys = found(parent.number)
    if not parent_keys:
        return []
    records = connectors(parent.system).read(
        plan.collection(parent.system, parent.collection), parent_keys
    )
    values = {_text(r.fields.get(finder.parent_field)) for r in records}
    return sorted(v for v in values if v is not None)


def _text(value: FieldValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def decide(
    step: PlanStep,
    plan: Plan,
    keys: Sequence[RecordKey],
    connectors: Connectors,
    holds: HoldCheck,
    today: date,
) -> Decision:
    """For an erasure, split the keys into those to erase and those held (kept, restricted);
    every other acting step acts on all of them."""
    if step.action is not StepAction.erase or not keys:
        return Decision(tuple(sorted(keys)))
    collection = plan.collection(step.system, step.collection)
    records = connectors(step.system).read(collection, keys)
    held = holds.holds_for(step.system, collection, records, today)
    keep = {key: tuple(_reason(h) for h in found) for key, found in held.items() if found}
    return Decision(tuple(sorted(k for k in keys if k not in keep)), keep)


def _reason(hold: Hold) -> str:
    """The hold's reason as the person reads it, with its citation and end date unless the
    reason already says them (retention reasons do)."""
    text = hold.reason
    if hold.citation and hold.citation not in text:
        text += f" ({hold.citation})"
    if hold.until and hold.until.isoformat() not in text:
        text += f" until {hold.until.isoformat()}"
    return text


def act(
    step: PlanStep,
    plan: Plan,
    subject: RequestSubject,
    decision: Decision,
    connectors: Connectors,
    now: datetime,
) -> StepResult:
    """Export, correct, restrict or erase exactly the decided records, and say what happened."""
    collection = plan.collection(step.system, step.collection)
    connector = connectors(step.system)
    keys = list(decision.act)

    def evidence(
        action: StepAction,
        covered: Sequence[RecordKey],
        receipt: ChangeReceipt,
        kept_because: tuple[str, ...] = (),
    ) -> StepEvidence:
        return StepEvidence(
            system=step.system,
            collection=step.collection,
            action=action,
            records=len(covered),
            affected=receipt.affected,
            digest=keys_digest(covered),
            finished_at=now,
            system_ids=receipt.system_ids,
            kept_because=kept_because,
            note=receipt.detail,
        )

    if step.action is StepAction.export:
        records = tuple(connector.read(collection, keys)) if keys else ()
        exported = StepEvidence(
            system=step.system,
            collection=step.collection,
            action=StepAction.export,
            records=len(records),
            affected=0,
            digest=records_digest(records),
            finished_at=now,
        )
        return StepResult((exported,), records)
    if step.action is StepAction.rectify:
        changes = corrections(step, collection, subject)
        receipt = connector.rectify(collection, keys, changes) if keys else NOTHING
        return StepResult((evidence(StepAction.rectify, keys, receipt),))
    if step.action is StepAction.restrict:
        return StepResult(
            (evidence(StepAction.restrict, keys, _restrict(connector, collection, keys)),)
        )
    results: list[StepEvidence] = []
    if keys or not decision.keep:
        receipt = connector.erase(collection, keys) if keys else NOTHING
        results.append(evidence(StepAction.erase, keys, receipt))
    if decision.keep:
        kept = sorted(decision.keep)
        reasons = tuple(sorted({r for found in decision.keep.values() for r in found}))
        receipt = _restrict(connector, collection, kept)
        results.append(evidence(StepAction.keep, kept, receipt, kept_because=reasons))
    return StepResult(tuple(results))


NOTHING = ChangeReceipt(0)


def _restrict(
    connector: Connector, collection: CollectionMap, keys: Sequence[RecordKey]
) -> ChangeReceipt:
    """Put records beyond use (Art 18): the map's flag or the system's own hold; a system with
    neither is not called, and the evidence says Steward records the restriction itself."""
    if collection.restrict.by is RestrictBy.none:
        return ChangeReceipt(0, detail=NO_MECHANISM)
    if not keys:
        return NOTHING
    return connector.restrict(collection, keys, True)


def corrections(
    step: PlanStep, collection: CollectionMap, subject: RequestSubject
) -> Mapping[str, FieldValue]:
    """The new value of each field the step corrects: by its path, else by its identity kind."""
    changes: dict[str, FieldValue] = {}
    for name in step.fields:
        path = f"{step.system}.{step.collection}.{name}"
        kind = collection.field(name).identity
        if path in subject.changes:
            changes[name] = subject.changes[path]
        elif kind is not None and kind.value in subject.changes:
            changes[name] = subject.changes[kind.value]
    return changes


def search_evidence(step: PlanStep, keys: Sequence[RecordKey], now: datetime) -> StepEvidence:
    return StepEvidence(
        step.system, step.collection, StepAction.search, len(keys), 0, keys_digest(keys), now
    )
