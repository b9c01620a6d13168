"""The partners story in the browser, as a new user would try it, every step through the pages: a
handler records a policy and reports two claims and denies one, a partner manager sets the selection
criteria, registers a provider, evaluates and selects it and signs an agreement, a handler assigns it
to a claim and records its visit, a manager opens the provider's quarterly scorecard and drills into
the claims behind a figure, and a dispute on the denied claim goes from open to resolved with a
supplementary decision made by the claims core; the dashboard's partners panel opens its list."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from claimops.clock import local_date, utcnow
from claimops.db import unit_of_work
from claimops.users.models import User
from claimops.users.service import create_user
from e2e.test_workbench import act, login

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


def claims(page: Page, live: Live) -> tuple[str, str]:
    """A handler records a policy and reports two claims on it; the second is accepted, reviewed,
    denied by a reviewer and closed: an open claim to assign, and a denied one to dispute."""
    today = local_date(utcnow())
    login(page, live, "handler")
    policy = f"PW-{uuid.uuid4().hex[:8].upper()}"
    page.click("text=新建保单")
    page.fill("input[name=policy_number]", policy)
    page.select_option("select[name=line]", "auto")
    page.fill("input[name=holder_name]", "赵六")
    page.fill("input[name=holder_id_number]", "110101199003077719")
    page.fill("input[name=holder_region]", "北京")
    page.fill("input[name=effective_from]", (today - timedelta(days=100)).isoformat())
    page.fill("input[name=effective_to]", (today + timedelta(days=200)).isoformat())
    page.fill("input[name=sum_insured]", "100000")
    page.fill("input[name=deductible]", "500")
    page.fill("input[name=coinsurance_rate]", "0.1")
    page.click("button[type=submit]")
    numbers = []
    for _ in range(2):
        page.goto(f"{live.url}/claims/new?policy_number={policy}")
        page.fill("input[name=incident_date]", (today - timedelta(days=2)).isoformat())
        page.fill("input[name=claimed_amount]", "8500.00")
        page.click("button[type=submit]")
        expect(page.locator("#claim-status")).to_have_text("已报案")
        numbers.append(page.url.rsplit("/", 1)[1])
    act(page, "accept")
    act(page, "start_review")
    denied_url = page.url
    login(page, live, "reviewer")
    page.goto(denied_url)
    page.select_option("#decide-form select[name=outcome]", "denied")
    page.select_option("#decide-form select[name=reason_codes]", ["NOT_COVERED"])
    act(page, "decide")
    expect(page.locator("#claim-status")).to_have_text("已决定")
    login(page, live, "handler")
    page.goto(denied_url)
    act(page, "close")
    expect(page.locator("#claim-status")).to_have_text("已结案")
    return numbers[0], numbers[1]


def test_partners_walk(workbench: Page, people: Live) -> None:
    live, page = people, workbench
    open_claim, denied_claim = claims(page, live)
    today = local_date(utcnow())
    name = f"北京测试公估{uuid.uuid4().hex[:4]}"

    # the partner manager sets the selection criteria of loss assessors, registers a provider,
    # scores it against them and selects it, then signs an agreement
    login(page, live, "partner_manager")
    page.click("nav >> text=协作单位")
    for criterion, weight in (("资质", "60"), ("网点覆盖", "40")):
        page.select_option("#criterion-form select[name=provider_type]", "loss_assessor")
        page.fill("#criterion-form input[name=criterion]", criterion)
        page.fill("#criterion-form input[name=weight]", weight)
        page.click("#criterion-form button[type=submit]")
        expect(page.locator("#criteria-table")).to_contain_text(criterion)
    page.fill("#new-provider input[name=name]", name)
    page.select_option("#new-provider select[name=type]", "loss_assessor")
    page.fill("#new-provider input[name=region]", "北京")
    page.click("#new-provider button[type=submit]")
    expect(page.locator("#provider-name")).to_have_text(name)
    expect(page.locator("#provider-status")).to_have_text("候选")
    evaluation = page.locator("#evaluation-form")
    evaluation.locator("input[name='score:资质']").fill("120")  # out of range: refused, criterion named
    evaluation.locator("input[name='score:网点覆盖']").fill("70")
    evaluation.locator("button[type=submit]").click()
    expect(page.locator(".alert.error")).to_contain_text("资质：不能大于 100")
    expect(page.locator("#provider-status")).to_have_text("候选")
    evaluation.locator("input[name='score:资质']").fill("90")
    evaluation.locator("select[name=decision]").select_option("select")
    evaluation.locator("input[name=note]").fill("资质齐全，网点覆盖北京")
    evaluation.locator("button[type=submit]").click()
    expect(page.locator("#provider-status")).to_have_text("合作中")
    # (60 × 90 + 40 × 70) / 100 = 82.00, decided by the partner manager
    expect(page.locator("#evaluations")).to_contain_text("82.00")
    expect(page.locator("#evaluations .decided-by")).to_have_text(live.username("partner_manager"))
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
    # on site a moment after the assignment: Beijing time to the second, after the assignment's
    # second has passed and never in the future
    page.wait_for_timeout(1100)
    local = utcnow() + timedelta(hours=8)
    row.locator("input[name=arrived_at]").fill(local.strftime("%Y-%m-%dT%H:%M:%S"))
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
    # the claims core decided the claim again at the settled total: reopened, then a new decision
    page.click(f"a >> text={denied_claim}")
    expect(page.locator("#approved-amount")).to_have_text("¥3,000.00")
    expect(page.locator("#timeline")).to_contain_text("重开")

    # the dashboard's partners panel counts it and opens the list behind the figure
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    page.goto(f"{live.url}/dashboard?period={quarter}")
    panel = page.locator("#panel-partners")
    expect(panel).to_be_visible()
    panel.locator("a[href*='list=opened']").first.click()
    expect(page.locator("#disputes-title")).to_contain_text("本期新增的争议")
    expect(page.locator("#disputes")).to_contain_text(denied_claim)
    # and in English
    page.goto(f"{live.url}/disputes?lang=en")
    expect(page.locator("#dispute-kpis")).to_contain_text("Dispute KPIs")
