from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import Api
from claimops.claims.models import Claim, ClaimEvent
from claimops.policies.models import Policy
from factories import claim_json, policy_json


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def count(engine: Engine, model: type, **where: object) -> int:
    with Session(engine) as s:
        stmt = select(func.count()).select_from(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return s.scalar(stmt) or 0


def test_login_and_errors_for_bad_credentials(client: TestClient) -> None:
    r = client.post("/api/v1/auth/token", data={"username": "handler", "password": "wrong"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "BAD_CREDENTIALS"
    r = client.get("/api/v1/claims")
    assert r.status_code == 401 and r.json()["error"]["code"] == "NOT_AUTHENTICATED"
    r = client.get("/api/v1/claims", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "INVALID_TOKEN"


def test_policy_roundtrip_masks_personal_data(api: Api) -> None:
    p = api.policy()
    got = api.ok(api.get("auditor", f"/policies/{p['policy_number']}"))
    assert got["holder"]["id_number"] == "110101********7719"
    assert got["holder"]["phone"] == "138****5678"
    assert got["sum_insured"] == "100000.00" and got["remaining_limit"] == "100000.00"
    assert api.get("auditor", "/policies/NOPE").json()["error"]["code"] == "POLICY_NOT_FOUND"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"coinsurance_rate": "1.5"}, "coinsurance_rate"),
        ({"coinsurance_rate": -0.1}, "coinsurance_rate"),
        ({"sum_insured": "-100"}, "sum_insured"),
        ({"sum_insured": "abc"}, "sum_insured"),
        ({"line": "marine"}, "line"),
        ({"effective_to": "2020-01-01"}, ""),
    ],
)
def test_bad_policy_input_is_422_with_fields_and_stores_nothing(
    api: Api, engine: Engine, overrides: dict[str, object], field: str
) -> None:
    body = policy_json(**overrides)
    r = api.post("handler", "/policies", json=body)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["code"] == "VALIDATION_ERROR" and err["message"]
    assert any(f["field"] == field for f in err["details"]["fields"])
    assert count(engine, Policy, policy_number=body["policy_number"]) == 0


def test_duplicate_policy_is_409(api: Api) -> None:
    p = api.policy()
    r = api.post("handler", "/policies", json=policy_json(policy_number=p["policy_number"]))
    assert r.status_code == 409 and r.json()["error"]["code"] == "POLICY_EXISTS"


def test_report_returns_claim_with_checklist_and_findings(api: Api) -> None:
    p = api.policy()
    c = api.report(p["policy_number"])
    assert c["status"] == "reported" and c["claim_number"].startswith("CL")
    assert c["events"][0]["action"] == "report" and c["events"][0]["to_status"] == "reported"
    required = {i["doc_type"] for i in c["checklist"] if i["required"]}
    assert required == {
        "policy",
        "id_card",
        "driving_licence",
        "accident_report",
        "repair_estimate",
        "photos",
    }
    assert all(not i["received"] for i in c["checklist"])
    assert "CHECKLIST_INCOMPLETE" in {f["code"] for f in c["findings"]}
    assert c["claimant"] == "张*"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"claimed_amount": "-5"}, "VALIDATION_ERROR"),
        ({"claimed_amount": "abc"}, "VALIDATION_ERROR"),
        ({"claimed_amount": "0"}, "VALIDATION_ERROR"),
        ({"incident_date": (date.today() + timedelta(days=2)).isoformat()}, "INCIDENT_IN_FUTURE"),
        ({"incident_date": "2026-01-10", "reported_at": "2026-01-05T08:00:00Z"}, "INCIDENT_AFTER_REPORT"),
    ],
)
def test_bad_claim_input_is_4xx_and_stores_nothing(
    api: Api, engine: Engine, overrides: dict[str, object], code: str
) -> None:
    p = api.policy(effective_from="2025-06-01")
    before = count(engine, Claim)
    r = api.post("handler", "/claims", json=claim_json(p["policy_number"], **overrides))
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error"]["code"] == code
    assert count(engine, Claim) == before


def test_unknown_policy_is_404_and_stores_nothing(api: Api, engine: Engine) -> None:
    before = count(engine, Claim)
    r = api.post("handler", "/claims", json=claim_json("NO-SUCH-POLICY"))
    assert r.status_code == 404 and r.json()["error"]["code"] == "POLICY_NOT_FOUND"
    assert count(engine, Claim) == before


def test_full_lifecycle_with_events_and_timings(api: Api) -> None:
    number = api.to_payment_pending(amount="8500.00")
    claim = api.ok(api.get("manager", f"/claims/{number}"))
    # (8,500 − 500) × 0.9 = 7,200.00
    assert claim["decision"]["approved_amount"] == "7200.00"
    assert claim["decision"]["outcome"] == "approved"
    assert claim["decision"]["decided_by"] == "reviewer"
    pay = api.post(
        "finance",
        f"/claims/{number}/payments",
        json={"method": "bank_transfer", "payee": {"name": "张三", "account": "6222020200112233445"}},
        headers={"Idempotency-Key": f"k-{number}"},
    )
    assert pay.status_code == 201, pay.text
    assert pay.json()["amount"] == "7200.00"
    assert pay.json()["payee"]["account"].endswith("3445") and "6222" not in pay.json()["payee"]["account"]
    closed = api.act("handler", number, "close", full=True)
    assert closed["status"] == "closed"
    assert [e["to_status"] for e in closed["events"]] == [
        "reported",
        "accepted",
        "under_review",
        "decided",
        "payment_pending",
        "paid",
        "closed",
    ]
    assert [e["seq"] for e in closed["events"]] == list(range(1, 8))
    assert closed["timing"]["handling_days"] is not None
    assert closed["paid_amount"] == "7200.00"
    assert closed["missing_documents"] == []


def test_illegal_action_is_409_naming_state_and_allowed(api: Api, engine: Engine) -> None:
    p = api.policy()
    c = api.report(p["policy_number"])
    r = api.act(
        "reviewer", c["claim_number"], "decide", {"outcome": "approved", "assessed_loss": "100"}, status=409
    )
    err = r.json()["error"]
    assert err["code"] == "ILLEGAL_TRANSITION"
    assert "reported" in err["message"] and "accept" in err["message"]
    with Session(engine) as s:
        cid = s.scalar(select(Claim.id).where(Claim.claim_number == c["claim_number"]))
        assert s.scalar(select(func.count()).select_from(ClaimEvent).where(ClaimEvent.claim_id == cid)) == 1


def test_unknown_action_and_claim_are_404(api: Api) -> None:
    p = api.policy()
    c = api.report(p["policy_number"])
    assert (
        api.act("handler", c["claim_number"], "teleport", status=404).json()["error"]["code"]
        == "UNKNOWN_ACTION"
    )
    assert api.get("handler", "/claims/CL000").json()["error"]["code"] == "CLAIM_NOT_FOUND"


def test_roles_are_enforced(api: Api) -> None:
    p = api.policy()
    r = api.post("auditor", "/claims", json=claim_json(p["policy_number"]))
    assert r.status_code == 403 and r.json()["error"]["code"] == "ROLE_FORBIDDEN"
    c = api.report(p["policy_number"])
    assert api.act("finance", c["claim_number"], "accept", status=403).status_code == 403


def test_reject_withdraw_and_reopen(api: Api) -> None:
    p = api.policy()
    c1 = api.report(p["policy_number"])
    rejected = api.act(
        "handler", c1["claim_number"], "reject", {"reason_codes": ["NOT_COVERED"], "note": "不属于保险责任"}
    )
    assert rejected["status"] == "rejected" and rejected["allowed_actions"] == []
    c2 = api.report(p["policy_number"], incident_date=(date.today() - timedelta(days=5)).isoformat())
    api.act("handler", c2["claim_number"], "accept")
    assert api.act("handler", c2["claim_number"], "withdraw")["status"] == "withdrawn"


def test_denial_then_close_and_reopen(api: Api) -> None:
    p = api.policy()
    n = api.report(p["policy_number"])["claim_number"]
    api.act("handler", n, "accept")
    api.act("reviewer", n, "start_review")
    r = api.act("reviewer", n, "decide", {"outcome": "denied", "assessed_loss": "0"}, status=422)
    assert r.json()["error"]["code"] == "REASON_REQUIRED"
    d = api.act(
        "reviewer", n, "decide", {"outcome": "denied", "assessed_loss": "0", "reason_codes": ["EXCLUSION"]}
    )
    assert d["status"] == "decided" and d["amounts"]["approved_amount"] == "0.00"
    assert api.act("handler", n, "close")["status"] == "closed"
    reopened = api.act("reviewer", n, "reopen", {"note": "客户补充新证据"}, full=True)
    assert (
        reopened["status"] == "under_review"
        and reopened["reopen_count"] == 1
        and reopened["decision"] is None
    )


def test_incident_outside_policy_period_is_denied_not_in_force(api: Api) -> None:
    p = api.policy(effective_from="2024-01-01", effective_to="2024-12-31")
    n = api.report(p["policy_number"], incident_date="2025-03-01")["claim_number"]
    api.act("handler", n, "accept")
    review = api.act("reviewer", n, "start_review", full=True)
    assert "POLICY_NOT_IN_FORCE" in {f["code"] for f in review["findings"]}
    d = api.act("reviewer", n, "decide", {"outcome": "approved", "assessed_loss": "8500"})
    assert d["outcome"] == "denied" and d["event"]["data"]["outcome"] == "denied"
    assert d["event"]["data"]["reason_codes"] == ["POLICY_NOT_IN_FORCE"]


def test_decision_above_authority_needs_an_approver(api: Api) -> None:
    p = api.policy(sum_insured="900000.00")
    n = api.report(p["policy_number"], claimed_amount="200000.00")["claim_number"]
    api.act("handler", n, "accept")
    api.upload_all(n)
    api.act("reviewer", n, "start_review")
    d = api.act("reviewer", n, "decide", {"outcome": "approved", "assessed_loss": "200000.00"})
    assert d["status"] == "decided" and d["event"]["data"]["requires_approval"] is True
    assert api.act("reviewer2", n, "approve", status=403).status_code == 403  # a reviewer is not an approver
    approved = api.act("approver", n, "approve", full=True)
    assert approved["status"] == "payment_pending" and approved["decision"]["approved_by"] == "approver"
    queue = api.ok(api.get("approver", "/claims", params={"queue": "true"}))
    assert n not in {c["claim_number"] for c in queue["items"]}


def test_list_filters_and_pagination(api: Api) -> None:
    p = api.policy(line="health")
    numbers = {
        api.report(p["policy_number"], incident_date=(date.today() - timedelta(days=i + 1)).isoformat())[
            "claim_number"
        ]
        for i in range(3)
    }
    page = api.ok(
        api.get("manager", "/claims", params={"line": "health", "q": p["policy_number"], "page_size": 2})
    )
    assert page["total"] == 3 and len(page["items"]) == 2
    page2 = api.ok(
        api.get(
            "manager",
            "/claims",
            params={"line": "health", "q": p["policy_number"], "page_size": 2, "page": 2},
        )
    )
    assert {c["claim_number"] for c in page["items"] + page2["items"]} == numbers
    none = api.ok(api.get("manager", "/claims", params={"line": "auto", "q": p["policy_number"]}))
    assert none["total"] == 0
    r = api.get("manager", "/claims", params={"status": "flying"})
    assert r.status_code == 422


def test_english_labels_on_request(api: Api) -> None:
    p = api.policy()
    c = api.report(p["policy_number"])
    en = api.ok(api.get("handler", f"/claims/{c['claim_number']}", params={"lang": "en"}))
    assert {i["label"] for i in en["checklist"]} >= {"Policy", "Photos"}
    zh = api.ok(api.get("handler", f"/claims/{c['claim_number']}"))
    assert {i["label"] for i in zh["checklist"]} >= {"保险单", "现场/损失照片"}


def test_openapi_lists_the_contract(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/policies",
        "/api/v1/claims",
        "/api/v1/claims/{claim_number}/{action}",
        "/api/v1/claims/{claim_number}/documents",
        "/api/v1/claims/{claim_number}/payments",
    ):
        assert path in paths
