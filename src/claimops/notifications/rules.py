"""Delivery rules (pure): when to try again, and which claim events notify the claimant."""

from __future__ import annotations

from datetime import datetime, timedelta

CLAIM_RECEIVED = "claim_received"
DOCUMENTS_MISSING = "documents_missing"
DECISION_MADE = "decision_made"
PAYMENT_SENT = "payment_sent"
SURVEY_INVITATION = "survey_invitation"
SIGN_IN_CODE = "code"
KINDS = (CLAIM_RECEIVED, DOCUMENTS_MISSING, DECISION_MADE, PAYMENT_SENT, SURVEY_INVITATION, SIGN_IN_CODE)

# claim event action -> notification kind
KIND_OF_ACTION = {
    "report": CLAIM_RECEIVED,
    "request_documents": DOCUMENTS_MISSING,
    "decide": DECISION_MADE,
    "reject": DECISION_MADE,
    "pay": PAYMENT_SENT,
}


def backoff(attempts: int, *, base_seconds: int, cap_seconds: int) -> timedelta:
    """Wait after the `attempts`-th failure: base, 2·base, 4·base, ... capped."""
    return timedelta(seconds=min(base_seconds * 2 ** max(attempts - 1, 0), cap_seconds))


def next_state(
    attempts: int, now: datetime, *, max_attempts: int, base_seconds: int, cap_seconds: int
) -> tuple[str, datetime]:
    """Status and next attempt after a failure that made `attempts` attempts in all."""
    if attempts >= max_attempts:
        return "failed", now
    return "pending", now + backoff(attempts, base_seconds=base_seconds, cap_seconds=cap_seconds)
