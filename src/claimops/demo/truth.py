"""Ground truth of the planted fraud patterns, kept apart from the claims for model evaluation.

Its own MetaData: the table is not part of the application schema (no migration creates it); the
demo loader creates it with checkfirst. Nothing in the application reads it.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table

metadata = MetaData()

ground_truth = Table(
    "demo_ground_truth",
    metadata,
    Column("claim_id", Integer, primary_key=True, autoincrement=False),
    Column("fraud", Boolean, nullable=False),
    Column("pattern", String(40), nullable=False, default=""),
)
