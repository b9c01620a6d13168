"""Forecasts of claim counts and paid amounts per line, with 80 % and 95 % prediction intervals.

Candidate models (ETS, i.e. Holt-Winters exponential smoothing as state-space models, with additive or
multiplicative seasonality; optionally the SARIMA "airline" model) are compared with the seasonal-naive
forecast — each period repeats the same period one season earlier — by rolling-origin back-testing.
The best candidate is used only if it clearly beats seasonal naive there; otherwise the forecast *is*
seasonal naive, with its own intervals, and the result says so.

The series come from :mod:`claimops.mining.data.series` (claims reported and payments released per
Shanghai month). Amounts are forecast as floats of CNY: a forecast is an estimate for planning, nothing
computed here is paid out, so the exact Decimal arithmetic of money does not apply.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from claimops.errors import ValidationFailed
from claimops.mining.data.frames import period_label
from claimops.mining.estimators.base import Estimator, require_fitted

__all__ = ["BASELINE", "DEFAULT_CANDIDATES", "MAX_WIDENING", "MODELS", "Forecaster"]

FloatArray = npt.NDArray[np.float64]
BASELINE = "seasonal_naive"
# Standard normal quantiles for two-sided 80 % and 95 % intervals.
Z80 = 1.2815515655446004
Z95 = 1.959963984540054


@dataclass(frozen=True)
class _Spec:
    kind: Literal["ets", "sarima"]
    error: str = "add"
    trend: str | None = None
    damped: bool = False
    seasonal: str = "add"

    @property
    def multiplicative(self) -> bool:
        return self.kind == "ets" and "mul" in (self.error, self.seasonal)


MODELS: dict[str, _Spec] = {
    "ETS(A,N,A)": _Spec("ets"),
    "ETS(A,A,A)": _Spec("ets", trend="add"),
    "ETS(A,Ad,A)": _Spec("ets", trend="add", damped=True),
    "ETS(M,N,M)": _Spec("ets", error="mul", seasonal="mul"),
    "ETS(M,A,M)": _Spec("ets", error="mul", trend="add", seasonal="mul"),
    "ETS(M,Ad,M)": _Spec("ets", error="mul", trend="add", damped=True, seasonal="mul"),
    "SARIMA(0,1,1)(0,1,1)": _Spec("sarima"),
}
DEFAULT_CANDIDATES = ("ETS(A,N,A)", "ETS(A,A,A)", "ETS(A,Ad,A)", "ETS(M,N,M)", "ETS(M,A,M)", "ETS(M,Ad,M)")


class _Unavailable(Exception):
    """A candidate that cannot be fitted to this data (e.g. multiplicative with zeros)."""


@dataclass
class _Path:
    """A forecast path: point forecasts and interval bounds, one value per step."""

    mean: FloatArray
    lo80: FloatArray
    hi80: FloatArray
    lo95: FloatArray
    hi95: FloatArray

    def clipped(self) -> _Path:
        return _Path(*(np.maximum(a, 0.0) for a in (self.mean, self.lo80, self.hi80, self.lo95, self.hi95)))

    def widened(self, f80: float, f95: float) -> _Path:
        """Each bound moved away from the mean by the factor (1 leaves the path as it is)."""
        m = self.mean
        return _Path(
            m,
            m - f80 * (m - self.lo80),
            m + f80 * (self.hi80 - m),
            m - f95 * (m - self.lo95),
            m + f95 * (self.hi95 - m),
        )


class Forecaster(Estimator):
    """Seasonal forecast with intervals, chosen by rolling-origin back-test against seasonal naive.

    Parameters
    ----------
    horizon : int
        Periods to forecast (and to evaluate at each back-test origin).
    season_length : int
        Periods per season: 12 for months, 4 for quarters.
    candidates : sequence of str, optional
        Model names from ``MODELS``; default ``DEFAULT_CANDIDATES`` (six ETS models).
        ``"SARIMA(0,1,1)(0,1,1)"`` (the airline model) is available but slower.
    max_origins : int
        Number of rolling origins in the back-test, the most recent ones.
    min_improvement : float
        A candidate is used only if its back-test MASE is at most ``(1 - min_improvement)`` times
        seasonal naive's: choosing the best of several models on the same back-test flatters the
        winner, and a tie goes to the simpler forecast.
    nonnegative : bool
        Clip forecasts and interval bounds at zero (counts and payments cannot be negative).
    calibrate_intervals : bool
        Widen (never narrow) the intervals of the method used when its back-test errors fell outside
        them more often than nominal (see Notes).
    random_state : int
        Seed for the simulated intervals of multiplicative models.

    Attributes
    ----------
    forecast_ : DataFrame
        One row per future period: ``period`` (``"2026-07"``, ``"2026-Q3"``, or a position when the
        series has no period index), ``mean``, ``lo80``, ``hi80``, ``lo95``, ``hi95``.
    backtest_ : DataFrame
        Per method (index; candidates and ``"seasonal_naive"``): ``mae``, ``mase``, ``smape`` (percent,
        0–200), ``coverage80``, ``coverage95`` (share of held-out values inside the intervals),
        ``n_origins``, ``n_points``. Candidates that could not be fitted are left out (``failed_``).
    beats_baseline_ : bool
        Whether the best candidate beat seasonal naive by the required margin; if not, ``forecast_``
        is the seasonal-naive forecast.
    method_ : str
        The method behind ``forecast_``.
    best_candidate_ : str or None
        The candidate with the lowest back-test MASE, used or not.
    failed_ : dict of str to str
        Candidates left out and why.
    interval_scale_ : dict of str to float
        Widening factors applied to the 80 % and 95 % intervals (keys ``"80"``, ``"95"``; 1.0 = none).
    note_ : str
        A plain statement of what was used and why.
    n_obs_ : int
        Length of the fitted series.

    Notes
    -----
    Back-test: at each origin t (the last ``max_origins`` of those with ``horizon`` values after them
    and at least ``min_train`` before), every method is fitted to ``y[:t]`` and forecasts
    ``y[t:t + horizon]``. MASE scales absolute errors by the in-sample MAE of the seasonal-naive
    forecast on ``y[:t]`` (Hyndman & Koehler 2006); sMAPE is ``200·|y − ŷ| / (|y| + |ŷ|)``, 0 where
    both are 0. Seasonal-naive intervals: ``ŷ ± z·σ·√(k + 1)`` with σ the root mean square of the
    seasonal differences and k the number of whole seasons before the step (Hyndman &
    Athanasopoulos, *Forecasting: Principles and Practice*, 5.5). ETS models use statsmodels'
    ``ETSModel`` with heuristic initial states, which needs ``max(2·season_length, 10)`` values.

    Model intervals ignore the uncertainty of the estimated parameters and of the model choice, and
    tend to be too narrow on short series. With ``calibrate_intervals``, each interval's distance
    from the mean is multiplied by the back-test quantile (0.8 or 0.95) of |error| / that distance on
    the error's side, if above 1, capped at ``MAX_WIDENING``. ``backtest_`` reports the coverage of the
    intervals before widening.

    Examples
    --------
    A series that repeats every year: no model beats seasonal naive, which is then the forecast.

    >>> import pandas as pd
    >>> months = pd.period_range("2022-01", periods=36, freq="M")
    >>> claims = pd.Series([120.0 if p.month <= 2 else 100.0 for p in months], index=months)
    >>> model = Forecaster(horizon=3, candidates=["ETS(A,N,A)"], max_origins=2).fit(claims)
    >>> model.method_, model.beats_baseline_
    ('seasonal_naive', False)
    >>> model.forecast_[["period", "mean"]].to_dict("list")
    {'period': ['2025-01', '2025-02', '2025-03'], 'mean': [120.0, 120.0, 100.0]}

    The series of the book come from :func:`claimops.mining.data.series.monthly_series`.
    """

    def __init__(
        self,
        horizon: int = 6,
        season_length: int = 12,
        candidates: Sequence[str] | None = None,
        max_origins: int = 12,
        min_improvement: float = 0.05,
        nonnegative: bool = True,
        calibrate_intervals: bool = True,
        random_state: int = 0,
    ) -> None:
        self.horizon = horizon
        self.season_length = season_length
        self.candidates = candidates
        self.max_origins = max_origins
        self.min_improvement = min_improvement
        self.nonnegative = nonnegative
        self.calibrate_intervals = calibrate_intervals
        self.random_state = random_state

    @property
    def min_train(self) -> int:
        """Shortest training series: two full seasons (and 10 values) to initialise the seasonal states."""
        return max(2 * self.season_length, 10)

    @property
    def min_length(self) -> int:
        """Shortest series ``fit`` accepts: ``min_train`` plus one ``horizon`` to test against."""
        return self.min_train + self.horizon

    def fit(self, series: pd.Series | npt.ArrayLike) -> Forecaster:
        """Back-test the candidates and seasonal naive, then forecast with the method that wins.

        Parameters
        ----------
        series : Series or array-like of shape (n,)
            Values per period, oldest first, no gaps. A ``PeriodIndex`` (monthly or quarterly) labels
            the forecast periods.

        Returns
        -------
        self

        Raises
        ------
        ValidationFailed
            ``NOT_ENOUGH_DATA`` for a series shorter than ``min_length``; ``BAD_SERIES`` for missing or
            non-finite values; ``BAD_OPTION`` for invalid parameters.
        """
        names = self._check_params()
        y, index = _coerce(series)
        n = len(y)
        if n < self.min_length:
            unit = _unit(index)
            raise ValidationFailed(
                f"not enough data to forecast: {n} {unit}, need at least {self.min_length} "
                f"({self.min_train} to learn the seasonal pattern, {self.horizon} to test the forecast on)",
                code="NOT_ENOUGH_DATA",
                details={"have": n, "need": self.min_length},
            )
        last_origin = n - self.horizon
        origins = list(range(max(self.min_train, last_origin - self.max_origins + 1), last_origin + 1))

        self.failed_: dict[str, str] = {}
        paths: dict[str, list[_Path]] = {BASELINE: [self._predict(BASELINE, y[:t]) for t in origins]}
        for name in names:
            try:
                paths[name] = [self._predict(name, y[:t]) for t in origins]
            except _Unavailable as exc:
                self.failed_[name] = str(exc)
            except Exception as exc:  # a model that fails to fit at any origin is not compared
                self.failed_[name] = f"{type(exc).__name__}: {exc}"

        actual = np.stack([y[t : t + self.horizon] for t in origins])
        scale = np.array([_naive_scale(y[:t], self.season_length) for t in origins])
        self.backtest_ = pd.DataFrame(
            {name: _metrics(actual, [self._publish(p) for p in runs], scale) for name, runs in paths.items()}
        ).T.astype(float)
        self.backtest_.index.name = "method"
        self.backtest_[["n_origins", "n_points"]] = self.backtest_[["n_origins", "n_points"]].astype(int)

        key = "mase" if bool(np.all(np.isfinite(self.backtest_["mase"]))) else "mae"
        self.score_ = key
        ranked = self.backtest_.drop(index=BASELINE).sort_values(key)
        base_score = float(self.backtest_.loc[BASELINE, key])
        self.best_candidate_: str | None = str(ranked.index[0]) if len(ranked) else None
        best_score = float(ranked[key].iloc[0]) if len(ranked) else float("inf")
        self.beats_baseline_ = bool(best_score <= (1.0 - self.min_improvement) * base_score)
        if base_score == 0.0:  # seasonal naive was perfect; nothing beats it by a margin
            self.beats_baseline_ = False

        self.method_ = BASELINE
        final: _Path | None = None
        if self.beats_baseline_:
            for name in ranked.index[ranked[key] <= (1.0 - self.min_improvement) * base_score]:
                try:
                    final = self._predict(str(name), y)
                except Exception as exc:
                    self.failed_[str(name)] = f"final fit: {type(exc).__name__}: {exc}"
                    continue
                self.method_ = str(name)
                break
        if final is None:
            final = self._predict(BASELINE, y)
        self.interval_scale_ = {"80": 1.0, "95": 1.0}
        if self.calibrate_intervals:
            runs = paths[self.method_]
            self.interval_scale_ = {
                "80": _widening(actual, runs, 0.80, "lo80", "hi80"),
                "95": _widening(actual, runs, 0.95, "lo95", "hi95"),
            }
            final = final.widened(self.interval_scale_["80"], self.interval_scale_["95"])
        final = self._publish(final)
        self.note_ = self._note(key, base_score, best_score, final_from_model=self.method_ != BASELINE)
        if max(self.interval_scale_.values()) > 1.0:
            self.note_ += (
                f" The intervals were widened ×{self.interval_scale_['80']:.2f} (80 %) and "
                f"×{self.interval_scale_['95']:.2f} (95 %): the back-test errors fell outside them too often."
            )

        self.n_obs_ = n
        self.n_origins_ = len(origins)
        self.forecast_ = pd.DataFrame(
            {
                "period": _future_labels(index, n, self.horizon),
                "mean": final.mean,
                "lo80": final.lo80,
                "hi80": final.hi80,
                "lo95": final.lo95,
                "hi95": final.hi95,
            }
        )
        return self

    def to_dict(self, decimals: int | None = None) -> dict[str, Any]:
        """Plain-Python result (for JSON): method, verdict, note, back-test and forecast rows."""
        require_fitted(self, "forecast_")

        def num(x: Any) -> float | None:
            value = float(x)
            if not np.isfinite(value):
                return None
            return round(value, decimals) if decimals is not None else value

        backtest = {}
        for method, row in self.backtest_.iterrows():
            backtest[str(method)] = {
                **{m: num(row[m]) for m in ("mae", "mase", "smape", "coverage80", "coverage95")},
                "n_origins": int(row["n_origins"]),
                "n_points": int(row["n_points"]),
            }
        forecast = [
            {
                "period": row["period"] if isinstance(row["period"], str) else int(row["period"]),
                **{c: num(row[c]) for c in ("mean", "lo80", "hi80", "lo95", "hi95")},
            }
            for row in self.forecast_.to_dict("records")
        ]
        return {
            "method": self.method_,
            "beats_baseline": self.beats_baseline_,
            "best_candidate": self.best_candidate_,
            "selection_metric": self.score_,
            "note": self.note_,
            "n_obs": self.n_obs_,
            "horizon": self.horizon,
            "season_length": self.season_length,
            "interval_scale": {k: num(v) for k, v in self.interval_scale_.items()},
            "backtest": backtest,
            "failed": dict(self.failed_),
            "forecast": forecast,
        }

    # -- internals -------------------------------------------------------------------------------

    def _check_params(self) -> list[str]:
        if not isinstance(self.horizon, int) or self.horizon < 1:
            raise ValidationFailed(
                f"horizon must be a positive integer, got {self.horizon!r}", code="BAD_OPTION"
            )
        if not isinstance(self.season_length, int) or self.season_length < 2:
            raise ValidationFailed(
                f"season_length must be an integer ≥ 2, got {self.season_length!r}", code="BAD_OPTION"
            )
        if not isinstance(self.max_origins, int) or self.max_origins < 1:
            raise ValidationFailed(f"max_origins must be ≥ 1, got {self.max_origins!r}", code="BAD_OPTION")
        if not 0.0 <= float(self.min_improvement) < 1.0:
            raise ValidationFailed("min_improvement must be in [0, 1)", code="BAD_OPTION")
        names = list(DEFAULT_CANDIDATES if self.candidates is None else self.candidates)
        unknown = [name for name in names if name not in MODELS]
        if unknown:
            raise ValidationFailed(
                f"unknown model(s) {', '.join(map(repr, unknown))}; choose from {', '.join(MODELS)}",
                code="BAD_OPTION",
            )
        return names

    def _predict(self, name: str, y: FloatArray) -> _Path:
        if name == BASELINE:
            path = _seasonal_naive(y, self.horizon, self.season_length)
        else:
            spec = MODELS[name]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # convergence chatter; a failed fit raises instead
                if spec.kind == "sarima":
                    path = _sarima(y, self.horizon, self.season_length)
                else:
                    path = _ets(spec, y, self.horizon, self.season_length, self.random_state)
            values = np.stack([path.mean, path.lo80, path.hi80, path.lo95, path.hi95])
            if not np.all(np.isfinite(values)):
                raise _Unavailable("non-finite forecast")
        return path

    def _publish(self, path: _Path) -> _Path:
        return path.clipped() if self.nonnegative else path

    def _note(self, key: str, base: float, best: float, *, final_from_model: bool) -> str:
        label = key.upper()
        if final_from_model:
            return (
                f"{self.method_} beat the seasonal-naive baseline in the back-test "
                f"({label} {best:.3f} vs {base:.3f}) and is used."
            )
        if self.best_candidate_ is None:
            return "No candidate model could be fitted; the forecast is seasonal naive."
        if base == 0.0:
            return (
                "Seasonal naive was exact in the back-test (the series repeats itself every season); "
                "the forecast is seasonal naive."
            )
        if self.beats_baseline_:
            return (
                f"{self.best_candidate_} beat the baseline in the back-test but could not be fitted to the "
                "whole series; the forecast is seasonal naive."
            )
        return (
            f"No model beat the seasonal-naive baseline in the back-test by the required "
            f"{self.min_improvement:.0%} (best: {self.best_candidate_}, {label} {best:.3f} vs {base:.3f}); "
            "the forecast is seasonal naive: each period repeats the same period one season earlier, "
            "with intervals from the seasonal differences."
        )


def _coerce(series: pd.Series | npt.ArrayLike) -> tuple[FloatArray, pd.Index | None]:
    index: pd.Index | None = None
    if isinstance(series, pd.Series):
        index = series.index
        values = series.to_numpy()
    else:
        values = np.asarray(series)
    if values.ndim != 1:
        raise ValidationFailed("the series must be one-dimensional", code="BAD_SERIES")
    try:
        y = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValidationFailed("the series must be numeric", code="BAD_SERIES") from None
    if not np.all(np.isfinite(y)):
        raise ValidationFailed("the series has missing or infinite values", code="BAD_SERIES")
    if isinstance(index, pd.DatetimeIndex) and index.freq is not None:
        index = index.to_period()
    return y, index


def _unit(index: pd.Index | None) -> str:
    if isinstance(index, pd.PeriodIndex):
        freq = index.freqstr
        if freq.startswith("M"):
            return "months"
        if freq.startswith("Q"):
            return "quarters"
    return "periods"


def _future_labels(index: pd.Index | None, n: int, horizon: int) -> list[Any]:
    if isinstance(index, pd.PeriodIndex) and len(index):
        last = index[-1]
        return [period_label(last + step) for step in range(1, horizon + 1)]
    return list(range(n, n + horizon))


def _seasonal_naive(y: FloatArray, horizon: int, m: int) -> _Path:
    steps = np.arange(horizon)
    mean = y[len(y) - m + steps % m]
    diffs = y[m:] - y[:-m]
    sigma = float(np.sqrt(np.mean(diffs**2))) if len(diffs) else 0.0
    width = sigma * np.sqrt(steps // m + 1.0)
    return _Path(mean, mean - Z80 * width, mean + Z80 * width, mean - Z95 * width, mean + Z95 * width)


def _naive_scale(y: FloatArray, m: int) -> float:
    """In-sample MAE of the seasonal-naive forecast (the MASE denominator)."""
    return float(np.mean(np.abs(y[m:] - y[:-m])))


def _ets(spec: _Spec, y: FloatArray, horizon: int, m: int, seed: int) -> _Path:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    if spec.multiplicative and np.any(y <= 0):
        raise _Unavailable("multiplicative model needs strictly positive values")
    model = ETSModel(
        pd.Series(y),  # statsmodels' prediction labels need a pandas index
        error=spec.error,
        trend=spec.trend,
        damped_trend=spec.damped,
        seasonal=spec.seasonal,
        seasonal_periods=m,
        initialization_method="heuristic",
    )
    result = model.fit(disp=False)
    pred = result.get_prediction(
        start=len(y), end=len(y) + horizon - 1, simulate_repetitions=2000, rng=np.random.default_rng(seed)
    )
    f80, f95 = pred.summary_frame(alpha=0.2), pred.summary_frame(alpha=0.05)
    return _Path(
        f80["mean"].to_numpy(float),
        f80["pi_lower"].to_numpy(float),
        f80["pi_upper"].to_numpy(float),
        f95["pi_lower"].to_numpy(float),
        f95["pi_upper"].to_numpy(float),
    )


def _sarima(y: FloatArray, horizon: int, m: int) -> _Path:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    result = SARIMAX(y, order=(0, 1, 1), seasonal_order=(0, 1, 1, m)).fit(disp=False)
    fc = result.get_forecast(horizon)
    ci80, ci95 = np.asarray(fc.conf_int(alpha=0.2)), np.asarray(fc.conf_int(alpha=0.05))
    return _Path(np.asarray(fc.predicted_mean, float), ci80[:, 0], ci80[:, 1], ci95[:, 0], ci95[:, 1])


MAX_WIDENING = 3.0


def _widening(actual: FloatArray, runs: list[_Path], level: float, lo: str, hi: str) -> float:
    """Factor ≥ 1 by which the back-test intervals had to be wider to cover ``level`` of the errors."""
    mean = np.stack([p.mean for p in runs])
    lower = mean - np.stack([getattr(p, lo) for p in runs])
    upper = np.stack([getattr(p, hi) for p in runs]) - mean
    err = actual - mean
    room = np.where(err >= 0, upper, lower)
    ratio = np.divide(np.abs(err), room, out=np.full_like(err, np.inf), where=room > 0)
    ratio[err == 0] = 0.0
    return float(np.clip(np.quantile(ratio, level), 1.0, MAX_WIDENING))


def _metrics(actual: FloatArray, runs: list[_Path], scale: FloatArray) -> dict[str, float]:
    pred = np.stack([p.mean for p in runs])
    err = np.abs(actual - pred)
    denom = np.abs(actual) + np.abs(pred)
    smape = np.divide(200.0 * err, denom, out=np.zeros_like(err), where=denom > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scaled = err / scale[:, None]
    lo80, hi80 = np.stack([p.lo80 for p in runs]), np.stack([p.hi80 for p in runs])
    lo95, hi95 = np.stack([p.lo95 for p in runs]), np.stack([p.hi95 for p in runs])
    return {
        "mae": float(err.mean()),
        "mase": float(scaled.mean()) if np.all(scale > 0) else float("nan"),
        "smape": float(smape.mean()),
        "coverage80": float(np.mean((actual >= lo80) & (actual <= hi80))),
        "coverage95": float(np.mean((actual >= lo95) & (actual <= hi95))),
        "n_origins": float(actual.shape[0]),
        "n_points": float(actual.size),
    }
