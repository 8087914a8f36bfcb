"""The SQL connector keeps the contract on SQLite, PostgreSQL and MariaDB (real databases)."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from steward.connectors.protocol import (
    Capability,
    Connector,
    ConnectorContext,
    NotSupported,
    RecordKey,
    SystemRefused,
    SystemUnavailable,
)
from steward.connectors.registry import open_connector
from steward.connectors.sql import SqlConnector, open_sql
from steward.connectors.sql_errors import DriverError
from steward.errors import ConfigError
from steward.manifest.vocabulary import SystemKind
from tests.integration.connectors import sql_estate
from tests.integration.connectors.sql_estate import (
    CUSTOMER_FIELDS,
    CUSTOMERS_MAP,
    ORDER_LINES_MAP,
    collection,
)

KEY = b"pseudonym-key-for-tests-32-bytes"
KINDS = {
    "sqlite": SystemKind.sqlite,
    "postgresql": SystemKind.postgresql,
    "mariadb": SystemKind.mysql,
}
SQL_BACKENDS = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", marks=pytest.mark.mariadb),
]


@pytest.fixture(params=SQL_BACKENDS)
def sql_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sql_url(sql_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """The customer database, freshly built, on each backend."""
    if sql_backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    elif sql_backend == "postgresql":
        url = str(request.getfixturevalue("scratch_postgres_url"))
    else:
        url = str(request.getfixturevalue("mariadb_url"))
    engine = create_engine(url)
    try:
        sql_estate.build(engine)
        yield url
    finally:
        sql_estate.metadata.drop_all(engine)
        engine.dispose()


@pytest.fixture
def crm(sql_url: str, sql_backend: str) -> Iterator[SqlConnector]:
    context = ConnectorContext("crm", {"url": sql_url}, pseudonym_key=KEY)
    connector = open_sql(KINDS[sql_backend], context)
    yield connector
    connector.close()


def _row(url: str, customer_id: int) -> dict[str, object] | None:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            query = select(sql_estate.customers).where(sql_estate.customers.c.id == customer_id)
            row = connection.execute(query).first()
    finally:
        engine.dispose()
    return dict(row._mapping) if row is not None else None


def _stored(url: str, customer_id: int) -> dict[str, object]:
    row = _row(url, customer_id)
    assert row is not None, f"customer {customer_id} is gone"
    return row


def _keys(*ids: int) -> list[RecordKey]:
    return [RecordKey("customers", (str(i),)) for i in ids]


CUSTOMERS = collection(CUSTOMERS_MAP)
LINES = collection(ORDER_LINES_MAP)


def test_the_connector_keeps_the_protocol_and_is_opened_by_the_registry(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'crm.sqlite3'}"
    engine = create_engine(url)
    sql_estate.build(engine)
    engine.dispose()
    connector = open_connector(SystemKind.sqlite, ConnectorContext("crm", {"url": url}))
    try:
        assert isinstance(connector, Connector)
        assert connector.capabilities == frozenset(Capability)
    finally:
        connector.close()


def test_find_returns_the_keys_of_every_record_with_the_value(crm: SqlConnector) -> None:
    assert crm.find(CUSTOMERS, "email", ["ann@example.com"]) == _keys(1, 3)


def test_find_is_an_exact_match(crm: SqlConnector) -> None:
    assert crm.find(CUSTOMERS, "email", ["ANN@example.com", "ann@example"]) == []


def test_find_of_many_values_is_chunked_and_complete(crm: SqlConnector) -> None:
    values = [f"nobody{i}@example.com" for i in range(1200)] + ["bob@example.com", "C-3"]

    assert crm.find(CUSTOMERS, "email", values) == _keys(2)


def test_find_by_a_number_ignores_text_that_is_not_one(crm: SqlConnector) -> None:
    assert crm.find(CUSTOMERS, "id", ["2", "two", "3"]) == _keys(2, 3)


def test_find_by_an_unmapped_field_is_refused(crm: SqlConnector) -> None:
    with pytest.raises(SystemRefused, match="'password' is not a field of collection"):
        crm.find(CUSTOMERS, "password", ["x"])


def test_read_returns_every_mapped_field_as_json_scalars(crm: SqlConnector) -> None:
    (record,) = crm.read(CUSTOMERS, _keys(1))

    assert record.key == RecordKey("customers", ("1",))
    assert record.fields["email"] == "ann@example.com"
    assert record.fields["birth_date"] == "1980-05-17"
    assert record.fields["created_at"] == "2019-03-01T10:00:00"
    assert list(record.fields) == [f.name for f in CUSTOMERS.fields]


def test_read_skips_absent_keys(crm: SqlConnector) -> None:
    records = crm.read(CUSTOMERS, _keys(3, 99, 2))

    assert [r.key for r in records] == _keys(2, 3)


def test_read_by_a_composite_key(crm: SqlConnector) -> None:
    keys = [RecordKey("order_lines", ("10", "2")), RecordKey("order_lines", ("11", "1"))]

    records = crm.read(LINES, keys)

    assert [(r.key, r.fields["amount"]) for r in records] == [(keys[0], "3.00"), (keys[1], "40.00")]


def test_a_key_of_another_collection_is_refused(crm: SqlConnector) -> None:
    with pytest.raises(SystemRefused, match="is not a key of collection 'customers'"):
        crm.read(CUSTOMERS, [RecordKey("order_lines", ("10", "1"))])


def test_rectify_changes_the_field_of_each_key(crm: SqlConnector, sql_url: str) -> None:
    receipt = crm.rectify(CUSTOMERS, _keys(1, 3), {"email": "ann.new@example.com"})

    assert receipt.affected == 2
    assert _stored(sql_url, 1)["email"] == "ann.new@example.com"
    assert _stored(sql_url, 2)["email"] == "bob@example.com"


def test_rectify_twice_changes_nothing_the_second_time(crm: SqlConnector) -> None:
    crm.rectify(CUSTOMERS, _keys(2), {"birth_date": "1975-12-03"})

    again = crm.rectify(CUSTOMERS, _keys(2), {"birth_date": "1975-12-03"})

    assert again.affected == 0
    assert crm.read(CUSTOMERS, _keys(2))[0].fields["birth_date"] == "1975-12-03"


def test_rectify_of_a_field_kept_from_rectification_is_refused(crm: SqlConnector) -> None:
    with pytest.raises(SystemRefused, match="is not rectifiable"):
        crm.rectify(CUSTOMERS, _keys(1), {"created_at": "2020-01-01T00:00:00"})


def test_rectify_with_a_value_not_of_the_column_type_is_refused(crm: SqlConnector) -> None:
    with pytest.raises(SystemRefused, match="not of its column's type"):
        crm.rectify(CUSTOMERS, _keys(1), {"birth_date": "last spring"})


def test_a_refused_change_leaves_every_key_unchanged(crm: SqlConnector, sql_url: str) -> None:
    with pytest.raises(SystemRefused, match="constraint failed"):
        crm.rectify(CUSTOMERS, _keys(1, 2), {"customer_no": "C-9"})

    assert _stored(sql_url, 1)["customer_no"] == "C-1"


def test_a_refused_change_carries_no_value_in_its_error_chain(crm: SqlConnector) -> None:
    with pytest.raises(SystemRefused) as raised:
        crm.rectify(CUSTOMERS, _keys(1, 2), {"customer_no": "C-9"})

    chain = f"{raised.value}\n{raised.value.hint}\n{raised.value.__cause__}"
    assert "C-9" not in chain
    assert "C-1" not in chain
    assert isinstance(raised.value.__cause__, DriverError)


def test_erase_by_delete_removes_the_records(crm: SqlConnector, sql_url: str) -> None:
    deleting = collection(CUSTOMERS_MAP, erase="delete")

    receipt = crm.erase(deleting, _keys(1, 3))

    assert receipt.affected == 2
    assert _row(sql_url, 1) is None
    assert _row(sql_url, 2) is not None


def test_erase_by_delete_twice_affects_nothing_the_second_time(crm: SqlConnector) -> None:
    deleting = collection(CUSTOMERS_MAP, erase="delete")
    crm.erase(deleting, _keys(2))

    assert crm.erase(deleting, _keys(2)).affected == 0


def test_erase_by_delete_of_a_composite_key(crm: SqlConnector) -> None:
    keys = [RecordKey("order_lines", ("10", "1"))]

    assert crm.erase(LINES, keys).affected == 1
    assert crm.read(LINES, [*keys, RecordKey("order_lines", ("10", "2"))])[0].key.values == (
        "10",
        "2",
    )


def test_erase_by_mask_keeps_the_record_with_each_field_masked(
    crm: SqlConnector, sql_url: str
) -> None:
    receipt = crm.erase(CUSTOMERS, _keys(1))

    row = _row(sql_url, 1)
    assert receipt.affected == 1
    assert row is not None
    assert row["email"] is None  # no mask given: null
    assert row["phone"] is None
    assert row["full_name"] == "erased"  # fixed
    assert row["birth_date"] == date(1980, 5, 1)  # truncate_date: year and month kept
    assert row["id"] == 1  # the key stays
    assert row["created_at"] is not None  # not personal in the map: untouched


def test_mask_pseudonym_is_the_keyed_hmac_of_the_value(crm: SqlConnector, sql_url: str) -> None:
    crm.erase(CUSTOMERS, _keys(1))

    row = _row(sql_url, 1)
    expected = hmac.new(KEY, b"C-1", hashlib.sha256).hexdigest()
    assert row is not None
    assert row["customer_no"] == expected[:20]  # cut to the column's length (20)
    assert row["nickname"] == hmac.new(KEY, b"annie", hashlib.sha256).hexdigest()[:16]


def test_erase_by_mask_twice_affects_nothing_the_second_time(
    crm: SqlConnector, sql_url: str
) -> None:
    crm.erase(CUSTOMERS, _keys(1, 3))
    first = _row(sql_url, 1)

    again = crm.erase(CUSTOMERS, _keys(1, 3))

    assert again.affected == 0
    assert _row(sql_url, 1) == first


def test_a_null_mask_on_a_required_column_is_refused_before_any_change(
    crm: SqlConnector, sql_url: str
) -> None:
    fields = [
        {**f, "mask": None, "mask_value": None} if f["name"] == "full_name" else f
        for f in CUSTOMER_FIELDS
    ]
    masking = collection(CUSTOMERS_MAP, fields=fields)

    with pytest.raises(SystemRefused, match="'full_name' may not be empty"):
        crm.erase(masking, _keys(1))
    assert _stored(sql_url, 1)["email"] == "ann@example.com"


def test_restrict_sets_the_flag_and_lifts_it(crm: SqlConnector, sql_url: str) -> None:
    assert crm.restrict(CUSTOMERS, _keys(2), on=True).affected == 1
    assert bool(_stored(sql_url, 2)["processing_hold"]) is True

    assert crm.restrict(CUSTOMERS, _keys(2), on=False).affected == 1
    assert bool(_stored(sql_url, 2)["processing_hold"]) is False


def test_restrict_twice_affects_nothing_the_second_time(crm: SqlConnector) -> None:
    crm.restrict(CUSTOMERS, _keys(1, 3), on=True)

    assert crm.restrict(CUSTOMERS, _keys(1, 3), on=True).affected == 0


def test_restrict_without_a_flag_is_not_supported(crm: SqlConnector) -> None:
    unflagged = collection(CUSTOMERS_MAP, restrict={"by": "none"})

    with pytest.raises(NotSupported) as raised:
        crm.restrict(unflagged, _keys(1), on=True)

    assert raised.value.capability is Capability.restrict


def test_past_lists_the_records_dated_before_the_day(crm: SqlConnector) -> None:
    assert crm.past(CUSTOMERS, date(2020, 1, 1)) == _keys(1, 3)


def test_past_is_strictly_before(crm: SqlConnector) -> None:
    assert crm.past(CUSTOMERS, date(2018, 1, 1)) == []


def test_past_without_a_date_field_is_not_supported(crm: SqlConnector) -> None:
    with pytest.raises(NotSupported):
        crm.past(LINES, date(2020, 1, 1))


def test_a_column_missing_from_the_database_is_refused_naming_the_map_field(
    crm: SqlConnector,
) -> None:
    drifted = collection(
        CUSTOMERS_MAP,
        fields=[*CUSTOMER_FIELDS, {"name": "mobile", "identity": "phone"}],
    )

    with pytest.raises(SystemRefused) as raised:
        crm.find(drifted, "email", ["ann@example.com"])

    assert "table 'customers' has no column 'mobile'" in str(raised.value)
    assert "fields[].name 'mobile' of collection 'customers'" in str(raised.value.hint)
    assert raised.value.where == "system crm"


def test_a_column_added_to_the_table_and_the_map_while_the_connector_lives_is_used(
    crm: SqlConnector, sql_url: str
) -> None:
    """A worker keeps its connector between requests: a column added to the database and then
    to the map is found, not refused from the table as first reflected."""
    assert crm.find(CUSTOMERS, "email", ["ann@example.com"])  # the table is reflected now
    engine = create_engine(sql_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE customers ADD COLUMN mobile VARCHAR(40)"))
            connection.execute(text("UPDATE customers SET mobile = '07700900123' WHERE id = 1"))
    finally:
        engine.dispose()
    grown = collection(
        CUSTOMERS_MAP,
        fields=[*CUSTOMER_FIELDS, {"name": "mobile", "identity": "phone"}],
    )
    assert crm.find(grown, "mobile", ["07700900123"]) == _keys(1)


def test_a_table_missing_from_the_database_is_refused(crm: SqlConnector) -> None:
    absent = collection(CUSTOMERS_MAP, name="clients")

    with pytest.raises(SystemRefused, match="the database has no table 'clients'"):
        crm.read(absent, [RecordKey("clients", ("1",))])


@pytest.mark.parametrize(
    ("kind", "url"),
    [
        (SystemKind.postgresql, "postgresql+psycopg://steward:s3cret-pw@127.0.0.1:1/crm"),
        (SystemKind.mysql, "mysql+pymysql://steward:s3cret-pw@127.0.0.1:1/crm"),
    ],
)
def test_an_unreachable_database_is_unavailable_naming_the_system_not_the_password(
    kind: SystemKind, url: str
) -> None:
    connector = open_sql(kind, ConnectorContext("crm", {"url": url}))
    try:
        with pytest.raises(SystemUnavailable) as raised:
            connector.find(CUSTOMERS, "email", ["ann@example.com"])
    finally:
        connector.close()

    text = f"{raised.value}\n{raised.value.hint}"
    assert raised.value.system_id == "crm"
    assert "system crm" in text
    assert "s3cret-pw" not in text
    assert "127.0.0.1:1" in text


def test_a_missing_sqlite_file_is_unavailable(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'absent.sqlite3'}"

    with pytest.raises(SystemUnavailable, match="does not exist"):
        open_sql(SystemKind.sqlite, ConnectorContext("support", {"url": url}))
    assert not (tmp_path / "absent.sqlite3").exists()


def test_a_url_of_another_kind_of_database_is_a_configuration_error() -> None:
    context = ConnectorContext("hr", {"url": "postgresql://u:pw@localhost/hr"})

    with pytest.raises(ConfigError, match="a postgresql URL but the system's kind is mysql"):
        open_sql(SystemKind.mysql, context)


def test_a_missing_url_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="no 'url'"):
        open_sql(SystemKind.sqlite, ConnectorContext("support", {}))


def test_a_malformed_url_is_a_configuration_error_that_does_not_repeat_it() -> None:
    context = ConnectorContext("crm", {"url": "postgresql://u:s3cret-pw@db:port/crm"})

    with pytest.raises(ConfigError) as raised:
        open_sql(SystemKind.postgresql, context)

    assert "is not a database URL" in str(raised.value)
    assert "s3cret-pw" not in str(raised.value)
