"""Cookie consent decisions and banners follow RULES.md §3, with every row of R3.6."""

from datetime import date

import pytest

from steward.law.cookies import (
    Banner,
    CookiePurpose,
    Exemption,
    StorageAccess,
    banner_valid,
    needs_consent,
)

P = CookiePurpose


def tech(*purposes: CookiePurpose, **conditions: bool) -> StorageAccess:
    return StorageAccess(frozenset(purposes), **conditions)


@pytest.mark.parametrize(
    ("number", "technology", "on", "exemption"),
    [
        (1, tech(P.strictly_necessary), date(2026, 3, 1), Exemption.strictly_necessary),
        (2, tech(P.strictly_necessary), date(2025, 3, 1), Exemption.strictly_necessary),
        (3, tech(P.embedded_content, provider_own_purposes=True), date(2026, 3, 1), None),
        (4, tech(P.embedded_content), date(2026, 3, 1), None),
        (5, tech(P.analytics, provider_own_purposes=True), date(2026, 3, 1), None),
        (
            6,
            tech(P.statistical, notice_explains=True, objection_means=True),
            date(2026, 3, 1),
            Exemption.statistical,
        ),
        (
            7,
            tech(P.statistical, notice_explains=True, objection_means=True),
            date(2026, 1, 15),
            None,
        ),
        (
            8,
            tech(P.appearance, notice_explains=True, objection_means=True),
            date(2026, 6, 1),
            Exemption.appearance,
        ),
        (9, tech(P.strictly_necessary), date(2026, 3, 1), Exemption.strictly_necessary),
    ],
)
def test_worked_examples_of_r3_6(
    number: int, technology: StorageAccess, on: date, exemption: Exemption | None
) -> None:
    decision = needs_consent(technology, on)
    assert decision.consent_required is (exemption is None), number
    assert decision.exemption is exemption
    assert "PECR reg 6" in decision.citation


def test_worked_example_10_of_r3_6_reject_only_on_layer_two_is_invalid() -> None:
    assessment = banner_valid(
        Banner(accept_on_first_layer=True, reject_on_first_layer=False, reject_clicks=2)
    )
    assert not assessment.valid
    assert any("first layer" in p for p in assessment.problems)


def test_embedded_players_are_told_to_load_after_consent() -> None:
    reason = needs_consent(tech(P.embedded_content), date(2026, 3, 1)).reason
    assert "click-to-load" in reason


def test_statistical_exception_needs_an_objection_means() -> None:
    decision = needs_consent(tech(P.statistical, notice_explains=True), date(2026, 3, 1))
    assert decision.consent_required
    assert "means to object" in decision.reason


def test_communication_is_exempt_before_schedule_a1() -> None:
    assert (
        needs_consent(tech(P.communication), date(2025, 6, 1)).exemption is Exemption.communication
    )


def test_emergency_assistance_needs_no_extra_conditions_from_february_2026() -> None:
    assert not needs_consent(tech(P.emergency_assistance), date(2026, 2, 5)).consent_required
    assert needs_consent(tech(P.emergency_assistance), date(2026, 2, 4)).consent_required


def test_any_extra_purpose_means_consent() -> None:
    decision = needs_consent(tech(P.strictly_necessary, P.advertising), date(2026, 3, 1))
    assert decision.consent_required
    assert "advertising" in decision.reason


def test_uses_beyond_the_purpose_mean_consent() -> None:
    assert needs_consent(
        tech(P.strictly_necessary, every_use_fits=False), date(2026, 3, 1)
    ).consent_required


def test_two_different_exceptions_are_not_combined() -> None:
    both = tech(P.strictly_necessary, P.appearance, notice_explains=True, objection_means=True)
    assert needs_consent(both, date(2026, 3, 1)).consent_required


def test_no_declared_purpose_means_consent() -> None:
    assert needs_consent(tech(), date(2026, 3, 1)).consent_required


def test_a_banner_with_equal_choices_is_valid() -> None:
    assert banner_valid(Banner(accept_on_first_layer=True, reject_on_first_layer=True)).valid


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("pre_ticked_boxes", True, "pre-ticked"),
        ("non_exempt_load_before_choice", True, "load before the choice"),
        ("consent_by_continuing", True, "continuing to browse"),
        ("withdraw_as_easy_as_give", False, "withdrawing"),
        ("equal_prominence", False, "equal visual weight"),
        ("reject_clicks", 3, "no more clicks"),
    ],
)
def test_each_banner_fault_is_named(field: str, value: object, problem: str) -> None:
    banner = Banner(accept_on_first_layer=True, reject_on_first_layer=True, **{field: value})
    assessment = banner_valid(banner)
    assert not assessment.valid
    assert any(problem in p for p in assessment.problems)
