"""Investigations through the API, the CLI's service and the claim page: open, notes and evidence,
finish with a conclusion; every refusal has the error shape and writes nothing; KPIs by line and trigger."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import Api, web_login
from claimops.investigations.models import Investigation, InvestigationNote


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def count(engine: Engine, model: type, **where: object) -> int:
    with Session(engine) as s:
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return s.scalar(stmt) or 0


def refused(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]


def claim(api: Api, amount: str = "8500.00") -> str:
    p = api.policy()
    return str(api.report(p["policy_number"], claimed_amount=amount)["claim_number"])


def start(api: Api, number: str, **over: Any) -> dict[str, Any]:
    body = {"claim_number": number, "trigger": "score", "reason": "风险评分 0.91", "risk_score": 0.91}
    body.update(over)
    return api.ok(api.post("handler", "/investigations", json=body), 201)


def test_open_note_finish_and_read_back(api: Api, engine: Engine) -> None:
    number = claim(api)
    inv = start(api, number, findings=["HIGH_RISK_SCORE"], investigator="reviewer")
    assert (
        inv["status"] == "open"
        and inv["investigator"] == "reviewer"
        and inv["findings"] == ["HIGH_RISK_SCORE"]
    )
    note = api.ok(
        api.post("reviewer", f"/investigations/{inv['id']}/notes", json={"text": "走访修理厂"}), 201
    )
    assert note["text"] == "走访修理厂"
    done = api.ok(
        api.post(
            "reviewer",
            f"/investigations/{inv['id']}/finish",
            json={
                "conclusion": "fraud_confirmed",
                "reason_codes": ["INFLATED_AMOUNT"],
                "amount_saved": "3000.00",
            },
        )
    )
    assert done["status"] == "closed" and done["conclusion"] == "fraud_confirmed"
    assert done["amount_saved"] == "3000.00" and [n["text"] for n in done["notes"]] == ["走访修理厂"]
    listed = api.ok(api.get("auditor", "/investigations", params={"claim_number": number}))
    assert [i["id"] for i in listed] == [inv["id"]]
    # a finished investigation takes no more notes, and a second conclusion is refused
    refused(
        api.post("reviewer", f"/investigations/{inv['id']}/notes", json={"text": "x"}),
        409,
        "INVESTIGATION_CLOSED",
    )
    again = {"conclusion": "not_confirmed", "reason_codes": ["NO_EVIDENCE"]}
    refused(
        api.post("reviewer", f"/investigations/{inv['id']}/finish", json=again), 409, "INVESTIGATION_CLOSED"
    )
    # the claim may be investigated again once the first is finished
    start(api, number, trigger="referral")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"conclusion": ""}, 422, "CONCLUSION_REQUIRED"),
        ({"conclusion": "maybe", "reason_codes": ["OTHER"]}, 422, "CONCLUSION_UNKNOWN"),
        ({"conclusion": "fraud_confirmed", "reason_codes": []}, 422, "CONCLUSION_REASON_REQUIRED"),
        (
            {"conclusion": "fraud_confirmed", "reason_codes": ["NO_EVIDENCE"]},
            422,
            "CONCLUSION_REASON_REQUIRED",
        ),
        ({"conclusion": "inconclusive", "reason_codes": ["NOPE"]}, 422, "REASON_CODE_UNKNOWN"),
        (
            {"conclusion": "not_confirmed", "reason_codes": ["DOCUMENTS_VERIFIED"], "amount_saved": "1.00"},
            422,
            "AMOUNT_INVALID",
        ),
        (
            {"conclusion": "fraud_confirmed", "reason_codes": ["STAGED_INCIDENT"], "amount_saved": "9000.00"},
            422,
            "AMOUNT_INVALID",
        ),
    ],
)
def test_finish_refusals_write_nothing(
    api: Api, engine: Engine, body: dict[str, Any], status: int, code: str
) -> None:
    inv = start(api, claim(api))
    refused(api.post("reviewer", f"/investigations/{inv['id']}/finish", json=body), status, code)
    assert count(engine, Investigation, id=inv["id"], status="open") == 1


def test_start_refusals_write_nothing(api: Api, engine: Engine) -> None:
    number = claim(api)
    before = count(engine, Investigation)
    refused(api.post("handler", "/investigations", json={"claim_number": "NOPE-1"}), 404, "CLAIM_NOT_FOUND")
    refused(
        api.post("handler", "/investigations", json={"claim_number": number, "trigger": "x"}),
        422,
        "TRIGGER_UNKNOWN",
    )
    body = {"claim_number": number, "investigator": "nobody"}
    refused(api.post("handler", "/investigations", json=body), 422, "INVESTIGATOR_UNKNOWN")
    body = {"claim_number": number, "assessor_id": 2_000_000_000}
    refused(api.post("handler", "/investigations", json=body), 422, "PROVIDER_UNKNOWN")
    refused(api.post("auditor", "/investigations", json={"claim_number": number}), 403, "ROLE_FORBIDDEN")
    assert count(engine, Investigation) == before
    inv = start(api, number)
    refused(api.post("handler", "/investigations", json={"claim_number": number}), 409, "INVESTIGATION_OPEN")
    refused(
        api.post("handler", "/investigations/2000000000/notes", json={"text": "x"}),
        404,
        "INVESTIGATION_NOT_FOUND",
    )
    other = claim(api)
    doc = _upload(api, other)
    body2 = {"text": "照片", "document_id": doc}
    refused(
        api.post("handler", f"/investigations/{inv['id']}/notes", json=body2), 422, "DOCUMENT_NOT_ON_CLAIM"
    )
    assert count(engine, InvestigationNote, investigation_id=inv["id"]) == 0
    own = _upload(api, number)
    api.ok(
        api.post("handler", f"/investigations/{inv['id']}/notes", json={"text": "照片", "document_id": own}),
        201,
    )


def _upload(api: Api, number: str) -> int:
    from factories import PNG

    r = api.post(
        "handler", f"/claims/{number}/documents", data={"doc_type": "photos"}, files={"file": ("p.png", PNG)}
    )
    return int(api.ok(r, 201)["id"])


def test_kpis_by_line_and_trigger(api: Api) -> None:
    today = date.today()
    period = f"{today.year}-{today.month:02d}"
    before = api.ok(api.get("manager", "/investigations/kpis", params={"period": period}))
    a = start(api, claim(api), trigger="rule")
    b = start(api, claim(api), trigger="rule")
    fin = {"conclusion": "fraud_confirmed", "reason_codes": ["FALSE_DOCUMENTS"], "amount_saved": "500.00"}
    api.ok(api.post("reviewer", f"/investigations/{a['id']}/finish", json=fin))
    fin = {"conclusion": "not_confirmed", "reason_codes": ["DOCUMENTS_VERIFIED"]}
    api.ok(api.post("reviewer", f"/investigations/{b['id']}/finish", json=fin))
    after = api.ok(api.get("manager", "/investigations/kpis", params={"period": period}))
    assert after["opened"] - before["opened"] == 2
    assert after["closed"] - before["closed"] == 2
    assert after["confirmed"] - before["confirmed"] == 1
    rule = {g["key"]: g for g in after["by_trigger"]}["rule"]
    rule_before = {g["key"]: g for g in before["by_trigger"]}.get("rule", {"closed": 0, "confirmed": 0})
    assert rule["closed"] - rule_before["closed"] == 2 and rule["confirmed"] - rule_before["confirmed"] == 1
    assert after["hit_rate"] == after["confirmed"] / after["closed"]
    assert float(after["amount_saved"]) - float(before["amount_saved"]) == 500.0


def test_claim_page_section_and_forms(client: TestClient, api: Api, engine: Engine) -> None:
    number = claim(api)
    web_login(client, "reviewer")
    page = client.get(f"/claims/{number}")
    assert page.status_code == 200 and 'id="panel-investigations"' in page.text
    from api_helpers import csrf_in

    token = csrf_in(page.text)
    r = client.post(
        f"/claims/{number}/investigations",
        data={"csrf": token, "trigger": "referral", "reason": "客户多次报案"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    with Session(engine) as s:
        inv = s.scalars(select(Investigation).order_by(Investigation.id.desc())).first()
        assert inv is not None and inv.reason == "客户多次报案"
        inv_id = inv.id
    r = client.post(
        f"/claims/{number}/investigations/{inv_id}/finish",
        data={
            "csrf": token,
            "conclusion": "inconclusive",
            "reason_codes": "CUSTOMER_UNREACHABLE",
            "amount_saved": "0",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    page = client.get(f"/claims/{number}")
    assert "无法认定" in page.text
