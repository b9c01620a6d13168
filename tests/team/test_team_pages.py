"""The team, training and drill pages in both languages; refusals shown on the form; nothing stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from api_helpers import Api, csrf_in, web_login
from claimops.team.drills.models import Drill
from claimops.team.training.models import Enrolment


def _page_client(client: TestClient, username: str) -> TestClient:
    c = TestClient(client.app)
    web_login(c, username)
    return c


def test_pages_in_both_languages_and_refusals_on_the_form(
    client: TestClient, tokens: dict[str, dict[str, str]], engine: Engine
) -> None:
    manager = _page_client(client, "manager")
    for lang, word in (("zh", "培训与发展"), ("en", "Training and development")):
        assert word in manager.get(f"/training?lang={lang}").text
    assert "团队与人员" in manager.get("/team?lang=zh").text
    person = manager.get("/team/people/handler?lang=en")  # a person with an authority limit
    assert person.status_code == 200 and "¥10000.00" in person.text and "Training record" in person.text
    h = tokens["manager"]
    code = f"LAW-{datetime.now(UTC).timestamp():.0f}"
    client.post(
        "/api/v1/training/courses",
        json={"code": code, "title": "保险法理赔时效", "kind": "basic", "minutes": 60},
        headers=h,
    )
    future = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    sid = client.post(
        "/api/v1/training/sessions",
        json={"course": code, "starts_at": future, "trainer": "周老师"},
        headers=h,
    ).json()["id"]
    page = manager.get(f"/training/sessions/{sid}?lang=zh")
    manager.post(f"/training/sessions/{sid}/enrol", data={"csrf": csrf_in(page.text), "usernames": "handler"})
    with engine.connect() as conn:
        before = conn.scalar(select(func.count(Enrolment.id)).where(Enrolment.session_id == sid))
    again = manager.post(
        f"/training/sessions/{sid}/enrol", data={"csrf": csrf_in(page.text), "usernames": "handler"}
    )
    assert again.status_code == 409 and "alert error" in again.text
    early = manager.post(
        f"/training/sessions/{sid}/results",
        data={"csrf": csrf_in(page.text), "username": "handler", "attended": "yes", "score": "80"},
    )
    assert early.status_code == 409 and "alert error" in early.text
    with engine.connect() as conn:
        assert conn.scalar(select(func.count(Enrolment.id)).where(Enrolment.session_id == sid)) == before == 1
        assert conn.scalar(select(Enrolment.score).where(Enrolment.session_id == sid)) is None
    api = Api(client, tokens)
    open_claim = api.report(api.policy()["policy_number"])["claim_number"]
    drills = manager.get("/drills")
    with engine.connect() as conn:
        n = conn.scalar(select(func.count(Drill.id)))
    refused = manager.post("/drills", data={"csrf": csrf_in(drills.text), "claim_number": open_claim})
    assert refused.status_code == 409 and "alert error" in refused.text
    with engine.connect() as conn:
        assert conn.scalar(select(func.count(Drill.id))) == n
