"""Text rules recognise families of phrasing, not one sentence (issue 10 item 3).

Each rule gets several ways real policies say the wrong thing, and several near misses that
must stay quiet, each pasted into a notice statement of the clean base manifest.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from steward.lint import Finding
from tests.unit.lint.mutations import statement

FAMILIES: dict[str, tuple[list[str], list[str]]] = {
    "ST174": (
        [
            "By contacting us, using our services or visiting our website, you are accepting "
            "and consenting to the practices described in this policy.",
            "By submitting your information on any of our websites you consent to the use of "
            "that information as set out in this policy.",
            "Your acceptance of our Privacy Policy is deemed to occur upon your first use of "
            "our site.",
            "By visiting and/or using the Service you agree to the collection and use of your "
            "information.",
            "You will be deemed to have accepted this policy when you make a booking.",
            "Your continued use of the site constitutes your acceptance of this notice.",
        ],
        [
            "By ticking the box below you consent to our newsletter.",
            "If you agree, we will send you our newsletter.",
            "By law we must keep invoices for six years.",
            "We will ask you to agree before we send marketing emails.",
            "By using our website you agree to our use of cookies.",
        ],
    ),
    "ST156": (
        [
            "By using our website you agree to our use of cookies.",
            "By continuing to browse this site you consent to cookies being set.",
            "We rely on your implied consent to cookies through the continued use of our websites.",
            "Continued use of this website means you accept our cookie policy.",
        ],
        [
            "Additional cookies won't be used unless you agree in our cookie banner.",
            "Cookies are small files stored on your device.",
            "By using our website you can book a table online.",
        ],
    ),
    "ST175": (
        [
            "To withdraw from our mailing list please give us 30 days' notice.",
            "You can unsubscribe at any time by giving one month's notice in writing.",
            "After you ask us to stop marketing, you may still receive mailings for up to 28 days.",
            "Please allow up to 10 working days for us to process your opt-out.",
        ],
        [
            "You can unsubscribe at any time and we will stop at once.",
            "Please give us 30 days' notice to cancel your membership subscription fee.",
            "We reply to requests within one month.",
        ],
    ),
    "ST177": (
        [
            "If you email us you accept the risk that it may be intercepted.",
            "Any personal information you send over the internet is at your own risk.",
            "We cannot accept responsibility for the security of information you send us by email.",
            "You acknowledge the inherent risks of sending data online.",
        ],
        [
            "Your use of third-party websites is at your own risk.",
            "We use TLS to protect the data you send us.",
            "We assess the risks to your data before we start new processing.",
        ],
    ),
    "ST195": (
        [
            "We will correct your data as soon as possible.",
            "We strive to respond to every request quickly.",
            "If you ask us to erase your data we will do so as quickly as we can.",
        ],
        [
            "We will correct your data as soon as possible and within one month.",
            "If you ask us to stop sending marketing we will stop further mailings as quickly as "
            "we can.",
        ],
    ),
    "ST125": (
        [
            "We send service messages about your bookings, offers and upcoming events.",
            "Our service emails may include promotions from our partners.",
            "Service updates, including news about our new treatments, are sent to all patients.",
        ],
        [
            "Service messages tell you about your booking and never include marketing.",
            "We send service messages about your appointment.",
        ],
    ),
    "ST180": (
        [
            "We comply with the EU General Data Protection Regulation.",
            "This policy follows the General Data Protection Regulation (GDPR).",
            "Under the GDPR you have rights.",
        ],
        [
            "Under the UK General Data Protection Regulation (GDPR) you have rights; the GDPR "
            "gives you the right of access.",
            "We comply with the UK GDPR and the Data Protection Act 2018.",
        ],
    ),
    "ST191": (
        [
            "You have the right to lodge a complaint with the relevant supervisory authority.",
            "You may complain to a data protection authority.",
        ],
        [
            "You can complain to the Information Commissioner's Office.",
            "If you are unhappy with how we use the ICO's guidance, tell us.",
            "Contact the ICO if you have concerns.",
        ],
    ),
    "ST192": (
        [
            "You may disable cookies through your browser settings at any time.",
            "You can set your browser not to accept cookies.",
            "To refuse cookies, change your browser's settings.",
        ],
        [
            "Choose which cookies to accept in our cookie banner; you can also clear cookies "
            "in your browser settings.",
            "Your browser settings control pop-ups.",
        ],
    ),
}


def _cases(fires: bool) -> list[tuple[str, str]]:
    return [
        (rule, text)
        for rule, (positives, negatives) in FAMILIES.items()
        for text in (positives if fires else negatives)
    ]


@pytest.mark.parametrize(("rule", "text"), _cases(True), ids=lambda v: v[:40])
def test_each_phrasing_of_the_family_is_found(
    rule: str, text: str, lint_rule: Callable[..., list[Finding]]
) -> None:
    assert [f.rule_id for f in lint_rule(rule, statement(text))] == [rule]


@pytest.mark.parametrize(("rule", "text"), _cases(False), ids=lambda v: v[:40])
def test_each_near_miss_stays_quiet(
    rule: str, text: str, lint_rule: Callable[..., list[Finding]]
) -> None:
    assert lint_rule(rule, statement(text)) == []
