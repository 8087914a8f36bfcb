"""What real policies declare reaches the notice as they declare it, and only that.

Sources per category, CCTV worded as recording, the organisation's own paragraph replacing
Steward's prose (but never its facts), joint controllers, per-right channels, children's rights,
disclosures unless you object, charities, staff abroad and unnamed destinations.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from steward.notice.cookie_notice import consent_summary
from steward.notice.document import Prose, Section, para, table
from steward.notice.privacy import privacy_notice
from steward.notice.render import render_markdown
from steward.notice.statements import with_statements
from tests.unit.notice.test_nothing_invented import BARE

WriteManifest = Callable[..., Path]


@pytest.fixture
def write_manifest(tmp_path: Path) -> WriteManifest:
    """Write BARE with ``old -> new`` replacements (each must apply); return the file."""

    def write(*replacements: tuple[str, str], text: str = BARE) -> Path:
        for old, new in replacements:
            assert old in text, f"replacement {old!r} does not apply"
            text = text.replace(old, new, 1)
        path = tmp_path / "manifest.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def _bare(write_manifest: WriteManifest, *replacements: tuple[str, str]) -> Manifest:
    return load_manifest(write_manifest(*replacements))


def _section_md(m: Manifest, heading: str) -> str:
    text = render_markdown(privacy_notice(m))
    start = text.index(f"## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_a_source_supplies_only_the_categories_it_names(write_manifest: WriteManifest) -> None:
    m = _bare(
        write_manifest,
        (
            "  - {id: contact_details, name: Contact details}\n",
            "  - {id: contact_details, name: Contact details}\n"
            "  - {id: payment_details, name: Payment details}\n",
        ),
        (
            "    categories: [contact_details]\n    recipients: [host]\n",
            "    categories: [contact_details, payment_details]\n    recipients: [host]\n"
            "    sources:\n"
            "      - {kind: third_party, name: The NHS, categories: [contact_details]}\n"
            "      - {kind: data_subject, categories: [payment_details]}\n",
        ),
    )
    text = _section_md(m, "The personal data we use")
    assert "| Payment details |  | Personal data | From you |" in text
    assert "Payment details |  | Personal data | From another organisation" not in text
    assert "From another organisation (The NHS)" in text


def test_cctv_is_recorded_not_collected_by_the_website(write_manifest: WriteManifest) -> None:
    m = _bare(
        write_manifest,
        (
            "    categories: [contact_details]\n    recipients: [host]\n",
            "    categories: [contact_details]\n    recipients: [host]\n"
            "    sources: [{kind: automatic}]\n    systems: [cameras]\n",
        ),
        ("cookies:\n", "systems:\n  - {id: cameras, name: Cameras, kind: cctv}\ncookies:\n"),
    )
    text = _section_md(m, "The personal data we use")
    assert "Recorded by CCTV cameras" in text
    assert "website" not in text


def test_own_paragraph_replaces_prose_but_the_facts_stay() -> None:
    section = Section(
        "transfers",
        "Transfers outside the UK",
        (Prose(("We do not transfer your personal data outside the UK.",)), table("T", ["A"], [])),
    )
    manifest_statements = {"transfers": "We send data to our US host under the IDTA."}

    class _Notice:
        statements = manifest_statements

    class _Manifest:
        notice = _Notice()

    combined = with_statements(section, _Manifest())  # type: ignore[arg-type]
    assert combined.blocks[0] == para("We send data to our US host under the IDTA.")
    assert [type(b).__name__ for b in combined.blocks] == ["Paragraph", "Table"]


def test_a_statement_on_one_right_replaces_only_that_rights_line(
    write_manifest: WriteManifest,
) -> None:
    m = _bare(
        write_manifest,
        (
            "  last_updated: 2026-11-26\n",
            "  last_updated: 2026-11-26\n"
            "  statements:\n"
            "    right_of_access: You can ask for a copy of everything we hold about you.\n",
        ),
    )
    text = _section_md(m, "Your rights")
    assert "- Access: You can ask for a copy of everything we hold about you." in text
    assert "(UK GDPR Art 15)" not in text
    assert "- Erasure: ask us to delete your data" in text
    assert text.count("You can ask for a copy of everything") == 1


def test_joint_controllers_show_the_essence_and_where_to_go(
    write_manifest: WriteManifest,
) -> None:
    m = _bare(
        write_manifest,
        (
            "  - {id: host, name: Host Ltd, category: Hosting}\n",
            "  - id: host\n    name: Partner Trust\n    category: Joint service\n"
            "    role: joint_controller\n    country: GB\n"
            "    joint_arrangement: {essence: We answer all requests., contact_point: us}\n",
        ),
    )
    text = _section_md(m, "Who we share your data with")
    assert "| Partner Trust | We answer all requests. | Contact us first | *Not stated* |" in text
    assert "(UK GDPR Art 26(3))" in text


def test_rights_channels_per_right_and_childrens_rights(write_manifest: WriteManifest) -> None:
    m = _bare(
        write_manifest,
        (
            "  contact: {email: privacy@bare.example}\ndata_subjects:",
            "  contact: {email: privacy@bare.example}\n"
            "  per_right: [{right: access, channels: [post]}]\n"
            "  children: {parent_or_guardian_acts: true, child_acts_from_age: 12}\n"
            "data_subjects:",
        ),
    )
    text = _section_md(m, "Your rights")
    assert "| Access | By post. Email" in text
    assert "From the age of 12 a child uses their own rights" in text
    assert "a parent or guardian can use them for a child who cannot" in text


def test_a_disclosure_unless_you_object_says_how_to_object(
    write_manifest: WriteManifest,
) -> None:
    m = _bare(
        write_manifest,
        (
            "    recipients: [host]\n",
            "    recipients: [host]\n"
            "    disclosure_opt_outs: [{recipient: host, how: Tell reception.}]\n",
        ),
    )
    text = _section_md(m, "Who we share your data with")
    assert "we share your data with Host Ltd unless you object. How to object: Tell reception." in (
        text
    )


def test_a_charity_states_its_numbers_and_form(write_manifest: WriteManifest) -> None:
    m = _bare(
        write_manifest,
        (
            "  name: Bare Organisation\n",
            "  name: Bare Organisation\n  legal_form: cio\n"
            "  charity_numbers: [{regulator: england_wales, number: '1187654'},"
            " {regulator: scotland, number: SC051234}]\n",
        ),
    )
    text = _section_md(m, "Who we are and how to contact us")
    assert "Controller: Bare Organisation, a charitable incorporated organisation (CIO)." in text
    assert "Registered charity in England and Wales, number 1187654." in text
    assert "Scottish charity, number SC051234." in text
    assert "Legal form and registration" not in text


def test_staff_abroad_and_unnamed_destinations_are_stated(write_manifest: WriteManifest) -> None:
    m = _bare(
        write_manifest,
        (
            "  - {id: host, name: Host Ltd, category: Hosting}\n",
            "  - {id: host, name: Host Ltd, category: Hosting, role: processor, country: GB,"
            " unnamed_destinations: true}\n",
        ),
        (
            "  privacy_contact: {email: privacy@bare.example}\n",
            "  privacy_contact: {email: privacy@bare.example}\n"
            "  staff_abroad: [{country: ES, who: Our support team}]\n",
        ),
    )
    text = _section_md(m, "Transfers outside the UK")
    assert "Other countries outside the UK, not named: None declared" not in text
    assert "| Host Ltd | Other countries outside the UK, not named: *Not stated* |" in text
    assert "- Our support team (Spain)" in text
    assert "do not transfer" not in text


def test_the_seed_policys_own_paragraphs_are_not_followed_by_the_opposite(
    outserve: Manifest,
) -> None:
    text = render_markdown(privacy_notice(outserve))
    automated = text[text.index("## Automated") : text.index("## Do you have")]
    assert "we currently don't use automated decision-making" in automated
    assert "We do not make decisions" not in automated and "Not stated" not in automated
    transfers = text[text.index("## Transfers") : text.index("## How long")]
    assert "does transfer and store personal data outside the EU" in transfers
    assert "do not transfer" not in transfers
    assert "| Mailchimp (Intuit Inc.) |" in transfers  # the declared facts stay


def test_cookies_set_before_consent_are_named_not_hidden_behind_only_if_you_agree(
    outserve: Manifest,
) -> None:
    summary = consent_summary(outserve)
    assert "only after you agree" not in summary
    assert "_ga (when the page loads)" in summary
    assert "vuid (when you click to play or open it)" in summary
