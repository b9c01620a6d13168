"""The workbench in a real browser: a claim from report to payment by three people, and the ways a
form can fail (bad input, a refused step, a double submit, a forged form) without writing anything.
"""

from __future__ import annotations

import os
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from claimops.claims import service as claims
from claimops.claims.lifecycle import Action
from claimops.claims.schemas import ActionIn, DecideIn, ReportIn
from claimops.claims.uploads import upload_document
from claimops.clock import local_date, utcnow
from claimops.db import unit_of_work
from claimops.errors import NotFound
from claimops.mining.service.scoring import score_for_review as RISK_SCORER
from claimops.payments.queries import payments_for
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy, get_policy
from claimops.users.actor import Actor
from claimops.users.service import actor_for, get_user

if TYPE_CHECKING:
    from e2e.conftest import Live

pytestmark = pytest.mark.e2e

# Smallest valid files of each kind the upload accepts by content (magic bytes).
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AUTO_DOCS = ("policy", "id_card", "driving_licence", "accident_report", "repair_estimate", "photos")
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"


def today() -> date:
    return local_date(utcnow())  # the app's day is Beijing time's


def new_policy_number() -> str:
    return f"E2E-{uuid.uuid4().hex[:8].upper()}"


def login(page: Page, live: Live, role: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{live.url}/login")
    page.fill("input[name=username]", live.username(role))
    page.fill("input[name=password]", live.password)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_be_visible()


def act(page: Page, action: str) -> None:
    page.click(f"button[data-action={action}]")
    expect(page.locator(".alert.error")).to_have_count(0)


def no_stack_trace(page: Page) -> None:
    assert "Traceback" not in page.content()


# Data made directly through the services, for tests that start in the middle of the lifecycle.


def _actor(session: Session, live: Live, role: str) -> Actor:
    return actor_for(get_user(session=session, username=live.username(role)), live.settings)


def seed_policy(live: Live) -> str:
    number = new_policy_number()
    with unit_of_work(live.engine) as s:
        create_policy(
            session=s,
            actor=_actor(s, live, "handler"),
            cmd=PolicyIn(
                policy_number=number,
                line="auto",
                # a holder of its own, so that claims of other tests do not count as this one's history
                holder={"name": "李四海", "id_number": f"3101011988{uuid.uuid4().int % 10**8:08d}"},
                effective_from=today() - timedelta(days=200),
                effective_to=today() + timedelta(days=165),
                sum_insured=Decimal("200000"),
                deductible=Decimal("1000"),
                coinsurance_rate=Decimal("0.2"),
            ),
        )
    return number


def seed_claim(live: Live, *, decided: bool, amount: str = "12000.00") -> str:
    """A claim under review (all documents in), or decided and waiting for payment."""
    policy = seed_policy(live)
    now = utcnow()
    with unit_of_work(live.engine) as s:
        handler = _actor(s, live, "handler")
        claim = claims.report_claim(
            session=s,
            actor=handler,
            cmd=ReportIn(
                policy_number=policy,
                incident_date=today() - timedelta(days=3),
                claimed_amount=Decimal(amount),
                description="追尾事故，后保险杠受损",
            ),
            now=now,
            settings=live.settings,
            risk_scorer=RISK_SCORER,
        )
        number = claim.claim_number
        claims.perform(
            session=s,
            actor=handler,
            claim_number=number,
            action=Action.ACCEPT,
            cmd=ActionIn(),
            now=now,
            settings=live.settings,
            risk_scorer=RISK_SCORER,
        )
        for doc in AUTO_DOCS:
            upload_document(
                session=s,
                actor=handler,
                claim_number=number,
                doc_type=doc,
                filename=f"{doc}.pdf",
                data=PDF,
                now=now,
                settings=live.settings,
                risk_scorer=RISK_SCORER,
            )
        claims.perform(
            session=s,
            actor=handler,
            claim_number=number,
            action=Action.START_REVIEW,
            cmd=ActionIn(),
            now=now,
            settings=live.settings,
            risk_scorer=RISK_SCORER,
        )
        if decided:
            claims.decide(
                session=s,
                actor=_actor(s, live, "reviewer"),
                claim_number=number,
                cmd=DecideIn(outcome="approved", assessed_loss=Decimal(amount)),
                now=now,
                settings=live.settings,
            )
    return number


def test_report_to_payment_in_the_browser(workbench: Page, live: Live, tmp_path: Path) -> None:
    page = workbench
    policy = new_policy_number()
    login(page, live, "handler")
    page.click("text=新建保单")
    page.fill("input[name=policy_number]", policy)
    page.select_option("select[name=line]", "auto")
    page.fill("input[name=holder_name]", "王小明")
    page.fill("input[name=holder_id_number]", "110101199003077719")
    page.fill("input[name=holder_phone]", "13912345678")
    page.fill("input[name=holder_region]", "北京")
    page.fill("input[name=effective_from]", (today() - timedelta(days=100)).isoformat())
    page.fill("input[name=effective_to]", (today() + timedelta(days=265)).isoformat())
    page.fill("input[name=sum_insured]", "100000")
    page.fill("input[name=deductible]", "500")
    page.fill("input[name=coinsurance_rate]", "0.1")
    page.click("button[type=submit]")
    # the report form opens with the new policy filled in
    expect(page.locator(".alert.ok")).to_contain_text(policy)
    expect(page.locator("input[name=policy_number]")).to_have_value(policy)
    page.fill("input[name=incident_date]", (today() - timedelta(days=2)).isoformat())
    page.fill("input[name=claimed_amount]", "8500.00")
    page.fill("input[name=channel]", "电话")
    page.fill("textarea[name=description]", "停车场内被剐蹭，左前门受损")
    page.click("button[type=submit]")
    expect(page.locator("#claim-status")).to_have_text("已报案")
    expect(page.locator("#claimed-amount")).to_have_text("¥8,500.00")
    expect(page.locator(".meta")).to_contain_text("王*明")  # the claimant is masked
    expect(page.locator(".meta")).to_contain_text("139****5678")
    expect(page.locator(".meta")).not_to_contain_text("13912345678")
    claim_url = page.url

    act(page, "accept")
    expect(page.locator("#claim-status")).to_have_text("已受理")
    expect(page.locator("#findings")).to_contain_text("材料不全")
    pdf, png = tmp_path / "doc.pdf", tmp_path / "photo.png"
    pdf.write_bytes(PDF)
    png.write_bytes(PNG)
    for doc in AUTO_DOCS:
        page.select_option("#upload-form select[name=doc_type]", doc)
        page.set_input_files("#upload-form input[name=file]", str(png if doc == "photos" else pdf))
        page.click("#upload-form button")
        expect(page.locator(f"li[data-doc={doc}]")).to_have_class("ok")
    expect(page.locator("#findings")).not_to_contain_text("材料不全")
    act(page, "start_review")
    expect(page.locator("#claim-status")).to_have_text("审核中")

    login(page, live, "reviewer")
    page.goto(claim_url)
    expect(page.locator("#decide-form .terms")).to_contain_text("¥500.00")
    page.select_option("#decide-form select[name=outcome]", "approved")
    page.fill("#decide-form input[name=assessed_loss]", "8500.00")
    act(page, "decide")
    # (8,500 − 500) × (1 − 0.1) = 7,200.00
    expect(page.locator("#approved-amount")).to_have_text("¥7,200.00")
    expect(page.locator("#claim-status")).to_have_text("待支付")
    expect(page.locator("#decision")).to_contain_text("全额赔付")

    login(page, live, "finance")
    page.goto(claim_url)
    expect(page.locator("#pay-form button[data-action=pay]")).to_contain_text("¥7,200.00")
    page.fill("#pay-form input[name=payee_name]", "王小明")
    page.fill("#pay-form input[name=payee_bank]", "中国工商银行北京分行")
    page.fill("#pay-form input[name=payee_account]", "6222020200112233445")
    act(page, "pay")  # confirmed in the dialog
    expect(page.locator("#claim-status")).to_have_text("已支付")
    expect(page.locator("#paid-amount")).to_have_text("¥7,200.00")
    payments = page.locator("#payments")
    expect(payments).to_contain_text("***************3445")
    expect(payments).to_contain_text("王*明")
    expect(payments).not_to_contain_text("6222020200112233445")
    steps = page.locator("#timeline li b").all_inner_texts()
    assert steps == ["报案", "受理", "开始审核", "理赔决定", "提交支付", "支付赔款"]
    expect(page.locator("#timeline")).to_contain_text("e2e_reviewer")
    expect(page.locator("#timeline")).to_contain_text("¥7,200.00")

    if os.environ.get("CLAIMOPS_SCREENSHOT"):
        target = os.environ["CLAIMOPS_SCREENSHOT"]
        path = Path(target) if target.endswith(".png") else SCREENSHOT
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.screenshot(path=str(path), full_page=True)

    page.click("text=English")
    expect(page.locator("#claim-status")).to_have_text("Paid")
    expect(page.locator("#timeline h2")).to_have_text("Timeline")
    assert page.url == claim_url


def test_bad_input_shows_a_clear_error_and_stores_nothing(workbench: Page, live: Live) -> None:
    page = workbench
    login(page, live, "handler")

    # a policy with a coinsurance rate above 1 and its dates the wrong way round
    number = new_policy_number()
    page.goto(f"{live.url}/policies/new")
    page.fill("input[name=policy_number]", number)
    page.fill("input[name=holder_name]", "赵六")
    page.fill("input[name=holder_id_number]", "440106199201015678")
    page.fill("input[name=effective_from]", today().isoformat())
    page.fill("input[name=effective_to]", (today() - timedelta(days=1)).isoformat())
    page.fill("input[name=sum_insured]", "50000")
    page.fill("input[name=coinsurance_rate]", "1.5")
    page.click("button[type=submit]")
    error = page.locator(".alert.error")
    expect(error).to_contain_text("输入有误")
    expect(error).to_contain_text("自付比例")
    no_stack_trace(page)
    expect(page.locator("input[name=holder_name]")).to_have_value("赵六")  # what was typed stays
    with unit_of_work(live.engine) as s, pytest.raises(NotFound):
        get_policy(session=s, policy_number=number)

    # a claim with a negative amount on a real policy
    policy = seed_policy(live)
    page.goto(f"{live.url}/claims/new?policy_number={policy}")
    page.fill("input[name=incident_date]", (today() - timedelta(days=1)).isoformat())
    page.fill("input[name=claimed_amount]", "-5")
    page.click("button[type=submit]")
    expect(error).to_contain_text("索赔金额")
    expect(error).to_contain_text("不能为负数")
    no_stack_trace(page)

    # an incident date in the future, past the browser's own check
    page.eval_on_selector("input[name=incident_date]", "el => el.removeAttribute('max')")
    page.fill("input[name=incident_date]", (today() + timedelta(days=3)).isoformat())
    page.fill("input[name=claimed_amount]", "100")
    page.click("button[type=submit]")
    expect(error).to_have_text("出险日期不能晚于今天")

    page.goto(f"{live.url}/?scope=all&q={policy}")
    expect(page.locator("#claims td.empty")).to_be_visible()


def test_a_refused_step_is_explained_and_changes_nothing(workbench: Page, live: Live) -> None:
    page = workbench
    number = seed_claim(live, decided=False)
    login(page, live, "reviewer")
    page.goto(f"{live.url}/claims/{number}")
    expect(page.locator("#claim-status")).to_have_text("审核中")
    # a partial payment needs a reason code
    page.select_option("#decide-form select[name=outcome]", "partial")
    page.fill("#decide-form input[name=assessed_loss]", "6000")
    page.click("button[data-action=decide]")
    expect(page.locator(".alert.error")).to_have_text("拒赔或部分赔付须选择原因代码")
    expect(page.locator("#claim-status")).to_have_text("审核中")
    expect(page.locator("#decision")).to_have_count(0)
    assert "理赔决定" not in page.locator("#timeline li b").all_inner_texts()
    no_stack_trace(page)
    with unit_of_work(live.engine) as s:
        assert claims.get_claim(session=s, claim_number=number).status == "under_review"

    # what was typed is still there; with a reason it goes through, by the policy's terms
    expect(page.locator("#decide-form select[name=outcome]")).to_have_value("partial")
    expect(page.locator("#decide-form input[name=assessed_loss]")).to_have_value("6000")
    page.select_option("#decide-form select[name=reason_codes]", ["UNREASONABLE_COST"])
    act(page, "decide")
    # (6,000 − 1,000) × (1 − 0.2) = 4,000.00
    expect(page.locator("#approved-amount")).to_have_text("¥4,000.00")
    expect(page.locator("#decision")).to_contain_text("费用不合理")


def test_a_double_submitted_payment_pays_once(workbench: Page, live: Live) -> None:
    page = workbench
    number = seed_claim(live, decided=True)
    login(page, live, "finance")
    page.goto(f"{live.url}/claims/{number}")
    expect(page.locator("#claim-status")).to_have_text("待支付")
    page.fill("#pay-form input[name=payee_name]", "李四海")
    page.fill("#pay-form input[name=payee_account]", "6217000010002233")
    # what the browser would send, sent twice (a double click, or a resend after a timeout)
    fields = page.eval_on_selector("#pay-form", "f => Object.fromEntries(new FormData(f).entries())")
    action = f"{live.url}/claims/{number}/act/pay"
    first = page.request.post(action, form=fields, max_redirects=0)
    second = page.request.post(action, form=fields, max_redirects=0)
    assert first.status == 303 and second.status == 303
    page.reload()
    expect(page.locator("#claim-status")).to_have_text("已支付")
    expect(page.locator("#payments tbody tr")).to_have_count(1)
    with unit_of_work(live.engine) as s:
        claim = claims.get_claim(session=s, claim_number=number)
        assert len(payments_for(s, claim.id)) == 1
        assert claim.paid_amount == Decimal("8800.00")  # (12,000 − 1,000) × 0.8


def test_a_decision_above_authority_waits_for_an_approver(workbench: Page, live: Live) -> None:
    page = workbench
    # (80,000 − 1,000) × 0.8 = 63,200 is above a reviewer's default authority of 50,000
    number = seed_claim(live, decided=True, amount="80000.00")
    login(page, live, "reviewer")
    page.goto(f"{live.url}/claims/{number}")
    expect(page.locator("#claim-status")).to_have_text("已决定")
    expect(page.locator("#decision")).to_contain_text("待审批")
    expect(page.locator("#approve-form")).to_have_count(0)  # not the reviewer's step
    expect(page.locator("button[data-action=close]")).to_have_count(0)  # paid first, then closed

    login(page, live, "approver")
    page.goto(f"{live.url}/claims/{number}")
    expect(page.locator("#approve-form")).to_contain_text("¥63,200.00")
    page.fill("#approve-form input[name=note]", "金额核实无误")
    act(page, "approve")
    expect(page.locator("#claim-status")).to_have_text("待支付")
    expect(page.locator("#decision")).to_contain_text("e2e_approver")
    expect(page.locator("#timeline li").last).to_contain_text("审批通过")
    expect(page.locator("#timeline li").last).to_contain_text("金额核实无误")


def test_pages_need_a_login_and_forms_their_token(workbench: Page, live: Live) -> None:
    page = workbench
    page.context.clear_cookies()
    page.goto(f"{live.url}/claims/new")
    expect(page).to_have_url(f"{live.url}/login")
    page.fill("input[name=username]", live.username("handler"))
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    expect(page.locator(".alert.error")).to_have_text("用户名或密码错误")

    login(page, live, "handler")
    number = new_policy_number()
    forged = page.request.post(
        f"{live.url}/policies/new",
        form={
            "csrf": "not-the-token",
            "policy_number": number,
            "line": "auto",
            "holder_name": "钱七",
            "holder_id_number": "110101199001011234",
            "effective_from": today().isoformat(),
            "effective_to": (today() + timedelta(days=300)).isoformat(),
            "sum_insured": "10000",
        },
        max_redirects=0,
    )
    assert forged.status == 403
    assert "表单已过期" in forged.text()
    with unit_of_work(live.engine) as s, pytest.raises(NotFound):
        get_policy(session=s, policy_number=number)

    page.click("text=退出")
    expect(page).to_have_url(f"{live.url}/login")
    page.goto(f"{live.url}/")
    expect(page).to_have_url(f"{live.url}/login")


def test_language_by_parameter_and_switch(workbench: Page, live: Live) -> None:
    page = workbench
    login(page, live, "reviewer")
    expect(page.locator("h1")).to_contain_text("我的待办")
    page.goto(f"{live.url}/?lang=en&scope=all")
    expect(page.locator("h1")).to_contain_text("All claims")
    expect(page.locator("nav")).to_contain_text("New claim")
    page.click("text=中文")  # back to Chinese, on the same list
    expect(page.locator("h1")).to_contain_text("全部案件")
    assert page.url == f"{live.url}/?scope=all"
    page.click("text=English")
    expect(page.locator("h1")).to_contain_text("All claims")
    page.goto(f"{live.url}/")  # the choice is kept in a cookie
    expect(page.locator("h1")).to_contain_text("My queue")
