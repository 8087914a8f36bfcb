"""A request's plan: the ordered steps that find, export, correct, restrict or erase a person.

Pure: from the request and the dataset maps, with no I/O, so staff can read (and approve) exactly
what will run before anything changes (``RequestKind.destructive``). Every kind searches first,
in the graph's order; the steps that act come after every search, and for the kinds that change
data they run children before parents (orders before the customer they belong to), so a
database's foreign keys never see an orphan. What each kind does:

- access (Art 15), portability (Art 20): search and export each collection;
- erasure (Art 17): search, then erase each (held records are restricted instead, decided when
  the step runs: ``steward.requests.holds``);
- rectification (Art 16): search, then correct the fields the request's changes name;
- restriction (Art 18): search, then restrict each;
- objection (Art 21): search only (suppression is recorded by the rights service).

Systems no connector reaches (paper files, CCTV) and systems without a map become manual steps:
tasks for staff whose outcome is recorded by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from steward.connectors.masking import fields_masked
from steward.engine.graph import Address, TraversalGraph, build_graph, split_path
from steward.errors import InvalidInput
from steward.manifest.datasets import CollectionMap, DatasetMap, Erase, IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.outcome import StepAction
from steward.requests.subject import RequestSubject

NO_IDENTIFIER = "not searched: no identifier for it"


@dataclass(frozen=True)
class ByIdentity:
    """Records whose ``field`` equals one of the request's identifiers of ``kind``."""

    field: str
    kind: IdentityKind

    def describe(self) -> str:
        return f"by {self.kind.value} in {self.field}"


@dataclass(frozen=True)
class ByReference:
    """Records whose ``field`` equals ``parent_field`` of the records step ``step`` found."""

    field: str
    step: int
    parent_field: str

    def describe(self) -> str:
        return f"by {self.field} = {self.parent_field} of step {self.step}"


Finder = ByIdentity | ByReference


@dataclass(frozen=True)
class PlanStep:
    number: int
    system: str
    collection: str
    action: StepAction
    found_by: tuple[Finder, ...]  # search steps: how the records are found
    acts_on: int | None  # acting steps: the search step whose recorded keys they act on
    fields: tuple[str, ...]  # fields read or changed
    destructive: bool
    needs: tuple[int, ...]  # steps that must be done before this one runs
    note: str = ""

    def describe(self) -> str:
        if self.found_by:
            return "; ".join(finder.describe() for finder in self.found_by)
        if self.acts_on is not None:
            return f"the records step {self.acts_on} found"
        return self.note


@dataclass(frozen=True)
class NotSearched:
    system: str
    collection: str
    reason: str


@dataclass(frozen=True)
class Plan:
    request_id: str
    kind: RequestKind
    steps: tuple[PlanStep, ...]
    not_searched: tuple[NotSearched, ...]
    maps: tuple[DatasetMap, ...]  # the maps the plan was made from; steps run against these

    @property
    def destructive(self) -> bool:
        return any(step.destructive for step in self.steps)

    def step(self, number: int) -> PlanStep:
        for step in self.steps:
            if step.number == number:
                return step
        raise InvalidInput(
            f"the plan has no step {number}",
            where=f"request {self.request_id}",
            hint=f"steps are numbered 1 to {len(self.steps)}",
        )

    def collection(self, system: str, name: str) -> CollectionMap:
        for dataset in self.maps:
            if dataset.system == system:
                return dataset.collection(name)
        raise KeyError(f"{system}.{name}")


@dataclass(frozen=True)
class SystemReach:
    """A system of the manifest: its id and whether a connector can reach it."""

    system: str
    automated: bool


def make_plan(
    subject: RequestSubject, maps: Sequence[DatasetMap], systems: Sequence[SystemReach] = ()
) -> Plan:
    """The plan for ``subject`` over ``maps``; ``systems`` lists the manifest's systems (those
    without a map or a connector become manual steps)."""
    mapped = {dataset.system for dataset in maps}
    by_hand = {s.system for s in systems if not s.automated and s.system in mapped}
    graph = build_graph(maps, subject.identity_kinds, by_hand=by_hand)
    changes = (
        _changes_by_address(subject, graph) if subject.kind is RequestKind.rectification else {}
    )
    steps: list[PlanStep] = []
    searched: dict[Address, int] = {}
    for address in graph.order:
        number = len(steps) + 1
        searched[address] = number
        steps.append(_search(number, address, graph, searched))
    steps.extend(_acting_steps(subject.kind, graph, searched, changes, len(steps)))
    for system in sorted(by_hand | {s.system for s in systems if s.system not in mapped}):
        steps.append(_manual(len(steps) + 1, system, subject.kind))
    not_searched = tuple(
        NotSearched(a.system, a.collection, NO_IDENTIFIER) for a in graph.unreachable
    )
    return Plan(subject.request_id, subject.kind, tuple(steps), not_searched, tuple(maps))


def _search(
    number: int,
    address: Address,
    graph: TraversalGraph,
    searched: dict[Address, int],
) -> PlanStep:
    collection = graph.collection(address)
    finders: list[Finder] = [
        ByIdentity(seed.field, seed.kind) for seed in graph.seeds if seed.address == address
    ]
    finders += [
        ByReference(reference.field, searched[reference.parent], reference.parent_field)
        for reference in graph.parents_of(address)
    ]
    fields = tuple(dict.fromkeys(f.field for f in finders))
    needs = tuple(sorted({f.step for f in finders if isinstance(f, ByReference)}))
    return PlanStep(
        number=number,
        system=address.system,
        collection=collection.name,
        action=StepAction.search,
        found_by=tuple(finders),
        acts_on=None,
        fields=fields,
        destructive=False,
        needs=needs,
    )


def _acting_steps(
    kind: RequestKind,
    graph: TraversalGraph,
    searched: dict[Address, int],
    changes: dict[Address, tuple[str, ...]],
    before: int,
) -> list[PlanStep]:
    if kind is RequestKind.objection:
        return []
    if kind in (RequestKind.access, RequestKind.portability):
        order = list(graph.order)
    else:
        order = list(reversed(graph.order))  # children before parents
    steps: list[PlanStep] = []
    acting: dict[Address, int] = {}
    for address in order:
        collection = graph.collection(address)
        action, fields = _action(kind, collection, changes.get(address, ()))
        if action is None:
            continue
        number = before + len(steps) + 1
        acting[address] = number
        needs = {searched[address]}
        if action is not StepAction.export:
            needs |= {acting[r.child] for r in graph.children_of(address) if r.child in acting}
        steps.append(
            PlanStep(
                number=number,
                system=address.system,
                collection=collection.name,
                action=action,
                found_by=(),
                acts_on=searched[address],
                fields=fields,
                destructive=action is not StepAction.export,
                needs=tuple(sorted(needs)),
            )
        )
    return steps


def _action(
    kind: RequestKind, collection: CollectionMap, changed: tuple[str, ...]
) -> tuple[StepAction | None, tuple[str, ...]]:
    every = tuple(f.name for f in collection.fields)
    if kind in (RequestKind.access, RequestKind.portability):
        return StepAction.export, every
    if kind is RequestKind.erasure:
        if collection.erase is Erase.delete:
            return StepAction.erase, every
        return StepAction.erase, tuple(f.name for f in fields_masked(collection))
    if kind is RequestKind.rectification:
        return (StepAction.rectify, changed) if changed else (None, ())
    if kind is RequestKind.restriction:
        field = collection.restrict.field
        return StepAction.restrict, (field,) if field else ()
    return None, ()


def _changes_by_address(
    subject: RequestSubject, graph: TraversalGraph
) -> dict[Address, tuple[str, ...]]:
    """Which fields of which collections each correction reaches: every rectifiable field of
    that identity kind, or the one field a path names (Art 16; Art 19 follows from the plan)."""
    kinds = {kind.value for kind in IdentityKind}
    reached: dict[Address, list[str]] = {}
    for key in sorted(subject.changes):
        if key in kinds:
            for address in graph.order:
                for field in graph.collection(address).fields:
                    if field.identity == key and field.rectifiable:
                        reached.setdefault(address, []).append(field.name)
            continue
        system, name, field_name = split_path(key)
        address = Address(system, name)
        try:
            field = graph.collection(address).field(field_name)
        except KeyError:
            raise InvalidInput(
                f"the correction {key!r} names neither an identity kind nor a mapped field",
                where=f"request {subject.request_id} changes",
                hint=f"use one of {', '.join(sorted(kinds))}, or SYSTEM.COLLECTION.FIELD",
            ) from None
        if not field.rectifiable:
            raise InvalidInput(
                f"{key} is mapped as not rectifiable",
                where=f"request {subject.request_id} changes",
                hint="correct it by hand, or mark the field 'rectifiable: true' in its map",
            )
        if address in graph.order:
            reached.setdefault(address, []).append(field.name)
    return {address: tuple(dict.fromkeys(names)) for address, names in reached.items()}


_MANUAL_WORK = {
    RequestKind.access: "search by hand and add copies of the person's records to the response",
    RequestKind.portability: "search by hand and add the records the person provided",
    RequestKind.erasure: "search by hand and erase the person's records (or record why kept)",
    RequestKind.rectification: "search by hand and correct the person's records",
    RequestKind.restriction: "search by hand and mark the person's records as restricted",
    RequestKind.objection: "search by hand and stop the processing objected to",
}


def _manual(number: int, system: str, kind: RequestKind) -> PlanStep:
    return PlanStep(
        number=number,
        system=system,
        collection="",
        action=StepAction.manual,
        found_by=(),
        acts_on=None,
        fields=(),
        destructive=kind.destructive,
        needs=(),
        note=f"no connector reaches {system}: {_MANUAL_WORK[kind]}",
    )
