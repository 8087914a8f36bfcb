"""The rights, direct-marketing, automated-decision and complaints parts of the privacy notice.

UK GDPR Arts 12A, 15-22D and 21(4); DPA 2018 s.164A; RULES.md §1, §2, §7, R9.1 (N13.2.b-d, f),
R9.3 (N-extra-1, N-extra-2). The right to object to direct marketing has its own section, apart
from every other right, because Art 21(4) requires it to be presented separately.
"""

from __future__ import annotations

from collections.abc import Iterable

from steward.manifest.schema import Contact, Manifest
from steward.manifest.vocabulary import LawfulBasis, Right, RightsChannel
from steward.notice import wording
from steward.notice.document import (
    NOT_STATED,
    Block,
    Link,
    Paragraph,
    Section,
    items,
    para,
    table,
)

RESPONSE_TIME = (
    "We answer within one month of receiving your request, or of receiving any information we "
    "reasonably need to confirm who you are, or a fee where the law allows one. If your request "
    "is complex, or you make several requests, we may extend this by up to two further months; "
    "if we do, we tell you why within the first month (UK GDPR Art 12A). Your first copy of your "
    "data is free."
)

RIGHTS = (
    (
        "Access",
        "ask for a copy of your personal data and information about how we use it, "
        "including the purposes, recipients, how long we keep it, where it came from, any "
        "transfers outside the UK and their safeguards, any automated decisions, and your right "
        "to complain (UK GDPR Art 15)",
    ),
    ("Rectification", "ask us to correct inaccurate data or complete incomplete data (Art 16)"),
    (
        "Erasure",
        "ask us to delete your data, for example when we no longer need it or you "
        "withdraw consent (Art 17)",
    ),
    (
        "Restriction",
        "ask us to limit what we do with your data while a question about it is settled (Art 18)",
    ),
    (
        "Portability",
        "ask for data you gave us, processed by consent or contract by automated "
        "means, in a machine-readable form, or sent to another organisation (Art 20)",
    ),
    (
        "Objection",
        "object to processing based on legitimate interests or a public task; we must "
        "then stop unless we show compelling legitimate grounds that override your interests, "
        "or we need the data for legal claims (Art 21(1))",
    ),
)

CHANNEL = {
    RightsChannel.email: "email",
    RightsChannel.post: "post",
    RightsChannel.web_form: "our online form",
    RightsChannel.phone: "phone",
    RightsChannel.in_person: "in person",
}


def _either(options: Iterable[str]) -> str:
    listed = list(options)
    return " or ".join([", ".join(listed[:-1]), listed[-1]]) if len(listed) > 1 else listed[0]


RIGHT_NAMES = {
    Right.access: "access",
    Right.rectification: "rectification",
    Right.erasure: "erasure",
    Right.restriction: "restriction",
    Right.portability: "portability",
    Right.objection: "objection",
    Right.object_to_marketing: "objecting to direct marketing",
    Right.withdraw_consent: "withdrawing consent",
    Right.automated_decisions: "automated decisions",
}


def _how(lead: str, channels: Iterable[RightsChannel], contact: Contact) -> list[str | Link]:
    how: list[str | Link] = [f"{lead}{_either(CHANNEL[c] for c in channels)}. "]
    if contact.email:
        how += ["Email ", Link(contact.email, f"mailto:{contact.email}"), ". "]
    if contact.address:
        how.append(f"Write to {contact.address.one_line()}. ")
    if contact.phone:
        how.append(f"Phone {contact.phone}. ")
    return how


def _verification(m: Manifest) -> Paragraph:
    """Only the check the organisation declared; the law's limit is stated as the law's."""
    verification = m.rights.verification
    if verification is None:
        return para(f"How we check who you are: {NOT_STATED}.")
    return para(
        f"How we check who you are: {wording.VERIFICATION[verification.method]}. We may only "
        "ask for more information if we have reasonable doubts about who you are (UK GDPR "
        "Art 12(6))."
    )


def _children(m: Manifest) -> Paragraph | None:
    children = m.rights.children
    if children is None:
        if any(m.subject_kind(s).includes_children for p in m.purposes for s in p.data_subjects):
            return para(f"Who can use the rights of a child: {NOT_STATED}.")
        return None
    parts = []
    if children.child_acts_from_age is not None:
        age = children.child_acts_from_age
        parts.append(f"from the age of {age} a child uses their own rights")
    if children.competent_child_acts:
        parts.append("a younger child who understands their rights can use them too")
    if children.parent_or_guardian_acts:
        parts.append("a parent or guardian can use them for a child who cannot")
    else:
        parts.append("a parent or guardian cannot use them for the child")
    text = "; ".join(parts)
    return para(f"Children's rights: {text[0].upper()}{text[1:]}.")


def rights_section(m: Manifest) -> Section:
    rights = m.rights
    how = _how("You can use any of these rights by ", rights.channels, rights.contact)
    blocks: list[Block] = [
        para("You have these rights over your personal data:"),
        items(f"{name}: {text}." for name, text in RIGHTS),
        para(RESPONSE_TIME),
        para(*how),
    ]
    if rights.per_right:
        blocks.append(
            table(
                "Rights you use in a different way",
                ("Right", "How"),
                (
                    (
                        RIGHT_NAMES[entry.right].capitalize(),
                        para(*_how("By ", entry.channels, entry.contact or rights.contact)),
                    )
                    for entry in rights.per_right
                ),
            )
        )
    blocks.append(_verification(m))
    children = _children(m)
    if children is not None:
        blocks.append(children)
    subsections = [_withdraw_consent(m)]
    return Section(
        "rights", "Your rights", tuple(blocks), tuple(subsections), covers=("N13.2.b", "N14.2.c")
    )


def _withdraw_consent(m: Manifest) -> Section:
    relies = [
        p.name
        for p in m.purposes
        if p.lawful_basis is LawfulBasis.consent
        or (p.special_category_condition and p.special_category_condition.article_9 == "9(2)(a)")
    ]
    if relies:
        text = (
            "Where we rely on your consent (" + "; ".join(relies) + "), you can withdraw it at "
            "any time, as easily as you gave it. Withdrawing does not affect what we did "
            "before, but we stop from then on."
        )
    else:
        text = (
            "We do not rely on your consent for any purpose. If we ever ask for it, you can "
            "withdraw it at any time, as easily as you gave it."
        )
    return Section(
        "withdraw-consent", "Withdrawing consent", (para(text),), covers=("N13.2.c", "N14.2.d")
    )


def marketing_section(m: Manifest) -> Section:
    marketing = [p for p in m.purposes if p.marketing]
    blocks: list[Block] = []
    if marketing:
        rows = []
        for p in marketing:
            assert p.marketing is not None
            rule = (
                wording.PECR_RULE[p.marketing.pecr_rule] if p.marketing.pecr_rule else "Not stated"
            )
            channels = ", ".join(c.value.replace("_", " ") for c in p.marketing.channels)
            rows.append((p.name, channels, rule))
        blocks.append(
            table(
                "Direct marketing we send, and why we may send it",
                ("Purpose", "Channels", "When we send it"),
                rows,
            )
        )
    else:
        blocks.append(para("We do not use your personal data for direct marketing."))
    objection = para(
        "You have the right to object at any time to our use of your data for direct marketing, "
        "including any profiling for it. This right is absolute: if you object, we stop, and we "
        "never refuse (UK GDPR Art 21(2)-(3)). Use the unsubscribe link in any message, or contact "
        "us. We keep only the minimum needed to make sure you are not contacted again."
    )
    return Section(
        "marketing",
        "Direct marketing",
        tuple(blocks),
        (
            Section(
                "object-to-marketing",
                "Your right to object to direct marketing",
                (objection,),
                covers=("N-extra-2",),
            ),
        ),
    )


def automated_decisions_section(m: Manifest) -> Section:
    used = [p for p in m.purposes if p.automated_decisions.used]
    if not used:
        blocks: tuple[Block, ...] = (
            para(
                "We do not make decisions about you based solely on automated processing, "
                "including profiling, that have legal or similarly significant effects on you."
            ),
        )
    else:
        rows = (
            (
                p.name,
                p.automated_decisions.logic or "-",
                p.automated_decisions.significance or "-",
                p.automated_decisions.safeguards or "-",
            )
            for p in used
        )
        blocks = (
            table(
                "Automated decisions we make",
                ("Purpose", "How the decision is made", "What it means for you", "Safeguards"),
                rows,
            ),
            para(
                "For any significant decision made solely by automated means, you can ask for "
                "information about it, make representations, ask for a person to review it, and "
                "contest it (UK GDPR Arts 22A-22D)."
            ),
        )
    return Section(
        "automated-decisions",
        "Automated decision-making and profiling",
        blocks,
        covers=("N13.2.f", "N14.2.g"),
    )


def complaints_section(m: Manifest) -> Section:
    complaints = m.rights.complaints
    to_us: list[str | Link] = ["You can complain to us about how we use your personal data. "]
    if complaints and complaints.form_url:
        to_us += ["Use our ", Link("complaint form", complaints.form_url), ". "]
    email = (complaints.email if complaints else None) or m.rights.contact.email
    if email:
        to_us += ["Email ", Link(email, f"mailto:{email}"), ". "]
    address = m.rights.contact.address
    if address and (complaints is None or complaints.post):
        to_us.append(f"Write to {address.one_line()}. ")
    to_us.append(
        "We acknowledge your complaint within 30 days of receiving it, look into it, "
        "keep you informed and tell you the outcome without undue delay (Data "
        "Protection Act 2018 s.164A)."
    )
    authority = wording.supervisory_authority(m)
    regulator = para(
        f"You also have the right to complain to {authority}, the UK's data protection "
        "regulator, at any time: ",
        Link("ico.org.uk/make-a-complaint", wording.ICO_COMPLAINTS_URL),
        ", helpline 0303 123 1113, or Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF.",
    )
    return Section(
        "complaints",
        "How to complain",
        (para(*to_us), regulator),
        covers=("N-extra-1", "N13.2.d", "N14.2.e"),
    )
