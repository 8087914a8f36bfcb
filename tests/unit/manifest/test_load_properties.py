"""Whatever a person writes, loading either succeeds or raises a StewardError."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from steward.errors import StewardError
from steward.manifest.load import load
from tests.unit.manifest.conftest import MINIMAL

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.dates(),
)
keys = st.sampled_from(
    [
        "steward",
        "organisation",
        "notice",
        "rights",
        "purposes",
        "id",
        "name",
        "lawful_basis",
        "categories",
        "country",
        "period",
        "cookies",
        "x",
    ]
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(keys, st.text(max_size=8)), inner, max_size=5),
    ),
    max_leaves=30,
)


def _loads_or_steward_error(path: Path) -> None:
    with contextlib.suppress(StewardError):
        load(path)


@SETTINGS
@given(text=st.text(max_size=300))
def test_any_text_loads_or_raises_a_steward_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    _loads_or_steward_error(path)


@SETTINGS
@given(document=documents)
def test_any_yaml_structure_loads_or_raises_a_steward_error(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    _loads_or_steward_error(path)


@SETTINGS
@given(section=keys, value=documents)
def test_any_change_to_a_valid_manifest_loads_or_raises_a_steward_error(
    tmp_path: Path, section: str, value: Any
) -> None:
    base = yaml.safe_load(MINIMAL)
    base[section] = value
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(base), encoding="utf-8")
    _loads_or_steward_error(path)
