"""Retention dates follow RULES.md R5.2 and every worked example of R5.4."""

from datetime import date

import pytest

from steward.errors import InvalidInput
from steward.law.retention import (
    AccountingYearEnd,
    Action,
    Anchor,
    InvalidPeriod,
    MissingTriggerEvent,
    Period,
    RetentionRule,
    end_of_tax_year,
    retention_due,
)

PAYROLL = RetentionRule("paid", Period(years=3), Anchor.end_of_tax_year, Action.delete)
HR_FILE = RetentionRule("left", Period(years=6), Anchor.end_of_tax_year, Action.delete)
CORPORATION_TAX = RetentionRule(
    "period_end", Period(years=6), Anchor.end_of_accounting_period, Action.delete
)
SMP = RetentionRule("mpp_ended", Period(years=3), Anchor.end_of_tax_year, Action.delete)
NMW = RetentionRule("next_prp_ended", Period(years=6), Anchor.beginning_with, Action.delete)
COMPANIES_ACT = RetentionRule("made", Period(years=3), Anchor.event_date, Action.delete)


@pytest.mark.parametrize(
    ("rule", "event", "ends", "action_on"),
    [
        (PAYROLL, date(2026, 5, 20), date(2030, 4, 5), date(2030, 4, 6)),
        (PAYROLL, date(2026, 4, 5), date(2029, 4, 5), date(2029, 4, 6)),
        (PAYROLL, date(2026, 4, 6), date(2030, 4, 5), date(2030, 4, 6)),
        (HR_FILE, date(2026, 5, 20), date(2033, 4, 5), date(2033, 4, 6)),
        (HR_FILE, date(2026, 4, 5), date(2032, 4, 5), date(2032, 4, 6)),
        (SMP, date(2026, 9, 30), date(2030, 4, 5), date(2030, 4, 6)),
        (NMW, date(2026, 7, 31), date(2032, 7, 30), date(2032, 7, 31)),
        (COMPANIES_ACT, date(2026, 7, 15), date(2029, 7, 15), date(2029, 7, 16)),
    ],
)
def test_worked_examples_of_r5_4(
    rule: RetentionRule, event: date, ends: date, action_on: date
) -> None:
    due = retention_due(rule, {rule.trigger_event: event})
    assert (due.retained_until, due.action_on) == (ends, action_on)


@pytest.mark.parametrize(
    ("year_end", "period_end", "ends", "action_on"),
    [
        (AccountingYearEnd(3, 31), date(2026, 3, 31), date(2032, 3, 31), date(2032, 4, 1)),
        (AccountingYearEnd(2, 29), date(2024, 2, 29), date(2030, 2, 28), date(2030, 3, 1)),
    ],
)
def test_corporation_tax_examples_of_r5_4(
    year_end: AccountingYearEnd, period_end: date, ends: date, action_on: date
) -> None:
    due = retention_due(CORPORATION_TAX, {"period_end": period_end}, accounting_period_end=year_end)
    assert (due.retained_until, due.action_on) == (ends, action_on)


def test_legal_hold_release_postpones_the_action_to_the_day_after_release() -> None:
    due = retention_due(HR_FILE, {"left": date(2026, 5, 20)}, legal_hold_release=date(2033, 6, 30))
    assert due.action_on == date(2033, 7, 1)
    assert due.retained_until == date(2033, 6, 30)
    assert due.held_by_legal_hold


def test_legal_hold_released_before_the_computed_date_changes_nothing() -> None:
    due = retention_due(HR_FILE, {"left": date(2026, 5, 20)}, legal_hold_release=date(2030, 1, 1))
    assert due.action_on == date(2033, 4, 6)
    assert not due.held_by_legal_hold


def test_accounting_year_end_finds_the_period_containing_a_mid_year_event() -> None:
    rule = RetentionRule(
        "invoiced", Period(years=6), Anchor.end_of_accounting_period, Action.delete
    )
    due = retention_due(
        rule, {"invoiced": date(2026, 5, 1)}, accounting_period_end=AccountingYearEnd(3, 31)
    )
    assert due.counted_from == date(2027, 3, 31)
    assert due.action_on == date(2033, 4, 1)


def test_explicit_accounting_period_end_date_is_used_as_given() -> None:
    due = retention_due(
        CORPORATION_TAX, {"period_end": date(2026, 1, 10)}, accounting_period_end=date(2026, 6, 30)
    )
    assert due.counted_from == date(2026, 6, 30)


def test_accounting_period_end_before_the_event_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="before the event"):
        retention_due(
            CORPORATION_TAX,
            {"period_end": date(2026, 7, 1)},
            accounting_period_end=date(2026, 6, 30),
        )


def test_accounting_rule_without_a_year_end_is_rejected_with_a_hint() -> None:
    with pytest.raises(InvalidInput) as raised:
        retention_due(CORPORATION_TAX, {"period_end": date(2026, 3, 31)})
    assert raised.value.hint is not None


def test_missing_trigger_event_names_the_event_and_those_given() -> None:
    with pytest.raises(MissingTriggerEvent) as raised:
        retention_due(HR_FILE, {"joined": date(2020, 1, 1)})
    assert raised.value.where == "events.left"
    assert "joined" in (raised.value.hint or "")


@pytest.mark.parametrize(
    ("day", "tax_year_end"),
    [
        (date(2026, 4, 5), date(2026, 4, 5)),
        (date(2026, 4, 6), date(2027, 4, 5)),
        (date(2026, 1, 1), date(2026, 4, 5)),
        (date(2026, 12, 31), date(2027, 4, 5)),
    ],
)
def test_tax_year_ends_on_5_april(day: date, tax_year_end: date) -> None:
    assert end_of_tax_year(day) == tax_year_end


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("6 years", Period(years=6)),
        ("1 year", Period(years=1)),
        ("3 months", Period(months=3)),
        ("30 days", Period(days=30)),
        ("1 year 6 months", Period(years=1, months=6)),
        ("1 year, 6 months and 2 days", Period(years=1, months=6, days=2)),
        ("2 weeks", Period(days=14)),
        ("  6 YEARS ", Period(years=6)),
        ("P6Y", Period(years=6)),
        ("P1Y6M", Period(years=1, months=6)),
        ("p30d", Period(days=30)),
        ("P2W", Period(days=14)),
    ],
)
def test_period_parses_human_and_iso_forms(text: str, period: Period) -> None:
    assert Period.parse(text) == period


@pytest.mark.parametrize(
    "text",
    [
        "",
        "six years",
        "6",
        "years",
        "6 fortnights",
        "P",
        "PT6H",
        "6 years 2 years",
        "-1 years",
        "0 days",
        "6 years please",
        "about 6 years",
    ],
)
def test_period_rejects_nonsense(text: str) -> None:
    with pytest.raises(InvalidPeriod):
        Period.parse(text)


@pytest.mark.parametrize(
    ("period", "text", "iso"),
    [
        (Period(years=6), "6 years", "P6Y"),
        (Period(years=1, months=6), "1 year 6 months", "P1Y6M"),
        (Period(days=1), "1 day", "P1D"),
        (Period(months=3, days=30), "3 months 30 days", "P3M30D"),
    ],
)
def test_period_prints_a_human_form_that_parses_back(period: Period, text: str, iso: str) -> None:
    assert str(period) == text
    assert period.iso == iso
    assert Period.parse(str(period)) == period
    assert Period.parse(period.iso) == period


def test_period_adds_months_with_the_month_end_rule_then_days() -> None:
    assert Period(years=1, months=6).after(date(2024, 2, 29)) == date(2025, 8, 29)
    assert Period(months=1, days=1).after(date(2026, 1, 31)) == date(2026, 3, 1)


def test_accounting_year_end_rejects_impossible_month() -> None:
    with pytest.raises(InvalidInput):
        AccountingYearEnd(13, 1)


def test_unreadable_period_is_a_value_error_for_pydantic_validators() -> None:
    with pytest.raises(ValueError):
        Period.parse("forever")
