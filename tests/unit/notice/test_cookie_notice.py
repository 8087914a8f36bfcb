"""The cookie notice lists every cookie and whether it needs consent (PECR reg 6, Sch A1)."""

from __future__ import annotations

import pytest

from steward.manifest.schema import Manifest
from steward.notice.cookie_notice import COLUMNS, cookie_notice
from steward.notice.render import render_markdown


def cookie_rows(manifest: Manifest) -> dict[str, list[str]]:
    rows = {}
    for section in cookie_notice(manifest).sections:
        for block in section.blocks:
            for row in getattr(block, "rows", ()):
                rows[row[0].plain] = [cell.plain for cell in row]
    return rows


def test_every_cookie_is_listed_once_with_every_column(outserve: Manifest) -> None:
    rows = cookie_rows(outserve)
    assert sorted(rows) == sorted(c.name for c in outserve.cookies)
    for cookie in outserve.cookies:
        row = dict(zip(COLUMNS, rows[cookie.name], strict=True))
        assert (row["Provider"], row["Purpose"], row["Duration"]) == (
            cookie.provider,
            cookie.purpose,
            cookie.duration,
        )


@pytest.mark.parametrize(
    ("name", "consent"),
    [
        ("wordfence_verifiedHuman", "No (exempt: strictly necessary)"),  # R3.6 example 9
        ("VISITOR_INFO1_LIVE", "Yes"),  # R3.6 example 3: embedded YouTube
        ("vuid", "Yes"),  # R3.6 example 4: Vimeo on click
        ("_ga", "Yes"),  # R3.3: shared for Google's own purposes
        ("general", "Yes"),  # SEED-21: tracking cookie
    ],
)
def test_consent_needed_comes_from_the_law(outserve: Manifest, name: str, consent: str) -> None:
    assert cookie_rows(outserve)[name][COLUMNS.index("Consent needed")] == consent


def test_each_cookie_says_when_it_loads(complete: Manifest) -> None:
    rows = cookie_rows(complete)
    assert rows["_ga"][COLUMNS.index("When it loads")] == "Only after you agree"
    assert rows["steward_consent"][COLUMNS.index("When it loads")] == "When the page loads"


def test_cookies_are_grouped_by_category_strictly_necessary_first(complete: Manifest) -> None:
    titles = [s.title for s in cookie_notice(complete).sections]
    assert titles == [
        "About cookies and your choice",
        "Strictly necessary cookies",
        "Analytics cookies",
    ]


def test_the_notice_says_consent_comes_first_only_when_every_cookie_loads_after_it(
    complete: Manifest,
) -> None:
    markdown = render_markdown(cookie_notice(complete))
    assert "Those that need your consent are set only after you agree." in markdown


def test_the_notice_links_to_the_privacy_notice_and_says_where_settings_are(
    complete: Manifest,
) -> None:
    markdown = render_markdown(cookie_notice(complete))
    assert "[privacy notice](<privacy-notice.html>)" in markdown
    assert "Where to change your cookie choices: *Not stated*." in markdown
