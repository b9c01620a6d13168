"""Automated review (提高审核效率): named red-flag findings over plain values (pure).

A finding of severity "block" keeps a claim from straight-through processing and from approval
without a person looking; "warn" routes it to a person; "info" is shown only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from claimops.policies.terms import PolicyTerms

BLOCK, WARN, INFO = "block", "warn", "info"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewContext:
    claimed_amount: Decimal
    incident_date: date
    reported_on: date
    terms: PolicyTerms
    missing_documents: list[str]
    same_incident_claims: int = 0  # other live claims on the policy with the same incident date
    claims_last_year: int = 0  # the customer's other claims reported in the 365 days before
    risk_score: float | None = None  # from the current mining model, when one is trained
    risk_reasons: list[Any] = field(default_factory=list)  # {"key": catalogue key, "params": {...}}


@dataclass(frozen=True)
class ReviewRules:
    early_claim_days: int = 30
    late_report_days: int = 30
    frequent_claims_per_year: int = 3
    large_claim_share: Decimal = Decimal("0.5")
    near_expiry_days: int = 7
    risk_threshold: float = 0.5


def review(ctx: ReviewContext, rules: ReviewRules = ReviewRules()) -> list[Finding]:
    out: list[Finding] = []
    terms = ctx.terms
    if ctx.missing_documents:
        out.append(Finding("CHECKLIST_INCOMPLETE", WARN, {"missing": ctx.missing_documents}))
    if not terms.in_force(ctx.incident_date):
        out.append(
            Finding(
                "POLICY_NOT_IN_FORCE",
                BLOCK,
                {"from": terms.effective_from.isoformat(), "to": terms.effective_to.isoformat()},
            )
        )
    if ctx.claimed_amount > terms.remaining_limit:
        out.append(Finding("EXCEEDS_REMAINING_LIMIT", WARN, {"remaining_limit": str(terms.remaining_limit)}))
    if ctx.same_incident_claims:
        out.append(Finding("DUPLICATE_CLAIM", BLOCK, {"count": ctx.same_incident_claims}))
    since_inception = (ctx.incident_date - terms.effective_from).days
    if 0 <= since_inception < rules.early_claim_days:
        out.append(Finding("EARLY_CLAIM", WARN, {"days": since_inception}))
    to_expiry = (terms.effective_to - ctx.incident_date).days
    if 0 <= to_expiry < rules.near_expiry_days:
        out.append(Finding("NEAR_EXPIRY", INFO, {"days": to_expiry}))
    delay = (ctx.reported_on - ctx.incident_date).days
    if delay > rules.late_report_days:
        out.append(Finding("LATE_REPORT", WARN, {"days": delay}))
    if ctx.claims_last_year >= rules.frequent_claims_per_year:
        out.append(Finding("FREQUENT_CLAIMANT", WARN, {"count": ctx.claims_last_year}))
    if terms.sum_insured > 0 and ctx.claimed_amount >= terms.sum_insured * rules.large_claim_share:
        out.append(Finding("LARGE_CLAIM", WARN, {"share": str(rules.large_claim_share)}))
    if ctx.claimed_amount >= 1000 and ctx.claimed_amount % 1000 == 0:
        out.append(Finding("ROUND_AMOUNT", INFO, {}))
    if ctx.risk_score is not None and ctx.risk_score >= rules.risk_threshold:
        out.append(
            Finding(
                "HIGH_RISK_SCORE",
                WARN,
                {"score": round(ctx.risk_score, 3), "reasons": ctx.risk_reasons},
            )
        )
    elif ctx.risk_score is not None and ctx.risk_reasons:
        out.append(
            Finding("RISK_SCORE", INFO, {"score": round(ctx.risk_score, 3), "reasons": ctx.risk_reasons})
        )
    return out


def is_clean(findings: list[Finding]) -> bool:
    """Nothing for a person to look at: no block or warn findings."""
    return all(f.severity == INFO for f in findings)


def straight_through(findings: list[Finding], claimed_amount: Decimal, limit: Decimal) -> bool:
    return is_clean(findings) and claimed_amount <= limit
