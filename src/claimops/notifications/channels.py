"""Delivery channels behind one interface: e-mail over SMTP, an SMS gateway, in-portal messages."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy.orm import Session

from claimops.customers.models import ClaimMessage
from claimops.notifications.models import OutboxMessage
from claimops.notifications.settings import NotifySettings

log = logging.getLogger("claimops.notifications")


class DeliveryError(Exception):
    """A channel could not deliver; the worker retries later."""


class Channel(Protocol):
    name: str

    def send(self, session: Session, message: OutboxMessage) -> None: ...


@dataclass
class SmtpChannel:
    settings: NotifySettings
    name: str = "email"

    def send(self, session: Session, message: OutboxMessage) -> None:
        mail = EmailMessage()
        mail["From"] = self.settings.smtp_from
        mail["To"] = message.recipient
        mail["Subject"] = message.subject
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(
                self.settings.smtp_host, self.settings.smtp_port, timeout=self.settings.smtp_timeout_seconds
            ) as smtp:
                smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"smtp: {exc}") from exc


class SmsGateway(Protocol):
    """The provider's API (an HTTP gateway in production); tests pass a double."""

    def send_text(self, phone: str, text: str) -> None: ...


@dataclass
class LogSmsGateway:
    """No SMS provider is configured: texts are written to the log (masked by the log filter)."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send_text(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))
        log.info("sms to %s: %s", phone, text)


@dataclass
class SmsChannel:
    gateway: SmsGateway
    name: str = "sms"

    def send(self, session: Session, message: OutboxMessage) -> None:
        try:
            self.gateway.send_text(message.recipient, message.body)
        except DeliveryError:
            raise
        except Exception as exc:  # a provider's client raises anything; the worker retries
            raise DeliveryError(f"sms: {exc}") from exc


@dataclass
class PortalChannel:
    """A message on the claim's page in the portal (the claimant sees it when signed in)."""

    name: str = "portal"

    def send(self, session: Session, message: OutboxMessage) -> None:
        if message.claim_id is None:
            return
        session.add(
            ClaimMessage(
                claim_id=message.claim_id,
                sender="system",
                author="system",
                body=message.body,
                at=message.next_attempt_at,
            )
        )
        session.flush()


def default_channels(settings: NotifySettings, gateway: SmsGateway | None = None) -> dict[str, Channel]:
    return {
        "email": SmtpChannel(settings),
        "sms": SmsChannel(gateway or LogSmsGateway()),
        "portal": PortalChannel(),
    }
