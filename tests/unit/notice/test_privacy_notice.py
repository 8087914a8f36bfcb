"""The privacy notice states every Art 13/14 item from the manifest (RULES.md §9)."""

from __future__ import annotations

import pytest

from steward.law.notice_items import ART13_ITEMS, ART14_ITEMS, EXTRA_NOTICE_ITEMS, Item
from steward.manifest.schema import Manifest
from steward.notice import wording
from steward.notice.document import Document, Section
from steward.notice.privacy import privacy_notice
from steward.notice.render import render_html, render_markdown


def text_of(section: Section) -> str:
    parts = [section.title]
    for block in section.blocks:
        if hasattr(block, "rows"):
            parts += [block.caption, *(c.plain for row in block.rows for c in row)]
        elif hasattr(block, "entries"):
            parts += [e.plain for e in block.entries]
        else:
            parts.append(block.plain)
    parts += [text_of(s) for s in section.subsections]
    return "\n".join(parts)


def notice_text(document: Document, section_id: str) -> str:
    return text_of(document.section(section_id))


def test_each_purpose_is_stated_with_its_lawful_basis(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "purposes")
    for purpose in complete.purposes:
        assert purpose.name in text
        assert wording.lawful_basis(purpose.lawful_basis) in text


def test_legitimate_interests_pursued_are_stated(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "purposes")
    assert "Finding businesses likely to need our services." in text


def test_controller_identity_contacts_and_dpo_are_stated(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "about")
    for fact in (
        "Example Ltd",
        "01234567",
        "privacy@example.co.uk",
        "dpo@example.co.uk",
        "ZA123456",
    ):
        assert fact in text


def test_without_a_dpo_or_a_statement_about_one_the_notice_says_not_stated(
    outserve: Manifest,
) -> None:
    text = notice_text(privacy_notice(outserve), "about")
    assert "Data Protection Officer: Not stated." in text
    assert "not appointed" not in text


def test_every_recipient_is_named_with_its_country(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "sharing")
    for recipient in complete.recipients:
        assert recipient.name in text
    assert "India" in text and "United States" in text


def test_transfers_say_adequacy_or_the_safeguard_and_how_to_get_a_copy(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "transfers")
    assert (
        "United States: covered by UK adequacy regulations for recipients on the Data "
        "Privacy Framework List participating in the UK Extension" in text
    )
    assert "India: protected by the ICO's International Data Transfer Agreement (IDTA)" in text
    assert "Email privacy@example.co.uk for a copy of the IDTA." in text


def test_a_transfer_with_no_valid_safeguard_is_not_dressed_up(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "transfers")
    assert "OldVendor Inc." in text
    assert "no safeguard valid on 26 November 2026 is in place" in text
    assert "Privacy Shield" not in text


def test_transfers_are_described_as_outside_the_uk_never_the_eu(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "transfers")
    assert "outside the UK" in text
    assert "EU" not in text.replace("EU-US", "")


def test_retention_is_stated_for_every_category(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "retention")
    for category in complete.data_categories:
        assert category.name in text
    assert "6 years after the contract ends, then deleted (Limitation Act 1980 s.5)" in text
    assert "2 years after we collect it, then anonymised" in text


def test_a_category_without_retention_is_shown_as_not_stated(outserve: Manifest) -> None:
    assert "Usernames and passwords | *Not stated*" in render_markdown(privacy_notice(outserve))


def test_objection_to_direct_marketing_has_its_own_section_and_is_absolute(
    complete: Manifest,
) -> None:
    section = privacy_notice(complete).section("object-to-marketing")
    assert section.title == "Your right to object to direct marketing"
    assert "absolute" in text_of(section) and "we must stop" in text_of(section)


def test_rights_list_every_right_and_the_response_time(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "rights")
    for right in ("Access", "Rectification", "Erasure", "Restriction", "Portability", "Objection"):
        assert f"{right}:" in text
    assert "one month of receiving your request" in text
    assert "two further months" in text


def test_consent_can_be_withdrawn_where_it_is_relied_on(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "withdraw-consent")
    assert "Email newsletter" in text and "withdraw it at any time" in text


def test_complaints_go_to_the_controller_first_and_to_the_ico(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "complaints")
    assert "complaint form" in text and "within 30 days" in text and "s.164A" in text
    assert "Information Commissioner's Office (ICO)" in text


def test_provision_requirement_and_consequence_are_stated(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "provision")
    assert "Needed to enter into a contract" in text and "We cannot provide the service." in text


def test_automated_decisions_give_logic_significance_and_arts_22a_22d(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "automated-decisions")
    assert "A score from company size and sector." in text
    assert "Decides whether we contact you." in text
    assert "Arts 22A-22D" in text


def test_data_not_from_the_person_names_categories_and_source(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "personal-data")
    assert "Bought business leads" in text and "Lead broker Ltd" in text
    assert "Art 14" in text


def test_special_category_and_criminal_data_name_their_conditions(complete: Manifest) -> None:
    text = notice_text(privacy_notice(complete), "special-category")
    assert "UK GDPR Art 9(2)(b)" in text and "DPA 2018 Sch 1 para 1" in text
    assert "UK GDPR Art 10" in text and "APD-HR-1" in text
    assert "the smallest count we publish: Not stated" in notice_text(
        privacy_notice(complete), "purposes"
    )


def test_statements_are_carried_verbatim_in_their_section(outserve: Manifest) -> None:
    notice = privacy_notice(outserve)
    for key, home in (
        ("transfers", "transfers"),
        ("right_to_object", "rights"),
        ("complaints", "complaints"),
    ):
        assert outserve.notice.statements[key] in notice_text(notice, home)


def test_statements_with_no_known_home_go_under_more_information(complete: Manifest) -> None:
    assert "We never sell personal data." in notice_text(
        privacy_notice(complete), "more-information"
    )


def test_changes_are_listed_newest_first_and_the_notice_is_dated(complete: Manifest) -> None:
    notice = privacy_notice(complete)
    text = notice_text(notice, "changes")
    assert notice.last_updated.isoformat() == "2026-11-26"
    assert text.index("26 November 2026") < text.index("5 February 2026")


def test_the_notice_names_the_uk_regime(complete: Manifest) -> None:
    summary = privacy_notice(complete).summary.plain
    assert "UK General Data Protection Regulation (UK GDPR)" in summary
    assert "Data Protection Act 2018" in summary and "PECR" in summary


NOTICE_ITEMS = (*ART13_ITEMS, *ART14_ITEMS, *EXTRA_NOTICE_ITEMS)


@pytest.mark.parametrize("item", NOTICE_ITEMS, ids=lambda item: item.id)
def test_every_art_13_and_14_item_is_stated_in_a_section(complete: Manifest, item: Item) -> None:
    notice = privacy_notice(complete)
    stating = [s for s in sections(notice) if item.id in s.covers]
    assert stating, f"no section states {item.id}: {item.text}"
    assert all(s.blocks for s in stating)
    assert item.id not in render_html(notice, "Example Ltd"), "internal ids stay out of outputs"


def sections(document: Document) -> list[Section]:
    found, stack = [], list(document.sections)
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(current.subsections)
    return found
