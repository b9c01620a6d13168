"""The team, training and drill endpoints; the claims API refuses a sandbox number; who sees what."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from api_helpers import Api
from claimops.claims.models import ClaimEvent
from claimops.notifications.models import OutboxMessage
from claimops.payments.models import Payment
from claimops.surveys.models import SurveyInvitation
from claimops.team.drills.models import Drill, DrillAttempt
from factories import PASSWORD, make_user


def _login(client: TestClient, username: str) -> dict[str, str]:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def _counts(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [
            conn.scalar(select(func.count(m.id))) or 0
            for m in (Drill, DrillAttempt, ClaimEvent, Payment, OutboxMessage, SurveyInvitation)
        ]


def test_a_sandbox_claim_cannot_be_paid_moved_or_read_as_a_claim(
    client: TestClient, tokens: dict[str, dict[str, str]], engine: Engine
) -> None:
    api = Api(client, tokens)
    number = api.paid_and_closed("8000.00")
    built = client.post("/api/v1/drills", json={"claim_number": number}, headers=tokens["manager"])
    assert built.status_code == 201, built.text
    sbx = built.json()["number"]
    assert sbx.startswith("SBX-")
    before = _counts(engine)
    pay = client.post(
        f"/api/v1/claims/{sbx}/payments",
        json={"method": "bank_transfer", "payee": {"name": "某人"}},
        headers={**tokens["finance"], "Idempotency-Key": f"sbx-{sbx}"},
    )
    close = client.post(f"/api/v1/claims/{sbx}/close", json={}, headers=tokens["finance"])
    read = client.get(f"/api/v1/claims/{sbx}", headers=tokens["manager"])
    for r in (pay, close, read):
        assert r.status_code == 409 and r.json()["error"]["code"] == "SANDBOX_CLAIM", r.text
    assert _counts(engine) == before


def test_a_drill_from_an_open_claim_is_refused_by_the_api(
    client: TestClient, tokens: dict[str, dict[str, str]], engine: Engine
) -> None:
    api = Api(client, tokens)
    number = api.report(api.policy()["policy_number"])["claim_number"]
    before = _counts(engine)
    r = client.post("/api/v1/drills", json={"claim_number": number}, headers=tokens["manager"])
    assert r.status_code == 409 and r.json()["error"]["code"] == "DRILL_SOURCE_NOT_CLOSED"
    assert _counts(engine) == before


def test_a_lead_sees_their_team_and_a_person_their_own_record(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    lead = make_user(client.app.state.engine, role="team_lead")  # type: ignore[attr-defined]
    member = make_user(client.app.state.engine, role="handler")  # type: ignore[attr-defined]
    other = make_user(client.app.state.engine, role="handler")  # type: ignore[attr-defined]
    team = f"team-{lead}"
    assert (
        client.post(
            "/api/v1/team/teams", json={"name": team, "lead": lead}, headers=tokens["admin"]
        ).status_code
        == 201
    )
    lead_h = _login(client, lead)
    added = client.post(
        f"/api/v1/team/teams/{team}/members",
        json={"username": member, "joined_on": "2026-01-05"},
        headers=lead_h,
    )
    assert added.status_code == 201, added.text
    mine = client.get("/api/v1/team/teams?period=2026-Q2", headers=lead_h).json()
    assert [t["name"] for t in mine["teams"]] == [team]
    assert [p["username"] for p in mine["teams"][0]["people"]] == [member]
    person = client.get(f"/api/v1/team/people/{member}?period=2026-Q2", headers=lead_h)
    assert person.status_code == 200 and person.json()["figures"]["dispute_rate"] is None
    assert (
        client.get(f"/api/v1/team/people/{other}", headers=lead_h).json()["error"]["code"] == "NOT_YOUR_TEAM"
    )
    member_h = _login(client, member)
    assert client.get(f"/api/v1/team/people/{member}", headers=member_h).status_code == 200
    assert client.get(f"/api/v1/team/people/{other}", headers=member_h).status_code == 403


def test_schedule_enrol_and_score_through_the_api(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    h = tokens["manager"]
    code = f"FRAUD-{datetime.now(UTC).timestamp():.0f}"
    assert (
        client.post(
            "/api/v1/training/courses",
            json={"code": code, "title": "反欺诈识别", "kind": "professional", "minutes": 90},
            headers=h,
        ).status_code
        == 201
    )
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    sid = client.post(
        "/api/v1/training/sessions", json={"course": code, "starts_at": past, "trainer": "李老师"}, headers=h
    ).json()["id"]
    assert (
        client.post(
            f"/api/v1/training/sessions/{sid}/enrolments", json={"usernames": ["handler"]}, headers=h
        ).status_code
        == 201
    )
    twice = client.post(
        f"/api/v1/training/sessions/{sid}/enrolments", json={"usernames": ["handler"]}, headers=h
    )
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "ALREADY_ENROLLED"
    bad = client.post(
        f"/api/v1/training/sessions/{sid}/results",
        json={"username": "handler", "attended": True, "score": 150},
        headers=h,
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "SCORE_OUT_OF_SCALE"
    ok = client.post(
        f"/api/v1/training/sessions/{sid}/results",
        json={"username": "handler", "attended": True, "score": 75},
        headers=h,
    )
    assert ok.json() == {"username": "handler", "attended": True, "score": 75, "passed": True}
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/training/sessions", "/api/v1/drills", "/api/v1/team/teams"} <= set(schema["paths"])
