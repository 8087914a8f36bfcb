"""Finding concepts in the manifest's free text (notice statements and other text fields).

Some seed errors live only in the organisation's own paragraphs (RULES.md §13). The DUAA changed
wording whose exact text is UNCONFIRMED, so each rule tests for a *concept* (a family of
phrasings), never one exact sentence (RULES.md R9.3 wording caution).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from steward.lint.context import LintContext
from steward.lint.rule import Issue

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Wording:
    """A concept to find in one sentence (or, with ``whole_text``, in one field's text).

    ``unless`` clears a match found in the same sentence/text; ``unless_anywhere`` clears it if
    any text in the manifest says it; ``needs`` lists concepts the same text must also state
    (the finding names those missing); ``from_date`` applies the rule only once the law changed.
    ``context`` must also appear within ``window`` characters of the match (the whole unit
    when ``window`` is None) for the match to count: the same words mean different things near
    "cookies" or near "unsubscribe". A concept found in several texts is one finding with
    every place (grouped by ``message``).
    """

    pattern: re.Pattern[str]
    message: str
    unless: re.Pattern[str] | None = None
    unless_anywhere: re.Pattern[str] | None = None
    needs: tuple[tuple[str, re.Pattern[str]], ...] = field(default=())
    whole_text: bool = False
    from_date: date | None = None
    context: re.Pattern[str] | None = None
    window: int | None = None


def _units(text: str, whole: bool) -> list[str]:
    return [text] if whole else _SENTENCE_END.split(text)


def find_wording(ctx: LintContext, wording: Wording) -> Iterator[Issue]:
    """Issues where the concept appears in the manifest's text fields."""
    if wording.from_date is not None and ctx.on < wording.from_date:
        return
    if wording.unless_anywhere is not None and any(
        wording.unless_anywhere.search(text) for _, text in ctx.texts
    ):
        return
    for path, text in ctx.texts:
        for unit in _units(text, wording.whole_text):
            match = _first_in_context(wording, unit)
            if match is None or (wording.unless is not None and wording.unless.search(unit)):
                continue
            missing = [label for label, concept in wording.needs if not concept.search(unit)]
            if wording.needs and not missing:
                continue
            detail = f"; it does not mention {', '.join(missing)}" if missing else ""
            yield Issue(
                path,
                f'{wording.message}: "{_quote(unit, match)}"{detail}',
                quote=match.group(0),
                group=wording.message,
            )
            break


def _first_in_context(wording: Wording, unit: str) -> re.Match[str] | None:
    """The first match of the concept that has its context nearby (or any, without context)."""
    for match in wording.pattern.finditer(unit):
        if wording.context is None:
            return match
        if wording.window is None:
            near = unit
        else:
            near = unit[max(0, match.start() - wording.window) : match.end() + wording.window]
        if wording.context.search(near):
            return match
    return None


def _quote(unit: str, match: re.Match[str]) -> str:
    start = max(0, match.start() - 40)
    end = min(len(unit), match.end() + 40)
    text = " ".join(unit[start:end].split())
    return ("..." if start else "") + text + ("..." if end < len(unit) else "")
