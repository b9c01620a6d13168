"""partners: insurers, providers (claims.provider_id a foreign key), agreements, assignments, disputes

Revision ID: 0007_partners
Revises: 0006_ledger
Create Date: 2026-12-05 23:50:00.000000

The claims' existing provider ids become provider rows (type "unclassified", status active) before
the foreign key is added, so every claim keeps its provider. On SQLite adding a foreign key rebuilds
the table, which SQLite allows only with foreign keys off, and that pragma is ignored inside a
transaction: the rebuild runs between two transactions (SQLite's documented 12-step procedure).
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

import claimops.db

revision = "0007_partners"
down_revision = "0006_ledger"
branch_labels = None
depends_on = None

MONEY = claimops.db.Money(precision=14, scale=2)
UTC = claimops.db.UTCDateTime(timezone=True)


def _outside_transaction(work: Callable[[], None]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        work()
        return
    bind.exec_driver_sql("COMMIT")
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    bind.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        work()
        problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise RuntimeError(f"foreign key problems after the rebuild: {problems[:5]}")
        bind.exec_driver_sql("COMMIT")
    finally:
        bind.exec_driver_sql("PRAGMA foreign_keys=ON")
        bind.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade() -> None:
    op.create_table(
        "insurers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurers")),
        sa.UniqueConstraint("code", name=op.f("uq_insurers_code")),
    )
    op.create_table(
        "insurer_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("insurer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=64), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("emergency_order", sa.Integer(), nullable=True),
        sa.Column("hours", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["insurer_id"], ["insurers.id"], name=op.f("fk_insurer_contacts_insurer_id_insurers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insurer_contacts")),
        sa.UniqueConstraint(
            "insurer_id", "emergency_order", name=op.f("uq_insurer_contacts_insurer_id_emergency_order")
        ),
    )
    op.create_index(op.f("ix_insurer_contacts_insurer_id"), "insurer_contacts", ["insurer_id"])
    op.create_table(
        "emergency_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("insurer_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("called_at", UTC, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["insurer_contacts.id"],
            name=op.f("fk_emergency_calls_contact_id_insurer_contacts"),
        ),
        sa.ForeignKeyConstraint(
            ["insurer_id"], ["insurers.id"], name=op.f("fk_emergency_calls_insurer_id_insurers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_calls")),
    )
    op.create_index(op.f("ix_emergency_calls_called_at"), "emergency_calls", ["called_at"])
    op.create_index(op.f("ix_emergency_calls_insurer_id"), "emergency_calls", ["insurer_id"])
    op.create_table(
        "partner_meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("insurer_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("attendees", sa.Text(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["insurer_id"], ["insurers.id"], name=op.f("fk_partner_meetings_insurer_id_insurers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_meetings")),
    )
    op.create_index(op.f("ix_partner_meetings_held_on"), "partner_meetings", ["held_on"])
    op.create_index(op.f("ix_partner_meetings_insurer_id"), "partner_meetings", ["insurer_id"])
    op.create_table(
        "responsibilities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("insurer_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("responsible", sa.String(length=64), nullable=False),
        sa.Column("approver", sa.String(length=64), nullable=False),
        sa.Column("within_hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["insurer_id"], ["insurers.id"], name=op.f("fk_responsibilities_insurer_id_insurers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsibilities")),
        sa.UniqueConstraint("insurer_id", "step", name=op.f("uq_responsibilities_insurer_id_step")),
    )
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
    )
    op.create_index(op.f("ix_providers_type"), "providers", ["type"])
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("provider_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["partner_meetings.id"], name=op.f("fk_action_items_meeting_id_partner_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_action_items_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    op.create_index(op.f("ix_action_items_meeting_id"), "action_items", ["meeting_id"])
    op.create_index(op.f("ix_action_items_provider_id"), "action_items", ["provider_id"])
    op.create_table(
        "selection_criteria",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selection_criteria")),
        sa.UniqueConstraint("provider_type", "name", name=op.f("uq_selection_criteria_provider_type_name")),
    )
    op.create_table(
        "provider_evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("total", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTC, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_provider_evaluations_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_provider_evaluations_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_evaluations")),
    )
    op.create_index(op.f("ix_provider_evaluations_provider_id"), "provider_evaluations", ["provider_id"])
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("on_site_hours", sa.Integer(), nullable=True),
        sa.Column("report_days", sa.Integer(), nullable=True),
        sa.Column("finish_days", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_agreements_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(["signed_by"], ["users.id"], name=op.f("fk_agreements_signed_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint("number", name=op.f("uq_agreements_number")),
    )
    op.create_index(op.f("ix_agreements_provider_id"), "agreements", ["provider_id"])
    op.create_table(
        "agreement_fees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=64), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_agreement_fees_agreement_id_agreements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_fees")),
        sa.UniqueConstraint("agreement_id", "item", name=op.f("uq_agreement_fees_agreement_id_item")),
    )
    op.create_index(op.f("ix_agreement_fees_agreement_id"), "agreement_fees", ["agreement_id"])
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("assigned_at", UTC, nullable=False),
        sa.Column("arrived_at", UTC, nullable=True),
        sa.Column("reported_at", UTC, nullable=True),
        sa.Column("finished_at", UTC, nullable=True),
        sa.Column("cost", MONEY, nullable=True),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreements.id"], name=op.f("fk_assignments_agreement_id_agreements")
        ),
        sa.ForeignKeyConstraint(["assigned_by"], ["users.id"], name=op.f("fk_assignments_assigned_by_users")),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_assignments_claim_id_claims")),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_assignments_provider_id_providers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    op.create_index(op.f("ix_assignments_assigned_at"), "assignments", ["assigned_at"])
    op.create_index(op.f("ix_assignments_claim_id"), "assignments", ["claim_id"])
    op.create_index(op.f("ix_assignments_provider_id"), "assignments", ["provider_id"])
    op.create_table(
        "scorecard_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("at", UTC, nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"], ["providers.id"], name=op.f("fk_scorecard_reviews_provider_id_providers")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_scorecard_reviews_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_reviews")),
    )
    op.create_index(op.f("ix_scorecard_reviews_provider_id"), "scorecard_reviews", ["provider_id"])
    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("party", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("disputed_amount", MONEY, nullable=False),
        sa.Column("decided_amount", MONEY, nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("stage_due_on", sa.Date(), nullable=True),
        sa.Column("opened_at", UTC, nullable=False),
        sa.Column("closed_at", UTC, nullable=True),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("settled_amount", MONEY, nullable=True),
        sa.Column("decision_id", sa.Integer(), nullable=True),
        sa.Column("opened_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["claim_id"], ["claims.id"], name=op.f("fk_disputes_claim_id_claims")),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_disputes_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(["opened_by"], ["users.id"], name=op.f("fk_disputes_opened_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    op.create_index("ix_disputes_claim_party", "disputes", ["claim_id", "party"])
    op.create_index(op.f("ix_disputes_claim_id"), "disputes", ["claim_id"])
    op.create_index(op.f("ix_disputes_closed_at"), "disputes", ["closed_at"])
    op.create_index(op.f("ix_disputes_opened_at"), "disputes", ["opened_at"])
    op.create_index(op.f("ix_disputes_stage"), "disputes", ["stage"])
    op.create_table(
        "dispute_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("at", UTC, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["users.id"], name=op.f("fk_dispute_steps_by_users")),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_steps_dispute_id_disputes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_steps")),
    )
    op.create_index(op.f("ix_dispute_steps_dispute_id"), "dispute_steps", ["dispute_id"])

    def add_insurer() -> None:
        with op.batch_alter_table("policies", schema=None) as batch_op:
            batch_op.add_column(sa.Column("insurer_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f("ix_policies_insurer_id"), ["insurer_id"], unique=False)
            batch_op.create_foreign_key(
                batch_op.f("fk_policies_insurer_id_insurers"), "insurers", ["insurer_id"], ["id"]
            )

    _outside_transaction(add_insurer)

    # every provider id the claims hold becomes a provider row before the key points at providers
    op.execute(
        "INSERT INTO providers (id, name, type, region, status, created_at) "
        "SELECT DISTINCT provider_id, 'provider ' || CAST(provider_id AS VARCHAR(20)), 'unclassified', '', "
        "'active', CURRENT_TIMESTAMP FROM claims WHERE provider_id IS NOT NULL"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('providers', 'id'), "
            "(SELECT COALESCE(MAX(id), 1) FROM providers), (SELECT COUNT(*) > 0 FROM providers))"
        )

    def add_key() -> None:
        with op.batch_alter_table("claims", schema=None) as batch_op:
            batch_op.create_foreign_key(
                batch_op.f("fk_claims_provider_id_providers"), "providers", ["provider_id"], ["id"]
            )

    _outside_transaction(add_key)


def downgrade() -> None:
    def drop_key() -> None:
        with op.batch_alter_table("claims", schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f("fk_claims_provider_id_providers"), type_="foreignkey")

    _outside_transaction(drop_key)

    def drop_insurer() -> None:
        with op.batch_alter_table("policies", schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f("fk_policies_insurer_id_insurers"), type_="foreignkey")
            batch_op.drop_index(batch_op.f("ix_policies_insurer_id"))
            batch_op.drop_column("insurer_id")

    _outside_transaction(drop_insurer)
    for table in (
        "dispute_steps",
        "disputes",
        "scorecard_reviews",
        "assignments",
        "agreement_fees",
        "agreements",
        "provider_evaluations",
        "selection_criteria",
        "action_items",
        "providers",
        "responsibilities",
        "partner_meetings",
        "emergency_calls",
        "insurer_contacts",
        "insurers",
    ):
        op.drop_table(table)
