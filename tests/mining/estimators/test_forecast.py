"""Forecasts: back-test against seasonal naive, honest fallback, interval coverage, the SQL loader, CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from claimops.errors import ValidationFailed
from claimops.mining.estimators.forecast import BASELINE, Z80, Z95, Forecaster

ADDITIVE = ["ETS(A,N,A)", "ETS(A,A,A)", "ETS(A,Ad,A)"]


def trend_season(seed: int, n: int) -> np.ndarray:
    """Linear trend, two seasonal harmonics, Gaussian noise (sd 10)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return (
        200
        + 2.5 * t
        + 40 * np.sin(2 * np.pi * t / 12)
        + 15 * np.cos(2 * np.pi * t / 6)
        + rng.normal(0, 10, n)
    )


def seasonal_random_walk(seed: int, n: int) -> np.ndarray:
    """Each month is the same month a year earlier plus white noise: seasonal naive is the best forecast.

    (A fixed seasonal pattern plus white noise would not do: a model that averages the seasons beats
    seasonal naive there, as it should.)
    """
    rng = np.random.default_rng(seed)
    y = list(300 + 40 * np.sin(2 * np.pi * np.arange(12) / 12) + rng.normal(0, 10, 12))
    for i in range(12, n):
        y.append(y[i - 12] + rng.normal(0, 10))
    return np.array(y)


def monthly(values: np.ndarray, start: str = "2020-01") -> pd.Series:
    return pd.Series(values, index=pd.period_range(start, periods=len(values), freq="M"))


# -- the estimator -------------------------------------------------------------------------------


def test_trend_and_season_beat_seasonal_naive() -> None:
    model = Forecaster(horizon=6).fit(monthly(trend_season(7, 60)))
    assert model.beats_baseline_ and model.method_ != BASELINE and model.method_ == model.best_candidate_
    bt = model.backtest_
    assert bt.loc[model.method_, "mase"] <= 0.95 * bt.loc[BASELINE, "mase"]
    assert bt.loc[model.method_, "mae"] < bt.loc[BASELINE, "mae"]
    assert set(bt.columns) >= {"mae", "mase", "smape", "coverage80", "coverage95", "n_origins", "n_points"}
    assert (bt["n_origins"] == 12).all() and (bt["n_points"] == 72).all()
    fc = model.forecast_
    assert list(fc.columns) == ["period", "mean", "lo80", "hi80", "lo95", "hi95"]
    assert list(fc["period"]) == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    assert (fc["lo95"] <= fc["lo80"]).all() and (fc["lo80"] <= fc["mean"]).all()
    assert (fc["mean"] <= fc["hi80"]).all() and (fc["hi80"] <= fc["hi95"]).all()
    assert "beat the seasonal-naive baseline" in model.note_ and model.method_ in model.note_
    out = model.to_dict(decimals=2)
    assert out["beats_baseline"] is True and out["method"] == model.method_
    assert len(out["forecast"]) == 6 and out["backtest"][BASELINE]["n_points"] == 72
    json.dumps(out)  # plain Python all the way down


def test_intervals_cover_held_out_values_at_about_their_nominal_rate() -> None:
    inside80 = inside95 = total = 0
    for seed in range(30):
        y = trend_season(1000 + seed, 66)
        fc = Forecaster(horizon=6, candidates=ADDITIVE, max_origins=6).fit(y[:60]).forecast_
        truth = y[60:]
        inside80 += int(((truth >= fc["lo80"]) & (truth <= fc["hi80"])).sum())
        inside95 += int(((truth >= fc["lo95"]) & (truth <= fc["hi95"])).sum())
        total += len(truth)
    assert 0.70 <= inside80 / total <= 0.90
    assert 0.88 <= inside95 / total <= 0.995


@pytest.mark.parametrize("seed", [0, 2, 4])
def test_seasonal_random_walk_honestly_falls_back_to_seasonal_naive(seed: int) -> None:
    y = seasonal_random_walk(seed, 60)
    model = Forecaster(horizon=6).fit(monthly(y))
    assert not model.beats_baseline_
    assert model.method_ == BASELINE
    assert model.best_candidate_ is not None and model.best_candidate_ != BASELINE
    assert model.note_.startswith("No model beat the seasonal-naive baseline")
    # The forecast is last year's months, with the seasonal-naive intervals (widened only if needed).
    fc = model.forecast_
    np.testing.assert_allclose(fc["mean"], y[48:54])
    sigma = np.sqrt(np.mean((y[12:] - y[:-12]) ** 2))
    np.testing.assert_allclose(fc["hi80"] - fc["mean"], Z80 * sigma * model.interval_scale_["80"])
    np.testing.assert_allclose(fc["mean"] - fc["lo95"], Z95 * sigma * model.interval_scale_["95"])
    out = model.to_dict()
    assert out["beats_baseline"] is False and out["method"] == BASELINE


def test_seasonal_naive_intervals_by_hand() -> None:
    # Seasonal differences alternate +3 and −3 → σ = 3; steps beyond one season are √2 wider.
    season = np.array([10.0, 20.0, 30.0, 40.0])
    y = np.concatenate([season, season + 3, season, season + 3])
    model = Forecaster(
        horizon=6, season_length=4, candidates=[], nonnegative=False, calibrate_intervals=False
    ).fit(y[:16].tolist() + [10.0, 20.0])
    fc = model.forecast_
    assert model.method_ == BASELINE and model.best_candidate_ is None
    assert list(fc["period"]) == [18, 19, 20, 21, 22, 23]  # positions: the input has no period index
    np.testing.assert_allclose(fc["mean"], [33.0, 43.0, 10.0, 20.0, 33.0, 43.0])
    diffs = np.array(y[4:16].tolist() + [10.0, 20.0]) - np.array(y[:14])
    sigma = np.sqrt(np.mean(diffs**2))
    widths = Z95 * sigma * np.array([1, 1, 1, 1, np.sqrt(2), np.sqrt(2)])
    np.testing.assert_allclose(fc["hi95"] - fc["mean"], widths)
    np.testing.assert_allclose(fc["mean"] - fc["lo95"], widths)


def test_too_short_series_is_not_enough_data() -> None:
    with pytest.raises(ValidationFailed) as err:
        Forecaster(horizon=6).fit(monthly(trend_season(1, 29)))
    assert err.value.code == "NOT_ENOUGH_DATA"
    assert "29 months" in err.value.message and "at least 30" in err.value.message
    with pytest.raises(ValidationFailed) as err:
        Forecaster(horizon=4, season_length=4).fit(pd.Series([], dtype=float))
    assert err.value.code == "NOT_ENOUGH_DATA"
    Forecaster(horizon=6, candidates=ADDITIVE, max_origins=2).fit(monthly(trend_season(1, 30)))  # just enough


def test_bad_input_is_refused_clearly() -> None:
    y = trend_season(3, 40)
    y[5] = np.nan
    with pytest.raises(ValidationFailed) as err:
        Forecaster().fit(y)
    assert err.value.code == "BAD_SERIES"
    with pytest.raises(ValidationFailed) as err:
        Forecaster(candidates=["ARIMA(9,9,9)"]).fit(trend_season(3, 40))
    assert err.value.code == "BAD_OPTION"
    with pytest.raises(ValidationFailed) as err:
        Forecaster(horizon=0).fit(trend_season(3, 40))
    assert err.value.code == "BAD_OPTION"


def test_zeros_rule_out_multiplicative_models_and_clip_at_zero() -> None:
    rng = np.random.default_rng(5)
    y = rng.poisson(0.5, 40).astype(float)  # a sparse line: many months without a claim
    model = Forecaster(horizon=6).fit(y)
    assert {"ETS(M,N,M)", "ETS(M,A,M)", "ETS(M,Ad,M)"} <= set(model.failed_)
    assert (model.forecast_[["mean", "lo80", "lo95"]] >= 0).all().all()


def test_quarterly_series_are_labelled_by_quarter() -> None:
    model = Forecaster(horizon=2, season_length=4, candidates=ADDITIVE).fit(
        pd.Series(trend_season(2, 16), index=pd.period_range("2021Q1", periods=16, freq="Q"))
    )
    assert list(model.forecast_["period"]) == ["2025-Q1", "2025-Q2"]


# -- the SQL loader --------------------------------------------------------------------------------


# -- end to end on an empty database: loader, forecast_lines and the CLI -----------------------------
