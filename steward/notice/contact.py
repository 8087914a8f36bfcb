"""The privacy centre's contact page: who the controller is, how to reach it and its Data
Protection Officer, how to use one's rights, and the right to complain to the regulator.

UK GDPR Art 13(1)(a)-(b), 13(2)(d), 14(1)(a)-(b), 14(2)(e); DPA 2018 s.164A. The sections are
the privacy notice's own (``about_section``, ``complaints_section``), so the page and the notice
cannot differ. Without a manifest nothing about the organisation is known: each fact is "Not
stated", and only the law's own fact is given, that anyone may complain to the ICO.
"""

from __future__ import annotations

from steward.manifest.schema import Manifest
from steward.notice import wording
from steward.notice.about import about_section, contact_line
from steward.notice.document import NOT_STATED, Link, Section, items, para
from steward.notice.rights import complaints_section


def contact_sections(manifest: Manifest | None) -> tuple[Section, ...]:
    if manifest is None:
        return _undeclared()
    rights = Section(
        "using-your-rights",
        "Using your rights",
        (
            para("To use any of your data protection rights, contact:"),
            items([contact_line(manifest.rights.contact)]),
        ),
    )
    return (about_section(manifest), rights, complaints_section(manifest))


def _undeclared() -> tuple[Section, ...]:
    return (
        Section(
            "about",
            "Who we are and how to contact us",
            (
                items(
                    [
                        f"Controller: {NOT_STATED}.",
                        f"Contact details for questions about your personal data: {NOT_STATED}.",
                        f"Data Protection Officer: {NOT_STATED}.",
                    ]
                ),
            ),
        ),
        Section(
            "complaints",
            "How to complain",
            (
                para(f"How to complain to us: {NOT_STATED}."),
                para(
                    "You have the right to complain to the Information Commissioner's Office "
                    "(ICO), the UK's data protection regulator, at any time: ",
                    Link("ico.org.uk/make-a-complaint", wording.ICO_COMPLAINTS_URL),
                    ", helpline 0303 123 1113, or Wycliffe House, Water Lane, Wilmslow, "
                    "Cheshire SK9 5AF.",
                ),
            ),
        ),
    )
