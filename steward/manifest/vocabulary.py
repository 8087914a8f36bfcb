"""The closed vocabularies a manifest is written in.

Each is a ``StrEnum`` so YAML authors write the plain value (``legitimate_interests``) and the
loader can suggest the nearest one when a value is misspelt.
"""

from __future__ import annotations

from enum import StrEnum

# The manifest's nation is the law's nation (RULES.md C-3), re-exported here.
from steward.law.calendar import Nation as Nation
from steward.law.cookies import Exemption
from steward.law.special_category import SpecialCategory as SpecialCategory
from steward.law.transfers import Mechanism


class LawfulBasis(StrEnum):
    """UK GDPR Art 6(1) bases; ``recognised_legitimate_interest`` is Art 6(1)(ea) (DUAA s.70)."""

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"
    recognised_legitimate_interest = "recognised_legitimate_interest"


class RecipientRole(StrEnum):
    processor = "processor"
    controller = "controller"
    joint_controller = "joint_controller"
    public_authority = "public_authority"


class MarketingChannel(StrEnum):
    email = "email"
    sms = "sms"
    phone = "phone"
    post = "post"
    social_media = "social_media"


class PecrRule(StrEnum):
    """How a marketing purpose satisfies PECR reg 22 (RULES.md R2.3–R2.5)."""

    consent = "consent"
    soft_opt_in = "soft_opt_in"
    charity_soft_opt_in = "charity_soft_opt_in"
    corporate_subscriber = "corporate_subscriber"
    not_electronic = "not_electronic"


class MarketingAudience(StrEnum):
    """Who a marketing purpose is sent to: the soft opt-in can only hold for ``customers``
    (people whose details the sender got in a sale or negotiation, RULES.md R2.3)."""

    customers = "customers"
    prospects = "prospects"
    supporters = "supporters"
    mixed = "mixed"


class MarketedProducts(StrEnum):
    own_similar = "own_similar"
    own_other = "own_other"
    third_party = "third_party"


class SubscriberType(StrEnum):
    individual = "individual"
    corporate = "corporate"


class ListSource(StrEnum):
    own_collection = "own_collection"
    bought = "bought"
    partner = "partner"
    group_company = "group_company"


class ProvisionRequirement(StrEnum):
    """UK GDPR Art 13(2)(e): why (or whether) the person must provide the data."""

    statutory = "statutory"
    contractual = "contractual"
    contract_entry = "contract_entry"
    voluntary = "voluntary"
    not_from_data_subject = "not_from_data_subject"


class SourceKind(StrEnum):
    """Where data comes from; anything but ``data_subject``/``automatic`` makes Art 14 apply."""

    data_subject = "data_subject"
    automatic = "automatic"
    third_party = "third_party"
    public = "public"
    generated = "generated"


class CookieCategory(StrEnum):
    """Banner categories; only ``strictly_necessary`` loads without a choice."""

    strictly_necessary = "strictly_necessary"
    functional = "functional"
    analytics = "analytics"
    marketing = "marketing"
    embedded_content = "embedded_content"


# The Sch A1 exceptions a cookie may claim are the law's own list (RULES.md R3.1).
CookieExemption = Exemption
# Transfer mechanisms are the law's ids (RULES.md R4.3), including the SEED-05 non-mechanism.
TransferMechanism = Mechanism


class Party(StrEnum):
    first = "first"
    third = "third"


class StorageTechnology(StrEnum):
    cookie = "cookie"
    local_storage = "local_storage"
    pixel = "pixel"
    script = "script"
    fingerprinting = "fingerprinting"


class CookieLoads(StrEnum):
    """When the site sets it: anything before a choice must be exempt (RULES.md R3.4)."""

    page_load = "page_load"
    after_consent = "after_consent"
    on_click = "on_click"
    on_login = "on_login"


class SystemKind(StrEnum):
    postgresql = "postgresql"
    mysql = "mysql"
    sqlite = "sqlite"
    files = "files"
    mailchimp = "mailchimp"
    hubspot = "hubspot"
    zendesk = "zendesk"
    website = "website"
    email = "email"
    paper = "paper"
    cctv = "cctv"
    other = "other"


class RightsChannel(StrEnum):
    email = "email"
    post = "post"
    web_form = "web_form"
    phone = "phone"
    in_person = "in_person"


class VerificationMethod(StrEnum):
    """RULES.md §12: prefer what is already held; a document only on reasonable doubt."""

    known_channel = "known_channel"
    email_code = "email_code"
    matching_details = "matching_details"
    id_document = "id_document"


class SupervisoryAuthority(StrEnum):
    """RULES.md SEED-30: the ICO until DUAA s.119 commences, then the Information Commission."""

    ico = "ico"
    information_commission = "information_commission"


class LegalForm(StrEnum):
    """What kind of body the controller is, as its registration documents say (Art 13(1)(a)).

    Each form decides which register numbers the notice can show: Companies House for companies,
    LLPs, CICs and academy trusts; a charity regulator for charities (Charities Act 2011 s.39
    requires a registered charity to state that it is one on its notices and documents).
    """

    company = "company"
    charitable_company = "charitable_company"
    community_interest_company = "community_interest_company"
    cio = "cio"
    scio = "scio"
    charitable_trust = "charitable_trust"
    unincorporated_association = "unincorporated_association"
    llp = "llp"
    partnership = "partnership"
    sole_trader = "sole_trader"
    public_body = "public_body"
    nhs_body = "nhs_body"
    maintained_school = "maintained_school"
    academy_trust = "academy_trust"
    independent_school = "independent_school"
    cooperative_society = "cooperative_society"
    community_benefit_society = "community_benefit_society"


COMPANIES_HOUSE_FORMS = frozenset(
    {
        LegalForm.company,
        LegalForm.charitable_company,
        LegalForm.community_interest_company,
        LegalForm.llp,
        LegalForm.academy_trust,
    }
)
"""Forms registered at Companies House, so a company number is expected."""

CHARITABLE_FORMS = frozenset(
    {
        LegalForm.charitable_company,
        LegalForm.cio,
        LegalForm.scio,
        LegalForm.charitable_trust,
        LegalForm.academy_trust,
    }
)
"""Forms that are charities in law (academy trusts are exempt charities)."""


class CharityRegulator(StrEnum):
    """The register a charity number belongs to: one per UK charity law jurisdiction."""

    england_wales = "england_wales"
    scotland = "scotland"
    northern_ireland = "northern_ireland"


class Right(StrEnum):
    """The rights a person can exercise, each of which may have its own channels."""

    access = "access"
    rectification = "rectification"
    erasure = "erasure"
    restriction = "restriction"
    portability = "portability"
    objection = "objection"
    object_to_marketing = "object_to_marketing"
    withdraw_consent = "withdraw_consent"
    automated_decisions = "automated_decisions"


class ContactPoint(StrEnum):
    """UK GDPR Art 26(1): who joint controllers designate as the contact point for people."""

    us = "us"
    them = "them"
    either = "either"


class Whichever(StrEnum):
    """How the criteria of a combined retention rule decide its end: the later or the earlier."""

    later = "later"
    earlier = "earlier"
