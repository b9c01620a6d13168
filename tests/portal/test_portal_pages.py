"""The portal's pages: sign-in by cookie, another customer's claim answered like an unknown one, forms
refused without their CSRF field, and the staff workbench closed to a customer cookie."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.notifications.models import OutboxMessage
from claimops.portal.models import OneTimeCode
from claimops.surveys.models import SurveyResponse
from claimops.users.models import LoginThrottle
from portal.conftest import CUSTOMER_PASSWORD, Claimant, claimant_without_account, invite, portal_report

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
EXPIRED = "表单已过期，请刷新页面后重试"


def form_csrf(c: TestClient, path: str) -> str:
    """The CSRF field of a page (and, for the sign-in and survey pages, the cookie it is bound to)."""
    found = CSRF.search(c.get(path).text)
    assert found is not None, path
    return found[1]


def signed_in(client: TestClient, who: Claimant) -> TestClient:
    c = TestClient(client.app)
    r = c.post(
        "/portal/login",
        data={"email": who.email, "password": CUSTOMER_PASSWORD, "csrf": form_csrf(c, "/portal/login")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/portal"
    return c


def test_pages_keep_customers_apart(client: TestClient, two_claimants: tuple[Claimant, Claimant]) -> None:
    a, b = two_claimants
    ca, cb = signed_in(client, a), signed_in(client, b)
    page = ca.get("/portal/report")
    csrf = CSRF.search(page.text)
    assert csrf is not None and a.policy_number in page.text and b.policy_number not in page.text
    form = {
        "csrf": csrf[1],
        "policy_number": a.policy_number,
        "incident_date": (date.today() - timedelta(days=1)).isoformat(),
        "claimed_amount": "1500",
    }
    assert ca.post("/portal/report", data={**form, "csrf": "forged"}).status_code == 403
    r = ca.post("/portal/report", data=form, follow_redirects=False)
    assert r.status_code == 303
    number = r.headers["location"].rsplit("/", 1)[1]
    assert ca.get(f"/portal/claims/{number}").status_code == 200
    theirs = cb.get(f"/portal/claims/{number}")
    unknown = cb.get("/portal/claims/CL2099010100000009")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.text.replace(number, "") == unknown.text.replace("CL2099010100000009", "")
    csrf_b = CSRF.search(cb.get("/portal").text)
    assert csrf_b is not None
    posted = cb.post(f"/portal/claims/{number}/messages", data={"csrf": csrf_b[1], "body": "hi"})
    assert posted.status_code == 404
    # B reporting on A's policy is refused alike
    assert cb.post("/portal/report", data={**form, "csrf": csrf_b[1]}).status_code == 404


def test_no_cookie_goes_to_the_portal_sign_in_and_a_customer_cookie_opens_no_staff_page(
    client: TestClient, two_claimants: tuple[Claimant, Claimant]
) -> None:
    a, _ = two_claimants
    anonymous = TestClient(client.app)
    r = anonymous.get("/portal", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/portal/login"
    ca = signed_in(client, a)
    for path in ("/", "/dashboard", "/surveys", "/claims/new"):
        staff = ca.get(path, follow_redirects=False)
        assert staff.status_code in (303, 401), path
    wrong = anonymous.post(
        "/portal/login",
        data={"email": a.email, "password": "nope-nope", "csrf": form_csrf(anonymous, "/portal/login")},
    )
    assert wrong.status_code == 401 and "登录信息不正确" in wrong.text


def _throttled(engine: Engine, email: str) -> int:
    with unit_of_work(engine) as s:
        return int(
            s.scalar(select(func.count()).select_from(LoginThrottle).where(LoginThrottle.key == email)) or 0
        )


def test_the_password_sign_in_needs_its_login_csrf_token(
    client: TestClient, engine: Engine, two_claimants: tuple[Claimant, Claimant]
) -> None:
    a, _ = two_claimants
    me, elsewhere = TestClient(client.app), TestClient(client.app)
    page = me.get("/portal/login")
    assert page.status_code == 200 and len(CSRF.findall(page.text)) == 2  # account form, code request
    token = CSRF.search(page.text)[1]  # type: ignore[index]
    # a page elsewhere: no token, a forged one, or one of another browser (bound to its own cookie)
    for sent in ({}, {"csrf": "forged"}, {"csrf": form_csrf(elsewhere, "/portal/login")}):
        for password in (CUSTOMER_PASSWORD, "nope-nope"):
            r = me.post(
                "/portal/login", data={"email": a.email, "password": password, **sent}, follow_redirects=False
            )
            assert r.status_code == 403 and EXPIRED in r.text, sent
            assert "claimops_portal" not in r.cookies and CSRF.search(r.text) is not None
    assert _throttled(engine, a.email) == 0  # nothing written: not even a failed attempt counted
    r = me.post(
        "/portal/login",
        data={"email": a.email, "password": CUSTOMER_PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and me.get("/portal").status_code == 200


def test_the_code_request_and_sign_in_need_their_login_csrf_token(
    client: TestClient, engine: Engine, tokens: dict[str, dict[str, str]]
) -> None:
    c, number = claimant_without_account(client, engine, tokens["handler"])

    def codes() -> tuple[int, int]:
        with unit_of_work(engine) as s:
            stored = s.scalar(
                select(func.count()).select_from(OneTimeCode).where(OneTimeCode.customer_id == c.customer_id)
            )
            sent = s.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.customer_id == c.customer_id, OutboxMessage.kind == "code")
            )
        return int(stored or 0), int(sent or 0)

    me = TestClient(client.app)
    token = form_csrf(me, "/portal/login")
    for sent in ({}, {"csrf": "forged"}):
        refused = me.post("/portal/code", data={"claim_number": number, **sent})
        assert refused.status_code == 403 and EXPIRED in refused.text
    assert codes() == (0, 0)  # no code made, none sent
    asked = me.post("/portal/code", data={"claim_number": number, "csrf": token})
    assert asked.status_code == 200 and 'action="/portal/login-code"' in asked.text
    assert len(CSRF.findall(asked.text)) == 3 and codes()[0] == 1
    with unit_of_work(engine) as s:
        body = s.scalars(
            select(OutboxMessage.body).where(
                OutboxMessage.customer_id == c.customer_id, OutboxMessage.kind == "code"
            )
        ).first()
    code = "".join(ch for ch in body or "" if ch.isdigit())[:6]
    refused = me.post(
        "/portal/login-code", data={"claim_number": number, "code": code}, follow_redirects=False
    )
    assert refused.status_code == 403 and EXPIRED in refused.text and "claimops_portal" not in refused.cookies
    # the code was not spent by the refused post: it still signs in, with the token
    ok = me.post(
        "/portal/login-code",
        data={"claim_number": number, "code": code, "csrf": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303 and number in me.get("/portal").text


def test_the_survey_form_needs_its_csrf_token(
    client: TestClient, engine: Engine, settings: Settings, two_claimants: tuple[Claimant, Claimant]
) -> None:
    a, _ = two_claimants
    number = portal_report(client, a).json()["claim_number"]
    invitation_id, token = invite(engine, number, settings)
    link = f"/portal/survey/{token}"

    def answered() -> int:
        with unit_of_work(engine) as s:
            return int(
                s.scalar(
                    select(func.count())
                    .select_from(SurveyResponse)
                    .where(SurveyResponse.invitation_id == invitation_id)
                )
                or 0
            )

    me = TestClient(client.app)
    token = form_csrf(me, link)
    refused = me.post(link, data={"overall": "4", "comment": "还行"})
    assert refused.status_code == 403 and EXPIRED in refused.text and 'name="overall"' in refused.text
    assert answered() == 0
    done = me.post(link, data={"overall": "4", "comment": "还行", "csrf": token})
    assert done.status_code == 200 and answered() == 1
