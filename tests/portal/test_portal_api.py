"""The portal through its API: tokens of one kind open nothing of the other; one-time codes are hashed,
used once and rate limited (every endpoint tried with another customer's ids: test_portal_isolation)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from claimops.claims.models import Claim
from claimops.db import unit_of_work
from claimops.notifications.models import OutboxMessage
from claimops.portal.models import OneTimeCode
from factories import PDF
from portal.conftest import Claimant, claimant_without_account, portal_report

P = "/api/v1/portal"


def test_staff_and_customer_tokens_do_not_cross(
    client: TestClient, tokens: dict[str, dict[str, str]], two_claimants: tuple[Claimant, Claimant]
) -> None:
    a, _ = two_claimants
    staff = tokens["manager"]
    assert client.get(f"{P}/claims", headers=staff).status_code == 401
    assert client.get(f"{P}/policies", headers=staff).status_code == 401
    for path in (
        "/api/v1/claims",
        "/api/v1/me",
        "/api/v1/surveys/results",
        "/api/v1/notifications/log",
        "/api/v1/claims/CL2099010100000000/messages",  # the handler's side of the conversation
    ):
        r = client.get(path, headers=a.headers)
        assert r.status_code == 401, (path, r.text)
    # the cookie of a customer opens no staff page either
    r = client.get(
        "/claims/new",
        cookies={"claimops_token": a.headers["Authorization"].split()[1]},
        follow_redirects=False,
    )
    assert r.status_code in (302, 303, 401)


def test_logout_revokes_the_token_on_the_server(
    client: TestClient, two_claimants: tuple[Claimant, Claimant]
) -> None:
    a, _ = two_claimants
    assert client.get(f"{P}/claims", headers=a.headers).status_code == 200
    assert client.post(f"{P}/auth/logout", headers=a.headers).status_code == 204
    r = client.get(f"{P}/claims", headers=a.headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_REVOKED"


def _code_for(engine: Engine, claim_number: str) -> str:
    with unit_of_work(engine) as s:
        row = s.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "code").order_by(OutboxMessage.id.desc())
        ).first()
        assert row is not None
        return "".join(ch for ch in row.body if ch.isdigit())[:6]


def test_claim_number_and_one_time_code(
    client: TestClient, engine: Engine, tokens: dict[str, dict[str, str]]
) -> None:
    c, number = claimant_without_account(client, engine, tokens["handler"])
    # the same answer for a claim that exists and one that does not
    sent = client.post(f"{P}/auth/code", json={"claim_number": number})
    unknown = client.post(f"{P}/auth/code", json={"claim_number": "CL2099010100000001"})
    assert sent.status_code == unknown.status_code == 202 and sent.json() == unknown.json()
    code = _code_for(engine, number)
    with unit_of_work(engine) as s:
        stored = s.scalars(
            select(OneTimeCode.code_hash).join(Claim).where(Claim.claim_number == number)
        ).all()
    assert stored and code not in stored[0]  # only the hash is kept
    wrong = client.post(
        f"{P}/auth/code/token",
        json={"claim_number": number, "code": "000000" if code != "000000" else "111111"},
    )
    guessed = client.post(f"{P}/auth/code/token", json={"claim_number": "CL2099010100000001", "code": code})
    assert wrong.status_code == guessed.status_code == 401 and wrong.json() == guessed.json()
    ok = client.post(f"{P}/auth/code/token", json={"claim_number": number, "code": code})
    assert ok.status_code == 200, ok.text
    headers = {"Authorization": f"Bearer {ok.json()['access_token']}"}
    assert [x["claim_number"] for x in client.get(f"{P}/claims", headers=headers).json()] == [number]
    again = client.post(f"{P}/auth/code/token", json={"claim_number": number, "code": code})
    assert again.status_code == 401  # used once


def test_guessing_codes_is_rate_limited_alike_for_any_claim_number(client: TestClient) -> None:
    def guess(number: str) -> list[int]:
        return [
            client.post(f"{P}/auth/code/token", json={"claim_number": number, "code": f"{i:06d}"}).status_code
            for i in range(6)
        ]

    assert guess("CL2099010100000002") == [401] * 5 + [429]


def test_wrong_password_refused_and_nothing_stored(
    client: TestClient, engine: Engine, two_claimants: tuple[Claimant, Claimant]
) -> None:
    a, _ = two_claimants
    r = client.post(f"{P}/auth/token", json={"email": a.email, "password": "wrong-password"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "PORTAL_SIGN_IN_FAILED"
    r = client.post(f"{P}/auth/token", json={"email": "nobody@example.com", "password": "wrong-password"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "PORTAL_SIGN_IN_FAILED"


def test_report_upload_and_messages_reach_the_handler(
    client: TestClient,
    engine: Engine,
    tokens: dict[str, dict[str, str]],
    two_claimants: tuple[Claimant, Claimant],
) -> None:
    a, _ = two_claimants
    number = portal_report(client, a).json()["claim_number"]
    detail = client.get(f"{P}/claims/{number}", headers=a.headers).json()
    assert detail["claim"]["status"] == "reported"
    assert all(item["guidance"] for item in detail["checklist"])
    r = client.post(
        f"{P}/claims/{number}/documents",
        headers=a.headers,
        data={"doc_type": "policy"},
        files={"file": ("p.pdf", PDF)},
    )
    assert r.status_code == 201, r.text
    bad = client.post(
        f"{P}/claims/{number}/documents",
        headers=a.headers,
        data={"doc_type": "x-ray"},
        files={"file": ("p.pdf", PDF)},
    )
    assert bad.status_code == 422
    assert (
        client.post(
            f"{P}/claims/{number}/messages", headers=a.headers, json={"body": "请问还需要什么材料？"}
        ).status_code
        == 201
    )
    staff = client.get(f"/api/v1/claims/{number}/messages", headers=tokens["handler"]).json()
    assert [m["body"] for m in staff if m["sender"] == "customer"] == ["请问还需要什么材料？"]
    assert (
        client.post(
            f"/api/v1/claims/{number}/messages", headers=tokens["handler"], json={"body": "请上传驾驶证"}
        ).status_code
        == 201
    )
    mine = client.get(f"{P}/claims/{number}/messages", headers=a.headers).json()
    assert [m["body"] for m in mine if m["sender"] != "system"] == ["请问还需要什么材料？", "请上传驾驶证"]
    # the report wrote its notice to the outbox in the same transaction
    with unit_of_work(engine) as s:
        kinds = s.scalars(
            select(OutboxMessage.channel)
            .join(Claim, Claim.id == OutboxMessage.claim_id)
            .where(Claim.claim_number == number, OutboxMessage.kind == "claim_received")
        ).all()
    assert sorted(kinds) == ["email", "portal"]
