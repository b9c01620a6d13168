"""Handling-time and settlement models: targets from finished claims only, metrics by hand, an interval that
is an interval, and a model that beats the line median when the amount carries the signal."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from claimops.errors import ValidationFailed
from claimops.mining.estimators.features import FeatureBuilder
from claimops.mining.estimators.predictions import OutcomeModel, outcome_metrics, outcome_target
from claimops.mining.estimators.risk import time_split
from factories import synthetic_claims


def test_targets_come_from_finished_claims() -> None:
    labels = pd.DataFrame(
        {"handling_days": [3.0, np.nan, 10.0, 4.0], "paid_amount": [100.0, 0.0, np.nan, 50.0]}
    )
    status = pd.Series(["closed", "closed", "rejected", "investigating"])
    days, known = outcome_target("handling_time", labels, status)
    assert known.tolist() == [1.0, 0.0, 1.0, 0.0] and days[0] == 3.0
    paid, known = outcome_target("settlement", labels, status)
    # a rejected claim settles at 0 (its paid amount is missing); an open one is not known yet
    assert paid.tolist() == [100.0, 0.0, 0.0, 50.0] and known.tolist() == [1.0, 1.0, 1.0, 0.0]
    with pytest.raises(ValidationFailed):
        outcome_target("reserve", labels, status)


def test_metrics_by_hand() -> None:
    predicted = pd.DataFrame({"low": [1.0, 2.0, 5.0], "median": [2.0, 4.0, 6.0], "high": [3.0, 5.0, 9.0]})
    m = outcome_metrics([2.5, 6.0, 7.0], predicted, [3.0, 3.0, 3.0])
    # |2.5-2| + |6-4| + |7-6| = 3.5 over 3; baseline |2.5-3| + 3 + 4 = 7.5 over 3
    assert m["mae"] == pytest.approx(3.5 / 3) and m["mae_baseline"] == pytest.approx(7.5 / 3)
    assert m["beats_baseline"] and m["skill"] == pytest.approx(1 - 3.5 / 7.5)
    assert m["coverage80"] == pytest.approx(2 / 3)  # 6.0 lies above its interval [2, 5]


@pytest.fixture(scope="module")
def handled() -> tuple[pd.DataFrame, np.ndarray]:
    frame = synthetic_claims(1500, seed=5)
    features = FeatureBuilder().fit_transform(frame).features
    rng = np.random.default_rng(5)
    # handling days grow with the claimed amount within every line: the line median cannot see it
    amount = features["claimed_amount"].to_numpy()
    days = 2 + 3 * np.log1p(amount / 1000) * rng.lognormal(0, 0.15, len(amount))
    return features, days


def test_beats_the_line_median_on_later_claims(handled: tuple[pd.DataFrame, np.ndarray]) -> None:
    features, days = handled
    test = time_split(pd.Series(features.index), 0.25)  # claim ids follow the report order here
    model = OutcomeModel("handling_time").fit(features[~test], days[~test])
    predicted = model.predict(features[test])
    assert (predicted["low"] <= predicted["median"]).all() and (
        predicted["median"] <= predicted["high"]
    ).all()
    m = outcome_metrics(days[test], predicted, model.baseline(features[test]))
    assert m["beats_baseline"] and m["mae"] < 0.6 * m["mae_baseline"]
    assert 0.6 <= m["coverage80"] <= 0.95
    line_median = pd.Series(days[~test]).groupby(features["line"][~test].astype(str).to_numpy()).median()
    assert model.line_median_ == pytest.approx(line_median.to_dict())


def test_refuses_too_few_finished_claims(handled: tuple[pd.DataFrame, np.ndarray]) -> None:
    features, days = handled
    with pytest.raises(ValidationFailed, match="120 finished claims") as err:
        OutcomeModel("settlement").fit(features.head(120), days[:120])
    assert err.value.code == "NOT_ENOUGH_DATA"
