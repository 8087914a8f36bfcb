"""The lint rules, one module per group; importing this package registers every rule."""

from steward.lint.rules import (
    basis,
    cookies,
    marketing,
    minimisation,
    notice_items,
    retention,
    rights,
    transfers,
    wording_law,
    wording_rights,
)

__all__ = [
    "basis",
    "cookies",
    "marketing",
    "minimisation",
    "notice_items",
    "retention",
    "rights",
    "transfers",
    "wording_law",
    "wording_rights",
]
