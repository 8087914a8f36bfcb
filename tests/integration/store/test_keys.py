"""Key files are private and never overwritten; rotation re-encrypts in batches while lookups
keep working, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select

from steward.cli.main import execute
from steward.cli.store_commands import register
from steward.errors import ConfigError, IntegrityError
from steward.store import keyfile
from steward.store.crypto import KeyRing, KeyVersion
from steward.store.database import Store, create_store_engine
from steward.store.key_checks import verify_key_ring
from steward.store.keyfile import KeyFile, add_key_version, create_key_file, read_key_file
from steward.store.ledger import ensure_person, find_person, get_person
from steward.store.rotation import reencrypt, remaining
from steward.store.tables import audit_events, key_checks, people, person_identifiers

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


# --- the right keys or none: a key file that is not this database's own is refused on open ---


def counts(store: Store) -> tuple[int, int]:
    with store.engine.connect() as connection:
        return (
            connection.execute(select(func.count()).select_from(people)).scalar_one(),
            connection.execute(select(func.count()).select_from(audit_events)).scalar_one(),
        )


def write_ring(path: Path, ring: KeyRing) -> None:
    path.write_text(keyfile._dump(ring, NOW))
    path.chmod(0o600)


def test_first_open_records_a_check_value_per_key_version_and_never_a_key(
    keyed_store: Store, key_file: Path
) -> None:
    verify_key_ring(keyed_store, where=str(key_file))
    ring = read_key_file(key_file)
    with keyed_store.engine.connect() as connection:
        rows = connection.execute(select(key_checks)).all()
    assert [row.version for row in rows] == [1]
    stored = (rows[0].encryption_check + rows[0].index_check).encode()
    assert ring.key(1).encryption_key.hex().encode() not in stored
    assert ring.key(1).index_key.hex().encode() not in stored
    keyed_store.engine.dispose()


def test_another_deployments_key_file_is_refused_before_any_write(
    keyed_store: Store, key_file: Path, tmp_path: Path
) -> None:
    verify_key_ring(keyed_store, where=str(key_file))
    before = counts(keyed_store)
    other = tmp_path / "other.json"
    create_key_file(other, now=NOW)
    foreign = Store(keyed_store.engine, KeyFile(other))
    with pytest.raises(ConfigError) as raised:
        verify_key_ring(foreign, where=str(other))
    assert "not the one this database was written with" in raised.value.message
    assert raised.value.where == str(other) and "nothing was written" in (raised.value.hint or "")
    assert counts(keyed_store) == before
    keyed_store.engine.dispose()


def test_a_key_file_with_its_keys_swapped_is_refused_and_says_so(
    keyed_store: Store, key_file: Path, tmp_path: Path
) -> None:
    verify_key_ring(keyed_store, where=str(key_file))
    key = read_key_file(key_file).key(1)
    swapped = tmp_path / "swapped.json"
    write_ring(swapped, KeyRing({1: KeyVersion(1, key.index_key, key.encryption_key)}, current=1))
    with pytest.raises(ConfigError, match="swapped"):
        verify_key_ring(Store(keyed_store.engine, KeyFile(swapped)), where=str(swapped))
    keyed_store.engine.dispose()


def test_a_ring_missing_a_version_the_data_uses_is_refused(
    keyed_store: Store, key_file: Path, tmp_path: Path
) -> None:
    rotated = add_key_version(key_file, now=NOW)
    verify_key_ring(keyed_store, where=str(key_file))
    truncated = tmp_path / "truncated.json"
    write_ring(truncated, KeyRing({2: rotated.key(2)}, current=2))
    with pytest.raises(ConfigError) as raised:
        verify_key_ring(Store(keyed_store.engine, KeyFile(truncated)), where=str(truncated))
    assert "sealed with key version 1, which the key file does not have" in raised.value.message
    keyed_store.engine.dispose()


def test_a_database_written_before_check_values_proves_the_key_file_against_its_data(
    keyed_store: Store, key_file: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.json"
    create_key_file(other, now=NOW)
    with pytest.raises(ConfigError, match="cannot decrypt"):
        verify_key_ring(Store(keyed_store.engine, KeyFile(other)), where=str(other))
    verify_key_ring(keyed_store, where=str(key_file))  # the right file passes and is recorded
    with keyed_store.engine.connect() as connection:
        assert connection.execute(select(key_checks.c.version)).scalars().all() == [1]
    keyed_store.engine.dispose()


def test_an_empty_database_remembers_its_first_key_file(database_url: str, tmp_path: Path) -> None:
    engine = create_store_engine(database_url)
    own, other = tmp_path / "own.json", tmp_path / "other.json"
    create_key_file(own, now=NOW)
    create_key_file(other, now=NOW)
    verify_key_ring(Store(engine, KeyFile(own)), where=str(own))
    with pytest.raises(ConfigError, match="another deployment"):
        verify_key_ring(Store(engine, KeyFile(other)), where=str(other))
    engine.dispose()


def test_a_foreign_key_file_stops_a_command_with_exit_2_and_writes_nothing(
    keyed_store: Store,
    key_file: Path,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    verify_key_ring(keyed_store, where=str(key_file))
    before = counts(keyed_store)
    other = tmp_path / "other.json"
    create_key_file(other, now=NOW)
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(other))
    assert execute(cli(), ["keys", "rotate"]) == 2
    assert "another deployment" in capsys.readouterr().err
    assert read_key_file(other).versions == (1,)  # the foreign file was not rotated either
    assert counts(keyed_store) == before
    keyed_store.engine.dispose()


def test_rotation_records_the_new_versions_check_value(
    keyed_store: Store, key_file: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    assert execute(cli(), ["keys", "rotate"]) == 0
    with keyed_store.engine.connect() as connection:
        assert connection.execute(select(key_checks.c.version)).scalars().all() == [1, 2]
    keyed_store.engine.dispose()


# --- files: a stale staging file, odd key paths, a private SQLite file ---


def test_a_stale_world_readable_staging_file_never_widens_the_key_file(key_file: Path) -> None:
    create_key_file(key_file, now=NOW)
    stale = key_file.with_name("keys.json.new")
    stale.write_text("left by an interrupted rotation")
    stale.chmod(0o644)
    add_key_version(key_file, now=NOW)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert not stale.exists() and read_key_file(key_file).versions == (1, 2)


def test_a_staging_file_that_is_a_link_is_replaced_not_followed(
    key_file: Path, tmp_path: Path
) -> None:
    create_key_file(key_file, now=NOW)
    target = tmp_path / "elsewhere.txt"
    target.write_text("not yours")
    key_file.with_name("keys.json.new").symlink_to(target)
    add_key_version(key_file, now=NOW)
    assert target.read_text() == "not yours"
    assert not key_file.is_symlink() and key_file.stat().st_mode & 0o777 == 0o600


def test_a_key_path_that_is_a_folder_is_a_config_error(tmp_path: Path) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    with pytest.raises(ConfigError, match="names a folder"):
        read_key_file(folder)
    with pytest.raises(ConfigError, match="names a folder"):
        create_key_file(folder, now=NOW)


def test_a_key_path_under_a_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("")
    with pytest.raises(ConfigError, match="cannot read the key file"):
        read_key_file(tmp_path / "plain" / "keys.json")
    with pytest.raises(ConfigError, match="cannot create the folder"):
        create_key_file(tmp_path / "plain" / "keys.json", now=NOW)


def test_a_key_file_that_is_not_json_or_not_utf8_is_a_config_error(key_file: Path) -> None:
    for content in (b"\xff\xfe\x00garbage", b"[1, 2]", b"{}"):
        key_file.write_bytes(content)
        key_file.chmod(0o600)
        with pytest.raises(ConfigError, match="cannot be read"):
            read_key_file(key_file)


def test_keys_init_in_a_missing_folder_creates_it_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "new-folder" / "keys.json"
    monkeypatch.setenv("STEWARD_KEY_FILE", str(key_file))
    assert execute(cli(), ["keys", "init"]) == 0
    assert key_file.parent.stat().st_mode & 0o777 == 0o700


def test_keys_init_on_a_folder_exits_2_with_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STEWARD_KEY_FILE", str(tmp_path))
    assert execute(cli(), ["keys", "init"]) == 2
    err = capsys.readouterr().err
    assert "names a folder" in err and "Traceback" not in err


def test_the_sqlite_database_and_its_folder_are_created_private(tmp_path: Path) -> None:
    database = tmp_path / "data" / "steward.sqlite3"
    engine = create_store_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x)")
        connection.commit()
    engine.dispose()
    assert database.parent.stat().st_mode & 0o777 == 0o700
    assert database.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("where", ["folder", "missing-folder", "under-a-file"])
def test_odd_key_paths_stop_a_command_with_one_message(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    (tmp_path / "plain").write_text("")
    (tmp_path / "folder").mkdir()
    path = {
        "folder": tmp_path / "folder",
        "missing-folder": tmp_path / "nowhere" / "keys.json",
        "under-a-file": tmp_path / "plain" / "keys.json",
    }[where]
    monkeypatch.setenv("STEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("STEWARD_KEY_FILE", str(path))
    assert execute(cli(), ["audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "hint:" in err and "Traceback" not in err


def test_a_running_service_refuses_a_key_file_swapped_under_it(
    keyed_store: Store, key_file: Path, tmp_path: Path
) -> None:
    with keyed_store.unit_of_work(actor="service") as uow:
        assert find_person(uow, email=EMAILS[0]) is not None
    other = tmp_path / "other.json"
    create_key_file(other, now=NOW)
    os.replace(other, key_file)
    with keyed_store.unit_of_work(actor="service") as uow, pytest.raises(ConfigError) as raised:
        ensure_person(uow, email="new@example.org")
    assert "changed while Steward was running" in raised.value.message
    assert counts(keyed_store)[0] == len(EMAILS)
    keyed_store.engine.dispose()
