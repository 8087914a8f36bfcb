"""The Outserve manifest as the request tests read it, and a variation with a contact address."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"
PENSION_CONTACT = "schemes@pensions.example"


@cache
def outserve() -> Manifest:
    return load_manifest(OUTSERVE)


def outserve_with_pension_contact(folder: Path) -> Manifest:
    """Outserve, with a contact address for its pension provider (a recipient it e-mails)."""
    copy = folder / "outserve"
    shutil.copytree(OUTSERVE, copy)
    recipients = copy / "recipients.yaml"
    text = recipients.read_text(encoding="utf-8")
    anchor = "    category: Pension provider\n"
    assert anchor in text
    recipients.write_text(
        text.replace(anchor, f"{anchor}    contact:\n      email: {PENSION_CONTACT}\n"),
        encoding="utf-8",
    )
    return load_manifest(copy)
