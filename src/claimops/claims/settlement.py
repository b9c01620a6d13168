"""Settlement (理赔决定的金额): pure Decimal arithmetic.

approved = min(max(assessed_loss − deductible, 0) × (1 − coinsurance_rate), remaining_limit)
remaining_limit = aggregate limit (sum insured) − what the policy has paid on its other claims.

A decision's approved amount is the claim's approved total. A decision after a reopening is
supplementary: it is set against what the claim has already been paid (`against_paid`), so the claim
is paid the difference, or a lower total leaves a recovery to record, never a second payment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimops.claims.lifecycle import Outcome
from claimops.errors import ValidationFailed
from claimops.money import ZERO, to_money
from claimops.policies.terms import PolicyTerms

# Reason codes for partial approvals and denials; labels live in the i18n catalogues (reason.*).
REASON_CODES = (
    "POLICY_NOT_IN_FORCE",
    "NOT_COVERED",
    "EXCLUSION",
    "PRE_EXISTING_CONDITION",
    "INSUFFICIENT_DOCUMENTS",
    "LATE_REPORT",
    "MISREPRESENTATION",
    "FRAUD_SUSPECTED",
    "DUPLICATE_CLAIM",
    "BELOW_DEDUCTIBLE",
    "LIMIT_EXHAUSTED",
    "LIMIT_REACHED",
    "AMOUNT_ADJUSTED",
    "PARTIAL_COVERAGE",
    "UNREASONABLE_COST",
    "WITHDRAWN_BY_CLAIMANT",
    "OTHER",
)
SYSTEM_REASONS = frozenset({"POLICY_NOT_IN_FORCE", "BELOW_DEDUCTIBLE", "LIMIT_EXHAUSTED", "LIMIT_REACHED"})


@dataclass(frozen=True)
class Settlement:
    outcome: Outcome
    approved_amount: Decimal
    reason_codes: list[str] = field(default_factory=list)
    gross: Decimal = ZERO  # before the limit


def payable(assessed_loss: Decimal, terms: PolicyTerms) -> tuple[Decimal, Decimal]:
    """(payable, gross before the limit), both rounded to cents half up."""
    net = max(assessed_loss - terms.deductible, Decimal(0))
    gross = to_money(net * (Decimal(1) - terms.coinsurance_rate))
    return min(gross, terms.remaining_limit), gross


@dataclass(frozen=True)
class AgainstPaid:
    """A decision's approved total set against what the claim had been paid when it was decided."""

    paid_before: Decimal
    payable: Decimal  # what the decision's payment releases: max(approved − paid before, 0)
    recovery: Decimal  # paid beyond the new total, to recover: max(paid before − approved, 0)


def against_paid(approved_total: Decimal, paid_before: Decimal) -> AgainstPaid:
    approved, paid = to_money(approved_total), to_money(paid_before)
    return AgainstPaid(paid, max(approved - paid, ZERO), max(paid - approved, ZERO))


def validate_reason_codes(codes: list[str]) -> list[str]:
    unknown = [c for c in codes if c not in REASON_CODES]
    if unknown:
        raise ValidationFailed(
            f"unknown reason code(s): {', '.join(unknown)}",
            code="UNKNOWN_REASON_CODE",
            details={"allowed": list(REASON_CODES)},
        )
    return list(dict.fromkeys(codes))


def settle(
    *,
    outcome: Outcome,
    assessed_loss: Decimal,
    incident_date: date,
    terms: PolicyTerms,
    reason_codes: list[str],
) -> Settlement:
    """The decision's outcome, amount and reasons. The system adds its own reasons and may turn an
    approval into a denial (not in force, nothing payable) or into a partial one (limit reached)."""
    if assessed_loss < 0:
        raise ValidationFailed("assessed_loss must not be negative", code="NEGATIVE_AMOUNT")
    codes = validate_reason_codes(reason_codes)
    if not terms.in_force(incident_date):
        return Settlement(Outcome.DENIED, ZERO, _with(codes, "POLICY_NOT_IN_FORCE"))
    if outcome is Outcome.DENIED:
        if not codes:
            raise ValidationFailed("a denial needs at least one reason code", code="REASON_REQUIRED")
        return Settlement(Outcome.DENIED, ZERO, codes)
    if outcome is Outcome.PARTIAL and not codes:
        raise ValidationFailed("a partial approval needs at least one reason code", code="REASON_REQUIRED")
    amount, gross = payable(assessed_loss, terms)
    if amount <= 0:
        reason = "LIMIT_EXHAUSTED" if gross > 0 else "BELOW_DEDUCTIBLE"
        return Settlement(Outcome.DENIED, ZERO, _with(codes, reason), gross)
    if amount < gross:
        return Settlement(Outcome.PARTIAL, amount, _with(codes, "LIMIT_REACHED"), gross)
    return Settlement(outcome, amount, codes, gross)


def _with(codes: list[str], code: str) -> list[str]:
    return codes if code in codes else [*codes, code]
