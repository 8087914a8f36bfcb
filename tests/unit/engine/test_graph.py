"""The traversal graph: seeds, references (also across systems), Kahn order, cycles, reach."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from steward.engine.graph import Address, build_graph
from steward.errors import InvalidInput
from steward.manifest.datasets import DatasetMap, IdentityKind
from tests.unit.engine.estate import CRM, HR, SUPPORT, maps


def _map(data: dict[str, Any]) -> DatasetMap:
    return DatasetMap.model_validate(data)


def test_seeds_are_the_collections_with_an_identity_field_of_a_kind_the_request_carries() -> None:
    graph = build_graph(maps(), {IdentityKind.email})
    assert {(str(s.address), s.field) for s in graph.seeds} == {
        ("crm.customers", "email"),
        ("support.tickets", "requester"),
    }


def test_a_reference_makes_the_child_reachable_from_its_parent() -> None:
    graph = build_graph(maps(), {IdentityKind.phone})
    assert Address("crm", "invoices") in graph.order
    assert [
        (str(r.parent), r.parent_field) for r in graph.parents_of(Address("crm", "orders"))
    ] == [("crm.customers", "id")]


def test_a_reference_across_systems_is_an_edge_like_any_other() -> None:
    graph = build_graph(maps(), {IdentityKind.phone})
    (reference,) = graph.parents_of(Address("support", "tickets"))
    assert (str(reference.parent), reference.field) == ("crm.customers", "customer_ref")


def test_every_collection_is_searched_after_the_collections_it_is_found_from() -> None:
    order = [str(a) for a in build_graph(maps(), {IdentityKind.email}).order]
    assert order.index("crm.customers") < order.index("crm.orders") < order.index("crm.invoices")
    assert order.index("crm.customers") < order.index("support.tickets")


def test_the_same_maps_always_give_the_same_order() -> None:
    first = build_graph(maps(), {IdentityKind.email}).order
    assert build_graph(tuple(reversed(maps())), {IdentityKind.email}).order == first


def test_collections_no_identifier_reaches_are_listed_unreachable() -> None:
    graph = build_graph(maps(), {IdentityKind.email})
    assert graph.unreachable == (Address("hr", "employees"),)
    assert Address("hr", "employees") not in graph.order


def test_an_identifier_of_another_kind_reaches_other_collections() -> None:
    graph = build_graph(maps(), {IdentityKind.employee_number})
    assert [str(a) for a in graph.order] == ["hr.employees"]


def test_a_cycle_of_references_is_refused_naming_the_collections_on_it() -> None:
    crm = copy.deepcopy(CRM)
    crm["collections"][0]["fields"].append({"name": "last_order", "references": "crm.orders.id"})
    with pytest.raises(InvalidInput) as raised:
        build_graph((_map(crm), _map(SUPPORT)), {IdentityKind.email})
    assert "crm.customers -> crm.orders -> crm.customers" in raised.value.message
    assert "tickets" not in raised.value.message and "invoices" not in raised.value.message


def test_a_collection_found_from_itself_is_a_cycle_too() -> None:
    hr = copy.deepcopy(HR)
    hr["collections"][0]["fields"].append({"name": "manager", "references": "hr.employees.number"})
    with pytest.raises(InvalidInput, match=r"hr\.employees -> hr\.employees"):
        build_graph((_map(hr),), {IdentityKind.employee_number})


def test_a_reference_to_a_collection_no_map_describes_is_refused_naming_the_field() -> None:
    support = copy.deepcopy(SUPPORT)
    with pytest.raises(InvalidInput) as raised:
        build_graph((_map(support),), {IdentityKind.email})
    assert raised.value.where == "support.tickets.customer_ref"


def test_a_reference_to_a_field_the_parent_does_not_list_is_refused() -> None:
    support = copy.deepcopy(SUPPORT)
    support["collections"][0]["fields"][1]["references"] = "crm.customers.uuid"
    with pytest.raises(InvalidInput, match="no field uuid"):
        build_graph((_map(CRM), _map(support)), {IdentityKind.email})


def test_references_into_a_system_handled_by_hand_are_left_out() -> None:
    graph = build_graph(maps(), {IdentityKind.email}, by_hand={"crm"})
    assert [str(a) for a in graph.order] == ["support.tickets"]
    assert graph.references == ()


def test_two_maps_for_one_system_are_refused() -> None:
    with pytest.raises(InvalidInput, match="more than one dataset map"):
        build_graph((_map(HR), _map(HR)), {IdentityKind.email})
