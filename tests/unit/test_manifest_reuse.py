"""A long-running process (a worker runs one job per step) reuses the parsed manifest and dataset
maps while their files are unchanged, and reads them again as soon as one changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from steward.bootstrap import declared_manifest, load_settings
from steward.errors import ManifestError

FIXED = Path(__file__).resolve().parents[2] / "examples" / "outserve" / "fixed"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.upper().startswith("STEWARD_"):
            monkeypatch.delenv(name)


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    folder = tmp_path / "manifest"
    shutil.copytree(FIXED, folder)
    return folder


def test_an_unchanged_manifest_is_parsed_once(manifest: Path) -> None:
    settings = load_settings(manifest=manifest)
    assert declared_manifest(settings) is declared_manifest(settings)


def test_an_edited_manifest_is_read_again_even_at_the_same_size(manifest: Path) -> None:
    settings = load_settings(manifest=manifest)
    before = declared_manifest(settings)
    assert before is not None and before.organisation.name == "Outserve Limited"
    file = manifest / "organisation.yaml"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace("Outserve Limited", "Outserve Limites"), encoding="utf-8")
    after = declared_manifest(settings)
    assert after is not None and after.organisation.name == "Outserve Limites"


def test_a_manifest_made_invalid_is_refused_not_served_from_memory(manifest: Path) -> None:
    settings = load_settings(manifest=manifest)
    declared_manifest(settings)
    (manifest / "organisation.yaml").write_text("steward: [\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"organisation\.yaml"):
        declared_manifest(settings)
