"""The data audit page: each third party, its transfer mechanism and whether it holds."""

from __future__ import annotations

from datetime import date

from steward.manifest.schema import Manifest
from steward.notice.data_audit import data_audit
from steward.notice.render import render_markdown


def row_of(markdown: str, name: str) -> str:
    return next(line for line in markdown.splitlines() if line.startswith(f"| {name} |"))


def test_a_dpf_certified_us_processor_is_valid_on_the_notice_date(complete: Manifest) -> None:
    row = row_of(render_markdown(data_audit(complete)), "CloudHost Inc.")
    assert "Yes (United States: UK adequacy regulations)" in row
    assert "In place" in row
    assert "[CloudHost Inc. privacy policy](<https://cloudhost.example/privacy>)" in row


def test_privacy_shield_is_shown_as_not_valid_with_the_reason(outserve: Manifest) -> None:
    dated_today = outserve.model_copy(
        update={"notice": outserve.notice.model_copy(update={"last_updated": date(2026, 11, 26)})}
    )
    row = row_of(render_markdown(data_audit(dated_today)), "Mailchimp (Intuit Inc.)")
    assert "the EU-US Privacy Shield" in row
    assert "No (United States:" in row


def test_a_notice_dated_before_uk_gdpr_is_not_judged_by_uk_transfer_rules(
    outserve: Manifest,
) -> None:
    """The seed is dated 2018-05-15, when the EU GDPR governed and Privacy Shield was valid EU
    law: the audit must not call it invalid on that day (lint judges it on today's date)."""
    row = row_of(render_markdown(data_audit(outserve)), "Mailchimp (Intuit Inc.)")
    assert "the EU-US Privacy Shield" in row
    assert "Not assessed: the notice is dated 15 May 2018" in row
    assert "No (United States:" not in row


def test_processors_without_a_contract_are_flagged(complete: Manifest) -> None:
    assert "| Missing |" in row_of(render_markdown(data_audit(complete)), "IndiaDesk Pvt Ltd")


def test_every_recipient_appears_once(outserve: Manifest) -> None:
    markdown = render_markdown(data_audit(outserve))
    for recipient in outserve.recipients:
        assert sum(line.startswith(f"| {recipient.name} |") for line in markdown.splitlines()) == 1


def test_software_comes_before_authorities_and_other_recipients(outserve: Manifest) -> None:
    markdown = render_markdown(data_audit(outserve))
    assert markdown.index("| Zendesk, Inc. |") < markdown.index("## Other recipients")
    assert markdown.index("## Other recipients") < markdown.index("| HM Revenue & Customs |")
