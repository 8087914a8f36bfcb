"""Who the Mailchimp push suppresses for a purpose on email (RULES.md R2.6; docs/consent.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from steward.connectors.mailchimp_ledger import refuses
from steward.consent.events import ConsentEventKind, PersonRef
from steward.consent.state import ConsentState, ConsentStatus
from steward.law.pecr import DEFAULT_POLICY, PecrPolicy

LIMITED = PecrPolicy(objection_covers_all_channels=False)

TODAY = date(2026, 11, 26)


def state(
    status: ConsentStatus, purpose: str = "newsletter", channel: str = "email"
) -> ConsentState:
    kind = (
        ConsentEventKind.SOFT_OPT_IN_ESTABLISHED
        if status is ConsentStatus.SOFT_OPT_IN
        else ConsentEventKind(status.value)
    )
    return ConsentState(
        person=PersonRef("p1"),
        purpose=purpose,
        channel=channel,
        status=status,
        kind=kind,
        event_id="e1",
        occurred_at=datetime(2026, 3, 1, tzinfo=UTC),
        source="web-form",
        wording_version="v1",
    )


@pytest.mark.parametrize(
    ("states", "policy", "suppressed"),
    [
        ([state(ConsentStatus.GIVEN)], DEFAULT_POLICY, False),
        ([state(ConsentStatus.SOFT_OPT_IN)], DEFAULT_POLICY, False),
        ([state(ConsentStatus.WITHDRAWN)], DEFAULT_POLICY, True),
        ([state(ConsentStatus.UNSUBSCRIBED)], DEFAULT_POLICY, True),
        ([state(ConsentStatus.OBJECTED)], DEFAULT_POLICY, True),
        # withdrawal is of the consent for that channel only
        ([state(ConsentStatus.WITHDRAWN, channel="sms")], DEFAULT_POLICY, False),
        # an unsubscribe or objection made by SMS covers email by default ...
        ([state(ConsentStatus.UNSUBSCRIBED, channel="sms")], DEFAULT_POLICY, True),
        ([state(ConsentStatus.OBJECTED, channel="sms")], DEFAULT_POLICY, True),
        # ... but not when the policy limits objections to their channel
        ([state(ConsentStatus.UNSUBSCRIBED, channel="sms")], LIMITED, False),
        ([state(ConsentStatus.OBJECTED, channel="sms")], LIMITED, False),
        # a channel the law does not know is read as every channel (the protective reading)
        ([state(ConsentStatus.OBJECTED, channel="carrier_pigeon")], LIMITED, True),
        # an objection to direct marketing covers every purpose; an unsubscribe only its own
        ([state(ConsentStatus.OBJECTED, purpose="direct_marketing")], DEFAULT_POLICY, True),
        ([state(ConsentStatus.UNSUBSCRIBED, purpose="events")], DEFAULT_POLICY, False),
        ([state(ConsentStatus.WITHDRAWN, purpose="events")], DEFAULT_POLICY, False),
        # objection always wins over consent on another channel (no balancing)
        (
            [state(ConsentStatus.GIVEN), state(ConsentStatus.OBJECTED, channel="sms")],
            DEFAULT_POLICY,
            True,
        ),
        ([], DEFAULT_POLICY, False),
    ],
)
def test_suppression_for_newsletter_by_email(
    states: list[ConsentState], policy: PecrPolicy, suppressed: bool
) -> None:
    assert refuses(states, "newsletter", "email", TODAY, policy) is suppressed
