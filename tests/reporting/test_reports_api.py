from __future__ import annotations

from fastapi.testclient import TestClient


def test_summary_by_period_and_by_dates_agree(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    h = tokens["manager"]
    by_name = client.get("/api/v1/reports/summary", params={"period": "2026-Q3"}, headers=h)
    by_dates = client.get(
        "/api/v1/reports/summary", params={"start": "2026-07-01", "end": "2026-09-30"}, headers=h
    )
    assert by_name.status_code == 200 and by_dates.status_code == 200
    assert by_name.json() == by_dates.json()
    body = by_name.json()
    for key in (
        "claims_accepted",
        "claims_accepted_change_pct",
        "claims_accepted_yoy_pct",
        "paid_total",
        "paid_total_change_pct",
        "by_line",
        "avg_handling_days",
        "avg_handling_days_change_pct",
        "stage_avg_days",
    ):
        assert key in body
    assert set(body["stage_avg_days"]) == {"acceptance", "investigation", "review", "payment"}
    assert (
        body["previous_period"]["period"] == "2026-Q2" and body["year_before_period"]["period"] == "2025-Q3"
    )


def test_bad_period_is_422_and_handlers_may_not_read_reports(
    client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    r = client.get("/api/v1/reports/summary", params={"period": "2026-Q5"}, headers=tokens["manager"])
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_PERIOD"
    r = client.get("/api/v1/reports/summary", headers=tokens["manager"])
    assert r.status_code == 422
    r = client.get("/api/v1/reports/summary", params={"period": "2026"}, headers=tokens["handler"])
    assert r.status_code == 403


def test_each_block_has_its_endpoint(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    for name, key in [
        ("claims", "claims_accepted"),
        ("payments", "paid_total"),
        ("timings", "stage_avg_days"),
        ("decisions", "denial_rate_pct"),
        ("backlog", "backlog_by_age"),
        ("handlers", "handlers"),
        ("trend", "trend"),
    ]:
        r = client.get(f"/api/v1/reports/{name}", params={"period": "2026-07"}, headers=tokens["auditor"])
        assert r.status_code == 200, (name, r.text)
        assert key in r.json()
