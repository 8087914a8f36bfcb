"""The lint rules, one module per group; importing this package registers every rule."""

from steward.lint.rules import (
    basis,
    basis_fit,
    cookies,
    marketing,
    minimisation,
    notice_items,
    retention,
    rights,
    rights_text,
    transfers,
    wording_fairness,
    wording_law,
    wording_rights,
)

__all__ = [
    "basis",
    "basis_fit",
    "cookies",
    "marketing",
    "minimisation",
    "notice_items",
    "retention",
    "rights",
    "rights_text",
    "transfers",
    "wording_fairness",
    "wording_law",
    "wording_rights",
]
