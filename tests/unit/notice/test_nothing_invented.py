"""A notice built from a manifest that declares almost nothing states almost nothing.

Every fact the manifest does not give reads "Not stated", in the HTML and the Markdown alike, and
none of the defaults that used to become public statements appears (UK GDPR Art 5(1)(a), 13, 14).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from steward.notice.cookie_notice import cookie_notice
from steward.notice.document import NOT_STATED, Document, Paragraph, Section
from steward.notice.privacy import privacy_notice
from steward.notice.render import render_html, render_markdown

BARE = """\
organisation:
  name: Bare Organisation
  registered_address: {lines: [1 Some Street, Sometown]}
  privacy_contact: {email: privacy@bare.example}
notice:
  last_updated: 2026-11-26
rights:
  channels: [email]
  contact: {email: privacy@bare.example}
data_subjects:
  - {id: customer, name: Customers}
data_categories:
  - {id: contact_details, name: Contact details}
purposes:
  - id: service
    name: Providing the service
    data_subjects: [customer]
    categories: [contact_details]
    recipients: [host]
  - id: reporting
    name: Reporting totals
    data_subjects: [customer]
    categories: [contact_details]
    aggregate_only: true
recipients:
  - {id: host, name: Host Ltd, category: Hosting}
retention:
  - {id: keep, description: Kept a while, trigger_event: collected, period: 2 years}
cookies:
  - {provider: Analytics Co, purpose: Counts visits, category: analytics, party: third}
"""

NOT_STATED_ITEMS = {
    "legal form and registration": ("about", "Legal form and registration: Not stated"),
    "ICO registration": ("about", "ICO registration number: Not stated"),
    "Data Protection Officer": ("about", "Data Protection Officer: Not stated"),
    "how data is obtained": ("personal-data", "Personal data\nNot stated"),
    "lawful basis": ("purposes", "Contact details\nNot stated"),
    "recipient's role": ("sharing", "Role: Not stated"),
    "recipient's country": ("transfers", "Where it is based: Not stated"),
    "retention": ("retention", "Contact details\nNot stated"),
    "identity checks": ("rights", "How we check who you are: Not stated."),
    "whether consent is relied on": ("withdraw-consent", "rely on your consent: Not stated."),
    "automated decisions": ("automated-decisions", "automated processing: Not stated."),
    "provision": ("provision", "Providing the service\nNot stated\nNot stated\nNot stated"),
    "complaints route": ("complaints", "How to complain to us: Not stated."),
    "security measures": ("security", "How we keep your data secure: Not stated."),
    "smallest published count": ("purposes", "the smallest count we publish: Not stated"),
    "when cookies load": ("cookies", "When these are set: Not stated"),
}

INVENTED = (
    "do not transfer",
    "solely on automated processing, including",
    "We acknowledge your complaint",
    "before they take effect",
    "count below 10",
    "only after you agree",
    "only set if you agree",
    "not appointed",
    "law does not require",
    "reasonable doubt",
    "a company registered",
    "Ask us at",
    "From you",
)


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    path = tmp_path_factory.mktemp("bare") / "manifest.yaml"
    path.write_text(BARE, encoding="utf-8")
    return load_manifest(path)


def _text(section: Section) -> str:
    lines = [section.title]
    for block in section.blocks:
        if isinstance(block, Paragraph):
            lines.append(block.plain)
        elif hasattr(block, "entries"):
            lines.extend(entry.plain for entry in block.entries)
        else:
            lines.extend(cell.plain for row in block.rows for cell in row)
    return "\n".join(lines)


def _section(document: Document, section_id: str) -> str:
    text = _text(document.section(section_id))
    return re.sub(r"\n(?=Not stated)", "\n", text).replace("\n\n", "\n")


@pytest.mark.parametrize("item", sorted(NOT_STATED_ITEMS))
def test_an_undeclared_fact_reads_not_stated(bare: Manifest, item: str) -> None:
    section_id, expected = NOT_STATED_ITEMS[item]
    assert expected.replace("\n\n", "\n") in _section(privacy_notice(bare), section_id)


@pytest.mark.parametrize("phrase", INVENTED)
def test_no_default_becomes_a_statement(bare: Manifest, phrase: str) -> None:
    notice = privacy_notice(bare)
    assert phrase not in render_markdown(notice)
    assert phrase not in render_html(notice, "Bare Organisation")


def test_not_stated_is_marked_the_same_way_in_html_and_markdown(bare: Manifest) -> None:
    notice = privacy_notice(bare)
    html = render_html(notice, "Bare Organisation")
    markdown = render_markdown(notice)
    marked_html = html.count('<em class="not-stated">Not stated</em>')
    marked_markdown = markdown.count("*Not stated*")
    assert marked_html >= len(NOT_STATED_ITEMS)
    assert marked_html == marked_markdown == html.count("Not stated")
    assert markdown.count("Not stated") == marked_markdown


def test_the_cookie_notice_marks_a_missing_name_duration_and_load_time(bare: Manifest) -> None:
    markdown = render_markdown(cookie_notice(bare))
    row = next(line for line in markdown.splitlines() if line.startswith("| *Not stated* |"))
    assert row.count("*Not stated*") == 3
    assert "Where to change your cookie choices: *Not stated*." in markdown


def test_not_stated_is_one_constant(bare: Manifest) -> None:
    assert str(NOT_STATED) == "Not stated"


def test_the_example_outserve_fixed_states_every_fact_its_policy_gives() -> None:
    fixed = load_manifest(Path(__file__).resolve().parents[3] / "examples/outserve/fixed")
    text = render_markdown(privacy_notice(fixed))
    assert "We have not appointed a Data Protection Officer." in text
    assert "we hide any count below 10" in text
