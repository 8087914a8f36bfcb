"""Who is told of a change (Art 19), from the Outserve manifest, and how."""

from __future__ import annotations

from pathlib import Path

import pytest

from steward.errors import InvalidInput
from steward.requests.kinds import RequestKind
from steward.requests.recipients import (
    NoticeRoute,
    notice_text,
    recipients_for_person,
    recipients_to_tell,
)
from tests.unit.requests.manifests import (
    PENSION_CONTACT,
    outserve,
    outserve_with_pension_contact,
)


def test_erasing_contact_details_tells_every_recipient_of_a_purpose_using_them() -> None:
    told = recipients_to_tell(outserve(), ["contact_details"])

    assert [r.recipient_id for r in told] == [
        "mailchimp",
        "hubspot",
        "zendesk",
        "pension_provider",
        "hmrc",
        "police",
    ]


def test_a_recipient_told_only_on_request_is_left_to_staff_to_check_the_disclosures() -> None:
    (police,) = [
        r for r in recipients_to_tell(outserve(), ["contact_details"]) if r.recipient_id == "police"
    ]

    assert police.route is NoticeRoute.manual
    assert "disclosure register" in police.note


def test_a_recipient_hosting_a_system_acted_on_is_told_through_its_connector() -> None:
    told = {
        r.recipient_id: r
        for r in recipients_to_tell(
            outserve(), ["contact_details"], acted_on={"hubspot", "mailchimp"}
        )
    }

    assert told["hubspot"].route is NoticeRoute.connector
    assert told["hubspot"].systems == ("hubspot",)
    assert told["mailchimp"].route is NoticeRoute.connector
    assert told["zendesk"].route is NoticeRoute.manual


def test_a_recipient_without_a_contact_address_is_a_manual_step_for_staff() -> None:
    told = {r.recipient_id: r for r in recipients_to_tell(outserve(), ["payroll_data"])}

    assert told["hmrc"].route is NoticeRoute.manual
    assert told["hmrc"].manual_step.startswith("tell HM Revenue & Customs (hmrc)")


def test_a_recipient_with_a_contact_address_is_told_by_email(tmp_path: Path) -> None:
    manifest = outserve_with_pension_contact(tmp_path)

    (pension,) = [
        r
        for r in recipients_to_tell(manifest, ["emergency_contacts"])
        if r.recipient_id == "pension_provider"
    ]

    assert pension.route is NoticeRoute.email
    assert pension.address == PENSION_CONTACT
    assert pension.purposes == ("employment",)


def test_a_category_only_kept_in_house_has_nobody_to_tell() -> None:
    assert recipients_to_tell(outserve(), ["survey_responses"]) == ()


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no data category shoe_size"):
        recipients_to_tell(outserve(), ["shoe_size"])


def test_the_person_is_told_who_the_recipients_are() -> None:
    names = recipients_for_person(recipients_to_tell(outserve(), ["marketing_preferences"]))

    assert names == ("Mailchimp (Intuit Inc.) (Email marketing platform)",)


def test_the_notice_names_the_change_the_reference_and_the_article() -> None:
    (mailchimp,) = recipients_to_tell(outserve(), ["marketing_preferences"])

    text = notice_text(
        RequestKind.erasure,
        mailchimp,
        organisation="Outserve Ltd",
        request_reference="R-2026-0042",
        person="ann@example.org",
    )

    assert text.subject == "Outserve Ltd: data erasure under UK GDPR Art 19 (R-2026-0042)"
    assert "erased personal data about the person identified as ann@example.org" in text.text


def test_access_is_not_a_change_recipients_are_told_of() -> None:
    (mailchimp,) = recipients_to_tell(outserve(), ["marketing_preferences"])

    with pytest.raises(InvalidInput, match="not access"):
        notice_text(
            RequestKind.access, mailchimp, organisation="O", request_reference="R", person="x"
        )
