from __future__ import annotations

from datetime import date
from decimal import Decimal

from claimops.claims.review import ReviewContext, ReviewRules, is_clean, review, straight_through
from claimops.policies.terms import PolicyTerms

TERMS = PolicyTerms(date(2026, 1, 1), date(2026, 12, 31), Decimal("100000"), Decimal("500"), Decimal("0.1"))


def ctx(**kw: object) -> ReviewContext:
    base: dict[str, object] = {
        "claimed_amount": Decimal("3456.78"),
        "incident_date": date(2026, 6, 1),
        "reported_on": date(2026, 6, 2),
        "terms": TERMS,
        "missing_documents": [],
    }
    base.update(kw)
    return ReviewContext(**base)  # type: ignore[arg-type]


def codes(c: ReviewContext) -> set[str]:
    return {f.code for f in review(c, ReviewRules())}


def test_a_clean_claim_has_no_findings_and_goes_straight_through_under_the_limit() -> None:
    findings = review(ctx())
    assert findings == [] and is_clean(findings)
    assert straight_through(findings, Decimal("3456.78"), Decimal("5000"))
    assert not straight_through(findings, Decimal("3456.78"), Decimal("3000"))


def test_each_red_flag_is_a_named_finding() -> None:
    assert codes(ctx(missing_documents=["photos"])) == {"CHECKLIST_INCOMPLETE"}
    assert "POLICY_NOT_IN_FORCE" in codes(ctx(incident_date=date(2027, 2, 1), reported_on=date(2027, 2, 1)))
    assert codes(
        ctx(
            claimed_amount=Decimal("1234.5"),
            terms=PolicyTerms(
                date(2026, 1, 1),
                date(2026, 12, 31),
                Decimal("2000"),
                Decimal("0"),
                Decimal("0"),
                Decimal("1500"),
            ),
        )
    ) >= {"EXCEEDS_REMAINING_LIMIT"}
    assert codes(ctx(same_incident_claims=1)) == {"DUPLICATE_CLAIM"}
    assert codes(ctx(incident_date=date(2026, 1, 10), reported_on=date(2026, 1, 11))) == {"EARLY_CLAIM"}
    assert codes(ctx(reported_on=date(2026, 8, 1))) == {"LATE_REPORT"}
    assert codes(ctx(claims_last_year=3)) == {"FREQUENT_CLAIMANT"}
    assert "LARGE_CLAIM" in codes(ctx(claimed_amount=Decimal("60000.01")))
    assert codes(ctx(claimed_amount=Decimal("3000"))) == {"ROUND_AMOUNT"}
    assert codes(ctx(risk_score=0.9, risk_reasons=["夜间报案"])) == {"HIGH_RISK_SCORE"}


def test_info_findings_do_not_block_straight_through_but_warnings_do() -> None:
    assert straight_through(review(ctx(claimed_amount=Decimal("3000"))), Decimal("3000"), Decimal("5000"))
    assert not straight_through(review(ctx(claims_last_year=5)), Decimal("3456.78"), Decimal("5000"))
