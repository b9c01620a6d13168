from __future__ import annotations

from fastapi.testclient import TestClient

from factories import PASSWORD


def test_dashboard_shows_the_period_and_links_to_the_claims(client: TestClient) -> None:
    r = client.post("/login", data={"username": "manager", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/dashboard", params={"period": "2026-Q3", "line": "auto"})
    assert page.status_code == 200
    assert "经营看板 · 2026-Q3" in page.text
    assert "/?scope=all&amp;reported_from=2026-07-01&amp;reported_to=2026-09-30" in page.text
    assert "/static/vendor/chart-4.6.1.umd.min.js" in page.text
    bad = client.get("/dashboard", params={"period": "2026-Q9"})
    assert bad.status_code == 200 and "alert error" in bad.text
    client.cookies.clear()
    assert client.get("/dashboard", follow_redirects=False).headers["location"] == "/login"
