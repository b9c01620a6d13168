"""A claimant on a phone-sized browser: reports a claim in the portal, is told by e-mail (caught by a
real SMTP server) which documents are missing, uploads them, follows the claim to payment and answers
the survey; the handler sees the claimant's message on the claim page."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from claimops.claims import service as claims
from claimops.claims.lifecycle import Action
from claimops.claims.payouts import release_payment
from claimops.claims.schemas import ActionIn, DecideIn
from claimops.clock import utcnow
from claimops.db import unit_of_work
from claimops.mining.service.scoring import score_for_review as RISK_SCORER
from claimops.notifications.channels import PortalChannel, SmtpChannel
from claimops.notifications.service import deliver_due
from claimops.notifications.settings import NotifySettings
from claimops.payments.schemas import PaymentIn
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy
from claimops.portal.service import create_account
from claimops.surveys.models import SurveyResponse
from e2e.test_workbench import PDF, PNG, _actor, login, today

if TYPE_CHECKING:
    from e2e.conftest import Live

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
PORTAL_PASSWORD = "walk-portal-2026"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch, live: Live) -> Iterator[tuple[NotifySettings, list[Any]]]:
    from aiosmtpd.controller import Controller

    received: list[Any] = []

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    port = _free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CLAIMOPS_PORTAL_URL", f"{live.url}/portal")
    try:
        yield NotifySettings(smtp_host="127.0.0.1", smtp_port=port), received
    finally:
        controller.stop()


def deliver(live: Live, cfg: NotifySettings, received: list[Any], want: str) -> Any:
    """Run the delivery worker once; the mail whose subject contains `want`."""
    with unit_of_work(live.engine) as s:
        deliver_due(
            session=s,
            channels={"email": SmtpChannel(cfg), "portal": PortalChannel()},
            now=utcnow(),
            settings=cfg,
        )
    for _ in range(100):
        found = [m for m in received if want in str(m["Subject"])]
        if found:
            return found[-1]
        time.sleep(0.05)
    raise AssertionError(f"no mail about {want!r}: {[str(m['Subject']) for m in received]}")


def claimant(live: Live) -> tuple[str, str]:
    email_address = f"walk{uuid.uuid4().hex[:6]}@example.com"
    with unit_of_work(live.engine) as s:
        policy = create_policy(
            session=s,
            actor=_actor(s, live, "handler"),
            cmd=PolicyIn(
                policy_number=f"WALK-{uuid.uuid4().hex[:8].upper()}",
                line="auto",
                holder={
                    "name": "赵小云",
                    "id_number": f"3201011990{uuid.uuid4().int % 10**8:08d}",
                    "phone": "13700001111",
                },
                effective_from=today() - timedelta(days=200),
                effective_to=today() + timedelta(days=165),
                sum_insured=Decimal("100000"),
                deductible=Decimal("0"),
                coinsurance_rate=Decimal("0"),
            ),
        )
        create_account(
            session=s, customer_id=policy.customer_id, email=email_address, password=PORTAL_PASSWORD
        )
        return email_address, policy.policy_number


def staff(live: Live, number: str, action: Action, role: str = "handler") -> None:
    with unit_of_work(live.engine) as s:
        claims.perform(
            session=s,
            actor=_actor(s, live, role),
            claim_number=number,
            action=action,
            cmd=ActionIn(),
            now=utcnow(),
            settings=live.settings,
            risk_scorer=RISK_SCORER,
        )


def test_claimant_walk_on_a_phone(
    browser: Browser, page: Page, live: Live, mailbox: tuple[NotifySettings, list[Any]]
) -> None:
    cfg, received = mailbox
    address, policy_number = claimant(live)
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    me = phone.new_page()

    # sign in and report
    me.goto(f"{live.url}/portal")
    me.fill("input[name=email]", address)
    me.fill("input[name=password]", PORTAL_PASSWORD)
    me.click("form[action='/portal/login'] button")
    me.click("#report-link")
    expect(me.locator("select[name=policy_number]")).to_contain_text(policy_number)
    me.fill("input[name=incident_date]", (today() - timedelta(days=1)).isoformat())
    me.fill("input[name=claimed_amount]", "4600")
    me.fill("textarea[name=description]", "小区停车被剐蹭")
    me.click("form[action='/portal/report'] button")
    number = me.locator("h1").inner_text().strip()
    assert re.fullmatch(r"CL\d{16}", number)
    assert me.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    received_mail = deliver(live, cfg, received, number)
    assert received_mail["To"] == address

    # the handler asks for documents; the claimant hears by e-mail which ones
    staff(live, number, Action.ACCEPT)
    staff(live, number, Action.REQUEST_DOCUMENTS)
    missing_mail = deliver(live, cfg, received, "缺少材料")
    body = missing_mail.get_body(("plain",)).get_content()
    assert number in body and "驾驶证/行驶证" in body and f"{live.url}/portal/claims/{number}" in body

    me.goto(f"{live.url}/portal/claims/{number}")
    expect(me.locator("text=驾驶证和行驶证的主页与副页")).to_be_visible()  # plain-language guidance
    for doc in ("policy", "id_card", "driving_licence", "accident_report", "repair_estimate", "photos"):
        me.select_option("select[name=doc_type]", doc)
        name, data, mime = (
            ("p.png", PNG, "image/png") if doc == "photos" else (f"{doc}.pdf", PDF, "application/pdf")
        )
        me.set_input_files("input[name=file]", files=[{"name": name, "mimeType": mime, "buffer": data}])
        me.click("form[action$='/documents'] button")
        expect(me.locator(".error")).to_have_count(0)
    expect(me.locator(".tag.missing")).to_have_count(2)  # the optional ones only
    me.fill("textarea[name=body]", "材料已上传齐全，请审核")
    me.click("form[action$='/messages'] button")
    expect(me.locator(".msg.customer")).to_contain_text("材料已上传齐全")

    # the handler sees the message on the claim page
    login(page, live, "handler")
    page.goto(f"{live.url}/claims/{number}")
    expect(page.locator("#panel-messages")).to_contain_text("材料已上传齐全，请审核")

    # review, decision and payment by staff
    staff(live, number, Action.START_REVIEW)
    with unit_of_work(live.engine) as s:
        claims.decide(
            session=s,
            actor=_actor(s, live, "reviewer"),
            claim_number=number,
            cmd=DecideIn(outcome="approved", assessed_loss=Decimal("4600"), payment_method="bank_transfer"),
            now=utcnow(),
            settings=live.settings,
        )
    with unit_of_work(live.engine) as s:
        release_payment(
            session=s,
            actor=_actor(s, live, "finance"),
            claim_number=number,
            cmd=PaymentIn(
                method="bank_transfer",
                payee={"name": "赵小云", "bank": "工商银行", "account": "6222020200112233445"},
            ),
            idempotency_key=f"walk-{number}",
            now=utcnow(),
        )
    me.goto(f"{live.url}/portal/claims/{number}")
    expect(me.locator("#status")).to_have_text("已支付")
    deliver(live, cfg, received, "赔款已支付")

    # the survey link from the e-mail, answered once
    invite = deliver(live, cfg, received, "评价")
    link = re.search(r"http://\S+/portal/survey/\S+", invite.get_body(("plain",)).get_content())
    assert link is not None
    me.goto(link.group(0))
    me.check("input[name=overall][value='4']")
    me.check("input[name=timeliness][value='3']")
    me.check("input[name=communication][value='5']")
    me.check("input[name=professionalism][value='5']")
    me.check("input[name=nps][value='9']")
    me.fill("textarea[name=comment]", "审核有点慢，客服沟通很好")
    me.click("button[type=submit]")
    expect(me.locator(".ok")).to_be_visible()
    me.goto(link.group(0))
    expect(me.locator(".error")).to_be_visible()  # a second answer is refused
    with unit_of_work(live.engine) as s:
        stored = s.scalars(
            select(SurveyResponse).where(SurveyResponse.comment == "审核有点慢，客服沟通很好")
        ).all()
    assert [(r.overall, r.nps) for r in stored] == [(4, 9)]
    phone.close()
