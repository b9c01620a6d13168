"""money: supplementary decisions (paid_before, payable, recovery) and the database's own checks
that a claim is never paid more than its approved total

Revision ID: 0004_money
Revises: 0003
Create Date: 2026-12-02 09:00:00.000000

PostgreSQL gets CHECK constraints and a PL/pgSQL trigger. SQLite cannot add a constraint to an
existing table without rebuilding it (and rebuilding `decisions` under enforced foreign keys would
orphan its payments), so there BEFORE INSERT/UPDATE triggers raise the same refusals.
Existing decisions were each payable in full (that was the rule), so they get payable = approved.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

import claimops.db

revision = "0004_money"
down_revision = "0003"
branch_labels = None
depends_on = None

NEW_COLUMNS = ("paid_before", "payable", "recovery")
# kept equal to the CheckConstraints of claimops.claims.models.Decision and payments.models.Payment
DECISION_CHECKS = {
    "ck_decisions_amounts_not_negative": (
        "paid_before >= 0 AND payable >= 0 AND recovery >= 0 AND (payable = 0 OR recovery = 0)"
    ),
    "ck_decisions_payable_balances": "round(payable - recovery - approved_amount + paid_before, 2) = 0",
}
PAYMENT_CHECKS = {"ck_payments_amount_positive": "amount > 0"}
# The message starts with the code the payment service maps to a 409 (payments/guards.py).
REFUSAL = "PAYMENT_ABOVE_APPROVED"


def upgrade() -> None:
    for name in NEW_COLUMNS:
        op.add_column(
            "decisions",
            sa.Column(name, claimops.db.Money(precision=14, scale=2), nullable=False, server_default="0"),
        )
    op.execute("UPDATE decisions SET payable = approved_amount")
    if op.get_bind().dialect.name == "postgresql":
        _postgres_up()
    else:
        _sqlite_up()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS payments_within_approved ON payments")
        op.execute("DROP FUNCTION IF EXISTS payments_within_approved()")
        for name in PAYMENT_CHECKS:
            op.execute(f"ALTER TABLE payments DROP CONSTRAINT IF EXISTS {name}")
        for name in DECISION_CHECKS:
            op.execute(f"ALTER TABLE decisions DROP CONSTRAINT IF EXISTS {name}")
    else:
        for name in (*PAYMENT_CHECKS, *DECISION_CHECKS):
            for verb in ("insert", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{verb}")
        op.execute("DROP TRIGGER IF EXISTS payments_within_approved")
        op.execute("DROP TRIGGER IF EXISTS payments_within_approved_update")
    for name in NEW_COLUMNS:
        op.drop_column("decisions", name)


def _postgres_up() -> None:
    for name in NEW_COLUMNS:
        op.alter_column("decisions", name, server_default=None)
    for name, condition in DECISION_CHECKS.items():
        op.create_check_constraint(op.f(name), "decisions", sa.text(condition))
    for name, condition in PAYMENT_CHECKS.items():
        op.create_check_constraint(op.f(name), "payments", sa.text(condition))
    # The claim row is the lock: one claim's payments are checked one at a time, so two writers that
    # bypass the service (which locks the same row) still cannot both pass on a stale sum.
    op.execute(
        f"""
        CREATE FUNCTION payments_within_approved() RETURNS trigger AS $$
        DECLARE
            approved numeric;
            paid numeric;
        BEGIN
            PERFORM 1 FROM claims WHERE id = NEW.claim_id FOR UPDATE;
            SELECT approved_amount INTO approved FROM decisions
                WHERE id = NEW.decision_id AND claim_id = NEW.claim_id;
            IF approved IS NULL THEN
                RAISE EXCEPTION '{REFUSAL}: payment for decision % is not for a decision of claim %',
                    NEW.decision_id, NEW.claim_id USING ERRCODE = 'check_violation';
            END IF;
            SELECT coalesce(sum(amount), 0) INTO paid FROM payments
                WHERE claim_id = NEW.claim_id AND id <> NEW.id;
            IF paid + NEW.amount > approved THEN
                RAISE EXCEPTION '{REFUSAL}: claim % would be paid % against an approved total of %',
                    NEW.claim_id, paid + NEW.amount, approved USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END;
        $$ LANGUAGE plpgsql
        """
    )
    op.execute(
        "CREATE TRIGGER payments_within_approved BEFORE INSERT OR UPDATE OF amount, claim_id, decision_id "
        "ON payments FOR EACH ROW EXECUTE FUNCTION payments_within_approved()"
    )


def _sqlite_check(table: str, name: str, condition: str) -> None:
    for verb, when in (("insert", "INSERT"), ("update", "UPDATE")):
        op.execute(
            f"CREATE TRIGGER {name}_{verb} BEFORE {when} ON {table} FOR EACH ROW "
            f"WHEN NOT ({_qualified(condition)}) "
            f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
        )


def _qualified(condition: str) -> str:
    """The CHECK's column names as NEW.<column> for a trigger's WHEN clause."""
    for column in ("paid_before", "payable", "recovery", "approved_amount", "amount"):
        condition = re.sub(rf"(?<![\w.]){column}\b", f"NEW.{column}", condition)
    return condition


# Amounts compared in whole cents: SQLite sums NUMERIC columns as floating point.
_SQLITE_OVER = f"""
    WHEN NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = NEW.decision_id AND d.claim_id = NEW.claim_id)
      OR round(100 * (coalesce((SELECT sum(p.amount) FROM payments p
                                WHERE p.claim_id = NEW.claim_id AND p.id IS NOT NEW.id), 0) + NEW.amount))
         > (SELECT round(100 * d.approved_amount) FROM decisions d WHERE d.id = NEW.decision_id)
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: the claim''s payments would exceed the approved total'); END
"""


def _sqlite_up() -> None:
    for name, condition in DECISION_CHECKS.items():
        _sqlite_check("decisions", name, condition)
    for name, condition in PAYMENT_CHECKS.items():
        _sqlite_check("payments", name, condition)
    op.execute(
        f"CREATE TRIGGER payments_within_approved BEFORE INSERT ON payments FOR EACH ROW {_SQLITE_OVER}"
    )
    op.execute(
        "CREATE TRIGGER payments_within_approved_update BEFORE UPDATE OF amount, claim_id, decision_id "
        f"ON payments FOR EACH ROW {_SQLITE_OVER}"
    )
