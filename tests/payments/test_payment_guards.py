"""The database holds the money promise by itself (migration 0004), and its refusal is a 409."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
import test_payments_api
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from test_payments_api import payments_of

from api_helpers import Api, simultaneous_payments
from claimops.claims.models import Claim, Decision
from claimops.payments.guards import REFUSAL, first_overpaid_claim
from claimops.payments.models import Payment

live_server = test_payments_api.live_server  # the app on a real socket (PostgreSQL)


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def _ids(engine: Engine, number: str) -> tuple[int, int]:
    """(claim id, current decision id)."""
    with Session(engine) as s:
        cid = s.scalar(select(Claim.id).where(Claim.claim_number == number))
        did = s.scalar(select(Decision.id).where(Decision.claim_id == cid, Decision.current))
        assert cid is not None and did is not None
        return cid, did


def _refused(engine: Engine, statement: Callable[[Session], object]) -> str:
    """The database's error message for `statement`, which must be refused."""
    with Session(engine) as s:
        with pytest.raises(IntegrityError) as exc:
            statement(s)
            s.flush()
        s.rollback()
    return str(exc.value.orig)


def _payment(claim_id: int, decision_id: int, amount: str, key: str) -> dict[str, object]:
    return {
        "claim_id": claim_id,
        "decision_id": decision_id,
        "idempotency_key": key,
        "request_hash": "x",
        "amount": Decimal(amount),
        "method": "bank_transfer",
        "payee_name": "张三",
        "paid_at": text("CURRENT_TIMESTAMP"),
    }


def test_the_database_refuses_payments_above_the_approved_total(api: Api, engine: Engine) -> None:
    n = api.paid_and_closed("8000.00")
    api.act("reviewer", n, "reopen")
    api.act("reviewer2", n, "decide", {"outcome": "approved", "assessed_loss": "8000.00"})
    cid, did = _ids(engine, n)
    # a second 8,000 for the new decision, written past the service: the trigger refuses it
    message = _refused(
        engine, lambda s: s.execute(insert(Payment).values(**_payment(cid, did, "8000.00", f"x-{n}")))
    )
    assert REFUSAL in message
    # a payment for another claim's decision, a zero payment: refused too
    other = api.paid_and_closed("100.00")
    ocid, _ = _ids(engine, other)
    assert REFUSAL in _refused(
        engine, lambda s: s.execute(insert(Payment).values(**_payment(ocid, did, "1.00", f"y-{n}")))
    )
    assert "amount_positive" in _refused(
        engine, lambda s: s.execute(insert(Payment).values(**_payment(cid, did, "0.00", f"z-{n}")))
    )
    assert payments_of(engine, n) == 1
    with engine.connect() as conn:
        assert first_overpaid_claim(conn) is None


def test_the_database_refuses_a_decision_whose_payable_does_not_balance(api: Api, engine: Engine) -> None:
    n = api.paid_and_closed("8000.00")
    _, did = _ids(engine, n)
    assert "payable_balances" in _refused(
        engine,
        lambda s: s.execute(update(Decision).where(Decision.id == did).values(payable=Decimal("9000"))),
    )
    assert "amounts_not_negative" in _refused(
        engine,
        lambda s: s.execute(
            update(Decision)
            .where(Decision.id == did)
            .values(paid_before=Decimal("10000"), payable=Decimal("-2000"), recovery=Decimal("0"))
        ),
    )


def test_a_refusal_by_the_database_is_a_409_and_pays_nothing(api: Api, engine: Engine) -> None:
    # The service's own checks read the claim's paid amount and the decision's figures. If those
    # rows had drifted (here: written past the service), the database still refuses to overpay.
    n = api.paid_and_closed("10000.00", sum_insured="100000.00")
    api.act("reviewer", n, "reopen")
    pending = api.act(
        "reviewer2",
        n,
        "decide",
        {"outcome": "partial", "assessed_loss": "9000.00", "reason_codes": ["AMOUNT_ADJUSTED"]},
    )
    assert pending["amounts"]["recovery"] == "1000.00" and pending["status"] == "decided"
    api.act("handler", n, "close")
    api.act("reviewer", n, "reopen")
    d = api.act("reviewer2", n, "decide", {"outcome": "approved", "assessed_loss": "10000.00"})
    assert d["status"] == "decided" and d["amounts"]["payable"] == "0.00"
    cid, did = _ids(engine, n)
    with Session(engine) as s, s.begin():
        s.execute(
            update(Claim).where(Claim.id == cid).values(paid_amount=Decimal("0"), status="payment_pending")
        )
        s.execute(
            update(Decision)
            .where(Decision.id == did)
            .values(paid_before=Decimal("0"), payable=Decimal("10000"), recovery=Decimal("0"))
        )
    r = api.pay(n, f"drift-{n}")
    assert r.status_code == 409 and r.json()["error"]["code"] == "PAYMENT_ABOVE_APPROVED"
    assert payments_of(engine, n) == 1


@pytest.mark.parametrize("same_key", [False, True])
def test_simultaneous_payments_of_a_supplementary_decision_pay_the_difference_once(
    api: Api,
    engine: Engine,
    live_server: str,
    tokens: dict[str, dict[str, str]],
    same_key: bool,
) -> None:
    n = api.paid_and_closed("8000.00")
    api.act("reviewer", n, "reopen")
    d = api.act("reviewer2", n, "decide", {"outcome": "approved", "assessed_loss": "8000.00"})
    assert d["status"] == "decided"
    p = api.policy(deductible="0.00", coinsurance_rate="0")
    m = api.report(p["policy_number"], claimed_amount="9000.00")["claim_number"]
    api.act("handler", m, "accept")
    api.upload_all(m)
    api.act("reviewer", m, "start_review")
    api.act(
        "reviewer",
        m,
        "decide",
        {"outcome": "partial", "assessed_loss": "6000.00", "reason_codes": ["AMOUNT_ADJUSTED"]},
    )
    api.ok(api.pay(m, f"first-{m}"), 201)
    api.act("handler", m, "close")
    api.act("reviewer", m, "reopen")
    assert (
        api.act("reviewer2", m, "decide", {"outcome": "approved", "assessed_loss": "9000.00"})["amounts"][
            "payable"
        ]
        == "3000.00"
    )
    # half at the claim with nothing to pay, half at the one with 3,000
    numbers = [m if i % 2 else n for i in range(20)]
    keys = [f"same-{x}" if same_key else f"k{i}-{x}" for i, x in enumerate(numbers)]
    codes = simultaneous_payments(live_server, tokens["finance"], list(zip(numbers, keys, strict=True)))
    answers = list(zip(numbers, codes, strict=True))
    assert {code for number, code in answers if number == n} == {409}
    to_m = sorted(code for number, code in answers if number == m)
    assert to_m == ([201] * 10 if same_key else [201] + [409] * 9)
    assert payments_of(engine, n) == 1 and payments_of(engine, m) == 2
    assert api.ok(api.get("finance", f"/claims/{m}"))["paid_amount"] == "9000.00"
    with engine.connect() as conn:
        assert first_overpaid_claim(conn) is None
