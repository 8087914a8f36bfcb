"""Mailchimp settings come from the environment, and a problem names its variable."""

from __future__ import annotations

import httpx
import pytest

from steward.connectors.mailchimp_settings import load_mailchimp_settings
from steward.connectors.mailchimp_sync import SuppressionMode
from steward.errors import ConfigError

KEY = "0123456789abcdef0123456789abcdef-us21"


def test_settings_are_read_from_steward_mailchimp_variables(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")
    monkeypatch.setenv("STEWARD_MAILCHIMP_MODE", "archive")

    settings = load_mailchimp_settings()

    assert (settings.list_id, settings.mode, settings.purpose) == (
        "a1b2c3d4e5",
        SuppressionMode.ARCHIVE,
        "newsletter",
    )
    assert KEY not in repr(settings)
    with httpx.Client() as http:
        assert "us21.api.mailchimp.com" in repr(settings.client(http))


def test_a_missing_api_key_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STEWARD_MAILCHIMP_API_KEY", raising=False)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")

    with pytest.raises(ConfigError) as caught:
        load_mailchimp_settings()

    assert caught.value.where == "STEWARD_MAILCHIMP_API_KEY"
    assert "not set" in str(caught.value)


def test_a_bad_mode_names_the_variable_and_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")
    monkeypatch.setenv("STEWARD_MAILCHIMP_MODE", "delete")

    with pytest.raises(ConfigError) as caught:
        load_mailchimp_settings()

    assert caught.value.where == "STEWARD_MAILCHIMP_MODE"
    assert "'delete'" in str(caught.value)


def test_new_settings_have_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")

    settings = load_mailchimp_settings()

    assert settings.batch_timeout_seconds == 900.0
    assert settings.pull_overlap_seconds == 300.0
    assert settings.pull_write_batch == 100
    assert "{list_id}" in settings.opt_in_wording


@pytest.mark.parametrize(
    "base_url",
    ["https://us21.api.mailchimp.com", "https://us21.api.mailchimp.com/3.0/", "  https://x.test/ "],
)
def test_a_base_url_with_or_without_the_version_is_accepted(
    monkeypatch: pytest.MonkeyPatch, base_url: str
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")
    monkeypatch.setenv("STEWARD_MAILCHIMP_BASE_URL", base_url)

    settings = load_mailchimp_settings()

    with httpx.Client() as http:
        assert repr(settings.client(http)).endswith("/3.0')")
        assert "/3.0/3.0" not in repr(settings.client(http))


def test_a_bad_base_url_names_the_variable_and_says_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")
    monkeypatch.setenv("STEWARD_MAILCHIMP_BASE_URL", "us21.api.mailchimp.com")

    with pytest.raises(ConfigError) as caught:
        load_mailchimp_settings()

    assert caught.value.where == "STEWARD_MAILCHIMP_BASE_URL"
    assert "must start with https://" in caught.value.message
    assert "Value error" not in caught.value.message


@pytest.mark.parametrize(
    ("name", "value"),
    [("BATCH_TIMEOUT_SECONDS", "0"), ("PULL_WRITE_BATCH", "0"), ("PULL_OVERLAP_SECONDS", "-1")],
)
def test_bad_numbers_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")
    monkeypatch.setenv(f"STEWARD_MAILCHIMP_{name}", value)

    with pytest.raises(ConfigError) as caught:
        load_mailchimp_settings()

    assert caught.value.where == f"STEWARD_MAILCHIMP_{name}"
