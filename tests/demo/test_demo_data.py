from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimTiming, Decision
from claimops.claims.settlement import PolicyTerms, payable
from claimops.claims.timing import stage_durations
from claimops.demo import generator as g
from claimops.demo.bulk import seed_database
from claimops.demo.generator import generate
from claimops.demo.truth import ground_truth
from claimops.payments.models import Payment
from claimops.policies.models import Policy

END = date(2026, 9, 30)


def fingerprint(seed: int) -> list[tuple[int, int, int, int]]:
    c = generate(300, seed, END).claims
    return list(
        zip(
            c["line"].tolist(),
            c["claimed"].tolist(),
            c["reported_at"].tolist(),
            c["outcome"].tolist(),
            strict=True,
        )
    )


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert fingerprint(7) == fingerprint(7)
    assert fingerprint(7) != fingerprint(8)


def test_mix_fraud_and_seasonality_are_realistic() -> None:
    data = generate(6000, 3, END)
    c, n = data.claims, 6000
    share = np.bincount(c["line"], minlength=len(g.LINES)) / n
    assert 0.50 < share[g.AUTO] < 0.60 and 0.25 < share[g.HEALTH] < 0.35
    fraud = data.truth["fraud"]
    assert 0.02 <= fraud.mean() <= 0.06
    patterns = {g.PATTERNS[p] for p in np.unique(data.truth["pattern"][fraud])}
    assert patterns == {"auto_early_night_round", "health_repeat_provider", "property_near_expiry_large"}
    decided = c["outcome"] >= 0
    assert 0.05 < (c["outcome"][decided] == g.DENIED).mean() < 0.2
    # Shanghai months of auto reports: winter peak
    local_days = (c["reported_at"] + g.SHANGHAI_OFFSET) // g.DAY
    months = np.array([g.to_date(d).month for d in local_days[c["line"] == g.AUTO]])
    assert np.isin(months, (1, 12)).sum() > np.isin(months, (5, 9)).sum()
    assert (c["reopen_count"] > 0).any()


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
    with pytest.raises(ValueError, match="already holds 800 claims"):
        seed_database(empty_engine, claims=10, seed=1, end=END)
