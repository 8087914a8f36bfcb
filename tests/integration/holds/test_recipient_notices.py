"""Art 19 notices: recipients told by connector, by e-mail after commit (evidence), or by staff.

E-mail evidence is written in a unit of its own after the change commits, so these tests use
``committed_store`` (real commits), as the engine's store in service does."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from steward.errors import InvalidInput
from steward.mail import MemoryMailer, SmtpMailer
from steward.manifest.schema import Manifest
from steward.requests.kinds import RequestKind
from steward.requests.recipients import NoticeRoute, NoticeStatus
from steward.services.recipient_notices import notices_for, record_told, tell_recipients
from steward.store.database import Store
from steward.store.tables import audit_events
from tests.integration.holds.smtp_server import Inbox, free_port, smtp_server
from tests.unit.requests.manifests import PENSION_CONTACT, outserve_with_pension_contact

PERSON = "ann@example.org"


@pytest.fixture
def manifest(tmp_path: Path) -> Manifest:
    return outserve_with_pension_contact(tmp_path)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, SmtpMailer]]:
    with smtp_server() as (inbox, port):
        yield inbox, SmtpMailer("127.0.0.1", port, "privacy@outserve.example", starttls=False)


def test_a_recipient_with_a_contact_is_emailed_after_commit_with_evidence(
    committed_store: Store, manifest: Manifest, smtp: tuple[Inbox, SmtpMailer]
) -> None:
    inbox, mailer = smtp
    with committed_store.unit_of_work("engine") as uow:
        tell_recipients(
            uow,
            manifest,
            store=committed_store,
            mailer=mailer,
            request_ref="R-42",
            change=RequestKind.erasure,
            categories=["emergency_contacts"],
            person=PERSON,
        )
        assert inbox.messages == []  # nothing leaves before the change is committed
        uow.commit()
    with committed_store.unit_of_work("test", reads_only=True) as uow:
        (notice,) = notices_for(uow, "R-42")

    (message,) = inbox.messages
    assert inbox.recipients == [[PENSION_CONTACT]]
    assert PERSON in message.get_payload()  # type: ignore[operator]
    assert notice.recipient == "pension_provider"
    assert notice.status is NoticeStatus.sent
    assert notice.message_id == message["Message-ID"]
    assert notice.told_at is not None


def test_a_change_rolled_back_sends_no_mail(
    committed_store: Store, manifest: Manifest, smtp: tuple[Inbox, SmtpMailer]
) -> None:
    inbox, mailer = smtp
    with committed_store.unit_of_work("engine") as uow:
        tell_recipients(
            uow,
            manifest,
            store=committed_store,
            mailer=mailer,
            request_ref="R-42",
            change=RequestKind.rectification,
            categories=["emergency_contacts"],
            person=PERSON,
        )
        uow.rollback()

    assert inbox.messages == []


def test_an_unreachable_mail_server_leaves_the_notice_failed_for_staff(
    committed_store: Store, manifest: Manifest
) -> None:
    mailer = SmtpMailer("127.0.0.1", free_port(), "privacy@outserve.example", starttls=False)
    with committed_store.unit_of_work("engine") as uow:
        tell_recipients(
            uow,
            manifest,
            store=committed_store,
            mailer=mailer,
            request_ref="R-42",
            change=RequestKind.restriction,
            categories=["emergency_contacts"],
            person=PERSON,
        )
        uow.commit()
    with committed_store.unit_of_work("test", reads_only=True) as uow:
        (notice,) = notices_for(uow, "R-42")

    assert notice.status is NoticeStatus.failed
    assert notice.status.open
    assert "resend it or tell them another way" in notice.detail


def test_recipients_hosting_changed_systems_are_told_by_the_change_and_others_listed(
    committed_store: Store, manifest: Manifest
) -> None:
    with committed_store.unit_of_work("engine") as uow:
        plan = tell_recipients(
            uow,
            manifest,
            store=committed_store,
            mailer=MemoryMailer(),
            request_ref="R-43",
            change=RequestKind.erasure,
            categories=["contact_details"],
            acted_on={"hubspot", "mailchimp", "zendesk"},
            person=PERSON,
        )
        uow.commit()

    routes = {n.recipient: (n.route, n.status) for n in plan.notices}
    assert routes["hubspot"] == (NoticeRoute.connector, NoticeStatus.told)
    assert routes["pension_provider"] == (NoticeRoute.email, NoticeStatus.pending)
    assert routes["hmrc"] == (NoticeRoute.manual, NoticeStatus.manual)
    assert "tell HM Revenue & Customs (hmrc)" in plan.manual_steps[0]
    assert "Workplace pension provider (Pension provider)" in plan.recipients


def test_staff_record_how_they_told_a_manual_recipient(
    committed_store: Store, manifest: Manifest
) -> None:
    with committed_store.unit_of_work("engine") as uow:
        plan = tell_recipients(
            uow,
            manifest,
            store=committed_store,
            mailer=MemoryMailer(),
            request_ref="R-44",
            change=RequestKind.rectification,
            categories=["payroll_data"],
            person=PERSON,
        )
        (hmrc,) = [n for n in plan.notices if n.recipient == "hmrc"]
        done = record_told(uow, hmrc.id, how="letter posted to HMRC PAYE on 4 December")
        uow.commit()
        actions = list(
            uow.connection.execute(
                select(audit_events.c.action).order_by(audit_events.c.sequence)
            ).scalars()
        )

    assert done.status is NoticeStatus.told and not done.status.open
    assert actions[:2] == ["recipients.notice_planned", "recipient.told"]


def test_access_is_not_a_change_recipients_are_told_of(
    committed_store: Store, manifest: Manifest
) -> None:
    with (
        committed_store.unit_of_work("engine") as uow,
        pytest.raises(InvalidInput, match="not access"),
    ):
        tell_recipients(
            uow,
            manifest,
            store=committed_store,
            mailer=MemoryMailer(),
            request_ref="R-45",
            change=RequestKind.access,
            categories=["contact_details"],
            person=PERSON,
        )
