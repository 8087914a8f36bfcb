"""A small manifest with SQL systems, categories and a retention rule, for dataset-map tests."""

from __future__ import annotations

from pathlib import Path

from tests.unit.manifest.conftest import MINIMAL

SYSTEMS = """\
retention:
  - id: six_years
    description: Kept six years for tax
    trigger_event: collected
    period: 6 years
systems:
  - id: crm
    name: Customer database
    kind: postgresql
  - id: hr
    name: HR database
    kind: mysql
  - id: support
    name: Support tickets
    kind: sqlite
"""

EXTRA_CATEGORIES = """\
  - id: payroll_data
    name: Salary and bank details
  - id: date_of_birth
    name: Date of birth
"""

MAPS_MANIFEST = MINIMAL.replace("purposes:\n", EXTRA_CATEGORIES + "purposes:\n", 1) + SYSTEMS


def write_maps_manifest(folder: Path) -> Path:
    """The manifest as ``folder/manifest.yaml`` (its maps go in ``folder/datasets``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "manifest.yaml"
    path.write_text(MAPS_MANIFEST, encoding="utf-8")
    return path
