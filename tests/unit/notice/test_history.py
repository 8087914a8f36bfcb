"""What changed between two versions of a notice is said section by section, from the words."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from steward.manifest.load import load_manifest
from steward.notice.cookie_notice import cookie_notice
from steward.notice.document import Document, Section, para
from steward.notice.history import (
    compare,
    compare_outlines,
    outline,
    outline_from_json,
    outline_json,
)
from steward.notice.privacy import privacy_notice

OUTSERVE = Path(__file__).resolve().parents[3] / "examples" / "outserve" / "fixed"


def _document(*sections: tuple[str, str, str], day: int = 1) -> Document:
    return Document(
        title="Notice",
        summary=para("What this is."),
        sections=tuple(Section(i, t, (para(text),)) for i, t, text in sections),
        last_updated=dt.date(2026, 12, day),
    )


def test_the_first_version_says_so() -> None:
    changes = compare(None, _document(("a", "About", "words")))
    assert changes.first
    assert changes.summary() == "First version published."


def test_the_same_words_are_no_change() -> None:
    manifest = load_manifest(OUTSERVE)
    changes = compare(privacy_notice(manifest), privacy_notice(manifest))
    assert changes.nothing
    assert changes.summary() == "No change in what the notice says."


def test_sections_added_removed_and_changed_are_named_by_their_titles() -> None:
    before = _document(("a", "About us", "one"), ("b", "Cookies", "two"), ("c", "Rights", "x"))
    after = _document(("a", "About us", "one"), ("c", "Rights", "y"), ("d", "Transfers", "z"))
    changes = compare(before, after)
    assert changes.added == ("Transfers",)
    assert changes.removed == ("Cookies",)
    assert changes.changed == ("Rights",)
    assert changes.summary() == "Added: Transfers. Removed: Cookies. Changed: Rights."


def test_a_new_date_alone_is_a_change_of_the_head() -> None:
    changes = compare(_document(("a", "About", "w"), day=1), _document(("a", "About", "w"), day=2))
    assert not changes.nothing
    assert changes.changed == ()
    assert changes.summary() == "The title, introduction or date changed."


def test_removing_every_cookie_changes_the_cookie_notice_sections() -> None:
    manifest = load_manifest(OUTSERVE)
    without = manifest.model_copy(update={"cookies": ()})
    changes = compare(cookie_notice(manifest), cookie_notice(without))
    assert changes.removed  # the per-category tables are gone
    assert "About cookies and your choice" in changes.changed


def test_an_outline_survives_its_json() -> None:
    prints = outline(privacy_notice(load_manifest(OUTSERVE)))
    assert outline_from_json(outline_json(prints)) == prints


_words = st.text(alphabet="abc ", min_size=1, max_size=5)


@given(st.lists(st.tuples(st.sampled_from("abcdef"), _words), unique_by=lambda s: s[0]))
def test_a_notice_compared_with_itself_never_changes(parts: list[tuple[str, str]]) -> None:
    document = _document(*((i, i.upper(), text) for i, text in parts))
    assert compare_outlines(outline(document), outline(document)).nothing


@given(st.lists(st.tuples(st.sampled_from("abcdef"), _words), unique_by=lambda s: s[0]))
def test_every_section_of_a_first_comparison_is_accounted_for(
    parts: list[tuple[str, str]],
) -> None:
    empty = _document()
    document = _document(*((i, i.upper(), text) for i, text in parts))
    changes = compare(empty, document)
    assert changes.added == tuple(i.upper() for i, _ in parts)
    assert compare(document, empty).removed == tuple(i.upper() for i, _ in parts)
    assert dataclasses.replace(changes, added=()).removed == ()
