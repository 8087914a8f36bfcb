"""The Outserve reference declarations: every seed error is caught, the corrected one is clean."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from steward.lint import Severity, lint
from steward.manifest.load import load

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve"
ON = dt.date(2026, 11, 26)
CORRECT_TODAY = {"SEED-30"}


def test_every_seed_error_a_manifest_can_express_is_caught() -> None:
    report = lint(load(OUTSERVE), ON)
    caught = {item for f in report.findings for item in f.covers if item.startswith("SEED-")}
    expected = {f"SEED-{n:02d}" for n in range(1, 33)} - CORRECT_TODAY
    assert expected - caught == set()


def test_corrected_declaration_has_no_findings_at_all() -> None:
    assert lint(load(OUTSERVE / "fixed"), ON).findings == ()


def test_privacy_shield_is_invalid_from_the_first_day_of_uk_gdpr() -> None:
    report = lint(load(OUTSERVE), dt.date(2021, 1, 1))
    assert any(
        f.rule_id == "ST131" and "eu_us_privacy_shield" in f.message for f in report.findings
    )


def test_seed_findings_change_only_where_duplicates_collapse_or_false_findings_go() -> None:
    report = lint(load(OUTSERVE), ON)
    assert (report.count(Severity.error), report.count(Severity.warning)) == (44, 15)
    places = {f.rule_id: f.fields for f in report.findings if f.rule_id in {"ST103", "ST108"}}
    assert places["ST108"] == ("organisation.other_contacts[0]",)
    cctv_and_police = {"purposes[11].provision", "purposes[12].provision"}
    assert cctv_and_police.isdisjoint(places["ST103"])
