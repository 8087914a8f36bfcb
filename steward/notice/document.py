"""A format-neutral document: headings, paragraphs, lists and tables.

Every compiled page is built once as a ``Document`` and rendered to both HTML and Markdown, so
the two formats can never say different things. Sections nest (h2, h3, h4 under the one h1),
which keeps heading order correct by construction (WCAG 2.2 SC 1.3.1, 2.4.6).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: dt.date) -> str:
    """'26 November 2026': the one date format of every output, independent of the locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Missing:
    """A fact the manifest does not give: printed as a visible "Not stated", never filled in.

    One marker, one wording and one style in every output (UK GDPR Art 5(1)(a): a notice must
    not state what the organisation has not declared).
    """

    text: str = "Not stated"

    def __str__(self) -> str:
        return self.text


NOT_STATED = Missing()

Inline = str | Link | Missing


@dataclass(frozen=True)
class Paragraph:
    parts: tuple[Inline, ...]

    @property
    def plain(self) -> str:
        return "".join(p if isinstance(p, str) else p.text for p in self.parts)

    @property
    def not_stated(self) -> bool:
        return any(isinstance(p, Missing) for p in self.parts)


@dataclass(frozen=True)
class Prose(Paragraph):
    """Generated explanation that the organisation's own paragraph for the section replaces.

    Facts the manifest declares (tables, lists, contact details) are never ``Prose``: they stay
    beside the organisation's words, so its paragraph and Steward's cannot say a thing twice or
    say opposite things (docs/outputs.md, "Your own paragraphs").
    """


def prose(*parts: Inline) -> Prose:
    return Prose(para(*parts).parts)


def _marked(part: Inline) -> Iterable[Inline]:
    """Text that says "Not stated" carries the marker, so every output styles it the same way."""
    if not isinstance(part, str) or NOT_STATED.text not in part:
        yield part
        return
    pieces = part.split(NOT_STATED.text)
    for index, piece in enumerate(pieces):
        if index:
            yield NOT_STATED
        if piece:
            yield piece


def para(*parts: Inline) -> Paragraph:
    return Paragraph(tuple(marked for part in parts for marked in _marked(part)))


@dataclass(frozen=True)
class Items:
    """A bulleted list."""

    entries: tuple[Paragraph, ...]


def items(entries: Iterable[Paragraph | Inline]) -> Items:
    return Items(tuple(e if isinstance(e, Paragraph) else para(e) for e in entries))


@dataclass(frozen=True)
class Table:
    """A data table; the first cell of each row is that row's header (th scope="row")."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Paragraph, ...], ...]


def table(
    caption: str, columns: Iterable[str], rows: Iterable[Iterable[Paragraph | Inline]]
) -> Table:
    cells = tuple(tuple(c if isinstance(c, Paragraph) else para(c) for c in row) for row in rows)
    header = tuple(columns)
    for row in cells:
        if len(row) != len(header):
            raise ValueError(
                f"table {caption!r}: a row has {len(row)} cells for {len(header)} columns"
            )
    return Table(caption, header, cells)


Block = Paragraph | Items | Table


@dataclass(frozen=True)
class Section:
    """A headed part of a page; ``covers`` names the RULES.md items it states (e.g. N13.1.c)."""

    id: str
    title: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    title: str
    summary: Paragraph
    sections: tuple[Section, ...]
    last_updated: dt.date

    def section(self, section_id: str) -> Section:
        """The section (at any depth) with this id."""
        stack = list(self.sections)
        while stack:
            current = stack.pop(0)
            if current.id == section_id:
                return current
            stack.extend(current.subsections)
        raise KeyError(section_id)
