"""A request plan's sealed values count as data for the key file check on start-up: a key file
without the version they are sealed with is refused, and the right one is proved against them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete

from steward.errors import ConfigError
from steward.services.request_engine import make_plan
from steward.store import keyfile
from steward.store.crypto import KeyRing
from steward.store.database import Store, create_store_engine
from steward.store.key_checks import verify_key_ring
from steward.store.keyfile import KeyFile, add_key_version, create_key_file
from steward.store.tables import key_checks
from tests.unit.engine.estate import maps, subject

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def planned(database_url: str, tmp_path: Path) -> tuple[Store, Path]:
    key_file = tmp_path / "keys.json"
    create_key_file(key_file, now=NOW)
    store = Store(create_store_engine(database_url), KeyFile(key_file))
    make_plan(store, subject(), maps())
    return store, key_file


def test_a_key_file_without_the_version_a_plan_is_sealed_with_is_refused(
    planned: tuple[Store, Path], tmp_path: Path
) -> None:
    store, key_file = planned
    rotated = add_key_version(key_file, now=NOW)
    truncated = tmp_path / "truncated.json"
    truncated.write_text(keyfile._dump(KeyRing({2: rotated.key(2)}, current=2), NOW))
    truncated.chmod(0o600)
    with pytest.raises(ConfigError, match="sealed with key version 1, which the key file"):
        verify_key_ring(Store(store.engine, KeyFile(truncated)), where=str(truncated))
    store.engine.dispose()


def test_a_version_only_a_plan_uses_is_proved_by_opening_the_plan(
    planned: tuple[Store, Path],
) -> None:
    store, key_file = planned
    with store.unit_of_work("test") as uow:
        uow.connection.execute(delete(key_checks))  # as if no check value was recorded yet
        uow.commit()
    verify_key_ring(store, where=str(key_file))
    store.engine.dispose()
