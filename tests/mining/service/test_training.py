"""Training on seeded demo data (both databases): metrics and data range recorded, too little data refused
with nothing overwritten, the review scoring a planted-pattern claim, batch scoring, and the commands."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from claimops.claims.models import Claim
from claimops.clock import local_date
from claimops.config import Settings
from claimops.errors import ValidationFailed
from claimops.mining.data.loader import load_claims
from claimops.mining.service.scoring import predict_open_claims
from claimops.mining.service.training import fit_kind, train
from claimops.mining.store import registry

CLAIMS = 3_000  # the demo fixture's


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
