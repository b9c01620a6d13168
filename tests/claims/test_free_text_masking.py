"""Free text shown to staff (a claim's description, an event's note, the claimant's messages) keeps
no whole phone, ID or account number, in the API and on the claim page."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_helpers import Api, page_login
from claimops.claims.models import Claim
from claimops.db import unit_of_work
from claimops.portal.service import post_customer_message

PHONE, ID_NUMBER, ACCOUNT = "13912345678", "330106198501011234", "6222020200112233445"
TEXT = f"联系电话 {PHONE}，身份证 {ID_NUMBER}，账户 {ACCOUNT}"


def _clean(text: str) -> None:
    for value in (PHONE, ID_NUMBER, ACCOUNT):
        assert value not in text, value


def test_description_note_and_messages_are_masked_for_staff(
    client: TestClient, engine: Engine, tokens: dict[str, dict[str, str]]
) -> None:
    api = Api(client, tokens)
    p = api.policy()
    number = api.report(p["policy_number"], description=TEXT)["claim_number"]
    api.act("handler", number, "accept", {"note": TEXT})
    with unit_of_work(engine) as session:
        claim = session.query(Claim).filter_by(claim_number=number).one()
        assert PHONE in claim.description  # stored as given: masking is for showing
        post_customer_message(
            session=session,
            customer_id=claim.customer_id,
            claim_number=number,
            body=TEXT,
            now=datetime.now(UTC),
        )
    detail = api.ok(api.get("handler", f"/claims/{number}"))
    _clean(detail["description"])
    assert "139****5678" in detail["description"]
    _clean(" ".join(e["note"] or "" for e in detail["events"]))
    messages = api.get("handler", f"/claims/{number}/messages").json()
    assert messages and all("139****5678" in m["body"] for m in messages)
    pages = TestClient(client.app)
    page_login(pages, "handler")
    html = pages.get(f"/claims/{number}").text
    assert 'id="description"' in html
    _clean(html)
