"""The partners and disputes API: the done-when story and every refusal of "bad input" (the error
shape, and nothing stored)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import Api
from claimops.claims.models import Claim, ClaimEvent, Decision
from claimops.disputes.models import Dispute, DisputeStep
from claimops.partners.models import Agreement, AgreementFee, Assignment

TODAY = date.today()


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


def provider(api: Api, type_: str = "loss_assessor", region: str = "北京", active: bool = True) -> int:
    p = api.ok(
        api.post("partner", "/providers", json={"name": f"测试{type_}", "type": type_, "region": region}), 201
    )
    if active:
        api.ok(api.post("partner", f"/providers/{p['id']}/status", json={"status": "active"}))
    return int(p["id"])


def agreement(api: Api, provider_id: int, **over: Any) -> dict[str, Any]:
    body = {
        "number": f"AG-{provider_id}-{len(over)}-{over.get('start_on', '')}",
        "provider_id": provider_id,
        "scope": "查勘定损",
        "on_site_hours": 4,
        "report_days": 3,
        "fees": {"查勘费": "300.00"},
        "start_on": (TODAY - timedelta(days=30)).isoformat(),
        "end_on": (TODAY + timedelta(days=300)).isoformat(),
    }
    body.update(over)
    return api.ok(api.post("partner", "/agreements", json=body), 201)


def claim(api: Api) -> str:
    p = api.policy()
    return str(api.report(p["policy_number"], claimed_amount="8500.00")["claim_number"])


def investigation(api: Api, number: str, provider_id: int) -> dict[str, Any]:
    body = {"claim_number": number, "provider_id": provider_id, "kind": "investigation"}
    return api.ok(api.post("handler", "/assignments", json=body), 201)


def denied_claim(api: Api) -> str:
    number = claim(api)
    api.act("handler", number, "accept")
    api.act("reviewer", number, "start_review")
    api.act(
        "reviewer",
        number,
        "decide",
        {"outcome": "denied", "assessed_loss": "8500.00", "reason_codes": ["NOT_COVERED"]},
    )
    api.act("handler", number, "close")
    return number


def test_provider_agreement_assignment_visit_and_scorecard(api: Api) -> None:
    pid = provider(api)
    ag = agreement(api, pid)
    assert ag["fees"] == {"查勘费": "300.00"} and ag["expiring"] is False
    number = claim(api)
    a = investigation(api, number, pid)
    assigned = a["assigned_at"]
    v = api.ok(
        api.post(
            "handler",
            f"/assignments/{a['id']}/visit",
            json={"arrived_at": assigned.replace("Z", "+00:00"), "cost": "800.00"},
        )
    )
    assert v["cost"] == "800.00" and v["arrived_at"] is not None
    q = (TODAY.month - 1) // 3 + 1
    card = api.ok(api.get("manager", f"/providers/{pid}/scorecard", params={"period": f"{TODAY.year}-Q{q}"}))
    figures = {f["key"]: f for f in card["figures"]}
    assert figures["on_site"]["value"] == "1.0000" and figures["on_site"]["claims"] == [number]
    assert "satisfaction" in card["missing"] and card["grade"] != "A"
    # handlers do not see scorecards; auditors do
    refused(
        api.get("handler", f"/providers/{pid}/scorecard", params={"period": f"{TODAY.year}-Q{q}"}),
        403,
        "ROLE_FORBIDDEN",
    )
    api.ok(api.get("auditor", f"/providers/{pid}/scorecard", params={"period": f"{TODAY.year}-Q{q}"}))


@pytest.mark.parametrize(
    ("over", "field"),
    [
        ({"start_on": "2026-06-01", "end_on": "2026-05-31"}, ""),
        ({"on_site_hours": -1}, "on_site_hours"),
        ({"report_days": -2}, "report_days"),
        ({"fees": {"查勘费": "-5.00"}}, "fees.查勘费"),
    ],
)
def test_bad_agreements_are_refused_and_store_nothing(
    api: Api, engine: Engine, over: dict[str, Any], field: str
) -> None:
    pid = provider(api)
    body = {
        "number": f"BAD-{pid}",
        "provider_id": pid,
        "start_on": "2026-01-01",
        "end_on": "2026-12-31",
        **over,
    }
    r = api.post("partner", "/agreements", json=body)
    refused(r, 422, "VALIDATION_ERROR")
    assert field in {f["field"] for f in r.json()["error"]["details"]["fields"]} or not field
    assert count(engine, Agreement, provider_id=pid) == 0 and count(engine, AgreementFee) == count(
        engine, AgreementFee
    )


@pytest.mark.parametrize(
    ("setup", "kind", "code"),
    [
        ("suspended", "investigation", "PROVIDER_NOT_ACTIVE"),
        ("terminated", "investigation", "PROVIDER_NOT_ACTIVE"),
        ("no_agreement", "investigation", "NO_CURRENT_AGREEMENT"),
        ("expired", "investigation", "NO_CURRENT_AGREEMENT"),
        ("active", "repair", "PROVIDER_WRONG_TYPE"),
    ],
)
def test_refused_assignments_store_nothing(
    api: Api, engine: Engine, setup: str, kind: str, code: str
) -> None:
    pid = provider(api)
    if setup != "no_agreement":
        past = {"start_on": "2024-01-01", "end_on": "2024-12-31"} if setup == "expired" else {}
        agreement(api, pid, **past)
    if setup in ("suspended", "terminated"):
        api.ok(api.post("partner", f"/providers/{pid}/status", json={"status": setup}))
    number = claim(api)
    r = api.post("handler", "/assignments", json={"claim_number": number, "provider_id": pid, "kind": kind})
    refused(r, 409, code)
    assert count(engine, Assignment, provider_id=pid) == 0
    with Session(engine) as s:
        assert s.scalar(select(Claim.provider_id).where(Claim.claim_number == number)) is None


def test_assignment_and_visit_times_in_the_future_or_before_the_report_are_refused(
    api: Api, engine: Engine
) -> None:
    pid = provider(api)
    agreement(api, pid)
    number = claim(api)
    ahead = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    early = (datetime.now(UTC) - timedelta(days=3)).isoformat()  # in the agreement, before the report
    for at, code in ((ahead, "TIME_IN_FUTURE"), (early, "TIME_BEFORE_REPORT")):
        body = {"claim_number": number, "provider_id": pid, "kind": "investigation", "assigned_at": at}
        refused(api.post("handler", "/assignments", json=body), 422, code)
    assert count(engine, Assignment, provider_id=pid) == 0
    a = investigation(api, number, pid)
    for key in ("arrived_at", "reported_at", "finished_at"):
        r = api.post("handler", f"/assignments/{a['id']}/visit", json={key: ahead, "cost": "10.00"})
        refused(r, 422, "TIME_IN_FUTURE")
    with Session(engine) as s:
        row = s.get(Assignment, a["id"])
        assert row is not None
        assert (row.arrived_at, row.reported_at, row.finished_at, row.cost) == (None, None, None, None)


def test_dispute_refusals_store_nothing(api: Api, engine: Engine) -> None:
    before = count(engine, Dispute)
    body = {"party": "customer", "reason": "amount", "disputed_amount": "5000.00"}
    refused(
        api.post("handler", "/disputes", json={**body, "claim_number": "NO-SUCH"}), 404, "CLAIM_NOT_FOUND"
    )
    withdrawn = claim(api)
    api.act("handler", withdrawn, "withdraw", {"note": "客户撤回"})
    refused(
        api.post("handler", "/disputes", json={**body, "claim_number": withdrawn}), 409, "CLAIM_WITHDRAWN"
    )
    assert count(engine, Dispute) == before
    number = denied_claim(api)
    first = api.ok(api.post("handler", "/disputes", json={**body, "claim_number": number}), 201)
    refused(
        api.post("handler", "/disputes", json={**body, "claim_number": number}), 409, "DISPUTE_ALREADY_OPEN"
    )
    api.ok(api.post("handler", "/disputes", json={**body, "party": "insurer", "claim_number": number}), 201)
    assert count(engine, Dispute) == before + 2
    did = first["id"]
    api.ok(api.post("handler", f"/disputes/{did}/stage", json={"stage": "mediation"}))
    steps = count(engine, DisputeStep, dispute_id=did)
    refused(
        api.post("handler", f"/disputes/{did}/stage", json={"stage": "negotiation"}), 409, "STAGE_BACKWARDS"
    )
    events = count(engine, ClaimEvent)
    r = api.post(
        "reviewer", f"/disputes/{did}/stage", json={"stage": "resolved", "settled_amount": "5000.01"}
    )
    refused(r, 422, "SETTLED_ABOVE_DISPUTED")
    assert count(engine, DisputeStep, dispute_id=did) == steps and count(engine, ClaimEvent) == events
    with Session(engine) as s:
        d = s.get(Dispute, did)
        assert d is not None and d.stage == "mediation" and d.settled_amount is None


def test_dispute_resolved_with_a_supplementary_decision(api: Api, engine: Engine) -> None:
    number = denied_claim(api)
    d = api.ok(
        api.post(
            "handler",
            "/disputes",
            json={
                "claim_number": number,
                "party": "customer",
                "reason": "coverage",
                "disputed_amount": "4000.00",
            },
        ),
        201,
    )
    assert d["decided_amount"] == "0.00" and d["stage"] == "open" and d["stage_due_on"]
    api.ok(api.post("handler", f"/disputes/{d['id']}/stage", json={"stage": "negotiation"}))
    done = api.ok(
        api.post(
            "reviewer",
            f"/disputes/{d['id']}/stage",
            json={"stage": "resolved", "settled_amount": "3000.00", "outcome": "协商一致"},
        )
    )
    assert done["stage"] == "resolved" and done["settled_amount"] == "3000.00"
    assert done["supplementary_decision_id"] is not None
    # the claims core decided again: policy deductible 500, coinsurance 10%: assessed 3000 / 0.9 + 500
    # = 3833.33 -> (3833.33 − 500) × 0.9 = 2999.997 -> 3000.00
    detail = api.ok(api.get("handler", f"/claims/{number}"))
    assert detail["approved_amount"] == "3000.00" and detail["reopen_count"] == 1
    assert [e["action"] for e in detail["events"]][-3:] == ["reopen", "decide", "release"]
    with Session(engine) as s:
        dec = s.get(Decision, done["supplementary_decision_id"])
        assert dec is not None and dec.current and dec.approved_amount == 3000
    assert [s["stage"] for s in done["steps"]] == ["open", "negotiation", "resolved"]


def test_insurer_chain_meetings_and_responsibilities(api: Api, client: TestClient, tokens: Any) -> None:
    code = f"INS{uuid4().hex[:6]}"
    contacts = [
        {"name": "对接人", "phone": "13900000001", "emergency_order": 1, "hours": "09:00-18:00"},
        {"name": "经理", "phone": "13900000002", "emergency_order": 2, "hours": "24小时"},
    ]
    twice = [{**c, "emergency_order": 1} for c in contacts]
    refused(
        api.post("partner", "/insurers", json={"code": code, "name": "测试", "contacts": twice}),
        422,
        "VALIDATION_ERROR",
    )
    ins = api.ok(
        api.post("partner", "/insurers", json={"code": code, "name": "测试", "contacts": contacts}), 201
    )
    assert [c["emergency_order"] for c in ins["contacts"]] == [1, 2]
    assert ins["contacts"][0]["phone"] == "139****0001"  # masked
    refused(api.post("handler", "/insurers", json={"code": code + "x", "name": "x"}), 403, "ROLE_FORBIDDEN")
    m = api.ok(
        api.post(
            "partner",
            f"/insurers/{ins['id']}/meetings",
            json={
                "held_on": "2026-01-10",
                "minutes": "纪要",
                "actions": [{"title": "对账", "owner": "王芳", "due_on": "2026-01-31"}],
            },
        ),
        201,
    )
    assert m["actions"][0]["overdue"] is (date.today() > date(2026, 1, 31))
    done = api.ok(api.post("partner", f"/action-items/{m['actions'][0]['id']}/done"))
    assert done["status"] == "done" and done["overdue"] is False
    r = client.put(
        f"/api/v1/insurers/{ins['id']}/responsibilities",
        headers=tokens["partner"],
        json={"step": "review", "responsible": "理赔部", "within_hours": -1},
    )
    refused(r, 422, "VALIDATION_ERROR")
    r = client.put(
        f"/api/v1/insurers/{ins['id']}/responsibilities",
        headers=tokens["partner"],
        json={"step": "review", "responsible": "理赔部", "approver": "经理", "within_hours": 72},
    )
    assert r.status_code == 200, r.text
    assert api.ok(api.get("auditor", f"/insurers/{ins['id']}/responsibilities"))[0]["within_hours"] == 72
    call = api.post(
        "handler",
        f"/insurers/{ins['id']}/emergency-calls",
        json={"contact_id": ins["contacts"][1]["id"], "called_at": "2026-02-01T08:00:00+08:00"},
    )
    assert call.status_code == 201, call.text


def test_a_customers_dispute_never_lowers_what_the_customer_was_granted(api: Api, engine: Engine) -> None:
    number = api.paid_and_closed(amount="7200.00")
    granted = api.ok(api.get("handler", f"/claims/{number}"))["approved_amount"]
    assert granted == "7200.00"
    before = count(engine, Dispute)
    body = {"claim_number": number, "party": "customer", "reason": "amount"}
    r = api.post("handler", "/disputes", json={**body, "disputed_amount": "5000.00"})
    refused(r, 422, "DISPUTED_BELOW_DECISION")
    assert count(engine, Dispute) == before
    d = api.ok(api.post("handler", "/disputes", json={**body, "disputed_amount": "9000.00"}), 201)
    events = count(engine, ClaimEvent)
    low = {"stage": "resolved", "settled_amount": "7000.00"}
    refused(api.post("reviewer", f"/disputes/{d['id']}/stage", json=low), 422, "SETTLED_BELOW_DECISION")
    assert count(engine, ClaimEvent) == events
    assert api.ok(api.get("handler", f"/claims/{number}"))["approved_amount"] == granted
    # the insurer, on the other hand, may argue the amount down and settle below the decision
    ins = api.ok(
        api.post("handler", "/disputes", json={**body, "party": "insurer", "disputed_amount": "7200.00"}), 201
    )
    done = api.ok(
        api.post("reviewer", f"/disputes/{ins['id']}/stage", json={**low, "settled_amount": "6000.00"})
    )
    assert done["supplementary_decision_id"] is not None
