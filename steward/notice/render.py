"""Render a ``Document`` as accessible HTML or as Markdown.

HTML: lang="en-GB", a skip link, one h1, nested sections for ordered headings, tables with a
caption and th scope, underlined links, and nothing that needs CSS or JavaScript to be read
(WCAG 2.2 AA; the ICO asks that privacy information be easy to access and understand, UK GDPR
Art 12(1)). Markdown: the same content for repositories and intranets.
"""

from __future__ import annotations

import re
from functools import cache

import jinja2

from steward.notice.document import (
    Block,
    Document,
    Inline,
    Items,
    Link,
    Paragraph,
    Section,
    Table,
    long_date,
)


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("steward.notice", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    environment.globals["long_date"] = long_date
    return environment


def render_html(document: Document, organisation: str) -> str:
    return (
        _environment().get_template("page.html.j2").render(doc=document, organisation=organisation)
    )


def render_html_body(document: Document) -> str:
    """The page's body, from its h1 to its last section, for a site that has its own layout
    (the privacy centre): the same words and markup as ``render_html``'s ``main``."""
    return _environment().get_template("document.html.j2").render(doc=document)


def render_section_html(section: Section, level: int = 2) -> str:
    """One section (with its subsections) as the notice pages render it."""
    return _environment().get_template("section.html.j2").render(s=section, level=level)


_WHITESPACE = re.compile(r"\s+")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _WHITESPACE.sub(" ", text))


def _part(part: Inline) -> str:
    if isinstance(part, str):
        return _escape(part)
    if isinstance(part, Link):
        return f"[{_escape(part.text)}](<{part.url}>)"
    return f"*{_escape(part.text)}*"


def _inline(paragraph: Paragraph) -> str:
    return "".join(_part(part) for part in paragraph.parts)


def _block(block: Block) -> str:
    if isinstance(block, Items):
        return "\n".join(f"- {_inline(entry)}" for entry in block.entries)
    if isinstance(block, Table):
        lines = [
            f"*{_escape(block.caption)}*",
            "",
            "| " + " | ".join(_escape(c) for c in block.columns) + " |",
            "|" + "---|" * len(block.columns),
        ]
        lines.extend("| " + " | ".join(_inline(cell) for cell in row) + " |" for row in block.rows)
        return "\n".join(lines)
    return _inline(block)


def _section(section: Section, level: int) -> list[str]:
    parts = [f"{'#' * level} {_escape(section.title)}"]
    parts.extend(_block(b) for b in section.blocks)
    for sub in section.subsections:
        parts.extend(_section(sub, level + 1))
    return parts


def section_markdown(section: Section) -> str:
    """One top-level section (with its subsections) as ``render_markdown`` writes it."""
    return "\n\n".join(_section(section, 2))


def render_markdown(document: Document) -> str:
    parts = [f"# {_escape(document.title)}"]
    if document.draft:
        parts.append(f"> **Draft, not for publication:** {_escape(document.draft)}")
    parts += [
        _inline(document.summary),
        f"Last updated: {long_date(document.last_updated)}",
    ]
    for section in document.sections:
        parts.extend(_section(section, 2))
    return "\n\n".join(parts) + "\n"
