"""The demo's investigations: records consistent with the claims, conclusions the models train on."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimEvent
from claimops.demo import generator as g
from claimops.demo.bulk import seed_database
from claimops.demo.investigations import build
from claimops.demo.truth import ground_truth
from claimops.investigations import rules
from claimops.investigations.models import Investigation
from claimops.mining.data.loader import load_claims
from claimops.users.models import User

END = date(2026, 6, 30)


def test_demo_investigations_follow_the_claims_and_label_the_frauds(empty_engine: Engine) -> None:
    seed_database(empty_engine, claims=1500, seed=4, end=END)
    cutoff = datetime(2026, 6, 30, 16, tzinfo=UTC)  # the end of END in Shanghai
    with Session(empty_engine) as s:
        invs = s.scalars(select(Investigation)).all()
        claims = {c.id: c for c in s.scalars(select(Claim))}
        truth = {r.claim_id: r.pattern for r in s.execute(select(ground_truth))}
        staff = {u.id: u.username for u in s.scalars(select(User))}
        starts = {
            e.claim_id: e.at
            for e in s.scalars(select(ClaimEvent).where(ClaimEvent.action == "start_investigation"))
        }
    assert invs and len({i.claim_id for i in invs}) == len(invs)  # one investigation per claim
    # every claim that went through the investigation stage has one, opened when the stage started
    by_claim = {i.claim_id: i for i in invs}
    assert set(starts) <= set(by_claim)
    for claim_id, at in starts.items():
        assert by_claim[claim_id].opened_at == at
    planted = {cid for cid, p in truth.items() if p}
    investigated = planted & set(by_claim)
    assert len(investigated) >= 0.8 * len(planted)  # a working SIU sees most planted frauds
    for inv in invs:
        claim = claims[inv.claim_id]
        assert inv.trigger in rules.TRIGGERS and inv.reason
        assert staff[inv.investigator_id] == inv.investigator_name == staff[inv.opened_by]
        assert claim.reported_at <= inv.opened_at <= cutoff
        if inv.status == "open":
            assert inv.conclusion is None and inv.closed_at is None and inv.amount_saved == 0
            continue
        assert inv.status == "closed" and inv.closed_at is not None and inv.closed_at <= cutoff
        assert inv.opened_at <= inv.closed_at and inv.closed_by == inv.investigator_id
        assert inv.conclusion is not None
        # the rules the service holds a conclusion to
        rules.check_conclusion(inv.conclusion, inv.reason_codes, inv.amount_saved, claim.claimed_amount)
        # the planted truth decides the conclusion; a confirmed fraud saves what was not paid
        assert (inv.conclusion == "fraud_confirmed") == (inv.claim_id in planted)
        if inv.conclusion == "fraud_confirmed":
            assert inv.amount_saved == max(claim.claimed_amount - claim.paid_amount, Decimal(0))
        else:
            assert inv.amount_saved == 0
    conclusions = {i.conclusion for i in invs}
    assert {"fraud_confirmed", "not_confirmed", "inconclusive"} <= conclusions
    assert cutoff - max(i.opened_at for i in invs) < timedelta(days=60)  # recent ones too

    # the fraud label the models train on is the conclusion, not the planted truth
    frame = load_claims(empty_engine, ground_truth=False)
    confirmed = {i.claim_id for i in invs if i.conclusion == "fraud_confirmed"}
    labelled = set(frame.loc[frame["fraud"].astype(bool), "claim_id"].tolist())
    assert labelled == confirmed


def test_same_seed_same_investigations() -> None:
    data = g.generate(claims=800, seed=8, end=END)
    one, two = build(data, 8), build(data, 8)
    assert one.keys() == two.keys()
    for key in one:
        np.testing.assert_array_equal(one[key], two[key])
