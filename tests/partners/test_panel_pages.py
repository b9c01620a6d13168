"""The partners panel on the dashboard page and the lists its figures open (committed data, found by
its own claim number)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api_helpers import Api, page_login
from claimops.clock import local_date, utcnow
from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.disputes.schemas import DisputeIn, MoveIn
from claimops.disputes.service import move, open_dispute
from factories import Walk, make_policy, staff_actor
from partners.test_partners_api import denied_claim


def test_the_dashboard_panel_links_to_the_lists(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    api = Api(client, tokens)
    number = denied_claim(api)
    body = {"claim_number": number, "party": "customer", "reason": "amount", "disputed_amount": "5000.00"}
    api.ok(api.post("handler", "/disputes", json=body), 201)
    today = local_date(utcnow())  # the app's day is Beijing time's
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    pages = TestClient(client.app)  # cookies of its own: the ?lang=en below sticks to the client
    page_login(pages, "manager")
    html = pages.get(f"/dashboard?period={quarter}").text
    assert 'id="panel-partners"' in html and 'id="dispute-panel-link"' not in html
    assert f'href="/disputes?period={quarter}&amp;list=opened"' in html
    opened = pages.get(f"/disputes?period={quarter}&list=opened")
    assert opened.status_code == 200 and number in opened.text and 'id="disputes-title"' in opened.text
    still_open = pages.get(f"/disputes?period={quarter}&list=open&stage=open").text
    assert number in still_open
    assert number not in pages.get(f"/disputes?period={quarter}&list=open&stage=negotiation").text
    assert number not in pages.get(f"/disputes?period={quarter}&list=opened&line=health").text
    assert pages.get(f"/partners/agreements?as_of={today}&state=expiring").status_code == 200
    listed = pages.get(f"/partners/action-items?as_of={today}&overdue=1&lang=en")
    assert listed.status_code == 200 and "Action items overdue on" in listed.text


def test_a_past_periods_open_list_shows_the_stage_then(
    client: TestClient, engine: Engine, settings: Settings
) -> None:
    with unit_of_work(engine) as session:
        policy = make_policy(session, effective_from="2016-01-01", effective_to="2016-12-31")
        # a year of its own, and the claim withdrawn at the end: the shared database's KPIs stay as they were
        walk = Walk(session, settings, policy, datetime(2016, 4, 1, 2, tzinfo=UTC), "6000")
        number = walk.number
        actor = staff_actor(session, "partner")
        cmd = DisputeIn(
            claim_number=number, party="customer", reason="amount", disputed_amount=Decimal("5000")
        )
        did = open_dispute(session=session, actor=actor, cmd=cmd, now=datetime(2016, 4, 10, 2, tzinfo=UTC)).id
        for stage, day in (
            ("negotiation", datetime(2016, 5, 1, 2, tzinfo=UTC)),
            ("mediation", datetime(2016, 7, 15, 2, tzinfo=UTC)),
        ):
            move(
                session=session,
                actor=actor,
                dispute_id=did,
                cmd=MoveIn(stage=stage),
                now=day,
                settings=settings,
            )
        walk.do("withdraw", 130, note="客户撤回")
    pages = TestClient(client.app)
    page_login(pages, "manager")
    then = pages.get("/disputes?period=2016-Q2&list=open&stage=negotiation").text
    # in negotiation at the end of June, in mediation since July
    assert number in then and '<span class="stage-then">协商</span> → 调解' in then
    assert number not in pages.get("/disputes?period=2016-Q2&list=open&stage=mediation").text


def test_the_dashboard_filters_by_insurer(client: TestClient, engine: Engine, settings: Settings) -> None:
    from claimops.partners.models import Insurer

    with unit_of_work(engine) as session:
        insurer = Insurer(code=f"DASH-{utcnow().timestamp():.0f}", name="仪表盘财险")
        session.add(insurer)
        session.flush()
        # a month far from the KPI tests' periods, and withdrawn: no backlog left in the shared database
        policy = make_policy(session, effective_from="2015-01-01", effective_to="2015-12-31")
        policy.insurer_id = insurer.id
        walk = Walk(session, settings, policy, datetime(2015, 2, 3, 2, tzinfo=UTC), "3000")
        walk.do("accept", 1).do("withdraw", 1, note="客户撤回")
        insurer_id = insurer.id
    pages = TestClient(client.app)
    page_login(pages, "manager")
    html = pages.get(f"/dashboard?period=2015-02&insurer_id={insurer_id}").text
    assert f'<option value="{insurer_id}" selected>仪表盘财险</option>' in html
    assert 'id="kpi-accepted">1<' in html  # the insurer's one claim, not the month's others
    assert f"insurer_id={insurer_id}" in html.split('id="download-deck"')[0].rsplit("href=", 1)[1]
