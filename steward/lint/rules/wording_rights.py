"""ST188-ST198: free-text rules on rights, cookies, retention and marketing (RULES.md §13).

Each tests for a concept, not an exact phrase (RULES.md R9.3 wording caution).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.lint.wording import Wording, find_wording, rx

DUAA_MAIN_COMMENCEMENT = date(2026, 2, 5)
"""Arts 12A and 22A-22D in force (SI 2026/82 reg 2; RULES.md §0.3)."""


OBJECTION_QUALIFIED = Wording(
    rx(r"compelling\s+legitimate\s+grounds|deny\s+your\s+(?:request|objection)"),
    "qualifies the right to object without saying that objection to direct marketing is absolute",
    unless_anywhere=rx(r"direct\s+marketing[^.]*\bobject|\bobject[^.]*direct\s+marketing"),
)


@rule(
    "ST188",
    "direct-marketing-objection-not-absolute",
    Severity.error,
    summary="The right to object is described only with its 'compelling grounds' limit.",
    why="Objection to direct marketing is absolute (no grounds to refuse) and must be brought to "
    "attention explicitly, clearly and separately from other information.",
    fix="add a separate statement: people can object to direct marketing at any time and it will "
    "stop",
    citation="UK GDPR Art 21(2)-(4); RULES.md N-extra-2",
    covers=("SEED-13", "N-extra-2"),
)
def direct_marketing_objection_not_absolute(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, OBJECTION_QUALIFIED)


ONE_MONTH_ONLY = Wording(
    rx(r"\b(?:within|in)\s+(?:one|1|a)\s+(?:calendar\s+)?month"),
    "states a one-month response time without the rest of the rule",
    needs=(
        (
            "that the month can run from receipt of requested ID or a fee",
            rx(r"identit|\bID\b|\bfee\b"),
        ),
        ("the extension by two further months", rx(r"extend|two\s+(?:further\s+)?months")),
    ),
    whole_text=True,
)


@rule(
    "ST189",
    "response-time-incomplete",
    Severity.warning,
    summary="Text promises a reply 'within one month of receipt' and stops there.",
    why="The month runs from receipt of the request or of requested ID or fee, can pause for "
    "clarification of an access request, and can be extended by two months with notice.",
    fix="say 'within one month of receiving your request (or the ID we need); we may extend this "
    "by two further months for complex or numerous requests and will tell you why'",
    citation="UK GDPR Arts 12(3), 12A (DUAA s.76); RULES.md §1",
    covers=("SEED-14",),
)
def response_time_incomplete(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, ONE_MONTH_ONLY)


ACCESS_LIST = Wording(
    rx(
        r"right\s+to\s+(?:request\s+)?(?:information\s+about\s+what|access)"
        r"|what\s+personal\s+data\s+we\s+hold"
    ),
    "describes the right of access incompletely",
    needs=(
        ("the right to complain to the ICO", rx(r"complain")),
        ("automated decisions and their logic", rx(r"automated")),
        ("the safeguards for transfers outside the UK", rx(r"safeguard")),
        ("that the first copy is free", rx(r"\bfree\b|no\s+(?:fee|charge)")),
    ),
    whole_text=True,
)


@rule(
    "ST190",
    "access-right-incomplete",
    Severity.warning,
    summary="Text lists what an access request returns but leaves items out.",
    why="An access response also covers the right to complain to the ICO, automated decisions, "
    "transfer safeguards, and the first copy is free.",
    fix="complete the list, or leave the detail to the compiled notice",
    citation="UK GDPR Arts 12(5), 15(1)(f)-(h), 15(2)-(3)",
    covers=("SEED-15",),
)
def access_right_incomplete(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, ACCESS_LIST)


UNNAMED_AUTHORITY = Wording(
    rx(
        r"\b(?:relevant|competent|appropriate|applicable|local|a|an|any|the)\s+"
        r"(?:data\s+protection\s+)?supervisory\s+authorit(?:y|ies)"
        r"|\bdata\s+protection\s+(?:authority|regulator)\b"
    ),
    "sends complaints to an unnamed 'supervisory authority'",
    unless=rx(r"\bICO\b|Information\s+Commission"),
    whole_text=True,
)
"""Naming the ICO is not a keyword test: text that names it passes whatever else it says, and
text that does not mention a supervisory authority is not about complaints at all. Whether
people can complain to the organisation itself (DPA 2018 s.164A) is ST170's question, asked of
the declaration rather than of every paragraph that mentions the regulator."""


@rule(
    "ST191",
    "complaints-authority-not-named",
    Severity.warning,
    summary="Text tells people they may complain to 'the relevant supervisory authority' "
    "without naming the ICO.",
    why="For a UK controller the supervisory authority is the Information Commissioner; a "
    "generic phrase copied from the EU GDPR leaves people to guess where to go. The right to "
    "complain must be stated (Art 13(2)(d)); naming the body is what makes it usable.",
    fix="name the Information Commissioner's Office (ico.org.uk, 0303 123 1113), and say how "
    "to complain to you first",
    citation="UK GDPR Arts 13(2)(d), 77; DPA 2018 s.165",
    covers=("SEED-16", "N13.2.d"),
)
def complaints_authority_not_named(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, UNNAMED_AUTHORITY)


BROWSER_CONSENT = Wording(
    rx(
        r"set\s+your\s+browser|browser(?:'s)?\s+settings?|(?:restrict|block|disable|refuse)\s+"
        r"(?:all\s+|some\s+)?cookies|(?:change|adjust|configure)\s+your\s+browser"
    ),
    "treats browser settings as the cookie choice",
    context=rx(r"cookie"),
    unless=rx(r"banner|cookie\s+(?:settings|preferences)\s+(?:page|centre|center|tool|link)"),
)


@rule(
    "ST192",
    "cookie-consent-by-browser-settings",
    Severity.error,
    summary="Text offers browser settings as the way to refuse cookies (continued use is ST156).",
    why="Non-exempt cookies need prior, affirmative consent (reject as easy as accept), or a "
    "Sch A1 exception with information and a simple means to object.",
    fix="describe the consent banner (accept and reject on the first layer) and how to change "
    "the choice at any time",
    citation="PECR reg 6, Sch A1; UK GDPR Arts 4(11), 7; RULES.md R3.4-R3.5",
    covers=("SEED-18", "N-extra-3"),
)
def cookie_consent_by_browser_settings(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, BROWSER_CONSENT)


COOKIES_NOT_IDENTIFYING = Wording(
    rx(
        r"(?:do\s+not|don't|cannot|can't|never)\s+(?:contain\s+)?(?:any\s+)?information\s+"
        r"(?:that|which)\s+(?:could|can|would|might)\s+(?:be\s+used\s+to\s+)?identify"
        r"|cookies?\b[^.]*\banonymous\b"
    ),
    "says cookies do not identify people",
)


@rule(
    "ST193",
    "cookies-said-not-to-identify",
    Severity.error,
    summary="Text claims cookies hold nothing that could identify a person.",
    why="Online identifiers (cookie IDs, device IDs, IP addresses) are personal data where they "
    "single a person out.",
    fix="say that cookies can hold identifiers that count as personal data, and what they are "
    "used for",
    citation="UK GDPR Art 4(1), Recital 30",
    covers=("SEED-22",),
)
def cookies_said_not_to_identify(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, COOKIES_NOT_IDENTIFYING)


NARROW_DEFINITION = Wording(
    rx(r"information\s+(?:that|which)\s+identifies\s+(?:you|a\s+person|an\s+individual)"),
    "defines personal data too narrowly",
    unless=rx(r"identifiable"),
)


@rule(
    "ST194",
    "personal-data-defined-too-narrowly",
    Severity.error,
    summary="Text defines personal data as information that identifies a person.",
    why="Personal data is any information relating to an identified or identifiable living "
    "person, including online identifiers.",
    fix="write 'any information relating to you, where you are identified or identifiable, "
    "directly or indirectly, including online identifiers'",
    citation="UK GDPR Art 4(1)",
    covers=("SEED-23",),
)
def personal_data_defined_too_narrowly(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, NARROW_DEFINITION)


NO_TIME_LIMIT = Wording(
    rx(r"as\s+(?:quickly|soon)\s+as\s+(?:possible|we\s+can)|\bstrive\b"),
    "promises action with no time limit",
    unless=rx(r"\bmonth|stop\s+(?:sending|further)\s+(?:marketing|mailings?)|unsubscrib"),
    whole_text=True,
)
"""Stopping marketing is not a request with a one-month period: it must simply stop, and a
delay there is ST175's finding, so this rule leaves it alone rather than report it twice."""


@rule(
    "ST195",
    "rights-without-time-limit",
    Severity.warning,
    summary="Text promises to act on a right 'as quickly as possible' with no legal limit.",
    why="Requests must be answered without undue delay and within the Art 12A period (one "
    "month, extendable by two).",
    fix="state the one-month limit (extendable by two months with notice)",
    citation="UK GDPR Arts 12(3), 12A, 16",
    covers=("SEED-28",),
)
def rights_without_time_limit(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, NO_TIME_LIMIT)


PRE_DUAA_ADM = Wording(
    rx(r"automated\s+decision"),
    "describes automated decisions in pre-2026 Art 22 terms",
    needs=(
        ("making representations", rx(r"representation|your\s+(?:view|point\s+of\s+view)")),
        ("contesting the decision", rx(r"contest|challenge")),
    ),
    whole_text=True,
    from_date=DUAA_MAIN_COMMENCEMENT,
)


@rule(
    "ST196",
    "automated-decisions-old-wording",
    Severity.warning,
    summary="Text describes automated decision-making rights without the Arts 22A-22D safeguards.",
    why="Since 5 February 2026 the safeguards are: information, representations, human "
    "intervention and the right to contest the decision.",
    fix="describe the rights as: be told, make representations, obtain human intervention, "
    "contest the decision",
    citation="UK GDPR Arts 22A-22D (DUAA s.80)",
    covers=("SEED-29", "N13.2.f"),
)
def automated_decisions_old_wording(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, PRE_DUAA_ADM)


KEPT_UNTIL_TOLD = Wording(
    rx(
        r"\b(?:keep|kept|retain(?:ed)?|hold|held|store[d]?)\b[^.]*"
        r"\buntil\s+you\s+(?:notify|tell|ask|withdraw|inform)"
    ),
    "keeps data until the person says otherwise",
)


@rule(
    "ST197",
    "kept-until-told-otherwise",
    Severity.error,
    summary="Text keeps data 'until you notify us otherwise'.",
    why="Consent is not indefinite; after withdrawal or objection only a minimal suppression "
    "entry may be kept, and a retention period must be stated.",
    fix="state the retention period and that, after you unsubscribe, only a suppression entry "
    "is kept so you are not contacted again",
    citation="UK GDPR Arts 5(1)(e), 13(2)(a); PECR reg 22(2); ICO Respect people's preferences",
    covers=("SEED-26",),
)
def kept_until_told_otherwise(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, KEPT_UNTIL_TOLD)


GENERIC_LIST_CONSENT = Wording(
    rx(
        r"\b(?:buy|purchase|bought)\b[^.]*\blists?\b[^.]*"
        r"(?:type\s+of\s+(?:service|product)|selected\s+third\s+parties|similar\s+(?:service|product))"
    ),
    "treats consent to a type of service as enough for bought lists",
)


@rule(
    "ST198",
    "bought-list-consent-generic",
    Severity.error,
    summary="Text implies bought lists are fine when contacts consented to a type of service.",
    why="Email or SMS consent must name this sender; consent to 'a type of service' or "
    "'selected third parties' is not valid, and the soft opt-in never covers bought lists.",
    fix="say that you do not buy marketing lists (or that you use only consent naming you), and "
    "give an Art 14 notice",
    citation="PECR reg 22(2); ICO indirect consent guidance; UK GDPR Art 14",
    covers=("SEED-12",),
)
def bought_list_consent_generic(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, GENERIC_LIST_CONSENT)
