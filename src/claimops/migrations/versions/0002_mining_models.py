"""mining model registry and stored analysis results

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import claimops.db

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# One current version per kind: a partial unique index, which SQLite and PostgreSQL both support.
CURRENT_WHERE = sa.text('"current"')


def upgrade() -> None:
    op.create_table(
        "mining_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("trained_by", sa.String(length=64), nullable=False),
        sa.Column("training_from", sa.Date(), nullable=False),
        sa.Column("training_to", sa.Date(), nullable=False),
        sa.Column("n_samples", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("artifact", sa.String(length=255), nullable=False),
        sa.Column("artifact_sha256", sa.String(length=64), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mining_models")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_mining_models_kind_version")),
    )
    with op.batch_alter_table("mining_models", schema=None) as batch_op:
        batch_op.create_index(
            "uq_mining_models_current_kind",
            ["kind"],
            unique=True,
            sqlite_where=CURRENT_WHERE,
            postgresql_where=CURRENT_WHERE,
        )

    op.create_table(
        "mining_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("created_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("data_from", sa.Date(), nullable=True),
        sa.Column("data_to", sa.Date(), nullable=True),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mining_results")),
    )
    with op.batch_alter_table("mining_results", schema=None) as batch_op:
        batch_op.create_index("ix_mining_results_kind_created", ["kind", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mining_results", schema=None) as batch_op:
        batch_op.drop_index("ix_mining_results_kind_created")

    op.drop_table("mining_results")
    with op.batch_alter_table("mining_models", schema=None) as batch_op:
        batch_op.drop_index("uq_mining_models_current_kind")

    op.drop_table("mining_models")
