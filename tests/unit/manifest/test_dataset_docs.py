"""docs/connectors.md documents every key of a dataset map, so the reference stays whole."""

from __future__ import annotations

from pathlib import Path

from steward.manifest.datasets import CollectionMap, DatasetMap, FieldMap, Restriction

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
