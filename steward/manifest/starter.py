"""A starter manifest from a few answers: what ``steward init`` writes.

The starter declares only what the person answered. Everything else the law asks a notice to say
(lawful bases, retention, recipients, sources, ...) is left undeclared on purpose, so that
``steward lint`` lists exactly what remains, and ``steward build`` refuses to publish until it is
done: a starter never puts a statement in a notice that the organisation did not make.
Pure: answers in, file names and YAML text out; the CLI writes them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from steward.law.calendar import Nation

__all__ = ["StarterAnswers", "starter_files"]


@dataclass(frozen=True)
class StarterAnswers:
    """What ``steward init`` asks. ``None`` means the person did not say."""

    name: str
    privacy_email: str
    address_lines: tuple[str, ...]
    postcode: str | None = None
    company_number: str | None = None
    ico_registration: str | None = None
    nation: Nation = Nation.england
    website: str | None = None
    has_customers: bool = True
    has_staff: bool = False
    sends_marketing: bool = False
    today: dt.date = dt.date(2026, 1, 1)
    """The notice's first ``last_updated`` date (the CLI passes today)."""


def _scalar(value: str) -> str:
    """A YAML scalar that reads back as exactly ``value`` (a JSON string is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _lines(*blocks: Iterable[str]) -> str:
    return "\n".join(line for block in blocks for line in block) + "\n"


def _organisation(a: StarterAnswers) -> str:
    optional = [
        f"  company_number: {_scalar(a.company_number)}" if a.company_number else None,
        f"  ico_registration: {_scalar(a.ico_registration)}" if a.ico_registration else None,
        f"  website: {_scalar(a.website)}" if a.website else None,
    ]
    return _lines(
        [
            "# Who you are and how people reach you about their data (docs/manifest.md).",
            "steward: 1",
            "organisation:",
            f"  name: {_scalar(a.name)}",
            f"  nation: {a.nation.value}",
        ],
        [line for line in optional if line],
        [
            "  registered_address:",
            "    lines: [" + ", ".join(_scalar(line) for line in a.address_lines) + "]",
        ],
        [f"    postcode: {_scalar(a.postcode)}"] if a.postcode else [],
        [
            "  privacy_contact:",
            f"    email: {_scalar(a.privacy_email)}",
            "notice:",
            f"  last_updated: {a.today.isoformat()}",
            "# How people exercise their rights: add post, phone or a web form if you offer them.",
            "rights:",
            "  channels: [email]",
            "  contact:",
            f"    email: {_scalar(a.privacy_email)}",
        ],
    )


def _processing(a: StarterAnswers) -> str:
    subjects: list[str] = []
    purposes: list[str] = []
    if a.has_customers or not (a.has_staff or a.sends_marketing):
        subjects += ["  - id: customer", "    name: Customers"]
        purposes += [
            "  - id: service_delivery",
            "    name: Providing our services to customers",
            "    data_subjects: [customer]",
            "    categories: [contact_details]",
        ]
    if a.has_staff:
        subjects += ["  - id: staff", "    name: Staff"]
        purposes += [
            "  - id: employment",
            "    name: Employing our staff",
            "    data_subjects: [staff]",
            "    categories: [contact_details]",
        ]
    if a.sends_marketing:
        if not a.has_customers:
            subjects += ["  - id: customer", "    name: Customers"]
        purposes += [
            "  - id: marketing",
            "    name: Telling customers about our services",
            "    data_subjects: [customer]",
            "    categories: [contact_details]",
        ]
    return _lines(
        [
            "# Whose data you hold, what data, and why. Each purpose still needs its lawful",
            "# basis, retention, sources and recipients: `steward lint` lists what is missing.",
            "data_subjects:",
        ],
        subjects,
        [
            "data_categories:",
            "  - id: contact_details",
            "    name: Contact details",
            "purposes:",
        ],
        purposes,
    )


def starter_files(answers: StarterAnswers) -> dict[str, str]:
    """File name → YAML text of the starter manifest folder."""
    return {
        "organisation.yaml": _organisation(answers),
        "processing.yaml": _processing(answers),
    }
