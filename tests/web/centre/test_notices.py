"""The notices in the privacy centre, their version history, and the contact page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from steward.manifest.load import load_manifest
from steward.services.notice_versions import NoticeKind, history
from steward.store.database import Store
from steward.web.app import create_app
from steward.web.wiring import WebWiring
from tests.web.centre.support import audit_actions, chain_is_intact, outserve_manifest

UNFIXED = Path(__file__).resolve().parents[3] / "examples" / "outserve"


def _published(wiring: WebWiring) -> list[str]:
    return [a for a, _ in audit_actions(wiring.store) if a == "notice.published"]


def _versions(store: Store) -> dict[NoticeKind, list[int]]:
    with store.unit_of_work(actor="test", reads_only=True) as uow:
        return {kind: [v.number for v in found] for kind, found in history(uow).items()}


def _serve(wiring: WebWiring, path: str = "/privacy") -> str:
    with TestClient(create_app(wiring)) as client:
        response = client.get(path)
    assert response.status_code == 200
    return response.text


def test_the_privacy_notice_is_the_compiled_notice_in_the_sites_layout(
    centre_client: TestClient,
) -> None:
    page = centre_client.get("/privacy")
    assert page.status_code == 200
    text = page.text
    assert text.count("<h1>") == 1
    assert "<h1>Outserve privacy notice</h1>" in text
    assert 'href="/static/steward.css"' in text  # the site's layout, not the built page's
    assert "<style>" not in text  # nothing inline for the CSP to block
    assert '<a href="/privacy" aria-current="page">' in text
    assert "Version 1 of this privacy notice" in text


def test_the_cookie_notice_is_served_with_its_version(centre_client: TestClient) -> None:
    text = centre_client.get("/cookies").text
    assert "<h1>Cookie notice of Outserve Limited</h1>" in text
    assert "Version 1 of this cookie notice" in text


def test_starting_the_app_records_each_notices_version_once(centre_wiring: WebWiring) -> None:
    _serve(centre_wiring)
    _serve(centre_wiring)  # a restart, or a second worker
    assert _versions(centre_wiring.store) == {NoticeKind.PRIVACY: [1], NoticeKind.COOKIE: [1]}
    assert _published(centre_wiring) == ["notice.published", "notice.published"]
    assert chain_is_intact(centre_wiring.store)


def test_a_changed_notice_is_a_new_version_saying_what_changed(
    centre_wiring: WebWiring,
) -> None:
    _serve(centre_wiring)
    manifest = outserve_manifest()
    changed = manifest.model_copy(update={"cookies": ()})
    _serve(dataclasses.replace(centre_wiring, manifest=changed))
    assert _versions(centre_wiring.store)[NoticeKind.COOKIE] == [2, 1]
    text = _serve(dataclasses.replace(centre_wiring, manifest=changed), "/privacy/history")
    assert "2 (current)" in text
    assert "Removed: Analytics cookies" in text or "Removed:" in text
    assert "First version published." in text


def test_a_notice_changed_back_is_recorded_again(centre_wiring: WebWiring) -> None:
    manifest = outserve_manifest()
    changed = manifest.model_copy(update={"cookies": ()})
    for served in (manifest, changed, manifest):
        _serve(dataclasses.replace(centre_wiring, manifest=served))
    assert _versions(centre_wiring.store)[NoticeKind.COOKIE] == [3, 2, 1]


def test_without_a_manifest_the_pages_state_nothing_and_record_nothing(
    client: TestClient, web_wiring: WebWiring
) -> None:
    for path in ("/privacy", "/cookies"):
        text = client.get(path).text
        assert '<em class="not-stated">Not stated</em>' in text
        assert "Version" not in text
    assert "No version has been recorded yet" in client.get("/privacy/history").text
    assert _published(web_wiring) == []


def test_a_manifest_with_lint_errors_is_shown_as_a_draft_and_not_recorded(
    centre_wiring: WebWiring,
) -> None:
    unfixed = dataclasses.replace(centre_wiring, manifest=load_manifest(UNFIXED))
    text = _serve(unfixed)
    assert "Draft, not for publication:" in text
    assert "lint errors outstanding" in text
    assert "no version is recorded" in text
    assert _published(centre_wiring) == []


def test_the_history_lists_both_notices(centre_client: TestClient) -> None:
    text = centre_client.get("/privacy/history").text
    assert "<h1>What changed and when</h1>" in text
    assert text.count("1 (current)") == 2


def test_the_built_notices_links_between_each_other_still_work(
    centre_client: TestClient,
) -> None:
    assert 'href="cookie-notice.html"' in centre_client.get("/privacy").text
    moved = centre_client.get("/cookie-notice.html", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == "/cookies"
    assert centre_client.get("/privacy-notice.html").url.path == "/privacy"


def test_the_contact_page_gives_the_declared_contacts_and_the_ico(
    centre_client: TestClient,
) -> None:
    text = centre_client.get("/contact").text
    assert "<h1>Contact us</h1>" in text
    assert "privacy@outserve.co.uk" in text
    assert "We have not appointed a Data Protection Officer." in text
    assert "ico.org.uk/make-a-complaint" in text
    assert "Using your rights" in text


def test_without_a_manifest_the_contact_page_says_not_stated_but_names_the_ico(
    client: TestClient,
) -> None:
    text = client.get("/contact").text
    assert text.count('<em class="not-stated">Not stated</em>') >= 3
    assert "Information Commissioner" in text
    assert "ico.org.uk/make-a-complaint" in text


@pytest.mark.parametrize("path", ["/privacy", "/cookies", "/privacy/history", "/contact"])
def test_each_page_carries_the_navigation(centre_client: TestClient, path: str) -> None:
    text = centre_client.get(path).text
    assert '<nav aria-label="Privacy centre">' in text
    for link in ("/privacy", "/cookies", "/privacy/history", "/contact"):
        assert f'href="{link}"' in text
