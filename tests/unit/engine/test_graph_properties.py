"""For any acyclic set of references: every collection is searched after its parents, and
exactly the collections a seed leads to are searched."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from steward.engine.graph import Address, build_graph
from steward.manifest.datasets import DatasetMap, IdentityKind


@st.composite
def estates(draw: st.DrawFn) -> tuple[tuple[DatasetMap, ...], set[int], set[tuple[int, int]]]:
    size = draw(st.integers(min_value=1, max_value=8))
    seeds = draw(st.sets(st.integers(min_value=0, max_value=size - 1)))
    pairs = [(p, c) for c in range(size) for p in range(c)]
    edges = draw(st.sets(st.sampled_from(pairs))) if pairs else set()
    systems = draw(st.lists(st.sampled_from(["a", "b"]), min_size=size, max_size=size))
    collections: dict[str, list[dict[str, object]]] = {"a": [], "b": []}
    for node in range(size):
        fields: list[dict[str, object]] = [{"name": "id"}]
        if node in seeds:
            fields.append({"name": "email", "identity": "email"})
        for parent, child in sorted(edges):
            if child == node:
                fields.append(
                    {"name": f"p{parent}", "references": f"{systems[parent]}.c{parent}.id"}
                )
        collections[systems[node]].append(
            {"name": f"c{node}", "primary_key": ["id"], "fields": fields}
        )
    maps = tuple(
        DatasetMap.model_validate({"system": s, "collections": c})
        for s, c in collections.items()
        if c
    )
    return maps, seeds, edges


@given(estates())
def test_order_respects_every_reference_and_reaches_exactly_what_seeds_lead_to(
    estate: tuple[tuple[DatasetMap, ...], set[int], set[tuple[int, int]]],
) -> None:
    maps, seeds, edges = estate
    graph = build_graph(maps, {IdentityKind.email})
    position = {int(a.collection[1:]): i for i, a in enumerate(graph.order)}
    reached = set(seeds)
    for parent, child in sorted(edges, key=lambda e: e[1]):
        if parent in reached:
            reached.add(child)
    assert set(position) == reached
    for parent, child in edges:
        if parent in reached:
            assert position[parent] < position[child]
    everything = {Address(d.system, c.name) for d in maps for c in d.collections}
    assert set(graph.order) | set(graph.unreachable) == everything
    assert not set(graph.order) & set(graph.unreachable)
