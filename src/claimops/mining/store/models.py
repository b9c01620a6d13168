"""The model registry's table: one row per trained model version (see claimops.mining.store.registry)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Float, Index, Integer, String, UniqueConstraint, text
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


class MiningResult(Base):
    """One stored run of an analysis (quality, rules, segments, forecast, reserves) as JSON.

    Pages and the deck read the latest run of each kind, so they stay fast on a large book and show
    the same figures until an analyst refreshes them.
    """

    __tablename__ = "mining_results"
    __table_args__ = (Index("ix_mining_results_kind_created", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # ok, not_enough_data, failed
    message: Mapped[str] = mapped_column(String(500), default="")
    data_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    data_to: Mapped[date | None] = mapped_column(Date, nullable=True)
    n_rows: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<MiningResult {self.kind} #{self.id} {self.status}>"
