"""A minimal manifest that lints clean on 2026-11-26, written to YAML so findings have lines."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from steward.lint import Finding, lint
from steward.lint.rule import all_rules
from steward.manifest.load import LoadedManifest, load

ON = dt.date(2026, 11, 26)

BASE: dict[str, Any] = {
    "steward": 1,
    "organisation": {
        "name": "Example Trading Limited",
        "company_number": "01234567",
        "registered_address": {"lines": ["1 High Street", "Stafford"], "postcode": "ST16 1AA"},
        "privacy_contact": {"email": "privacy@example.co.uk"},
        "ico_registration": "ZA123456",
    },
    "notice": {"last_updated": ON, "statements": {}},
    "rights": {
        "channels": ["email", "web_form"],
        "contact": {"email": "privacy@example.co.uk"},
        "complaints": {"form_url": "https://example.co.uk/complaints", "post": True},
    },
    "data_subjects": [{"id": "customer", "name": "Customers"}],
    "data_categories": [
        {"id": "contact_details", "name": "Contact details", "retention": "two_years"},
    ],
    "purposes": [
        {
            "id": "orders",
            "name": "Fulfilling orders",
            "data_subjects": ["customer"],
            "categories": ["contact_details"],
            "lawful_basis": "contract",
            "systems": ["crm"],
            "provision": {
                "requirement": "contractual",
                "obligatory": True,
                "consequence": "We cannot deliver your order without it.",
            },
        },
    ],
    "retention": [
        {
            "id": "two_years",
            "description": "Two years after the last order",
            "trigger_event": "last_order",
            "period": "2 years",
            "action": "delete",
        },
    ],
    "systems": [
        {
            "id": "crm",
            "name": "Orders database",
            "kind": "postgresql",
            "categories": ["contact_details"],
        },
    ],
    "changes": [{"date": ON, "summary": "Reviewed against the law as at 26 November 2026."}],
}

Mutation = Callable[[dict[str, Any]], object]


def base() -> dict[str, Any]:
    return copy.deepcopy(BASE)


def write(folder: Path, document: dict[str, Any]) -> LoadedManifest:
    file = folder / "manifest.yaml"
    file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return load(file)


@pytest.fixture
def lint_rule(tmp_path: Path) -> Callable[..., list[Finding]]:
    """Apply a mutation to the base manifest and return one rule's findings on a date."""

    def run(rule_id: str, mutate: Mutation | None = None, on: dt.date = ON) -> list[Finding]:
        document = base()
        if mutate is not None:
            mutate(document)
        chosen = [r for r in all_rules() if r.id == rule_id]
        assert chosen, f"no rule {rule_id}"
        return list(lint(write(tmp_path, document), on, rules=chosen).findings)

    return run
