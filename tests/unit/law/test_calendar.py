"""Month and year arithmetic (RULES.md C-5, C-6) and working days by nation (C-3, C-4)."""

from datetime import date

import pytest

from steward.errors import InvalidInput
from steward.law.calendar import (
    Nation,
    add_months,
    add_years,
    holiday_name,
    is_working_day,
    next_working_day_on_or_after,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 29), 1, date(2026, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_month_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2024, 2, 29), 6, date(2030, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2026, 7, 15), 3, date(2029, 7, 15)),
    ],
)
def test_add_years_turns_29_february_into_28_february(
    start: date, years: int, expected: date
) -> None:
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("text", "nation"),
    [
        ("england", Nation.england),
        ("Wales", Nation.wales),
        ("SCOTLAND", Nation.scotland),
        ("northern-ireland", Nation.northern_ireland),
        ("Northern Ireland", Nation.northern_ireland),
    ],
)
def test_nation_parses_as_people_type_it(text: str, nation: Nation) -> None:
    assert Nation.parse(text) is nation


def test_unknown_nation_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidInput) as raised:
        Nation.parse("cornwall")
    assert raised.value.hint == "use one of: england, wales, scotland, northern-ireland"


@pytest.mark.parametrize(
    ("day", "nation", "name"),
    [
        (
            date(2026, 6, 15),
            Nation.scotland,
            "Scotland's participation in the FIFA World Cup final",
        ),
        (date(2026, 6, 15), Nation.england, None),
        (date(2026, 11, 30), Nation.scotland, "Saint Andrew's Day"),
        (date(2026, 3, 17), Nation.northern_ireland, "Saint Patrick's Day"),
        (date(2026, 3, 17), Nation.wales, None),
        (date(2026, 4, 6), Nation.scotland, None),
        (date(2026, 4, 6), Nation.wales, "Easter Monday"),
        (date(2026, 12, 28), Nation.england, "Boxing Day (observed)"),
    ],
)
def test_bank_holidays_differ_by_nation(day: date, nation: Nation, name: str | None) -> None:
    assert holiday_name(day, nation) == name


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 8, 1), Nation.england)  # Saturday
    assert not is_working_day(date(2026, 8, 31), Nation.england)  # late summer holiday
    assert is_working_day(date(2026, 8, 31), Nation.scotland)


def test_roll_repeats_through_christmas_and_records_each_day() -> None:
    due, rolled = next_working_day_on_or_after(date(2026, 12, 25), Nation.england)
    assert due == date(2026, 12, 29)
    assert [(r.day.day, r.reason) for r in rolled] == [
        (25, "Christmas Day"),
        (26, "Boxing Day"),
        (27, "Sunday"),
        (28, "Boxing Day (observed)"),
    ]


def test_a_working_day_does_not_roll() -> None:
    assert next_working_day_on_or_after(date(2026, 12, 29), Nation.england) == (
        date(2026, 12, 29),
        [],
    )
