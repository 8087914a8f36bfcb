"""Key files are private and never overwritten; rotation re-encrypts in batches while lookups
keep working, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import select

from steward.cli.main import execute
from steward.cli.store_commands import register
from steward.consent.ledger import ensure_person, find_person, get_person
from steward.errors import ConfigError, IntegrityError
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import Store, create_store_engine
from steward.store.keyfile import KeyFile, add_key_version, create_key_file, read_key_file
from steward.store.rotation import reencrypt, remaining
from steward.store.tables import person_identifiers

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
EMAILS = [f"person{n}@example.org" for n in range(7)]


def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_keys_init_writes_a_file_only_the_owner_can_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "secrets" / "keys.json"
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    assert execute(cli(), ["keys", "init"]) == 0
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert read_key_file(key_file).versions == (1,)


def test_keys_init_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "keys.json"
    create_key_file(key_file, now=NOW)
    before = key_file.read_bytes()
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    assert execute(cli(), ["keys", "init"]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert key_file.read_bytes() == before


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_a_key_file_readable_by_others_is_refused_with_the_fix(tmp_path: Path, mode: int) -> None:
    key_file = tmp_path / "keys.json"
    create_key_file(key_file, now=NOW)
    os.chmod(key_file, mode)
    with pytest.raises(ConfigError) as raised:
        read_key_file(key_file)
    assert f"chmod 600 {key_file}" in str(raised.value)


def test_a_missing_key_file_says_to_run_keys_init(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        read_key_file(tmp_path / "none.json")
    assert "steward keys init" in str(raised.value)


def test_ciphertext_carries_its_version_and_tampering_is_detected() -> None:
    ring = KeyRing({1: KeyVersion.generate(1)}, current=1)
    sealed = ring.seal("ada@example.org", context="email")
    assert sealed.key_version == 1 and sealed.ciphertext[:4] == b"\x00\x00\x00\x01"
    assert ring.open(sealed.ciphertext, context="email") == "ada@example.org"
    flipped = sealed.ciphertext[:-1] + bytes([sealed.ciphertext[-1] ^ 1])
    with pytest.raises(IntegrityError):
        ring.open(flipped, context="email")
    with pytest.raises(IntegrityError):
        ring.open(sealed.ciphertext, context="phone")


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys.json"


@pytest.fixture
def keyed_store(database_url: str, key_file: Path) -> Store:
    create_key_file(key_file, now=NOW)
    store = Store(create_store_engine(database_url), KeyFile(key_file))
    with store.unit_of_work(actor="test") as uow:
        for email in EMAILS:
            ensure_person(uow, email=email, name=f"Name of {email.split('@')[0]}")
        uow.commit()
    return store


def test_rotation_moves_every_value_to_the_new_version_in_batches(
    keyed_store: Store, key_file: Path
) -> None:
    add_key_version(key_file, now=NOW)
    report = reencrypt(keyed_store, batch_size=3, actor="test")
    assert (report.version, report.identifiers, report.names) == (2, 7, 7)
    assert report.batches == 3
    with keyed_store.unit_of_work(actor="test") as uow:
        assert remaining(uow) == {}
        versions = set(uow.connection.execute(select(person_identifiers.c.key_version)).scalars())
        person = find_person(uow, email=EMAILS[0])
        assert person is not None
        assert get_person(uow, person).name == "Name of person0"
    assert versions == {2}
    keyed_store.engine.dispose()


def test_a_running_service_finds_everyone_at_every_step_of_a_rotation(
    keyed_store: Store, key_file: Path
) -> None:
    service = Store(keyed_store.engine, KeyFile(key_file))
    with service.unit_of_work(actor="service") as uow:
        before = {email: find_person(uow, email=email) for email in EMAILS}
    add_key_version(key_file, now=NOW)
    seen: list[dict[str, object]] = []

    def lookups_during_batch(_rows: int) -> None:
        with service.unit_of_work(actor="service") as uow:
            seen.append({email: find_person(uow, email=email) for email in EMAILS})

    reencrypt(keyed_store, batch_size=2, actor="test", on_batch=lookups_during_batch)
    assert len(seen) == 4 and all(found == before for found in seen)
    keyed_store.engine.dispose()


def test_keys_rotate_command_reports_what_it_moved(
    keyed_store: Store,
    key_file: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    monkeypatch.setenv("STEWARD_ROTATE_BATCH_SIZE", "4")
    assert execute(cli(), ["keys", "rotate"]) == 0
    out = capsys.readouterr().out
    assert "added key version 2" in out and "re-encrypted 7 identifiers and 7 names" in out
    assert read_key_file(key_file).versions == (1, 2)
    assert key_file.stat().st_mode & 0o777 == 0o600
    keyed_store.engine.dispose()
