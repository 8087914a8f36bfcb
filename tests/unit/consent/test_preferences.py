"""What the preferences page offers, and what each change is recorded as."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from steward.consent.events import ConsentEventKind, PersonRef
from steward.consent.preferences import (
    change_for,
    marketing_offers,
    objection_in_force,
    preferences,
    undeclared_offer,
    wording_version,
)
from steward.consent.state import ConsentState, ConsentStatus
from steward.errors import InvalidInput
from steward.manifest.load import load_manifest

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
ON = dt.date(2026, 12, 4)
WHEN = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def state(purpose: str, status: ConsentStatus, channel: str = "email") -> ConsentState:
    kind = {
        ConsentStatus.GIVEN: ConsentEventKind.GIVEN,
        ConsentStatus.SOFT_OPT_IN: ConsentEventKind.SOFT_OPT_IN_ESTABLISHED,
        ConsentStatus.WITHDRAWN: ConsentEventKind.WITHDRAWN,
        ConsentStatus.UNSUBSCRIBED: ConsentEventKind.UNSUBSCRIBED,
        ConsentStatus.OBJECTED: ConsentEventKind.OBJECTED,
    }[status]
    return ConsentState(PersonRef("p1"), purpose, channel, status, kind, "e1", WHEN, "test", "")


def offers():  # type: ignore[no-untyped-def]
    return {o.purpose: o for o in marketing_offers(load_manifest(OUTSERVE))}


def test_every_marketing_purpose_is_offered_and_nothing_else() -> None:
    assert set(offers()) == {"client_marketing", "corporate_client_marketing", "contact_marketing"}
    assert marketing_offers(None) == ()


def test_agreeing_is_offered_only_where_the_wording_is_declared() -> None:
    found = offers()
    assert found["contact_marketing"].give_blocked is None
    assert "Art 7(1)" in (found["client_marketing"].give_blocked or "")


def test_a_stop_for_individuals_is_a_channel_opt_out_and_for_companies_an_unsubscribe() -> None:
    found = offers()
    rows = {r.purpose: r for r in preferences(found.values(), (), ON)}
    individual = change_for(rows["contact_marketing"], opt_in=False)
    assert (individual.kind, individual.opted_in) == (ConsentEventKind.PREFERENCE_CHANGED, False)
    corporate = change_for(rows["corporate_client_marketing"], opt_in=False)
    assert (corporate.kind, corporate.opted_in) == (ConsentEventKind.UNSUBSCRIBED, None)


def test_agreeing_records_the_exact_wording_and_its_digest_version() -> None:
    row = preferences([offers()["contact_marketing"]], (), ON)[0]
    version = offers()["contact_marketing"].wording_version
    with pytest.raises(InvalidInput, match="needs the version"):
        change_for(row, opt_in=True)
    change = change_for(row, opt_in=True, shown_version=version)
    assert change.opted_in is True
    assert change.wording == offers()["contact_marketing"].wording
    assert change.wording_version == wording_version(change.wording)
    assert len(change.wording_version) <= 50


def test_agreeing_where_it_is_not_offered_says_why() -> None:
    row = preferences([offers()["client_marketing"]], (), ON)[0]
    with pytest.raises(InvalidInput, match="not offered here") as raised:
        change_for(row, opt_in=True)
    assert "Art 7(1)" in (raised.value.hint or "")


def test_an_objection_to_all_marketing_blocks_agreeing_and_stops_every_row() -> None:
    objected = state("direct_marketing", ConsentStatus.OBJECTED)
    rows = preferences(offers().values(), (objected,), ON)
    assert objection_in_force((objected,)) == objected
    for row in rows:
        assert not row.can_give
        assert row.stopped_by == objected
    consent_row = next(r for r in rows if r.purpose == "contact_marketing")
    assert "Art 21(3)" in (consent_row.give_blocked or "")


def test_an_unsubscribe_on_one_channel_stops_the_purpose_on_the_others() -> None:
    offer = offers()["contact_marketing"]
    two_channels = type(offer)(**{**offer.__dict__, "channels": ("email", "sms")})
    unsubscribed = state("contact_marketing", ConsentStatus.UNSUBSCRIBED, channel="sms")
    rows = {r.channel: r for r in preferences([two_channels], (unsubscribed,), ON)}
    assert rows["sms"].refused and rows["sms"].stopped_by is None
    assert rows["email"].stopped_by == unsubscribed
    assert rows["email"].status is None


def test_a_row_already_agreed_offers_only_stopping() -> None:
    row = preferences(
        [offers()["contact_marketing"]], (state("contact_marketing", ConsentStatus.GIVEN),), ON
    )[0]
    assert row.can_stop and not row.can_give


def test_a_purpose_the_manifest_no_longer_declares_can_still_be_stopped() -> None:
    row = preferences([undeclared_offer("old_newsletter", "email")], (), ON)[0]
    assert row.can_stop and not row.can_give
    assert change_for(row, opt_in=False).kind is ConsentEventKind.UNSUBSCRIBED
