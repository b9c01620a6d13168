"""Migration 0007 turns the claims' bare provider ids into provider rows and a foreign key."""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

from claimops.config import Settings
from claimops.migrate import downgrade, upgrade
from factories import committed_claims


def test_existing_provider_ids_become_providers(empty_engine: Engine, settings: Settings) -> None:
    numbers = committed_claims(empty_engine, settings, 2)
    url = empty_engine.url.render_as_string(hide_password=False)
    downgrade(url, "0006_ledger")
    with empty_engine.begin() as conn:
        assert "providers" not in inspect(conn).get_table_names()
        conn.execute(text("UPDATE claims SET provider_id = 4242 WHERE claim_number = :n"), {"n": numbers[0]})
        conn.execute(text("UPDATE claims SET provider_id = 77 WHERE claim_number = :n"), {"n": numbers[1]})
    upgrade(url)
    with empty_engine.connect() as conn:
        rows = conn.execute(text("SELECT id, type, status FROM providers ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(77, "unclassified", "active"), (4242, "unclassified", "active")]
        fks = inspect(conn).get_foreign_keys("claims")
        assert any(
            fk["referred_table"] == "providers" and fk["constrained_columns"] == ["provider_id"] for fk in fks
        )
        kept = conn.execute(text("SELECT provider_id FROM claims WHERE claim_number = :n"), {"n": numbers[0]})
        assert kept.scalar_one() == 4242
