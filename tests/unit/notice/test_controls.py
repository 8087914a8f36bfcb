"""The matrix's "enforced" is honest: a control counts as implemented only if its code exists."""

from __future__ import annotations

import importlib

import pytest

from steward.notice.controls import CONTROLS, Control


def module_exists(name: str) -> bool:
    """A real module or package with code, not an empty namespace directory."""
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError:
        return False
    return getattr(module, "__file__", None) is not None


@pytest.mark.parametrize("control", CONTROLS.values(), ids=lambda c: c.id.value)
def test_a_control_is_implemented_exactly_when_its_module_exists(control: Control) -> None:
    assert control.implemented == module_exists(control.module), (
        f"{control.id}: update implemented= in steward/notice/controls.py"
    )
