"""A plan as JSON and back, so the store keeps exactly what staff approved (no personal data:
steps name systems, collections and fields, never a person's identifiers)."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from steward.engine.plan import ByIdentity, ByReference, Finder, NotSearched, Plan, PlanStep
from steward.errors import IntegrityError
from steward.manifest.datasets import DatasetMap, IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.outcome import StepAction

FORMAT = 1


def plan_to_json(plan: Plan) -> str:
    return json.dumps(
        {
            "format": FORMAT,
            "request_id": plan.request_id,
            "kind": plan.kind.value,
            "steps": [_step(step) for step in plan.steps],
            "not_searched": [
                {"system": n.system, "collection": n.collection, "reason": n.reason}
                for n in plan.not_searched
            ],
            "maps": [dataset.model_dump(mode="json") for dataset in plan.maps],
        },
        sort_keys=True,
        separators=(",", ":"),
    )


@lru_cache(maxsize=64)
def plan_from_json(text: str) -> Plan:
    """The stored plan, parsed once per text: a plan never changes once stored, and a run
    loads it at every step (the plan and its maps are immutable, so sharing one is safe)."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise IntegrityError(
            f"a stored plan has format {data.get('format')!r}, not {FORMAT}",
            where=f"request {data.get('request_id')}",
            hint="make the plan again with `steward request plan`",
        )
    return Plan(
        request_id=data["request_id"],
        kind=RequestKind(data["kind"]),
        steps=tuple(_read_step(step) for step in data["steps"]),
        not_searched=tuple(NotSearched(**n) for n in data["not_searched"]),
        maps=tuple(DatasetMap.model_validate(m) for m in data["maps"]),
    )


def _step(step: PlanStep) -> dict[str, Any]:
    return {
        "number": step.number,
        "system": step.system,
        "collection": step.collection,
        "action": step.action.value,
        "found_by": [_finder(f) for f in step.found_by],
        "acts_on": step.acts_on,
        "fields": list(step.fields),
        "destructive": step.destructive,
        "needs": list(step.needs),
        "note": step.note,
    }


def _finder(finder: Finder) -> dict[str, Any]:
    if isinstance(finder, ByIdentity):
        return {"field": finder.field, "kind": finder.kind.value}
    return {"field": finder.field, "step": finder.step, "parent_field": finder.parent_field}


def _read_finder(data: dict[str, Any]) -> Finder:
    if "kind" in data:
        return ByIdentity(data["field"], IdentityKind(data["kind"]))
    return ByReference(data["field"], int(data["step"]), data["parent_field"])


def _read_step(data: dict[str, Any]) -> PlanStep:
    return PlanStep(
        number=int(data["number"]),
        system=data["system"],
        collection=data["collection"],
        action=StepAction(data["action"]),
        found_by=tuple(_read_finder(f) for f in data["found_by"]),
        acts_on=data["acts_on"],
        fields=tuple(data["fields"]),
        destructive=bool(data["destructive"]),
        needs=tuple(data["needs"]),
        note=data["note"],
    )
