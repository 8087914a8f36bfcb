"""Cells a spreadsheet would run as formulas, made inert before any CSV Steward writes holds them.

A CSV file is data, but Excel, LibreOffice and Google Sheets read a cell that begins with ``=``,
``+``, ``-`` or ``@`` as a formula, and a tab or carriage return in front can hide one. A formula
in a list somebody opens (an "address" of ``=HYPERLINK(...)`` typed into a sign-up form, a
manifest value) can leak the sheet's data or start a program: OWASP's CSV injection guidance. The
guidance's remedy is to begin such a cell with a single quote, which every spreadsheet shows as
text; Steward does that, once, here, for every CSV it writes (``marketing filter``'s outputs, the
Art 30 record). The full-width forms (``＝`` ``＋`` ``－`` ``＠``) are treated the same, as some
spreadsheets read them as formulas in East Asian locales.

Two kinds of cell that begin with a sign are left as they are, because no spreadsheet can run
them: a plain number (``-12.5``, ``+447700900123``, ``-1e3``) is read as that number, and a lone
``-`` (a common "none" placeholder, e.g. for a phone) is read as text. Anything else beginning
with ``-`` or ``+`` (``-2+3``, ``+44 20 7946 0000``, ``-john@example.org``) gains the quote, so a
program that reads the file back sees ``'`` in front; docs/outputs.md and docs/consent.md say so.

This module imports only the standard library, so the consent rules and the notice compiler
(which may import only the manifest and the law) can both use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
"""First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""

NEUTRALISER = "'"
_PLAIN_NUMBER = re.compile(r"[+-](?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def formula_safe(cell: str) -> str:
    """``cell`` as a spreadsheet will show it and never run it."""
    if not cell or cell[0] not in FORMULA_STARTS:
        return cell
    if cell == "-" or _PLAIN_NUMBER.fullmatch(cell):
        return cell
    return NEUTRALISER + cell


def formula_safe_row(cells: Iterable[str]) -> list[str]:
    return [formula_safe(cell) for cell in cells]
