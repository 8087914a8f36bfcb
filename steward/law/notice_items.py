"""What a privacy notice and an Art 30 record must contain, as data shared by lint and outputs.

UK GDPR Arts 13, 14 and 30 and Steward's extra items, as RULES.md §8-9 lists them. Item ids are
stable lint-rule ids. DUAA changes to the exact wording of Arts 13/14 are UNCONFIRMED, so the
texts state concepts, not statutory phrases.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Applies(StrEnum):
    """When an item is required: always, only where its condition holds, or where possible.

    "where_possible" items are warnings when missing, the others errors (RULES.md R8.4).
    """

    always = "always"
    where_applicable = "where_applicable"
    where_possible = "where_possible"


@dataclass(frozen=True)
class Item:
    """One required piece of information, with the provision that requires it."""

    id: str
    text: str
    citation: str
    applies: Applies = Applies.always


_A = Applies.where_applicable

ART13_ITEMS: tuple[Item, ...] = (
    Item(
        "N13.1.a",
        "identity and contact details of the controller and any representative",
        "UK GDPR Art 13(1)(a)",
    ),
    Item("N13.1.b", "contact details of the data protection officer", "UK GDPR Art 13(1)(b)", _A),
    Item("N13.1.c", "the purposes and the lawful basis for each", "UK GDPR Art 13(1)(c)"),
    Item(
        "N13.1.d",
        "the legitimate interests pursued, where relying on Art 6(1)(f)",
        "UK GDPR Art 13(1)(d)",
        _A,
    ),
    Item("N13.1.e", "the recipients or categories of recipients", "UK GDPR Art 13(1)(e)"),
    Item(
        "N13.1.f",
        "transfers outside the UK: whether UK adequacy regulations cover them, or the "
        "safeguards (or Art 49 last-resort basis) and how to get a copy",
        "UK GDPR Art 13(1)(f)",
        _A,
    ),
    Item("N13.2.a", "the retention period, or the criteria used to set it", "UK GDPR Art 13(2)(a)"),
    Item(
        "N13.2.b",
        "the rights of access, rectification, erasure, restriction, objection and portability",
        "UK GDPR Art 13(2)(b)",
    ),
    Item(
        "N13.2.c",
        "the right to withdraw consent at any time, where processing is based on consent",
        "UK GDPR Art 13(2)(c)",
        _A,
    ),
    Item(
        "N13.2.d", "the right to complain to the Information Commissioner", "UK GDPR Art 13(2)(d)"
    ),
    Item(
        "N13.2.e",
        "whether providing the data is a statutory or contractual requirement, whether "
        "the person must provide it, and the consequences of not doing so",
        "UK GDPR Art 13(2)(e)",
    ),
    Item(
        "N13.2.f",
        "any automated decision-making, including profiling: meaningful information "
        "about the logic, its significance and envisaged consequences",
        "UK GDPR Art 13(2)(f); Arts 22A-22D",
        _A,
    ),
    Item(
        "N13.3",
        "before further processing for a new purpose: that purpose and the Art 13(2) information",
        "UK GDPR Art 13(3)",
        _A,
    ),
)
"""Data collected from the person, given at the time of collection (RULES.md R9.1)."""

ART14_ITEMS: tuple[Item, ...] = (
    Item("N14.1.a", ART13_ITEMS[0].text, "UK GDPR Art 14(1)(a)"),
    Item("N14.1.b", ART13_ITEMS[1].text, "UK GDPR Art 14(1)(b)", _A),
    Item("N14.1.c", ART13_ITEMS[2].text, "UK GDPR Art 14(1)(c)"),
    Item("N14.1.d", "the categories of personal data concerned", "UK GDPR Art 14(1)(d)"),
    Item("N14.1.e", ART13_ITEMS[4].text, "UK GDPR Art 14(1)(e)"),
    Item("N14.1.f", ART13_ITEMS[5].text, "UK GDPR Art 14(1)(f)", _A),
    Item("N14.2.a", ART13_ITEMS[6].text, "UK GDPR Art 14(2)(a)"),
    Item("N14.2.b", ART13_ITEMS[3].text, "UK GDPR Art 14(2)(b)", _A),
    Item("N14.2.c", ART13_ITEMS[7].text, "UK GDPR Art 14(2)(c)"),
    Item("N14.2.d", ART13_ITEMS[8].text, "UK GDPR Art 14(2)(d)", _A),
    Item("N14.2.e", ART13_ITEMS[9].text, "UK GDPR Art 14(2)(e)"),
    Item(
        "N14.2.f",
        "the source of the data and whether it came from publicly accessible sources",
        "UK GDPR Art 14(2)(f)",
    ),
    Item("N14.2.g", ART13_ITEMS[11].text, "UK GDPR Art 14(2)(g); Arts 22A-22D", _A),
)
"""Data not obtained from the person (RULES.md R9.2), numbered as Art 14 numbers them."""

EXTRA_NOTICE_ITEMS: tuple[Item, ...] = (
    Item(
        "N-extra-1",
        "the right to complain to the controller, and how (a complaint form)",
        "DPA 2018 s.164A (from 19 June 2026)",
    ),
    Item(
        "N-extra-2",
        "the right to object to direct marketing, explicitly, clearly and "
        "separately from other information",
        "UK GDPR Art 21(4)",
    ),
    Item(
        "N-extra-3",
        "cookies: clear information on each non-exempt purpose; for statistical or "
        "appearance exceptions, the purpose and the means to object",
        "PECR reg 6, Sch A1",
    ),
    Item(
        "N-extra-4",
        "refers to the UK GDPR, the Data Protection Act 2018 and PECR (not the EU "
        "GDPR) and describes transfers as outside the UK",
        "RULES.md §0.1",
    ),
    Item(
        "N-extra-5",
        "a 'last updated' date no earlier than the latest law change the notice depends on",
        "RULES.md R9.3 [I]",
    ),
)
"""UK-specific items every notice is checked for (RULES.md R9.3)."""

_P = Applies.where_possible

ART30_CONTROLLER_FIELDS: tuple[Item, ...] = (
    Item(
        "30.1.a",
        "name and contact details of the controller and any joint controller, "
        "representative and DPO",
        "UK GDPR Art 30(1)(a)",
    ),
    Item("30.1.b", "purposes of the processing", "UK GDPR Art 30(1)(b)"),
    Item("30.1.c", "categories of data subjects and of personal data", "UK GDPR Art 30(1)(c)"),
    Item(
        "30.1.d",
        "categories of recipients, including those in third countries or international "
        "organisations",
        "UK GDPR Art 30(1)(d)",
    ),
    Item(
        "30.1.e",
        "transfers to a third country or international organisation, identifying it, "
        "and documentation of safeguards for Art 49 last-resort transfers",
        "UK GDPR Art 30(1)(e)",
        _A,
    ),
    Item(
        "30.1.f",
        "envisaged time limits for erasure of each category of data",
        "UK GDPR Art 30(1)(f)",
        _P,
    ),
    Item(
        "30.1.g",
        "a general description of the technical and organisational security measures",
        "UK GDPR Art 30(1)(g); Art 32(1)",
        _P,
    ),
)
"""The controller's record of processing (RULES.md R8.1)."""

ART30_PROCESSOR_FIELDS: tuple[Item, ...] = (
    Item(
        "30.2.a",
        "name and contact details of the processor, each controller it acts for, and "
        "any representative and DPO",
        "UK GDPR Art 30(2)(a)",
    ),
    Item(
        "30.2.b", "categories of processing carried out for each controller", "UK GDPR Art 30(2)(b)"
    ),
    Item(
        "30.2.c",
        "transfers to a third country or international organisation, identifying it, "
        "and Art 49 last-resort documentation",
        "UK GDPR Art 30(2)(c)",
        _A,
    ),
    Item(
        "30.2.d",
        "a general description of the technical and organisational security measures",
        "UK GDPR Art 30(2)(d)",
        _P,
    ),
)
"""A processor's record (RULES.md R8.2)."""

ART30_EXTRA_FIELDS: tuple[Item, ...] = (
    Item(
        "30.extra.apd",
        "for special category or criminal offence data under a Sch 1 condition "
        "needing an appropriate policy document: the condition, the Art 6 basis, and whether "
        "retention and erasure follow the policy (with reasons if not)",
        "DPA 2018 Sch 1 para 41 (wording UNCONFIRMED)",
        _A,
    ),
    Item(
        "30.extra.lawful_basis",
        "the lawful basis for each purpose",
        "ICO: What do we need to document under Article 30",
    ),
    Item("30.extra.consent_records", "links to consent records", "ICO Art 30 guidance", _A),
    Item("30.extra.processor_contracts", "processor contracts", "ICO Art 30 guidance", _A),
    Item("30.extra.locations", "where the data is held", "ICO Art 30 guidance"),
    Item("30.extra.dpia", "DPIA references", "ICO Art 30 guidance", _A),
    Item("30.extra.breaches", "breach records", "ICO Art 30 guidance; UK GDPR Art 33(5)", _A),
)
"""Fields Steward adds to the record (RULES.md R8.3)."""

ALL_ITEMS: dict[str, Item] = {
    item.id: item
    for group in (
        ART13_ITEMS,
        ART14_ITEMS,
        EXTRA_NOTICE_ITEMS,
        ART30_CONTROLLER_FIELDS,
        ART30_PROCESSOR_FIELDS,
        ART30_EXTRA_FIELDS,
    )
    for item in group
}


def record_exemption_applies(
    employees: int,
    *,
    likely_risk: bool,
    occasional: bool,
    special_or_criminal: bool,
) -> bool:
    """Under 250 staff need no Art 30 record unless the processing is risky, regular or sensitive.

    UK GDPR Art 30(5); RULES.md R8.4.
    """
    return employees < 250 and not likely_risk and occasional and not special_or_criminal
