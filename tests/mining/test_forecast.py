"""Forecasts: back-test against seasonal naive, honest fallback, interval coverage, the SQL loader, CLI."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import claimops.clock
import claimops.db
from claimops.cli import app
from claimops.config import Settings
from claimops.db import unit_of_work
from claimops.errors import ValidationFailed
from claimops.mining.cli import last_complete_month
from claimops.mining.data.series import monthly_series, to_quarterly
from claimops.mining.estimators.forecast import BASELINE, Z80, Z95, Forecaster
from claimops.mining.service.forecasting import forecast_lines
from claimops.users.service import create_user
from factories import PASSWORD, STAFF, Walk, at, make_policy

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


def test_to_quarterly_keeps_complete_quarters_only() -> None:
    idx = pd.period_range("2024-02", "2025-07", freq="M", name="month")
    frame = pd.DataFrame({"claims": np.arange(len(idx)), "paid": np.ones(len(idx))}, index=idx)
    q = to_quarterly(frame)
    assert [str(p) for p in q.index] == ["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    assert q.loc[pd.Period("2024Q2", freq="Q"), "claims"] == 2 + 3 + 4  # Apr, May, Jun
    assert (q["paid"] == 3.0).all()
    model = Forecaster(horizon=2, season_length=4, candidates=ADDITIVE).fit(
        pd.Series(trend_season(2, 16), index=pd.period_range("2021Q1", periods=16, freq="Q"))
    )
    assert list(model.forecast_["period"]) == ["2025-Q1", "2025-Q2"]


# -- the SQL loader --------------------------------------------------------------------------------


def _paid_walk(w: Walk, assessed: str, decide_after: float = 1, pay_after: float = 1) -> Walk:
    return (
        w.do("accept", 0.25)
        .do("start_review", 0.25)
        .decide(decide_after, "approved", assessed)
        .pay(pay_after)
    )


def _month(frame: pd.DataFrame, label: str, column: str) -> Any:
    period = pd.Period(label, freq="M")
    return frame[column].get(period, 0)


def test_monthly_series_equals_hand_counts(session: Session, settings: Settings) -> None:
    through = "2025-06"
    before = {line: monthly_series(session, line=line, through=through) for line in (None, "health", "auto")}
    span = {"effective_from": "2024-06-01", "effective_to": "2026-06-30"}
    health = make_policy(session, line="health", deductible="0.00", coinsurance_rate="0", **span)
    auto = make_policy(session, line="auto", **span)  # pays (assessed − 500) × 0.9

    # January (Shanghai): A reported and paid 1,000; B reported, rejected.
    _paid_walk(Walk(session, settings, health, at(2025, 1, 10), "1000"), "1000")
    Walk(session, settings, auto, at(2025, 1, 20), "3000").do("reject", 1, reason_codes=["NOT_COVERED"])
    # 31 Jan 17:00 UTC is 1 Feb 01:00 in Shanghai: C counts in February, paid 2,000 there.
    _paid_walk(Walk(session, settings, health, datetime(2025, 1, 31, 17, tzinfo=UTC), "2000"), "2000")
    # D reported in March; decided 31 Mar 16:00 UTC and paid half an hour later, 1 Apr 00:30 in Shanghai.
    d = Walk(session, settings, auto, datetime(2025, 3, 30, 15, 30, tzinfo=UTC), "5500")
    d.do("accept", 0.5).do("start_review", 0.25).decide(0.25 + 1 / 48, "approved", "5500").pay(1 / 48)
    assert d.t == datetime(2025, 3, 31, 16, 30, tzinfo=UTC)
    # E: reported in April, still open. F: reported in July, after `through`.
    Walk(session, settings, health, at(2025, 4, 2), "800").do("accept", 1)
    Walk(session, settings, health, at(2025, 7, 2), "900")
    session.flush()

    def added(line: str | None, label: str, column: str) -> Any:
        after = monthly_series(session, line=line, through=through)
        return _month(after, label, column) - _month(before[line], label, column)

    expected_all = {
        "2025-01": (2, 1000.0),
        "2025-02": (1, 2000.0),
        "2025-03": (1, 0.0),
        "2025-04": (1, 4500.0),
        "2025-05": (0, 0.0),
        "2025-06": (0, 0.0),
    }
    for label, (count, paid) in expected_all.items():
        assert added(None, label, "claims") == count, label
        assert added(None, label, "paid") == pytest.approx(paid), label
    assert [added("health", m, "claims") for m in expected_all] == [1, 1, 0, 1, 0, 0]
    assert [added("health", m, "paid") for m in expected_all] == [1000.0, 2000.0, 0.0, 0.0, 0.0, 0.0]
    assert [added("auto", m, "claims") for m in expected_all] == [1, 0, 1, 0, 0, 0]
    assert [added("auto", m, "paid") for m in expected_all] == [0.0, 0.0, 0.0, 4500.0, 0.0, 0.0]

    frame = monthly_series(session, through=through)
    assert frame.index.freqstr.startswith("M") and frame.index.name == "month"
    assert str(frame.index[-1]) == "2025-06"  # zero-filled up to `through`
    assert frame["claims"].dtype == np.int64 and frame["paid"].dtype == np.float64
    assert len(frame.index) == frame.index[-1].ordinal - frame.index[0].ordinal + 1  # no gaps
    last3 = monthly_series(session, through=through, months=3)
    assert [str(p) for p in last3.index] == ["2025-04", "2025-05", "2025-06"]
    with pytest.raises(ValidationFailed) as err:
        monthly_series(session, line="marine")
    assert err.value.code == "UNKNOWN_LINE"
    with pytest.raises(ValidationFailed) as err:
        monthly_series(session, through="2025-13")
    assert err.value.code == "BAD_OPTION"


# -- end to end on an empty database: loader, forecast_lines and the CLI -----------------------------


@pytest.fixture
def cli_db(empty_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The CLI's unit_of_work() reaches this empty, migrated database."""
    with unit_of_work(empty_engine) as session:
        for username, role, limit in STAFF:
            create_user(
                session=session, username=username, password=PASSWORD, role=role, authority_limit=limit
            )
    monkeypatch.setattr(claimops.db, "get_engine", lambda url=None: empty_engine)
    yield empty_engine


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["forecast", *args])


def test_cli_not_enough_data_is_one_line_and_exit_2(cli_db: Engine) -> None:
    result = run("--through", "2025-06")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: not enough data to forecast any line")
    assert len(result.stderr.strip().splitlines()) == 1
    result = run("--line", "marine")
    assert result.exit_code == 2 and "unknown line" in result.stderr


def test_forecast_lines_and_cli_on_a_database(cli_db: Engine, settings: Settings) -> None:
    # 32 months of auto claims (2023-01 … 2025-08): 1 + (month % 3) per month, the first of each paid.
    counts = {}
    with unit_of_work(cli_db) as session:
        auto = make_policy(session, line="auto", effective_from="2022-12-01", effective_to="2025-12-31")
        for i in range(32):
            year, month = 2023 + i // 12, i % 12 + 1
            counts[f"{year}-{month:02d}"] = 1 + month % 3
            for k in range(1 + month % 3):
                w = Walk(session, settings, auto, at(year, month, 3 + 5 * k), str(1500 + 100 * month))
                if k == 0:
                    _paid_walk(w, str(1500 + 100 * month))

    with unit_of_work(cli_db) as session:
        frame = monthly_series(session, line="auto")
        assert dict(zip([str(p) for p in frame.index], frame["claims"].tolist(), strict=True)) == counts
        assert frame.loc[pd.Period("2023-02", freq="M"), "paid"] == pytest.approx(float((1700 - 500) * 0.9))
        result = forecast_lines(session, line="auto", horizon=2, through="2025-08", candidates=ADDITIVE)
        assert [(s["line"], s["target"]) for s in result["series"]] == [("auto", "claims"), ("auto", "paid")]
        assert result["through"] == "2025-08"
        with pytest.raises(ValidationFailed) as err:
            forecast_lines(session, line="health", through="2025-08")
        assert err.value.code == "NOT_ENOUGH_DATA"

    out = run("--line", "auto", "--horizon", "2", "--through", "2025-08")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    claims = data["series"][0]
    assert claims["target"] == "claims" and claims["line"] == "auto"
    assert [row["period"] for row in claims["forecast"]] == ["2025-09", "2025-10"]
    assert BASELINE in claims["backtest"] and isinstance(claims["beats_baseline"], bool)
    assert claims["note"]

    everything = json.loads(run("--through", "2025-08").stdout)
    by_key = {(s["line"], s["target"]): s for s in everything["series"]}
    assert "forecast" in by_key[("all", "claims")] and "forecast" in by_key[("auto", "paid")]
    assert by_key[("health", "claims")]["error"]["code"] == "NOT_ENOUGH_DATA"

    table = run("--line", "auto", "--horizon", "2", "--through", "2025-08", "--format", "table")
    assert table.exit_code == 0, table.output
    assert "auto · claims (claims)" in table.stdout and "seasonal_naive" in table.stdout
    assert "2025-09" in table.stdout and "note:" in table.stdout

    # Complete quarters 2023Q1 … 2025Q2: 10, short of max(2·4, 10) to learn from plus 2 to test on.
    quarterly = run("--line", "auto", "--freq", "quarter", "--horizon", "2", "--through", "2025-08")
    assert quarterly.exit_code == 2
    assert "10 quarters, need at least 12" in quarterly.stderr


def test_last_complete_month_is_the_previous_shanghai_month(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(claimops.clock, "utcnow", lambda: datetime(2026, 1, 31, 17, tzinfo=UTC))
    assert last_complete_month() == "2026-01"  # already 1 February in Shanghai
    monkeypatch.setattr(claimops.clock, "utcnow", lambda: datetime(2026, 1, 15, 2, tzinfo=UTC))
    assert last_complete_month() == "2025-12"
