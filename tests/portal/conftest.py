from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

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
    from sqlalchemy import select

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


@pytest.fixture
def two_claimants(
    client: TestClient, engine: Engine, tokens: dict[str, dict[str, str]]
) -> tuple[Claimant, Claimant]:
    return make_claimant(client, engine, tokens["handler"]), make_claimant(client, engine, tokens["handler"])


__all__ = ["PASSWORD"]
