"""ST13x: restricted transfers outside the UK, judged by ``law.transfers`` on the lint date.

RULES.md §4: adequacy first, then a safeguard valid on the date (with a transfer risk
assessment), then Art 49 for occasional transfers. Privacy Shield, Safe Harbour, the EU SCCs
alone and "GDPR compliance" are not mechanisms.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from steward.law.derogations import Art49Claim, Derogation
from steward.law.transfers import (
    Mechanism,
    TransferAssessment,
    TransferFacts,
    adequacy,
    country_name,
    is_uk,
    mechanism_gap,
    transfer_lawful,
)
from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.schema import Recipient, Transfer
from steward.manifest.source import Path
from steward.manifest.vocabulary import TransferMechanism

SAFEGUARDS = frozenset(
    {Mechanism.idta, Mechanism.uk_addendum, Mechanism.uk_bcr, Mechanism.legacy_eu_scc}
)
NOT_A_MECHANISM = "'GDPR compliance' is not a transfer mechanism under UK GDPR Chapter V"


def _facts(transfer: Transfer | None) -> TransferFacts:
    if transfer is None:
        return TransferFacts(risk_assessed=False)
    reason = transfer.art49_reason
    art49 = Art49Claim(Derogation(reason)) if reason and reason in Derogation.__members__ else None
    return TransferFacts(
        dpf_uk_extension=transfer.dpf_uk_extension,
        contract_date=transfer.contract_date,
        bcr_approved=transfer.bcr_approved,
        risk_assessed=transfer.transfer_risk_assessment is not None,
        art49=art49,
    )


def _mechanisms(transfer: Transfer | None) -> list[Mechanism]:
    if transfer is None:
        return []
    return [Mechanism(m.value) for m in transfer.mechanisms if m.value in Mechanism.__members__]


def _destinations(recipient: Recipient) -> list[str]:
    declared = (*((recipient.country,) if recipient.country else ()), *recipient.also_accessed_from)
    return [c for c in dict.fromkeys(declared) if not is_uk(c)]


def assess(recipient: Recipient, country: str, on: date) -> TransferAssessment:
    """The law's verdict on sending this recipient's data to ``country`` on ``on``."""
    return transfer_lawful(country, _mechanisms(recipient.transfer), on, _facts(recipient.transfer))


def _recipients(ctx: LintContext) -> Iterator[tuple[Path, Recipient]]:
    for index, recipient in enumerate(ctx.manifest.recipients):
        yield ("recipients", index), recipient


@rule(
    "ST130",
    "transfer-without-valid-mechanism",
    Severity.error,
    summary="Data goes to a country outside the UK without adequacy and without a mechanism valid "
    "on the lint date.",
    why="A restricted transfer is lawful only under UK adequacy regulations, an appropriate "
    "safeguard with a transfer risk assessment, or an Art 49 exception.",
    fix="for US recipients certified to the UK Extension set mechanisms: [uk_extension_dpf] and "
    "dpf_uk_extension: true; otherwise use idta or uk_addendum with a transfer_risk_assessment",
    citation="UK GDPR Chapter V (Arts 44-49, DUAA s.85); DPA 2018 s.17A",
    covers=("SEED-03", "SEED-04", "SEED-05"),
)
def transfer_without_valid_mechanism(ctx: LintContext) -> Iterator[Issue]:
    for path, recipient in _recipients(ctx):
        for country in _destinations(recipient):
            verdict = assess(recipient, country, ctx.on)
            if not verdict.lawful:
                where = (*path, "transfer") if recipient.transfer else (*path, "country")
                yield Issue(
                    where,
                    f"transfer to {recipient.name} in {country_name(country)} has no "
                    f"valid basis on {ctx.on.isoformat()}: " + "; ".join(verdict.reasons),
                )


@rule(
    "ST131",
    "invalid-transfer-mechanism-claimed",
    Severity.error,
    summary="A recipient claims a transfer mechanism that is not valid on the lint date.",
    why="Privacy Shield was invalidated on 16 July 2020 and was never a UK mechanism; legacy EU "
    "SCCs expired in March 2024; the 2021 EU SCCs need the UK Addendum; 'GDPR compliant' is not a "
    "mechanism. A notice naming them misstates the safeguard.",
    fix="remove the invalid mechanism and declare the one actually relied on",
    citation="UK GDPR Arts 44-49; CJEU C-311/18 (Schrems II); ICO IDTA and Addendum guidance",
    covers=("SEED-03", "SEED-04", "SEED-05"),
)
def invalid_transfer_mechanism_claimed(ctx: LintContext) -> Iterator[Issue]:
    for path, recipient in _recipients(ctx):
        transfer = recipient.transfer
        destinations = _destinations(recipient)
        if transfer is None or not destinations:
            continue
        facts = _facts(transfer)
        for index, claimed in enumerate(transfer.mechanisms):
            where = (*path, "transfer", "mechanisms", index)
            if claimed is TransferMechanism.gdpr_compliance:
                yield Issue(
                    where,
                    f"{recipient.name}: {NOT_A_MECHANISM}",
                    group=f"recipients claim {claimed.value}, which is not a mechanism",
                )
                continue
            gaps = [mechanism_gap(Mechanism(claimed.value), c, ctx.on, facts) for c in destinations]
            gap = next((g for g in gaps if g is not None), None)
            if gap is not None:
                yield Issue(
                    where,
                    f"{recipient.name}: {claimed.value} is not valid on "
                    f"{ctx.on.isoformat()}: {gap}",
                    group=f"recipients claim {claimed.value}, which is not valid on "
                    f"{ctx.on.isoformat()}: {gap}",
                )


@rule(
    "ST132",
    "safeguard-copy-not-offered",
    Severity.warning,
    summary="A transfer relies on a safeguard but the notice cannot say how to get a copy.",
    why="Where a transfer relies on safeguards, the notice must say what they are and how a "
    "person can obtain a copy.",
    fix="add 'transfer.safeguard_copy:' (e.g. 'ask privacy@... for a copy of the IDTA')",
    citation="UK GDPR Art 13(1)(f), 14(1)(f)",
    covers=("N13.1.f", "SEED-06"),
)
def safeguard_copy_not_offered(ctx: LintContext) -> Iterator[Issue]:
    for path, recipient in _recipients(ctx):
        transfer = recipient.transfer
        if transfer is None or transfer.safeguard_copy or not _destinations(recipient):
            continue
        if SAFEGUARDS.intersection(_mechanisms(transfer)) or not _covered_by_adequacy(
            recipient, ctx.on
        ):
            yield Issue(
                (*path, "transfer", "safeguard_copy"),
                f"{recipient.name}: the notice cannot tell people how to get a copy of "
                "the transfer safeguard",
                group="the notice cannot tell people how to get a copy of transfer safeguards",
            )


def _covered_by_adequacy(recipient: Recipient, on: date) -> bool:
    extension = recipient.transfer.dpf_uk_extension if recipient.transfer else False
    return all(
        adequacy(c, on, within_scope=extension if c == "US" else True).adequate
        for c in _destinations(recipient)
    )


@rule(
    "ST133",
    "adequacy-unconfirmed",
    Severity.warning,
    summary="A transfer relies on UK adequacy for a destination whose adequacy is UNCONFIRMED.",
    why="RULES.md R4.2 could not confirm that the destination is in DPA 2018 Sch 21 para 5.",
    fix="use an IDTA or UK Addendum with a transfer risk assessment until adequacy is confirmed",
    citation="DPA 2018 Sch 21 para 5; RULES.md R4.2",
    covers=(),
)
def adequacy_unconfirmed(ctx: LintContext) -> Iterator[Issue]:
    for path, recipient in _recipients(ctx):
        for country in _destinations(recipient):
            if adequacy(country, ctx.on).unconfirmed:
                yield Issue(
                    (*path, "country"),
                    f"{recipient.name}: UK adequacy for {country_name(country)} is UNCONFIRMED",
                )


@rule(
    "ST134",
    "system-abroad-without-recipient",
    Severity.warning,
    summary="A system is located outside the UK but names no recipient hosting it.",
    why="Hosting personal data abroad is a restricted transfer to whoever hosts it; without the "
    "recipient, lint cannot check its transfer mechanism and the notice cannot name it.",
    fix="declare the hosting provider under 'recipients:' with its transfer mechanism and set "
    "'recipient:' on the system",
    citation="UK GDPR Arts 13(1)(e)-(f), 44",
    covers=("SEED-06",),
)
def system_abroad_without_recipient(ctx: LintContext) -> Iterator[Issue]:
    for index, system in enumerate(ctx.manifest.systems):
        if system.recipient is None and not is_uk(system.location):
            yield Issue(
                ("systems", index, "location"),
                f"system '{system.id}' is in {country_name(system.location)} but no "
                "recipient hosting it is declared",
            )


@rule(
    "ST135",
    "transfer-destination-not-stated",
    Severity.error,
    summary="A recipient may send data to countries the manifest does not name, with no "
    "safeguard declared (an error); or its country is not stated at all (a warning).",
    why="The notice must say whether data leaves the UK and on what basis; 'countries outside "
    "the UK' with no mechanism cannot be checked, and a recipient with no country leaves the "
    "notice unable to say whether a restricted transfer happens.",
    fix="name the countries, or declare the safeguard that covers every destination (IDTA or "
    "UK Addendum, with a transfer risk assessment and how to get a copy); give the recipient's "
    "'country'",
    citation="UK GDPR Arts 13(1)(f), 14(1)(f), 44-46",
    covers=("N13.1.f",),
)
def transfer_destination_not_stated(ctx: LintContext) -> Iterator[Issue]:
    for path, recipient in _recipients(ctx):
        if recipient.unnamed_destinations and not _mechanisms(recipient.transfer):
            yield Issue(
                (*path, "unnamed_destinations"),
                f"{recipient.name} may send data to countries not named, with no safeguard",
            )
        elif recipient.country is None and not recipient.also_accessed_from:
            yield Issue(
                (*path, "country"),
                f"{recipient.name}: its country is not stated, so the notice cannot say "
                "whether data leaves the UK",
                severity=Severity.warning,
                group="recipients whose country is not stated",
            )
