"""The files connector on real CSV, JSONL and XLSX files in a temporary folder."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pytest
from openpyxl import Workbook, load_workbook

from steward.connectors.files import FilesConnector, open_files
from steward.connectors.files.tables import FORMATS, CsvFormat, Row, RowEdit
from steward.connectors.files.values import pseudonym
from steward.connectors.protocol import (
    Capability,
    ConnectorContext,
    NotSupported,
    RecordKey,
    SystemRefused,
    SystemUnavailable,
)
from steward.connectors.registry import open_connector
from steward.manifest.datasets import CollectionMap
from steward.manifest.vocabulary import SystemKind

KEY = b"k" * 32
COLUMNS = ("id", "name", "email", "company", "visited_on", "processing_hold")
ROWS: list[dict[str, Any]] = [
    {
        "id": "1",
        "name": "Ada Byrne",
        "email": "ada@example.org",
        "company": "Byrne Ltd",
        "visited_on": "2024-05-17",
        "processing_hold": "false",
    },
    {
        "id": "2",
        "name": "Tom Byrne",
        "email": "tom@example.org",
        "company": "Byrne Ltd",
        "visited_on": "2019-02-03",
        "processing_hold": "false",
    },
    {
        "id": "3",
        "name": "Sam Patel",
        "email": "sam@example.org",
        "company": "Patel & Co",
        "visited_on": "2025-11-30",
        "processing_hold": "false",
    },
]


def visitors_map(name: str, *, erase: str = "delete", restrict: bool = True) -> CollectionMap:
    return CollectionMap.model_validate(
        {
            "name": name,
            "primary_key": ["id"],
            "erase": erase,
            "date_field": "visited_on",
            "restrict": {"by": "field", "field": "processing_hold"} if restrict else {},
            "fields": [
                {"name": "id"},
                {"name": "name", "categories": ["visitor_log"], "identity": "name",
                 "mask": "fixed", "mask_value": "=erased"},
                {"name": "email", "categories": ["visitor_log"], "identity": "email",
                 "mask": "pseudonym"},
                {"name": "company", "categories": ["visitor_log"]},
                {"name": "visited_on", "categories": ["visitor_log"], "mask": "truncate_date"},
                {"name": "processing_hold"},
            ],
        }
    )  # fmt: skip


def write_csv(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(ROWS)


def write_jsonl(path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for row in ROWS:
            typed = {**row, "id": int(row["id"]), "processing_hold": False}
            handle.write(json.dumps(typed) + "\n")


def write_xlsx(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(COLUMNS))
    for row in ROWS:
        visited = datetime.fromisoformat(row["visited_on"])
        sheet.append([int(row["id"]), row["name"], row["email"], row["company"], visited, False])
    book.create_sheet("Notes").append(["kept as it is"])
    book.save(path)


WRITERS: dict[str, Callable[[Path], None]] = {
    "visitors.csv": write_csv,
    "visitors.jsonl": write_jsonl,
    "visitors.xlsx": write_xlsx,
}


@pytest.fixture(params=sorted(WRITERS))
def file_name(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    name = str(request.param)
    WRITERS[name](tmp_path / name)
    return name


def connector_for(folder: Path) -> FilesConnector:
    context = ConnectorContext("visitor_log", {"path": str(folder)}, pseudonym_key=KEY)
    return open_files(SystemKind.files, context)


def key(file_name: str, value: str) -> RecordKey:
    return RecordKey(file_name, (value,))


def test_the_registry_opens_the_files_driver_for_kind_files(tmp_path: Path) -> None:
    context = ConnectorContext("visitor_log", {"path": str(tmp_path)})
    connector = open_connector(SystemKind.files, context)
    assert isinstance(connector, FilesConnector)
    assert connector.capabilities == frozenset(Capability)


def test_find_returns_the_keys_of_rows_with_exactly_that_value(
    tmp_path: Path, file_name: str
) -> None:
    connector = connector_for(tmp_path)
    found = connector.find(visitors_map(file_name), "email", ["tom@example.org", "TOM@example.org"])
    assert found == [key(file_name, "2")]


def test_find_by_a_shared_value_returns_every_row_holding_it(
    tmp_path: Path, file_name: str
) -> None:
    found = connector_for(tmp_path).find(visitors_map(file_name), "company", ["Byrne Ltd"])
    assert found == [key(file_name, "1"), key(file_name, "2")]


def test_read_returns_every_mapped_field_of_the_keyed_rows_only(
    tmp_path: Path, file_name: str
) -> None:
    records = connector_for(tmp_path).read(
        visitors_map(file_name), [key(file_name, "3"), key(file_name, "99")]
    )
    assert [r.key for r in records] == [key(file_name, "3")]
    fields = records[0].fields
    assert fields["email"] == "sam@example.org"
    assert str(fields["visited_on"]).startswith("2025-11-30")


def test_rectify_changes_the_field_and_a_second_time_changes_nothing(
    tmp_path: Path, file_name: str
) -> None:
    connector = connector_for(tmp_path)
    collection = visitors_map(file_name)
    changes = {"email": "ada.byrne@example.org"}
    assert connector.rectify(collection, [key(file_name, "1")], changes).affected == 1
    assert connector.rectify(collection, [key(file_name, "1")], changes).affected == 0
    assert connector.find(collection, "email", ["ada.byrne@example.org"]) == [key(file_name, "1")]
    assert connector.find(collection, "email", ["tom@example.org"]) == [key(file_name, "2")]


def test_erase_by_delete_removes_the_rows_and_a_second_erase_affects_none(
    tmp_path: Path, file_name: str
) -> None:
    connector = connector_for(tmp_path)
    collection = visitors_map(file_name)
    assert connector.erase(collection, [key(file_name, "2")]).affected == 1
    assert connector.erase(collection, [key(file_name, "2")]).affected == 0
    assert connector.find(collection, "company", ["Byrne Ltd"]) == [key(file_name, "1")]
    assert len(connector.read(collection, [key(file_name, v) for v in "123"])) == 2


def test_erase_by_mask_masks_each_field_as_the_map_says_and_is_idempotent(
    tmp_path: Path, file_name: str
) -> None:
    connector = connector_for(tmp_path)
    collection = visitors_map(file_name, erase="mask")
    assert connector.erase(collection, [key(file_name, "1")]).affected == 1
    assert connector.erase(collection, [key(file_name, "1")]).affected == 0
    (record,) = connector.read(collection, [key(file_name, "1")])
    assert record.fields["email"] == pseudonym("ada@example.org", KEY)
    assert record.fields["company"] in (None, "")
    assert str(record.fields["visited_on"]).startswith("2024-05-01")
    assert str(record.fields["name"]).endswith("=erased")
    (other,) = connector.read(collection, [key(file_name, "2")])
    assert other.fields["name"] == "Tom Byrne"


def test_a_fixed_mask_written_to_a_csv_is_formula_safe(tmp_path: Path) -> None:
    write_csv(tmp_path / "visitors.csv")
    connector_for(tmp_path).erase(
        visitors_map("visitors.csv", erase="mask"), [key("visitors.csv", "1")]
    )
    with (tmp_path / "visitors.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["name"] == "'=erased"
    assert rows[1]["name"] == "Tom Byrne"


def test_a_fixed_mask_written_to_a_workbook_is_text_not_a_formula(tmp_path: Path) -> None:
    write_xlsx(tmp_path / "visitors.xlsx")
    connector_for(tmp_path).erase(
        visitors_map("visitors.xlsx", erase="mask"), [key("visitors.xlsx", "1")]
    )
    book = load_workbook(tmp_path / "visitors.xlsx")
    cell = book.worksheets[0]["B2"]
    assert (cell.value, cell.data_type) == ("=erased", "s")
    assert book.sheetnames == ["Sheet", "Notes"]


def test_restrict_sets_the_hold_flag_and_lifting_clears_it(tmp_path: Path, file_name: str) -> None:
    connector = connector_for(tmp_path)
    collection = visitors_map(file_name)
    keys = [key(file_name, "3")]
    assert connector.restrict(collection, keys, True).affected == 1
    assert connector.restrict(collection, keys, True).affected == 0
    assert connector.read(collection, keys)[0].fields["processing_hold"] in (True, "true")
    assert connector.restrict(collection, keys, False).affected == 1
    assert connector.read(collection, keys)[0].fields["processing_hold"] in (False, "false")


def test_restrict_without_a_hold_field_is_not_supported(tmp_path: Path, file_name: str) -> None:
    with pytest.raises(NotSupported) as raised:
        connector_for(tmp_path).restrict(
            visitors_map(file_name, restrict=False), [key(file_name, "1")], True
        )
    assert raised.value.capability is Capability.restrict


def test_past_lists_rows_whose_date_is_before_the_cut_off(tmp_path: Path, file_name: str) -> None:
    found = connector_for(tmp_path).past(visitors_map(file_name), date(2024, 5, 17))
    assert found == [key(file_name, "2")]


class FailingCsv(CsvFormat):
    """Writes the header and one row, then the disk 'fills up'."""

    def rewrite(self, source: IO[bytes], target: IO[bytes], edit: RowEdit) -> None:
        rows = 0

        def failing(row: Row) -> Row | None:
            nonlocal rows
            rows += 1
            if rows == 2:
                raise OSError(28, "No space left on device")
            return edit(row)

        super().rewrite(source, target, failing)


def test_a_rewrite_that_fails_midway_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    write_csv(tmp_path / "visitors.csv")
    before = (tmp_path / "visitors.csv").read_bytes()
    context = ConnectorContext("visitor_log", {"path": str(tmp_path)})
    connector = FilesConnector(context, formats={**FORMATS, ".csv": FailingCsv()})
    with pytest.raises(SystemUnavailable, match="the file is unchanged"):
        connector.erase(visitors_map("visitors.csv"), [key("visitors.csv", "1")])
    assert (tmp_path / "visitors.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visitors.csv"]


def test_a_rewrite_keeps_the_files_permissions(tmp_path: Path) -> None:
    write_csv(tmp_path / "visitors.csv")
    os.chmod(tmp_path / "visitors.csv", 0o640)
    connector_for(tmp_path).erase(visitors_map("visitors.csv"), [key("visitors.csv", "1")])
    assert (tmp_path / "visitors.csv").stat().st_mode & 0o777 == 0o640


def test_a_collection_that_is_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    write_csv(elsewhere / "real.csv")
    folder = tmp_path / "system"
    folder.mkdir()
    (folder / "visitors.csv").symlink_to(elsewhere / "real.csv")
    connector = connector_for(folder)
    with pytest.raises(SystemRefused, match="symbolic link"):
        connector.erase(visitors_map("visitors.csv"), [key("visitors.csv", "1")])
    with pytest.raises(SystemRefused, match="symbolic link"):
        connector.find(visitors_map("visitors.csv"), "email", ["ada@example.org"])
    assert len((elsewhere / "real.csv").read_text(encoding="utf-8").splitlines()) == 4


def test_a_collection_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "visitors.csv").mkdir()
    with pytest.raises(SystemRefused, match="a folder, not a file"):
        connector_for(tmp_path).find(visitors_map("visitors.csv"), "email", ["ada@example.org"])


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(SystemRefused, match=r"the file visitors\.csv is not in"):
        connector_for(tmp_path).find(visitors_map("visitors.csv"), "email", ["ada@example.org"])


def test_a_missing_folder_leaves_the_system_unavailable(tmp_path: Path) -> None:
    with pytest.raises(SystemUnavailable, match="is not there"):
        connector_for(tmp_path / "unmounted")


def test_a_field_missing_from_the_csv_header_is_refused_naming_it(tmp_path: Path) -> None:
    (tmp_path / "visitors.csv").write_text("id,name\n1,Ada\n", encoding="utf-8")
    with pytest.raises(SystemRefused, match="has no column email"):
        connector_for(tmp_path).find(visitors_map("visitors.csv"), "email", ["ada@example.org"])


def test_a_malformed_jsonl_line_is_refused_naming_the_line(tmp_path: Path) -> None:
    (tmp_path / "visitors.jsonl").write_text('{"id": 1}\n{not json\n', encoding="utf-8")
    with pytest.raises(SystemRefused, match=r"line 2"):
        connector_for(tmp_path).find(visitors_map("visitors.jsonl"), "email", ["a@example.org"])


def test_unchanged_jsonl_lines_keep_their_exact_text(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "visitors.jsonl")
    before = (tmp_path / "visitors.jsonl").read_text(encoding="utf-8").splitlines()
    connector_for(tmp_path).erase(visitors_map("visitors.jsonl"), [key("visitors.jsonl", "2")])
    after = (tmp_path / "visitors.jsonl").read_text(encoding="utf-8").splitlines()
    assert after == [before[0], before[2]]


def test_masking_by_pseudonym_needs_the_deployments_key(tmp_path: Path) -> None:
    write_csv(tmp_path / "visitors.csv")
    connector = FilesConnector(ConnectorContext("visitor_log", {"path": str(tmp_path)}))
    with pytest.raises(SystemRefused, match="no pseudonym key"):
        connector.erase(visitors_map("visitors.csv", erase="mask"), [key("visitors.csv", "1")])


def test_rectifying_a_field_the_map_marks_not_rectifiable_is_refused(tmp_path: Path) -> None:
    write_csv(tmp_path / "visitors.csv")
    data = visitors_map("visitors.csv").model_dump(mode="json")
    data["fields"][2]["rectifiable"] = False
    collection = CollectionMap.model_validate(data)
    with pytest.raises(SystemRefused, match="not rectifiable"):
        connector_for(tmp_path).rectify(collection, [key("visitors.csv", "1")], {"email": "x@y"})
    assert "ada@example.org" in (tmp_path / "visitors.csv").read_text(encoding="utf-8")


def test_a_collection_name_with_a_path_in_it_is_refused(tmp_path: Path) -> None:
    (tmp_path / "system").mkdir()
    write_csv(tmp_path / "visitors.csv")
    with pytest.raises(SystemRefused, match="is not a file name"):
        connector_for(tmp_path / "system").find(
            visitors_map("x/../../visitors.csv"), "email", ["ada@example.org"]
        )
