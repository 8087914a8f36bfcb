"""The permission table: each role holds what its work needs; the auditor only reads."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from steward.errors import InvalidInput
from steward.staff.roles import GRANTS, Permission, Role, allowed, permissions_of, role_named


@given(st.sampled_from(Role), st.sampled_from(Permission))
def test_a_role_is_allowed_exactly_what_the_table_grants_it(
    role: Role, permission: Permission
) -> None:
    decision = allowed(role, permission)
    assert decision.allowed is (role in GRANTS[permission])
    assert (decision.role, decision.permission) == (role, permission)
    assert permission.value in decision.reason
    assert decision.citation == "UK GDPR Art 25(2), Art 32(4)"


@given(st.sampled_from(Permission))
def test_the_auditor_never_holds_a_permission_that_changes_anything(
    permission: Permission,
) -> None:
    decision = allowed(Role.auditor, permission)
    assert decision.allowed is permission.reads_only
    if not permission.reads_only:
        assert "read-only" in decision.reason


def test_the_auditor_reads_everything_there_is_to_read() -> None:
    assert permissions_of(Role.auditor) == {p for p in Permission if p.reads_only}


def test_the_privacy_lead_holds_every_permission() -> None:
    assert permissions_of(Role.privacy_lead) == set(Permission)


def test_only_a_privacy_lead_manages_staff_or_approves_a_plan() -> None:
    for permission in (Permission.staff_manage, Permission.requests_approve):
        assert {r for r in Role if allowed(r, permission).allowed} == {Role.privacy_lead}


def test_every_permission_is_in_the_table_and_held_only_by_known_roles() -> None:
    assert set(GRANTS) == set(Permission)
    assert all(holders and holders <= set(Role) for holders in GRANTS.values())


def test_a_refusal_names_the_roles_that_do_hold_the_permission() -> None:
    decision = allowed(Role.marketing, Permission.requests_act)
    assert not decision.allowed
    assert decision.reason == (
        "the marketing role does not hold requests.act (verify identity, assign, pause, extend, "
        "run approved plans, answer); it is held by: privacy lead, HR"
    )


@pytest.mark.parametrize(
    ("typed", "role"),
    [("privacy_lead", Role.privacy_lead), ("Privacy-Lead", Role.privacy_lead), ("HR", Role.hr)],
)
def test_a_role_is_read_however_a_person_types_it(typed: str, role: Role) -> None:
    assert role_named(typed) is role


def test_an_unknown_role_lists_the_roles_there_are() -> None:
    with pytest.raises(InvalidInput) as raised:
        role_named("admin")
    assert raised.value.hint == "use one of: privacy_lead, hr, marketing, office, auditor"
