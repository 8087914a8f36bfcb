"""Plans per kind: searches in graph order, then what each kind does, children before parents."""

from __future__ import annotations

import pytest

from steward.engine.plan import NO_IDENTIFIER, ByIdentity, ByReference, SystemReach, make_plan
from steward.engine.plan_json import plan_from_json, plan_to_json
from steward.errors import InvalidInput
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.outcome import StepAction
from tests.unit.engine.estate import maps, subject

REACH = (
    SystemReach("crm", True),
    SystemReach("support", True),
    SystemReach("hr", True),
    SystemReach("archive", False),
)


def _steps(kind: RequestKind, **kwargs: object) -> list[tuple[int, str, StepAction]]:
    plan = make_plan(subject(kind, **kwargs), maps(), REACH)  # type: ignore[arg-type]
    return [(s.number, f"{s.system}.{s.collection}", s.action) for s in plan.steps]


def test_access_searches_every_reachable_collection_then_exports_each() -> None:
    assert _steps(RequestKind.access) == [
        (1, "crm.customers", StepAction.search),
        (2, "crm.orders", StepAction.search),
        (3, "crm.invoices", StepAction.search),
        (4, "support.tickets", StepAction.search),
        (5, "crm.customers", StepAction.export),
        (6, "crm.orders", StepAction.export),
        (7, "crm.invoices", StepAction.export),
        (8, "support.tickets", StepAction.export),
        (9, "archive.", StepAction.manual),
    ]


def test_portability_plans_like_access() -> None:
    assert _steps(RequestKind.portability) == _steps(RequestKind.access)


def test_each_search_says_how_its_records_are_found() -> None:
    plan = make_plan(subject(), maps(), REACH)
    assert plan.steps[0].found_by == (ByIdentity("email", IdentityKind.email),)
    assert plan.steps[1].found_by == (ByReference("customer_id", 1, "id"),)
    assert plan.steps[3].found_by == (
        ByIdentity("requester", IdentityKind.email),
        ByReference("customer_ref", 1, "id"),
    )
    assert plan.steps[3].needs == (1,)


def test_erasure_erases_children_before_parents_after_every_search() -> None:
    steps = _steps(RequestKind.erasure)
    assert steps[4:8] == [
        (5, "support.tickets", StepAction.erase),
        (6, "crm.invoices", StepAction.erase),
        (7, "crm.orders", StepAction.erase),
        (8, "crm.customers", StepAction.erase),
    ]
    plan = make_plan(subject(RequestKind.erasure), maps(), REACH)
    assert plan.step(8).needs == (1, 5, 7)  # its own search, then the children's erasures


def test_erasure_steps_are_destructive_and_a_masking_step_names_the_fields_it_masks() -> None:
    plan = make_plan(subject(RequestKind.erasure), maps(), REACH)
    assert all(s.destructive for s in plan.steps[4:8])
    assert plan.step(5).fields == ("customer_ref", "requester", "body", "opened_on")
    assert plan.destructive


def test_access_is_not_destructive() -> None:
    assert not make_plan(subject(), maps(), REACH).destructive


def test_rectification_by_identity_kind_corrects_every_field_of_that_kind() -> None:
    plan = make_plan(
        subject(RequestKind.rectification, changes={"email": "ada@new.example"}), maps(), REACH
    )
    rectify = [
        (s.system, s.collection, s.fields) for s in plan.steps if s.action is StepAction.rectify
    ]
    assert rectify == [("support", "tickets", ("requester",)), ("crm", "customers", ("email",))]


def test_rectification_by_path_corrects_that_field_only() -> None:
    plan = make_plan(
        subject(RequestKind.rectification, changes={"crm.customers.name": "Ada L."}), maps(), REACH
    )
    rectify = [(s.collection, s.fields) for s in plan.steps if s.action is StepAction.rectify]
    assert rectify == [("customers", ("name",))]


def test_a_correction_naming_an_unknown_field_is_refused() -> None:
    with pytest.raises(InvalidInput, match="names neither an identity kind nor a mapped field"):
        make_plan(subject(RequestKind.rectification, changes={"crm.customers.shoe": "9"}), maps())


def test_a_correction_of_a_field_mapped_not_rectifiable_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not rectifiable"):
        make_plan(subject(RequestKind.rectification, changes={"crm.customers.held": "x"}), maps())


def test_restriction_restricts_each_collection_naming_its_flag() -> None:
    plan = make_plan(subject(RequestKind.restriction), maps(), REACH)
    restrict = [(s.collection, s.fields) for s in plan.steps if s.action is StepAction.restrict]
    assert restrict == [
        ("tickets", ()),
        ("invoices", ("held",)),
        ("orders", ()),
        ("customers", ("held",)),
    ]


def test_objection_only_searches() -> None:
    actions = {a for _, _, a in _steps(RequestKind.objection)}
    assert actions == {StepAction.search, StepAction.manual}


def test_unreachable_collections_are_listed_as_not_searched() -> None:
    plan = make_plan(subject(), maps(), REACH)
    assert [(n.system, n.collection, n.reason) for n in plan.not_searched] == [
        ("hr", "employees", NO_IDENTIFIER)
    ]


def test_a_system_of_the_manifest_without_a_map_is_a_manual_step() -> None:
    plan = make_plan(subject(RequestKind.erasure), maps(), REACH)
    manual = plan.steps[-1]
    assert (manual.system, manual.action, manual.destructive) == (
        "archive",
        StepAction.manual,
        True,
    )
    assert "no connector reaches archive" in manual.note


def test_a_mapped_system_no_connector_reaches_is_a_manual_step_not_searched() -> None:
    reach = (SystemReach("crm", True), SystemReach("support", False))
    plan = make_plan(subject(), maps(), reach)
    assert {s.system for s in plan.steps if s.action is StepAction.manual} == {"support"}
    assert not any(s.system == "support" and s.action is StepAction.search for s in plan.steps)


def test_a_plan_reads_back_from_json_unchanged() -> None:
    plan = make_plan(subject(RequestKind.erasure), maps(), REACH)
    assert plan_from_json(plan_to_json(plan)) == plan
