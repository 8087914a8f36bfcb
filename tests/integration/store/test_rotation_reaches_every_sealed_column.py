"""``steward keys rotate`` moves every sealed value to the new key version: not only people's
identifiers and names, but requests, plans (their subject, keys and exported records),
complaints and staff accounts. Proved on every ``*_cipher`` column the schema has, so a sealed
column added later and left out of rotation fails this test."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import LargeBinary, select

from steward.law.calendar import Nation
from steward.manifest.datasets import IdentityKind
from steward.requests.kinds import RequestKind
from steward.requests.lifecycle import Channel
from steward.services import requests as request_service
from steward.services import staff
from steward.services.request_engine import exported_records, make_plan, run_plan
from steward.staff.roles import Role
from steward.store import sealed_columns
from steward.store.complaints import EMAIL_INDEX
from steward.store.crypto import version_of
from steward.store.database import Store, create_store_engine
from steward.store.keyfile import KeyFile, add_key_version, create_key_file
from steward.store.rotation import reencrypt, remaining
from steward.store.tables import complaints, metadata
from tests.integration.conftest import ManualClock
from tests.integration.engine.conftest import NoHolds
from tests.integration.store.test_no_plaintext import PEOPLE, seed
from tests.unit.engine.estate import connectors, maps, subject, systems

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _cipher_columns() -> list[tuple[str, str]]:
    return [
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if column.name.endswith("_cipher") and isinstance(column.type, LargeBinary)
    ]


def _versions(store: Store) -> dict[str, set[int]]:
    found: dict[str, set[int]] = {}
    with store.engine.connect() as connection:
        for table_name, column_name in _cipher_columns():
            column = metadata.tables[table_name].c[column_name]
            values = connection.execute(select(column).where(column.is_not(None))).scalars()
            found[f"{table_name}.{column_name}"] = {version_of(v) for v in values}
    return found


def _extended_and_refused(store: Store) -> None:
    email = PEOPLE[0][0]
    request = request_service.new_request(
        store,
        Nation.england,
        kind=RequestKind.access,
        channel=Channel.email,
        received=store.clock().date(),
        identities=[(IdentityKind.email, email)],
        actor="test",
    )
    request_service.extend(
        store,
        Nation.england,
        request.reference,
        reason=f"{email} sent many requests at once",
        told_on=store.clock().date(),
        actor="test",
    )
    request_service.refuse(
        store, Nation.england, request.reference, reason=f"{email} repeats it", actor="test"
    )


@pytest.fixture
def sealed_everywhere(database_url: str, tmp_path: Path, clock: ManualClock) -> Store:
    """A store with a person, requests, complaints, a staff account and a run plan whose steps
    recorded keys and exported records: something in every sealed column."""
    key_file = tmp_path / "keys.json"
    create_key_file(key_file, now=NOW)
    store = Store(create_store_engine(database_url), KeyFile(key_file), clock)
    seed(store)
    _extended_and_refused(store)
    staff.create_account(
        store,
        username="zelda",
        display_name="Zelda Quartermain",
        role=Role.privacy_lead,
        password="ostrich umbrella velvet harbour",
        by=staff.Operator("cli:test"),
        now=NOW,
    )
    request_id = make_plan(store, subject(RequestKind.access), maps(), systems()).request_id
    run_plan(store, request_id, connectors().__getitem__, NoHolds(), clock)
    return store


def test_every_cipher_column_has_a_value_to_rotate(sealed_everywhere: Store) -> None:
    versions = _versions(sealed_everywhere)
    empty = sorted(name for name, seen in versions.items() if not seen)
    assert empty == ["staff_accounts.totp_pending_cipher"]  # set only while re-enrolling
    sealed_everywhere.engine.dispose()


def test_rotation_moves_every_sealed_column_and_leaves_it_readable(
    sealed_everywhere: Store, tmp_path: Path
) -> None:
    store = sealed_everywhere
    registered = {f"{t}.{c}" for t, c in _cipher_columns()}
    handled = {s.name for s in sealed_columns.SEALED} | {"people.name_cipher"}
    assert registered == handled
    request_id = subject(RequestKind.access).request_id
    exported_before = exported_records(store, request_id)
    assert exported_before
    add_key_version(tmp_path / "keys.json", now=NOW)
    with store.unit_of_work("test", reads_only=True) as uow:
        assert sum(remaining(uow).values()) > 0
    report = reencrypt(store, batch_size=4, actor="test")
    assert report.version == 2 and report.other > 0
    assert all(seen <= {2} for seen in _versions(store).values())
    with store.unit_of_work("test", reads_only=True) as uow:
        assert remaining(uow) == {}
        assert exported_records(store, request_id) == exported_before
        indexes = set(uow.connection.execute(select(complaints.c.email_index)).scalars())
        wanted = {
            uow.keys.blind_index(email.lower(), context=EMAIL_INDEX, version=2)
            for email, _, _ in PEOPLE
        }
    assert indexes == wanted
    again = reencrypt(store, batch_size=4, actor="test")
    assert (again.identifiers, again.names, again.other) == (0, 0, 0)
    store.engine.dispose()
