"""ST12x: electronic marketing declared against PECR regs 22-23 (RULES.md §2).

The decision for a declared campaign comes from ``law.pecr.may_send``: the declaration is turned
into the facts of a typical message to an individual subscriber, and the law says whether it may
be sent on the lint date.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from steward.law import pecr
from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.schema import Marketing, Purpose
from steward.manifest.source import Path
from steward.manifest.vocabulary import (
    ListSource,
    MarketedProducts,
    MarketingAudience,
    PecrRule,
    SubscriberType,
)

_SOURCE = {
    (MarketingAudience.customers, True): pecr.DetailsSource.sale,
    (MarketingAudience.supporters, True): pecr.DetailsSource.charity_support,
}


def _electronic_marketing(ctx: LintContext) -> Iterator[tuple[Path, Purpose, Marketing]]:
    for path, purpose in ctx.purposes():
        marketing = purpose.marketing
        if marketing is not None and any(c.is_electronic_mail for c in marketing.channels):
            yield path, purpose, marketing


def declared_decision(marketing: Marketing, is_charity: bool, on: date) -> pecr.MarketingDecision:
    """What PECR decides for a message to an individual subscriber as the purpose declares it."""
    channel = next(c for c in marketing.channels if c.is_electronic_mail)
    refusal = marketing.opt_out_for(channel)
    own_lists_only = set(marketing.list_sources) == {ListSource.directly}
    source = _SOURCE.get((marketing.audience, own_lists_only), pecr.DetailsSource.third_party)
    relationship = pecr.Relationship(source, on, refusal.at_collection)
    consent = None
    if marketing.pecr_rule is PecrRule.consent:
        consent = pecr.Consent(given_on=on, names_sender=own_lists_only)
    message = pecr.Message(
        channel,
        opt_out_included=refusal.in_every_message,
        own_similar_products=marketing.products is MarketedProducts.own_similar,
        sender_is_charity=is_charity,
        furthers_charitable_purposes_only=marketing.products is not MarketedProducts.third_party,
    )
    recipient = pecr.Recipient(SubscriberType.individual)
    return pecr.may_send(recipient, message, on, consent=consent, relationship=relationship)


_ROUTE_FOR = {
    PecrRule.consent: pecr.Route.consent,
    PecrRule.soft_opt_in: pecr.Route.soft_opt_in,
    PecrRule.charity_soft_opt_in: pecr.Route.charity_soft_opt_in,
}


@rule(
    "ST120",
    "marketing-without-pecr-rule",
    Severity.error,
    summary="An electronic marketing purpose does not say how PECR permits it.",
    why="Marketing email, SMS or direct messages to individuals need consent to this sender or a "
    "soft opt-in; the notice and the sending controls depend on which.",
    fix="set 'marketing.pecr_rule' to consent, soft_opt_in, charity_soft_opt_in or "
    "corporate_subscriber",
    citation="PECR reg 22",
    covers=(),
)
def marketing_without_pecr_rule(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose, marketing in _electronic_marketing(ctx):
        if marketing.pecr_rule is None:
            yield Issue(
                (*path, "marketing", "pecr_rule"),
                f"marketing purpose '{purpose.id}' names no PECR rule",
            )


@rule(
    "ST121",
    "pecr-rule-cannot-hold",
    Severity.error,
    summary="The PECR rule a marketing purpose claims cannot hold for individual subscribers as "
    "declared (soft opt-in for non-customers or other products, no opt-out at collection, consent "
    "from bought lists, charity soft opt-in for a non-charity).",
    why="The soft opt-in holds only for the sender's own customers, its own similar products and "
    "with an opt-out at collection and in every message; consent must name this sender.",
    fix="send to individuals only with consent that names you, or meet every soft opt-in "
    "condition (audience: customers, products: own_similar, opt_out_at_collection: true, "
    "list_sources: [directly])",
    citation="PECR reg 22(2)-(3A); UK GDPR Art 14",
    covers=("SEED-11", "SEED-12"),
)
def pecr_rule_cannot_hold(ctx: LintContext) -> Iterator[Issue]:
    is_charity = ctx.manifest.organisation.registered_charity
    for path, purpose, marketing in _electronic_marketing(ctx):
        claimed = marketing.pecr_rule
        expected = _ROUTE_FOR.get(claimed) if claimed else None
        if (
            claimed is None
            or expected is None
            or SubscriberType.individual not in marketing.subscriber_types
        ):
            continue
        decision = declared_decision(marketing, is_charity, ctx.on)
        if decision.route not in (expected, pecr.Route.message_non_compliant):
            yield Issue(
                (*path, "marketing", "pecr_rule"),
                f"marketing purpose '{purpose.id}' claims {claimed.value} "
                f"but, as declared, {decision.reason} ({decision.citation})",
            )


@rule(
    "ST122",
    "marketing-without-opt-out",
    Severity.error,
    summary="Marketing messages do not all carry a simple, free opt-out and the sender's identity.",
    why="Every electronic marketing message must identify the sender and give a valid address "
    "for opting out; the soft opt-in also needs the refusal means in every message.",
    fix="set 'marketing.opt_out_in_every_message: true' and make sure every message has an "
    "unsubscribe link",
    citation="PECR regs 22(3)(c), 23",
    covers=(),
)
def marketing_without_opt_out(ctx: LintContext) -> Iterator[Issue]:
    """Each electronic channel on its own: an unsubscribe link in emails says nothing of SMS."""
    for path, purpose, marketing in _electronic_marketing(ctx):
        lacking = [
            c.value
            for c in marketing.channels
            if c.is_electronic_mail and not marketing.opt_out_for(c).in_every_message
        ]
        if lacking:
            where = (
                (*path, "marketing", "opt_outs")
                if marketing.opt_outs
                else (*path, "marketing", "opt_out_in_every_message")
            )
            yield Issue(
                where,
                f"marketing purpose '{purpose.id}' does not offer an opt-out in every "
                f"{' or '.join(lacking)} message",
            )


@rule(
    "ST123",
    "soft-opt-in-claimed-for-corporate-subscribers",
    Severity.warning,
    summary="The soft opt-in is claimed for corporate subscribers, to whom reg 22 does not apply.",
    why="For companies and LLPs reg 22 does not apply at all (only reg 23 identity and opt-out); "
    "the soft opt-in is an individual-subscriber exception and is not a lawful basis. Named "
    "employees still have the absolute right to object.",
    fix="declare corporate-subscriber marketing as its own purpose with pecr_rule: "
    "corporate_subscriber, and keep soft_opt_in for individual subscribers",
    citation="PECR regs 22(1), 22(3), 23; UK GDPR Art 21(2)-(3)",
    covers=("SEED-11",),
)
def soft_opt_in_for_corporate(ctx: LintContext) -> Iterator[Issue]:
    for path, purpose, marketing in _electronic_marketing(ctx):
        if (
            marketing.pecr_rule is PecrRule.soft_opt_in
            and SubscriberType.corporate in marketing.subscriber_types
        ):
            yield Issue(
                (*path, "marketing", "subscriber_types"),
                f"marketing purpose '{purpose.id}' applies the soft opt-in to corporate "
                "subscribers, for whom PECR reg 22 does not apply",
            )


@rule(
    "ST124",
    "bought-list-for-electronic-marketing",
    Severity.error,
    summary="Contacts from bought, partner or group lists are used for electronic marketing.",
    why="Consent gathered by a list seller does not name this sender, the soft opt-in never "
    "covers other organisations' lists, and the people must get an Art 14 notice.",
    fix="remove bought/partner lists from 'marketing.list_sources', or collect consent that "
    "names your organisation and give an Art 14 notice",
    citation="PECR reg 22(2)-(3); UK GDPR Art 14; ICO indirect consent guidance",
    covers=("SEED-12",),
)
def bought_list_for_electronic_marketing(ctx: LintContext) -> Iterator[Issue]:
    """Only where individual subscribers are marketed: to corporate subscribers (companies,
    LLPs) reg 22 does not apply at all, so a bought B2B list raises no PECR consent question
    (reg 23 identity and opt-out still apply, ST122)."""
    for path, purpose, marketing in _electronic_marketing(ctx):
        if SubscriberType.individual not in marketing.subscriber_types:
            continue
        for index, source in enumerate(marketing.list_sources):
            if source is not ListSource.directly:
                yield Issue(
                    (*path, "marketing", "list_sources", index),
                    f"marketing purpose '{purpose.id}' uses addresses obtained from "
                    f"'{source.value}' for electronic marketing",
                )
