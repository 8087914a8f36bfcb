"""STEWARD_WEB_BANNER_ORIGINS: the sites that may post the banner's receipts."""

from __future__ import annotations

import os

import pytest

from steward.config import load_settings
from steward.errors import ConfigError


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("STEWARD_"):
            monkeypatch.delenv(name)


def test_no_site_is_allowed_until_one_is_named() -> None:
    assert load_settings().web.banner_origins is None


def test_origins_are_read_comma_separated_without_a_trailing_slash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(
        "STEWARD_WEB_BANNER_ORIGINS", "https://www.outserve.example/, http://localhost:8080"
    )
    assert load_settings().web.banner_origins == (
        "https://www.outserve.example",
        "http://localhost:8080",
    )


def test_a_url_with_a_path_is_not_an_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STEWARD_WEB_BANNER_ORIGINS", "https://www.outserve.example/shop")
    with pytest.raises(ConfigError) as raised:
        load_settings()
    assert raised.value.where == "STEWARD_WEB_BANNER_ORIGINS"
    assert "no path" in str(raised.value)
