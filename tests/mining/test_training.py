"""Training on seeded demo data (both databases): metrics and data range recorded, too little data refused
with nothing overwritten, the review scoring a planted-pattern claim, batch scoring, and the commands."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from claimops.claims.models import Claim, ClaimFinding
from claimops.claims.review import is_clean
from claimops.claims.schemas import ReportIn
from claimops.claims.service import report_claim, run_review
from claimops.claims.views import finding_message
from claimops.cli import app
from claimops.clock import local_date
from claimops.config import Settings, get_settings
from claimops.demo.bulk import seed_database
from claimops.errors import ValidationFailed
from claimops.mining.data.loader import load_claims
from claimops.mining.service.scoring import predict_open_claims, score_claims
from claimops.mining.service.training import fit_kind, train
from claimops.mining.store import registry
from claimops.policies.schemas import PolicyIn
from claimops.policies.service import create_policy
from factories import make_policy, policy_json, staff_actor

END = date(2026, 6, 30)
CLAIMS = 3_000
NIGHT = datetime(2026, 6, 29, 17, 40, tzinfo=UTC)  # 01:40 on 30 June in Shanghai
NOON = datetime(2026, 6, 30, 4, 0, tzinfo=UTC)


@pytest.fixture
def demo(empty_engine: Engine) -> Engine:
    seed_database(empty_engine, claims=CLAIMS, seed=11, end=END)
    return empty_engine


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
    return report_claim(session=session, actor=actor, cmd=cmd, now=at, settings=settings)


def risk_findings(session: Session, claim: Claim) -> list[ClaimFinding]:
    return list(
        session.scalars(
            select(ClaimFinding).where(
                ClaimFinding.claim_id == claim.id, ClaimFinding.code.in_(["HIGH_RISK_SCORE", "RISK_SCORE"])
            )
        )
    )


def test_train_risk_records_metrics_and_range_and_refuses_too_little(
    demo: Engine, settings: Settings
) -> None:
    with Session(demo, expire_on_commit=False) as session:
        row = train(session=session, kind="risk", settings=settings, trained_by="manager")
        session.commit()
        first, last = session.execute(select(func.min(Claim.reported_at), func.max(Claim.reported_at))).one()
    assert (row.kind, row.version, row.current, row.trained_by) == ("risk", 1, True, "manager")
    assert (row.training_from, row.training_to) == (local_date(first), local_date(last))
    m = row.metrics
    assert row.n_samples == CLAIMS and m["n_train"] + m["n_test"] == CLAIMS and m["target"] == "fraud"
    assert m["train_to"] <= m["test_from"]  # the hold-out is the latest claims
    assert m["roc_auc"] > 0.9 and m["precision_at_capacity"] > 5 * m["base_rate"]
    assert m["brier"] < m["brier_base_rate"] and m["investigated"] == -(-m["n_test"] * 5 // 100)
    assert sum(b["n"] for b in m["reliability"]) == m["n_test"]

    frame = load_claims(demo)
    with pytest.raises(ValidationFailed) as err:
        fit_kind("risk", frame.head(150))
    assert err.value.code == "NOT_ENOUGH_DATA" and "150 claims" in err.value.message
    with Session(demo, expire_on_commit=False) as session:
        assert [(m.version, m.current) for m in registry.history(session, "risk")] == [(1, True)]


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


def test_outcome_models_and_open_claim_predictions(demo: Engine, settings: Settings) -> None:
    with Session(demo, expire_on_commit=False) as session:
        handling = train(session=session, kind="handling_time", settings=settings, trained_by="cli")
        settlement = train(session=session, kind="settlement", settings=settings, trained_by="cli")
        session.commit()
    for row, unit in ((handling, "days"), (settlement, "CNY")):
        m = row.metrics
        assert m["unit"] == unit and m["baseline"] == "line median" and m["n_test"] > 100
        assert m["beats_baseline"] == (m["mae"] < m["mae_baseline"])
        assert 0.5 < m["coverage80"] <= 1.0
    assert settlement.metrics["beats_baseline"]  # the claimed amount says much about the settlement
    with Session(demo, expire_on_commit=False) as session:
        table = predict_open_claims(session=session, settings=settings)
        n_open = session.scalar(
            select(func.count()).where(Claim.status.not_in(["closed", "rejected", "withdrawn"]))
        )
    assert len(table) == n_open
    for kind in ("handling_time_days", "settlement_cny"):
        assert (table[f"{kind}_low"] <= table[f"{kind}_median"]).all()
        assert (table[f"{kind}_median"] <= table[f"{kind}_high"]).all()


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
    )
    findings = run_review(session=session, claim=claim, settings=settings)
    assert claim.risk_score is None
    assert not {f.code for f in findings} & {"HIGH_RISK_SCORE", "RISK_SCORE"}
    assert is_clean(findings) == all(f.severity == "info" for f in findings)


@pytest.fixture
def cli_database(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> Iterator[Engine]:
    monkeypatch.setenv("CLAIMOPS_DATABASE_URL", empty_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CLAIMOPS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield empty_engine
    get_settings.cache_clear()


def test_commands_refuse_too_little_data_and_save_nothing(cli_database: Engine) -> None:
    seed_database(cli_database, claims=120, seed=3, end=END)
    runner = CliRunner()
    for kind in ("risk", "handling_time", "settlement"):
        result = runner.invoke(app, ["train", kind])
        assert result.exit_code == 2, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: not enough data for the"), result.stderr
    scored = runner.invoke(app, ["score", "--open"])
    assert scored.exit_code == 2 and "no risk model yet" in scored.stderr
    with Session(cli_database, expire_on_commit=False) as session:
        assert registry.history(session, "risk") == [] and registry.history(session, "settlement") == []
