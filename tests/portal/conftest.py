from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.portal.service import create_account
from factories import PASSWORD, policy_json

CUSTOMER_PASSWORD = "portal-pass-2026"


def holder() -> dict[str, str]:
    return {
        "name": "李四",
        "id_number": f"1101011985{secrets.randbelow(10**8):08d}",
        "phone": f"139{secrets.randbelow(10**8):08d}",
        "region": "上海",
    }


@dataclass
class Claimant:
    email: str
    policy_number: str
    customer_id: int
    headers: dict[str, str]


def make_claimant(
    client: TestClient, engine: Engine, staff: dict[str, str], account: bool = True
) -> Claimant:
    r = client.post("/api/v1/policies", headers=staff, json=policy_json(holder=holder(), deductible="0.00"))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    from claimops.policies.models import Policy

    with unit_of_work(engine) as session:
        customer_id = session.scalar(
            select(Policy.customer_id).where(Policy.policy_number == body["policy_number"])
        )
        assert customer_id is not None
        email = f"c{secrets.token_hex(4)}@example.com"
        if account:
            create_account(session=session, customer_id=customer_id, email=email, password=CUSTOMER_PASSWORD)
    headers: dict[str, str] = {}
    if account:
        r = client.post("/api/v1/portal/auth/token", json={"email": email, "password": CUSTOMER_PASSWORD})
        assert r.status_code == 200, r.text
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return Claimant(email, body["policy_number"], customer_id, headers)


def claimant_without_account(
    client: TestClient, engine: Engine, staff: dict[str, str]
) -> tuple[Claimant, str]:
    """A claimant who has no portal account, and a claim the desk reported for them (the way in is
    then the claim number and a one-time code)."""
    c = make_claimant(client, engine, staff, account=False)
    r = client.post(
        "/api/v1/claims",
        headers=staff,
        json={
            "policy_number": c.policy_number,
            "incident_date": (date.today() - timedelta(days=2)).isoformat(),
            "claimed_amount": "900.00",
        },
    )
    assert r.status_code == 201, r.text
    return c, r.json()["claim_number"]


def portal_report(client: TestClient, who: Claimant, policy_number: str | None = None) -> Any:
    """A claim reported by the claimant through the portal API (on their policy unless told)."""
    return client.post(
        "/api/v1/portal/claims",
        headers=who.headers,
        json={
            "policy_number": policy_number or who.policy_number,
            "incident_date": (date.today() - timedelta(days=2)).isoformat(),
            "description": "停车时被刮擦",
            "claimed_amount": "3200.00",
        },
    )


def invite(engine: Engine, claim_number: str, settings: Settings) -> tuple[int, str]:
    """An open survey invitation for the claim: its id and its link's token."""
    from claimops.claims.models import Claim
    from claimops.clock import utcnow
    from claimops.surveys.models import SurveyInvitation
    from claimops.surveys.service import survey_token

    with unit_of_work(engine) as s:
        claim = s.scalar(select(Claim).where(Claim.claim_number == claim_number))
        assert claim is not None
        inv = SurveyInvitation(
            claim_id=claim.id,
            customer_id=claim.customer_id,
            trigger="paid",
            channel="online",
            nonce=secrets.token_hex(16),
            sent_at=utcnow(),
            expires_at=utcnow() + timedelta(days=30),
        )
        s.add(inv)
        s.flush()
        return inv.id, survey_token(inv, settings.resolved_secret_key)


@pytest.fixture
def two_claimants(
    client: TestClient, engine: Engine, tokens: dict[str, dict[str, str]]
) -> tuple[Claimant, Claimant]:
    return make_claimant(client, engine, tokens["handler"]), make_claimant(client, engine, tokens["handler"])


__all__ = ["PASSWORD"]
