"""The manifest: one typed, immutable declaration of an organisation's processing.

Every section of DESIGN.md §1 is a model here. Models forbid unknown fields (a misspelt key is an
error with a suggestion, not silently ignored) and are frozen (compiled outputs are pure
functions of them). Cross-references between sections are checked by ``manifest.references``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from functools import cached_property
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from steward.law.retention import Action, Anchor
from steward.manifest.fields import (
    Art9Condition,
    CountryCode,
    Email,
    EnvReference,
    Identifier,
    Model,
    RetentionPeriod,
    Schedule1Condition,
    Text,
    Url,
    VatNumber,
)
from steward.manifest.vocabulary import (
    Channel,
    CookieCategory,
    CookieExemption,
    CookieLoads,
    LawfulBasis,
    ListSource,
    MarketedProducts,
    MarketingAudience,
    Nation,
    Party,
    PecrRule,
    ProvisionRequirement,
    RecipientRole,
    RightsChannel,
    SourceKind,
    SpecialCategory,
    StorageTechnology,
    SubscriberType,
    SupervisoryAuthority,
    SystemKind,
    TransferMechanism,
    VerificationMethod,
)


class Address(Model):
    lines: tuple[Text, ...] = Field(min_length=1)
    postcode: Annotated[str, StringConstraints(max_length=16)] | None = None
    country: CountryCode = "GB"

    def one_line(self) -> str:
        return ", ".join([*self.lines, *([self.postcode] if self.postcode else [])])


class Contact(Model):
    name: Text | None = None
    role: Text | None = None
    email: Email | None = None
    phone: Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()-]{6,20}$")] | None = None
    address: Address | None = None
    purpose: Text | None = Field(
        default=None, description="What this contact is for, when there is more than one"
    )

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.email or self.phone or self.address):
            raise ValueError("a contact needs at least one of email, phone or address")
        return self


class Organisation(Model):
    name: Text
    trading_name: Text | None = None
    company_number: Annotated[str, StringConstraints(pattern=r"^(?:[A-Z]{2})?[0-9]{6,8}$")] = Field(
        description="Companies House number, e.g. 06648132"
    )
    vat_number: VatNumber | None = None
    registered_address: Address
    postal_address: Address | None = None
    website: Url | None = None
    privacy_contact: Contact
    other_contacts: tuple[Contact, ...] = ()
    dpo: Contact | None = None
    representative: Contact | None = None
    ico_registration: Annotated[str, StringConstraints(pattern=r"^Z[A-Z0-9]{7}$")] = Field(
        description="ICO data protection fee registration number, e.g. ZA123456"
    )
    nation: Nation = Nation.england
    is_charity: bool = False
    employees: Annotated[int, Field(ge=0)] | None = None
    supervisory_authority: SupervisoryAuthority = SupervisoryAuthority.ico
    security_measures: tuple[Text, ...] = Field(
        default=(), description="Art 32 technical and organisational measures (Art 30(1)(g))"
    )


class ChangeEntry(Model):
    date: dt.date
    summary: Text


class Notice(Model):
    title: Text = "Privacy notice"
    url: Url | None = None
    last_updated: dt.date
    statements: dict[Identifier, Text] = Field(
        default_factory=dict,
        description="Free-text paragraphs the notice carries, by section id (e.g. intro)",
    )


class DataSubjectKind(Model):
    id: Identifier
    name: Text
    description: Text | None = None
    includes_children: bool = False


class DataCategory(Model):
    id: Identifier
    name: Text
    description: Text | None = None
    examples: tuple[Text, ...] = ()
    special_category: SpecialCategory | None = None
    criminal_offence: bool = False
    retention: Identifier | None = None


class SpecialCategoryCondition(Model):
    article_9: Art9Condition
    schedule_1: Schedule1Condition | None = None
    appropriate_policy_document: Text | None = None


class CriminalOffenceCondition(Model):
    official_authority: bool = False
    schedule_1: Schedule1Condition | None = None
    appropriate_policy_document: Text | None = None


class Marketing(Model):
    channels: tuple[Channel, ...] = Field(min_length=1)
    pecr_rule: PecrRule | None = None
    audience: MarketingAudience
    subscriber_types: tuple[SubscriberType, ...] = (SubscriberType.individual,)
    products: MarketedProducts = MarketedProducts.own_similar
    list_sources: tuple[ListSource, ...] = (ListSource.directly,)
    opt_out_at_collection: bool = False
    opt_out_in_every_message: bool = False


class Source(Model):
    kind: SourceKind
    name: Text | None = None
    publicly_accessible: bool = False


class Provision(Model):
    requirement: ProvisionRequirement
    obligatory: bool
    consequence: Text


class AutomatedDecisions(Model):
    used: bool = False
    logic: Text | None = None
    significance: Text | None = None
    safeguards: Text | None = None

    @model_validator(mode="after")
    def _explained_when_used(self) -> AutomatedDecisions:
        if self.used and not (self.logic and self.significance):
            raise ValueError(
                "automated decisions in use need 'logic' and 'significance' (Art 13(2)(f))"
            )
        return self


class ChildrenRule(Model):
    minimum_age: Annotated[int, Field(ge=0, le=18)]
    parental_authorisation_below: bool = True
    age_check: Text


class Purpose(Model):
    id: Identifier
    name: Text
    description: Text | None = None
    data_subjects: tuple[Identifier, ...] = Field(min_length=1)
    categories: tuple[Identifier, ...] = Field(min_length=1)
    lawful_basis: LawfulBasis | None = Field(
        default=None, description="UK GDPR Art 6(1) basis; lint reports a purpose without one"
    )
    legitimate_interests: Text | None = Field(
        default=None, description="The legitimate interest pursued (Art 13(1)(d))"
    )
    lia_reference: Text | None = None
    special_category_condition: SpecialCategoryCondition | None = None
    criminal_offence_condition: CriminalOffenceCondition | None = None
    marketing: Marketing | None = None
    sources: tuple[Source, ...] = (Source(kind=SourceKind.data_subject),)
    recipients: tuple[Identifier, ...] = ()
    systems: tuple[Identifier, ...] = ()
    retention: Identifier | None = None
    provision: Provision | None = None
    automated_decisions: AutomatedDecisions = AutomatedDecisions()
    aggregate_only: bool = Field(
        default=False,
        description="Results only published in aggregate, with small-cell suppression",
    )
    children: ChildrenRule | None = None
    stored: bool = Field(default=True, description="False when data is relayed and not kept")
    consent_wording: Text | None = None


class Transfer(Model):
    mechanisms: tuple[TransferMechanism, ...] = Field(min_length=1)
    dpf_uk_extension: bool = Field(
        default=False, description="The recipient is on the DPF List with the UK Extension"
    )
    contract_date: dt.date | None = None
    transfer_risk_assessment: Text | None = None
    safeguard_copy: Text | None = Field(
        default=None, description="How a person can get a copy of the safeguard (Art 13(1)(f))"
    )
    art49_reason: Text | None = None
    bcr_approved: dt.date | None = None


class Recipient(Model):
    id: Identifier
    name: Text
    role: RecipientRole
    category: Text = Field(description="Category of recipient, as the notice and record show it")
    country: CountryCode
    also_accessed_from: tuple[CountryCode, ...] = ()
    transfer: Transfer | None = None
    privacy_policy_url: Url | None = None
    processing_contract: bool | None = Field(
        default=None, description="An Art 28 contract is in place (processors)"
    )
    on_request_only: bool = False
    description: Text | None = None


class RetentionRule(Model):
    id: Identifier
    description: Text
    trigger_event: Identifier
    anchor: Anchor = Anchor.event_date
    period: RetentionPeriod = None
    criteria: Text | None = Field(
        default=None, description="How the period is decided, where it cannot be fixed"
    )
    action: Action
    citation: Text | None = None


class Cookie(Model):
    name: Text
    provider: Text
    recipient: Identifier | None = None
    purpose: Text
    category: CookieCategory
    duration: Annotated[
        str,
        StringConstraints(pattern=r"^(session|[0-9]+ (second|minute|hour|day|week|month|year)s?)$"),
        Field(description="'session' or a length such as '2 years', '30 minutes'"),
    ]
    party: Party
    technology: StorageTechnology = StorageTechnology.cookie
    exemption: CookieExemption | None = None
    loads: CookieLoads = CookieLoads.after_consent
    advertising_features: bool = False
    shared_for_provider_purposes: bool = False
    objection_means: bool = Field(
        default=False, description="The site offers its own simple, free way to object"
    )
    described_as_session: bool = False
    verified_by_scan: dt.date | None = None


class System(Model):
    id: Identifier
    name: Text
    kind: SystemKind
    recipient: Identifier | None = Field(
        default=None, description="The processor hosting it, if not the organisation itself"
    )
    location: CountryCode = "GB"
    categories: tuple[Identifier, ...] = ()
    managed_by: Text | None = None
    connection: dict[Identifier, EnvReference] = Field(
        default_factory=dict, description="How to reach it; values are env:NAME references only"
    )
    options: dict[Identifier, Annotated[str, StringConstraints(max_length=200)]] = Field(
        default_factory=dict, description="Non-secret settings such as a list id"
    )

    @model_validator(mode="after")
    def _no_inline_secret(self) -> System:
        for key, value in self.options.items():
            if _looks_like_secret(key, value):
                raise ValueError(
                    f"options.{key} looks like a secret; put it in an environment variable and "
                    f"refer to it under 'connection' as env:NAME"
                )
        return self


_SECRET_KEY = re.compile(r"(pass|secret|token|key|credential)", re.IGNORECASE)
_SECRET_VALUE = re.compile(r"://[^/\s:@]+:[^/\s@]+@")


def _looks_like_secret(key: str, value: str) -> bool:
    return bool(_SECRET_KEY.search(key) or _SECRET_VALUE.search(value))


class Verification(Model):
    method: VerificationMethod = VerificationMethod.known_channel
    always_require_id_document: bool = False


class Complaints(Model):
    form_url: Url | None = None
    email: Email | None = None
    post: bool = False


class RightsSettings(Model):
    channels: tuple[RightsChannel, ...] = Field(min_length=1)
    contact: Contact
    verification: Verification = Verification()
    complaints: Complaints | None = None


class Manifest(Model):
    """The whole declaration. ``steward`` is the manifest format version."""

    steward: Literal[1] = 1
    organisation: Organisation
    notice: Notice
    rights: RightsSettings
    data_subjects: tuple[DataSubjectKind, ...] = Field(min_length=1)
    data_categories: tuple[DataCategory, ...] = Field(min_length=1)
    purposes: tuple[Purpose, ...] = Field(min_length=1)
    recipients: tuple[Recipient, ...] = ()
    retention: tuple[RetentionRule, ...] = ()
    cookies: tuple[Cookie, ...] = ()
    systems: tuple[System, ...] = ()
    changes: tuple[ChangeEntry, ...] = ()

    def category(self, category_id: str) -> DataCategory:
        return self._by_id["data_categories"][category_id]  # type: ignore[return-value]

    def recipient(self, recipient_id: str) -> Recipient:
        return self._by_id["recipients"][recipient_id]  # type: ignore[return-value]

    def retention_rule(self, rule_id: str) -> RetentionRule:
        return self._by_id["retention"][rule_id]  # type: ignore[return-value]

    def subject_kind(self, kind_id: str) -> DataSubjectKind:
        return self._by_id["data_subjects"][kind_id]  # type: ignore[return-value]

    def system(self, system_id: str) -> System:
        return self._by_id["systems"][system_id]  # type: ignore[return-value]

    def purposes_using(self, category_id: str) -> tuple[Purpose, ...]:
        """Purposes that use a data category, in declaration order."""
        return self._referrers[("categories", category_id)]  # type: ignore[return-value]

    def purposes_sharing_with(self, recipient_id: str) -> tuple[Purpose, ...]:
        """Purposes that disclose data to a recipient, in declaration order."""
        return self._referrers[("recipients", recipient_id)]  # type: ignore[return-value]

    def cookies_set_by(self, recipient_id: str) -> tuple[Cookie, ...]:
        return self._referrers[("cookies", recipient_id)]  # type: ignore[return-value]

    def systems_hosted_by(self, recipient_id: str) -> tuple[System, ...]:
        return self._referrers[("systems", recipient_id)]  # type: ignore[return-value]

    @cached_property
    def _referrers(self) -> defaultdict[tuple[str, str], tuple[Model, ...]]:
        """Who refers to an id, built once, so notices over large manifests stay linear."""
        found: defaultdict[tuple[str, str], list[Model]] = defaultdict(list)
        for purpose in self.purposes:
            for category_id in dict.fromkeys(purpose.categories):
                found["categories", category_id].append(purpose)
            for recipient_id in dict.fromkeys(purpose.recipients):
                found["recipients", recipient_id].append(purpose)
        for cookie in self.cookies:
            if cookie.recipient:
                found["cookies", cookie.recipient].append(cookie)
        for system in self.systems:
            if system.recipient:
                found["systems", system.recipient].append(system)
        return defaultdict(tuple, {key: tuple(items) for key, items in found.items()})

    @cached_property
    def _by_id(self) -> dict[str, dict[str, Model]]:
        """Each id-bearing section indexed once, so lookups stay constant-time at any size."""
        return {
            section: {item.id: item for item in getattr(self, section)}
            for section in SECTIONS_WITH_IDS
        }


SECTIONS_WITH_IDS = (
    "data_subjects",
    "data_categories",
    "purposes",
    "recipients",
    "retention",
    "systems",
)
SINGLE_SECTIONS = ("steward", "organisation", "notice", "rights")
LIST_SECTIONS = (*SECTIONS_WITH_IDS, "cookies", "changes")
