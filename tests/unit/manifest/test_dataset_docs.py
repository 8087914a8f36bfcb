"""docs/connectors.md documents every key of a dataset map, so the reference stays whole."""

from __future__ import annotations

from pathlib import Path

from steward.manifest.dataset_load import load_dataset_maps
from steward.manifest.datasets import CollectionMap, DatasetMap, FieldMap, Restriction
from steward.manifest.load import load_manifest
from tests.dataset_maps_manifest import MAPS_MANIFEST

DOC = Path(__file__).resolve().parents[3] / "docs" / "connectors.md"


def test_every_key_of_a_dataset_map_has_a_row_in_docs_connectors_md() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = sorted(
        f"{model.__name__}.{name}"
        for model in (DatasetMap, CollectionMap, Restriction, FieldMap)
        for name in model.model_fields
        if f"| `{name}` |" not in text
    )

    assert missing == []


def test_the_example_map_in_docs_connectors_md_loads(tmp_path: Path) -> None:
    section = DOC.read_text(encoding="utf-8").split("## Mapping a database", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    manifest_file = tmp_path / "manifest.yaml"
    manifest_file.write_text(MAPS_MANIFEST.replace("id: six_years", "id: tax_six_years"), "utf-8")
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "crm.yaml").write_text(example, "utf-8")

    (loaded,) = load_dataset_maps(tmp_path / "datasets", load_manifest(manifest_file))

    assert [c.name for c in loaded.collections] == ["customers", "orders"]
