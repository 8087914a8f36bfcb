"""Canonical JSON: one byte string for one document, so a signature over it means one thing.

Keys sorted (by code point), no insignificant whitespace, UTF-8 without ``\\u`` escapes for
non-ASCII text, and no floating-point numbers at all (their text form differs between
languages; counts are integers and everything else is text). Anyone can rebuild the bytes:
Python's ``json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`` or
``jq -jcS``, which is what docs/evidence.md tells a third party to do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from steward.errors import InvalidInput


def canonical_bytes(value: object) -> bytes:
    """The canonical encoding of ``value`` (dicts with text keys, lists, text, ints, bools, null).

    Raises InvalidInput naming the path of a float or of any other value JSON cannot carry
    exactly.
    """
    _check(value, "$")
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _check(value: object, path: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        raise InvalidInput(
            "a number with a fraction cannot be signed (its text form is not canonical)",
            where=path,
            hint="record counts as integers and anything else as text",
        )
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput("a key is not text", where=path, hint="use text keys")
            _check(item, f"{path}.{key}")
        return
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")
        return
    raise InvalidInput(
        f"a {type(value).__name__} cannot be put in a signed document",
        where=path,
        hint="convert dates and times to ISO 8601 text first",
    )
