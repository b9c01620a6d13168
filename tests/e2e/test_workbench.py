"""A claim walked from report to payment in a real browser, by three people."""

from __future__ import annotations

import os
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from factories import PDF, PNG

pytestmark = pytest.mark.e2e


def login(page: Page, base: str, user: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".who")).to_be_visible()


def act(page: Page, action: str) -> None:
    page.click(f"button[data-action={action}]")
    expect(page.locator(".alert.error")).to_have_count(0)


def test_report_to_payment_in_the_browser(page: Page, live_app: str, tmp_path: Path) -> None:
    policy = f"E2E-{uuid.uuid4().hex[:8].upper()}"
    login(page, live_app, "e2e_handler")
    page.click("text=新建保单")
    page.fill("input[name=policy_number]", policy)
    page.select_option("select[name=line]", "auto")
    page.fill("input[name=holder_name]", "王小明")
    page.fill("input[name=holder_id_number]", "110101199003077719")
    page.fill("input[name=holder_phone]", "13912345678")
    page.fill("input[name=effective_from]", (date.today() - timedelta(days=100)).isoformat())
    page.fill("input[name=effective_to]", (date.today() + timedelta(days=265)).isoformat())
    page.fill("input[name=sum_insured]", "100000")
    page.fill("input[name=deductible]", "500")
    page.fill("input[name=coinsurance_rate]", "0.1")
    page.click("button[type=submit]")
    # the report form opens with the policy filled in
    expect(page.locator("input[name=policy_number]")).to_have_value(policy)
    page.fill("input[name=incident_date]", (date.today() - timedelta(days=2)).isoformat())
    page.fill("input[name=claimed_amount]", "8500.00")
    page.fill("textarea[name=description]", "停车场内被剐蹭，左前门受损")
    page.click("button[type=submit]")
    expect(page.locator("#claim-status")).to_have_text("已报案")
    claim_url = page.url
    act(page, "accept")
    expect(page.locator("#claim-status")).to_have_text("已受理")
    pdf, png = tmp_path / "doc.pdf", tmp_path / "photo.png"
    pdf.write_bytes(PDF)
    png.write_bytes(PNG)
    for doc in ("policy", "id_card", "driving_licence", "accident_report", "repair_estimate", "photos"):
        page.select_option("#upload-form select[name=doc_type]", doc)
        page.set_input_files("#upload-form input[name=file]", str(png if doc == "photos" else pdf))
        page.click("#upload-form button")
        expect(page.locator(f"li[data-doc={doc}]")).to_have_class("ok")
    act(page, "start_review")
    expect(page.locator("#claim-status")).to_have_text("审核中")

    login(page, live_app, "e2e_reviewer")
    page.goto(claim_url)
    page.fill("#decide-form input[name=assessed_loss]", "8500.00")
    act(page, "decide")
    # (8,500 − 500) × (1 − 0.1) = 7,200.00
    expect(page.locator("#approved-amount")).to_have_text("¥7,200.00")
    expect(page.locator("#claim-status")).to_have_text("待支付")

    login(page, live_app, "e2e_finance")
    page.goto(claim_url)
    page.fill("#pay-form input[name=payee_name]", "王小明")
    page.fill("#pay-form input[name=payee_account]", "6222020200112233445")
    act(page, "pay")
    expect(page.locator("#claim-status")).to_have_text("已支付")
    expect(page.locator("#payments")).to_contain_text("***************3445")
    steps = page.locator("#timeline li b").all_inner_texts()
    assert steps == ["报案", "受理", "开始审核", "理赔决定", "提交支付", "支付赔款"]
    if os.environ.get("CLAIMOPS_SCREENSHOT"):
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.screenshot(path=os.environ["CLAIMOPS_SCREENSHOT"], full_page=True)
    page.click("text=English")
    expect(page.locator("#claim-status")).to_have_text("Paid")


def test_bad_input_shows_a_clear_error_and_stores_nothing(page: Page, live_app: str) -> None:
    login(page, live_app, "e2e_handler")
    page.goto(f"{live_app}/claims/new")
    page.fill("input[name=policy_number]", "NO-SUCH-POLICY")
    page.fill("input[name=incident_date]", (date.today() - timedelta(days=1)).isoformat())
    page.fill("input[name=claimed_amount]", "-5")
    page.click("button[type=submit]")
    expect(page.locator(".alert.error")).to_contain_text("claimed_amount")
    page.fill("input[name=claimed_amount]", "100")
    page.click("button[type=submit]")
    expect(page.locator(".alert.error")).to_have_text("保单不存在")
    page.goto(f"{live_app}/?scope=all&q=NO-SUCH-POLICY")
    expect(page.locator("td.empty")).to_be_visible()
