"""Every built output reads as the organisation's own: the law cited, never Steward's internals.

No RULES.md ids (R2.8, SEED-11, N13.1.c, 30.1.b, C-3) in any file `steward build` writes; one
date format for people; no paragraph printed twice; no dash standing in for a fact.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from steward.manifest.load import load_manifest
from steward.manifest.schema import Manifest
from steward.notice.build import Output, compile_outputs
from steward.notice.document import Document, Paragraph, Section
from steward.notice.privacy import privacy_notice

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "outserve"

INTERNAL = re.compile(
    r"RULES\.md|\bSEED-\d+|\bR\d{1,2}\.\d+\b|\bN1[34]\.\d|\bN-extra-\d|\b30\.(?:1|2|extra)\.[a-z]"
    r"|\bC-\d+\b|\bUNCONFIRMED\b|\bST1\d\d\b"
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module", params=["seed", "fixed", "complete"])
def manifest(request: pytest.FixtureRequest, complete: Manifest) -> Manifest:
    if request.param == "complete":
        return complete
    return load_manifest(EXAMPLES if request.param == "seed" else EXAMPLES / "fixed")


def _text(output: Output) -> str:
    if output.name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(output.content)) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())
    return output.content.decode()


def _public(manifest: Manifest) -> list[Output]:
    """Every file `steward build` writes: each may be published or handed to a regulator."""
    return list(compile_outputs(manifest))


def test_no_output_names_an_internal_rule_id(manifest: Manifest) -> None:
    found = {
        output.name: sorted(set(INTERNAL.findall(_text(output))))
        for output in _public(manifest)
        if INTERNAL.search(_text(output))
    }
    assert found == {}


def test_pages_for_people_use_one_date_format(manifest: Manifest) -> None:
    for output in _public(manifest):
        if output.name.endswith((".md", ".html", ".csv", ".xlsx")):
            text = re.sub(r'datetime="[^"]*"|<dcterms:[a-z]+ [^>]*>[^<]*<', "", _text(output))
            assert not ISO_DATE.search(text), output.name


def test_no_dash_stands_in_for_a_fact(manifest: Manifest) -> None:
    for output in _public(manifest):
        if output.name.endswith(".md"):
            text = _text(output)
            assert "| - |" not in text, output.name
            assert ": -" not in text, output.name
        if output.name.endswith((".csv", ".json")):
            assert '"-"' not in _text(output) and ",-," not in _text(output), output.name


def _paragraphs(section: Section) -> list[str]:
    found = [b.plain for b in section.blocks if isinstance(b, Paragraph)]
    for sub in section.subsections:
        found += _paragraphs(sub)
    return found


def _all_paragraphs(document: Document) -> list[str]:
    return [p for s in document.sections for p in _paragraphs(s)]


def test_no_paragraph_is_printed_twice(manifest: Manifest) -> None:
    paragraphs = _all_paragraphs(privacy_notice(manifest))
    repeated = sorted({p for p in paragraphs if paragraphs.count(p) > 1})
    assert repeated == []


def test_the_cookie_notice_links_to_the_privacy_notice_and_the_cookie_settings() -> None:
    fixed = load_manifest(EXAMPLES / "fixed")
    page = next(o for o in compile_outputs(fixed) if o.name == "cookie-notice.html")
    html = page.content.decode()
    assert '<a href="https://www.outserve.co.uk/privacy-notice">privacy notice</a>' in html
    assert (
        '<a href="https://www.outserve.co.uk/privacy/cookie-settings">cookie settings</a>' in html
    )


def test_the_privacy_notice_links_to_the_cookie_notice(complete: Manifest) -> None:
    page = next(o for o in compile_outputs(complete) if o.name == "privacy-notice.html")
    assert '<a href="cookie-notice.html">cookie notice</a>' in page.content.decode()
