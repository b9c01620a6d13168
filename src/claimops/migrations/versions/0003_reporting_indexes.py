"""reporting indexes: covering indexes for the period KPIs (claimops/reporting/indexes.py)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# name -> (table, columns); kept equal to claimops.reporting.indexes.REPORTING_INDEXES
INDEXES = {
    "ix_claims_reported_line_handler": ("claims", ["reported_at", "line", "handler_id", "status", "id"]),
    "ix_claims_id_line": ("claims", ["id", "line"]),
    "ix_payments_paid_cover": ("payments", ["paid_at", "claim_id", "amount", "method"]),
    "ix_claim_timings_completed_cover": (
        "claim_timings",
        [
            "completed_at",
            "reported_at",
            "handling_s",
            "acceptance_s",
            "investigation_s",
            "review_s",
            "payment_s",
        ],
    ),
    "ix_claim_timings_reported_cover": (
        "claim_timings",
        ["reported_at", "claim_id", "accepted_at", "completed_at", "handling_s"],
    ),
    "ix_decisions_decided_outcome_by": ("decisions", ["decided_at", "outcome", "decided_by"]),
}


REQUESTED = sa.text("action = 'request_documents'")


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, unique=False, if_not_exists=True)
    op.create_index(
        "ix_claim_events_requested_documents",
        "claim_events",
        ["claim_id"],
        unique=False,
        if_not_exists=True,
        sqlite_where=REQUESTED,
        postgresql_where=REQUESTED,
    )


def downgrade() -> None:
    op.drop_index("ix_claim_events_requested_documents", table_name="claim_events", if_exists=True)
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table, if_exists=True)
