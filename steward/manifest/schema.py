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

from pydantic import BeforeValidator, Field, StringConstraints, model_validator

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
    CHARITABLE_FORMS,
    CharityRegulator,
    ContactPoint,
    CookieCategory,
    CookieExemption,
    CookieLoads,
    LawfulBasis,
    LegalForm,
    ListSource,
    MarketedProducts,
    MarketingAudience,
    MarketingChannel,
    Nation,
    Party,
    PecrRule,
    ProvisionRequirement,
    RecipientRole,
    Right,
    RightsChannel,
    SourceKind,
    SpecialCategory,
    StorageTechnology,
    SubscriberType,
    SupervisoryAuthority,
    SystemKind,
    TransferMechanism,
    VerificationMethod,
    Whichever,
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


_CHARITY_NUMBER = {
    CharityRegulator.england_wales: (r"^[0-9]{6,7}(?:-[0-9]{1,2})?$", "1234567 or 1234567-1"),
    CharityRegulator.scotland: (r"^SC0[0-9]{5}$", "SC012345"),
    CharityRegulator.northern_ireland: (r"^(?:NIC)?[0-9]{6}$", "NIC100002"),
}


class CharityRegistration(Model):
    """A charity's entry on one register (Charity Commission, OSCR or CCNI).

    A charity working across the UK can be on more than one register, so a list of these.
    """

    regulator: CharityRegulator
    number: Annotated[
        str,
        BeforeValidator(lambda v: str(v) if isinstance(v, int) else v),
        StringConstraints(max_length=16),
    ] = Field(description="As the register prints it: 1123456, SC045678, NIC100002")

    @model_validator(mode="after")
    def _number_fits_register(self) -> CharityRegistration:
        pattern, example = _CHARITY_NUMBER[self.regulator]
        if not re.match(pattern, self.number):
            raise ValueError(
                f"'{self.number}' is not a {self.regulator.value.replace('_', ' and ')} "
                f"charity number; write it like {example}"
            )
        return self


class StaffAbroad(Model):
    """The organisation's own staff reaching personal data from outside the UK.

    Access by the controller's own employees is not a restricted transfer to another body, but
    people are still told where their data is reached from (UK GDPR Art 13(1)(f); ICO guidance
    on international transfers).
    """

    country: CountryCode
    who: Text = Field(description="Which staff, e.g. 'our support team in Spain'")
    purposes: tuple[Identifier, ...] = Field(
        default=(), description="Purposes whose data they reach; none listed means all"
    )


class ProcessorScope(Model):
    """Where the organisation acts as a processor for another controller (UK GDPR Art 28).

    That processing is the controller's to explain; the notice says so, and where to look,
    so a reader does not take this notice as covering it.
    """

    controllers: Text = Field(description="For whom, e.g. 'schools that use our software'")
    services: Text = Field(description="What we do with personal data for them")
    their_notice: Text | None = Field(
        default=None, description="Where people find the controller's own notice"
    )


class Organisation(Model):
    name: Text
    trading_name: Text | None = None
    legal_form: LegalForm | None = Field(
        default=None, description="What kind of body the controller is (company, CIO, ...)"
    )
    company_number: (
        Annotated[str, StringConstraints(pattern=r"^(?:[A-Z]{2})?[0-9]{6,8}$")] | None
    ) = Field(default=None, description="Companies House number, e.g. 06648132")
    charity_numbers: tuple[CharityRegistration, ...] = Field(
        default=(), description="Registered charity numbers, one per charity register"
    )
    vat_number: VatNumber | None = None
    registered_address: Address
    postal_address: Address | None = None
    website: Url | None = None
    privacy_contact: Contact
    other_contacts: tuple[Contact, ...] = ()
    dpo: Contact | None = None
    representative: Contact | None = None
    dpo_appointed: bool | None = Field(
        default=None,
        description="false when no Data Protection Officer is appointed; implied true by 'dpo'",
    )
    ico_registration: Annotated[str, StringConstraints(pattern=r"^Z[A-Z0-9]{7}$")] | None = Field(
        default=None, description="ICO data protection fee registration number, e.g. ZA123456"
    )
    fee_exempt: bool = Field(
        default=False, description="Exempt from the ICO data protection fee (no registration)"
    )
    nation: Nation = Nation.england
    is_charity: bool = False
    employees: Annotated[int, Field(ge=0)] | None = None
    supervisory_authority: SupervisoryAuthority = SupervisoryAuthority.ico
    security_measures: tuple[Text, ...] = Field(
        default=(), description="Art 32 technical and organisational measures (Art 30(1)(g))"
    )
    staff_abroad: tuple[StaffAbroad, ...] = Field(
        default=(), description="Own staff who reach personal data from outside the UK"
    )
    processor_for: tuple[ProcessorScope, ...] = Field(
        default=(),
        description="Processing done as a processor for other controllers, outside this notice",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Organisation:
        if self.dpo is not None and self.dpo_appointed is False:
            raise ValueError("'dpo' is given but 'dpo_appointed' is false; remove one")
        if self.fee_exempt and self.ico_registration:
            raise ValueError("'fee_exempt' is true but an 'ico_registration' is given; remove one")
        return self

    @property
    def registered_charity(self) -> bool:
        """A charity by its form, a register entry or the older ``is_charity`` flag."""
        return self.is_charity or bool(self.charity_numbers) or self.legal_form in CHARITABLE_FORMS


class ChangeEntry(Model):
    date: dt.date
    summary: Text


class LinkedNotice(Model):
    """A service-specific notice that adds to this one (e.g. a CCTV or recruitment notice)."""

    title: Text
    url: Url
    purposes: tuple[Identifier, ...] = Field(
        default=(), description="Ids of the purposes it covers in more detail"
    )


class Notice(Model):
    title: Text = "Privacy notice"
    url: Url | None = None
    last_updated: dt.date
    statements: dict[Identifier, Text] = Field(
        default_factory=dict,
        description="Free-text paragraphs the notice carries, by section id (e.g. intro)",
    )
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = Field(
        default=None, description="Version label of this declaration, e.g. 3.1 (shown on records)"
    )
    linked_notices: tuple[LinkedNotice, ...] = Field(
        default=(), description="Service-specific notices that add to this one"
    )
    cookie_settings_url: Url | None = Field(
        default=None, description="Where a visitor reopens the cookie settings"
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
    children_retention: Identifier | None = Field(
        default=None,
        description="Id of a longer retention rule for records about children (e.g. until 25)",
    )


class SpecialCategoryCondition(Model):
    article_9: Art9Condition
    schedule_1: Schedule1Condition | None = None
    appropriate_policy_document: Text | None = None


class CriminalOffenceCondition(Model):
    official_authority: bool = False
    schedule_1: Schedule1Condition | None = None
    appropriate_policy_document: Text | None = None


class ChannelOptOut(Model):
    """How refusal is offered on one marketing channel (PECR reg 22(3)(c), reg 21, 21A)."""

    channel: MarketingChannel
    at_collection: bool = False
    in_every_message: bool = False


class Marketing(Model):
    channels: tuple[MarketingChannel, ...] = Field(min_length=1)
    pecr_rule: PecrRule | None = None
    audience: MarketingAudience
    subscriber_types: tuple[SubscriberType, ...] = (SubscriberType.individual,)
    products: MarketedProducts = MarketedProducts.own_similar
    list_sources: tuple[ListSource, ...] = (ListSource.own_collection,)
    opt_out_at_collection: bool = Field(
        default=False, description="Refusal offered at collection, on every channel"
    )
    opt_out_in_every_message: bool = Field(
        default=False, description="Refusal offered in every message, on every channel"
    )
    opt_outs: tuple[ChannelOptOut, ...] = Field(
        default=(), description="Per-channel refusal, where channels differ"
    )

    @model_validator(mode="after")
    def _opt_outs_for_used_channels(self) -> Marketing:
        seen: set[MarketingChannel] = set()
        for entry in self.opt_outs:
            if entry.channel not in self.channels:
                raise ValueError(
                    f"opt_outs names channel '{entry.channel.value}', which is not in 'channels'"
                )
            if entry.channel in seen:
                raise ValueError(f"opt_outs names channel '{entry.channel.value}' twice")
            seen.add(entry.channel)
        return self

    def opt_out_for(self, channel: MarketingChannel) -> ChannelOptOut:
        """The refusal offered on one channel: its own entry, else the every-channel flags."""
        for entry in self.opt_outs:
            if entry.channel is channel:
                return entry
        return ChannelOptOut(
            channel=channel,
            at_collection=self.opt_out_at_collection,
            in_every_message=self.opt_out_in_every_message,
        )


class Source(Model):
    kind: SourceKind
    name: Text | None = None
    publicly_accessible: bool = False
    categories: tuple[Identifier, ...] = Field(
        default=(),
        description="Ids of the purpose's categories this source supplies; none listed means all",
    )


class DisclosureOptOut(Model):
    """A disclosure made unless the person objects ("we share ... unless you object")."""

    recipient: Identifier
    how: Text | None = Field(default=None, description="How to object to this disclosure")


class Provision(Model):
    requirement: ProvisionRequirement
    obligatory: bool
    consequence: Text


class AutomatedDecisions(Model):
    used: bool | None = Field(
        default=None, description="Whether solely automated decisions are made; unset: not stated"
    )
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


class ChildrensRights(Model):
    """Who exercises the rights of a child whose data is held.

    In Scotland a child of 12 is presumed competent (DPA 2018 s.208); elsewhere in the UK a child
    who understands their rights may exercise them, and a parent or guardian acts otherwise.
    """

    parent_or_guardian_acts: bool = Field(
        description="A parent or guardian may exercise the rights of a child who cannot"
    )
    child_acts_from_age: Annotated[int, Field(ge=0, le=18)] | None = Field(
        default=None, description="From this age a child exercises their own rights"
    )
    competent_child_acts: bool = Field(
        default=False, description="A younger child who understands their rights may act too"
    )


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
    sources: tuple[Source, ...] = Field(
        default=(), description="Where the data comes from; none listed: not stated"
    )
    recipients: tuple[Identifier, ...] = ()
    disclosure_opt_outs: tuple[DisclosureOptOut, ...] = Field(
        default=(), description="Disclosures to a recipient made unless the person objects"
    )
    systems: tuple[Identifier, ...] = ()
    retention: Identifier | None = None
    provision: Provision | None = None
    automated_decisions: AutomatedDecisions = AutomatedDecisions()
    aggregate_only: bool = Field(
        default=False,
        description="Results only published in aggregate, with small-cell suppression",
    )
    suppression_threshold: Annotated[int, Field(ge=2, le=1000)] | None = Field(
        default=None, description="Counts below this are hidden in published totals"
    )
    children: ChildrenRule | None = None
    stored: bool = Field(default=True, description="False when data is relayed and not kept")
    consent_wording: Text | None = None
    explicit_consent: bool = Field(
        default=False,
        description="Consent is explicit (an express statement), as Art 9(2)(a) requires",
    )


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


class JointArrangement(Model):
    """The essence of a joint controllers' arrangement, made available to people (Art 26(2))."""

    essence: Text = Field(
        description="Who does what: e.g. who gives the notice, who answers requests"
    )
    contact_point: ContactPoint | None = Field(
        default=None, description="Where people should go first (Art 26(1))"
    )


class Recipient(Model):
    id: Identifier
    name: Text
    role: RecipientRole | None = Field(
        default=None, description="Processor, controller, joint controller or public authority"
    )
    category: Text = Field(description="Category of recipient, as the notice and record show it")
    country: CountryCode | None = Field(
        default=None, description="ISO 3166-1 alpha-2 country it is based in; unset: not stated"
    )
    also_accessed_from: tuple[CountryCode, ...] = ()
    unnamed_destinations: bool = Field(
        default=False,
        description="Data may also go to countries outside the UK that are not named",
    )
    contact: Contact | None = Field(default=None, description="How people can contact it")
    joint_arrangement: JointArrangement | None = Field(
        default=None, description="For a joint controller: the essence of the arrangement"
    )
    transfer: Transfer | None = None
    privacy_policy_url: Url | None = None
    processing_contract: bool | None = Field(
        default=None, description="An Art 28 contract is in place (processors)"
    )
    on_request_only: bool = False
    description: Text | None = None

    @model_validator(mode="after")
    def _arrangement_for_joint_controllers(self) -> Recipient:
        if self.joint_arrangement and self.role is not RecipientRole.joint_controller:
            raise ValueError(
                "'joint_arrangement' is only for a recipient with role joint_controller"
            )
        return self


class RetentionLimit(Model):
    """One further criterion of a combined rule: a period after an event, or until an event."""

    trigger_event: Identifier
    anchor: Anchor = Anchor.event_date
    period: RetentionPeriod = Field(
        default=None, description="Length after the event; unset means until the event itself"
    )


class RetentionRule(Model):
    id: Identifier
    description: Text
    trigger_event: Identifier
    anchor: Anchor = Anchor.event_date
    period: RetentionPeriod = None
    criteria: Text | None = Field(
        default=None, description="How the period is decided, where it cannot be fixed"
    )
    also: tuple[RetentionLimit, ...] = Field(
        default=(), description="Further criteria, combined with 'whichever'"
    )
    whichever: Whichever | None = Field(
        default=None, description="With 'also': the later or the earlier of the criteria ends it"
    )
    action: Action | None = Field(default=None, description="What happens at the end")
    citation: Text | None = None

    @model_validator(mode="after")
    def _combined_says_how(self) -> RetentionRule:
        if self.also and self.whichever is None:
            raise ValueError("a rule with 'also' criteria needs 'whichever: later' or 'earlier'")
        if self.whichever is not None and not self.also:
            raise ValueError("'whichever' needs at least one further criterion under 'also'")
        return self


class Cookie(Model):
    name: Text | None = Field(default=None, description="Cookie or storage key name")
    provider: Text
    recipient: Identifier | None = None
    purpose: Text
    category: CookieCategory
    duration: (
        Annotated[
            str,
            StringConstraints(
                pattern=r"^(session|[0-9]+ (second|minute|hour|day|week|month|year)s?)$"
            ),
            Field(description="'session' or a length such as '2 years', '30 minutes'"),
        ]
        | None
    ) = None
    party: Party
    technology: StorageTechnology = StorageTechnology.cookie
    exemption: CookieExemption | None = None
    loads: CookieLoads | None = Field(default=None, description="When the site sets it")
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
    method: VerificationMethod
    always_require_id_document: bool = False


class Complaints(Model):
    form_url: Url | None = None
    email: Email | None = None
    post: bool = False


class RightChannels(Model):
    """A right exercised through other channels than the general ones (e.g. access by post)."""

    right: Right
    channels: tuple[RightsChannel, ...] = Field(min_length=1)
    contact: Contact | None = Field(default=None, description="Where to, if not rights.contact")


class RightsSettings(Model):
    channels: tuple[RightsChannel, ...] = Field(min_length=1)
    contact: Contact
    per_right: tuple[RightChannels, ...] = Field(
        default=(), description="Rights exercised through other channels than 'channels'"
    )
    verification: Verification | None = Field(
        default=None, description="How identity is checked; unset: not stated"
    )
    complaints: Complaints | None = None
    children: ChildrensRights | None = Field(
        default=None, description="Who exercises the rights of children whose data is held"
    )

    @model_validator(mode="after")
    def _each_right_once(self) -> RightsSettings:
        named = [entry.right for entry in self.per_right]
        twice = sorted({r.value for r in named if named.count(r) > 1})
        if twice:
            raise ValueError(f"per_right names {', '.join(twice)} more than once")
        return self

    def channels_for(self, right: Right) -> RightChannels:
        for entry in self.per_right:
            if entry.right is right:
                return entry
        return RightChannels(right=right, channels=self.channels, contact=self.contact)


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
