"""Special category and criminal offence data conditions (RULES.md R10.1-R10.4)."""

import pytest

from steward.law.special_category import (
    EqualityMonitoring,
    SpecialCategory,
    criminal_ok,
    equality_monitoring_ok,
    is_special_category,
    special_category_gaps,
    special_ok,
)


@pytest.mark.parametrize("kind", [k.value for k in SpecialCategory])
def test_the_nine_kinds_are_special_category(kind: str) -> None:
    assert is_special_category(kind)


@pytest.mark.parametrize("kind", ["criminal_conviction", "contact_details", "sensitive"])
def test_other_kinds_including_criminal_data_are_not(kind: str) -> None:
    assert not is_special_category(kind)


@pytest.mark.parametrize(
    ("args", "kwargs", "ok"),
    [
        (("health", "legal_obligation", None), {}, False),
        (("health", "legal_obligation", "9(2)(b)"), {"sch1": "para1", "apd": True}, True),
        (("health", "legal_obligation", "9(2)(b)"), {"sch1": "para1", "apd": False}, False),
    ],
)
def test_examples_of_r10_4_for_special_category(
    args: tuple[str, str, str | None], kwargs: dict[str, object], ok: bool
) -> None:
    assert special_ok(*args, **kwargs) is ok


@pytest.mark.parametrize(
    ("condition", "kwargs", "ok"),
    [
        ("para1", {"apd": True}, True),
        ("para_1", {"apd": False}, False),
        ("para_33", {}, True),
        (None, {}, False),
        (None, {"official_authority": True}, True),
        ("para_1", {"apd": True, "comprehensive_register": True}, False),
        ("para_99", {"apd": True}, False),
    ],
)
def test_criminal_offence_data_conditions(
    condition: str | None, kwargs: dict[str, bool], ok: bool
) -> None:
    assert criminal_ok(condition, **kwargs) is ok


def test_explicit_consent_needs_no_schedule_1_condition() -> None:
    assert special_ok("health", "consent", "9(2)(a)")


def test_no_art6_basis_is_a_gap_even_for_ordinary_data() -> None:
    assert special_category_gaps("contact_details", None, None) == ("no Art 6 lawful basis",)


def test_a_schedule_1_condition_must_match_the_art9_condition() -> None:
    gaps = special_category_gaps("health", "legal_obligation", "9(2)(b)", sch1="para_8", apd=True)
    assert gaps == ("Sch 1 para_8 does not meet Art 9(2)(b)",)


def test_substantial_public_interest_needs_a_part_2_condition() -> None:
    assert special_category_gaps("health", "legal_obligation", "9(2)(g)") == (
        "Art 9(2)(g) also needs a DPA 2018 Sch 1 condition",
    )
    assert special_ok("health", "legal_obligation", "9(2)(g)", sch1="para_8", apd=True)


def test_an_unknown_art9_condition_is_named() -> None:
    gaps = special_category_gaps("health", "consent", "9(2)(z)")
    assert "not an Art 9(2) condition" in gaps[0]


MONITORING = EqualityMonitoring(group_statistics_only=True, apd=True)


@pytest.mark.parametrize(
    ("kind", "facts", "ok"),
    [
        ("racial_ethnic_origin", MONITORING, True),
        ("trade_union_membership", MONITORING, False),
        ("health", EqualityMonitoring(group_statistics_only=True, apd=False), False),
        (
            "health",
            EqualityMonitoring(group_statistics_only=True, apd=True, individual_decision=True),
            False,
        ),
        (
            "health",
            EqualityMonitoring(
                group_statistics_only=True, apd=True, written_objection_received=True
            ),
            False,
        ),
        ("health", EqualityMonitoring(group_statistics_only=False, apd=True), False),
    ],
)
def test_equality_monitoring_of_r10_3(kind: str, facts: EqualityMonitoring, ok: bool) -> None:
    assert equality_monitoring_ok(kind, facts) is ok
