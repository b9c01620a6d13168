"""Bad input is a 4xx in the error shape and stores nothing: out-of-range numbers, dates and periods,
report dates, tokens without a subject, LIKE wildcards, policy numbers that cannot be a path."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from api_helpers import Api
from claimops.claims.models import Claim
from claimops.config import Settings
from claimops.users.security import ALGORITHM
from factories import RISK_SCORER, claim_json, make_policy, policy_json, staff_actor

REPORTS = ["summary", "claims", "payments", "timings", "decisions", "backlog", "handlers", "trend", "deck"]


@pytest.fixture
def api(client: TestClient, tokens: dict[str, dict[str, str]]) -> Api:
    return Api(client, tokens)


def claims_on(engine: Engine, policy_number: str) -> int:
    from claimops.policies.models import Policy

    with Session(engine) as s:
        stmt = (
            select(func.count())
            .select_from(Claim)
            .join(Policy, Policy.id == Claim.policy_id)
            .where(Policy.policy_number == policy_number)
        )
        return s.scalar(stmt) or 0


def assert_4xx(r: Any, code: str | None = None, status: int = 422) -> None:
    assert r.status_code == status, r.text
    assert set(r.json()["error"]) >= {"code", "message"}
    if code:
        assert r.json()["error"]["code"] == code, r.text


@pytest.mark.parametrize(
    "params",
    [
        {"page": "9223372036854775807"},
        {"page": str(10**30)},
        {"page_size": "9223372036854775808"},
        {"reported_from": "0001-01-01"},
        {"reported_to": "9999-12-31"},
        {"incident_from": "0001-01-01"},
        {"incident_to": "9999-12-31"},
    ],
)
def test_claim_list_refuses_numbers_and_dates_out_of_range(api: Api, params: dict[str, str]) -> None:
    assert_4xx(api.get("reviewer", "/claims", params=params), "VALIDATION_ERROR")


def test_the_queue_page_ignores_numbers_and_dates_out_of_range(client: TestClient) -> None:
    from api_helpers import web_login

    web_login(client, "reviewer")
    for params in (
        {"page": "9223372036854775807"},
        {"page": "9" * 5000},
        {"reported_from": "0001-01-01", "reported_to": "9999-12-31", "scope": "all"},
    ):
        assert client.get("/", params=params).status_code == 200
    client.cookies.clear()


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize(
    "params",
    [
        {"period": "9999-Q4"},
        {"period": "0001-Q1"},
        {"period": "0000"},
        {"period": "9999-12"},
        {"period": "0001-H1"},
        {"start": "0001-01-01", "end": "0001-03-31"},
        {"start": "2026-01-01", "end": "9999-12-31"},
    ],
)
def test_reports_refuse_periods_out_of_range(api: Api, report: str, params: dict[str, str]) -> None:
    r = api.get("manager", f"/reports/{report}", params=params)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] in ("INVALID_PERIOD", "VALIDATION_ERROR")


@pytest.mark.parametrize("period", ["1900-Q1", "2999-Q4"])
def test_the_first_and_last_years_are_reported(api: Api, period: str) -> None:
    assert api.ok(api.get("manager", "/reports/summary", params={"period": period}))["period"] == period


def test_the_dashboard_explains_a_period_out_of_range(client: TestClient) -> None:
    from api_helpers import web_login

    web_login(client, "manager")
    for period in ("9999-Q4", "0001-Q1"):
        r = client.get("/dashboard", params={"period": period})
        assert r.status_code == 200 and "out of range" in r.text
    client.cookies.clear()


def _at(days_ago: int) -> str:
    return (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"reported_at": "0001-01-01T00:00:00Z", "incident_date": "0001-01-01"}, "VALIDATION_ERROR"),
        ({"reported_at": "0001-06-01T00:00:00Z"}, "VALIDATION_ERROR"),
        ({"reported_at": "1900-01-02T00:00:00Z", "incident_date": "1900-01-01"}, "REPORTED_BEFORE_POLICY"),
        ({"incident_date": "9999-12-31"}, "VALIDATION_ERROR"),
        # the policy runs from 2 years ago: a report dated 400 days back needs a reason
        (
            {"reported_at": _at(400), "incident_date": (date.today() - timedelta(days=401)).isoformat()},
            "LATE_REPORT_REASON_REQUIRED",
        ),
        (
            {
                "reported_at": _at(400),
                "incident_date": (date.today() - timedelta(days=401)).isoformat(),
                "late_report_reason": "   ",
            },
            "LATE_REPORT_REASON_REQUIRED",
        ),
    ],
)
def test_report_dates_are_bounded(api: Api, engine: Engine, overrides: dict[str, str], code: str) -> None:
    p = api.policy(effective_from=(date.today() - timedelta(days=730)).isoformat())
    r = api.post("handler", "/claims", json=claim_json(p["policy_number"], **overrides))
    assert_4xx(r, code)
    assert claims_on(engine, p["policy_number"]) == 0


def test_a_late_report_with_a_reason_is_taken_and_the_reason_kept(
    session: Session, settings: Settings
) -> None:
    # through the service, rolled back: a claim reported 400 days ago would move shared KPI figures
    from claimops.claims.schemas import ReportIn
    from claimops.claims.service import report_claim

    now = datetime.now(UTC)
    policy = make_policy(session, effective_from=(date.today() - timedelta(days=730)).isoformat())
    cmd = ReportIn(
        policy_number=policy.policy_number,
        incident_date=date.today() - timedelta(days=401),
        claimed_amount=Decimal("800.00"),
        reported_at=now - timedelta(days=400),
        late_report_reason=" 电话报案，系统故障后补录 ",
    )
    actor = staff_actor(session, "handler")
    claim = report_claim(
        session=session, actor=actor, cmd=cmd, now=now, settings=settings, risk_scorer=RISK_SCORER
    )
    report = claim.events[0]
    assert report.note == "电话报案，系统故障后补录"
    assert report.data["late_report_reason"] == "电话报案，系统故障后补录"
    assert claim.reported_at == now - timedelta(days=400)


def _token(settings: Settings, **claims: Any) -> str:
    payload = {"role": "handler", "exp": datetime.now(UTC) + timedelta(minutes=5), **claims}
    return jwt.encode(payload, settings.resolved_secret_key, algorithm=ALGORITHM)


@pytest.mark.parametrize("claims", [{}, {"sub": ""}, {"sub": {"name": "handler"}}, {"sub": ["handler"]}])
def test_a_signed_token_without_a_subject_is_refused(
    client: TestClient, settings: Settings, claims: dict[str, Any]
) -> None:
    token = _token(settings, **claims)
    r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert_4xx(r, "INVALID_TOKEN", status=401)
    client.cookies.set("claimops_token", token)
    try:
        page = client.get("/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"] == "/login"
    finally:
        client.cookies.clear()


def test_like_wildcards_in_the_search_are_searched_as_themselves(api: Api) -> None:
    api.report(api.policy()["policy_number"])
    for q in ("%", "_", "%%", "\\"):
        page = api.ok(api.get("reviewer", "/claims", params={"q": q}))
        assert page["total"] == 0, q
    # an ordinary search still finds its claim
    number = api.report(api.policy()["policy_number"])["claim_number"]
    assert api.ok(api.get("reviewer", "/claims", params={"q": number}))["total"] == 1


@pytest.mark.parametrize("number", ["P/1", "..", ".hidden", "P 1", "P?1", "P#1", "P%1", "保单1"])
def test_policy_numbers_that_cannot_be_a_path_segment_are_refused(api: Api, number: str) -> None:
    assert_4xx(api.post("handler", "/policies", json=policy_json(policy_number=number)), "VALIDATION_ERROR")


def test_policy_numbers_of_letters_digits_dash_underscore_and_dot_are_routable(api: Api) -> None:
    number = f"{policy_json()['policy_number']}_v1.2"
    api.ok(api.post("handler", "/policies", json=policy_json(policy_number=number)), 201)
    assert api.ok(api.get("handler", f"/policies/{number}"))["policy_number"] == number


@pytest.mark.parametrize(
    "dates",
    [{"effective_from": "0001-01-01"}, {"effective_to": "9999-12-31"}],
)
def test_policy_terms_out_of_range_are_refused(api: Api, dates: dict[str, str]) -> None:
    assert_4xx(api.post("handler", "/policies", json=policy_json(**dates)), "VALIDATION_ERROR")
