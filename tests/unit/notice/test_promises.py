"""The promise matrix derives each promise from the manifest and never overstates its status."""

from __future__ import annotations

import json
from datetime import date

from steward.manifest.schema import Manifest
from steward.notice.controls import CONTROLS, ControlId, ControlKind
from steward.notice.promises import (
    PromiseStatus,
    concerns,
    promise_matrix,
    promise_matrix_json,
    promises,
)


def by_id(manifest: Manifest) -> dict[str, object]:
    return {p.id: p for p in promises(manifest)}


def test_every_purpose_promises_its_lawful_basis(complete: Manifest) -> None:
    found = by_id(complete)
    assert all(f"basis.{p.id}" in found for p in complete.purposes)


def test_every_category_promises_its_retention(complete: Manifest) -> None:
    found = by_id(complete)
    assert all(f"retention.{c.id}" in found for c in complete.data_categories)


def test_a_promise_is_enforced_only_when_run_time_controls_keep_it_and_all_exist(
    complete: Manifest,
) -> None:
    for promise in promises(complete):
        runtime = [c for c in promise.controls if CONTROLS[c].kind is ControlKind.runtime]
        kept = bool(runtime) and all(CONTROLS[c].implemented for c in promise.controls)
        assert (promise.status is PromiseStatus.enforced) == (kept and not promise.own_control)


def test_a_promise_whose_control_is_missing_is_checked_only_and_names_it(
    complete: Manifest,
) -> None:
    retention = next(p for p in promises(complete) if p.id == "retention.contact_details")
    assert retention.controls == (ControlId.retention_sweep,)
    assert retention.status is PromiseStatus.checked
    assert retention.missing == (ControlId.retention_sweep,)
    assert "missing Retention sweep" in retention.reason


def test_a_promise_resting_only_on_lint_is_checked_never_enforced(complete: Manifest) -> None:
    basis = next(p for p in promises(complete) if p.id.startswith("basis."))
    assert basis.status is PromiseStatus.checked
    assert "no Steward control acts on it at run time" in basis.reason


def test_the_organisations_own_security_measures_are_never_steward_enforced(
    complete: Manifest,
) -> None:
    own = [p for p in promises(complete) if p.id.startswith("security.") and p.own_control]
    assert len(own) == len(complete.organisation.security_measures) > 0
    assert {p.status for p in own} == {PromiseStatus.organisation}
    assert all(p.controls == () for p in own)
    store = next(p for p in promises(complete) if p.id == "security.steward_store")
    assert store.status is PromiseStatus.enforced


def test_no_promise_is_enforced_while_lint_reports_an_error_against_it(
    complete: Manifest,
) -> None:
    newsletter_at = next(i for i, p in enumerate(complete.purposes) if p.id == "newsletter")
    before = next(p for p in promises(complete) if p.id == "marketing.newsletter")
    assert before.status is PromiseStatus.enforced
    errors = [f"purposes[{newsletter_at}].marketing.pecr_rule"]
    after = next(
        p for p in promises(complete, error_fields=errors) if p.id == "marketing.newsletter"
    )
    assert after.status is PromiseStatus.checked
    assert after.lint_errors == 1
    assert "lint reports 1 error against this declaration" in after.reason


def test_an_error_on_the_whole_entry_counts_against_each_of_its_promises() -> None:
    assert concerns("purposes[2]", "purposes[2].marketing")
    assert concerns("purposes[2].marketing.pecr_rule", "purposes[2].marketing")
    assert concerns("purposes[2].marketing", "purposes[2].marketing")
    assert not concerns("purposes[2].retention", "purposes[2].marketing")
    assert not concerns("purposes[20].marketing", "purposes[2].marketing")
    assert not concerns("purposes[2].marketing_note", "purposes[2].marketing")


def test_the_matrix_counts_each_state_separately(complete: Manifest) -> None:
    summary = promise_matrix(complete).summary.plain
    found = promises(complete)
    for status, words in (
        (PromiseStatus.enforced, "are enforced by Steward at run time"),
        (PromiseStatus.checked, "are checked in the declaration only"),
        (PromiseStatus.organisation, "rest on the organisation's own controls"),
    ):
        assert f"{sum(1 for p in found if p.status is status)} {words}" in summary


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
    assert set(first) == {
        "id",
        "promise",
        "source",
        "controls",
        "evidence",
        "status",
        "reason",
        "missing",
        "lint_errors",
    }
    assert {p["status"] for p in data["promises"]} == {"enforced", "checked", "organisation"}


def test_the_complaints_promise_is_made_only_once_the_s164a_duty_is_in_force(
    complete: Manifest,
) -> None:
    before = complete.model_copy(
        update={"notice": complete.notice.model_copy(update={"last_updated": date(2026, 6, 18)})}
    )
    on_the_day = complete.model_copy(
        update={"notice": complete.notice.model_copy(update={"last_updated": date(2026, 6, 19)})}
    )
    assert "rights.complaints" not in by_id(before)
    assert "rights.complaints" in by_id(on_the_day)


def test_the_aggregate_promise_names_no_threshold_the_manifest_did_not_give(
    complete: Manifest,
) -> None:
    aggregate = next(p for p in promises(complete) if p.id == "aggregate.employment")
    assert "10" not in aggregate.text


def test_a_declared_suppression_threshold_is_promised_as_declared(complete: Manifest) -> None:
    at = next(i for i, p in enumerate(complete.purposes) if p.id == "employment")
    declared = complete.model_copy(
        update={
            "purposes": tuple(
                p.model_copy(update={"suppression_threshold": 5}) if i == at else p
                for i, p in enumerate(complete.purposes)
            )
        }
    )
    aggregate = next(p for p in promises(declared) if p.id == "aggregate.employment")
    assert aggregate.text.endswith("with any count below 5 hidden.")
