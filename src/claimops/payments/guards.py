"""The database's own guard on payments (migration 0004), seen from Python.

A trigger refuses a payment that would take a claim's payments above the approved total of the
decision it pays; its message starts with REFUSAL. Bulk loads that set the trigger aside for speed
check the same rule over the loaded rows with `first_overpaid_claim`.
"""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

REFUSAL = "PAYMENT_ABOVE_APPROVED"
TRIGGER = "payments_within_approved"  # on SQLite also payments_within_approved_update

# Each payment, with the claim's payments up to it (in id order), within its decision's approved total.
_OVERPAID = text(
    "SELECT p.claim_id FROM (SELECT claim_id, decision_id, "
    "sum(amount) OVER (PARTITION BY claim_id ORDER BY id) AS paid FROM payments) p "
    "LEFT JOIN decisions d ON d.id = p.decision_id AND d.claim_id = p.claim_id "
    "WHERE d.id IS NULL OR round(100 * p.paid) > round(100 * d.approved_amount) LIMIT 1"
)


def is_refusal(exc: DBAPIError) -> bool:
    return REFUSAL in str(exc.orig)


def first_overpaid_claim(conn: Connection) -> int | None:
    """The id of a claim paid above an approved total, or None."""
    row = conn.execute(_OVERPAID).first()
    return None if row is None else int(row[0])
