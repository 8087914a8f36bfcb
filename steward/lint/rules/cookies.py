"""ST15x: cookies and similar technologies, judged by ``law.cookies.needs_consent``.

PECR reg 6 and Sch A1 (DUAA s.112, Sch 12; RULES.md §3): non-exempt storage needs prior,
affirmative consent, so it may only load after the banner choice.
"""

from __future__ import annotations

from collections.abc import Iterator

from steward.law.cookies import CookieDecision, needs_consent
from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.manifest.cookie_access import storage_access
from steward.manifest.schema import Cookie
from steward.manifest.source import Path
from steward.manifest.vocabulary import CookieCategory, CookieLoads, Party

BEFORE_CHOICE = frozenset({CookieLoads.page_load, CookieLoads.on_login})


def _label(cookie: Cookie) -> str:
    """The cookie's name, or its provider and purpose where the policy names none."""
    return cookie.name or f"{cookie.provider} ({cookie.category.value})"


def _decisions(ctx: LintContext) -> Iterator[tuple[Path, Cookie, CookieDecision]]:
    for index, cookie in enumerate(ctx.manifest.cookies):
        yield ("cookies", index), cookie, needs_consent(storage_access(cookie), ctx.on)


@rule(
    "ST150",
    "consent-cookie-without-consent-category",
    Severity.error,
    summary="A cookie that needs consent sits in the strictly necessary category.",
    why="The banner loads strictly necessary cookies without asking; a cookie that needs "
    "consent must sit in a category the person can refuse.",
    fix="move the cookie to the functional, analytics, marketing or embedded_content category",
    citation="PECR reg 6; RULES.md R3.2, R3.4",
    covers=("N-extra-3",),
)
def consent_cookie_without_consent_category(ctx: LintContext) -> Iterator[Issue]:
    for path, cookie, decision in _decisions(ctx):
        if decision.consent_required and cookie.category is CookieCategory.strictly_necessary:
            yield Issue((*path, "category"), f"cookie '{_label(cookie)}': {decision.reason}")


@rule(
    "ST151",
    "cookie-loads-before-consent",
    Severity.error,
    summary="A cookie that needs consent is set before the person chooses.",
    why="Consent must be prior: nothing non-exempt may load before the choice, including on the "
    "landing page; browser settings and continued browsing are not consent.",
    fix="set 'loads: after_consent' and load the script only once its category is accepted",
    citation="PECR reg 6; UK GDPR Arts 4(11), 7; RULES.md R3.4",
    covers=("SEED-18", "SEED-21"),
)
def cookie_loads_before_consent(ctx: LintContext) -> Iterator[Issue]:
    for path, cookie, decision in _decisions(ctx):
        if decision.consent_required and cookie.loads in BEFORE_CHOICE:
            yield Issue(
                (*path, "loads"),
                f"cookie '{_label(cookie)}' loads on {cookie.loads.value.replace('_', ' ')} "
                f"but {decision.reason}",
            )


@rule(
    "ST152",
    "cookie-exemption-does-not-hold",
    Severity.error,
    summary="A cookie claims an exception to consent that does not hold.",
    why="An exception applies only if every use fits it; the statistical exception also needs "
    "the site's own simple, free means to object and no use for the provider's own purposes.",
    fix="remove the exemption and load the cookie after consent, or meet every condition (no "
    "sharing for the provider's purposes, 'objection_means: true')",
    citation="PECR reg 6, Sch A1; RULES.md R3.1-R3.3",
    covers=("SEED-20",),
)
def cookie_exemption_does_not_hold(ctx: LintContext) -> Iterator[Issue]:
    for path, cookie, decision in _decisions(ctx):
        if cookie.exemption is not None and decision.consent_required:
            yield Issue(
                (*path, "exemption"),
                f"cookie '{_label(cookie)}' claims the {cookie.exemption.value} exception "
                f"but {decision.reason}",
            )


@rule(
    "ST153",
    "click-to-play-is-not-consent",
    Severity.error,
    summary="An embedded player sets cookies when the person clicks play.",
    why="Embedded players are not strictly necessary, and clicking play is not informed consent; "
    "show a click-to-load placeholder and load the player only after consent.",
    fix="set 'loads: after_consent' and use a click-to-load placeholder that asks for consent",
    citation="PECR reg 6; RULES.md R3.2, R3.6 example 3-4",
    covers=("SEED-19",),
)
def click_to_play_is_not_consent(ctx: LintContext) -> Iterator[Issue]:
    for path, cookie, decision in _decisions(ctx):
        if decision.consent_required and cookie.loads is CookieLoads.on_click:
            yield Issue(
                (*path, "loads"),
                f"cookie '{_label(cookie)}' is set on click, before consent: {decision.reason}",
            )


@rule(
    "ST154",
    "persistent-cookie-called-session",
    Severity.warning,
    summary="A cookie is described as a session cookie but persists.",
    why="The notice must state each cookie's duration truthfully; persistent identifiers are "
    "rarely strictly necessary.",
    fix="describe it by its real duration (and check the classification with a cookie scan)",
    citation="PECR reg 6 (clear and comprehensive information); RULES.md SEED-31",
    covers=("SEED-31",),
)
def persistent_cookie_called_session(ctx: LintContext) -> Iterator[Issue]:
    for index, cookie in enumerate(ctx.manifest.cookies):
        if cookie.described_as_session and cookie.duration not in (None, "session"):
            yield Issue(
                ("cookies", index, "described_as_session"),
                f"cookie '{_label(cookie)}' is called a session cookie but lasts {cookie.duration}",
            )


@rule(
    "ST155",
    "third-party-exemption-not-scanned",
    Severity.warning,
    summary="A third-party cookie claims an exemption that no cookie scan has verified.",
    why="Vendor chat and CRM scripts often also set persistent identifiers; the classification "
    "must come from a scan, not the vendor's description (behaviour UNCONFIRMED).",
    fix="scan the site and set 'verified_by_scan: YYYY-MM-DD', or treat the cookie as needing "
    "consent",
    citation="PECR reg 6; RULES.md R3.2, SEED-31",
    covers=("SEED-31",),
)
def third_party_exemption_not_scanned(ctx: LintContext) -> Iterator[Issue]:
    for index, cookie in enumerate(ctx.manifest.cookies):
        if (
            cookie.party is Party.third
            and cookie.exemption is not None
            and cookie.verified_by_scan is None
        ):
            yield Issue(
                ("cookies", index, "exemption"),
                f"third-party cookie '{_label(cookie)}' claims {cookie.exemption.value} "
                "without a verifying scan",
            )


@rule(
    "ST157",
    "cookie-facts-not-stated",
    Severity.warning,
    summary="A cookie's duration, or when it is set, is not stated (the notice prints 'Not "
    "stated').",
    why="People must be given clear and comprehensive information about the storage and "
    "access, which the ICO reads as including how long each cookie lasts; and lint cannot tell "
    "whether a cookie whose loading is not stated is set before the choice.",
    fix="add 'duration:' (e.g. '13 months' or 'session') and 'loads:' (after_consent, "
    "page_load, on_click or on_login) from a cookie scan",
    citation="PECR reg 6(2)(a); ICO guidance on cookies and similar technologies",
    covers=(),
)
def cookie_facts_not_stated(ctx: LintContext) -> Iterator[Issue]:
    for index, cookie in enumerate(ctx.manifest.cookies):
        missing = [
            label
            for label, value in (("duration", cookie.duration), ("when it is set", cookie.loads))
            if value is None
        ]
        if missing:
            yield Issue(
                ("cookies", index),
                f"cookie '{_label(cookie)}': {' and '.join(missing)} not stated",
                group="cookies whose duration or loading is not stated",
            )
