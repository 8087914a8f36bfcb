"""The banner's configuration is the manifest's cookies, judged by the law on the notice date."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from steward.consent.cookie_receipts import ChoiceMode
from steward.manifest.load import load_manifest
from steward.manifest.schema import Cookie, Manifest
from steward.manifest.vocabulary import CookieCategory, Party
from steward.notice.banner_config import DEFAULT_CONSENT_DAYS, banner_config
from steward.notice.fingerprint import cookie_notice_digest

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
NOTICE_URL = "https://privacy.outserve.example/cookies"


@pytest.fixture(scope="module")
def outserve() -> Manifest:
    return load_manifest(OUTSERVE)


def _with_cookies(manifest: Manifest, *cookies: Cookie, on: dt.date | None = None) -> Manifest:
    notice = (
        manifest.notice if on is None else manifest.notice.model_copy(update={"last_updated": on})
    )
    return manifest.model_copy(update={"cookies": cookies, "notice": notice})


def _cookie(**fields: object) -> Cookie:
    values: dict[str, object] = {
        "name": "stats",
        "provider": "Outserve website",
        "purpose": "Counts page views, to improve the site.",
        "category": CookieCategory.analytics,
        "duration": "1 year",
        "party": Party.first,
    }
    values.update(fields)
    return Cookie.model_validate(values)


def test_categories_are_the_manifests_in_the_vocabularys_order_with_their_cookies(
    outserve: Manifest,
) -> None:
    config = banner_config(outserve, notice_url=NOTICE_URL)
    declared = [c.value for c in CookieCategory if any(k.category is c for k in outserve.cookies)]
    assert [category.id for category in config.categories] == declared
    analytics = next(c for c in config.categories if c.id == "analytics")
    assert [cookie.name for cookie in analytics.cookies] == ["__hstc", "_ga", "general"]
    assert analytics.title == "Analytics"


def test_strictly_necessary_is_always_on_and_tracking_needs_consent(outserve: Manifest) -> None:
    modes = banner_config(outserve, notice_url=NOTICE_URL).offer().modes
    assert modes["strictly_necessary"] is ChoiceMode.ALWAYS
    assert modes["analytics"] is ChoiceMode.CONSENT
    assert modes["embedded_content"] is ChoiceMode.CONSENT


def test_statistical_analytics_with_an_objection_means_is_on_until_switched_off(
    outserve: Manifest,
) -> None:
    exempt = _cookie(exemption="statistical", objection_means=True)
    manifest = _with_cookies(outserve, exempt, on=dt.date(2026, 3, 1))
    assert banner_config(manifest, notice_url=NOTICE_URL).offer().modes == {
        "analytics": ChoiceMode.OBJECTION
    }


def test_the_statistical_exception_before_it_was_in_force_still_needs_consent(
    outserve: Manifest,
) -> None:
    exempt = _cookie(exemption="statistical", objection_means=True)
    manifest = _with_cookies(outserve, exempt, on=dt.date(2026, 1, 15))
    assert banner_config(manifest, notice_url=NOTICE_URL).offer().modes == {
        "analytics": ChoiceMode.CONSENT
    }


def test_one_cookie_needing_consent_makes_its_whole_category_wait_for_consent(
    outserve: Manifest,
) -> None:
    exempt = _cookie(exemption="statistical", objection_means=True)
    tracking = _cookie(name="_ga", provider="Google Analytics", shared_for_provider_purposes=True)
    manifest = _with_cookies(outserve, exempt, tracking, on=dt.date(2026, 3, 1))
    modes = banner_config(manifest, notice_url=NOTICE_URL).offer().modes
    assert modes == {"analytics": ChoiceMode.CONSENT}


def test_the_version_shown_is_the_cookie_notice_digest(outserve: Manifest) -> None:
    config = banner_config(outserve, notice_url=NOTICE_URL)
    assert config.notice_digest == cookie_notice_digest(outserve)
    assert config.to_json()["digest"] == config.notice_digest


def test_a_changed_cookie_set_changes_the_digest_so_the_banner_asks_again(
    outserve: Manifest,
) -> None:
    before = banner_config(outserve, notice_url=NOTICE_URL)
    added = _with_cookies(outserve, *outserve.cookies, _cookie(name="_hjid", provider="Hotjar"))
    after = banner_config(added, notice_url=NOTICE_URL)
    assert after.notice_digest != before.notice_digest


def test_the_variant_names_the_wording_and_changes_only_with_it(outserve: Manifest) -> None:
    first = banner_config(outserve, notice_url=NOTICE_URL)
    again = banner_config(load_manifest(OUTSERVE), notice_url=NOTICE_URL)
    renamed = outserve.model_copy(
        update={"organisation": outserve.organisation.model_copy(update={"name": "Outserve Group"})}
    )
    assert first.variant == again.variant
    assert first.variant.startswith("standard.") and len(first.variant) <= 50
    assert banner_config(renamed, notice_url=NOTICE_URL).variant != first.variant


def test_the_first_layer_names_every_category_that_needs_consent(outserve: Manifest) -> None:
    intro = banner_config(outserve, notice_url=NOTICE_URL).texts["intro"]
    assert "functional, analytics and embedded content cookies" in intro
    texts = banner_config(outserve, notice_url=NOTICE_URL).texts
    assert texts["accept"] == "Accept all" and texts["reject"] == "Reject all"


def test_the_choice_is_kept_as_long_as_the_manifest_declares_the_consent_cookie(
    outserve: Manifest,
) -> None:
    assert banner_config(outserve, notice_url=NOTICE_URL).consent_days == 183  # 6 months
    undeclared = _with_cookies(outserve, _cookie())
    assert banner_config(undeclared, notice_url=NOTICE_URL).consent_days == DEFAULT_CONSENT_DAYS


def test_only_named_first_party_cookies_are_deleted_on_withdrawal(outserve: Manifest) -> None:
    config = banner_config(outserve, notice_url=NOTICE_URL)
    removable = {c.name for category in config.categories for c in category.cookies if c.removable}
    assert "_ga" in removable and "general" in removable
    assert "steward_consent" not in removable  # the choice itself stays
    assert "__hstc" not in removable  # a third party's cookie is out of the page's reach


def test_the_json_is_the_same_for_the_same_manifest(outserve: Manifest) -> None:
    first = json.dumps(banner_config(outserve, notice_url=NOTICE_URL).to_json(), sort_keys=True)
    second = json.dumps(
        banner_config(load_manifest(OUTSERVE), notice_url=NOTICE_URL).to_json(), sort_keys=True
    )
    assert first == second
    assert json.loads(first)["notice_url"] == NOTICE_URL


def test_a_site_without_cookies_offers_no_categories(outserve: Manifest) -> None:
    config = banner_config(_with_cookies(outserve), notice_url=NOTICE_URL)
    assert config.categories == ()
    assert "only cookies" in config.texts["intro"]
