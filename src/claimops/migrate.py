"""Running Alembic from code (`claimops db upgrade`), with the migrations shipped in the package."""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("claimops").joinpath("migrations")))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def claims_held(url: str) -> int:
    """How many claims the database holds (0 without a claims table)."""
    from sqlalchemy import inspect, text

    from claimops.db import get_engine

    with get_engine(url).connect() as conn:
        if not inspect(conn).has_table("claims"):
            return 0
        return int(conn.execute(text("SELECT COUNT(*) FROM claims")).scalar_one())


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def revision(url: str, message: str) -> None:
    command.revision(alembic_config(url), message=message, autogenerate=True)
