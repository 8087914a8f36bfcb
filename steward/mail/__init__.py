"""Outgoing mail behind one small interface: an SMTP mailer and an in-memory one for tests.

DESIGN.md §5 item 5. Services build an ``OutgoingMessage`` and hand it to a ``Mailer`` after the
commit that made it true (``UnitOfWork.after_commit``); no address is ever logged.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

from steward.errors import ConfigError, Unavailable


@dataclass(frozen=True)
class OutgoingMessage:
    to: str
    subject: str
    text: str
    headers: tuple[tuple[str, str], ...] = ()


class Mailer(Protocol):
    def send(self, message: OutgoingMessage) -> str:
        """Send one message; returns its Message-ID. Raises ``Unavailable`` if it could not."""
        ...


@dataclass
class MemoryMailer:
    """Keeps what it was asked to send, in order (tests, and the demo's printed mail)."""

    sender: str = "steward@localhost"
    sent: list[OutgoingMessage] = field(default_factory=list)

    def send(self, message: OutgoingMessage) -> str:
        self.sent.append(message)
        return make_msgid(domain="steward.invalid")


@dataclass(frozen=True)
class UnconfiguredMailer:
    """No mail server is configured: every send fails as ``Unavailable``, so what had to be
    mailed is recorded as not sent, for staff to send or do another way (never silently lost)."""

    def send(self, message: OutgoingMessage) -> str:
        raise Unavailable(
            "no mail server is configured",
            where="STEWARD_SMTP_HOST",
            hint="set STEWARD_SMTP_HOST and STEWARD_MAIL_FROM, or send it yourself",
        )


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    starttls: bool = True
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def send(self, message: OutgoingMessage) -> str:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        message_id = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        email["Message-ID"] = message_id
        for name, value in message.headers:
            email[name] = value
        email.set_content(message.text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username is not None:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPAuthenticationError as error:
            raise ConfigError(
                f"the mail server {self.host}:{self.port} refused the login",
                where="STEWARD_SMTP_USERNAME",
                hint="check STEWARD_SMTP_USERNAME and STEWARD_SMTP_PASSWORD",
            ) from error
        except smtplib.SMTPRecipientsRefused as error:
            raise Unavailable(
                "the mail server refused the recipient",
                where=f"{self.host}:{self.port}",
                hint="check the address; nothing was sent",
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            raise Unavailable(
                f"could not send mail through {self.host}:{self.port}: {type(error).__name__}",
                where="STEWARD_SMTP_HOST",
                hint="check the mail server is running and reachable; the message can be resent",
            ) from error
        return message_id
