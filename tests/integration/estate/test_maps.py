"""The estate's dataset maps are valid, name only what the Outserve manifest declares, and match
the generated schemas column for column.

``steward.manifest.dataset_load`` (the maps' loader with the manifest cross-check) is not on
main yet, so the maps are validated here with ``DatasetMap.model_validate`` and the system,
category, retention and reference checks are made by the test itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from examples.outserve.estate import schema
from steward.manifest.datasets import DatasetMap
from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest

ROOT = Path(__file__).resolve().parents[3]
MAPS = ROOT / "examples/outserve/estate/maps"
MANIFEST = ROOT / "examples/outserve/fixed"
SQL_SCHEMAS = {"crm": schema.CRM, "hr": schema.HR, "support": schema.SUPPORT}
SYSTEMS = ("crm", "hr", "support", "visitor_log", "hubspot", "zendesk", "mailchimp")


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return load_manifest(MANIFEST)


@pytest.fixture(scope="module")
def maps() -> dict[str, DatasetMap]:
    loaded = {}
    for path in sorted(MAPS.glob("*.yaml")):
        dataset = DatasetMap.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert dataset.system == path.stem, f"{path.name} maps {dataset.system}"
        loaded[dataset.system] = dataset
    return loaded


def test_there_is_one_map_for_each_system_of_the_estate(maps: dict[str, DatasetMap]) -> None:
    assert sorted(maps) == sorted(SYSTEMS)


def test_each_map_names_a_system_of_the_manifest(
    maps: dict[str, DatasetMap], manifest: Manifest
) -> None:
    declared = {system.id for system in manifest.systems}
    assert set(maps) <= declared


def test_each_field_category_is_declared_and_listed_on_its_system(
    maps: dict[str, DatasetMap], manifest: Manifest
) -> None:
    declared = {category.id for category in manifest.data_categories}
    systems = {system.id: set(system.categories) for system in manifest.systems}
    for dataset in maps.values():
        for collection in dataset.collections:
            for field in collection.fields:
                for category in field.categories:
                    where = f"{dataset.system}.{collection.name}.{field.name}"
                    assert category in declared, where
                    assert category in systems[dataset.system], where


def test_each_retention_rule_of_a_map_is_a_rule_of_the_manifest(
    maps: dict[str, DatasetMap], manifest: Manifest
) -> None:
    rules = {rule.id for rule in manifest.retention}
    used = {c.retention for m in maps.values() for c in m.collections if c.retention}
    assert used <= rules
    assert maps["crm"].collection("invoices").retention == "client_tax_records"


def test_each_reference_points_at_a_mapped_field(maps: dict[str, DatasetMap]) -> None:
    for dataset in maps.values():
        for collection in dataset.collections:
            for field in collection.fields:
                if field.references is None:
                    continue
                system, table, column = field.references.split(".")
                assert column in {f.name for f in maps[system].collection(table).fields}


def test_the_sql_maps_match_the_generated_tables_column_for_column(
    maps: dict[str, DatasetMap],
) -> None:
    for system, tables in SQL_SCHEMAS.items():
        assert [c.name for c in maps[system].collections] == [t.name for t in tables]
        for table in tables:
            fields = [f.name for f in maps[system].collection(table.name).fields]
            assert fields == list(table.column_names), f"{system}.{table.name}"


def test_the_visitor_log_map_matches_the_generated_csv_header(maps: dict[str, DatasetMap]) -> None:
    fields = [f.name for f in maps["visitor_log"].collection("visitors.csv").fields]
    assert fields == list(schema.VISITOR_LOG_COLUMNS)


def test_every_sql_collection_is_restricted_by_its_processing_hold_column(
    maps: dict[str, DatasetMap],
) -> None:
    for system in SQL_SCHEMAS:
        for collection in maps[system].collections:
            assert collection.restrict.field == "processing_hold", collection.name


def test_the_people_are_found_by_email_in_every_system_that_holds_them(
    maps: dict[str, DatasetMap],
) -> None:
    for system in ("crm", "hr", "support", "visitor_log", "hubspot", "zendesk", "mailchimp"):
        kinds = {f.identity for c in maps[system].collections for f in c.identity_fields}
        assert "email" in kinds, system
