"""`claimops team …`: JSON out, one line and exit 2 on a refusal."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from api_helpers import Api
from claimops import cli
from claimops.config import get_settings


def _run(monkeypatch: pytest.MonkeyPatch, engine: Engine, *args: str) -> object:
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli.app, ["team", *args])
    finally:
        get_settings.cache_clear()


def test_team_commands(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, client: TestClient, tokens: dict[str, dict[str, str]]
) -> None:
    kpis = _run(monkeypatch, engine, "kpis", "--period", "2026-Q2")
    assert kpis.exit_code == 0, kpis.output  # type: ignore[attr-defined]
    assert json.loads(kpis.stdout)["period"] == "2026-Q2"  # type: ignore[attr-defined]
    api = Api(client, tokens)
    open_claim = api.report(api.policy()["policy_number"])["claim_number"]
    refused = _run(monkeypatch, engine, "drill", open_claim)
    assert refused.exit_code == 2 and "DRILL_SOURCE_NOT_CLOSED" in refused.stderr  # type: ignore[attr-defined]
    built = _run(monkeypatch, engine, "drill", api.paid_and_closed("8000.00"))
    assert built.exit_code == 0 and json.loads(built.stdout)["number"].startswith("SBX-")  # type: ignore[attr-defined]
