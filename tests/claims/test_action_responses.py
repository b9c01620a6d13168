"""Lifecycle actions and payments answer the light shape (what the step did); the full claim view is
one ?view=full or GET away, and both encodings agree to the character."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api_helpers import PAYEE, Api


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


LIGHT = {"claim_number", "status", "outcome", "event", "new_events", "allowed_actions", "amounts"}


def test_an_action_answers_its_step_and_the_full_view_agrees(api: Api) -> None:
    p = api.policy()
    number = api.report(p["policy_number"], claimed_amount="8500.00")["claim_number"]
    accepted = api.act("handler", number, "accept")
    assert set(accepted) == LIGHT
    assert accepted["status"] == "accepted" and accepted["outcome"] is None and accepted["amounts"] == {}
    assert accepted["new_events"] == [accepted["event"]]
    full = api.ok(api.get("handler", f"/claims/{number}"))
    # the same event and next actions as the full view, encoded alike (times as ...Z, money as text)
    assert accepted["event"] == full["events"][-1]
    assert accepted["event"]["at"].endswith("Z") and accepted["event"]["seq"] == 2
    assert accepted["allowed_actions"] == full["allowed_actions"]


def test_decide_shows_both_events_and_the_amounts_it_set(api: Api) -> None:
    number = api.to_payment_pending(amount="8500.00")
    full = api.ok(api.get("handler", f"/claims/{number}"))
    assert [e["action"] for e in full["events"][-2:]] == ["decide", "release"]
    # decide again is refused, so re-read the decision's answer from a fresh claim
    p = api.policy()
    n = api.report(p["policy_number"], claimed_amount="8500.00")["claim_number"]
    api.act("handler", n, "accept")
    api.upload_all(n)
    api.act("reviewer", n, "start_review")
    body = {"outcome": "approved", "assessed_loss": "8500.00", "payment_method": "bank_transfer"}
    decided = api.act("reviewer", n, "decide", body)
    after = api.ok(api.get("handler", f"/claims/{n}"))
    assert decided["new_events"] == after["events"][-2:]
    assert decided["event"]["action"] == "release" and decided["status"] == "payment_pending"
    assert decided["outcome"] == "approved"
    # (8,500 − 500) × 0.9 = 7,200.00
    assert decided["amounts"] == {
        "assessed_loss": "8500.00",
        "approved_amount": "7200.00",
        "payable": "7200.00",
        "recovery": "0.00",
    }
    assert decided["allowed_actions"] == after["allowed_actions"]


def test_view_full_is_the_claim_as_get_shows_it(api: Api) -> None:
    p = api.policy()
    number = api.report(p["policy_number"])["claim_number"]
    full = api.act("handler", number, "accept", full=True)
    assert full == api.ok(api.get("handler", f"/claims/{number}"))
    assert "checklist" in full and "events" in full


def test_report_answers_light_on_request(api: Api) -> None:
    p = api.policy()
    r = api.post("handler", "/claims?view=light", json={**_report(p["policy_number"])})
    light = api.ok(r, 201)
    assert set(light) == LIGHT and light["status"] == "reported"
    assert light["event"]["action"] == "report" and light["amounts"] == {"claimed_amount": "1200.00"}
    full = api.ok(api.get("handler", f"/claims/{light['claim_number']}"))
    assert light["event"] == full["events"][0]


def _report(policy_number: str) -> dict[str, str]:
    from factories import claim_json

    return dict(claim_json(policy_number, claimed_amount="1200.00"))


def test_a_payment_answers_its_step_and_a_replay_answers_the_same(api: Api) -> None:
    number = api.to_payment_pending(amount="8500.00")
    first = api.pay(number, f"light-{number}")
    assert first.status_code == 201, first.text
    paid = first.json()
    assert paid["amount"] == "7200.00" and paid["status"] == "paid" and paid["claim_status"] == "paid"
    assert paid["event"]["action"] == "pay" and paid["event"]["data"]["payment_id"] == paid["payment_id"]
    assert paid["amounts"] == {"amount": "7200.00", "paid_amount": "7200.00", "payable": "0.00"}
    full = api.ok(api.get("finance", f"/claims/{number}"))
    assert paid["event"] == full["events"][-1] and paid["allowed_actions"] == full["allowed_actions"]
    assert "claim" not in paid or paid["claim"] is None
    # the claim moves on; the same key still answers the first body, and says it is a replay
    api.act("handler", number, "close")
    again = api.pay(number, f"light-{number}")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == paid
    assert "Idempotent-Replayed" not in first.headers


def test_a_payment_with_view_full_carries_the_claim(api: Api) -> None:
    number = api.to_payment_pending(amount="8500.00")
    r = api.post(
        "finance",
        f"/claims/{number}/payments?view=full",
        json=PAYEE,
        headers={"Idempotency-Key": f"full-{number}"},
    )
    body = api.ok(r, 201)
    assert body["claim"]["status"] == "paid" and len(body["claim"]["payments"]) == 1
    assert body["claim"]["payments"][0]["payment_id"] == body["payment_id"]


def test_openapi_documents_both_shapes(api: Api) -> None:
    spec = api.c.get("/api/v1/openapi.json")
    if spec.status_code == 404:
        spec = api.c.get("/openapi.json")
    doc = spec.json()
    schemas = doc["components"]["schemas"]
    assert {"ActionOut", "PaymentResultOut"} <= set(schemas)
    act = doc["paths"]["/api/v1/claims/{claim_number}/{action}"]["post"]
    assert any(p["name"] == "view" for p in act["parameters"])
    shapes = act["responses"]["200"]["content"]["application/json"]["schema"]["anyOf"]
    assert [s["$ref"].rsplit("/", 1)[1].rsplit("__", 1)[-1] for s in shapes] == ["ActionOut", "ClaimOut"]
    pay = doc["paths"]["/api/v1/claims/{claim_number}/payments"]["post"]["responses"]["201"]
    assert pay["content"]["application/json"]["schema"]["$ref"].endswith("/PaymentResultOut")
