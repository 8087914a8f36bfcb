"""``steward systems discover`` drafts a map from a real schema; the draft loads back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import (
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    create_engine,
)

from steward.connectors.protocol import SystemUnavailable
from steward.connectors.sql_discover import draft_dataset_map, guess
from steward.errors import InvalidInput
from steward.manifest.dataset_load import load_dataset_maps
from steward.manifest.datasets import IdentityKind
from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from tests.dataset_maps_manifest import EXTRA_CATEGORIES, MAPS_MANIFEST, write_maps_manifest

metadata = MetaData()
Table(
    "people",
    metadata,
    Column("person_id", Integer, primary_key=True),
    Column("e_mail", String(200)),
    Column("mobile", String(40)),
    Column("first_name", String(100)),
    Column("surname", String(100)),
    Column("dob", Date),
    Column("created_at", DateTime),
)
Table(
    "employees",
    metadata,
    Column("employee_no", String(20), primary_key=True),
    Column("person_id", Integer, ForeignKey("people.person_id")),
    Column("salary", Numeric(10, 2)),
    Column("bank_sort_code", String(8)),
    Column("ni_number", String(9)),
)
Table(
    "payslips",
    metadata,
    Column("employee_no", String(20), ForeignKey("employees.employee_no"), primary_key=True),
    Column("period", String(7), primary_key=True),
    Column("amount", Numeric(10, 2)),
)
Table(
    "products",
    metadata,
    Column("sku", String(20), primary_key=True),
    Column("name", String(100)),
)
Table("event_log", metadata, Column("message", Text))

DISCOVER_BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]
SYSTEMS = {"sqlite": "support", "postgresql": "crm", "mariadb": "hr"}


@pytest.fixture(params=DISCOVER_BACKENDS)
def schema(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(system id, URL) of a database with the tables above."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'support.sqlite3'}"
    elif request.param == "postgresql":
        url = str(request.getfixturevalue("scratch_postgres_url"))
    else:
        url = str(request.getfixturevalue("mariadb_url"))
    engine = create_engine(url)
    try:
        metadata.create_all(engine)
        yield SYSTEMS[str(request.param)], url
    finally:
        metadata.drop_all(engine)
        engine.dispose()


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    return load_manifest(write_maps_manifest(tmp_path / "manifest"))


def _draft(schema: tuple[str, str], manifest: Manifest) -> dict[str, Any]:
    system, url = schema
    data: dict[str, Any] = yaml.safe_load(draft_dataset_map(system, url, manifest).text)
    return data


def _field(draft: dict[str, Any], table: str, column: str) -> dict[str, Any]:
    collection = next(c for c in draft["collections"] if c["name"] == table)
    found: dict[str, Any] = next(f for f in collection["fields"] if f["name"] == column)
    return found


def test_the_draft_loads_back_through_the_loader(
    schema: tuple[str, str], manifest: Manifest, tmp_path: Path
) -> None:
    system, url = schema
    folder = tmp_path / "manifest" / "datasets"
    folder.mkdir()
    (folder / f"{system}.yaml").write_text(
        draft_dataset_map(system, url, manifest).text, encoding="utf-8"
    )

    (loaded,) = load_dataset_maps(folder, manifest)

    assert loaded.system == system
    assert [c.name for c in loaded.collections] == ["employees", "payslips", "people"]


def test_primary_keys_are_taken_from_the_schema(
    schema: tuple[str, str], manifest: Manifest
) -> None:
    draft = _draft(schema, manifest)

    keys = {c["name"]: c["primary_key"] for c in draft["collections"]}
    assert keys == {
        "employees": ["employee_no"],
        "payslips": ["employee_no", "period"],
        "people": ["person_id"],
    }


def test_foreign_keys_become_references(schema: tuple[str, str], manifest: Manifest) -> None:
    system = schema[0]
    draft = _draft(schema, manifest)

    assert _field(draft, "employees", "person_id")["references"] == f"{system}.people.person_id"
    assert _field(draft, "payslips", "employee_no")["references"] == (
        f"{system}.employees.employee_no"
    )


@pytest.mark.parametrize(
    ("table", "column", "categories", "identity"),
    [
        ("people", "e_mail", ["contact_details"], "email"),
        ("people", "mobile", ["contact_details"], "phone"),
        ("people", "surname", ["contact_details"], None),
        ("people", "dob", ["date_of_birth"], None),
        ("employees", "salary", ["payroll_data"], None),
        ("employees", "bank_sort_code", ["payroll_data"], None),
        ("employees", "ni_number", ["payroll_data"], None),
        ("employees", "employee_no", None, "employee_number"),
    ],
)
def test_categories_and_identity_are_guessed_from_names_and_marked_for_review(
    schema: tuple[str, str],
    manifest: Manifest,
    table: str,
    column: str,
    categories: list[str] | None,
    identity: str | None,
) -> None:
    field = _field(_draft(schema, manifest), table, column)

    assert field.get("categories") == categories
    assert field.get("identity") == identity
    assert field["review"] is True


def test_a_column_with_no_guess_is_listed_without_review(
    schema: tuple[str, str], manifest: Manifest
) -> None:
    assert _field(_draft(schema, manifest), "payslips", "amount") == {"name": "amount"}


def test_a_category_the_manifest_does_not_declare_is_never_guessed(
    schema: tuple[str, str], tmp_path: Path
) -> None:
    text = MAPS_MANIFEST.replace(EXTRA_CATEGORIES, "")
    path = tmp_path / "bare.yaml"
    path.write_text(text, encoding="utf-8")

    draft = _draft(schema, load_manifest(path))

    assert _field(draft, "people", "dob") == {"name": "dob"}
    assert "categories" not in _field(draft, "employees", "salary")


def test_the_creation_date_is_drafted_as_the_date_field(
    schema: tuple[str, str], manifest: Manifest
) -> None:
    people = next(c for c in _draft(schema, manifest)["collections"] if c["name"] == "people")

    assert people["date_field"] == "created_at"
    assert "created_at" in people["description"]


def test_tables_no_identity_reaches_or_without_a_key_are_left_out_and_named(
    schema: tuple[str, str], manifest: Manifest
) -> None:
    system, url = schema

    draft = draft_dataset_map(system, url, manifest)

    assert dict(draft.left_out) == {
        "event_log": "it has no primary key or unique constraint to tell its records apart",
        "products": "no field identifies a person and no reference leads to it",
    }
    assert "#   products: no field identifies a person" in draft.text


def test_an_unknown_system_is_refused_with_a_suggestion(manifest: Manifest) -> None:
    with pytest.raises(InvalidInput) as raised:
        draft_dataset_map("suport", "sqlite://", manifest)

    assert raised.value.hint == "did you mean 'support'?"


def test_an_unreachable_database_is_unavailable(manifest: Manifest) -> None:
    url = "postgresql+psycopg://steward:s3cret-pw@127.0.0.1:1/crm"

    with pytest.raises(SystemUnavailable) as raised:
        draft_dataset_map("crm", url, manifest)

    assert "s3cret-pw" not in str(raised.value)


@pytest.mark.parametrize(
    ("column", "identity"),
    [
        ("Email", IdentityKind.email),
        ("e-mail", IdentityKind.email),
        ("HomePhone", IdentityKind.phone),
        ("tel", IdentityKind.phone),
        ("customer_no", IdentityKind.customer_number),
        ("CustomerNumber", IdentityKind.customer_number),
        ("account_no", IdentityKind.customer_number),
        ("full_name", IdentityKind.name),
    ],
)
def test_identifiers_are_recognised_however_the_column_is_spelt(
    column: str, identity: IdentityKind
) -> None:
    guessed = guess(column)

    assert guessed is not None
    assert guessed.identity is identity


@pytest.mark.parametrize("column", ["hotel", "payment_id", "mailing_list", "total", "sku"])
def test_names_that_only_contain_a_keyword_are_not_guessed(column: str) -> None:
    assert guess(column) is None


def test_a_database_with_nothing_to_map_is_refused_naming_why(
    manifest: Manifest, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE products (sku TEXT PRIMARY KEY, price REAL)")
    engine.dispose()

    with pytest.raises(InvalidInput) as raised:
        draft_dataset_map("support", url, manifest)

    assert raised.value.where == "--url"
    assert (
        raised.value.hint == "products: no field identifies a person and no reference leads to it"
    )
