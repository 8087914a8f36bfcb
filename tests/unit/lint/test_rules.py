"""Every lint rule, firing on the mistake it exists for and quiet on the lawful near miss.

Each case starts from the clean base manifest (conftest.BASE) and changes one thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

from steward.lint import Finding, Severity, lint
from steward.lint.context import LintOptions
from steward.lint.rule import all_rules
from tests.unit.lint.conftest import ON, Mutation, base, write
from tests.unit.lint.mutations import (
    DPF,
    IDTA,
    add,
    chain,
    cookie,
    drop,
    marketing,
    purpose,
    recipient,
    set_at,
    special,
    statement,
)


class Case(NamedTuple):
    rule: str
    behaviour: str
    mutate: Mutation | None
    on: dt.date = ON


LI = {
    "lawful_basis": "legitimate_interests",
    "legitimate_interests": "Running our shop",
    "lia_reference": "LIA-1",
}
UNUSED = {"id": "hobbies", "name": "Hobbies", "retention": "two_years"}
CHILDREN = set_at("data_subjects", 0, "includes_children", value=True)
PARA_8 = {"article_9": "9(2)(g)", "schedule_1": "para_8", "appropriate_policy_document": "APD-2"}
CHILD_KIND = {"id": "child", "name": "Children in our care", "includes_children": True}
YOUNG = {"minimum_age": 10, "parental_authorisation_below": False, "age_check": "asked"}

FIRES = [
    Case("ST101", "purpose without lawful basis", purpose(lawful_basis=None)),
    Case(
        "ST102", "legitimate interests not stated", purpose(**{**LI, "legitimate_interests": None})
    ),
    Case(
        "ST103",
        "no statement whether data must be provided",
        purpose(provision=None, sources=[{"kind": "data_subject"}]),
    ),
    Case("ST104", "indirect source not named", purpose(sources=[{"kind": "third_party"}])),
    Case(
        "ST105",
        "notice last updated in 2018",
        set_at("notice", "last_updated", value=dt.date(2018, 5, 15)),
    ),
    Case(
        "ST105",
        "notice last updated before the complaints duty, linted after it",
        set_at("notice", "last_updated", value=dt.date(2026, 3, 1)),
        dt.date(2026, 6, 19),
    ),
    Case(
        "ST106",
        "last update missing from change log",
        set_at("changes", 0, "date", value=dt.date(2026, 1, 1)),
    ),
    Case(
        "ST107",
        "automated decisions without safeguards",
        purpose(automated_decisions={"used": True, "logic": "score", "significance": "price"}),
    ),
    Case(
        "ST108",
        "second contact on another domain with no purpose",
        set_at("organisation", "other_contacts", value=[{"email": "info@example.com"}]),
    ),
    Case("ST110", "legitimate interests without LIA", purpose(**{**LI, "lia_reference": None})),
    Case(
        "ST111",
        "special category data without Art 9 condition",
        chain(
            add(
                "data_categories",
                {
                    "id": "health",
                    "name": "Health",
                    "special_category": "health",
                    "retention": "two_years",
                },
            ),
            purpose(categories=["contact_details", "health"]),
        ),
    ),
    Case(
        "ST111",
        "Art 9(2)(g) without a Sch 1 condition",
        special({"article_9": "9(2)(g)"}, aggregate_only=True),
    ),
    Case(
        "ST111",
        "Sch 1 para 8 without an APD",
        special({**PARA_8, "appropriate_policy_document": None}, aggregate_only=True),
    ),
    Case(
        "ST111",
        "Art 9(2)(a) without explicit consent",
        special({"article_9": "9(2)(a)"}, lawful_basis="consent"),
    ),
    Case("ST112", "equality monitoring used beyond group statistics", special(PARA_8)),
    Case(
        "ST114",
        "criminal offence data without Art 10 authorisation",
        chain(
            add(
                "data_categories",
                {
                    "id": "dbs",
                    "name": "DBS checks",
                    "criminal_offence": True,
                    "retention": "two_years",
                },
            ),
            purpose(categories=["contact_details", "dbs"]),
        ),
    ),
    Case("ST120", "email marketing without PECR rule", marketing(pecr_rule=None)),
    Case(
        "ST121",
        "soft opt-in to prospects",
        marketing(pecr_rule="soft_opt_in", audience="prospects"),
    ),
    Case(
        "ST121",
        "soft opt-in without opt-out at collection",
        marketing(pecr_rule="soft_opt_in", opt_out_at_collection=False),
    ),
    Case(
        "ST121",
        "soft opt-in for other organisations' products",
        marketing(pecr_rule="soft_opt_in", products="third_party"),
    ),
    Case(
        "ST121",
        "charity soft opt-in claimed by a company",
        marketing(pecr_rule="charity_soft_opt_in", audience="supporters"),
    ),
    Case("ST121", "consent from a bought list", marketing(list_sources=["bought"])),
    Case(
        "ST122",
        "marketing without opt-out in every message",
        marketing(opt_out_in_every_message=False),
    ),
    Case(
        "ST122",
        "email has an opt-out but SMS does not",
        marketing(
            channels=["email", "sms"],
            opt_outs=[
                {"channel": "email", "at_collection": True, "in_every_message": True},
                {"channel": "sms", "at_collection": True, "in_every_message": False},
            ],
        ),
    ),
    Case(
        "ST123",
        "soft opt-in claimed for corporate subscribers",
        marketing(pecr_rule="soft_opt_in", subscriber_types=["individual", "corporate"]),
    ),
    Case(
        "ST124",
        "bought list for email marketing",
        marketing(list_sources=["own_collection", "bought"]),
    ),
    Case(
        "ST130",
        "US transfer under Privacy Shield",
        recipient("US", {"mechanisms": ["eu_us_privacy_shield"]}),
    ),
    Case("ST130", "US recipient with no transfer mechanism", recipient("US")),
    Case(
        "ST130", "UK Extension the day before it began", recipient("US", DPF), dt.date(2023, 10, 11)
    ),
    Case(
        "ST130",
        "legacy EU SCCs after March 2024",
        recipient(
            "IN",
            {
                "mechanisms": ["legacy_eu_scc"],
                "contract_date": dt.date(2021, 5, 1),
                "transfer_risk_assessment": "TRA",
            },
        ),
    ),
    Case(
        "ST130",
        "IDTA without a transfer risk assessment",
        recipient("IN", {"mechanisms": ["idta"], "safeguard_copy": "ask us"}),
    ),
    Case(
        "ST131",
        "Privacy Shield claimed beside a valid mechanism",
        recipient("US", {**DPF, "mechanisms": ["uk_extension_dpf", "eu_us_privacy_shield"]}),
    ),
    Case(
        "ST131",
        "GDPR compliance claimed as a mechanism",
        recipient("US", {**DPF, "mechanisms": ["uk_extension_dpf", "gdpr_compliance"]}),
    ),
    Case(
        "ST132",
        "IDTA without a way to get a copy",
        recipient("IN", {**IDTA, "safeguard_copy": None}),
    ),
    Case("ST133", "adequacy relied on for the Faroe Islands", recipient("FO")),
    Case(
        "ST134",
        "system abroad with no hosting recipient",
        set_at("systems", 0, "location", value="US"),
    ),
    Case("ST140", "category with no retention", drop("data_categories", 0, "retention")),
    Case("ST141", "indefinite retention", set_at("retention", 0, "period", value="indefinite")),
    Case(
        "ST142",
        "criteria with no limit",
        chain(
            drop("retention", 0, "period"),
            set_at("retention", 0, "criteria", value="Overwritten on a regular basis"),
        ),
    ),
    Case(
        "ST143",
        "tax retention applied to marketing contacts",
        chain(set_at("retention", 0, "citation", value="HMRC record keeping"), marketing()),
    ),
    Case(
        "ST144",
        "tax retention counted from the event",
        chain(set_at("retention", 0, "citation", value="PAYE Regs 2003 reg 97")),
    ),
    Case(
        "ST150",
        "consent cookie filed as strictly necessary",
        cookie(category="strictly_necessary", shared_for_provider_purposes=True),
    ),
    Case("ST151", "analytics cookie set on page load", cookie(loads="page_load")),
    Case(
        "ST152",
        "statistical exemption without the site's own objection means",
        cookie(exemption="statistical", loads="page_load"),
    ),
    Case(
        "ST152",
        "statistical exemption before Sch A1 commenced",
        cookie(exemption="statistical", objection_means=True),
        dt.date(2026, 1, 15),
    ),
    Case(
        "ST153", "video player set on click", cookie(category="embedded_content", loads="on_click")
    ),
    Case("ST154", "persistent cookie called a session cookie", cookie(described_as_session=True)),
    Case(
        "ST155",
        "vendor cookie claimed strictly necessary unscanned",
        cookie(category="functional", exemption="strictly_necessary", party="third"),
    ),
    Case("ST160", "category used by no purpose", add("data_categories", UNUSED)),
    Case(
        "ST161",
        "system holds a category no purpose keeps there",
        chain(
            add("data_categories", UNUSED),
            set_at("systems", 0, "categories", value=["contact_details", "hobbies"]),
            add(
                "purposes",
                {
                    "id": "club",
                    "name": "Club",
                    "data_subjects": ["customer"],
                    "categories": ["hobbies"],
                    "lawful_basis": "consent",
                    "provision": {
                        "requirement": "voluntary",
                        "obligatory": False,
                        "consequence": "None.",
                    },
                },
            ),
        ),
    ),
    Case(
        "ST162",
        "children consenting online with no age rule",
        chain(CHILDREN, purpose(lawful_basis="consent")),
    ),
    Case(
        "ST163",
        "children consent alone at 10",
        chain(CHILDREN, purpose(lawful_basis="consent", children=YOUNG)),
    ),
    Case("ST170", "no complaints route after 19 June 2026", drop("rights", "complaints")),
    Case("ST171", "complaints by post only", set_at("rights", "complaints", value={"post": True})),
    Case(
        "ST172",
        "passport required for every request",
        set_at(
            "rights",
            "verification",
            value={"method": "known_channel", "always_require_id_document": True},
        ),
    ),
    Case("ST180", "EU GDPR cited", statement("We comply with the EU GDPR.")),
    Case(
        "ST180",
        "the General Data Protection Regulation without UK",
        statement("We act in accordance with the General Data Protection Regulation."),
    ),
    Case(
        "ST181", "Privacy Shield relied on", statement("Our supplier is Privacy Shield certified.")
    ),
    Case(
        "ST182",
        "PECR misnamed",
        statement("We follow the Privacy of Electronic Communications Regulations."),
    ),
    Case("ST183", "transfers outside the EEA", statement("We may send data to non-EEA countries.")),
    Case("ST184", "GDPR compliance as a safeguard", statement("Our providers are GDPR-compliant.")),
    Case("ST185", "EU SCCs alone", statement("We use standard contractual clauses.")),
    Case(
        "ST186",
        "criminal data called special category",
        statement("Special category data includes health and criminal convictions."),
    ),
    Case("ST187", "sensitive personal data", statement("We hold sensitive personal data.")),
    Case(
        "ST188",
        "objection limited by compelling grounds",
        statement("We may refuse if we have compelling legitimate grounds."),
    ),
    Case("ST189", "one month and nothing more", statement("We reply within one month.")),
    Case(
        "ST190",
        "access right listed incompletely",
        statement("You have the right to access your data and its source."),
    ),
    Case(
        "ST191",
        "complaints to an unnamed supervisory authority",
        statement("You may lodge a complaint with the relevant supervisory authority."),
    ),
    Case(
        "ST192",
        "browser settings as the cookie choice",
        statement("You can set your browser to refuse cookies."),
    ),
    Case("ST193", "cookies called anonymous", statement("Our cookies are anonymous.")),
    Case(
        "ST194",
        "personal data defined narrowly",
        statement("Personal data is information which identifies you."),
    ),
    Case("ST195", "as soon as possible", statement("We will correct it as soon as possible.")),
    Case(
        "ST196",
        "automated decisions in old terms",
        statement("You can ask for a human to review automated decisions."),
    ),
    Case(
        "ST197",
        "kept until the person asks",
        statement("We will retain your details until you ask us to stop."),
    ),
    Case(
        "ST198",
        "bought lists with generic consent",
        statement("We purchase lists where people agreed to hear from selected third parties."),
    ),
    Case(
        "ST113",
        "fraud investigation with no criminal offence condition",
        purpose(name="Investigating suspected fraud by customers"),
    ),
    Case(
        "ST115",
        "PECR consent marketing claimed under legitimate interests",
        chain(marketing(), set_at("purposes", 1, "lawful_basis", value="legitimate_interests")),
    ),
    Case(
        "ST116",
        "legal obligation listed as a legitimate interest",
        purpose(**{**LI, "legitimate_interests": "Compliance with our legal obligations"}),
    ),
    Case(
        "ST117",
        "contract claimed for children in a parent's contract",
        chain(add("data_subjects", CHILD_KIND), purpose(data_subjects=["customer", "child"])),
    ),
    Case(
        "ST125",
        "offers sent as service messages",
        statement("We send service messages about your booking and our latest offers."),
    ),
    Case(
        "ST156",
        "using the website as cookie consent",
        statement("By using our website you agree to our use of cookies."),
    ),
    Case(
        "ST174",
        "use of the service deemed consent",
        statement("By using our services you accept the terms of this privacy policy."),
    ),
    Case(
        "ST175",
        "notice period before marketing stops",
        statement("To stop receiving marketing, give us 30 days' notice in writing."),
    ),
    Case(
        "ST176",
        "own rights list missing erasure and restriction",
        statement("You have the right to access your data, to correct it and to complain."),
    ),
    Case(
        "ST177",
        "email risk shifted to the person",
        statement("If you email us your details you accept the risk of interception."),
    ),
    Case(
        "ST135",
        "unnamed destinations with no safeguard",
        chain(recipient("GB"), set_at("recipients", 0, "unnamed_destinations", value=True)),
    ),
    Case(
        "ST135",
        "recipient with no country stated",
        chain(recipient("GB"), drop("recipients", 0, "country")),
    ),
    Case(
        "ST157",
        "cookie with no duration and no loading stated",
        chain(cookie(), drop("cookies", 0, "duration"), drop("cookies", 0, "loads")),
    ),
]

QUIET = [
    Case("ST101", "every purpose has a basis", None),
    Case("ST102", "legitimate interests stated", purpose(**LI)),
    Case(
        "ST103",
        "third-party data needs no provision statement",
        purpose(provision=None, sources=[{"kind": "third_party", "name": "Referrers"}]),
    ),
    Case(
        "ST103",
        "observed data (CCTV, logs) needs no provision statement",
        purpose(provision=None, sources=[{"kind": "automatic"}]),
    ),
    Case(
        "ST103",
        "undeclared sources are not assumed to be the person",
        purpose(provision=None),
    ),
    Case(
        "ST103",
        "CCTV footage is observed, not provided",
        chain(
            purpose(provision=None, sources=[{"kind": "data_subject"}]),
            set_at("systems", 0, "kind", value="cctv"),
        ),
    ),
    Case(
        "ST103",
        "data reused from a purpose that already says whether it must be provided",
        add(
            "purposes",
            {
                "id": "disclosures",
                "name": "Disclosures to the police on request",
                "data_subjects": ["customer"],
                "categories": ["contact_details"],
                "sources": [{"kind": "data_subject"}],
                "lawful_basis": "legal_obligation",
            },
        ),
    ),
    Case(
        "ST104",
        "indirect source named",
        purpose(
            sources=[{"kind": "public", "name": "Companies House", "publicly_accessible": True}]
        ),
    ),
    Case(
        "ST105",
        "notice updated before the complaints duty, linted before it",
        set_at("notice", "last_updated", value=dt.date(2026, 3, 1)),
        dt.date(2026, 6, 18),
    ),
    Case("ST106", "last update in the change log", None),
    Case(
        "ST107",
        "automated decisions with safeguards",
        purpose(
            automated_decisions={
                "used": True,
                "logic": "score",
                "significance": "price",
                "safeguards": "human review on request",
            }
        ),
    ),
    Case(
        "ST108",
        "the other contact's purpose stated; the privacy contact's is its place",
        set_at(
            "organisation",
            "other_contacts",
            value=[{"email": "info@example.com", "purpose": "sales enquiries"}],
        ),
    ),
    Case(
        "ST108",
        "each contact's purpose stated",
        chain(
            set_at("organisation", "privacy_contact", "purpose", value="privacy requests"),
            set_at(
                "organisation",
                "other_contacts",
                value=[{"email": "info@example.com", "purpose": "sales enquiries"}],
            ),
        ),
    ),
    Case("ST110", "legitimate interests with LIA", purpose(**LI)),
    Case("ST111", "no special category data", None),
    Case(
        "ST111",
        "equality monitoring under Art 9(2)(g) and Sch 1 para 8 with APD",
        special(PARA_8, aggregate_only=True),
    ),
    Case(
        "ST111",
        "Art 9(2)(a) with explicit consent",
        special({"article_9": "9(2)(a)"}, lawful_basis="consent", explicit_consent=True),
    ),
    Case("ST112", "equality monitoring as group statistics", special(PARA_8, aggregate_only=True)),
    Case(
        "ST114",
        "criminal data under Sch 1 para 1",
        chain(
            add(
                "data_categories",
                {
                    "id": "dbs",
                    "name": "DBS checks",
                    "criminal_offence": True,
                    "retention": "two_years",
                },
            ),
            purpose(
                categories=["contact_details", "dbs"],
                criminal_offence_condition={
                    "schedule_1": "para_1",
                    "appropriate_policy_document": "APD-1",
                },
            ),
        ),
    ),
    Case(
        "ST120", "postal marketing needs no PECR rule", marketing(pecr_rule=None, channels=["post"])
    ),
    Case("ST121", "soft opt-in with every condition", marketing(pecr_rule="soft_opt_in")),
    Case("ST121", "consent collected by the sender", marketing()),
    Case("ST122", "opt-out in every message", marketing()),
    Case(
        "ST122",
        "opt-out in every message on each channel",
        marketing(
            channels=["email", "sms"],
            opt_outs=[
                {"channel": "email", "at_collection": True, "in_every_message": True},
                {"channel": "sms", "at_collection": True, "in_every_message": True},
            ],
        ),
    ),
    Case("ST123", "soft opt-in for individuals only", marketing(pecr_rule="soft_opt_in")),
    Case("ST124", "own lists only", marketing()),
    Case(
        "ST124",
        "bought list for a corporate-only (B2B) audience, outside reg 22",
        marketing(
            list_sources=["own_collection", "bought"],
            subscriber_types=["corporate"],
            pecr_rule="corporate_subscriber",
        ),
    ),
    Case("ST130", "US recipient on the UK Extension", recipient("US", DPF)),
    Case("ST130", "UK Extension from its first day", recipient("US", DPF), dt.date(2023, 10, 12)),
    Case("ST130", "EEA recipient under adequacy", recipient("DE")),
    Case("ST130", "IDTA with a transfer risk assessment", recipient("IN", IDTA)),
    Case("ST131", "only valid mechanisms claimed", recipient("US", DPF)),
    Case("ST132", "IDTA copy offered", recipient("IN", IDTA)),
    Case("ST132", "adequacy needs no safeguard copy", recipient("US", DPF)),
    Case("ST133", "confirmed adequacy", recipient("CH")),
    Case("ST134", "system in the UK", None),
    Case(
        "ST140",
        "retention set on the purpose instead",
        chain(drop("data_categories", 0, "retention"), purpose(retention="two_years")),
    ),
    Case(
        "ST140",
        "relayed data is not kept",
        chain(drop("data_categories", 0, "retention"), purpose(stored=False)),
    ),
    Case("ST141", "bounded period", None),
    Case(
        "ST142",
        "criteria with a limit",
        chain(
            drop("retention", 0, "period"),
            set_at("retention", 0, "criteria", value="Overwritten after 30 days"),
        ),
    ),
    Case(
        "ST143",
        "tax retention for contract records only",
        set_at("retention", 0, "citation", value="HMRC record keeping"),
    ),
    Case(
        "ST144",
        "tax retention from the end of the tax year",
        chain(
            set_at("retention", 0, "citation", value="PAYE Regs 2003 reg 97"),
            set_at("retention", 0, "anchor", value="end_of_tax_year"),
        ),
    ),
    Case(
        "ST150",
        "consent choice cookie is strictly necessary",
        cookie(name="steward_consent", category="strictly_necessary", loads="page_load"),
    ),
    Case("ST151", "analytics cookie set after consent", cookie()),
    Case(
        "ST152",
        "statistical exemption with every condition met",
        cookie(exemption="statistical", objection_means=True, loads="page_load"),
    ),
    Case("ST153", "video player loaded after consent", cookie(category="embedded_content")),
    Case(
        "ST154",
        "session cookie called a session cookie",
        cookie(described_as_session=True, duration="session"),
    ),
    Case(
        "ST155",
        "vendor cookie exemption verified by scan",
        cookie(
            category="functional",
            exemption="strictly_necessary",
            party="third",
            verified_by_scan=dt.date(2026, 11, 20),
        ),
    ),
    Case("ST160", "every category used", None),
    Case("ST161", "system categories all kept by its purposes", None),
    Case(
        "ST162",
        "children with an age rule",
        chain(
            CHILDREN, purpose(children={"minimum_age": 13, "age_check": "date of birth at sign-up"})
        ),
    ),
    Case(
        "ST163",
        "children under 13 with parental authorisation",
        chain(
            CHILDREN,
            purpose(
                lawful_basis="consent", children={**YOUNG, "parental_authorisation_below": True}
            ),
        ),
    ),
    Case(
        "ST170",
        "no complaints duty before 19 June 2026",
        drop("rights", "complaints"),
        dt.date(2026, 6, 18),
    ),
    Case("ST171", "complaint form online", None),
    Case("ST172", "verification by known channel", None),
    Case(
        "ST180",
        "UK GDPR cited",
        statement("We comply with the UK GDPR and the Data Protection Act 2018."),
    ),
    Case(
        "ST181",
        "UK Extension described",
        statement("Our supplier is certified to the UK Extension to the Data Privacy Framework."),
    ),
    Case(
        "ST182",
        "PECR named correctly",
        statement("We follow the Privacy and Electronic Communications Regulations 2003."),
    ),
    Case("ST183", "transfers outside the UK", statement("We may send data outside the UK.")),
    Case("ST184", "safeguard named", statement("Our providers sign the IDTA.")),
    Case(
        "ST185",
        "EU SCCs with the UK Addendum",
        statement("We use the standard contractual clauses with the UK Addendum."),
    ),
    Case(
        "ST186",
        "criminal data kept apart",
        statement("Criminal offence data is not special category data."),
    ),
    Case("ST187", "special category data", statement("We hold special category data.")),
    Case(
        "ST188",
        "direct marketing objection stated as absolute",
        chain(
            statement("We may refuse if we have compelling legitimate grounds."),
            statement("You can object to direct marketing at any time and we will stop.", "dm"),
        ),
    ),
    Case(
        "ST189",
        "one month with the rest of the rule",
        statement(
            "We reply within one month of your request or the ID we ask for; we may extend this "
            "by two further months."
        ),
    ),
    Case(
        "ST190",
        "access right described fully",
        statement(
            "You have the right to access your data, including automated decisions, transfer "
            "safeguards and how to complain to the ICO; the first copy is free."
        ),
    ),
    Case(
        "ST162",
        "children under a contract: Art 8 is about consent",
        CHILDREN,
    ),
    Case(
        "ST162",
        "consent on a paper form: not an online service",
        chain(
            CHILDREN,
            purpose(lawful_basis="consent"),
            set_at("systems", 0, "kind", value="paper"),
        ),
    ),
    Case(
        "ST191",
        "complaints to the ICO named",
        statement("If you are unhappy you can complain to the ICO."),
    ),
    Case(
        "ST191",
        "complaints to us and to the ICO",
        statement("You can complain to us using our complaint form, and to the ICO."),
    ),
    Case(
        "ST191",
        "regulator-only wording before the complaints duty",
        statement("You can complain to the ICO."),
        dt.date(2026, 6, 18),
    ),
    Case("ST192", "banner choice", statement("Choose Accept or Reject in our cookie banner.")),
    Case(
        "ST193",
        "cookies hold identifiers",
        statement("Cookies can hold identifiers that are personal data."),
    ),
    Case(
        "ST194",
        "personal data defined fully",
        statement(
            "Personal data is any information relating to an identified or identifiable person."
        ),
    ),
    Case(
        "ST195",
        "as soon as possible within the month",
        statement("We will correct it as soon as possible and within one month."),
    ),
    Case(
        "ST196",
        "automated decisions in Arts 22A-22D terms",
        statement(
            "For automated decisions you can make representations, get human review and contest "
            "the decision."
        ),
    ),
    Case(
        "ST196",
        "old wording before the DUAA commenced",
        statement("You can ask for a human to review automated decisions."),
        dt.date(2026, 2, 4),
    ),
    Case(
        "ST197", "period stated", statement("We keep details for two years after your last order.")
    ),
    Case("ST198", "no bought lists", statement("We never buy marketing lists.")),
    Case(
        "ST113",
        "fraud handled with a criminal offence condition",
        chain(
            purpose(name="Investigating suspected fraud by customers"),
            purpose(
                criminal_offence_condition={
                    "schedule_1": "para_14",
                    "appropriate_policy_document": "APD-3",
                }
            ),
        ),
    ),
    Case(
        "ST115",
        "consent marketing on the consent basis",
        marketing(),
    ),
    Case(
        "ST116",
        "legitimate interests that are interests",
        purpose(**{**LI, "legitimate_interests": "Preventing misuse of our website"}),
    ),
    Case(
        "ST117",
        "contract for the customers who are party to it",
        CHILDREN,
    ),
    Case(
        "ST125",
        "service messages kept to the service",
        statement("Service messages tell you about your booking; they never include offers."),
    ),
    Case(
        "ST156",
        "cookies only after the banner choice",
        statement("We set analytics cookies only if you accept them in our cookie banner."),
    ),
    Case(
        "ST174",
        "consent asked by ticking a box",
        statement("By ticking the box you consent to receive our newsletter."),
    ),
    Case(
        "ST175",
        "marketing stops at once",
        statement("If you unsubscribe we stop sending marketing straight away."),
    ),
    Case(
        "ST176",
        "every applicable right listed",
        statement(
            "You have the right to access your data, to have it corrected or erased, to "
            "restrict its use, to data portability, and to complain to the ICO."
        ),
    ),
    Case(
        "ST177",
        "third-party websites at the reader's own risk",
        statement("Links to third-party websites are provided at your own risk."),
    ),
    Case(
        "ST135",
        "unnamed destinations under an IDTA",
        chain(
            recipient("GB", IDTA),
            set_at("recipients", 0, "unnamed_destinations", value=True),
        ),
    ),
    Case("ST135", "recipient in the UK", recipient("GB")),
    Case("ST157", "cookie facts stated", cookie()),
]


def _ids(cases: list[Case]) -> list[str]:
    return [f"{c.rule} {c.behaviour}" for c in cases]


@pytest.mark.parametrize("case", FIRES, ids=_ids(FIRES))
def test_rule_fires_on_the_mistake(case: Case, lint_rule: Callable[..., list[Finding]]) -> None:
    findings = lint_rule(case.rule, case.mutate, case.on)
    assert findings, f"{case.rule} did not fire"
    assert {f.rule_id for f in findings} == {case.rule}
    assert all(f.line > 1 and f.message and f.hint for f in findings)


@pytest.mark.parametrize("case", QUIET, ids=_ids(QUIET))
def test_rule_is_quiet_on_the_lawful_near_miss(
    case: Case, lint_rule: Callable[..., list[Finding]]
) -> None:
    assert lint_rule(case.rule, case.mutate, case.on) == []


def test_ico_accepted_until_the_information_commission_exists(tmp_path: Path) -> None:
    options = LintOptions(information_commission_from=dt.date(2027, 1, 1))
    report = lint(write(tmp_path, base()), dt.date(2026, 12, 31), options=options)
    assert "ST173" not in {f.rule_id for f in report.findings}


def test_ico_named_after_the_information_commission_replaced_it_warns(tmp_path: Path) -> None:
    options = LintOptions(information_commission_from=dt.date(2027, 1, 1))
    report = lint(write(tmp_path, base()), dt.date(2027, 1, 1), options=options)
    [finding] = [f for f in report.findings if f.rule_id == "ST173"]
    assert finding.severity is Severity.warning
    assert finding.field == "organisation.supervisory_authority"


def test_every_rule_has_a_firing_and_a_quiet_case() -> None:
    ids = {r.id for r in all_rules()} - {"ST173"}
    assert ids <= {c.rule for c in FIRES}
    assert ids <= {c.rule for c in QUIET}
