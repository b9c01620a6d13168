"""What a decision needs besides its amount: a reason above the claim, an override without the
documents, and four eyes across deciding, approving and paying (issue 8, findings 4 and 10)."""

from __future__ import annotations

import html
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import Api, page_csrf, page_login
from claimops.claims.models import Claim, ClaimEvent, Decision


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def _under_review(api: Api, claimed: str, *, documents: bool = True, **policy: Any) -> str:
    p = api.policy(**policy)
    number = str(api.report(p["policy_number"], claimed_amount=claimed)["claim_number"])
    api.act("handler", number, "accept")
    if documents:
        api.upload_all(number)
    api.act("handler", number, "start_review")
    return number


def _written(engine: Engine, number: str) -> tuple[int, int]:
    """(events, decisions) stored for the claim."""
    with Session(engine) as s:
        cid = s.scalar(select(Claim.id).where(Claim.claim_number == number))
        events = s.scalar(select(func.count()).select_from(ClaimEvent).where(ClaimEvent.claim_id == cid))
        decisions = s.scalar(select(func.count()).select_from(Decision).where(Decision.claim_id == cid))
        return events or 0, decisions or 0


def test_an_assessed_loss_above_the_claim_needs_a_note_and_an_approver(api: Api, engine: Engine) -> None:
    # issue 8: a handler decided 9,999.00 on a claim of 100.00 and it went straight to payment
    n = _under_review(api, "100.00")
    before = _written(engine, n)
    body = {"outcome": "approved", "assessed_loss": "9999.00"}
    r = api.act("handler", n, "decide", body, status=422)
    assert r.json()["error"]["code"] == "ABOVE_CLAIMED_NOTE_REQUIRED"
    assert _written(engine, n) == before
    decided = api.act("handler", n, "decide", {**body, "note": "定损发现隐蔽损伤，超出客户报损"})
    assert decided["status"] == "decided"
    assert decided["event"]["data"]["requires_approval"] is True
    assert decided["event"]["data"]["approval_reasons"] == ["ABOVE_CLAIMED"]
    assert api.pay(n, f"early-{n}").status_code == 409  # nothing is paid before the approver
    assert api.act("approver", n, "approve")["status"] == "payment_pending"


def test_an_assessed_loss_within_the_claim_needs_neither(api: Api) -> None:
    n = _under_review(api, "8500.00")
    d = api.act(
        "handler",
        n,
        "decide",
        {"outcome": "partial", "assessed_loss": "8000.00", "reason_codes": ["AMOUNT_ADJUSTED"]},
    )
    decide, release = d["new_events"]
    assert d["status"] == "payment_pending" and decide["data"]["requires_approval"] is False
    assert release["action"] == "release" and d["event"] == release


def test_deciding_without_the_required_documents_needs_an_override_with_a_reason(
    api: Api, engine: Engine
) -> None:
    n = _under_review(api, "8500.00", documents=False)
    before = _written(engine, n)
    body: dict[str, Any] = {"outcome": "approved", "assessed_loss": "8500.00"}
    r = api.act("reviewer", n, "decide", body, status=409)
    assert r.json()["error"]["code"] == "DOCUMENTS_MISSING"
    assert "policy" in r.json()["error"]["details"]["missing"]
    r = api.act("reviewer", n, "decide", {**body, "override_missing_documents": True}, status=422)
    assert r.json()["error"]["code"] == "OVERRIDE_REASON_REQUIRED"
    assert _written(engine, n) == before
    d = api.act(
        "reviewer",
        n,
        "decide",
        {**body, "override_missing_documents": True, "override_reason": "原件已邮寄，影像件随后补交"},
        full=True,
    )
    data = d["events"][-2]["data"]  # decide, then the release
    assert data["missing_documents_overridden"] == d["missing_documents"]
    assert data["override_reason"] == "原件已邮寄，影像件随后补交"


def test_a_denial_needs_no_documents_override(api: Api) -> None:
    n = _under_review(api, "8500.00", documents=False)
    body = {"outcome": "denied", "assessed_loss": "0", "reason_codes": ["INSUFFICIENT_DOCUMENTS"]}
    assert api.act("reviewer", n, "decide", body)["status"] == "decided"


def test_the_web_decide_form_carries_the_override(client: TestClient, api: Api) -> None:
    n = _under_review(api, "8500.00", documents=False)
    assert page_login(client, "reviewer").status_code == 303
    try:
        page = client.get(f"/claims/{n}")
        assert 'name="override_missing_documents"' in page.text and 'name="override_reason"' in page.text
        form = {"csrf": page_csrf(client, f"/claims/{n}"), "outcome": "approved", "assessed_loss": "8500.00"}
        refused = client.post(f"/claims/{n}/act/decide", data=form, follow_redirects=False)
        assert refused.status_code == 409 and "必交材料未齐" in html.unescape(refused.text)
        form.update(override_missing_documents="on", override_reason="原件已邮寄")
        done = client.post(f"/claims/{n}/act/decide", data=form, follow_redirects=False)
        assert done.status_code == 303, done.text
    finally:
        client.cookies.clear()
    assert api.ok(api.get("reviewer", f"/claims/{n}"))["status"] == "payment_pending"


def test_the_approver_may_not_release_the_payment(api: Api) -> None:
    # the manager approves (above the reviewer's 50,000 authority), then may not pay it too
    n = _under_review(api, "60000.00", sum_insured="900000.00", deductible="0.00", coinsurance_rate="0")
    d = api.act("reviewer", n, "decide", {"outcome": "approved", "assessed_loss": "60000.00"})
    assert d["event"]["data"]["requires_approval"] is True
    api.act("manager", n, "approve")
    r = api.pay(n, f"m-{n}", user="manager")
    assert r.status_code == 403 and r.json()["error"]["code"] == "FOUR_EYES"
    assert "approved" in r.json()["error"]["message"]
    assert api.pay(n, f"f-{n}").status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"note": {"text": "x"}},
        {"note": ["x"]},
        {"note": 42},
        {"note": {}},
        {"reason": {"text": "x"}},
        {"reason_codes": "NOT_COVERED"},
        {"reason_codes": [{"code": "NOT_COVERED"}]},
        {"reason_codes": {}},
        {"reason_code": 7},
    ],
)
def test_a_note_or_reasons_that_are_not_text_are_refused(
    api: Api, engine: Engine, body: dict[str, Any]
) -> None:
    p = api.policy()
    n = api.report(p["policy_number"])["claim_number"]
    before = _written(engine, n)
    r = api.act("handler", n, "reject", body, status=422)
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"
    assert _written(engine, n) == before


def test_request_documents_refuses_doc_types_that_are_not_a_list_of_strings(api: Api) -> None:
    p = api.policy()
    n = api.report(p["policy_number"])["claim_number"]
    api.act("handler", n, "accept")
    for bad in ({"doc_types": "policy"}, {"doc_types": [1]}, {"doc_types": {}}):
        assert api.act("handler", n, "request_documents", bad, status=422).status_code == 422
