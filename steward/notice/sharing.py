"""The privacy notice's sections on recipients, transfers outside the UK and retention.

UK GDPR Art 13(1)(e)-(f), 13(2)(a) and Art 14 equivalents (RULES.md R9.1-R9.2, N-extra-4): who
receives the data, for each destination whether adequacy regulations cover it or which safeguard
applies and how to get a copy, and how long each category is kept. The retention wording is
shared with the Art 30 record and the promise matrix.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from steward.law.transfers import Mechanism, country_name
from steward.manifest.schema import DataCategory, Manifest, Recipient, RetentionRule
from steward.manifest.vocabulary import ContactPoint, RecipientRole
from steward.notice import retention_wording, wording
from steward.notice.about import contact_line
from steward.notice.document import NOT_STATED, Block, Section, items, para, prose, table

ADEQUACY = (Mechanism.uk_adequacy, Mechanism.uk_extension_dpf)


def uses_of(m: Manifest, recipient_id: str) -> str:
    """What a recipient gets data for: the purposes, cookies and systems that name it."""
    uses = [p.name for p in m.purposes_sharing_with(recipient_id)]
    cookies = m.cookies_set_by(recipient_id)
    uses += [f"the {c.name} cookie" if c.name else "a cookie" for c in cookies]
    uses += [f"hosting {s.name}" for s in m.systems_hosted_by(recipient_id)]
    return "; ".join(dict.fromkeys(uses)) or str(NOT_STATED)


CONTACT_POINT = {
    ContactPoint.us: "Contact us first",
    ContactPoint.them: "Contact them first",
    ContactPoint.either: "Contact either of us",
}


def _joint_controllers(m: Manifest) -> list[Block]:
    """UK GDPR Art 26(2): the essence of each joint arrangement, and where to go."""
    joint = [r for r in m.recipients if r.role is RecipientRole.joint_controller]
    if not joint:
        return []
    rows = []
    for r in joint:
        arrangement = r.joint_arrangement
        point = (
            CONTACT_POINT[arrangement.contact_point]
            if arrangement and arrangement.contact_point
            else str(NOT_STATED)
        )
        rows.append(
            (
                r.name,
                arrangement.essence if arrangement else str(NOT_STATED),
                point,
                contact_line(r.contact) if r.contact else para(str(NOT_STATED)),
            )
        )
    return [
        table(
            "Joint controllers: who decides with us, and who does what",
            ("Joint controller", "The essence of our arrangement", "Where to go", "Their contact"),
            rows,
        ),
        para(
            "You can use your rights against each of us, whatever the arrangement says "
            "(UK GDPR Art 26(3))."
        ),
    ]


def _opt_outs(m: Manifest) -> list[Block]:
    """Disclosures made unless the person objects: each with the way to object, if declared."""
    entries = [
        f"{p.name}: we share your data with {m.recipient(o.recipient).name} unless you object. "
        f"How to object: {o.how or NOT_STATED}"
        for p in m.purposes
        for o in p.disclosure_opt_outs
    ]
    if not entries:
        return []
    return [para("You can stop these disclosures by objecting:"), items(entries)]


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
            (prose("We do not share your personal data with anyone else."),),
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
            *_opt_outs(m),
            *_joint_controllers(m),
        ),
        covers=("N13.1.e", "N14.1.e"),
    )


def _copy(recipient: Recipient, country: str, on: dt.date) -> str:
    """Art 13(1)(f): how to get a copy of the safeguard; adequacy needs none."""
    assessment = wording.assess_transfer(recipient, country, on)
    if assessment.lawful and assessment.basis in ADEQUACY:
        return "Not needed: UK adequacy regulations cover it"
    transfer = recipient.transfer
    return transfer.safeguard_copy if transfer and transfer.safeguard_copy else str(NOT_STATED)


def _transfer_rows(m: Manifest) -> list[tuple[str, str, str]]:
    on = m.notice.last_updated
    rows = []
    for r in m.recipients:
        if r.country is None:
            rows.append((r.name, f"Where it is based: {NOT_STATED}", str(NOT_STATED)))
        for country in wording.destinations(r):
            rows.append((r.name, wording.transfer(r, country, on), _copy(r, country, on)))
        if r.unnamed_destinations:
            declared = wording.declared_mechanisms(r) if r.transfer else str(NOT_STATED)
            copy = r.transfer.safeguard_copy if r.transfer and r.transfer.safeguard_copy else None
            rows.append(
                (
                    r.name,
                    f"Other countries outside the UK, not named: {declared}",
                    copy or str(NOT_STATED),
                )
            )
    return rows


def _staff_abroad(m: Manifest) -> list[Block]:
    staff = m.organisation.staff_abroad
    if not staff:
        return []
    names = {p.id: p.name for p in m.purposes}
    entries = [
        f"{s.who} ({country_name(s.country)})"
        + (f": {'; '.join(names[p] for p in s.purposes)}" if s.purposes else "")
        for s in staff
    ]
    return [
        para(
            "Some of our own staff reach personal data from outside the UK. They work for us, "
            "so the data stays with us and this notice applies in full:"
        ),
        items(entries),
    ]


def transfers_section(m: Manifest) -> Section:
    rows = _transfer_rows(m)
    staff = _staff_abroad(m)
    covers = ("N13.1.f", "N14.1.f", "N-extra-4")
    if not rows and not staff:
        return Section(
            "transfers",
            "Transfers outside the UK",
            (prose("We do not transfer your personal data outside the UK."),),
            covers=covers,
        )
    blocks: list[Block] = []
    if rows:
        blocks += [
            prose(
                "Some recipients are outside the UK or reach the data from outside the UK. "
                "For each one we say whether UK adequacy regulations cover the country, or "
                "which safeguard protects your data and how you can get a copy of it."
            ),
            table(
                "Transfers outside the UK",
                ("Recipient", "Country and protection", "How to get a copy of the safeguard"),
                rows,
            ),
        ]
    return Section("transfers", "Transfers outside the UK", (*blocks, *staff), covers=covers)


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


def _retention_rows(m: Manifest) -> list[tuple[str, str]]:
    rows = []
    for c in m.data_categories:
        rows.append((c.name, retention_text(category_retention(m, c))))
        if c.children_retention:
            rule = m.retention_rule(c.children_retention)
            rows.append((f"{c.name}, about children", retention_wording.retention(rule)))
    return rows


def retention_section(m: Manifest) -> Section:
    return Section(
        "retention",
        "How long we keep your data",
        (
            table(
                "Retention period for each category of data",
                ("Category", "How long we keep it"),
                _retention_rows(m),
            ),
        ),
        covers=("N13.2.a", "N14.2.a"),
    )
