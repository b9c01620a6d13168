"""The model registry's table: one row per trained model version (see claimops.mining.registry)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from claimops.clock import utcnow
from claimops.db import Base, UTCDateTime

# At most one current version per kind, enforced by the database as well as by the registry: a partial
# unique index (SQLite ≥ 3.8 and PostgreSQL both have them) over the rows that are current.
CURRENT_WHERE = text('"current"')


class MiningModel(Base):
    """A trained model version. The estimator itself is a joblib file under ``data_dir/models``."""

    __tablename__ = "mining_models"
    __table_args__ = (
        UniqueConstraint("kind", "version"),
        Index(
            "uq_mining_models_current_kind",
            "kind",
            unique=True,
            sqlite_where=CURRENT_WHERE,
            postgresql_where=CURRENT_WHERE,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # risk, handling_time, settlement, forecast, …
    version: Mapped[int] = mapped_column(Integer)  # 1, 2, … per kind
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    trained_by: Mapped[str] = mapped_column(String(64))
    training_from: Mapped[date] = mapped_column(Date)
    training_to: Mapped[date] = mapped_column(Date)
    n_samples: Mapped[int] = mapped_column(Integer)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Relative to data_dir/models, so that the data directory can move.
    artifact: Mapped[str] = mapped_column(String(255))
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    current: Mapped[bool] = mapped_column(Boolean, default=False)

    def __repr__(self) -> str:
        flag = " current" if self.current else ""
        return f"<MiningModel {self.kind} v{self.version}{flag}>"
