"""The privacy notice's sections on recipients, transfers outside the UK and retention.

UK GDPR Art 13(1)(e)-(f), 13(2)(a) and Art 14 equivalents (RULES.md R9.1-R9.2, N-extra-4): who
receives the data, for each destination whether adequacy regulations cover it or which safeguard
applies and how to get a copy, and how long each category is kept. The retention wording is
shared with the Art 30 record and the promise matrix.
"""

from __future__ import annotations

from collections.abc import Iterable

from steward.manifest.schema import DataCategory, Manifest, RetentionRule
from steward.notice import retention_wording, wording
from steward.notice.document import NOT_STATED, Section, para, table


def uses_of(m: Manifest, recipient_id: str) -> str:
    """What a recipient gets data for: the purposes, cookies and systems that name it."""
    uses = [p.name for p in m.purposes_sharing_with(recipient_id)]
    cookies = m.cookies_set_by(recipient_id)
    uses += [f"the {c.name} cookie" if c.name else "a cookie" for c in cookies]
    uses += [f"hosting {s.name}" for s in m.systems_hosted_by(recipient_id)]
    return "; ".join(dict.fromkeys(uses)) or str(NOT_STATED)


def sharing_section(m: Manifest) -> Section:
    rows = []
    for r in m.recipients:
        role = wording.role(r) + (
            ". Only when they ask and the law allows" if r.on_request_only else ""
        )
        rows.append((r.name, r.category, role, wording.based_in(r), uses_of(m, r.id)))
    if not rows:
        return Section(
            "sharing",
            "Who we share your data with",
            (para("We do not share your personal data with anyone else."),),
            covers=("N13.1.e", "N14.1.e"),
        )
    return Section(
        "sharing",
        "Who we share your data with",
        (
            table(
                "Recipients of personal data",
                ("Recipient", "Category", "Role", "Based in", "What they receive it for"),
                rows,
            ),
        ),
        covers=("N13.1.e", "N14.1.e"),
    )


def transfers_section(m: Manifest) -> Section:
    on = m.notice.last_updated
    rows = []
    for r in m.recipients:
        for country in wording.destinations(r):
            safeguard = (
                r.transfer.safeguard_copy if r.transfer and r.transfer.safeguard_copy else None
            )
            copy = safeguard or _ask_us(m)
            rows.append((r.name, wording.transfer(r, country, on), copy))
    if not rows:
        return Section(
            "transfers",
            "Transfers outside the UK",
            (para("We do not transfer your personal data outside the UK."),),
            covers=("N13.1.f", "N14.1.f", "N-extra-4"),
        )
    return Section(
        "transfers",
        "Transfers outside the UK",
        (
            para(
                "Some recipients are outside the UK or reach the data from outside the UK. "
                "For each one we say whether UK adequacy regulations cover the country, or "
                "which safeguard protects your data and how you can get a copy of it."
            ),
            table(
                "Transfers outside the UK",
                ("Recipient", "Country and protection", "How to get a copy of the safeguard"),
                rows,
            ),
        ),
        covers=("N13.1.f", "N14.1.f", "N-extra-4"),
    )


def _ask_us(m: Manifest) -> str:
    email = m.organisation.privacy_contact.email
    return f"Ask us at {email}" if email else "Ask our privacy contact"


def category_retention(m: Manifest, category: DataCategory) -> tuple[RetentionRule, ...]:
    """The category's own rule, else the rules of the purposes that use it (Art 30(1)(f))."""
    if category.retention:
        return (m.retention_rule(category.retention),)
    ids = dict.fromkeys(p.retention for p in m.purposes_using(category.id) if p.retention)
    return tuple(m.retention_rule(i) for i in ids if i)


def retention_text(rules: Iterable[RetentionRule]) -> str:
    return "; ".join(retention_wording.retention(r) for r in rules) or retention_wording.retention(
        None
    )


def retention_section(m: Manifest) -> Section:
    rows = ((c.name, retention_text(category_retention(m, c))) for c in m.data_categories)
    return Section(
        "retention",
        "How long we keep your data",
        (
            table(
                "Retention period for each category of data",
                ("Category", "How long we keep it"),
                rows,
            ),
        ),
        covers=("N13.2.a", "N14.2.a"),
    )
