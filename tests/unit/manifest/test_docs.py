"""docs/manifest.md documents every field of every manifest model, so the reference stays whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

from steward.manifest.schema import Manifest

DOC = Path(__file__).resolve().parents[3] / "docs" / "manifest.md"


def _models(model: Any, seen: set[Any]) -> None:
    if model in seen:
        return
    seen.add(model)
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                _models(annotation, seen)
            stack.extend(get_args(annotation))


def test_every_field_of_every_model_has_a_row_in_docs_manifest_md() -> None:
    text = DOC.read_text(encoding="utf-8")
    models: set[Any] = set()
    _models(Manifest, models)
    missing = sorted(
        f"{model.__name__}.{name}"
        for model in models
        for name in model.model_fields
        if f"| `{name}` |" not in text
    )
    assert missing == []
