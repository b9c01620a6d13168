"""Outbox rows are written with the claim change; delivery retries with back-off and a failing
channel neither blocks nor rolls back claim work; e-mail goes through a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from claimops.app import install_claim_listeners
from claimops.claims.lifecycle import Action
from claimops.claims.schemas import ReportIn
from claimops.claims.service import apply_transition, get_claim, report_claim
from claimops.config import Settings
from claimops.customers.models import ClaimMessage
from claimops.notifications.channels import PortalChannel, SmsChannel, SmtpChannel
from claimops.notifications.models import DeliveryLog, OutboxMessage
from claimops.notifications.rules import backoff
from claimops.notifications.service import deliver_due
from claimops.notifications.settings import NotifySettings
from claimops.portal.service import create_account
from factories import RISK_SCORER, make_policy, staff_actor

NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)


class FailingGateway:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[tuple[str, str]] = []

    def send_text(self, phone: str, text: str) -> None:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("gateway down")
        self.sent.append((phone, text))


@pytest.fixture(autouse=True)
def listeners(settings: Settings) -> None:
    install_claim_listeners(settings)


def reported(session: Session, settings: Settings, email: str = "") -> Any:
    """A claim reported at NOW; with `email`, its customer has a portal account (notices by e-mail)."""
    policy = make_policy(session, effective_from="2026-01-01", effective_to="2026-12-31")
    if email:
        create_account(
            session=session, customer_id=policy.customer_id, email=email, password="portal-pass-2026"
        )
    return report_claim(
        session=session,
        actor=staff_actor(session, "handler"),
        cmd=ReportIn(
            policy_number=policy.policy_number, incident_date="2026-10-30", claimed_amount=Decimal("800")
        ),
        now=NOW,
        settings=settings,
        risk_scorer=RISK_SCORER,
    )


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff(n, base_seconds=60, cap_seconds=600).total_seconds() for n in range(1, 7)] == [
        60,
        120,
        240,
        480,
        600,
        600,
    ]


def test_a_failing_channel_retries_with_backoff_and_claim_work_goes_on(
    session: Session, settings: Settings
) -> None:
    claim = reported(session, settings)
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.claim_id == claim.id)).all()
    assert {(r.kind, r.channel) for r in rows} == {("claim_received", "sms"), ("claim_received", "portal")}
    gateway = FailingGateway(failures=2)
    channels = {"sms": SmsChannel(gateway), "portal": PortalChannel()}
    cfg = NotifySettings(notify_backoff_seconds=60, notify_max_attempts=5)
    first = deliver_due(session=session, channels=channels, now=NOW, settings=cfg)
    assert first == {"sent": 1, "retry": 1, "failed": 0}
    sms = next(r for r in rows if r.channel == "sms")
    assert sms.status == "pending" and sms.attempts == 1 and "gateway down" in sms.last_error
    assert sms.next_attempt_at == NOW + timedelta(seconds=60)
    # claim work carries on while the channel is down
    claim = get_claim(session=session, claim_number=claim.claim_number)
    apply_transition(
        session=session, claim=claim, action=Action.ACCEPT, actor=staff_actor(session, "handler"), now=NOW
    )
    session.flush()
    assert claim.status == "accepted"
    # not yet due: nothing tried
    assert (
        deliver_due(session=session, channels=channels, now=NOW + timedelta(seconds=59), settings=cfg)[
            "retry"
        ]
        == 0
    )
    assert (
        deliver_due(session=session, channels=channels, now=NOW + timedelta(seconds=60), settings=cfg)[
            "retry"
        ]
        == 1
    )
    assert sms.next_attempt_at == NOW + timedelta(seconds=60 + 120)
    assert (
        deliver_due(session=session, channels=channels, now=NOW + timedelta(seconds=180), settings=cfg)[
            "sent"
        ]
        == 1
    )
    assert sms.status == "sent" and sms.attempts == 3 and len(gateway.sent) == 1
    log = session.scalars(
        select(DeliveryLog).where(DeliveryLog.outbox_id == sms.id).order_by(DeliveryLog.id)
    ).all()
    assert [entry.ok for entry in log] == [False, False, True]
    assert all(
        "*" in entry.recipient_masked and claim.policy.holder.phone not in entry.recipient_masked
        for entry in log
    )
    # the portal channel put the notice on the claim's page
    notes = session.scalars(select(ClaimMessage).where(ClaimMessage.claim_id == claim.id)).all()
    assert [n.sender for n in notes] == ["system"]


def test_gives_up_after_the_last_attempt(session: Session, settings: Settings) -> None:
    reported(session, settings)
    cfg = NotifySettings(notify_max_attempts=2, notify_backoff_seconds=1)
    channels = {"sms": SmsChannel(FailingGateway(failures=99)), "portal": PortalChannel()}
    deliver_due(session=session, channels=channels, now=NOW, settings=cfg)
    assert (
        deliver_due(session=session, channels=channels, now=NOW + timedelta(seconds=5), settings=cfg)[
            "failed"
        ]
        >= 1
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_sink() -> Iterator[tuple[int, list[bytes]]]:
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(envelope.content)
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def test_email_is_delivered_to_a_real_smtp_server(
    session: Session, settings: Settings, smtp_sink: tuple[int, list[bytes]]
) -> None:
    port, received = smtp_sink
    claim = reported(session, settings, "zhang@example.com")
    handler = staff_actor(session, "handler")
    apply_transition(session=session, claim=claim, action=Action.ACCEPT, actor=handler, now=NOW)
    apply_transition(session=session, claim=claim, action=Action.REQUEST_DOCUMENTS, actor=handler, now=NOW)
    session.flush()
    cfg = NotifySettings(smtp_host="127.0.0.1", smtp_port=port)
    counts = deliver_due(
        session=session,
        channels={"email": SmtpChannel(cfg), "portal": PortalChannel()},
        now=NOW,
        settings=cfg,
    )
    assert counts["retry"] == 0 and counts["sent"] == 4
    for _ in range(50):
        if len(received) == 2:
            break
        time.sleep(0.05)
    mails = [email.message_from_bytes(raw, policy=email.policy.default) for raw in received]
    assert [m["To"] for m in mails] == ["zhang@example.com"] * 2
    missing = next(m for m in mails if "缺少材料" in str(m["Subject"]))
    body = missing.get_content()
    assert claim.claim_number in body and "驾驶证/行驶证" in body and "事故认定书" in body


def test_a_down_smtp_server_is_a_retry_not_an_error(session: Session, settings: Settings) -> None:
    reported(session, settings, "wang@example.com")
    cfg = NotifySettings(smtp_host="127.0.0.1", smtp_port=_free_port(), smtp_timeout_seconds=2)
    counts = deliver_due(
        session=session,
        channels={"email": SmtpChannel(cfg), "portal": PortalChannel()},
        now=NOW,
        settings=cfg,
    )
    assert counts == {"sent": 1, "retry": 1, "failed": 0}
