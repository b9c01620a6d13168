"""The partners panel on the dashboard page and the lists its figures open (committed data, found by
its own claim number)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from api_helpers import Api, page_login
from claimops.clock import local_date, utcnow
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
