"""The traversal graph: which collections hold a person's records, and in what order to search them.

Seeds are collections with an identity field of a kind the request carries (an email, a
customer number). Edges come from ``references`` in the dataset maps, also across systems: a
field that holds another collection's field (``orders.customer_id`` -> ``crm.customers.id``)
means the child's records are found from the parent's, so the parent is searched first (Kahn's
topological order). A collection no seed reaches cannot be searched with what the request
carries; the plan says so rather than guessing (ICO right-of-access guidance: a reasonable and
proportionate search, recorded). A cycle of references has no order to search in, so it is
refused with the collections that form it named.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from steward.errors import InvalidInput
from steward.manifest.datasets import CollectionMap, DatasetMap, IdentityKind


@dataclass(frozen=True, order=True)
class Address:
    """A collection of one system: ``system.collection``."""

    system: str
    collection: str

    def __str__(self) -> str:
        return f"{self.system}.{self.collection}"


@dataclass(frozen=True)
class Reference:
    """``child.field`` holds the value of ``parent.parent_field``."""

    child: Address
    field: str
    parent: Address
    parent_field: str


@dataclass(frozen=True)
class Seed:
    address: Address
    field: str
    kind: IdentityKind


@dataclass(frozen=True)
class TraversalGraph:
    collections: tuple[tuple[Address, CollectionMap], ...]
    references: tuple[Reference, ...]
    seeds: tuple[Seed, ...]
    order: tuple[Address, ...]  # reachable collections, each after the ones it is found from
    unreachable: tuple[Address, ...]  # no identifier the request carries leads to them

    def collection(self, address: Address) -> CollectionMap:
        for candidate, collection in self.collections:
            if candidate == address:
                return collection
        raise KeyError(str(address))

    def parents_of(self, address: Address) -> tuple[Reference, ...]:
        """References by which ``address`` is found from collections that are searched."""
        searched = set(self.order)
        return tuple(r for r in self.references if r.child == address and r.parent in searched)

    def children_of(self, address: Address) -> tuple[Reference, ...]:
        searched = set(self.order)
        return tuple(r for r in self.references if r.parent == address and r.child in searched)


def build_graph(
    maps: Sequence[DatasetMap],
    kinds: Collection[IdentityKind],
    *,
    by_hand: Collection[str] = (),
) -> TraversalGraph:
    """The graph of ``maps`` for a request carrying identifiers of ``kinds``. Systems in
    ``by_hand`` (no connector reaches them) are left out, with the references into them: staff
    search those, and the plan lists them as manual steps."""
    collections = {
        Address(dataset.system, collection.name): collection
        for dataset in maps
        for collection in dataset.collections
    }
    systems = [dataset.system for dataset in maps]
    twice = sorted({s for s in systems if systems.count(s) > 1})
    if twice:
        raise InvalidInput(
            f"system {', '.join(twice)} has more than one dataset map",
            where="dataset maps",
            hint="keep one map per system (datasets/<system>.yaml)",
        )
    references = tuple(_references(collections, set(by_hand)))
    collections = {a: c for a, c in collections.items() if a.system not in by_hand}
    _refuse_cycles(list(collections), references)
    seeds = tuple(
        Seed(address, field.name, field.identity)
        for address, collection in collections.items()
        for field in collection.identity_fields
        if field.identity is not None and field.identity in kinds
    )
    reachable = _reachable({seed.address for seed in seeds}, references)
    order = _kahn(sorted(reachable), [r for r in references if r.parent in reachable])
    return TraversalGraph(
        collections=tuple(collections.items()),
        references=references,
        seeds=seeds,
        order=tuple(order),
        unreachable=tuple(sorted(set(collections) - reachable)),
    )


def split_path(path: str) -> tuple[str, str, str]:
    """``system.collection.field``; a collection name may itself hold dots (``dbo.customers``)."""
    system, _, rest = path.partition(".")
    collection, _, field = rest.rpartition(".")
    return system, collection, field


def _references(collections: dict[Address, CollectionMap], by_hand: set[str]) -> list[Reference]:
    found: list[Reference] = []
    for address, collection in collections.items():
        for field in collection.fields:
            if field.references is None:
                continue
            system, name, parent_field = split_path(field.references)
            parent = Address(system, name)
            if address.system in by_hand or (system in by_hand and parent in collections):
                continue
            where = f"{address}.{field.name}"
            if parent not in collections:
                raise InvalidInput(
                    f"references {field.references}, a collection no dataset map describes",
                    where=where,
                    hint="map that collection, or correct the reference (SYSTEM.COLLECTION.FIELD)",
                )
            if parent_field not in {f.name for f in collections[parent].fields}:
                raise InvalidInput(
                    f"references {field.references}, but {parent} has no field {parent_field}",
                    where=where,
                    hint="list the field in that collection's map, or correct the reference",
                )
            found.append(Reference(address, field.name, parent, parent_field))
    return sorted(found, key=lambda r: (r.child, r.field))


def _reachable(seeds: set[Address], references: Sequence[Reference]) -> set[Address]:
    reached = set(seeds)
    frontier = list(seeds)
    while frontier:
        current = frontier.pop()
        for reference in references:
            if reference.parent == current and reference.child not in reached:
                reached.add(reference.child)
                frontier.append(reference.child)
    return reached


def _kahn(nodes: Sequence[Address], references: Sequence[Reference]) -> list[Address]:
    """Kahn's algorithm, taking the alphabetically first ready collection each time, so the
    same maps always give the same plan. Nodes left over are on or behind a cycle."""
    waiting = {node: {r.parent for r in references if r.child == node} for node in nodes}
    order: list[Address] = []
    while True:
        ready = sorted(node for node, parents in waiting.items() if not parents)
        if not ready:
            break
        chosen = ready[0]
        order.append(chosen)
        del waiting[chosen]
        for parents in waiting.values():
            parents.discard(chosen)
    return order


def _refuse_cycles(nodes: list[Address], references: Sequence[Reference]) -> None:
    order = _kahn(nodes, references)
    left = set(nodes) - set(order)
    if not left:
        return
    inside = [r for r in references if r.parent in left and r.child in left]
    # Drop collections that only hang below a cycle until every one left is on or between cycles.
    while True:
        ends = {n for n in left if not any(r.parent == n and r.child in left for r in inside)}
        if not ends:
            break
        left -= ends
        inside = [r for r in inside if r.parent in left and r.child in left]
    start = min(left)
    path = [start]
    while True:
        step = min(r.child for r in inside if r.parent == path[-1])
        if step in path:
            cycle = [*path[path.index(step) :], step]
            break
        path.append(step)
    raise InvalidInput(
        "the references form a cycle, so there is no order to search in: "
        + " -> ".join(str(a) for a in cycle),
        where="dataset maps",
        hint="remove one of these references (a collection found from itself, directly or "
        "through others, cannot be planned)",
    )
