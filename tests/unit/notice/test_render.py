"""Compiled pages are accessible HTML and faithful Markdown (WCAG 2.2; UK GDPR Art 12(1))."""

from __future__ import annotations

import datetime as dt
import itertools
from html.parser import HTMLParser

import pytest

from steward.notice.document import Document, Link, Section, items, para, table
from steward.notice.render import render_html, render_markdown


class Outline(HTMLParser):
    """What a screen reader relies on: language, headings, tables, links."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[int] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tables = 0
        self.captions = 0
        self.th_without_scope = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a":
            self.links.append(str(found.get("href")))
        self.tables += tag == "table"
        self.captions += tag == "caption"
        self.th_without_scope += tag == "th" and found.get("scope") not in ("col", "row")
        self.scripts += tag == "script"


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    parser.close()
    return parser


SAMPLE = Document(
    title="Sample <notice>",
    summary=para("Plain words & ", Link("a link", "https://example.co.uk/?a=1&b=2"), "."),
    sections=(
        Section(
            "first",
            "First",
            (para("Cookie _ga and *stars* | pipes"), items(["one", "two"])),
            (
                Section(
                    "inner",
                    "Inner",
                    (table("Things", ("Name", "Value"), [("_ga", "2 years"), ("a|b", "x")]),),
                ),
            ),
        ),
        Section("second", "Second"),
    ),
    last_updated=dt.date(2026, 11, 26),
)


def test_html_declares_british_english() -> None:
    assert outline(render_html(SAMPLE, "Example Ltd")).lang == "en-GB"


def test_html_has_exactly_one_h1_and_headings_never_skip_a_level() -> None:
    levels = outline(render_html(SAMPLE, "Example Ltd")).headings
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))


def test_skip_link_points_at_the_main_content() -> None:
    page = outline(render_html(SAMPLE, "Example Ltd"))
    assert page.links[0] == "#main"
    assert "main" in page.ids


def test_every_table_has_a_caption_and_every_header_cell_a_scope() -> None:
    page = outline(render_html(SAMPLE, "Example Ltd"))
    assert page.tables == page.captions == 1
    assert page.th_without_scope == 0


def test_html_needs_no_script_and_escapes_text() -> None:
    html = render_html(SAMPLE, "Example Ltd")
    assert outline(html).scripts == 0
    assert "Sample &lt;notice&gt;" in html
    assert 'href="https://example.co.uk/?a=1&amp;b=2"' in html


def test_markdown_escapes_characters_that_would_change_the_meaning() -> None:
    markdown = render_markdown(SAMPLE)
    assert "Cookie \\_ga and \\*stars\\* \\| pipes" in markdown
    assert "| a\\|b | x |" in markdown


def test_markdown_keeps_heading_levels_and_links() -> None:
    markdown = render_markdown(SAMPLE)
    assert markdown.startswith("# Sample \\<notice\\>\n")
    assert "\n## First\n" in markdown and "\n### Inner\n" in markdown
    assert "[a link](<https://example.co.uk/?a=1&b=2>)" in markdown


def test_a_row_with_the_wrong_number_of_cells_is_refused() -> None:
    with pytest.raises(ValueError, match="1 cells for 2 columns"):
        table("Broken", ("A", "B"), [("only one",)])
