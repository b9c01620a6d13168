"""Every portal endpoint, API and page, tried by customer B with customer A's ids (policy, claim, the
claim's documents and messages, survey invitation, e-mail, one-time code): refused exactly as an id
that does not exist, nothing written. The list of endpoints is read from the app, so a new portal
endpoint without its case here fails the test."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from claimops.claims.models import Claim
from claimops.config import Settings
from claimops.customers.models import ClaimMessage
from claimops.db import unit_of_work
from claimops.documents.models import Document
from claimops.notifications.models import OutboxMessage
from claimops.surveys.models import SurveyResponse
from factories import PDF
from portal.conftest import CUSTOMER_PASSWORD, Claimant, invite, portal_report

P = "/api/v1/portal"
NO_CLAIM = "CL2099010100000077"
NO_POLICY = "P-NO-SUCH-POLICY-77"
NO_EMAIL = "nobody-77@example.com"
NO_INVITATION = 999_999_977
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class World:
    a: Claimant
    b: Claimant
    claim_a: str
    claim_b: str
    document_a: int
    invitation_a: int
    token_b: str  # B's own survey link
    api: TestClient  # B through the API (bearer), from an address of its own (sign-in throttling)
    pages: TestClient  # B signed in to the portal pages

    def swapped(self, invitation_id: int) -> str:
        """B's link with its invitation id replaced (the nonce and signature stay B's)."""
        return f"{invitation_id}.{self.token_b.split('.', 1)[1]}"

    def csrf(self, path: str) -> str:
        found = CSRF.search(self.pages.get(path).text)
        assert found is not None, path
        return found[1]


@pytest.fixture
def world(
    client: TestClient, engine: Engine, settings: Settings, two_claimants: tuple[Claimant, Claimant]
) -> World:
    a, b = two_claimants
    claim_a = portal_report(client, a).json()["claim_number"]
    claim_b = portal_report(client, b).json()["claim_number"]
    up = client.post(
        f"{P}/claims/{claim_a}/documents",
        headers=a.headers,
        data={"doc_type": "policy"},
        files={"file": ("policy.pdf", PDF)},
    )
    assert up.status_code == 201, up.text
    assert client.post(
        f"{P}/claims/{claim_a}/messages", headers=a.headers, json={"body": "A 的留言"}
    ).is_success
    (invitation_a, _), (_, token_b) = invite(engine, claim_a, settings), invite(engine, claim_b, settings)
    address = (f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}", 50000)
    api, pages = TestClient(client.app, client=address), TestClient(client.app, client=address)
    form = CSRF.search(pages.get("/portal/login").text)
    assert form is not None
    signed = pages.post(
        "/portal/login",
        data={"email": b.email, "password": CUSTOMER_PASSWORD, "csrf": form[1]},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    return World(
        a,
        b,
        claim_a,
        claim_b,
        up.json()["id"],
        invitation_a,
        token_b,
        api,
        pages,
    )


def footprint(engine: Engine, w: World) -> tuple[int, ...]:
    """What B could have written about A: A's documents, messages and survey answers, B's claims."""
    with unit_of_work(engine) as s:
        claim_a = s.scalar(select(Claim.id).where(Claim.claim_number == w.claim_a))

        def count(model: Any, *where: Any) -> int:
            return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)

        return (
            count(Document, Document.claim_id == claim_a),
            count(ClaimMessage, ClaimMessage.claim_id == claim_a),
            count(SurveyResponse, SurveyResponse.invitation_id == w.invitation_a),
            count(Claim, Claim.customer_id == w.b.customer_id),
        )


def code_for(engine: Engine, customer_id: int) -> str:
    with unit_of_work(engine) as s:
        body = s.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.customer_id == customer_id, OutboxMessage.kind == "code")
            .order_by(OutboxMessage.id.desc())
        ).first()
    assert body is not None
    return "".join(ch for ch in body if ch.isdigit())[:6]


Pair = tuple[httpx.Response, httpx.Response, str, str]  # theirs, unknown, their id, the unknown id
Case = Callable[[World, Engine], Pair | None]


def _api_sign_in(w: World, e: Engine) -> Pair:
    def go(email: str) -> httpx.Response:
        return w.api.post(f"{P}/auth/token", json={"email": email, "password": CUSTOMER_PASSWORD + "-b"})

    return go(w.a.email), go(NO_EMAIL), w.a.email, NO_EMAIL


def _api_code(w: World, e: Engine) -> Pair:
    def go(number: str) -> httpx.Response:
        return w.api.post(f"{P}/auth/code", json={"claim_number": number})

    return go(w.claim_a), go(NO_CLAIM), w.claim_a, NO_CLAIM


def _api_code_token(w: World, e: Engine) -> Pair:
    assert w.api.post(f"{P}/auth/code", json={"claim_number": w.claim_b}).status_code == 202
    code_b = code_for(e, w.b.customer_id)

    def go(number: str) -> httpx.Response:
        return w.api.post(f"{P}/auth/code/token", json={"claim_number": number, "code": code_b})

    return go(w.claim_a), go(NO_CLAIM), w.claim_a, NO_CLAIM


def _api_claim(method: str, tail: str, **kw: Any) -> Case:
    def case(w: World, e: Engine) -> Pair:
        def go(number: str) -> httpx.Response:
            return w.api.request(method, f"{P}/claims/{number}{tail}", headers=w.b.headers, **kw)

        return go(w.claim_a), go(NO_CLAIM), w.claim_a, NO_CLAIM

    return case


def _api_report(w: World, e: Engine) -> Pair:
    return (
        portal_report(w.api, w.b, w.a.policy_number),
        portal_report(w.api, w.b, NO_POLICY),
        w.a.policy_number,
        NO_POLICY,
    )


def _api_lists(w: World, e: Engine) -> None:
    claims = w.api.get(f"{P}/claims", headers=w.b.headers)
    assert [c["claim_number"] for c in claims.json()] == [w.claim_b]
    policies = w.api.get(f"{P}/policies", headers=w.b.headers)
    assert [p["policy_number"] for p in policies.json()] == [w.b.policy_number]
    mine = w.api.get(f"{P}/claims/{w.claim_b}", headers=w.b.headers).json()
    assert w.document_a not in [d["id"] for d in mine["documents"]]
    assert "A 的留言" not in str(mine["messages"])


def _own_session_only(w: World, e: Engine) -> None:
    """Takes no customer id: signs out the session it is sent with (tried last, on a copy)."""


def _page_sign_in(w: World, e: Engine) -> Pair:
    def go(email: str) -> httpx.Response:
        data = {"email": email, "password": CUSTOMER_PASSWORD + "-b", "csrf": w.csrf("/portal/login")}
        return w.pages.post("/portal/login", data=data)

    return go(w.a.email), go(NO_EMAIL), w.a.email, NO_EMAIL


def _page_code(w: World, e: Engine) -> Pair:
    def go(number: str) -> httpx.Response:
        return w.pages.post("/portal/code", data={"claim_number": number, "csrf": w.csrf("/portal/login")})

    return go(w.claim_a), go(NO_CLAIM), w.claim_a, NO_CLAIM


def _page_code_sign_in(w: World, e: Engine) -> Pair:
    w.pages.post("/portal/code", data={"claim_number": w.claim_b, "csrf": w.csrf("/portal/login")})
    code_b = code_for(e, w.b.customer_id)

    def go(number: str) -> httpx.Response:
        data = {"claim_number": number, "code": code_b, "csrf": w.csrf("/portal/login")}
        return w.pages.post("/portal/login-code", data=data, follow_redirects=False)

    return go(w.claim_a), go(NO_CLAIM), w.claim_a, NO_CLAIM


def _page_lists(w: World, e: Engine) -> None:
    for path in ("/portal", "/portal/report", "/portal/login"):
        text = w.pages.get(path).text
        assert w.claim_a not in text and w.a.policy_number not in text, path
    assert w.b.policy_number in w.pages.get("/portal/report").text


def _page_report(w: World, e: Engine) -> Pair:
    def go(policy: str) -> httpx.Response:
        data = {
            "policy_number": policy,
            "incident_date": (date.today() - timedelta(days=1)).isoformat(),
            "claimed_amount": "900",
            "csrf": w.csrf("/portal"),
        }
        return w.pages.post("/portal/report", data=data, follow_redirects=False)

    return go(w.a.policy_number), go(NO_POLICY), w.a.policy_number, NO_POLICY


def _page_claim(w: World, e: Engine) -> Pair:
    return (
        w.pages.get(f"/portal/claims/{w.claim_a}"),
        w.pages.get(f"/portal/claims/{NO_CLAIM}"),
        w.claim_a,
        NO_CLAIM,
    )


def _page_upload(w: World, e: Engine) -> Pair:
    def go(number: str) -> httpx.Response:
        return w.pages.post(
            f"/portal/claims/{number}/documents",
            data={"doc_type": "policy", "csrf": w.csrf("/portal")},
            files={"file": ("p.pdf", PDF)},
            follow_redirects=False,
        )

    return go(w.claim_a), go(NO_CLAIM), w.claim_a, NO_CLAIM


def _page_message(w: World, e: Engine) -> Pair:
    def go(number: str) -> httpx.Response:
        data = {"body": "B 写给 A 的案件", "csrf": w.csrf("/portal")}
        return w.pages.post(f"/portal/claims/{number}/messages", data=data, follow_redirects=False)

    return go(w.claim_a), go(NO_CLAIM), w.claim_a, NO_CLAIM


def _page_survey(w: World, e: Engine) -> Pair:
    theirs, unknown = w.swapped(w.invitation_a), w.swapped(NO_INVITATION)
    return w.pages.get(f"/portal/survey/{theirs}"), w.pages.get(f"/portal/survey/{unknown}"), theirs, unknown


def _page_survey_answer(w: World, e: Engine) -> Pair:
    theirs, unknown = w.swapped(w.invitation_a), w.swapped(NO_INVITATION)
    csrf = w.csrf(f"/portal/survey/{w.token_b}")  # B's own survey page gives the form's token

    def go(token: str) -> httpx.Response:
        return w.pages.post(f"/portal/survey/{token}", data={"overall": "1", "csrf": csrf})

    return go(theirs), go(unknown), theirs, unknown


CASES: dict[tuple[str, str], Case] = {
    ("POST", f"{P}/auth/token"): _api_sign_in,
    ("POST", f"{P}/auth/code"): _api_code,
    ("POST", f"{P}/auth/code/token"): _api_code_token,
    ("POST", f"{P}/auth/logout"): _own_session_only,
    ("GET", f"{P}/policies"): _api_lists,
    ("GET", f"{P}/claims"): _api_lists,
    ("POST", f"{P}/claims"): _api_report,
    ("GET", f"{P}/claims/{{claim_number}}"): _api_claim("GET", ""),
    ("POST", f"{P}/claims/{{claim_number}}/documents"): _api_claim(
        "POST", "/documents", data={"doc_type": "policy"}, files={"file": ("p.pdf", PDF)}
    ),
    ("GET", f"{P}/claims/{{claim_number}}/messages"): _api_claim("GET", "/messages"),
    ("POST", f"{P}/claims/{{claim_number}}/messages"): _api_claim("POST", "/messages", json={"body": "B 的"}),
    ("GET", "/portal/login"): _page_lists,
    ("POST", "/portal/login"): _page_sign_in,
    ("POST", "/portal/code"): _page_code,
    ("POST", "/portal/login-code"): _page_code_sign_in,
    ("POST", "/portal/logout"): _own_session_only,
    ("GET", "/portal"): _page_lists,
    ("GET", "/portal/report"): _page_lists,
    ("POST", "/portal/report"): _page_report,
    ("GET", "/portal/claims/{claim_number}"): _page_claim,
    ("POST", "/portal/claims/{claim_number}/documents"): _page_upload,
    ("POST", "/portal/claims/{claim_number}/messages"): _page_message,
    ("GET", "/portal/survey/{token}"): _page_survey,
    ("POST", "/portal/survey/{token}"): _page_survey_answer,
}


def portal_routes() -> set[tuple[str, str]]:
    """The customer-facing routes as the portal's two routers declare them (the API under /api/v1)."""
    from claimops.portal import api, pages

    out = set()
    for router, mount in ((api.router, "/api/v1"), (pages.router, "")):
        for route in router.routes:
            assert isinstance(route, APIRoute)
            out |= {(m, mount + route.path) for m in route.methods}
    return out


def test_the_cases_cover_every_portal_endpoint() -> None:
    assert portal_routes() == set(CASES)


def test_another_customers_ids_are_answered_like_unknown_ones(engine: Engine, world: World) -> None:
    before = footprint(engine, world)
    for (method, path), case in CASES.items():
        pair = case(world, engine)
        if pair is None:
            continue
        theirs, unknown, their_id, unknown_id = pair
        where = f"{method} {path}"
        assert theirs.status_code == unknown.status_code, where
        # refused, or (asking for a code) the same "sent if it exists" answer for any claim number
        assert theirs.status_code in (401, 404) or path.endswith("/code"), (where, theirs.status_code)
        assert theirs.text.replace(their_id, "<id>") == unknown.text.replace(unknown_id, "<id>"), where
        assert "claimops_portal" not in theirs.cookies, where  # never signed in as A
    assert footprint(engine, world) == before
    # B's session still opens only B's own claim, and signing out ends only it
    assert world.api.get(f"{P}/claims/{world.claim_b}", headers=world.b.headers).status_code == 200
    assert world.api.post(f"{P}/auth/logout", headers=world.b.headers).status_code == 204
    assert world.api.get(f"{P}/claims", headers=world.a.headers).status_code == 200
