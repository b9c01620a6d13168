from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import PAYEE, Api, serving, simultaneous_payments
from claimops.claims.models import Claim
from claimops.config import Settings
from claimops.payments.models import Payment


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def payments_of(engine: Engine, number: str) -> int:
    with Session(engine) as s:
        return (
            s.scalar(
                select(func.count())
                .select_from(Payment)
                .join(Claim, Claim.id == Payment.claim_id)
                .where(Claim.claim_number == number)
            )
            or 0
        )


def test_same_key_returns_same_payment_and_second_payment_is_409(api: Api, engine: Engine) -> None:
    n = api.to_payment_pending()
    first = api.post("finance", f"/claims/{n}/payments", json=PAYEE, headers={"Idempotency-Key": f"a-{n}"})
    again = api.post("finance", f"/claims/{n}/payments", json=PAYEE, headers={"Idempotency-Key": f"a-{n}"})
    assert first.status_code == 201 and again.status_code == 201
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert first.json() == again.json()
    other = api.post("finance", f"/claims/{n}/payments", json=PAYEE, headers={"Idempotency-Key": f"b-{n}"})
    assert other.status_code == 409 and other.json()["error"]["code"] == "ALREADY_PAID"
    assert payments_of(engine, n) == 1


def test_key_reused_with_a_different_body_is_409(api: Api) -> None:
    n = api.to_payment_pending()
    api.ok(
        api.post("finance", f"/claims/{n}/payments", json=PAYEE, headers={"Idempotency-Key": f"c-{n}"}), 201
    )
    body = {**PAYEE, "payee": {"name": "李四"}}
    r = api.post("finance", f"/claims/{n}/payments", json=body, headers={"Idempotency-Key": f"c-{n}"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


def test_missing_key_is_422_and_pays_nothing(api: Api, engine: Engine) -> None:
    n = api.to_payment_pending()
    r = api.post("finance", f"/claims/{n}/payments", json=PAYEE)
    assert r.status_code == 422 and r.json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert payments_of(engine, n) == 0


def test_four_eyes_the_decider_may_not_release(api: Api, engine: Engine) -> None:
    n = api.to_payment_pending()
    r = api.post("manager", f"/claims/{n}/payments", json=PAYEE, headers={"Idempotency-Key": f"m-{n}"})
    assert r.status_code == 201  # a manager who did not decide may release
    p = api.policy()
    n2 = api.report(p["policy_number"])["claim_number"]
    api.act("manager", n2, "accept")
    api.upload_all(n2)
    api.act("manager", n2, "start_review")
    api.act("manager", n2, "decide", {"outcome": "approved", "assessed_loss": "8500.00"})
    r = api.post("manager", f"/claims/{n2}/payments", json=PAYEE, headers={"Idempotency-Key": f"m-{n2}"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "FOUR_EYES"
    assert payments_of(engine, n2) == 0


def test_payment_never_exceeds_the_approved_amount(api: Api, engine: Engine) -> None:
    n = api.to_payment_pending()
    r = api.post(
        "finance",
        f"/claims/{n}/payments",
        json={**PAYEE, "amount": "999999.00"},
        headers={"Idempotency-Key": f"x-{n}"},
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "AMOUNT_NOT_APPROVED"
    assert payments_of(engine, n) == 0


def test_payment_of_an_unpaid_claim_in_review_is_409(api: Api) -> None:
    p = api.policy()
    n = api.report(p["policy_number"])["claim_number"]
    r = api.post("finance", f"/claims/{n}/payments", json=PAYEE, headers={"Idempotency-Key": f"r-{n}"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "ILLEGAL_TRANSITION"


def test_unknown_payment_method_is_422(api: Api) -> None:
    n = api.to_payment_pending()
    r = api.post(
        "finance",
        f"/claims/{n}/payments",
        json={**PAYEE, "method": "bitcoin"},
        headers={"Idempotency-Key": f"u-{n}"},
    )
    assert r.status_code == 422


def test_direct_payment_alias(api: Api) -> None:
    n = api.to_payment_pending()
    r = api.post(
        "finance",
        f"/claims/{n}/payments",
        json={"method": "直赔", "payee": "北京协和医院"},
        headers={"Idempotency-Key": f"d-{n}"},
    )
    assert r.status_code == 201 and r.json()["method"] == "direct_to_provider"
    assert r.json()["payee"]["name"] == "北京协和医院"


@pytest.fixture
def live_server(engine: Engine, settings: Settings, backend: str):  # type: ignore[no-untyped-def]
    """The app on a real socket so that concurrent requests really run in parallel."""
    if backend != "postgresql":
        pytest.skip("the concurrency test is specified for PostgreSQL (SQLite serialises writers)")
    from claimops.app import create_app

    with serving(create_app(settings, engine)) as url:
        yield url


@pytest.mark.parametrize("same_key", [False, True])
def test_twenty_simultaneous_payments_pay_exactly_once(
    api: Api, engine: Engine, live_server: str, tokens: dict[str, dict[str, str]], same_key: bool
) -> None:
    n = api.to_payment_pending()
    keys = [f"same-{n}" if same_key else f"k{i}-{n}" for i in range(20)]
    codes = simultaneous_payments(live_server, tokens["finance"], [(n, key) for key in keys])
    assert payments_of(engine, n) == 1
    if same_key:
        assert codes == [201] * 20
    else:
        assert sorted(codes) == [201] + [409] * 19
    claim = api.ok(api.get("finance", f"/claims/{n}"))
    assert claim["status"] == "paid" and len(claim["payments"]) == 1
    assert [e["to_status"] for e in claim["events"]].count("paid") == 1
