"""What an investigation may say (pure): triggers, conclusions, reason codes and the amount saved."""

from __future__ import annotations

from decimal import Decimal

from claimops.errors import ValidationFailed

TRIGGERS = ("score", "rule", "finding", "referral", "random", "import")
CONCLUSIONS = ("fraud_confirmed", "not_confirmed", "inconclusive")
FRAUD_REASONS = (
    "STAGED_INCIDENT",
    "INFLATED_AMOUNT",
    "FALSE_DOCUMENTS",
    "PROVIDER_COLLUSION",
    "REPEAT_CLAIMANT",
    "NOT_COVERED_EVENT",
)
OTHER_REASONS = ("DOCUMENTS_VERIFIED", "WITNESS_CONFIRMED", "NO_EVIDENCE", "CUSTOMER_UNREACHABLE", "OTHER")
REASON_CODES = FRAUD_REASONS + OTHER_REASONS


def check_trigger(trigger: str) -> None:
    if trigger not in TRIGGERS:
        raise ValidationFailed(
            f"unknown trigger {trigger!r}; one of {', '.join(TRIGGERS)}", code="TRIGGER_UNKNOWN"
        )


def check_conclusion(
    conclusion: str, reason_codes: list[str], amount_saved: Decimal, claimed: Decimal
) -> None:
    """A conclusion with reasons that fit it; money saved only where the claim was cut because of it."""
    if conclusion not in CONCLUSIONS:
        raise ValidationFailed(
            f"conclusion must be one of {', '.join(CONCLUSIONS)}, got {conclusion!r}",
            code="CONCLUSION_REQUIRED" if not conclusion else "CONCLUSION_UNKNOWN",
        )
    unknown = [c for c in reason_codes if c not in REASON_CODES]
    if unknown:
        raise ValidationFailed(
            f"unknown reason code(s) {', '.join(unknown)}; known: {', '.join(REASON_CODES)}",
            code="REASON_CODE_UNKNOWN",
        )
    if not reason_codes:
        raise ValidationFailed(
            "a conclusion needs at least one reason code", code="CONCLUSION_REASON_REQUIRED"
        )
    if conclusion == "fraud_confirmed" and not set(reason_codes) & set(FRAUD_REASONS):
        raise ValidationFailed(
            f"confirmed fraud needs a fraud reason: one of {', '.join(FRAUD_REASONS)}",
            code="CONCLUSION_REASON_REQUIRED",
        )
    if amount_saved < 0:
        raise ValidationFailed("the amount saved cannot be negative", code="AMOUNT_INVALID")
    if amount_saved > 0 and conclusion == "not_confirmed":
        raise ValidationFailed("nothing is saved when fraud is not confirmed", code="AMOUNT_INVALID")
    if amount_saved > claimed:
        raise ValidationFailed(
            f"the amount saved {amount_saved} exceeds the claimed amount {claimed}", code="AMOUNT_INVALID"
        )


def hit_rate(confirmed: int, closed: int) -> float | None:
    """Share of closed investigations that confirmed fraud (None before any closed)."""
    return confirmed / closed if closed else None
