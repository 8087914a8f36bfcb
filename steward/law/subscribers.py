"""Individual or corporate subscriber: the first question for electronic-mail marketing.

PECR reg 2(1) definitions; ICO *Business-to-business marketing*; RULES.md R2.2.
"""

from __future__ import annotations

from enum import StrEnum

from steward.errors import InvalidInput


class SubscriberType(StrEnum):
    """Who holds the contract with the email or phone provider (PECR reg 2(1); RULES.md R2.2)."""

    individual = "individual"
    corporate = "corporate"


class LegalForm(StrEnum):
    """The legal form of the subscriber, which decides its subscriber type (RULES.md R2.2)."""

    private_individual = "private_individual"
    sole_trader = "sole_trader"
    partnership = "partnership"
    limited_partnership = "limited_partnership"
    unincorporated_association = "unincorporated_association"
    company = "company"
    llp = "llp"
    royal_charter_body = "royal_charter_body"
    corporation_sole = "corporation_sole"
    other_body_corporate = "other_body_corporate"
    unknown = "unknown"

    @classmethod
    def parse(cls, text: str | None, *, where: str = "legal_form") -> LegalForm:
        """Read a legal form as written in a list or manifest; blank means unknown (R2.2)."""
        cleaned = (text or "").strip().lower().replace("-", "_").replace(" ", "_").strip(".")
        if not cleaned:
            return cls.unknown
        found = _LEGAL_FORM_ALIASES.get(cleaned)
        if found is None and cleaned in cls.__members__:
            found = cls[cleaned]
        if found is None:
            raise InvalidInput(
                f"unknown legal form {text!r}",
                where=where,
                hint="use one of: " + ", ".join(f.value for f in cls),
            )
        return found


_LEGAL_FORM_ALIASES = {
    "individual": LegalForm.private_individual,
    "person": LegalForm.private_individual,
    "consumer": LegalForm.private_individual,
    "ltd": LegalForm.company,
    "limited": LegalForm.company,
    "limited_company": LegalForm.company,
    "plc": LegalForm.company,
    "cic": LegalForm.company,
    "cio": LegalForm.other_body_corporate,
    "lp": LegalForm.limited_partnership,
}

_CORPORATE_FORMS = frozenset(
    {
        LegalForm.company,
        LegalForm.llp,
        LegalForm.royal_charter_body,
        LegalForm.corporation_sole,
        LegalForm.other_body_corporate,
    }
)
_PARTNERSHIPS = frozenset({LegalForm.partnership, LegalForm.limited_partnership})


def classify_subscriber(
    legal_form: LegalForm | str | None, *, scottish: bool = False
) -> SubscriberType:
    """Corporate for bodies with legal personality and Scottish partnerships; else individual.

    Sole traders, other partnerships and unknown subscribers are individuals, the safer default
    (PECR reg 2(1); ICO *Business-to-business marketing*; RULES.md R2.2).
    """
    form = legal_form if isinstance(legal_form, LegalForm) else LegalForm.parse(legal_form)
    if form in _CORPORATE_FORMS or (form in _PARTNERSHIPS and scottish):
        return SubscriberType.corporate
    return SubscriberType.individual
