"""The migrations build exactly the schema the models declare, and unwind cleanly."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from typer.testing import CliRunner, Result

from claimops import cli
from claimops.config import Settings, get_settings
from claimops.migrate import downgrade, upgrade
from claimops.models import Base
from factories import committed_claims


def test_models_match_the_migrated_schema(empty_engine: Engine) -> None:
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_up_again(empty_engine: Engine) -> None:
    url = empty_engine.url.render_as_string(hide_password=False)
    downgrade(url, "base")
    with empty_engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    upgrade(url)
    with empty_engine.connect() as conn:
        assert {"claims", "claim_events", "mining_models"} <= set(inspect(conn).get_table_names())


def _revision(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def _downgrade_cli(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, *args: str, terminal: bool, answer: str = ""
) -> Result:
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setattr(cli, "_interactive", lambda: terminal)
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(cli.app, ["db", "downgrade", *args], input=answer)
    finally:
        get_settings.cache_clear()


def test_downgrading_a_database_with_claims_asks_first(
    empty_engine: Engine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed_claims(empty_engine, settings, 1)
    head = _revision(empty_engine)
    refused = _downgrade_cli(monkeypatch, empty_engine, "0003", terminal=False)  # CI: no one to ask
    assert refused.exit_code == 2 and "holds 1 claim(s)" in refused.stderr and "--yes" in refused.stderr
    declined = _downgrade_cli(monkeypatch, empty_engine, "0003", terminal=True, answer="n\n")
    assert declined.exit_code == 1 and "Go on?" in declined.output
    assert _revision(empty_engine) == head
    agreed = _downgrade_cli(monkeypatch, empty_engine, "0003", terminal=True, answer="y\n")
    assert agreed.exit_code == 0, agreed.output
    assert _revision(empty_engine) == "0003"
    upgrade(empty_engine.url.render_as_string(hide_password=False))
    forced = _downgrade_cli(monkeypatch, empty_engine, "0003", "--yes", terminal=False)
    assert forced.exit_code == 0, forced.output
    assert _revision(empty_engine) == "0003"


def test_downgrading_a_database_without_claims_does_not_ask(
    empty_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _downgrade_cli(monkeypatch, empty_engine, "base", terminal=False)
    assert result.exit_code == 0, result.output
    with empty_engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
