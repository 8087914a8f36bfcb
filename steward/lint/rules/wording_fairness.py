"""ST156, ST174, ST175, ST177, ST125: text that takes a choice away from the person.

Consent or cookie consent deemed from mere use, conditions on stopping marketing, security
risk moved onto the person, and promotions labelled "service messages". Each rule is a family
of phrasings over normalised text, with the context that gives the words their meaning
(RULES.md R9.3 wording caution; issue 10 item 3).
"""

from __future__ import annotations

from collections.abc import Iterator

from steward.lint.context import LintContext
from steward.lint.rule import Issue, Severity, rule
from steward.lint.wording import Wording, find_wording, rx

_USE = (
    r"(?:contact\w*|us(?:e|ing)|visit\w*|access\w*|brows\w*|navigat\w*|submit\w*|provid\w*"
    r"|continu\w*(?:\s+to\s+(?:use|browse|visit))?|register\w*|remain\w*|stay\w*|giv\w*)"
)
_ASSENT = r"(?:accept\w*|agree\w*|consent\w*|acknowledg\w*)"

DEEMED_CONSENT = Wording(
    rx(
        rf"\bby\s+(?:simply\s+|merely\s+)?{_USE}\b[^.;]{{0,200}}?\byou\s+(?:are\s+|will\s+be\s+|have\s+)?"
        rf"(?:hereby\s+|therefore\s+|automatically\s+)?(?:deemed\s+to\s+|taken\s+to\s+)?{_ASSENT}"
        rf"|\b(?:acceptance|consent|agreement)\b[^.;]{{0,80}}\b(?:is|are|will\s+be|shall\s+be)\s+"
        rf"(?:deemed|taken|treated|assumed|implied)"
        rf"|\byou\s+(?:are|will\s+be|shall\s+be)\s+(?:deemed|taken|treated|assumed)\s+to\s+"
        rf"(?:have\s+)?{_ASSENT}"
        rf"|\bcontinued\s+use\b[^.;]{{0,80}}\b(?:constitutes|means|signifies|indicates|confirms)\s+"
        rf"(?:your\s+)?(?:acceptance|agreement|consent)"
    ),
    "treats using a service or contacting the organisation as consent",
    unless=rx(
        r"cookie|\bby\s+(?:ticking|clicking|selecting|checking|signing|opting)"
        r"|terms\s+(?:of\s+(?:use|service|business)|and\s+conditions)"
    ),
)


@rule(
    "ST174",
    "consent-deemed-from-use",
    Severity.error,
    summary="Text says that using the service, visiting the site, contacting the organisation "
    "or submitting information is consent (or acceptance of the policy).",
    why="Consent is a clear affirmative act, specific and informed; silence, inactivity and mere "
    "use are not consent, and a privacy notice is information, not terms to accept. Processing "
    "said to rest on such 'consent' has no valid basis.",
    fix="delete the sentence; state the real lawful basis for each purpose and ask for consent "
    "separately (unticked box, or equivalent) only where consent is the basis",
    citation="UK GDPR Arts 4(11), 6(1)(a), 7(2), Recital 32; ICO consent guidance",
    covers=(),
)
def consent_deemed_from_use(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, DEEMED_CONSENT)


COOKIE_CONSENT_BY_USE = Wording(
    rx(
        rf"\bby\s+(?:simply\s+)?{_USE}\b[^.;]{{0,160}}?\b(?:you\s+)?(?:are\s+)?"
        rf"(?:deemed\s+to\s+)?{_ASSENT}"
        r"|\bcontinued\s+use\b|\bcontinu\w*\s+to\s+(?:use|browse|visit)"
        r"|\bimplied\s+consent\b|\bimplicit\s+consent\b"
    ),
    "treats using the website as consent to cookies",
    context=rx(r"cookie|similar\s+technolog|tracking"),
)


@rule(
    "ST156",
    "cookie-consent-by-use",
    Severity.error,
    summary="Text says that using or continuing to browse the website is consent to cookies.",
    why="Non-exempt cookies need consent given before they are set by a clear affirmative act "
    "(reject as easy as accept); continuing to browse is not consent.",
    fix="describe the banner: nothing non-essential is set until the person accepts, and they "
    "can change the choice at any time",
    citation="PECR reg 6(1)-(3A), Sch A1; UK GDPR Arts 4(11), 7; RULES.md R3.4",
    covers=("SEED-18",),
)
def cookie_consent_by_use(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, COOKIE_CONSENT_BY_USE)


_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|ten|fourteen|twenty[- ]eight|thirty)"
_STOPPING = rx(
    r"unsubscrib|opt(?:ing)?[- ]?out|\bobject|stop\s+(?:sending|receiving|contacting|"
    r"processing|using)|withdraw|marketing|mailing"
)
OBJECTION_NOTICE = Wording(
    rx(
        rf"\b(?:give|giving|provide|with)\s+(?:us\s+)?(?:at\s+least\s+)?{_NUMBER}\s*"
        rf"(?:working\s+|business\s+|calendar\s+|clear\s+)?(?:days?|weeks?|months?)(?:['’]s?)?\s*"
        rf"(?:written\s+)?notice"
        rf"|\b{_NUMBER}\s*(?:working\s+|business\s+)?(?:days?|weeks?|months?)(?:['’]s?)?\s+notice"
    ),
    "makes stopping marketing or processing wait for a notice period",
    context=_STOPPING,
)
OBJECTION_LAG = Wording(
    rx(
        rf"\b(?:allow|take|takes|taking|need|require|may\s+take)\s+(?:us\s+)?up\s+to\s+{_NUMBER}\s+"
        rf"(?:working\s+|business\s+)?(?:days?|weeks?|months?)"
        rf"|\bfor\s+up\s+to\s+{_NUMBER}\s+(?:working\s+|business\s+)?(?:days?|weeks?|months?)"
    ),
    "lets marketing continue for a period after the person objects",
    context=_STOPPING,
)


@rule(
    "ST175",
    "objection-delayed",
    Severity.error,
    summary="Text makes an objection or unsubscribe wait (a notice period is an error; 'up to "
    "N days' of further mailings is a warning).",
    why="Once a person objects to direct marketing it must stop: the right is absolute and "
    "cannot be conditioned on notice. Requests must be acted on without undue delay; mailings "
    "already queued should be stopped as soon as possible.",
    fix="say marketing stops as soon as you receive the objection (unsubscribe links work at "
    "once), and act on other objections without undue delay",
    citation="UK GDPR Arts 12(3), 21(2)-(3); PECR reg 22(3)(d); ICO direct marketing guidance",
    covers=(),
)
def objection_delayed(ctx: LintContext) -> Iterator[Issue]:
    yield from find_wording(ctx, OBJECTION_NOTICE)
    for issue in find_wording(ctx, OBJECTION_LAG):
        yield Issue(
            issue.path,
            issue.message,
            severity=Severity.warning,
            quote=issue.quote,
            group=issue.group,
        )


RISK_SHIFTED = Wording(
    rx(
        r"\bat\s+your\s+(?:own\s+)?risk"
        r"|\byou\s+(?:accept|assume|bear|take|acknowledge)\s+(?:the\s+|all\s+|any\s+|full\s+)?"
        r"(?:\w+\s+)?risks?\b"
        r"|\b(?:cannot|can't|can\s+not|do\s+not|don't|will\s+not|won't)\s+(?:accept|take|be\s+held)"
        r"\s+(?:any\s+)?(?:responsib\w+|liab\w+)\s+for\s+(?:the\s+)?(?:security|loss|interception"
        r"|any\s+(?:data|information)\s+(?:you\s+)?(?:send|transmit))"
    ),
    "moves the security risk of personal data onto the person",
    context=rx(
        r"e-?mail|send|sent|transmi|internet|online|submit|provid|personal\s+(?:data|information)"
        r"|\bdata\b|security"
    ),
    unless=rx(
        r"third[- ]party\s+(?:web)?sites?|other\s+(?:web)?sites|links?\s+to|linked\s+(?:web)?sites"
    ),
)


@rule(
    "ST177",
    "risk-shifted-to-person",
    Severity.error,
    summary="Text says that people who send personal data (e.g. by email or online forms) "
    "accept the risk, or that the organisation takes no responsibility for its security.",
    why="The controller must secure the personal data it receives, appropriately to the risk; "
    "that duty cannot be handed to the person by a notice, and saying so is unfair.",
    fix="describe the measures that protect data in transit (TLS, secure forms) and offer a "
    "safer channel for sensitive information",
    citation="UK GDPR Arts 5(1)(a), 5(1)(f), 24, 32",
    covers=(),
)
def risk_shifted_to_person(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, RISK_SHIFTED)


PROMOTIONAL_SERVICE_MESSAGES = Wording(
    rx(
        r"\bservices?\s+(?:messages?|e-?mails?|communications?|updates?|notifications?|texts?"
        r"|announcements?)"
    ),
    "labels promotional content as service messages",
    context=rx(
        r"\boffers?\b|promot|discount|\bdeals?\b|newsletter|new\s+(?:products?|services?|"
        r"treatments?|menus?)|\bevents?\b|competition|special\s+occasion|marketing"
    ),
    window=90,
    unless=rx(
        r"(?:not|never)\s+(?:include|contain|be\s+used\s+for)\s+(?:any\s+)?(?:marketing|"
        r"promot|offers)|(?:are|is)\s+not\s+marketing"
    ),
)


@rule(
    "ST125",
    "promotional-service-messages",
    Severity.error,
    summary="'Service messages' are described as carrying offers, promotions, news or events.",
    why="A message that promotes the organisation's products, services, offers, events or aims "
    "is direct marketing whatever it is called, so PECR consent (or the soft opt-in) and the "
    "opt-out apply to it.",
    fix="keep service messages to the service itself (bookings, account, legal changes), and "
    "send offers and news only under the marketing purpose with its PECR rule and opt-out",
    citation="PECR reg 22; DPA 2018 s.122(5); ICO direct marketing guidance (service messages)",
    covers=(),
)
def promotional_service_messages(ctx: LintContext) -> Iterator[Issue]:
    return find_wording(ctx, PROMOTIONAL_SERVICE_MESSAGES)
