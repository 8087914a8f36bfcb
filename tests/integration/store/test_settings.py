"""Settings come from STEWARD_* variables, default to SQLite under the data folder, keep the
database URL secret, and name the variable when a value is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.config import load_settings
from steward.errors import ConfigError
from steward.store.database import create_store_engine


def test_defaults_put_the_database_and_keys_under_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path.resolve()}/steward.sqlite3"
    assert settings.resolved_key_file() == tmp_path / "keys.json"


def test_the_database_url_never_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_DATABASE_URL", "postgresql+psycopg://app:hunter2@db/steward")
    settings = load_settings()
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings)
    assert settings.resolved_database_url().endswith("@db/steward")


def test_a_bad_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_ROTATE_BATCH_SIZE", "lots")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert raised.value.where == "STEWARD_ROTATE_BATCH_SIZE" and "'lots'" in str(raised.value)


def test_an_unsupported_database_is_refused_with_the_choices() -> None:
    with pytest.raises(ConfigError) as raised:
        create_store_engine("mysql://root@localhost/steward")
    assert "SQLite" in str(raised.value) and "PostgreSQL" in str(raised.value)


def test_a_data_dir_that_is_a_file_is_refused_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    afile = tmp_path / "data"
    afile.write_bytes(b"")
    monkeypatch.setenv("STEWARD_DATA_DIR", str(afile))
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert raised.value.where == "STEWARD_DATA_DIR" and "not a folder" in str(raised.value)


def test_the_key_file_setting_wins_over_the_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("STEWARD_KEY_FILE", str(tmp_path / "elsewhere" / "keys.json"))
    settings = load_settings()
    assert settings.resolved_key_file() == tmp_path / "elsewhere" / "keys.json"
    assert settings.keys.file == settings.resolved_key_file()
