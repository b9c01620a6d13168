"""Risk scores in use: the review scores a planted pattern and batch scoring agrees; no model, no score."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim, ClaimFinding
from claimops.claims.review import is_clean
from claimops.claims.schemas import ReportIn
from claimops.claims.service import report_claim, run_review
from claimops.claims.views import finding_message
from claimops.clock import local_date
from claimops.config import Settings
from claimops.mining.service.scoring import score_claims
from claimops.mining.service.training import train
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy
from factories import RISK_SCORER, make_policy, policy_json, staff_actor

END = date(2026, 6, 30)  # the demo fixture's last day
NIGHT = datetime(2026, 6, 29, 17, 40, tzinfo=UTC)  # 01:40 on 30 June in Shanghai


NOON = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)


def report(
    session: Session, settings: Settings, *, line: str, bought: date, amount: str, at: datetime
) -> Claim:
    holder = {"name": "王五", "id_number": "110101198506150015", "phone": "13900001111", "region": "上海"}
    body = policy_json(
        line=line,
        holder=holder,
        effective_from=bought.isoformat(),
        effective_to=(bought + timedelta(days=364)).isoformat(),
        sum_insured="200000.00",
    )
    actor = staff_actor(session, "handler1")
    policy = create_policy(session=session, actor=actor, cmd=PolicyIn(**body))
    cmd = ReportIn(
        policy_number=policy.policy_number,
        incident_date=local_date(at),
        claimed_amount=Decimal(amount),
        reported_at=at,
    )
    return report_claim(
        session=session, actor=actor, cmd=cmd, now=at, settings=settings, risk_scorer=RISK_SCORER
    )


def risk_findings(session: Session, claim: Claim) -> list[ClaimFinding]:
    return list(
        session.scalars(
            select(ClaimFinding).where(
                ClaimFinding.claim_id == claim.id, ClaimFinding.code.in_(["HIGH_RISK_SCORE", "RISK_SCORE"])
            )
        )
    )


def test_review_scores_a_planted_pattern_and_batch_agrees(demo: Engine, settings: Settings) -> None:
    with Session(demo, expire_on_commit=False) as session:
        train(session=session, kind="risk", settings=settings, trained_by="manager")
        session.commit()
    with Session(demo, expire_on_commit=False) as session:
        # pattern (a): an auto policy bought days before, a night report of the same day, round thousands
        staged = report(
            session, settings, line="auto", bought=END - timedelta(days=6), amount="20000", at=NIGHT
        )
        plain = report(
            session, settings, line="auto", bought=END - timedelta(days=200), amount="3456.78", at=NOON
        )
        assert staged.risk_score is not None and staged.risk_score >= settings.risk_threshold
        assert plain.risk_score is not None and plain.risk_score < 0.05
        [high] = risk_findings(session, staged)
        assert (high.code, high.severity, high.params["score"]) == (
            "HIGH_RISK_SCORE",
            "warn",
            round(staged.risk_score, 3),
        )
        keys = [r["key"] for r in high.params["reasons"]]
        assert 1 <= len(keys) <= 3 and set(keys) & {
            "mining.reason.policy_age",
            "mining.reason.night",
            "mining.reason.round",
        }
        if "mining.reason.policy_age" in keys:
            i = keys.index("mining.reason.policy_age")
            assert high.params["reasons"][i]["params"] == {"value": 6}
        zh = finding_message(high.code, high.params, "zh")
        en = finding_message(high.code, high.params, "en")
        assert zh.startswith(f"风险评分 {round(staged.risk_score, 3)}：") and "mining.reason" not in zh
        assert en.startswith(f"Risk score {round(staged.risk_score, 3)}: ") and "mining.reason" not in en
        # the ordinary claim: no model warning (an info line at most), so it may still go straight through
        assert all(f.code == "RISK_SCORE" and f.severity == "info" for f in risk_findings(session, plain))
        review_scores = {staged.id: staged.risk_score, plain.id: plain.risk_score}
        session.commit()

    with Session(demo, expire_on_commit=False) as session:
        result = score_claims(session=session, settings=settings, open_only=True)
        session.commit()
    with Session(demo, expire_on_commit=False) as session:
        n_open = session.scalar(
            select(func.count()).where(Claim.status.not_in(["closed", "rejected", "withdrawn"]))
        )
        assert result.scored == n_open and result.findings == n_open and result.version == 1
        for claim_id, score in review_scores.items():
            # the batch path (feature table) and the review path (one claim) give the same score
            assert session.get(Claim, claim_id).risk_score == pytest.approx(score, rel=1e-9)
        high = session.scalar(select(func.count()).where(ClaimFinding.code == "HIGH_RISK_SCORE"))
        assert high == result.high
        scored = session.scalar(select(func.count()).where(Claim.risk_score.is_not(None)))
        assert scored == n_open


def test_without_a_model_the_review_is_unchanged(session: Session, settings: Settings) -> None:
    policy = make_policy(session, line="auto")
    actor = staff_actor(session, "handler")
    claim = report_claim(
        session=session,
        actor=actor,
        cmd=ReportIn(
            policy_number=policy.policy_number, incident_date=date.today(), claimed_amount=Decimal("3000")
        ),
        now=datetime.now(UTC),
        settings=settings,
        risk_scorer=RISK_SCORER,
    )
    findings = run_review(session=session, claim=claim, settings=settings, risk_scorer=RISK_SCORER)
    assert claim.risk_score is None
    assert not {f.code for f in findings} & {"HIGH_RISK_SCORE", "RISK_SCORE"}
    assert is_clean(findings) == all(f.severity == "info" for f in findings)
