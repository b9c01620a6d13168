"""investigations and their notes: the conclusion is the fraud label the risk models train on

Revision ID: 0010_investigations
Revises: 0009_team
Create Date: 2026-12-06 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import claimops.db

revision = "0010_investigations"
down_revision = "0009_team"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "investigations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("risk_score", sa.Float(), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("investigator_id", sa.Integer(), nullable=True),
        sa.Column("investigator_name", sa.String(length=64), nullable=False),
        sa.Column("assessor_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("opened_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.Column("closed_at", claimops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Integer(), nullable=True),
        sa.Column("conclusion", sa.String(length=16), nullable=True),
        sa.Column("reason_codes", sa.JSON(), nullable=False),
        sa.Column("amount_saved", claimops.db.Money(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_investigations_claim_id_claims")),
        sa.ForeignKeyConstraint(
            ["investigator_id"], ["users.id"], name=op.f("fk_investigations_investigator_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["providers.id"], name=op.f("fk_investigations_assessor_id_providers")
        ),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], name=op.f("fk_investigations_opened_by_users")),
        sa.ForeignKeyConstraint(["closed_by"], ["users.id"], name=op.f("fk_investigations_closed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigations")),
    )
    for column in (
        "claim_id",
        "trigger",
        "investigator_id",
        "status",
        "opened_at",
        "closed_at",
        "conclusion",
    ):
        op.create_index(op.f(f"ix_investigations_{column}"), "investigations", [column], unique=False)
    op.create_table(
        "investigation_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("investigation_id", sa.Integer(), nullable=False),
        sa.Column("at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["investigation_id"],
            ["investigations.id"],
            name=op.f("fk_investigation_notes_investigation_id_investigations"),
        ),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name=op.f("fk_investigation_notes_by_users")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_investigation_notes_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_notes")),
    )
    op.create_index(
        op.f("ix_investigation_notes_investigation_id"),
        "investigation_notes",
        ["investigation_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_investigation_notes_investigation_id"), table_name="investigation_notes")
    op.drop_table("investigation_notes")
    for column in (
        "claim_id",
        "trigger",
        "investigator_id",
        "status",
        "opened_at",
        "closed_at",
        "conclusion",
    ):
        op.drop_index(op.f(f"ix_investigations_{column}"), table_name="investigations")
    op.drop_table("investigations")
