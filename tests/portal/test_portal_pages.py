"""The portal's pages: sign-in by cookie, another customer's claim answered like an unknown one, forms
refused without their CSRF field, and the staff workbench closed to a customer cookie."""

from __future__ import annotations

import re
from datetime import date, timedelta

from fastapi.testclient import TestClient

from portal.conftest import CUSTOMER_PASSWORD, Claimant

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def signed_in(client: TestClient, who: Claimant) -> TestClient:
    c = TestClient(client.app)
    r = c.post(
        "/portal/login", data={"email": who.email, "password": CUSTOMER_PASSWORD}, follow_redirects=False
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
    wrong = anonymous.post("/portal/login", data={"email": a.email, "password": "nope-nope"})
    assert wrong.status_code == 401 and "登录信息不正确" in wrong.text
