"""INSERT ... ON CONFLICT DO NOTHING on both databases: a row that may already exist, without a race."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from claimops.db import Base


def insert_ignore(session: Session, model: type[Base], **values: Any) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(model).values(**values).on_conflict_do_nothing())
