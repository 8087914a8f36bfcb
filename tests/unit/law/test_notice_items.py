"""Notice and record contents are one shared list with stable ids (RULES.md §8-9)."""

import pytest

from steward.law.notice_items import (
    ALL_ITEMS,
    ART13_ITEMS,
    ART14_ITEMS,
    ART30_CONTROLLER_FIELDS,
    ART30_PROCESSOR_FIELDS,
    EXTRA_NOTICE_ITEMS,
    Applies,
    record_exemption_applies,
)


def test_art13_items_are_the_ids_of_r9_1() -> None:
    assert [i.id for i in ART13_ITEMS] == [
        "N13.1.a", "N13.1.b", "N13.1.c", "N13.1.d", "N13.1.e", "N13.1.f",
        "N13.2.a", "N13.2.b", "N13.2.c", "N13.2.d", "N13.2.e", "N13.2.f", "N13.3",
    ]  # fmt: skip


def test_art14_adds_categories_and_source_and_has_no_duty_to_provide_item() -> None:
    ids = {i.id for i in ART14_ITEMS}
    assert {"N14.1.d", "N14.2.f"} <= ids
    texts = {i.text for i in ART14_ITEMS}
    assert ALL_ITEMS["N13.2.e"].text not in texts
    assert ALL_ITEMS["N14.2.f"].text.startswith("the source of the data")


def test_extra_items_are_those_of_r9_3() -> None:
    assert [i.id for i in EXTRA_NOTICE_ITEMS] == [f"N-extra-{n}" for n in range(1, 6)]


def test_art30_fields_of_r8_1_and_r8_2() -> None:
    assert [f.id for f in ART30_CONTROLLER_FIELDS] == [f"30.1.{x}" for x in "abcdefg"]
    assert [f.id for f in ART30_PROCESSOR_FIELDS] == [f"30.2.{x}" for x in "abcd"]


@pytest.mark.parametrize(
    ("item_id", "applies"),
    [
        ("30.1.f", Applies.where_possible),
        ("30.1.b", Applies.always),
        ("N13.1.b", Applies.where_applicable),
    ],
)
def test_missing_where_possible_fields_are_warnings_not_errors(
    item_id: str, applies: Applies
) -> None:
    assert ALL_ITEMS[item_id].applies is applies


def test_every_item_cites_its_provision_and_ids_are_unique() -> None:
    count = sum(
        len(g)
        for g in (
            ART13_ITEMS,
            ART14_ITEMS,
            EXTRA_NOTICE_ITEMS,
            ART30_CONTROLLER_FIELDS,
            ART30_PROCESSOR_FIELDS,
        )
    )
    assert count < len(ALL_ITEMS)
    assert all(item.citation and item.text for item in ALL_ITEMS.values())


@pytest.mark.parametrize(
    ("employees", "risk", "occasional", "sensitive", "exempt"),
    [
        (40, False, True, True, False),
        (40, False, True, False, True),
        (40, True, True, False, False),
        (40, False, False, False, False),
        (250, False, True, False, False),
    ],
)
def test_record_exemption_of_r8_4(
    employees: int, risk: bool, occasional: bool, sensitive: bool, exempt: bool
) -> None:
    assert (
        record_exemption_applies(
            employees, likely_risk=risk, occasional=occasional, special_or_criminal=sensitive
        )
        is exempt
    )
