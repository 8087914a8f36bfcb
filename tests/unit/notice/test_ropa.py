"""The Art 30 record: one row per purpose, every Art 30(1) field and the R8.3 extras."""

from __future__ import annotations

import csv
import io
import json

import openpyxl

from steward.law.notice_items import ALL_ITEMS, ART30_CONTROLLER_FIELDS, ART30_EXTRA_FIELDS
from steward.manifest.schema import Manifest
from steward.notice.ropa import COLUMNS, STEWARD_EXTRA, ropa_csv, ropa_json, ropa_rows, ropa_xlsx

ART_30_1 = tuple(item.id for item in ART30_CONTROLLER_FIELDS)


def column(key: str) -> int:
    return [c.key for c in COLUMNS].index(key)


def test_every_art_30_1_field_has_a_column() -> None:
    assert {c.field for c in COLUMNS} >= set(ART_30_1)


def test_the_extras_the_manifest_can_state_have_a_column() -> None:
    stated = {
        "30.extra.apd",
        "30.extra.lawful_basis",
        "30.extra.consent_records",
        "30.extra.processor_contracts",
        "30.extra.locations",
    }
    assert stated <= {item.id for item in ART30_EXTRA_FIELDS}
    assert stated <= {c.field for c in COLUMNS}


def test_every_column_names_a_field_the_law_lists_or_marks_itself_as_steward_s() -> None:
    assert all(c.field in ALL_ITEMS or c.field == STEWARD_EXTRA for c in COLUMNS)


def test_one_row_per_purpose_with_every_art_30_field_filled(outserve: Manifest) -> None:
    rows = ropa_rows(outserve)
    assert [row[0] for row in rows] == [p.id for p in outserve.purposes]
    for row in rows:
        for index, c in enumerate(COLUMNS):
            if c.field in ART_30_1:
                assert row[index].strip(), f"{row[0]} has an empty {c.key}"


def test_lawful_basis_and_special_category_condition_are_recorded(complete: Manifest) -> None:
    row = ropa_rows(complete)[2]
    assert row[column("lawful_basis")].startswith("Legal obligation (UK GDPR Art 6(1)(c))")
    assert "Art 9(2)(b)" in row[column("special_category_condition")]
    assert "APD-HR-1" in row[column("criminal_offence_condition")]


def test_transfers_record_the_safeguard_and_processors_their_contract(complete: Manifest) -> None:
    row = ropa_rows(complete)[0]
    assert "IDTA" in row[column("transfers")]
    assert "IndiaDesk Pvt Ltd: contract missing" in row[column("processors")]
    assert "CloudHost Inc.: contract in place" in row[column("processors")]


def test_retention_is_given_per_category_of_the_purpose(complete: Manifest) -> None:
    cell = ropa_rows(complete)[2][column("retention")]
    for name in ("Contact details", "Health information", "Criminal record checks"):
        assert f"{name}: 6 years after" in cell


def test_csv_has_a_header_and_the_rows(complete: Manifest) -> None:
    parsed = list(csv.reader(io.StringIO(ropa_csv(complete))))
    assert parsed[0] == [c.heading for c in COLUMNS]
    assert [tuple(r) for r in parsed[1:]] == list(ropa_rows(complete))


def test_json_names_each_field_and_its_article(complete: Manifest) -> None:
    data = json.loads(ropa_json(complete))
    assert data["as_of"] == "2026-11-26"
    cited = {c["law"] for c in data["columns"]}
    assert {f"UK GDPR Art 30(1)({letter})" for letter in "abcdef"} <= cited
    assert "UK GDPR Art 30(1)(g); Art 32(1)" in cited
    assert [a["purpose_id"] for a in data["activities"]] == [p.id for p in complete.purposes]


def test_xlsx_holds_the_same_rows(complete: Manifest) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(ropa_xlsx(complete))).active
    values = [tuple(cell or "" for cell in row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == tuple(c.heading for c in COLUMNS)
    assert values[1:] == list(ropa_rows(complete))


def test_xlsx_columns_fit_their_content_and_the_header_has_a_filter(complete: Manifest) -> None:
    book = openpyxl.load_workbook(io.BytesIO(ropa_xlsx(complete)))
    sheet = book.worksheets[0]
    assert sheet.auto_filter.ref == f"A1:Q{len(complete.purposes) + 1}"
    widths = [sheet.column_dimensions[letter].width for letter in ("A", "B", "N")]
    assert widths[0] == 18  # "Purpose id" is short: the id column stays narrow
    assert widths[1] == 60  # the controller column is long: capped, and its text wraps
    assert all(12 <= w <= 60 for w in widths)
    assert sheet.freeze_panes == "B2"


def test_xlsx_names_the_records_owner_version_and_date(complete: Manifest) -> None:
    book = openpyxl.load_workbook(io.BytesIO(ropa_xlsx(complete)))
    about = dict(book["About this record"].iter_rows(min_row=2, values_only=True))
    assert about["Owner"] == "Example Ltd (controller); kept by Pat Privacy"
    assert about["Version"] == "Not stated"
    assert about["Date"] == "26 November 2026"
    assert book.properties.creator == "Example Ltd (controller); kept by Pat Privacy"
    assert book.properties.title.startswith("Record of processing activities of Example Ltd")


def test_xlsx_drops_characters_a_spreadsheet_cannot_hold(complete: Manifest) -> None:
    dirty = complete.model_copy(
        update={
            "purposes": (
                complete.purposes[0].model_copy(
                    update={"name": "Deliver\x00ing\x1b the\x07 service"}
                ),
                *complete.purposes[1:],
            )
        }
    )
    sheet = openpyxl.load_workbook(io.BytesIO(ropa_xlsx(dirty))).worksheets[0]
    assert sheet["C2"].value.startswith("Delivering the service")
