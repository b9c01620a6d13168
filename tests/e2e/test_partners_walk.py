"""The partners story in the browser, as a new user would try it: a partner manager registers a
provider and signs an agreement, a handler assigns it to a claim and records its visit, a manager
opens the provider's quarterly scorecard and drills into the claims behind a figure, and a dispute
goes from open to resolved with a supplementary decision made by the claims core."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from claimops.claims.lifecycle import Action
from claimops.claims.models import Claim
from claimops.claims.schemas import ActionIn, DecideIn, ReportIn
from claimops.claims.service import decide, perform, report_claim
from claimops.clock import local_date, utcnow
from claimops.db import unit_of_work
from claimops.mining.service.scoring import score_for_review as RISK_SCORER
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy
from claimops.users.models import User
from claimops.users.service import actor_for, create_user
from e2e.test_workbench import login

if TYPE_CHECKING:
    from e2e.conftest import Live

ROLES = ("partner_manager", "manager")


@pytest.fixture(scope="module")
def people(live: Live) -> Live:
    with unit_of_work(live.engine) as session:
        for role in ROLES:
            name = live.username(role)
            if session.scalar(select(User.id).where(User.username == name)) is None:
                create_user(session=session, username=name, password=live.password, role=role)
    return live


def claims(live: Live) -> tuple[str, str]:
    """An open claim to assign, and a denied, closed one to dispute (made through the services)."""
    now = utcnow()
    today = local_date(now)
    out = []
    with unit_of_work(live.engine) as session:
        staff = {u.role: actor_for(u, live.settings) for u in session.scalars(select(User))}
        for _ in range(2):
            policy = create_policy(
                session=session,
                actor=staff["handler"],
                cmd=PolicyIn(
                    policy_number=f"PW-{uuid.uuid4().hex[:8].upper()}",
                    line="auto",
                    holder={"name": "赵六", "id_number": "110101199003077719", "region": "北京"},
                    effective_from=today - timedelta(days=100),
                    effective_to=today + timedelta(days=200),
                    sum_insured=Decimal("100000"),
                    deductible=Decimal("500"),
                    coinsurance_rate=Decimal("0.1"),
                ),
            )
            c = report_claim(
                session=session,
                actor=staff["handler"],
                cmd=ReportIn(
                    policy_number=policy.policy_number,
                    incident_date=today - timedelta(days=2),
                    claimed_amount=Decimal("8500"),
                ),
                now=now - timedelta(hours=3),
                settings=live.settings,
                risk_scorer=RISK_SCORER,
            )
            out.append(c.claim_number)
        denied = out[1]
        for action in (Action.ACCEPT, Action.START_REVIEW):
            perform(
                session=session,
                actor=staff["handler"],
                claim_number=denied,
                action=action,
                cmd=ActionIn(),
                now=now - timedelta(hours=2),
                settings=live.settings,
                risk_scorer=RISK_SCORER,
            )
        decide(
            session=session,
            actor=staff["reviewer"],
            claim_number=denied,
            cmd=DecideIn(outcome="denied", assessed_loss=Decimal("8500"), reason_codes=["NOT_COVERED"]),
            now=now - timedelta(hours=1),
            settings=live.settings,
        )
        perform(
            session=session,
            actor=staff["handler"],
            claim_number=denied,
            action=Action.CLOSE,
            cmd=ActionIn(),
            now=now - timedelta(minutes=30),
            settings=live.settings,
            risk_scorer=RISK_SCORER,
        )
    return out[0], out[1]


def test_partners_walk(page: Page, people: Live) -> None:
    live = people
    open_claim, denied_claim = claims(live)
    today = local_date(utcnow())
    name = f"北京测试公估{uuid.uuid4().hex[:4]}"

    # the partner manager registers a provider, activates it and signs an agreement
    login(page, live, "partner_manager")
    page.click("nav >> text=协作单位")
    page.fill("#new-provider input[name=name]", name)
    page.select_option("#new-provider select[name=type]", "loss_assessor")
    page.fill("#new-provider input[name=region]", "北京")
    page.click("#new-provider button[type=submit]")
    expect(page.locator("#provider-name")).to_have_text(name)
    expect(page.locator("#provider-status")).to_have_text("候选")
    page.click("#status-form button[value=active]")
    expect(page.locator("#provider-status")).to_have_text("合作中")
    number = f"AG-{uuid.uuid4().hex[:6]}"
    form = page.locator("#agreement-form")
    # an agreement ending before it starts is refused with the field named, and nothing is stored
    form.locator("input[name=number]").fill(number)
    form.locator("input[name=on_site_hours]").fill("4")
    form.locator("input[name=report_days]").fill("3")
    form.locator("input[name=fee_item]").fill("查勘费")
    form.locator("input[name=fee_amount]").fill("300")
    form.locator("input[name=start_on]").fill((today + timedelta(days=10)).isoformat())
    form.locator("input[name=end_on]").fill(today.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert.error")).to_contain_text("协议结束日期")
    expect(page.locator("#agreements")).not_to_contain_text(number)
    form.locator("input[name=start_on]").fill((today - timedelta(days=30)).isoformat())
    form.locator("input[name=end_on]").fill((today + timedelta(days=335)).isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert.error")).to_have_count(0)
    expect(page.locator("#agreements")).to_contain_text(number)
    provider_url = page.url

    # a handler assigns it to the claim and records its visit
    login(page, live, "handler")
    page.goto(provider_url)
    page.fill("#assign-form input[name=claim_number]", open_claim)
    page.select_option("#assign-form select[name=kind]", "investigation")
    page.click("#assign-form button[type=submit]")
    expect(page.locator("#assignments")).to_contain_text(open_claim)
    row = page.locator("#assignments tr", has_text=open_claim)
    local = utcnow() + timedelta(hours=8 + 1)  # an hour after the assignment, in Beijing time
    row.locator("input[name=arrived_at]").fill(local.strftime("%Y-%m-%dT%H:%M"))
    row.locator("input[name=cost]").fill("750")
    row.locator("button[type=submit]").click()
    expect(page.locator("#assignments tr", has_text=open_claim)).to_contain_text("750.00")

    # a manager opens the quarterly scorecard and drills into the claims behind a figure
    login(page, live, "manager")
    page.goto(provider_url)
    page.click("#scorecard-link")
    expect(page.locator("#grade")).not_to_have_text("A")  # satisfaction is not measured: never A
    expect(page.locator("#missing")).to_contain_text("客户满意度")
    page.click("a.drill[data-figure=on_site]")
    expect(page.locator("#drill")).to_contain_text(open_claim)
    page.locator("#drill a", has_text=open_claim).click()
    expect(page.locator("#claim-status")).to_be_visible()

    # a dispute goes from open to resolved with a supplementary decision
    page.click("nav >> text=争议处理")
    page.fill("#dispute-form input[name=claim_number]", denied_claim)
    page.select_option("#dispute-form select[name=reason]", "coverage")
    page.fill("#dispute-form input[name=disputed_amount]", "4000")
    page.click("#dispute-form button[type=submit]")
    expect(page.locator("#stage")).to_have_text("已登记")
    page.select_option("#move-form select[name=stage]", "negotiation")
    page.click("#move-form button[type=submit]")
    expect(page.locator("#stage")).to_have_text("协商")
    page.select_option("#move-form select[name=stage]", "resolved")
    page.fill("#move-form input[name=settled_amount]", "4500")
    page.click("#move-form button[type=submit]")
    expect(page.locator(".alert.error")).to_contain_text("和解金额不能高于争议金额")
    expect(page.locator("#stage")).to_have_text("协商")
    page.fill("#move-form input[name=settled_amount]", "3000")
    page.fill("#move-form input[name=outcome]", "协商一致")
    page.click("#move-form button[type=submit]")
    expect(page.locator("#stage")).to_have_text("已解决")
    expect(page.locator("#settled")).to_have_text("¥3,000.00")
    with unit_of_work(live.engine) as session:
        claim = session.scalar(select(Claim).where(Claim.claim_number == denied_claim))
        assert claim is not None and claim.approved_amount == Decimal("3000.00") and claim.reopen_count == 1
    # and in English
    page.goto(f"{live.url}/disputes?lang=en")
    expect(page.locator("#dispute-kpis")).to_contain_text("Dispute KPIs")
