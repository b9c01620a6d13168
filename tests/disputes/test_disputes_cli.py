"""`claimops disputes kpis` as the README shows it: no period needed, and the same figures as the API."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from api_helpers import Api
from claimops import cli
from claimops.clock import local_date, utcnow
from claimops.config import get_settings


def test_kpis_default_to_this_quarter_judged_today_as_the_api_does(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    api = Api(client, tokens)
    number = api.report(api.policy()["policy_number"])["claim_number"]
    opened = api.post(
        "handler",
        "/disputes",
        json={"claim_number": number, "party": "customer", "reason": "amount", "disputed_amount": "900.00"},
    )
    assert opened.status_code == 201, opened.text
    today = local_date(utcnow())
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli.app, ["disputes", "kpis"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    from_api = api.ok(api.get("manager", "/disputes/kpis", params={"period": quarter}))
    # a dispute opened today is not overdue yet: both judge the open ones on today, not the quarter's end
    assert json.loads(result.stdout) == from_api
