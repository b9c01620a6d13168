"""`claimops partners scorecard` gives what the API gives, for a period not over yet too."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from api_helpers import Api
from claimops import cli
from claimops.clock import local_date, utcnow
from claimops.config import get_settings


def test_scorecard_json_matches_the_api_with_an_improvement_due_soon(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    api = Api(client, tokens)
    p = api.ok(api.post("partner", "/providers", json={"name": "命令行公估", "type": "loss_assessor"}), 201)
    today = local_date(utcnow())
    due = today + timedelta(days=1)  # not overdue today, overdue by the quarter's end
    improvement = {"title": "到场时效整改", "owner": "partner1", "due_on": due.isoformat()}
    api.ok(api.post("partner", f"/providers/{p['id']}/improvements", json=improvement), 201)
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            cli.app, ["partners", "scorecard", str(p["id"]), "--period", quarter, "--json"]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    from_api = api.ok(api.get("manager", f"/providers/{p['id']}/scorecard", params={"period": quarter}))
    assert json.loads(result.stdout) == from_api
