"""A reopened claim's new decision is supplementary: it is paid only what it adds to what was paid."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from test_payments_api import payments_of

from api_helpers import Api


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def _redecide(api: Api, number: str, assessed: str, **extra: object) -> dict[str, object]:
    assert api.act("reviewer", number, "reopen", {"note": "客户补充新证据"})["status"] == "under_review"
    return api.act(  # type: ignore[no-any-return]
        "reviewer2", number, "decide", {"outcome": "approved", "assessed_loss": assessed, **extra}
    )


def test_issue_8_reopened_claim_paid_8000_is_never_paid_16000(api: Api, engine: Engine) -> None:
    n = api.paid_and_closed("8000.00")
    _redecide(api, n, "8000.00")
    api.pay(n, f"second-{n}")  # refused now; before the fix this paid another 8,000
    claim = api.ok(api.get("finance", f"/claims/{n}"))
    assert claim["paid_amount"] == "8000.00" and payments_of(engine, n) == 1


def test_a_reopened_claim_decided_again_at_the_same_amount_is_not_paid_twice(
    api: Api, engine: Engine
) -> None:
    n = api.paid_and_closed("8000.00")
    decided = _redecide(api, n, "8000.00")
    d = decided["event"]["data"]  # the decision's figures, in its event
    assert (d["approved_amount"], d["paid_before"], d["payable"], d["recovery"]) == (
        "8000.00",
        "8000.00",
        "0.00",
        "0.00",
    )
    # nothing to pay: the claim does not wait for a payment, it can be closed
    assert decided["status"] == "decided" and decided["allowed_actions"] == ["close"]
    r = api.pay(n, f"second-{n}")
    assert r.status_code == 409, r.text
    assert payments_of(engine, n) == 1
    closed = api.act("handler", n, "close", full=True)
    assert closed["status"] == "closed" and closed["paid_amount"] == "8000.00"


def test_a_higher_supplementary_decision_pays_only_the_difference(api: Api, engine: Engine) -> None:
    n = api.paid_and_closed("8000.00")
    decided = _redecide(api, n, "9500.00", note="追加定损：发现隐蔽损伤")
    assert decided["amounts"]["payable"] == "1500.00"
    assert decided["event"]["data"]["requires_approval"] is True  # above the claimed 8,000
    assert api.act("approver", n, "approve")["status"] == "payment_pending"
    r = api.pay(n, f"second-{n}", amount="9500.00")
    assert r.status_code == 422 and r.json()["error"]["code"] == "AMOUNT_NOT_APPROVED"
    paid = api.ok(api.pay(n, f"second-{n}", amount="1500.00"), 201)
    assert paid["amount"] == "1500.00" and paid["amounts"]["paid_amount"] == "9500.00"
    claim = api.ok(api.get("finance", f"/claims/{n}"))
    assert claim["status"] == "paid" and claim["paid_amount"] == "9500.00"
    assert [p["amount"] for p in claim["payments"]] == ["8000.00", "1500.00"]
    assert payments_of(engine, n) == 2


def test_a_lower_supplementary_decision_records_a_recovery_and_pays_nothing(api: Api, engine: Engine) -> None:
    n = api.paid_and_closed("8000.00")
    decided = _redecide(api, n, "5000.00")
    d = decided["amounts"]
    assert (d["approved_amount"], d["payable"], d["recovery"]) == ("5000.00", "0.00", "3000.00")
    event = decided["event"]
    assert event["action"] == "decide"
    assert event["data"]["recovery"] == "3000.00" and event["data"]["payable"] == "0.00"
    assert api.pay(n, f"second-{n}").status_code == 409
    assert api.act("handler", n, "close", full=True)["paid_amount"] == "8000.00"
    assert payments_of(engine, n) == 1


def test_a_supplementary_decision_is_limited_by_the_policy_without_counting_its_own_payment(
    api: Api,
) -> None:
    # sum insured 10,000; the claim has been paid 8,000 of it. A new total of 10,000 is within the
    # limit (2,000 left on top of the claim's own 8,000), not cut to the 2,000 "remaining".
    n = api.paid_and_closed("8000.00", sum_insured="10000.00")
    decided = _redecide(api, n, "10000.00", note="追加定损")
    d = decided["new_events"][0]["data"]  # decide (then release)
    assert (d["outcome"], d["approved_amount"], d["payable"]) == ("approved", "10000.00", "2000.00")
    # and a total above the limit is cut to the limit, not to the limit plus the earlier payment
    n2 = api.paid_and_closed("8000.00", sum_insured="10000.00")
    d2 = _redecide(api, n2, "12000.00", note="追加定损")["new_events"][0]["data"]
    assert (d2["outcome"], d2["approved_amount"], d2["payable"]) == ("partial", "10000.00", "2000.00")
    assert "LIMIT_REACHED" in d2["reason_codes"]
