"""The response package: deterministic bytes, formula-safe CSV, and the notice's Art 15 facts."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from steward.connectors.protocol import Record, RecordKey
from steward.errors import InvalidInput
from steward.evidence.certificate import signed_certificate
from steward.evidence.signing import new_private_key
from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from steward.notice.privacy import privacy_notice
from steward.notice.render import render_html
from steward.requests.outcome import ExportedRecords, RequestOutcome, StepAction
from steward.requests.package import ResponsePackage, write_response_package
from tests.unit.evidence.outcomes import access_outcome, step

FIXED = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
PRIVATE = new_private_key()

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
recipients:
  - {id: host, name: Host Ltd, category: Hosting}
"""


@pytest.fixture(scope="module")
def outserve() -> Manifest:
    return load_manifest(FIXED)


def outcome() -> RequestOutcome:
    base = access_outcome()
    return replace(
        base,
        scope=replace(base.scope, systems=("hubspot", "zendesk")),
        steps=(
            step("hubspot", "contacts", StepAction.search, 2),
            step("hubspot", "contacts", StepAction.export, 2),
            step("zendesk", "tickets", StepAction.search, 1),
            step("zendesk", "tickets", StepAction.export, 1),
        ),
    )


def records() -> ExportedRecords:
    return {
        ("hubspot", "contacts"): [
            Record(
                RecordKey("contacts", ("901",)),
                {"email": "jo@example.org", "note": '=HYPERLINK("http://x")', "vip": True},
            ),
            Record(RecordKey("contacts", ("17",)), {"email": "jo@example.org", "score": 3}),
        ],
        ("zendesk", "tickets"): [
            Record(RecordKey("tickets", ("5",)), {"subject": "@SUM(A1)", "closed": None})
        ],
        ("zendesk", "users"): [],
    }


def build(
    manifest: Manifest,
    the_outcome: RequestOutcome | None = None,
    the_records: ExportedRecords | None = None,
) -> tuple[bytes, ResponsePackage]:
    chosen = the_outcome or outcome()
    certificate = signed_certificate(
        chosen, organisation=manifest.organisation.name, private_pem=PRIVATE
    )
    stream = io.BytesIO()
    package = write_response_package(
        stream,
        records=records() if the_records is None else the_records,
        manifest=manifest,
        outcome=chosen,
        certificate=certificate,
    )
    return stream.getvalue(), package


def entry(content: bytes, name: str) -> str:
    return zipfile.ZipFile(io.BytesIO(content)).read(name).decode("utf-8-sig")


def test_the_package_holds_json_and_csv_per_collection_the_certificate_and_a_summary(
    outserve: Manifest,
) -> None:
    content, package = build(outserve)
    assert zipfile.ZipFile(io.BytesIO(content)).namelist() == [
        "certificate.json",
        "hubspot/contacts.csv",
        "hubspot/contacts.json",
        "index.html",
        "zendesk/tickets.csv",
        "zendesk/tickets.json",
    ]
    assert package.names == tuple(zipfile.ZipFile(io.BytesIO(content)).namelist())


def test_the_same_input_gives_the_same_bytes_and_digest(outserve: Manifest) -> None:
    first, package = build(outserve)
    second, again = build(outserve)
    assert first == second
    assert package.digest == again.digest
    assert package.size == len(first)


def test_the_json_holds_every_record_sorted_by_key(outserve: Manifest) -> None:
    document = json.loads(entry(build(outserve)[0], "hubspot/contacts.json"))
    assert [r["key"] for r in document["records"]] == [["17"], ["901"]]
    assert document["records"][1]["fields"]["vip"] is True


def test_csv_cells_that_a_spreadsheet_would_run_are_made_inert(outserve: Manifest) -> None:
    content = build(outserve)[0]
    contacts = list(csv.DictReader(io.StringIO(entry(content, "hubspot/contacts.csv"))))
    tickets = list(csv.DictReader(io.StringIO(entry(content, "zendesk/tickets.csv"))))
    assert contacts[1]["note"] == '\'=HYPERLINK("http://x")'
    assert tickets[0]["subject"] == "'@SUM(A1)"
    assert tickets[0]["closed"] == ""


def test_the_package_carries_the_signed_certificate_unchanged(outserve: Manifest) -> None:
    content = build(outserve)[0]
    expected = signed_certificate(
        outcome(), organisation=outserve.organisation.name, private_pem=PRIVATE
    )
    assert zipfile.ZipFile(io.BytesIO(content)).read("certificate.json") == expected


def test_a_certificate_for_another_request_is_refused(outserve: Manifest) -> None:
    other = signed_certificate(
        replace(outcome(), request_id="REQ-OTHER"), organisation="O", private_pem=PRIVATE
    )
    with pytest.raises(InvalidInput, match="REQ-OTHER"):
        write_response_package(
            io.BytesIO(), records=records(), manifest=outserve, outcome=outcome(), certificate=other
        )


def _section(html: str, section_id: str) -> str:
    found = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert found, section_id
    return found.group(0)


@pytest.mark.parametrize(
    "section_id",
    ["purposes", "personal-data", "sharing", "transfers", "retention", "rights", "complaints"],
)
def test_the_summary_states_the_art_15_facts_as_the_privacy_notice_does(
    outserve: Manifest, section_id: str
) -> None:
    index = entry(build(outserve)[0], "index.html")
    notice = render_html(privacy_notice(outserve), outserve.organisation.name)
    assert _section(notice, section_id) in index


def test_the_summary_names_outserves_purposes_recipients_and_retention(
    outserve: Manifest,
) -> None:
    index = entry(build(outserve)[0], "index.html")
    assert "Delivering our services and answering queries" in index
    assert "HubSpot, Inc." in index
    assert "How long we keep your data" in index


def test_the_summary_names_the_purposes_using_each_system_where_data_was_found(
    outserve: Manifest,
) -> None:
    found = _section(entry(build(outserve)[0], "index.html"), "purposes-found")
    assert "HubSpot" in found
    assert "Delivering our services and answering queries" in found


def test_what_the_manifest_does_not_declare_reads_not_stated(tmp_path: Path) -> None:
    (tmp_path / "manifest.yaml").write_text(BARE)
    index = entry(build(load_manifest(tmp_path / "manifest.yaml"))[0], "index.html")
    assert '<em class="not-stated">Not stated</em>' in _section(index, "purposes")
    assert '<em class="not-stated">Not stated</em>' in _section(index, "retention")


def test_an_incomplete_response_says_so_and_names_the_system(outserve: Manifest) -> None:
    incomplete = replace(outcome(), unreachable=("zendesk",))
    index = entry(build(outserve, incomplete)[0], "index.html")
    assert "This response is incomplete" in index
    assert "zendesk" in index


def test_a_complete_response_does_not_say_incomplete(outserve: Manifest) -> None:
    assert "This response is incomplete" not in entry(build(outserve)[0], "index.html")


def test_record_values_are_escaped_in_file_names_and_the_summary(outserve: Manifest) -> None:
    hostile = {("hubspot", "<script>alert(1)</script>"): records()[("hubspot", "contacts")]}
    content = build(outserve, the_records=hostile)[0]
    index = entry(content, "index.html")
    assert "<script>alert" not in index
    names = zipfile.ZipFile(io.BytesIO(content)).namelist()
    assert "hubspot/_script_alert_1___script_.json" in names


def test_a_collection_named_dot_dot_is_refused(outserve: Manifest) -> None:
    with pytest.raises(InvalidInput, match="file name"):
        build(outserve, the_records={("hubspot", ".."): records()[("hubspot", "contacts")]})


def test_records_kept_under_a_hold_are_listed_with_the_reason(outserve: Manifest) -> None:
    held = replace(
        outcome(),
        steps=(
            *outcome().steps,
            step(
                "hubspot",
                "contacts",
                StepAction.keep,
                1,
                kept_because=("Invoices are kept six years (Taxes Management Act 1970)",),
            ),
        ),
    )
    index = entry(build(outserve, held)[0], "index.html")
    assert "Data we keep, and why" in index
    assert "Invoices are kept six years (Taxes Management Act 1970)" in index
