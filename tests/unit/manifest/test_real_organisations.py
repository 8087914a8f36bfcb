"""The manifest can say what real UK policies say: charities, joint controllers, combined retention,
per-channel and per-right choices, children's rights, and facts a policy leaves out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from steward.errors import ManifestErrors
from steward.law.retention import Anchor, Period
from steward.manifest.load import load_manifest
from steward.manifest.vocabulary import (
    CharityRegulator,
    ContactPoint,
    LegalForm,
    MarketingChannel,
    Right,
    RightsChannel,
    Whichever,
)
from tests.unit.manifest.conftest import WriteManifest

CHARITY = (
    '  company_number: "01234567"\n',
    "  legal_form: charitable_company\n"
    '  company_number: "01234567"\n'
    "  charity_numbers:\n"
    "    - {regulator: england_wales, number: '1123456'}\n"
    "    - {regulator: scotland, number: SC045678}\n",
)


def test_a_charity_declares_its_form_and_numbers_on_each_register(
    write_manifest: WriteManifest,
) -> None:
    organisation = load_manifest(write_manifest(CHARITY)).organisation
    assert organisation.legal_form is LegalForm.charitable_company
    assert [c.regulator for c in organisation.charity_numbers] == [
        CharityRegulator.england_wales,
        CharityRegulator.scotland,
    ]
    assert organisation.registered_charity


def test_a_charity_number_in_the_wrong_registers_form_is_refused(
    write_manifest: WriteManifest,
) -> None:
    bad = (CHARITY[0], CHARITY[1].replace("SC045678", "1123457"))
    with pytest.raises(ManifestErrors) as caught:
        load_manifest(write_manifest(bad))
    assert "not a scotland charity number" in str(caught.value)
    assert "charity_numbers[1]" in str(caught.value)


def test_a_sole_trader_needs_no_company_or_ico_number(write_manifest: WriteManifest) -> None:
    path = write_manifest(
        ('  company_number: "01234567"\n', "  legal_form: sole_trader\n"),
        ("  ico_registration: ZA123456\n", ""),
    )
    organisation = load_manifest(path).organisation
    assert organisation.company_number is None
    assert organisation.ico_registration is None


def test_recipient_country_and_role_may_be_left_unstated(write_manifest: WriteManifest) -> None:
    path = write_manifest(("    role: processor\n", ""), ("    country: IE\n", ""))
    recipient = load_manifest(path).recipients[0]
    assert recipient.country is None and recipient.role is None


def test_a_source_names_the_categories_it_supplies(write_manifest: WriteManifest) -> None:
    path = write_manifest(
        (
            "    lawful_basis: contract\n",
            "    lawful_basis: contract\n"
            "    sources:\n"
            "      - {kind: data_subject, categories: [contact_details]}\n",
        )
    )
    assert load_manifest(path).purposes[0].sources[0].categories == ("contact_details",)


def test_a_source_naming_a_category_outside_its_purpose_is_an_error(
    write_manifest: WriteManifest,
) -> None:
    path = write_manifest(
        (
            "    lawful_basis: contract\n",
            "    lawful_basis: contract\n"
            "    sources:\n"
            "      - {kind: third_party, name: NHS, categories: [payment_details]}\n",
        )
    )
    with pytest.raises(ManifestErrors) as caught:
        load_manifest(path)
    error = caught.value.errors[0]
    assert error.field == "purposes[0].sources[0].categories[0]"
    assert error.location is not None and error.location.line > 0


def test_joint_controllers_state_the_essence_and_contact_point(
    write_manifest: WriteManifest,
) -> None:
    path = write_manifest(
        (
            "    role: processor\n",
            "    role: joint_controller\n"
            "    joint_arrangement:\n"
            "      essence: We answer every request; they run the booking system.\n"
            "      contact_point: us\n",
        )
    )
    arrangement = load_manifest(path).recipients[0].joint_arrangement
    assert arrangement is not None and arrangement.contact_point is ContactPoint.us


def test_a_joint_arrangement_on_a_processor_is_refused(write_manifest: WriteManifest) -> None:
    path = write_manifest(
        (
            "    role: processor\n",
            "    role: processor\n    joint_arrangement: {essence: We share it.}\n",
        )
    )
    with pytest.raises(ManifestErrors, match="only for a recipient with role joint_controller"):
        load_manifest(path)


def test_unnamed_destinations_and_staff_abroad_are_declared(
    write_manifest: WriteManifest,
) -> None:
    path = write_manifest(
        ("    country: IE\n", "    country: IE\n    unnamed_destinations: true\n"),
        (
            "  ico_registration: ZA123456\n",
            "  ico_registration: ZA123456\n"
            "  staff_abroad:\n"
            "    - {country: ES, who: Our support team working in Spain}\n",
        ),
    )
    manifest = load_manifest(path)
    assert manifest.recipients[0].unnamed_destinations
    assert manifest.organisation.staff_abroad[0].country == "ES"


def test_retention_combines_criteria_whichever_is_later(write_manifest: WriteManifest) -> None:
    text = (
        "retention:\n"
        "  - id: tax\n"
        "    description: Tax records\n"
        "    trigger_event: employment_ended\n"
        "    anchor: end_of_tax_year\n"
        "    period: 6 years\n"
        "    also: [{trigger_event: claim_settled}]\n"
        "    whichever: later\n"
    )
    path = write_manifest(("recipients:\n", text + "recipients:\n"))
    rule = load_manifest(path).retention[0]
    assert rule.whichever is Whichever.later
    assert rule.anchor is Anchor.end_of_tax_year and rule.period == Period(years=6)
    assert rule.also[0].period is None and rule.action is None


def test_combined_retention_without_whichever_is_refused(write_manifest: WriteManifest) -> None:
    text = (
        "retention:\n  - id: tax\n    description: Tax\n    trigger_event: collected\n"
        "    period: 6 years\n    also: [{trigger_event: claim_settled}]\n"
    )
    with pytest.raises(ManifestErrors, match="whichever"):
        load_manifest(write_manifest(("recipients:\n", text + "recipients:\n")))


def test_opt_out_is_declared_per_channel(write_manifest: WriteManifest) -> None:
    marketing = (
        "    lawful_basis: contract\n",
        "    lawful_basis: consent\n"
        "    marketing:\n"
        "      channels: [email, sms]\n"
        "      pecr_rule: consent\n"
        "      audience: customers\n"
        "      opt_outs:\n"
        "        - {channel: email, at_collection: true, in_every_message: true}\n"
        "        - {channel: sms, in_every_message: false}\n",
    )
    declared = load_manifest(write_manifest(marketing)).purposes[0].marketing
    assert declared is not None
    assert declared.opt_out_for(MarketingChannel.email).in_every_message
    assert not declared.opt_out_for(MarketingChannel.sms).in_every_message


def test_rights_channels_differ_per_right_and_children_rights_are_declared(
    write_manifest: WriteManifest,
) -> None:
    path = write_manifest(
        (
            "rights:\n  channels: [email]\n",
            "rights:\n  channels: [email]\n"
            "  per_right:\n"
            "    - {right: access, channels: [post, in_person]}\n"
            "  children:\n"
            "    parent_or_guardian_acts: true\n"
            "    child_acts_from_age: 12\n",
        )
    )
    rights = load_manifest(path).rights
    assert rights.channels_for(Right.access).channels == (
        RightsChannel.post,
        RightsChannel.in_person,
    )
    assert rights.channels_for(Right.erasure).channels == (RightsChannel.email,)
    assert rights.children is not None and rights.children.child_acts_from_age == 12


def test_a_disclosure_opt_out_must_name_a_recipient_of_the_purpose(
    write_manifest: WriteManifest,
) -> None:
    path = write_manifest(
        (
            "    lawful_basis: contract\n",
            "    lawful_basis: contract\n    disclosure_opt_outs: [{recipient: host}]\n",
        )
    )
    with pytest.raises(ManifestErrors, match="does not share with"):
        load_manifest(path)


def test_explicit_consent_linked_notices_and_children_retention(
    write_manifest: WriteManifest, tmp_path: Path
) -> None:
    path = write_manifest(
        ("    lawful_basis: contract\n", "    lawful_basis: consent\n    explicit_consent: true\n"),
        (
            "  last_updated: 2026-11-26\n",
            "  last_updated: 2026-11-26\n"
            "  linked_notices:\n"
            "    - {title: CCTV notice, url: 'https://example.co.uk/cctv',"
            " purposes: [service_delivery]}\n",
        ),
        (
            "    name: Contact details\n",
            "    name: Contact details\n    children_retention: until_25\n",
        ),
        (
            "recipients:\n",
            "retention:\n  - id: until_25\n    description: Until 25\n"
            "    trigger_event: eighteenth_birthday\n    period: 7 years\n    action: delete\n"
            "recipients:\n",
        ),
    )
    manifest = load_manifest(path)
    assert manifest.purposes[0].explicit_consent
    assert manifest.notice.linked_notices[0].purposes == ("service_delivery",)
    assert manifest.data_categories[0].children_retention == "until_25"


def test_cookie_name_duration_and_retention_action_may_be_unstated(
    write_manifest: WriteManifest,
) -> None:
    path = write_manifest(
        (
            "recipients:\n",
            "cookies:\n  - {provider: Example, purpose: Counts visits, category: analytics,"
            " party: first}\nrecipients:\n",
        )
    )
    cookie = load_manifest(path).cookies[0]
    assert cookie.name is None and cookie.duration is None and cookie.loads is None


def test_steward_schema_describes_the_new_fields() -> None:
    from steward.cli.manifest_commands import manifest_json_schema

    schema = json.loads(manifest_json_schema())
    definitions = schema["$defs"]
    assert "charity_numbers" in definitions["Organisation"]["properties"]
    assert "whichever" in definitions["RetentionRule"]["properties"]
    assert "joint_arrangement" in definitions["Recipient"]["properties"]
    assert "opt_outs" in definitions["Marketing"]["properties"]
    assert "per_right" in definitions["RightsSettings"]["properties"]
    assert "ico_registration" not in definitions["Organisation"].get("required", [])


def test_a_per_channel_opt_out_for_an_unused_channel_is_located(
    write_manifest: WriteManifest,
) -> None:
    path = write_manifest(
        (
            "    lawful_basis: contract\n",
            "    lawful_basis: consent\n"
            "    marketing:\n"
            "      channels: [email]\n"
            "      audience: customers\n"
            "      opt_outs: [{channel: sms, in_every_message: true}]\n",
        )
    )
    with pytest.raises(ManifestErrors) as caught:
        load_manifest(path)
    error = caught.value.errors[0]
    assert "not in 'channels'" in error.message
    assert error.field == "purposes[0].marketing"
    lines = path.read_text(encoding="utf-8").splitlines()
    marketing_starts = lines.index("      channels: [email]") + 1
    assert error.location is not None and error.location.line == marketing_starts
