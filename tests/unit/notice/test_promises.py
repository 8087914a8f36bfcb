"""The promise matrix derives each promise from the manifest and never overstates its status."""

from __future__ import annotations

import json

from steward.manifest.schema import Manifest
from steward.notice.controls import CONTROLS, ControlId
from steward.notice.promises import promise_matrix_json, promises


def by_id(manifest: Manifest) -> dict[str, object]:
    return {p.id: p for p in promises(manifest)}


def test_every_purpose_promises_its_lawful_basis(complete: Manifest) -> None:
    found = by_id(complete)
    assert all(f"basis.{p.id}" in found for p in complete.purposes)


def test_every_category_promises_its_retention(complete: Manifest) -> None:
    found = by_id(complete)
    assert all(f"retention.{c.id}" in found for c in complete.data_categories)


def test_a_promise_is_enforced_only_when_every_control_exists(complete: Manifest) -> None:
    for promise in promises(complete):
        implemented = all(CONTROLS[c].implemented for c in promise.controls)
        assert (promise.status == "enforced") == implemented


def test_a_declared_promise_names_the_missing_control(complete: Manifest) -> None:
    retention = next(p for p in promises(complete) if p.id == "retention.contact_details")
    assert retention.controls == (ControlId.retention_sweep,)
    assert retention.status == "declared"
    assert retention.missing == (ControlId.retention_sweep,)


def test_marketing_through_mailchimp_rests_on_the_ledger_unsubscribe_and_sync(
    complete: Manifest,
) -> None:
    newsletter = next(p for p in promises(complete) if p.id == "marketing.newsletter")
    assert set(newsletter.controls) == {
        ControlId.consent_ledger,
        ControlId.list_import_filter,
        ControlId.unsubscribe,
        ControlId.mailchimp_sync,
    }


def test_special_category_aggregates_promise_small_cell_suppression(complete: Manifest) -> None:
    aggregate = next(p for p in promises(complete) if p.id == "aggregate.employment")
    assert aggregate.controls == (ControlId.small_cell_suppression,)


def test_only_transfers_outside_the_uk_make_a_transfer_promise(outserve: Manifest) -> None:
    transfers = {p.id for p in promises(outserve) if p.id.startswith("transfer.")}
    assert "transfer.mailchimp" in transfers and "transfer.hmrc" not in transfers


def test_json_lists_promise_control_evidence_and_status(complete: Manifest) -> None:
    data = json.loads(promise_matrix_json(complete))
    first = data["promises"][0]
    assert set(first) == {"id", "promise", "source", "controls", "evidence", "status", "missing"}
    assert {p["status"] for p in data["promises"]} <= {"enforced", "declared"}
