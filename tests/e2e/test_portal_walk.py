"""The portal story as people would live it, every step in a browser: a claimant on a phone-sized
viewport reports a claim and asks a question; the handler sees it on the claim page, replies there and
asks for the missing documents from the workbench; the claimant is told by e-mail (caught by a real
SMTP server started here), uploads them and follows the claim while a reviewer decides and finance
pays in the workbench; the claimant answers the survey from the e-mail's link; a manager sees the
scores, themes and actions on the surveys page and the satisfaction panel on the dashboard.

Only the delivery worker (the outbox's background job) is run by the test itself."""

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

from claimops.clock import utcnow
from claimops.db import unit_of_work
from claimops.notifications.channels import PortalChannel, SmtpChannel
from claimops.notifications.service import deliver_due
from claimops.notifications.settings import NotifySettings
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy
from claimops.portal.service import create_account
from claimops.surveys.models import SurveyResponse
from claimops.users.models import User
from claimops.users.service import create_user
from e2e.test_workbench import PDF, PNG, _actor, act, login, today

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


def manager(live: Live) -> None:
    with unit_of_work(live.engine) as s:
        name = live.username("manager")
        if s.scalar(select(User.id).where(User.username == name)) is None:
            create_user(session=s, username=name, password=live.password, role="manager")


def quarter() -> str:
    d = today()
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def test_claimant_walk_on_a_phone(
    browser: Browser, workbench: Page, live: Live, mailbox: tuple[NotifySettings, list[Any]]
) -> None:
    page = workbench  # the staff's desktop browser (confirm dialogs answered OK)
    cfg, received = mailbox
    address, policy_number = claimant(live)
    manager(live)
    phone = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    me = phone.new_page()

    # the claimant signs in, reports and asks a question
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
    me.fill("textarea[name=body]", "请问还需要准备哪些材料？")
    me.click("form[action$='/messages'] button")
    expect(me.locator(".msg.customer")).to_contain_text("需要准备哪些材料")

    # the handler sees the question on the claim page, replies there, accepts and asks for documents
    login(page, live, "handler")
    page.goto(f"{live.url}/claims/{number}")
    expect(page.locator("#panel-messages")).to_contain_text("请问还需要准备哪些材料？")
    page.fill("#panel-messages textarea[name=body]", "您好，请按清单上传驾驶证、事故认定书和维修估价单")
    page.click("#panel-messages button[type=submit]")
    expect(page.locator("#panel-messages .msg.staff")).to_contain_text("请按清单上传")
    act(page, "accept")
    expect(page.locator("#claim-status")).to_have_text("已受理")
    act(page, "request_documents")
    expect(page.locator("#claim-status")).to_have_text("待补材料")

    # the claimant reads the reply and the e-mail listing what is missing, and uploads
    missing_mail = deliver(live, cfg, received, "缺少材料")
    body = missing_mail.get_body(("plain",)).get_content()
    assert number in body and "驾驶证/行驶证" in body and f"{live.url}/portal/claims/{number}" in body
    me.goto(f"{live.url}/portal/claims/{number}")
    expect(me.locator("#status")).to_have_text("待补材料")
    expect(me.locator(".msg.staff")).to_contain_text("请按清单上传")
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
    expect(me.locator(".msg.customer").last).to_contain_text("材料已上传齐全")

    # the handler sees it and starts the review; a reviewer decides; finance pays: all in the workbench
    page.goto(f"{live.url}/claims/{number}")
    expect(page.locator("#panel-messages")).to_contain_text("材料已上传齐全，请审核")
    act(page, "start_review")
    expect(page.locator("#claim-status")).to_have_text("审核中")
    me.reload()
    expect(me.locator("#status")).to_have_text("审核中")
    login(page, live, "reviewer")
    page.goto(f"{live.url}/claims/{number}")
    page.select_option("#decide-form select[name=outcome]", "approved")
    page.fill("#decide-form input[name=assessed_loss]", "4600")
    act(page, "decide")
    expect(page.locator("#claim-status")).to_have_text("待支付")
    login(page, live, "finance")
    page.goto(f"{live.url}/claims/{number}")
    page.fill("#pay-form input[name=payee_name]", "赵小云")
    page.fill("#pay-form input[name=payee_bank]", "工商银行")
    page.fill("#pay-form input[name=payee_account]", "6222020200112233445")
    act(page, "pay")  # confirmed in the dialog
    expect(page.locator("#claim-status")).to_have_text("已支付")

    # the claimant follows it to payment and answers the survey from the e-mail's link
    me.goto(f"{live.url}/portal/claims/{number}")
    expect(me.locator("#status")).to_have_text("已支付")
    deliver(live, cfg, received, "赔款已支付")
    invite = deliver(live, cfg, received, "评价")
    link = re.search(r"http://\S+/portal/survey/\S+", invite.get_body(("plain",)).get_content())
    assert link is not None
    me.goto(link.group(0))
    me.check("input[name=overall][value='4']")
    me.check("input[name=timeliness][value='2']")
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

    # the manager: scores and themes on the surveys page, registers an action, then the dashboard
    login(page, live, "manager")
    page.goto(f"{live.url}/surveys")
    expect(page.locator("#overall")).to_contain_text("NPS")
    expect(page.locator("#themes")).to_contain_text("时效")
    expect(page.locator("#themes")).to_contain_text("沟通")
    page.fill("#actions input[name=problem]", "审核环节时效偏慢")
    page.select_option("#actions select[name=source]", "survey_theme")
    page.select_option("#actions select[name=metric]", "timeliness")
    page.fill("#actions input[name=owner]", "审核组")
    page.fill("#actions input[name=due_date]", (today() + timedelta(days=30)).isoformat())
    page.click("#actions button[type=submit]")
    expect(page.locator("#actions")).to_contain_text("审核环节时效偏慢")
    page.goto(f"{live.url}/dashboard?period={quarter()}")
    panel = page.locator("#panel-satisfaction")
    expect(panel).to_contain_text("最弱维度")
    expect(panel).to_contain_text("时效")
    expect(panel).to_contain_text("未完成的改进措施")
    # a figure leads to the answers behind it: the weakest one, lowest first
    panel.locator(".kpi", has_text="最弱维度").locator("a").click()
    expect(page.locator("#responses")).to_contain_text(number)
    expect(page.locator("#responses")).to_contain_text("审核有点慢")
    page.go_back()
    panel.locator(".kpi", has_text="未完成的改进措施").locator("a").click()
    expect(page.locator("#actions")).to_contain_text("审核环节时效偏慢")
