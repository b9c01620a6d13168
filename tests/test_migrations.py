"""The migrations build exactly the schema the models declare, and unwind cleanly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from claimops.migrate import downgrade, upgrade
from claimops.models import Base


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
