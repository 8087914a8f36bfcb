"""The banner's script, configuration and receipts over HTTP, on a real store (SQLite and
PostgreSQL): the receipt is in the consent ledger and the audit chain, refusals too."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from steward.consent.cookie_receipts import COOKIE_CHANNEL
from steward.consent.state import ConsentStatus
from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from steward.notice.banner_config import banner_config
from steward.store import audit, ledger
from steward.store.cookie_receipts import find_visitor, recorded_receipt
from steward.store.database import Store
from steward.store.tables import audit_events, person_identifiers
from steward.web.app import create_app
from steward.web.banner import RECEIPTS_PER_MINUTE
from steward.web.wiring import WebWiring
from tests.web.conftest import WEB_SECRET, ManualClock

OUTSERVE = Path(__file__).resolve().parents[2] / "examples" / "outserve" / "fixed"
SITE = "https://www.outserve.example"
RECEIPTS = "/api/banner/receipts"
VISITOR = "visitor-0123456789_abc"


@pytest.fixture(scope="module")
def manifest() -> Manifest:
    return load_manifest(OUTSERVE)


@pytest.fixture
def banner_client(
    committed_store: Store, clock: ManualClock, manifest: Manifest
) -> Iterator[TestClient]:
    wiring = WebWiring(
        store=committed_store,
        clock=clock,
        secret=WEB_SECRET,
        manifest=manifest,
        public_url="https://privacy.outserve.example",
        https=True,
        banner_origins=(SITE,),
    )
    with TestClient(create_app(wiring), base_url="https://privacy.outserve.example") as client:
        yield client


def _digest(manifest: Manifest) -> str:
    return banner_config(manifest, notice_url="-").notice_digest


def _receipt(manifest: Manifest, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "receipt": "receipt-0123456789_abc",
        "visitor": VISITOR,
        "digest": _digest(manifest),
        "variant": banner_config(manifest, notice_url="-").variant,
        "via": "banner",
        "gpc": False,
        "choices": {"functional": False, "analytics": True, "embedded_content": False},
    }
    body.update(fields)
    return body


def _post(client: TestClient, body: dict[str, Any], origin: str | None = SITE) -> Any:
    headers = {"Origin": origin} if origin else {}
    return client.post(RECEIPTS, json=body, headers=headers)


# --- the script -------------------------------------------------------------------------------


def test_the_script_is_javascript_any_site_may_load(banner_client: TestClient) -> None:
    response = banner_client.get("/banner.js", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cross-origin-resource-policy"] == "cross-origin"
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert "StewardConsent" in response.text


def test_the_script_and_its_styles_are_at_most_8_kb_gzipped(banner_client: TestClient) -> None:
    raw = banner_client.get("/banner.js", headers={"Accept-Encoding": "identity"}).content
    assert len(gzip.compress(raw, 9)) <= 8192


def test_the_script_is_sent_gzipped_to_a_browser_that_takes_it(banner_client: TestClient) -> None:
    response = banner_client.get("/banner.js", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["content-encoding"] == "gzip"
    assert "StewardConsent" in response.text  # the client decodes it


def test_an_unchanged_script_is_not_sent_again(banner_client: TestClient) -> None:
    etag = banner_client.get("/banner.js").headers["etag"]
    again = banner_client.get("/banner.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""


def test_the_versioned_script_url_is_cached_for_a_year(banner_client: TestClient) -> None:
    etag = banner_client.get("/banner.js").headers["etag"].strip('"')
    versioned = banner_client.get(f"/banner.js?v={etag}")
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    stale = banner_client.get("/banner.js?v=0000")
    assert stale.headers["cache-control"] == "public, max-age=3600"


# --- the configuration ------------------------------------------------------------------------


def test_the_configuration_is_the_manifests_with_the_notice_url(
    banner_client: TestClient, manifest: Manifest
) -> None:
    response = banner_client.get("/api/banner/config")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["cache-control"] == "public, max-age=300"
    expected = banner_config(
        manifest, notice_url="https://privacy.outserve.example/cookies"
    ).to_json()
    assert response.json() == expected


def test_without_a_manifest_the_configuration_says_what_to_set(
    committed_store: Store, clock: ManualClock
) -> None:
    wiring = WebWiring(store=committed_store, clock=clock, secret=WEB_SECRET)
    with TestClient(create_app(wiring)) as client:
        response = client.get("/api/banner/config")
    assert response.status_code == 503
    assert response.json()["where"] == "STEWARD_MANIFEST"


# --- receipts ---------------------------------------------------------------------------------


def test_a_receipt_is_recorded_in_the_ledger_refusals_too(
    banner_client: TestClient, committed_store: Store, manifest: Manifest
) -> None:
    response = _post(banner_client, _receipt(manifest))
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == SITE
    answer = response.json()
    assert answer["replayed"] is False and answer["notice_current"] is True
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        person = find_visitor(uow, VISITOR)
        assert person is not None
        states = {
            s.purpose: s.status for s in ledger.states_of(uow, person) if s.channel == "cookies"
        }
        found = recorded_receipt(uow, "receipt-0123456789_abc")
    assert states == {
        "analytics": ConsentStatus.GIVEN,
        "functional": ConsentStatus.WITHDRAWN,
        "embedded_content": ConsentStatus.WITHDRAWN,
    }
    assert found is not None and found.person == person
    assert {c.evidence["notice"] for c in found.choices} == {_digest(manifest)}
    assert {c.evidence["via"] for c in found.choices} == {"banner"}
    assert {c.evidence["gpc"] for c in found.choices} == {False}


def test_each_receipt_is_in_the_audit_chain_and_the_chain_holds(
    banner_client: TestClient, committed_store: Store, manifest: Manifest
) -> None:
    _post(banner_client, _receipt(manifest))
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        actions = list(uow.connection.execute(select(audit_events.c.action)).scalars())
        report = audit.verify_chain(uow)
    assert actions.count("cookie_receipt.recorded") == 1
    assert actions.count("consent.given") == 1 and actions.count("consent.withdrawn") == 2
    assert report.intact


def test_the_visitor_id_is_stored_sealed_never_as_written(
    banner_client: TestClient, committed_store: Store, manifest: Manifest
) -> None:
    _post(banner_client, _receipt(manifest))
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        rows = uow.connection.execute(
            select(person_identifiers).where(person_identifiers.c.kind == "visitor")
        ).all()
    assert len(rows) == 1
    assert VISITOR.encode() not in rows[0].ciphertext
    assert VISITOR.encode() not in rows[0].blind_index


def test_withdrawing_later_changes_the_state_in_force(
    banner_client: TestClient, committed_store: Store, manifest: Manifest
) -> None:
    _post(banner_client, _receipt(manifest))
    later = _receipt(manifest, receipt="receipt-withdraw-00001", via="settings")
    later["choices"] = {"analytics": False}
    assert _post(banner_client, later).status_code == 201
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        person = find_visitor(uow, VISITOR)
        assert person is not None
        state = ledger.current_state(uow, person, "analytics", COOKIE_CHANNEL)
    assert state is not None and state.status is ConsentStatus.WITHDRAWN


def test_a_retried_receipt_records_nothing_more(
    banner_client: TestClient, committed_store: Store, manifest: Manifest
) -> None:
    first = _post(banner_client, _receipt(manifest))
    again = _post(banner_client, _receipt(manifest))
    assert again.status_code == 200
    assert again.json()["replayed"] is True
    assert again.json()["recorded_at"] == first.json()["recorded_at"]
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        actions = list(uow.connection.execute(select(audit_events.c.action)).scalars())
    assert actions.count("cookie_receipt.recorded") == 1


def test_a_receipt_id_reused_for_another_choice_is_refused(
    banner_client: TestClient, manifest: Manifest
) -> None:
    _post(banner_client, _receipt(manifest))
    changed = _receipt(manifest, choices={"functional": False, "analytics": False})
    response = _post(banner_client, changed)
    assert response.status_code == 422
    assert response.json()["where"] == "event_id"
    assert response.headers["access-control-allow-origin"] == SITE  # the banner can read it


def test_the_answer_says_whether_the_digest_shown_was_ever_published(
    banner_client: TestClient, manifest: Manifest
) -> None:
    banner_client.get("/cookies")  # the privacy centre records the version it serves
    shown = _post(banner_client, _receipt(manifest))
    invented = _post(
        banner_client, _receipt(manifest, receipt="receipt-invented-00001", digest=_OTHER)
    )
    assert shown.json()["notice_published"] is True
    assert invented.json()["notice_published"] is False


_OTHER = "sha256:" + "0" * 64


def test_a_receipt_on_an_older_notice_is_kept_and_the_banner_told_to_ask_again(
    banner_client: TestClient, committed_store: Store, manifest: Manifest
) -> None:
    older = "sha256:" + "0" * 64
    response = _post(banner_client, _receipt(manifest, digest=older))
    assert response.status_code == 201
    assert response.json()["notice_current"] is False
    assert response.json()["digest"] == _digest(manifest)
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        found = recorded_receipt(uow, "receipt-0123456789_abc")
    assert found is not None
    assert {c.evidence["notice"] for c in found.choices} == {older}
    assert {c.evidence["notice_current"] for c in found.choices} == {False}


@pytest.mark.parametrize(
    ("choices", "where"),
    [
        ({"tracking": True}, "choices.tracking"),
        ({"strictly_necessary": True}, "choices.strictly_necessary"),
        ({"marketing": True}, "choices.marketing"),
    ],
)
def test_a_category_the_banner_does_not_offer_is_refused(
    banner_client: TestClient,
    committed_store: Store,
    manifest: Manifest,
    choices: dict[str, bool],
    where: str,
) -> None:
    response = _post(banner_client, _receipt(manifest, choices=choices))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["where"] == where
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        assert find_visitor(uow, VISITOR) is None  # nothing was kept


def test_a_malformed_receipt_names_the_field(banner_client: TestClient, manifest: Manifest) -> None:
    response = _post(banner_client, _receipt(manifest, visitor="x"))
    assert response.status_code == 422
    assert response.json()["where"] == "body.visitor"


def test_a_receipt_from_a_site_not_configured_is_refused(
    banner_client: TestClient, committed_store: Store, manifest: Manifest
) -> None:
    response = _post(banner_client, _receipt(manifest), origin="https://elsewhere.example")
    assert response.status_code == 403
    assert response.json()["where"] == "Origin"
    assert "access-control-allow-origin" not in response.headers
    with committed_store.unit_of_work(actor="test", reads_only=True) as uow:
        assert find_visitor(uow, VISITOR) is None


def test_a_receipt_from_stewards_own_pages_or_a_server_is_accepted(
    banner_client: TestClient, manifest: Manifest
) -> None:
    own = _post(banner_client, _receipt(manifest), origin="https://privacy.outserve.example")
    assert own.status_code == 201
    server = _post(banner_client, _receipt(manifest, receipt="receipt-from-a-server1"), None)
    assert server.status_code == 201


def test_the_preflight_allows_only_the_configured_sites(banner_client: TestClient) -> None:
    asked = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    allowed = banner_client.options(RECEIPTS, headers={"Origin": SITE, **asked})
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == SITE
    assert allowed.headers["access-control-allow-headers"] == "Content-Type"
    refused = banner_client.options(RECEIPTS, headers={"Origin": "https://evil.example", **asked})
    assert refused.status_code == 403
    assert "access-control-allow-origin" not in refused.headers


def test_a_receipt_must_be_json(banner_client: TestClient, manifest: Manifest) -> None:
    """A form or text/plain post (which a browser sends cross-site without asking) is refused."""
    import json

    response = banner_client.post(
        RECEIPTS,
        content=json.dumps(_receipt(manifest)),
        headers={"Origin": SITE, "Content-Type": "text/plain"},
    )
    assert response.status_code == 422


def test_too_many_receipts_from_one_address_are_refused_for_a_while(
    banner_client: TestClient, manifest: Manifest
) -> None:
    for number in range(RECEIPTS_PER_MINUTE):
        body = _receipt(manifest, receipt=f"receipt-{number:014d}")
        assert _post(banner_client, body).status_code == 201
    response = _post(banner_client, _receipt(manifest, receipt="receipt-one-too-many00"))
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1


def test_the_app_from_settings_lets_the_configured_sites_post_receipts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from steward.bootstrap import load_settings, web_app
    from steward.cli.main import build_app, execute

    monkeypatch.setenv("STEWARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STEWARD_MANIFEST", str(OUTSERVE))
    monkeypatch.setenv("STEWARD_WEB_BANNER_ORIGINS", f"{SITE},http://localhost:8080")
    for args in (["db", "upgrade"], ["keys", "init"]):
        assert execute(build_app(args), args) == 0
    capsys.readouterr()
    app = web_app(load_settings())
    assert app.state.wiring.banner_origins == (SITE, "http://localhost:8080")
    with TestClient(app) as client:
        response = _post(client, _receipt(load_manifest(OUTSERVE)), origin="http://localhost:8080")
    assert response.status_code == 201
