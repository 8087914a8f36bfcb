"""The composition root builds the declared purposes, the Mailchimp and unsubscribe settings from
the one settings root, and refuses an incomplete or undeclared one naming its variable."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from steward.bootstrap import (
    load_settings,
    mailchimp_settings,
    purpose_catalogue,
    unsubscribe_endpoints,
)
from steward.connectors.mailchimp_sync import SuppressionMode
from steward.consent.purposes import PurposeCatalogue
from steward.errors import ConfigError

MANIFEST = Path(__file__).resolve().parents[2] / "examples" / "outserve" / "fixed"
KEY = "0123456789abcdef0123456789abcdef-us21"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("STEWARD_"):
            monkeypatch.delenv(name)


@pytest.fixture
def purposes() -> PurposeCatalogue:
    return purpose_catalogue(load_settings(manifest=MANIFEST))


def test_the_catalogue_holds_the_manifests_purposes_and_which_market(
    purposes: PurposeCatalogue,
) -> None:
    assert purposes.declared("cctv").is_marketing is False
    assert purposes.marketing("contact_marketing", channel="email").name


def test_without_steward_manifest_no_purpose_can_be_checked() -> None:
    with pytest.raises(ConfigError) as raised:
        purpose_catalogue(load_settings())
    assert raised.value.where == "STEWARD_MANIFEST" and "export STEWARD_MANIFEST" in str(
        raised.value
    )


def test_a_manifest_path_that_does_not_exist_names_steward_manifest(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        purpose_catalogue(load_settings(manifest=tmp_path / "nowhere"))
    assert raised.value.where == "STEWARD_MANIFEST"


def test_mailchimp_settings_come_from_steward_mailchimp_variables(
    monkeypatch: pytest.MonkeyPatch, purposes: PurposeCatalogue
) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")
    monkeypatch.setenv("STEWARD_MAILCHIMP_PURPOSE", "contact_marketing")
    monkeypatch.setenv("STEWARD_MAILCHIMP_MODE", "archive")

    settings = mailchimp_settings(load_settings(), purposes)

    assert (settings.list_id, settings.mode, settings.purpose) == (
        "a1b2c3d4e5",
        SuppressionMode.ARCHIVE,
        "contact_marketing",
    )
    assert KEY not in repr(settings)
    with httpx.Client() as http:
        assert "us21.api.mailchimp.com" in repr(settings.client(http))


def test_archive_on_the_command_line_wins_over_the_mode_setting(
    purposes: PurposeCatalogue,
) -> None:
    root = load_settings(
        mailchimp_api_key=KEY, mailchimp_list_id="a1", mailchimp_purpose="contact_marketing"
    )
    assert mailchimp_settings(root, purposes, archive=True).mode is SuppressionMode.ARCHIVE
    assert mailchimp_settings(root, purposes).mode is SuppressionMode.UNSUBSCRIBE


def test_a_missing_api_key_names_the_variable(purposes: PurposeCatalogue) -> None:
    root = load_settings(mailchimp_list_id="a1", mailchimp_purpose="contact_marketing")
    with pytest.raises(ConfigError) as caught:
        mailchimp_settings(root, purposes)
    assert caught.value.where == "STEWARD_MAILCHIMP_API_KEY" and "not set" in str(caught.value)


def test_a_missing_purpose_names_the_variable(purposes: PurposeCatalogue) -> None:
    root = load_settings(mailchimp_api_key=KEY, mailchimp_list_id="a1")
    with pytest.raises(ConfigError) as caught:
        mailchimp_settings(root, purposes)
    assert caught.value.where == "STEWARD_MAILCHIMP_PURPOSE"


def test_a_bad_mode_names_the_variable_and_the_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_MODE", "delete")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.where == "STEWARD_MAILCHIMP_MODE" and "'delete'" in str(caught.value)


def test_an_undeclared_mailchimp_purpose_is_refused_with_the_nearest_one(
    purposes: PurposeCatalogue,
) -> None:
    root = load_settings(
        mailchimp_api_key=KEY, mailchimp_list_id="a1", mailchimp_purpose="contact_marketting"
    )
    with pytest.raises(ConfigError) as caught:
        mailchimp_settings(root, purposes)
    assert caught.value.where == "STEWARD_MAILCHIMP_PURPOSE"
    assert "did you mean 'contact_marketing'" in str(caught.value)


def test_a_mailchimp_purpose_that_is_not_marketing_is_refused(purposes: PurposeCatalogue) -> None:
    root = load_settings(mailchimp_api_key=KEY, mailchimp_list_id="a1", mailchimp_purpose="cctv")
    with pytest.raises(ConfigError, match="not a marketing purpose"):
        mailchimp_settings(root, purposes)


def test_unsubscribe_endpoints_come_from_settings() -> None:
    root = load_settings(
        unsubscribe_base_url="https://privacy.outserve.example",
        unsubscribe_mailbox="unsubscribe@outserve.example",
    )
    endpoints = unsubscribe_endpoints(root)
    assert endpoints.link("t") == "https://privacy.outserve.example/u/t"


def test_unsubscribe_values_given_on_the_command_line_win() -> None:
    root = load_settings(
        unsubscribe_base_url="https://privacy.outserve.example",
        unsubscribe_mailbox="unsubscribe@outserve.example",
    )
    endpoints = unsubscribe_endpoints(root, base_url="https://optout.outserve.example")
    assert endpoints.base_url == "https://optout.outserve.example"


def test_an_unset_unsubscribe_mailbox_names_its_variable() -> None:
    root = load_settings(unsubscribe_base_url="https://privacy.outserve.example")
    with pytest.raises(ConfigError) as caught:
        unsubscribe_endpoints(root)
    assert caught.value.where == "STEWARD_UNSUBSCRIBE_MAILBOX"


def test_a_plain_http_unsubscribe_base_names_its_variable() -> None:
    root = load_settings(
        unsubscribe_base_url="http://privacy.outserve.example",
        unsubscribe_mailbox="unsubscribe@outserve.example",
    )
    with pytest.raises(ConfigError) as caught:
        unsubscribe_endpoints(root)
    assert caught.value.where == "STEWARD_UNSUBSCRIBE_BASE_URL" and "https" in str(caught.value)


def _complete_mailchimp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_MAILCHIMP_API_KEY", KEY)
    monkeypatch.setenv("STEWARD_MAILCHIMP_LIST_ID", "a1b2c3d4e5")
    monkeypatch.setenv("STEWARD_MAILCHIMP_PURPOSE", "contact_marketing")


def test_mailchimp_run_settings_have_documented_defaults(
    monkeypatch: pytest.MonkeyPatch, purposes: PurposeCatalogue
) -> None:
    _complete_mailchimp(monkeypatch)
    settings = mailchimp_settings(load_settings(), purposes)
    assert settings.batch_timeout_seconds == 900.0
    assert settings.pull_overlap_seconds == 300.0
    assert settings.pull_write_batch == 100
    assert "{list_id}" in settings.opt_in_wording


def test_the_signup_form_wording_can_be_set(
    monkeypatch: pytest.MonkeyPatch, purposes: PurposeCatalogue
) -> None:
    _complete_mailchimp(monkeypatch)
    monkeypatch.setenv("STEWARD_MAILCHIMP_OPT_IN_WORDING", "Yes, send me news ({list_id})")
    assert mailchimp_settings(load_settings(), purposes).opt_in_wording.startswith("Yes, send")


@pytest.mark.parametrize(
    "base_url",
    ["https://us21.api.mailchimp.com", "https://us21.api.mailchimp.com/3.0/", "  https://x.test/ "],
)
def test_a_mailchimp_base_url_with_or_without_the_version_is_accepted(
    monkeypatch: pytest.MonkeyPatch, purposes: PurposeCatalogue, base_url: str
) -> None:
    _complete_mailchimp(monkeypatch)
    monkeypatch.setenv("STEWARD_MAILCHIMP_BASE_URL", base_url)
    settings = mailchimp_settings(load_settings(), purposes)
    with httpx.Client() as http:
        assert repr(settings.client(http)).endswith("/3.0')")
        assert "/3.0/3.0" not in repr(settings.client(http))


def test_a_bad_mailchimp_base_url_names_the_variable_and_says_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, purposes: PurposeCatalogue
) -> None:
    _complete_mailchimp(monkeypatch)
    monkeypatch.setenv("STEWARD_MAILCHIMP_BASE_URL", "us21.api.mailchimp.com")
    with pytest.raises(ConfigError) as caught:
        mailchimp_settings(load_settings(), purposes)
    assert caught.value.where == "STEWARD_MAILCHIMP_BASE_URL"
    assert "must start with https://" in caught.value.message


@pytest.mark.parametrize(
    ("name", "value"),
    [("BATCH_TIMEOUT_SECONDS", "0"), ("PULL_WRITE_BATCH", "0"), ("PULL_OVERLAP_SECONDS", "-1")],
)
def test_bad_mailchimp_numbers_name_their_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(f"STEWARD_MAILCHIMP_{name}", value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert caught.value.where == f"STEWARD_MAILCHIMP_{name}"
