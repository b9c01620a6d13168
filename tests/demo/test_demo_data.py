from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimTiming, Decision
from claimops.claims.settlement import PolicyTerms, payable
from claimops.claims.timing import stage_durations
from claimops.demo.bulk import seed_database
from claimops.demo.generator import generate
from claimops.demo.truth import ground_truth
from claimops.payments.models import Payment
from claimops.policies.models import Policy

END = date(2026, 9, 30)


def fingerprint(seed: int) -> list[tuple[str, str, str, str]]:
    return [
        (c.line, str(c.claimed), c.reported_at.isoformat(), c.outcome or "")
        for c in generate(300, seed, END).claims
    ]


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert fingerprint(7) == fingerprint(7)
    assert fingerprint(7) != fingerprint(8)


def test_mix_fraud_and_seasonality_are_realistic() -> None:
    data = generate(6000, 3, END)
    lines = Counter(c.line for c in data.claims)
    assert 0.50 < lines["auto"] / 6000 < 0.60 and 0.25 < lines["health"] / 6000 < 0.35
    fraud = sum(c.fraud for c in data.claims) / 6000
    assert 0.02 <= fraud <= 0.06
    patterns = {c.pattern for c in data.claims if c.fraud}
    assert patterns == {"auto_early_night_round", "health_provider_ring", "property_near_expiry_large"}
    outcomes = Counter(c.outcome for c in data.claims if c.outcome)
    assert 0.05 < outcomes["denied"] / sum(outcomes.values()) < 0.2
    auto_months = Counter(c.reported_at.month for c in data.claims if c.line == "auto")
    assert auto_months[1] + auto_months[12] > auto_months[5] + auto_months[9]  # winter peak
    assert any(c.reopened for c in data.claims)


def test_seeded_database_follows_the_rules(empty_engine: Engine) -> None:
    report = seed_database(empty_engine, claims=800, seed=11, end=END, password="demo-pass-2026")
    assert report.claims == 800
    with Session(empty_engine) as s:
        assert s.scalar(select(func.count(Claim.id))) == 800
        # approved amounts are what the settlement rule gives
        rows = s.execute(
            select(
                Decision.assessed_loss,
                Decision.approved_amount,
                Policy.effective_from,
                Policy.effective_to,
                Policy.sum_insured,
                Policy.deductible,
                Policy.coinsurance_rate,
            )
            .join(Claim, Claim.id == Decision.claim_id)
            .join(Policy, Policy.id == Claim.policy_id)
            .where(Decision.outcome != "denied")
        ).all()
        assert len(rows) > 500
        for assessed, approved, f, t, si, ded, rate in rows:
            assert approved == payable(assessed, PolicyTerms(f, t, si, ded, rate))[0]
        # payments never exceed the approval; one per decision
        over = s.scalar(
            select(func.count())
            .select_from(Payment)
            .join(Decision, Decision.id == Payment.decision_id)
            .where(Payment.amount > Decision.approved_amount)
        )
        assert over == 0
        # timings equal the definition recomputed from the stored events
        for claim in s.scalars(select(Claim).order_by(Claim.id).limit(150)):
            d = stage_durations(claim.events)
            t_row = s.get(ClaimTiming, claim.id)
            assert t_row is not None
            assert (t_row.acceptance_s, t_row.review_s, t_row.payment_s, t_row.handling_s) == (
                d.acceptance,
                d.review,
                d.payment,
                d.handling,
            )
        truth = s.execute(select(ground_truth.c.fraud, func.count()).group_by(ground_truth.c.fraud)).all()
        assert sum(n for _, n in truth) == 800 and dict(truth).get(True, 0) > 10
        assert "fraud" not in Claim.__table__.c  # ground truth is not on the claim
    with pytest.raises(ValueError, match="already holds claims"):
        seed_database(empty_engine, claims=10, seed=1, end=END)
