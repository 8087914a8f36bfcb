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
