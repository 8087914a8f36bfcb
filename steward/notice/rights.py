"""The rights, direct-marketing, automated-decision and complaints parts of the privacy notice.

UK GDPR Arts 12A, 15-22D and 21(4); DPA 2018 s.164A; RULES.md §1, §2, §7, R9.1 (N13.2.b-d, f),
R9.3 (N-extra-1, N-extra-2). The right to object to direct marketing has its own section, apart
from every other right, because Art 21(4) requires it to be presented separately.
"""

from __future__ import annotations

from collections.abc import Iterable

from steward.law.deadlines import COMPLAINTS_DUTY_FROM
from steward.manifest.schema import Contact, Manifest, Marketing
from steward.manifest.vocabulary import LawfulBasis, MarketingChannel, Right, RightsChannel
from steward.notice import wording
from steward.notice.document import (
    NOT_STATED,
    Block,
    Link,
    Paragraph,
    Prose,
    Section,
    items,
    para,
    prose,
    table,
)
from steward.notice.statements import RIGHT_STATEMENTS, statement_paragraphs

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
    return _trimmed(how)


def _trimmed(parts: list[str | Link]) -> list[str | Link]:
    """No trailing space after a paragraph's last sentence."""
    if parts and isinstance(parts[-1], str):
        return [*parts[:-1], parts[-1].rstrip()]
    return parts


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


def _right_lines(m: Manifest) -> list[Paragraph]:
    """One line per right; the organisation's own paragraph on a right replaces Steward's line."""
    own = {
        RIGHT_STATEMENTS[key]: " ".join(p.plain for p in statement_paragraphs(text))
        for key, text in m.notice.statements.items()
        if key in RIGHT_STATEMENTS
    }
    return [para(f"{name}: {own.get(name) or text + '.'}") for name, text in RIGHTS]


def rights_section(m: Manifest) -> Section:
    rights = m.rights
    how = _how("You can use any of these rights by ", rights.channels, rights.contact)
    blocks: list[Block] = [
        para("You have these rights over your personal data:"),
        items(_right_lines(m)),
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
    unstated = [p.name for p in m.purposes if p.lawful_basis is None]
    if relies:
        text = (
            "Where we rely on your consent (" + "; ".join(relies) + "), you can withdraw it at "
            "any time, as easily as you gave it. Withdrawing does not affect what we did "
            "before, but we stop from then on (UK GDPR Art 7(3))."
        )
    elif unstated:
        text = f"Whether we rely on your consent: {NOT_STATED}."
    else:
        text = "We do not rely on your consent for any purpose."
    return Section(
        "withdraw-consent", "Withdrawing consent", (para(text),), covers=("N13.2.c", "N14.2.d")
    )


def _refusal(marketing: Marketing) -> str:
    """How refusal is offered on each channel, only as declared (PECR reg 22(3)(c))."""
    found = []
    for channel in marketing.channels:
        offered = marketing.opt_out_for(channel)
        ways = [
            text
            for flag, text in (
                (offered.at_collection, "when we collect your details"),
                (offered.in_every_message, "in every message"),
            )
            if flag
        ]
        found.append(f"{_channel(channel)}: {' and '.join(ways) if ways else NOT_STATED}")
    return "; ".join(found)


def _channel(channel: MarketingChannel) -> str:
    return channel.value.replace("_", " ")


def _objection(m: Manifest) -> Prose:
    """Art 21(2)-(4): the right is the law's; how to use it is only what is declared."""
    channels = sorted(
        {
            _channel(c)
            for p in m.purposes
            if p.marketing
            for c in p.marketing.channels
            if p.marketing.opt_out_for(c).in_every_message
        }
    )
    entry = m.rights.channels_for(Right.object_to_marketing)
    how = _how("You can object by ", entry.channels, entry.contact or m.rights.contact)
    if channels:
        how.append(f" You can also use the opt-out in any {_either(channels)} message we send.")
    return prose(
        "You have the right to object at any time to our use of your data for direct marketing, "
        "including any profiling for it. This right is absolute: if you object, we must stop "
        "(UK GDPR Art 21(2)-(3)). ",
        *how,
    )


def marketing_section(m: Manifest) -> Section:
    marketing = [p for p in m.purposes if p.marketing]
    blocks: list[Block] = []
    if marketing:
        rows = []
        for p in marketing:
            assert p.marketing is not None
            rule = p.marketing.pecr_rule
            rows.append(
                (
                    p.name,
                    ", ".join(_channel(c) for c in p.marketing.channels),
                    wording.PECR_RULE[rule] if rule else str(NOT_STATED),
                    _refusal(p.marketing),
                )
            )
        blocks.append(
            table(
                "Direct marketing we send, and why we may send it",
                ("Purpose", "Channels", "When we send it", "How you can refuse"),
                rows,
            )
        )
    else:
        blocks.append(prose("We do not use your personal data for direct marketing."))
    return Section(
        "marketing",
        "Direct marketing",
        tuple(blocks),
        (
            Section(
                "object-to-marketing",
                "Your right to object to direct marketing",
                (_objection(m),),
                covers=("N-extra-2",),
            ),
        ),
    )


def automated_decisions_section(m: Manifest) -> Section:
    """Solely automated decisions as declared per purpose; "Not stated" where one is silent."""
    used = [p for p in m.purposes if p.automated_decisions.used]
    silent = [p.name for p in m.purposes if p.automated_decisions.used is None]
    blocks: list[Block] = []
    if used:
        rows = (
            (
                p.name,
                p.automated_decisions.logic or str(NOT_STATED),
                p.automated_decisions.significance or str(NOT_STATED),
                p.automated_decisions.safeguards or str(NOT_STATED),
            )
            for p in used
        )
        blocks += [
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
        ]
    if silent:
        scope = " for " + "; ".join(silent) if used else ""
        blocks.append(
            prose(
                f"Whether we make decisions based solely on automated processing{scope}: "
                f"{NOT_STATED}."
            )
        )
    elif not used:
        blocks.append(
            prose(
                "We do not make decisions about you based solely on automated processing, "
                "including profiling, that have legal or similarly significant effects on you."
            )
        )
    return Section(
        "automated-decisions",
        "Automated decision-making and profiling",
        tuple(blocks),
        covers=("N13.2.f", "N14.2.g"),
    )


def complaints_section(m: Manifest) -> Section:
    """The route to the organisation as declared; the s.164A duty as the law states it."""
    complaints = m.rights.complaints
    blocks: list[Block] = []
    if complaints is None:
        blocks.append(para(f"How to complain to us: {NOT_STATED}."))
    else:
        to_us: list[str | Link] = ["You can complain to us about how we use your personal data. "]
        if complaints.form_url:
            to_us += ["Use our ", Link("complaint form", complaints.form_url), ". "]
        if complaints.email:
            to_us += ["Email ", Link(complaints.email, f"mailto:{complaints.email}"), ". "]
        address = m.rights.contact.address or m.organisation.privacy_contact.address
        if complaints.post and address:
            to_us.append(f"Write to {address.one_line()}. ")
        if len(to_us) == 1:
            to_us.append(f"How: {NOT_STATED}.")
        blocks.append(para(*_trimmed(to_us)))
    if m.notice.last_updated >= COMPLAINTS_DUTY_FROM:
        blocks.append(
            para(
                "The law requires us to acknowledge a complaint within 30 days of receiving it, "
                "to take appropriate steps to respond to it, to keep you informed, and to tell "
                "you the outcome without undue delay (Data Protection Act 2018 s.164A)."
            )
        )
    authority = wording.supervisory_authority(m)
    blocks.append(
        prose(
            f"You also have the right to complain to {authority}, the UK's data protection "
            "regulator, at any time: ",
            Link("ico.org.uk/make-a-complaint", wording.ICO_COMPLAINTS_URL),
            ", helpline 0303 123 1113, or Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF.",
        )
    )
    return Section(
        "complaints",
        "How to complain",
        tuple(blocks),
        covers=("N-extra-1", "N13.2.d", "N14.2.e"),
    )
