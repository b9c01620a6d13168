"""Risk model: metrics reconciled by hand, exact reasons, the one-claim features equal the feature table's,
refusal on too little data, a planted pattern found on a time-ordered hold-out."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np
import pandas as pd
import pytest

from claimops.errors import ValidationFailed
from claimops.mining.estimators.features import FeatureBuilder
from claimops.mining.estimators.risk import (
    INPUTS,
    RiskModel,
    report_features,
    risk_metrics,
    risk_target,
    time_split,
)
from factories import synthetic_claims


def test_metrics_by_hand() -> None:
    y = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    p = [0.9, 0.8, 0.7, 0.3, 0.2, 0.2, 0.1, 0.1, 0.1, 0.0]
    m = risk_metrics(y, p, capacity=0.2)
    # top 2 of 10: claims 0 (fraud) and 1 (not): precision 1/2, recall 1/2 of the 2 frauds
    assert (m["investigated"], m["precision_at_capacity"], m["recall_at_capacity"]) == (2, 0.5, 0.5)
    assert m["lift_at_capacity"] == pytest.approx(0.5 / 0.2)
    assert m["threshold_at_capacity"] == 0.8
    # AUC: of the 2 × 8 (fraud, other) pairs, the fraud scores higher in all but (0.7 vs 0.8): 15/16
    assert m["roc_auc"] == pytest.approx(15 / 16)
    brier = (0.1**2 + 0.8**2 + 0.3**2 + 0.3**2 + 0.2**2 + 0.2**2 + 3 * 0.1**2 + 0.0) / 10
    assert m["brier"] == pytest.approx(brier)
    assert m["brier_base_rate"] == pytest.approx((2 * 0.8**2 + 8 * 0.2**2) / 10)
    # reliability by decile of score (one claim each here): the top one is the 0.9 fraud
    assert len(m["reliability"]) == 10 and m["reliability"][-1] == {
        "n": 1,
        "mean_predicted": 0.9,
        "observed_rate": 1.0,
    }


def test_time_split_holds_out_the_latest() -> None:
    stamps = pd.to_datetime(["2025-03-01", "2025-01-01", "2025-02-01", "2025-04-01", "2025-05-01"], utc=True)
    assert time_split(pd.Series(stamps), 0.4).tolist() == [False, False, False, True, True]


def test_target_prefers_ground_truth_else_denied_after_investigation() -> None:
    labels = pd.DataFrame(
        {
            "investigated": [True, True, False, True],
            "denied": [True, False, True, True],
            "fraud": [False, True, False, False],
        }
    )
    truth = risk_target(labels)
    assert truth.target == "fraud" and truth.y.tolist() == [False, True, False, False]
    status = pd.Series(["closed", "closed", "rejected", "investigating"])
    other = risk_target(labels.drop(columns="fraud"), status)
    assert other.target == "investigated_denied"
    assert other.y.tolist() == [True, False, False, True] and other.usable.tolist() == [
        True,
        True,
        True,
        False,
    ]


@pytest.fixture(scope="module")
def fitted() -> tuple[FeatureBuilder, RiskModel, pd.DataFrame, pd.DataFrame]:
    frame = synthetic_claims(3000, seed=1)
    builder = FeatureBuilder().fit(frame)
    table = builder.transform(frame)
    y = risk_target(table.labels).y
    test = time_split(frame["reported_at"], 0.25)
    model = RiskModel().fit(table.features[~test], y[~test])
    return builder, model, frame[test], table.features[test]


def test_planted_pattern_is_found_on_the_later_claims(
    fitted: tuple[FeatureBuilder, RiskModel, pd.DataFrame, pd.DataFrame],
) -> None:
    _, model, frame, features = fitted
    y = frame["fraud"].to_numpy(dtype=bool)
    m = risk_metrics(y, model.score(features), capacity=0.05)
    # more staged claims than the capacity: every investigated claim is one, recall is capped by capacity
    assert m["positives"] > m["investigated"] and m["roc_auc"] > 0.99
    assert m["precision_at_capacity"] == 1.0
    assert m["recall_at_capacity"] == m["investigated"] / m["positives"]
    assert m["brier"] < m["brier_base_rate"] / 5


def test_reasons_are_the_model_arithmetic(
    fitted: tuple[FeatureBuilder, RiskModel, pd.DataFrame, pd.DataFrame],
) -> None:
    _, model, frame, features = fitted
    contrib = model.contributions(features)
    np.testing.assert_allclose(contrib.sum(axis=1) + model.intercept_, model.decision_function(features))
    staged = int(np.flatnonzero(frame["fraud"].to_numpy(dtype=bool))[0])
    row = features.iloc[[staged]]
    reasons = model.reasons(row)[0]
    keys = [r["key"] for r in reasons]
    assert len(keys) == 3 and set(keys) <= {
        "mining.reason.policy_age",
        "mining.reason.night",
        "mining.reason.round",
        "mining.reason.report_delay",
        "mining.reason.amount",
    }
    assert "mining.reason.policy_age" in keys or "mining.reason.night" in keys
    named = dict(zip(list(_groups()), contrib[staged], strict=True))
    assert named[keys[0].rsplit(".", 1)[1]] == max(named.values())  # the largest share comes first
    night = next((r for r in reasons if r["key"] == "mining.reason.night"), None)
    if night is not None:
        assert night["params"] == {"value": 2}


def _groups() -> list[str]:
    from claimops.mining.estimators.risk import GROUPS

    return list(GROUPS)


def test_one_claim_features_equal_the_feature_table(
    fitted: tuple[FeatureBuilder, RiskModel, pd.DataFrame, pd.DataFrame],
) -> None:
    builder, model, frame, features = fitted
    for i in range(0, len(frame), 97):
        claim = frame.iloc[i]
        expected = features.iloc[i]
        one = report_features(
            line=claim["line"],
            region=claim["region"],
            channel=claim["channel"],
            claimed_amount=float(claim["claimed_amount"]),
            sum_insured=float(claim["sum_insured"]),
            incident_date=claim["incident_date"].date(),
            effective_from=claim["effective_from"].date(),
            effective_to=claim["effective_to"].date(),
            reported_at=claim["reported_at"].to_pydatetime(),
            prior_claims=int(expected["prior_claims"]),
            same_provider_prior=int(expected["same_provider_prior"]),
            birth_date=claim["birth_date"].date(),
            gender=claim["gender"],
            params=builder.get_params(),
        )
        for name in INPUTS:
            got, want = one[name], expected[name]
            if isinstance(want, float) and np.isnan(want):
                assert np.isnan(got), name
            else:
                assert got == want, (name, got, want)
        assert model.score(one)[0] == pytest.approx(model.score(features.iloc[[i]])[0], rel=1e-12)


def test_one_claim_from_plain_values() -> None:
    params = FeatureBuilder().get_params()
    row = report_features(
        line="auto",
        region="上海",
        channel="APP",
        claimed_amount=20_000.0,
        sum_insured=100_000.0,
        incident_date=date(2026, 3, 1),
        effective_from=date(2026, 2, 20),
        effective_to=date(2027, 2, 19),
        reported_at=datetime(2026, 2, 28, 17, 30, tzinfo=UTC),  # 01:30 on 1 March in Shanghai
        prior_claims=0,
        same_provider_prior=0,
        birth_date=date(1990, 3, 2),
        gender="M",
        params=params,
    )
    assert row["policy_age_days"] == 9 and row["early_claim"] and row["days_to_report"] == 0
    assert row["report_hour"] == 1 and row["night_report"] and row["round_amount"]
    assert row["claim_ratio"] == 0.2 and row["customer_age"] == 35 and row["days_to_expiry"] == 355


def test_refuses_too_little_data_naming_the_counts() -> None:
    frame = synthetic_claims(150, seed=2)
    table = FeatureBuilder().fit_transform(frame)
    y = risk_target(table.labels).y
    with pytest.raises(ValidationFailed) as err:
        RiskModel().fit(table.features, y)
    assert err.value.code == "NOT_ENOUGH_DATA"
    assert (
        f"150 claims with {int(y.sum())} positive" in err.value.message
        and "at least 200" in err.value.message
    )
    big = synthetic_claims(400, seed=3, fraud_share=0.01)
    table = FeatureBuilder().fit_transform(big)
    with pytest.raises(ValidationFailed, match="need at least 200 claims and 20 positive"):
        RiskModel().fit(table.features, risk_target(table.labels).y)
