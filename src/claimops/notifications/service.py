"""Writing notifications to the outbox (in the caller's transaction) and delivering them later.

Claim work only ever writes outbox rows; sending happens in the delivery worker, each message in its
own savepoint, so a channel that is down can neither block nor roll back a claim change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.clock import as_utc
from claimops.customers.models import Customer, CustomerAccount
from claimops.i18n import normalize_lang, t
from claimops.masking import mask_phone
from claimops.notifications.channels import Channel, DeliveryError
from claimops.notifications.models import DeliveryLog, OutboxMessage
from claimops.notifications.rules import KINDS, SIGN_IN_CODE, next_state
from claimops.notifications.settings import NotifySettings


def mask_recipient(channel: str, recipient: str) -> str:
    if channel == "email" and "@" in recipient:
        local, domain = recipient.split("@", 1)
        return f"{local[:1]}***@{domain}"
    if channel == "sms":
        return mask_phone(recipient)
    return recipient


@dataclass(frozen=True)
class Contact:
    lang: str
    email: str | None
    phone: str


def contact(session: Session, customer_id: int) -> Contact:
    """How to reach the customer, in one query: the portal account's e-mail and language, the phone."""
    row = session.execute(
        select(Customer.phone, CustomerAccount.email, CustomerAccount.lang, CustomerAccount.active)
        .outerjoin(CustomerAccount, CustomerAccount.customer_id == Customer.id)
        .where(Customer.id == customer_id)
    ).first()
    if row is None:
        return Contact("zh", None, "")
    phone, email, lang, active = row
    return Contact(normalize_lang(lang or "zh"), email if active else None, phone or "")


def enqueue(
    *,
    session: Session,
    kind: str,
    customer_id: int,
    claim_id: int | None,
    params: Mapping[str, Any],
    now: datetime,
    channels: tuple[str, ...] = ("email", "sms", "portal"),
    to: Contact | None = None,
) -> list[OutboxMessage]:
    """One row per channel the customer can be reached on: e-mail when a portal account has one, else
    a text to the phone on file; and a portal message for claim notices."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind}")
    to = to or contact(session, customer_id)
    lang = to.lang
    targets: list[tuple[str, str]] = []
    if "email" in channels and to.email:
        targets.append(("email", to.email))
    elif "sms" in channels and to.phone:
        targets.append(("sms", to.phone))
    if "portal" in channels and claim_id is not None:
        targets.append(("portal", str(customer_id)))
    rows = []
    for channel, recipient in targets:
        row = OutboxMessage(
            kind=kind,
            channel=channel,
            recipient=recipient,
            customer_id=customer_id,
            claim_id=claim_id,
            lang=lang,
            subject=t(f"notify.{kind}.subject", lang, **params),
            body=t(f"notify.{kind}.body", lang, **params),
            data={k: str(v) for k, v in params.items() if k != "code"},
            status="pending",
            attempts=0,
            next_attempt_at=as_utc(now),
            last_error="",
            created_at=as_utc(now),
        )
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


def deliver_due(
    *,
    session: Session,
    channels: Mapping[str, Channel],
    now: datetime,
    settings: NotifySettings,
    limit: int = 100,
) -> dict[str, int]:
    """Try every due message once; returns counts of sent, retried and failed (given up)."""
    due = list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= as_utc(now))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for message in due:
        channel = channels.get(message.channel)
        error = ""
        try:
            if channel is None:
                raise DeliveryError(f"no channel {message.channel}")
            with session.begin_nested():
                channel.send(session, message)
        except DeliveryError as exc:
            error = str(exc)[:500]
        message.attempts += 1
        if not error:
            message.status, message.sent_at, message.last_error = "sent", as_utc(now), ""
            if message.kind == SIGN_IN_CODE:  # the code is kept only as a hash once it has gone out
                message.body = "***"
            counts["sent"] += 1
        else:
            message.status, message.next_attempt_at = next_state(
                message.attempts,
                as_utc(now),
                max_attempts=settings.notify_max_attempts,
                base_seconds=settings.notify_backoff_seconds,
                cap_seconds=settings.notify_backoff_cap_seconds,
            )
            message.last_error = error
            counts["retry" if message.status == "pending" else "failed"] += 1
        session.add(
            DeliveryLog(
                outbox_id=message.id,
                at=as_utc(now),
                kind=message.kind,
                channel=message.channel,
                recipient_masked=mask_recipient(message.channel, message.recipient),
                ok=not error,
                error=error,
            )
        )
    session.flush()
    return counts


def delivery_log(*, session: Session, limit: int = 50) -> list[DeliveryLog]:
    return list(session.scalars(select(DeliveryLog).order_by(DeliveryLog.id.desc()).limit(limit)))


def outbox_for_claim(*, session: Session, claim_id: int) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.claim_id == claim_id).order_by(OutboxMessage.id)
        )
    )
