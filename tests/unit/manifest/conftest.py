"""A minimal valid manifest and a way to write variations of it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

MINIMAL = """\
steward: 1
organisation:
  name: Example Ltd
  company_number: "01234567"
  registered_address:
    lines: [1 High Street, Exampleton]
    postcode: EX1 1AA
  privacy_contact:
    email: privacy@example.co.uk
  ico_registration: ZA123456
notice:
  last_updated: 2026-11-26
rights:
  channels: [email]
  contact:
    email: privacy@example.co.uk
data_subjects:
  - id: customer
    name: Customers
data_categories:
  - id: contact_details
    name: Contact details
purposes:
  - id: service_delivery
    name: Delivering the service
    data_subjects: [customer]
    categories: [contact_details]
    lawful_basis: contract
recipients:
  - id: host
    name: Hosting Ltd
    role: processor
    category: Hosting
    country: IE
"""

WriteManifest = Callable[..., Path]


@pytest.fixture
def write_manifest(tmp_path: Path) -> WriteManifest:
    """Write MINIMAL with ``old -> new`` replacements (each must apply) to a file; return it."""

    def write(*replacements: tuple[str, str], text: str = MINIMAL, name: str = "m.yaml") -> Path:
        for old, new in replacements:
            assert old in text, f"fixture replacement {old!r} does not apply"
            text = text.replace(old, new, 1)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
