from __future__ import annotations

from alembic import context

from claimops.db import allow_long_statements, get_engine
from claimops.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    url = config.get_main_option("sqlalchemy.url") or None
    engine = get_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,  # SQLite needs batch mode to alter tables
            compare_type=True,
        )
        with context.begin_transaction():
            allow_long_statements(connection)  # an index or a backfill over a large table
            context.run_migrations()
        connection.commit()


run()
