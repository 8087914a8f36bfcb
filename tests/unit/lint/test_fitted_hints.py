"""Fix hints fit the organisation: a hospital is not pointed at the employment condition."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from steward.lint import lint
from steward.lint.rule import all_rules
from tests.unit.lint.conftest import ON, base, write


def _health_purpose_for(kind_id: str, kind_name: str) -> dict[str, Any]:
    document = base()
    document["data_subjects"] = [{"id": kind_id, "name": kind_name}]
    document["data_categories"].append(
        {
            "id": "health",
            "name": "Health records",
            "special_category": "health",
            "retention": "two_years",
        }
    )
    purpose = document["purposes"][0]
    purpose["data_subjects"] = [kind_id]
    purpose["categories"] = ["contact_details", "health"]
    document["systems"][0]["categories"] = ["contact_details", "health"]
    return document


def _hint(tmp_path: Path, rule_id: str, document: dict[str, Any]) -> str:
    rules = [r for r in all_rules() if r.id == rule_id]
    [finding] = lint(write(tmp_path, document), ON, rules=rules).findings
    return finding.hint


def test_patients_health_data_is_pointed_at_the_health_care_condition(tmp_path: Path) -> None:
    hint = _hint(tmp_path, "ST111", _health_purpose_for("patient", "Patients"))
    assert "9(2)(h)" in hint and "para_2" in hint
    assert "para_1" not in hint


def test_employees_health_data_is_pointed_at_the_employment_condition(tmp_path: Path) -> None:
    hint = _hint(tmp_path, "ST111", _health_purpose_for("employee", "Employees"))
    assert "9(2)(b)" in hint and "para_1" in hint


def test_guests_dietary_needs_are_pointed_at_explicit_consent(tmp_path: Path) -> None:
    hint = _hint(tmp_path, "ST111", _health_purpose_for("guest", "Restaurant guests"))
    assert "9(2)(a)" in hint


def test_fraud_investigation_is_pointed_at_the_fraud_condition(tmp_path: Path) -> None:
    document = base()
    document["purposes"][0]["name"] = "Investigating suspected fraud"
    assert "para_14" in _hint(tmp_path, "ST113", document)


def test_pupils_safeguarding_disclosures_are_pointed_at_safeguarding(tmp_path: Path) -> None:
    document = base()
    document["data_subjects"] = [{"id": "pupil", "name": "Pupils", "includes_children": True}]
    document["purposes"][0]["data_subjects"] = ["pupil"]
    document["purposes"][0]["description"] = "Referrals to the Disclosure and Barring Service."
    document["purposes"][0]["lawful_basis"] = "legal_obligation"
    assert "para_18" in _hint(tmp_path, "ST113", document)


def test_consent_based_special_category_use_is_pointed_at_explicit_consent(
    tmp_path: Path,
) -> None:
    document = _health_purpose_for("patient", "Patients")
    document["purposes"][0]["lawful_basis"] = "consent"
    hint = _hint(tmp_path, "ST111", document)
    assert "9(2)(a)" in hint and "explicit_consent" in hint
