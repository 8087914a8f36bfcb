"""A problem that repeats is one finding with every place, in every output format."""

from __future__ import annotations

import json
from pathlib import Path

from steward.lint import lint
from steward.lint.output import json_report, text_report
from steward.lint.rule import all_rules
from tests.unit.lint.conftest import ON, base, write

LI = {
    "lawful_basis": "legitimate_interests",
    "legitimate_interests": "Running our shop",
}


def _twelve_purposes_without_lia() -> dict[str, object]:
    document = base()
    template = document["purposes"][0]
    document["purposes"] = [
        {**template, **LI, "id": f"purpose_{n}", "name": f"Purpose {n}"} for n in range(12)
    ]
    return document


def test_twelve_missing_lias_are_one_finding_listing_twelve_places(tmp_path: Path) -> None:
    rules = [r for r in all_rules() if r.id == "ST110"]
    report = lint(write(tmp_path, _twelve_purposes_without_lia()), ON, rules=rules)
    [finding] = report.findings
    assert len(finding.places) == 12
    assert finding.fields[0] == "purposes[0].lia_reference"
    assert finding.fields[11] == "purposes[11].lia_reference"
    assert "(12 places)" in finding.message
    assert len({p.line for p in finding.places}) == 12


def test_text_report_lists_every_place_under_the_one_finding(tmp_path: Path) -> None:
    rules = [r for r in all_rules() if r.id == "ST110"]
    text = text_report(lint(write(tmp_path, _twelve_purposes_without_lia()), ON, rules=rules))
    assert text.count(": error ST110 ") == 1
    assert text.count(": note: ST110 here: ") == 12
    assert text.endswith("1 error, 0 warnings, 0 infos (law applied as at 2026-11-26)")


def test_json_report_carries_every_location(tmp_path: Path) -> None:
    rules = [r for r in all_rules() if r.id == "ST110"]
    document = json.loads(
        json_report(lint(write(tmp_path, _twelve_purposes_without_lia()), ON, rules=rules))
    )
    [finding] = document["findings"]
    assert [loc["field"] for loc in finding["locations"]] == [
        f"purposes[{n}].lia_reference" for n in range(12)
    ]


def test_a_single_occurrence_keeps_its_own_message(tmp_path: Path) -> None:
    document = base()
    document["purposes"][0].update(LI)
    rules = [r for r in all_rules() if r.id == "ST110"]
    [finding] = lint(write(tmp_path, document), ON, rules=rules).findings
    assert (
        finding.message == "purpose 'orders' relies on legitimate interests with no LIA reference"
    )
    assert len(finding.places) == 1
