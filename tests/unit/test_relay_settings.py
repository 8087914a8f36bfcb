"""The composition root builds the relay's set-up from STEWARD_RELAY_*: the manifest's website
is the allowed site unless the origins are set, and a bad value is refused naming its
variable."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from steward.bootstrap import declared_manifest, load_settings, relay_policy
from steward.errors import ConfigError

MANIFEST = Path(__file__).resolve().parents[2] / "examples" / "outserve" / "fixed"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("STEWARD_"):
            monkeypatch.delenv(name)


def test_without_origins_the_manifests_website_may_post() -> None:
    settings = load_settings(manifest=MANIFEST, relay_inbox="info@outserve.example")
    policy = relay_policy(settings, declared_manifest(settings))
    assert policy.origins == ("https://www.outserve.co.uk",)
    assert policy.inbox == "info@outserve.example"
    assert (policy.per_source_per_hour, policy.per_hour, policy.min_fill_seconds) == (10, 200, 3)


def test_set_origins_replace_the_website(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_RELAY_ORIGINS", "https://a.example, https://b.example:8443/")
    monkeypatch.setenv("STEWARD_RELAY_THANKS_URL", "https://a.example/thanks")
    settings = load_settings(manifest=MANIFEST)
    policy = relay_policy(settings, declared_manifest(settings))
    assert policy.origins == ("https://a.example", "https://b.example:8443")
    assert policy.thanks_url == "https://a.example/thanks"


def test_without_a_manifest_or_origins_only_stewards_own_form_may_post() -> None:
    assert relay_policy(load_settings(), None).origins == ()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("STEWARD_RELAY_ORIGINS", "http://www.outserve.example"),
        ("STEWARD_RELAY_THANKS_URL", "/thanks"),
    ],
)
def test_a_bad_relay_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as raised:
        relay_policy(load_settings(), None)
    assert raised.value.where == variable


def test_an_inbox_that_is_not_an_address_is_refused_by_the_settings() -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(relay_inbox="the office")
    assert raised.value.where == "STEWARD_RELAY_INBOX"
