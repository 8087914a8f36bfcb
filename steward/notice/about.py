"""Who the controller is, how to reach it, and what this notice does and does not cover.

UK GDPR Art 13(1)(a)-(b) and 14(1)(a)-(b): identity and contact details of the controller, its
representative and DPO. Only what the manifest declares is printed: the legal form and register
numbers it gives (a registered charity states that it is one, Charities Act 2011 s.39; a
Scottish charity says so, as the Charities and Trustee Investment (Scotland) Act 2005
requires), the ICO fee number or its exemption, and a DPO or the statement that none is
appointed. Anything else is "Not stated". Processing done as a processor for other
controllers is pointed out, since their notices cover it (UK GDPR Art 28).
"""

from __future__ import annotations

from steward.manifest.schema import CharityRegistration, Contact, Manifest, Organisation
from steward.manifest.vocabulary import COMPANIES_HOUSE_FORMS, CharityRegulator, LegalForm
from steward.notice.document import NOT_STATED, Block, Link, Paragraph, Section, items, para

LEGAL_FORM = {
    LegalForm.company: "a company",
    LegalForm.charitable_company: "a charitable company",
    LegalForm.community_interest_company: "a community interest company",
    LegalForm.cio: "a charitable incorporated organisation (CIO)",
    LegalForm.scio: "a Scottish charitable incorporated organisation (SCIO)",
    LegalForm.charitable_trust: "a charitable trust",
    LegalForm.unincorporated_association: "an unincorporated association",
    LegalForm.llp: "a limited liability partnership",
    LegalForm.partnership: "a partnership",
    LegalForm.sole_trader: "a sole trader",
    LegalForm.public_body: "a public body",
    LegalForm.nhs_body: "an NHS body",
    LegalForm.maintained_school: "a maintained school",
    LegalForm.academy_trust: "an academy trust (a charitable company limited by guarantee)",
    LegalForm.independent_school: "an independent school",
    LegalForm.cooperative_society: "a co-operative society",
    LegalForm.community_benefit_society: "a community benefit society",
}

_CHARITY_WORDS = {
    CharityRegulator.england_wales: "Registered charity in England and Wales, number {}",
    CharityRegulator.scotland: "Scottish charity, number {}",
    CharityRegulator.northern_ireland: "Registered with the Charity Commission for Northern "
    "Ireland, number {}",
}


def contact_line(contact: Contact) -> Paragraph:
    parts: list[str | Link] = []
    label = ", ".join(x for x in (contact.name, contact.role) if x)
    if label:
        parts.append(f"{label}. ")
    if contact.email:
        parts.extend(["Email: ", Link(contact.email, f"mailto:{contact.email}"), ". "])
    if contact.phone:
        parts.append(f"Phone: {contact.phone}. ")
    if contact.address:
        parts.append(f"Post: {contact.address.one_line()}. ")
    if contact.purpose:
        parts.append(f"Use this for: {contact.purpose.rstrip('.')}.")
    if isinstance(parts[-1], str):
        parts[-1] = parts[-1].rstrip()
    return para(*parts)


def charity_line(registration: CharityRegistration) -> str:
    return _CHARITY_WORDS[registration.regulator].format(registration.number) + "."


def identity_facts(org: Organisation) -> list[str]:
    """The controller's name, form and register numbers, each only as declared."""
    name = org.name + (f" (trading as {org.trading_name})" if org.trading_name else "")
    form = f", {LEGAL_FORM[org.legal_form]}" if org.legal_form else ""
    facts = [f"Controller: {name}{form}."]
    if org.company_number:
        facts.append(f"Company number {org.company_number} (Companies House).")
    elif org.legal_form in COMPANIES_HOUSE_FORMS:
        facts.append(f"Company number: {NOT_STATED}.")
    facts.extend(charity_line(c) for c in org.charity_numbers)
    if org.legal_form is None and not org.company_number and not org.charity_numbers:
        facts.append(f"Legal form and registration: {NOT_STATED}.")
    office = "Registered office" if org.company_number else "Address"
    facts.append(f"{office}: {org.registered_address.one_line()}.")
    if org.postal_address:
        facts.append(f"Postal address: {org.postal_address.one_line()}.")
    if org.ico_registration:
        facts.append(
            f"Registered with the ICO as a data controller, number {org.ico_registration}."
        )
    elif org.fee_exempt:
        facts.append("Exempt from paying the data protection fee, so not on the ICO's register.")
    else:
        facts.append(f"ICO registration number: {NOT_STATED}.")
    return facts


def _dpo(org: Organisation) -> list[Block]:
    if org.dpo:
        return [para("Our Data Protection Officer:"), items([contact_line(org.dpo)])]
    if org.dpo_appointed is False:
        return [para("We have not appointed a Data Protection Officer.")]
    return [para(f"Data Protection Officer: {NOT_STATED}.")]


def _scope(m: Manifest) -> list[Block]:
    """What this notice does not cover, and the fuller notices it links to."""
    blocks: list[Block] = []
    for scope in m.organisation.processor_for:
        where = f" {scope.their_notice.rstrip('.')}." if scope.their_notice else ""
        blocks.append(
            para(
                f"We also handle personal data for {scope.controllers}: "
                f"{scope.services.rstrip('.')}. For that we act on their instructions as "
                "their processor; they decide how "
                f"the data is used, and their own privacy notice applies, not this one.{where}"
            )
        )
    linked = m.notice.linked_notices
    if linked:
        names = {p.id: p.name for p in m.purposes}
        entries = [
            para(
                Link(n.title, n.url),
                *([f" ({'; '.join(names[p] for p in n.purposes)})"] if n.purposes else []),
            )
            for n in linked
        ]
        blocks += [
            para("Some services have their own notice, which adds to this one:"),
            items(entries),
        ]
    return blocks


def about_section(m: Manifest) -> Section:
    org = m.organisation
    contacts: list[Block] = [
        para("For anything about your personal data, contact:"),
        items([contact_line(org.privacy_contact)]),
    ]
    if org.other_contacts:
        contacts += [
            para("Other contact details:"),
            items(contact_line(c) for c in org.other_contacts),
        ]
    contacts += _dpo(org)
    if org.representative:
        contacts += [para("Our representative:"), items([contact_line(org.representative)])]
    return Section(
        "about",
        "Who we are and how to contact us",
        (items(identity_facts(org)), *contacts, *_scope(m)),
        covers=("N13.1.a", "N13.1.b", "N14.1.a", "N14.1.b", "N-extra-4"),
    )
