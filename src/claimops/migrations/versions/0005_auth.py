"""auth: token versions and revocations, login throttling, the personal-data access log

Revision ID: 0005_auth
Revises: 0004_money
Create Date: 2026-12-05 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import claimops.db

revision = "0005_auth"
down_revision = "0004_money"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_version", sa.Integer(), server_default="0", nullable=False))

    op.create_table(
        "revoked_tokens",
        sa.Column("jti", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_revoked_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_revoked_tokens")),
    )
    op.create_index(op.f("ix_revoked_tokens_expires_at"), "revoked_tokens", ["expires_at"], unique=False)

    op.create_table(
        "login_throttle",
        sa.Column("scope", sa.String(length=8), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("locked_until", claimops.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("expires_at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_login_throttle")),
    )
    op.create_index(op.f("ix_login_throttle_expires_at"), "login_throttle", ["expires_at"], unique=False)

    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", claimops.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("policy_id", sa.Integer(), nullable=True),
        sa.Column("what", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_access_log_claim_id_claims")),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_access_log_policy_id_policies")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_access_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index(op.f("ix_access_log_at"), "access_log", ["at"], unique=False)
    op.create_index("ix_access_log_user_at", "access_log", ["user_id", "at"], unique=False)
    op.create_index("ix_access_log_claim_at", "access_log", ["claim_id", "at"], unique=False)
    op.create_index("ix_access_log_policy_at", "access_log", ["policy_id", "at"], unique=False)


def downgrade() -> None:
    op.drop_table("access_log")
    op.drop_table("login_throttle")
    op.drop_table("revoked_tokens")
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy would drop and rebuild `users`, which the
    # claims' foreign keys forbid once the database holds claims.
    op.drop_column("users", "token_version")
