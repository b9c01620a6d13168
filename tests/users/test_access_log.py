"""Reads of personal data are recorded (claim detail in the API and the workbench, the policy API), and
auditors and admins can query who read what, filtered and paginated."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_helpers import Api, page_login
from claimops.clock import local_date, utcnow
from factories import PASSWORD, make_user


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def bearer(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def log(api: Api, user: str = "auditor", **params: Any) -> dict[str, Any]:
    return api.ok(api.get(user, "/access-log", params=params))


def test_reads_of_a_claim_and_a_policy_are_recorded(api: Api, client: TestClient, engine: Engine) -> None:
    reader = make_user(engine, "reviewer")
    policy = api.policy()
    number = api.report(policy["policy_number"])["claim_number"]
    headers = bearer(client, reader)
    assert client.get(f"/api/v1/claims/{number}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/policies/{policy['policy_number']}", headers=headers).status_code == 200
    client.cookies.clear()
    page_login(client, reader)
    assert client.get(f"/claims/{number}").status_code == 200
    client.cookies.clear()
    # a read that fails records nothing
    assert client.get("/api/v1/claims/CL-NONE", headers=headers).status_code == 404

    mine = log(api, username=reader)
    assert mine["total"] == 3
    got = [(i["what"], i["claim_number"], i["policy_number"]) for i in mine["items"]]
    assert got == [  # newest first
        ("claim.page", number, None),
        ("policy.api", None, policy["policy_number"]),
        ("claim.api", number, None),
    ]
    assert {i["username"] for i in mine["items"]} == {reader}
    assert {i["address"] for i in mine["items"]} == {"testclient"}

    by_claim = log(api, "admin", claim_number=number, username=reader)
    assert [i["what"] for i in by_claim["items"]] == ["claim.page", "claim.api"]
    assert log(api, policy_number=policy["policy_number"], username=reader)["total"] == 1


def test_the_access_log_is_paginated_and_filtered_by_date(
    api: Api, client: TestClient, engine: Engine
) -> None:
    reader = make_user(engine, "reviewer")
    number = api.report(api.policy()["policy_number"])["claim_number"]
    headers = bearer(client, reader)
    for _ in range(3):
        client.get(f"/api/v1/claims/{number}", headers=headers)
    first = log(api, username=reader, page_size=2)
    second = log(api, username=reader, page_size=2, page=2)
    assert first["total"] == second["total"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    today = local_date(utcnow())
    assert log(api, username=reader, date_from=today.isoformat(), date_to=today.isoformat())["total"] == 3
    assert log(api, username=reader, date_to=(today - timedelta(days=1)).isoformat())["total"] == 0
    assert log(api, username=reader, date_from="1900-01-01", date_to="2999-12-31")["total"] == 3
    r = api.get("auditor", "/access-log", params={"date_from": "0001-01-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize("role", ["handler", "reviewer", "manager", "finance"])
def test_only_auditors_and_admins_read_the_access_log(api: Api, role: str) -> None:
    r = api.get(role, "/access-log")
    assert r.status_code == 403 and r.json()["error"]["code"] == "ROLE_FORBIDDEN"
