"""One settings root: every STEWARD_ variable in its group, a bad value named exactly, each
variable documented, and read by nothing but the composition root."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from steward.config import JobRunner, load_settings, variables
from steward.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("STEWARD_"):
            monkeypatch.delenv(name)


def test_flat_variables_fill_their_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")
    monkeypatch.setenv("STEWARD_UNSUBSCRIBE_MAILBOX", "unsubscribe@outserve.example")
    monkeypatch.setenv("STEWARD_WEB_PORT", "8443")
    monkeypatch.setenv("STEWARD_JOBS_RUNNER", "procrastinate")
    settings = load_settings()
    assert settings.mailchimp.list_id == "a1b2c3d4e5"
    assert settings.unsubscribe.mailbox == "unsubscribe@outserve.example"
    assert (settings.web.port, settings.jobs.runner) == (8443, JobRunner.procrastinate)


def test_a_bad_value_in_a_group_names_its_variable_and_the_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STEWARD_WEB_PORT", "eighty")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert raised.value.where == "STEWARD_WEB_PORT" and "'eighty'" in str(raised.value)


def test_a_secret_is_never_echoed_in_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", "0123456789abcdef-us21")
    settings = load_settings()
    assert "0123456789abcdef" not in repr(settings)


def test_an_empty_variable_counts_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", "")
    monkeypatch.setenv("STEWARD_MANIFEST", "")
    settings = load_settings()
    assert settings.mailchimp.api_key is None and settings.manifest.path is None


def test_other_variables_named_like_a_field_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/usr/bin")
    monkeypatch.setenv("URL", "sqlite:///elsewhere.db")
    settings = load_settings()
    assert settings.manifest.path is None and settings.database.url is None


def test_a_data_dir_that_is_a_file_names_steward_data_dir(tmp_path: Path) -> None:
    afile = tmp_path / "steward-data"
    afile.write_text("not a folder", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(data_dir=afile)
    assert raised.value.where == "STEWARD_DATA_DIR" and "not a folder" in str(raised.value)


def test_an_override_for_no_setting_is_refused() -> None:
    with pytest.raises(ConfigError, match="no setting STEWARD_DATABSE_URL"):
        load_settings(databse_url="sqlite://")


def test_overrides_are_named_like_the_variable_without_its_prefix() -> None:
    settings = load_settings(manifest="site/manifest", mailchimp_purpose="contact_marketing")
    assert settings.manifest.path == Path("site/manifest")
    assert settings.mailchimp.purpose == "contact_marketing"


def test_every_variable_is_documented_with_its_default() -> None:
    text = CONFIGURATION_DOC.read_text(encoding="utf-8")
    rows = {
        match.group(1): match.group(0)
        for match in re.finditer(r"^\| `(STEWARD_[A-Z_]+)` \|.*$", text, re.MULTILINE)
    }
    missing = [name for name, _, _ in variables() if name not in rows]
    assert missing == []
    for name, _, field in variables():
        default = field.default
        shown = "none" if default is None else str(getattr(default, "value", default))
        assert f"`{shown}`" in rows[name], f"{name}: default {shown} not in its row"
    assert set(rows) == {name for name, _, _ in variables()}


def test_only_the_composition_root_reads_settings() -> None:
    readers = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "steward").rglob("*.py")
        if "steward.config" in path.read_text(encoding="utf-8")
    ]
    assert sorted(readers) == ["steward/bootstrap.py"]


def test_no_command_reads_the_environment_itself() -> None:
    commands = (ROOT / "steward" / "cli").glob("*.py")
    assert [path.name for path in commands if "envvar" in path.read_text(encoding="utf-8")] == []
