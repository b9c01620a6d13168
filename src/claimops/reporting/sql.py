"""Dialect-aware SQL pieces that reports need (local-time month buckets)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal_column
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement


def local_month(session: Session, column: Any) -> ColumnElement[str]:
    """'YYYY-MM' of a UTC timestamp column in Asia/Shanghai (UTC+8, no daylight saving)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")
    return func.strftime("%Y-%m", column, literal_column("'+8 hours'"))
