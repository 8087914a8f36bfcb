"""Dataset maps load like the manifest: file:line errors, and every name checked against it."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.errors import ManifestError
from steward.manifest.dataset_load import (
    DatasetMapErrors,
    MapCounts,
    default_maps_folder,
    load_dataset_maps,
)
from steward.manifest.datasets import Erase, IdentityKind, Mask
from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from tests.dataset_maps_manifest import write_maps_manifest

CRM = """\
system: crm
collections:
  - name: customers
    primary_key: [id]
    retention: six_years
    date_field: created_at
    fields:
      - name: id
      - name: email
        categories: [contact_details]
        identity: email
      - name: created_at
  - name: orders
    primary_key: [order_id]
    erase: mask
    fields:
      - name: order_id
      - name: customer_id
        references: crm.customers.id
      - name: delivery_name
        categories: [contact_details]
        mask: fixed
        mask_value: erased
"""

HR = """\
system: hr
collections:
  - name: employees
    primary_key: [employee_no]
    fields:
      - name: employee_no
        identity: employee_number
      - name: salary
        categories: [payroll_data]
"""


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    return load_manifest(write_maps_manifest(tmp_path / "manifest"))


@pytest.fixture
def maps(tmp_path: Path) -> Path:
    folder = tmp_path / "manifest" / "datasets"
    folder.mkdir(parents=True)
    (folder / "crm.yaml").write_text(CRM, encoding="utf-8")
    (folder / "hr.yaml").write_text(HR, encoding="utf-8")
    return folder


def _problems(folder: Path, manifest: Manifest) -> list[str]:
    with pytest.raises(DatasetMapErrors) as raised:
        load_dataset_maps(folder, manifest)
    return [str(e) for e in raised.value.errors]


def _replace(file: Path, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text, f"replacement {old!r} does not apply"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_valid_maps_load_in_file_order_with_their_fields(maps: Path, manifest: Manifest) -> None:
    loaded = load_dataset_maps(maps, manifest)

    assert [m.system for m in loaded] == ["crm", "hr"]
    orders = loaded[0].collection("orders")
    assert orders.erase is Erase.mask
    assert orders.field("delivery_name").mask is Mask.fixed
    assert loaded[1].collection("employees").field("employee_no").identity is (
        IdentityKind.employee_number
    )


def test_counts_cover_every_map(maps: Path, manifest: Manifest) -> None:
    counts = MapCounts.of(load_dataset_maps(maps, manifest))

    assert counts == MapCounts(
        systems=("crm", "hr"), collections=3, fields=8, personal_fields=4, identity_fields=2
    )


def test_default_folder_is_datasets_beside_a_manifest_file_or_inside_a_folder(
    tmp_path: Path,
) -> None:
    file = write_maps_manifest(tmp_path / "m")

    assert default_maps_folder(file) == tmp_path / "m" / "datasets"
    assert default_maps_folder(tmp_path / "m") == tmp_path / "m" / "datasets"


def test_misspelt_key_is_reported_with_file_line_and_suggestion(
    maps: Path, manifest: Manifest
) -> None:
    _replace(maps / "hr.yaml", "primary_key:", "primary_keys:")

    problems = _problems(maps, manifest)

    (unknown,) = [p for p in problems if "unknown field" in p]
    assert f"{maps / 'hr.yaml'}:4:5 collections[0].primary_keys: unknown field" in unknown
    assert "did you mean 'primary_key'?" in unknown


def test_misspelt_enum_value_suggests_the_nearest(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "crm.yaml", "identity: email", "identity: emial")

    (problem,) = _problems(maps, manifest)

    assert f"{maps / 'crm.yaml'}:11:19 collections[0].fields[1].identity" in problem
    assert "did you mean 'email'?" in problem


def test_malformed_reference_names_the_expected_form(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "crm.yaml", "references: crm.customers.id", "references: customers.id")

    (problem,) = _problems(maps, manifest)

    assert "collections[1].fields[1].references" in problem
    assert "SYSTEM.COLLECTION.FIELD" in problem


def test_unknown_system_is_an_error_with_a_suggestion(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "hr.yaml", "system: hr", "system: hrr")

    (problem,) = _problems(maps, manifest)

    assert f"{maps / 'hr.yaml'}:1:9 system: refers to unknown systems id 'hrr'" in problem
    assert "did you mean 'hr'?" in problem


def test_a_system_mapped_twice_names_the_first_map(maps: Path, manifest: Manifest) -> None:
    (maps / "hr2.yaml").write_text(HR, encoding="utf-8")

    (problem,) = _problems(maps, manifest)

    assert f"{maps / 'hr2.yaml'}:1:9 system: system 'hr' is mapped twice" in problem
    assert f"first at {maps / 'hr.yaml'}:1:9" in problem


def test_unknown_category_is_an_error_at_its_line(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "hr.yaml", "[payroll_data]", "[payroll]")

    (problem,) = _problems(maps, manifest)

    assert f"{maps / 'hr.yaml'}:9:22 collections[0].fields[1].categories[0]" in problem
    assert "unknown data_categories id 'payroll'" in problem


def test_unknown_retention_rule_is_an_error(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "crm.yaml", "retention: six_years", "retention: seven_years")

    (problem,) = _problems(maps, manifest)

    assert "collections[0].retention: refers to unknown retention id 'seven_years'" in problem


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("erp.customers.id", "points to system 'erp', which has no dataset map"),
        ("crm.customer.id", "points to collection 'customer'"),
        ("crm.customers.ident", "points to field 'ident'"),
    ],
)
def test_a_reference_must_point_to_a_mapped_field(
    maps: Path, manifest: Manifest, reference: str, expected: str
) -> None:
    _replace(maps / "crm.yaml", "references: crm.customers.id", f"references: {reference}")

    (problem,) = _problems(maps, manifest)

    assert f"{maps / 'crm.yaml'}:19:21 collections[1].fields[1].references" in problem
    assert expected in problem


def test_a_reference_suggests_the_nearest_collection(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "crm.yaml", "references: crm.customers.id", "references: crm.customer.id")

    (problem,) = _problems(maps, manifest)

    assert "did you mean 'customers'?" in problem


def test_a_reference_across_systems_is_followed(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "hr.yaml", "identity: employee_number", "references: crm.customers.id")

    loaded = load_dataset_maps(maps, manifest)

    assert [m.system for m in loaded] == ["crm", "hr"]


def test_a_collection_no_identity_reaches_is_an_error_naming_it(
    maps: Path, manifest: Manifest
) -> None:
    _replace(maps / "hr.yaml", "        identity: employee_number\n", "")

    (problem,) = _problems(maps, manifest)

    assert f"{maps / 'hr.yaml'}:3:11 collections[0].name" in problem
    assert "collection 'employees' cannot be reached" in problem


def test_every_cross_check_problem_is_reported_together(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "hr.yaml", "[payroll_data]", "[payroll]")
    _replace(maps / "crm.yaml", "retention: six_years", "retention: seven_years")
    _replace(maps / "crm.yaml", "references: crm.customers.id", "references: crm.clients.id")

    problems = _problems(maps, manifest)

    assert len(problems) == 3


def test_problems_in_several_files_are_reported_together(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "hr.yaml", "primary_key:", "primary_keys:")
    _replace(maps / "crm.yaml", "identity: email", "identity: emial")

    problems = _problems(maps, manifest)

    assert any("crm.yaml" in p for p in problems)
    assert any("hr.yaml" in p for p in problems)


def test_invalid_yaml_is_reported_with_its_line(maps: Path, manifest: Manifest) -> None:
    (maps / "hr.yaml").write_text("system: hr\ncollections: [\n", encoding="utf-8")

    (problem,) = _problems(maps, manifest)

    assert f"{maps / 'hr.yaml'}:3" in problem
    assert "not valid YAML" in problem


def test_a_map_that_is_not_a_mapping_is_refused(maps: Path, manifest: Manifest) -> None:
    (maps / "hr.yaml").write_text("- system: hr\n", encoding="utf-8")

    (problem,) = _problems(maps, manifest)

    assert "must be a mapping with 'system:' and 'collections:'" in problem


def test_a_missing_folder_is_refused_with_a_hint(tmp_path: Path, manifest: Manifest) -> None:
    with pytest.raises(ManifestError) as raised:
        load_dataset_maps(tmp_path / "nowhere", manifest)

    assert "no such folder of dataset maps" in str(raised.value)
    assert raised.value.hint is not None


def test_a_folder_without_maps_is_refused(tmp_path: Path, manifest: Manifest) -> None:
    (tmp_path / "empty").mkdir()

    with pytest.raises(ManifestError, match=r"holds no \.yaml or \.yml dataset maps"):
        load_dataset_maps(tmp_path / "empty", manifest)


def test_the_error_heading_speaks_of_dataset_maps(maps: Path, manifest: Manifest) -> None:
    _replace(maps / "hr.yaml", "system: hr", "system: hrr")

    with pytest.raises(DatasetMapErrors) as raised:
        load_dataset_maps(maps, manifest)

    assert str(raised.value).startswith("1 problem in the dataset maps:")
