"""Children's consent to online services (RULES.md §11)."""

from datetime import date

import pytest

from steward.errors import InvalidInput
from steward.law.calendar import Nation
from steward.law.children import (
    art8_applies,
    can_self_consent,
    digital_age_of_consent,
    presumed_able_to_exercise_access,
)

ON = date(2026, 11, 26)


def test_digital_age_of_consent_is_13_on_2026_11_26() -> None:
    assert digital_age_of_consent(ON) == 13


@pytest.mark.parametrize(("age", "ok"), [(13, True), (12, False), (17, True)])
def test_can_self_consent_examples_of_r11(age: int, ok: bool) -> None:
    assert can_self_consent(age, ON) is ok


def test_a_dated_change_of_age_applies_from_its_date() -> None:
    history = ((date(2018, 5, 25), 13), (date(2027, 9, 1), 16))
    assert digital_age_of_consent(date(2027, 8, 31), history=history) == 13
    assert not can_self_consent(15, date(2027, 9, 1), history=history)


def test_dates_before_any_recorded_age_are_rejected() -> None:
    with pytest.raises(InvalidInput):
        digital_age_of_consent(date(2018, 1, 1))


def test_negative_age_is_rejected() -> None:
    with pytest.raises(InvalidInput):
        can_self_consent(-1, ON)


def test_counselling_services_are_outside_art8() -> None:
    assert not art8_applies(
        offered_directly_to_child=True, relies_on_consent=True, preventive_or_counselling=True
    )
    assert art8_applies(offered_directly_to_child=True, relies_on_consent=True)


@pytest.mark.parametrize(
    ("age", "nation", "presumed"),
    [(12, Nation.scotland, True), (11, Nation.scotland, False), (12, Nation.england, None)],
)
def test_scottish_presumption_for_access(age: int, nation: Nation, presumed: bool | None) -> None:
    assert presumed_able_to_exercise_access(age, nation) is presumed
