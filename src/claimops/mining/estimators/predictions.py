"""Handling time and settlement amount of open claims: quantile models with an 80 % interval.

One gradient-boosting regressor per quantile (10 %, 50 %, 90 %) over the report-time columns of the
feature table, fitted on ``log1p`` of the target (quantiles survive a monotone transform, and the
spread of amounts and durations is multiplicative). The median is the point prediction.

Targets come from finished claims only: ``handling_days`` of completed claims, and the amount finally
paid (zero for a denial or withdrawal) of claims that are closed, rejected or withdrawn. Recent claims
that finish quickly are over-represented among finished ones (the slow ones are still open), so the
hold-out, the latest claims by report date, flatters handling-time accuracy a little; the line median
baseline has the same bias, which keeps the comparison fair.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # comes with scikit-learn

from claimops.errors import ValidationFailed
from claimops.mining.estimators.base import Estimator, require_fitted

__all__ = ["CATEGORIES", "INPUTS", "TARGETS", "OutcomeModel", "outcome_metrics", "outcome_target"]

FloatArray = npt.NDArray[np.float64]
TARGETS = ("handling_time", "settlement")
FINISHED = ("closed", "rejected", "withdrawn")
INPUTS = (
    "line",
    "region",
    "channel",
    "customer_gender",
    "claimed_amount",
    "claim_ratio",
    "policy_age_days",
    "days_to_expiry",
    "days_to_report",
    "report_hour",
    "prior_claims",
    "same_provider_prior",
    "customer_age",
    "round_amount",
    "early_claim",
    "near_expiry",
    "late_report",
    "night_report",
)
CATEGORIES = ("line", "region", "channel", "customer_gender")


def outcome_target(kind: str, labels: pd.DataFrame, status: pd.Series) -> tuple[FloatArray, FloatArray]:
    """The target of ``kind`` and a 0/1 mask of the claims it is known for (finished claims)."""
    finished = status.isin(FINISHED).to_numpy(dtype=bool)
    if kind == "handling_time":
        y = labels["handling_days"].to_numpy(dtype=np.float64, na_value=np.nan)
        known = finished & ~np.isnan(y)
    elif kind == "settlement":
        y = np.nan_to_num(labels["paid_amount"].to_numpy(dtype=np.float64, na_value=np.nan), nan=0.0)
        known = finished
    else:
        raise ValidationFailed(f"unknown outcome {kind!r} (one of {', '.join(TARGETS)})", code="BAD_MODEL")
    return y, known.astype(np.float64)


class OutcomeModel(Estimator):
    """Quantile regressors (10 %, 50 %, 90 %) of one claim outcome.

    Parameters
    ----------
    kind : str
        ``"handling_time"`` (days) or ``"settlement"`` (CNY, floats: an estimate, never paid out).
    max_iter : int
        Boosting iterations per quantile.
    min_rows : int
        ``fit`` refuses fewer finished claims (``NOT_ENOUGH_DATA``).

    Attributes
    ----------
    models_ : dict of float to HistGradientBoostingRegressor
    levels_ : dict of str to list of str
    line_median_ : dict of str to float
        The naive baseline: the training median per line.
    """

    QUANTILES = (0.1, 0.5, 0.9)

    def __init__(self, kind: str, *, max_iter: int = 100, min_rows: int = 200) -> None:
        self.kind = kind
        self.max_iter = max_iter
        self.min_rows = min_rows

    def fit(self, X: pd.DataFrame, y: Any) -> OutcomeModel:
        target = np.asarray(y, dtype=np.float64)
        if len(target) < self.min_rows:
            raise ValidationFailed(
                f"not enough data for the {self.kind} model: {len(target)} finished claims "
                f"(need at least {self.min_rows})",
                code="NOT_ENOUGH_DATA",
            )
        self.levels_ = {name: sorted(X[name].dropna().astype(str).unique()) for name in CATEGORIES}
        design = self._design(X)
        logged = np.log1p(np.clip(target, 0, None))
        self.models_: dict[float, HistGradientBoostingRegressor] = {}
        # One OpenMP thread: on a machine shared with other work, more threads spin and run many times
        # slower (measured 8 s with one thread, 64 s with two, on the 20,000-claim demo).
        with threadpool_limits(limits=1, user_api="openmp"):
            for q in self.QUANTILES:
                model = HistGradientBoostingRegressor(
                    loss="quantile",
                    quantile=q,
                    max_iter=self.max_iter,
                    learning_rate=0.1,
                    categorical_features="from_dtype",
                    early_stopping=False,
                    random_state=0,
                )
                self.models_[q] = model.fit(design, logged)
        lines = X["line"].astype(str).to_numpy()
        self.line_median_ = {str(k): float(v) for k, v in pd.Series(target).groupby(lines).median().items()}
        self.overall_median_ = float(np.median(target))
        self.n_samples_ = len(target)
        return self

    def predict(self, X: pd.DataFrame) -> pd.DataFrame:
        """``low`` (10 %), ``median`` and ``high`` (90 %) per claim, indexed like ``X``."""
        require_fitted(self, "models_")
        design = self._design(X)
        out = {
            name: np.expm1(self.models_[q].predict(design))
            for name, q in zip(("low", "median", "high"), self.QUANTILES, strict=True)
        }
        frame = pd.DataFrame(out, index=X.index)
        # Separate quantile fits can cross; sorting each row keeps the interval an interval.
        frame[["low", "median", "high"]] = np.sort(frame[["low", "median", "high"]].to_numpy(), axis=1)
        return frame.clip(lower=0.0)

    def baseline(self, X: pd.DataFrame) -> FloatArray:
        """The naive prediction: the training median of the claim's line."""
        require_fitted(self, "line_median_")
        lines = X["line"].astype(str)
        out: FloatArray = lines.map(self.line_median_).fillna(self.overall_median_).to_numpy(np.float64)
        return out

    def _design(self, X: pd.DataFrame) -> pd.DataFrame:
        missing = [name for name in INPUTS if name not in X]
        if missing:
            raise ValidationFailed(
                f"{self.kind} model inputs missing: {', '.join(missing)}", code="BAD_FRAME"
            )
        cols: dict[str, Any] = {}
        for name in INPUTS:
            s = X[name]
            if name in CATEGORIES:
                cols[name] = pd.Categorical(s.astype(object).where(s.notna()), categories=self.levels_[name])
            elif pd.api.types.is_bool_dtype(s.dtype) or s.dtype == object:
                cols[name] = s.astype("boolean").fillna(False).to_numpy(dtype=np.float64)
            else:
                cols[name] = s.to_numpy(dtype=np.float64, na_value=np.nan)
        return pd.DataFrame(cols, index=X.index)


def outcome_metrics(y: Any, predicted: pd.DataFrame, baseline: Any) -> dict[str, Any]:
    """Hold-out MAE of the median against the line-median baseline, and the 80 % interval's coverage."""
    truth = np.asarray(y, dtype=np.float64)
    median = predicted["median"].to_numpy()
    naive = np.asarray(baseline, dtype=np.float64)
    mae = float(np.mean(np.abs(truth - median)))
    mae_naive = float(np.mean(np.abs(truth - naive)))
    inside = (truth >= predicted["low"].to_numpy()) & (truth <= predicted["high"].to_numpy())
    return {
        "n": len(truth),
        "mae": mae,
        "mae_baseline": mae_naive,
        "baseline": "line median",
        "skill": 1 - mae / mae_naive if mae_naive else None,
        "beats_baseline": mae < mae_naive,
        "coverage80": float(inside.mean()) if len(truth) else None,
        "median_actual": float(np.median(truth)) if len(truth) else None,
    }
