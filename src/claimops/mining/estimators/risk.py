"""Claim risk score: a logistic regression over report-time features, with plain-word reasons.

Why logistic regression: its score is a calibrated probability out of the box, scoring is one dot
product (cheap for one claim in the review and for a million in a batch), and each feature's share of
the score is exact — ``coef × (value − mean value)`` on the log-odds scale — so the reasons a reviewer
reads are the model's own arithmetic, not an approximation of it.

Inputs are the report-time columns of the feature table (what is known when the claim is reported):
no document counts (they grow while a claim is handled, so the training data would see more than a
new claim shows) and no outcomes. :func:`report_features` computes the same columns for one claim from
plain values, so that the review does not build a pandas feature table per request; a test checks it
against :class:`~claimops.mining.estimators.features.FeatureBuilder`.

Target: planted (or confirmed) fraud where ground truth exists, else "denied after investigation".
Evaluation is on a time-ordered hold-out: train on the earlier report dates, test on the latest.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from claimops.errors import ValidationFailed
from claimops.mining.estimators.base import Estimator, require_fitted

__all__ = [
    "CATEGORIES",
    "FLAGS",
    "GROUPS",
    "INPUTS",
    "NUMERIC",
    "RiskData",
    "RiskModel",
    "check_enough",
    "report_features",
    "risk_metrics",
    "risk_target",
    "time_split",
]

FloatArray = npt.NDArray[np.float64]
SHANGHAI = ZoneInfo("Asia/Shanghai")

# (feature, lower clip, upper clip, log1p): clipped so that a few extreme values do not set the slope.
NUMERIC: tuple[tuple[str, float, float, bool], ...] = (
    ("claimed_amount", 0.0, 1e9, True),
    ("claim_ratio", 0.0, 2.0, False),
    ("policy_age_days", 0.0, 400.0, False),
    ("days_to_expiry", 0.0, 400.0, False),
    ("days_to_report", 0.0, 90.0, False),
    ("prior_claims", 0.0, 50.0, True),
    ("same_provider_prior", 0.0, 50.0, True),
    ("customer_age", 0.0, 100.0, False),
)
FLAGS = ("round_amount", "early_claim", "near_expiry", "late_report", "night_report", "frequent_claimant")
CATEGORIES = ("line", "region", "channel", "customer_gender")
INPUTS = (*(name for name, *_ in NUMERIC), *FLAGS, *CATEGORIES, "report_hour")

# Reasons are told per group: a flag and the number it comes from are one reason, not two.
GROUPS: dict[str, tuple[str, ...]] = {
    "amount": ("claimed_amount",),
    "round": ("round_amount",),
    "ratio": ("claim_ratio",),
    "policy_age": ("policy_age_days", "early_claim"),
    "expiry": ("days_to_expiry", "near_expiry"),
    "report_delay": ("days_to_report", "late_report"),
    "night": ("night_report",),
    "prior_claims": ("prior_claims", "frequent_claimant"),
    "same_provider": ("same_provider_prior",),
    "age": ("customer_age",),
    "line": ("line",),
    "region": ("region",),
    "channel": ("channel",),
    "gender": ("customer_gender",),
}
REASON_PREFIX = "mining.reason"


@dataclass(frozen=True)
class RiskData:
    """Rows fit to learn from, their target and where the target came from."""

    y: npt.NDArray[np.bool_]
    usable: npt.NDArray[np.bool_]
    target: str  # "fraud" (ground truth) or "investigated_denied"


def risk_target(labels: pd.DataFrame, status: pd.Series | None = None) -> RiskData:
    """The risk target of a feature table's labels.

    With ground truth (a ``fraud`` label) every claim counts. Without it the target is "denied after
    investigation", known only once a claim is finished: with ``status`` given, open claims are left out.
    """
    n = len(labels)
    if "fraud" in labels and bool(labels["fraud"].any()):
        return RiskData(labels["fraud"].to_numpy(dtype=bool), np.ones(n, dtype=bool), "fraud")
    y = (labels["investigated"] & labels["denied"]).to_numpy(dtype=bool)
    usable = np.ones(n, dtype=bool)
    if status is not None:
        usable = status.isin(["closed", "rejected", "withdrawn"]).to_numpy(dtype=bool)
    return RiskData(y, usable, "investigated_denied")


def time_split(reported_at: pd.Series | pd.DatetimeIndex, test_share: float) -> npt.NDArray[np.bool_]:
    """True for the hold-out: the latest ``test_share`` of the claims by report time (ties kept together)."""
    stamps = pd.DatetimeIndex(reported_at)
    if not len(stamps):
        return np.zeros(0, dtype=bool)
    cutoff = stamps.sort_values()[min(len(stamps) - 1, int(len(stamps) * (1 - test_share)))]
    return np.asarray(stamps >= cutoff, dtype=bool)


def check_enough(n_rows: int, n_positive: int, *, min_rows: int, min_positives: int, what: str) -> None:
    """Refuse to fit on too little data, naming the counts (``NOT_ENOUGH_DATA``)."""
    if n_rows < min_rows or n_positive < min_positives:
        raise ValidationFailed(
            f"not enough data for the risk model {what}: {n_rows} claims with {n_positive} positive "
            f"(need at least {min_rows} claims and {min_positives} positive)",
            code="NOT_ENOUGH_DATA",
        )


class RiskModel(Estimator):
    """Logistic regression on standardised report-time features; probabilities and reasons.

    Parameters
    ----------
    C : float
        Inverse L2 regularisation strength.
    min_rows, min_positives : int
        ``fit`` refuses fewer training claims or positives (``NOT_ENOUGH_DATA``).
    n_reasons : int
        Reasons returned per claim (the largest positive contributions).

    Attributes
    ----------
    levels_ : dict of str to list of str
        Levels of each categorical input seen in ``fit`` (others encode as all zeros).
    columns_ : list of str
        Design-matrix columns, ``feature`` or ``feature=level``.
    fill_, mean_, scale_ : ndarray
        Median fill of missing numbers, and the standardisation of each design column.
    coef_ : ndarray
        Coefficients on the standardised columns; ``intercept_`` the log-odds of the average claim.
    n_samples_, n_positive_ : int
    """

    def __init__(self, *, C: float = 1.0, min_rows: int = 200, min_positives: int = 20, n_reasons: int = 3):
        self.C = C
        self.min_rows = min_rows
        self.min_positives = min_positives
        self.n_reasons = n_reasons

    def fit(self, X: pd.DataFrame | Mapping[str, Any], y: Any) -> RiskModel:
        """Learn from the report-time columns of a feature table and a boolean target."""
        target = np.asarray(y, dtype=bool)
        check_enough(
            len(target),
            int(target.sum()),
            min_rows=self.min_rows,
            min_positives=self.min_positives,
            what="training set",
        )
        if int((~target).sum()) < self.min_positives:
            raise ValidationFailed(
                f"not enough data for the risk model: only {int((~target).sum())} negative claims",
                code="NOT_ENOUGH_DATA",
            )
        cols = _columns(X)
        self.levels_ = {
            name: sorted(pd.unique(pd.Series(cols[name]).dropna().astype(str))) for name in CATEGORIES
        }
        numbers = self._numbers(cols)
        with np.errstate(all="ignore"):
            median = np.nanmedian(numbers, axis=0) if len(numbers) else np.zeros(len(NUMERIC))
        self.fill_: FloatArray = np.where(np.isnan(median), 0.0, median)
        raw = self._raw(cols, numbers)
        self.mean_ = raw.mean(axis=0)
        scale = raw.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        self.columns_ = [name for name, *_ in NUMERIC] + list(FLAGS)
        self.columns_ += [f"{name}={level}" for name in CATEGORIES for level in self.levels_[name]]
        model = LogisticRegression(C=self.C, max_iter=2000)
        model.fit((raw - self.mean_) / self.scale_, target)
        self.coef_: FloatArray = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        self._group_index()
        self.n_samples_ = len(target)
        self.n_positive_ = int(target.sum())
        return self

    def decision_function(self, X: pd.DataFrame | Mapping[str, Any]) -> FloatArray:
        """Log-odds of each claim (the contributions' sum plus the intercept, in one product)."""
        require_fitted(self, "coef_")
        cols = _columns(X)
        weights = self.coef_ / self.scale_
        out: FloatArray = self._raw(cols, self._numbers(cols)) @ weights + (
            self.intercept_ - self.mean_ @ weights
        )
        return out

    def predict_proba(self, X: pd.DataFrame | Mapping[str, Any]) -> FloatArray:
        """``(n, 2)``: probability of no risk, of risk."""
        p = self.score(X)
        return np.column_stack([1 - p, p])

    def score(self, X: pd.DataFrame | Mapping[str, Any]) -> FloatArray:
        """The risk probability of each claim."""
        out: FloatArray = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return out

    def contributions(self, X: pd.DataFrame | Mapping[str, Any]) -> FloatArray:
        """``(n, groups)``: each reason group's share of the log-odds against the average claim."""
        require_fitted(self, "coef_")
        cols = _columns(X)
        z = (self._raw(cols, self._numbers(cols)) - self.mean_) / self.scale_
        per_column = z * self.coef_
        out: FloatArray = per_column @ self.group_matrix_
        return out

    def reasons(self, X: pd.DataFrame | Mapping[str, Any]) -> list[list[dict[str, Any]]]:
        """Top reasons of each claim: ``{"key": catalogue key, "params": {...}}``, the largest first.

        Only groups that raise the score by more than 0.05 in log-odds count (less barely moves it).
        """
        cols = _columns(X)
        contrib = self.contributions(cols)
        order = np.argsort(-contrib, axis=1, kind="stable")
        ranked = np.take_along_axis(contrib, order, axis=1)
        names = list(GROUPS)
        out: list[list[dict[str, Any]]] = []
        for i in range(contrib.shape[0]):
            found: list[dict[str, Any]] = []
            for g, share in zip(order[i].tolist(), ranked[i].tolist(), strict=True):
                if share <= 0.05 or len(found) >= self.n_reasons:
                    break
                reason = _reason(names[g], cols, i)
                if reason is not None:
                    found.append(reason)
            out.append(found)
        return out

    def _numbers(self, cols: Mapping[str, Any]) -> FloatArray:
        parts = []
        for name, low, high, log in NUMERIC:
            v = np.clip(np.asarray(cols[name], dtype=np.float64), low, high)
            parts.append(np.log1p(v) if log else v)
        return np.column_stack(parts)

    def _raw(self, cols: Mapping[str, Any], numbers: FloatArray) -> FloatArray:
        filled = np.where(np.isnan(numbers), self.fill_, numbers)
        flags = np.column_stack([cols[name] for name in FLAGS])
        dummies = [filled, flags]
        for name in CATEGORIES:
            levels = self.levels_[name]
            codes = _codes(cols[name], levels)
            onehot = np.zeros((len(codes), len(levels)))
            seen = codes >= 0
            onehot[np.flatnonzero(seen), codes[seen]] = 1.0
            dummies.append(onehot)
        return np.hstack(dummies)

    def _group_index(self) -> None:
        feature_of = [c.split("=", 1)[0] for c in self.columns_]
        matrix = np.zeros((len(self.columns_), len(GROUPS)))
        for g, members in enumerate(GROUPS.values()):
            for j, feature in enumerate(feature_of):
                if feature in members:
                    matrix[j, g] = 1.0
        self.group_matrix_ = matrix


def _columns(X: pd.DataFrame | Mapping[str, Any]) -> dict[str, Any]:
    missing = [name for name in INPUTS if name not in X]
    if missing:
        raise ValidationFailed(f"risk model inputs missing: {', '.join(missing)}", code="BAD_FRAME")
    if isinstance(X, pd.DataFrame):
        out: dict[str, Any] = {}
        for name in INPUTS:
            s = X[name]
            if name in CATEGORIES:  # a Categorical stays one (its codes are mapped per level, not per row)
                out[name] = (
                    s.array if isinstance(s.dtype, pd.CategoricalDtype) else s.astype(object).to_numpy()
                )
            elif name in FLAGS:
                out[name] = s.astype("boolean").fillna(False).to_numpy(dtype=np.float64)
            else:
                out[name] = s.to_numpy(dtype=np.float64, na_value=np.nan)
        return out
    out = {name: np.atleast_1d(np.asarray(X[name], dtype=object)) for name in INPUTS}
    for name in FLAGS:
        out[name] = np.array([bool(v) if _present(v) else False for v in out[name]], dtype=np.float64)
    return out


def _codes(values: Any, levels: list[str]) -> npt.NDArray[np.int64]:
    """Index of each value in ``levels``, -1 for missing or unseen values."""
    position = {level: i for i, level in enumerate(levels)}
    if isinstance(values, pd.Categorical):
        lookup = np.array([position.get(str(c), -1) for c in values.categories] + [-1], dtype=np.int64)
        out: npt.NDArray[np.int64] = lookup[values.codes]  # code -1 (missing) picks the trailing -1
        return out
    if len(values) <= 64:  # one claim in the review: a dict lookup, not a pandas round trip
        return np.array([position.get(str(v), -1) if _present(v) else -1 for v in values], dtype=np.int64)
    return np.asarray(pd.Categorical(values, categories=levels).codes, dtype=np.int64)


def _present(value: Any) -> bool:
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _number(cols: Mapping[str, Any], name: str, i: int) -> float | None:
    value = cols[name][i]
    if not _present(value):
        return None
    return float(value)


def _reason(group: str, cols: Mapping[str, Any], i: int) -> dict[str, Any] | None:
    """The catalogue key and parameters of one reason, or None when its value is unknown."""
    key = f"{REASON_PREFIX}.{group}"
    if group in ("line", "region", "channel", "gender"):
        feature = GROUPS[group][0]
        value = cols[feature][i]
        if not _present(value):
            return None
        if group in ("line", "gender"):
            return {"key": f"{key}.{value}", "params": {}}
        return {"key": key, "params": {"value": str(value)}}
    if group == "round":
        return {"key": key, "params": {}} if cols["round_amount"][i] else None
    source = {
        "amount": "claimed_amount",
        "ratio": "claim_ratio",
        "policy_age": "policy_age_days",
        "expiry": "days_to_expiry",
        "report_delay": "days_to_report",
        "night": "report_hour",
        "prior_claims": "prior_claims",
        "same_provider": "same_provider_prior",
        "age": "customer_age",
    }[group]
    value = _number(cols, source, i)
    if value is None:
        return None
    if group == "amount":
        return {"key": key, "params": {"amount": f"{value:,.0f}"}}
    if group == "ratio":
        return {"key": key, "params": {"percent": round(value * 100)}}
    return {"key": key, "params": {"value": int(value)}}


def report_features(
    *,
    line: str,
    region: str | None,
    channel: str | None,
    claimed_amount: float,
    sum_insured: float | None,
    incident_date: date,
    effective_from: date | None,
    effective_to: date | None,
    reported_at: datetime,
    prior_claims: int,
    same_provider_prior: int,
    birth_date: date | None,
    gender: str | None,
    params: Mapping[str, Any],
    provider: str | None = None,
    windows: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """The risk model's inputs for one claim, as the feature table would compute them.

    ``params`` are the feature builder's (``FeatureBuilder.get_params()``); ``prior_claims`` counts the
    customer's claims reported in the ``prior_window_days`` before this one, ``same_provider_prior``
    those at the same provider. ``reported_at`` is an aware instant (naive is taken as UTC). The tree
    model also reads ``provider`` (its name) and ``windows``: ``prior_claims_<w>d`` and
    ``prior_same_line_<w>d`` counted as the feature table counts them.
    """
    nan = float("nan")
    amount = float(claimed_amount)
    age = (incident_date - effective_from).days if effective_from else None
    to_expiry = (effective_to - incident_date).days if effective_to else None
    stamp = reported_at if reported_at.tzinfo else reported_at.replace(tzinfo=ZoneInfo("UTC"))
    local = stamp.astimezone(SHANGHAI)
    delay = (local.date() - incident_date).days
    hour = local.hour
    years: float = nan
    if birth_date is not None:
        whole = incident_date.year - birth_date.year
        whole -= (incident_date.month, incident_date.day) < (birth_date.month, birth_date.day)
        years = float(whole) if 0 <= whole <= 130 else nan
    return {
        "line": line,
        "region": region or None,
        "channel": channel or None,
        "customer_gender": gender if gender in ("F", "M") else None,
        "claimed_amount": amount,
        "round_amount": amount >= 1000 and amount % 1000 == 0,
        "claim_ratio": amount / float(sum_insured) if sum_insured and sum_insured > 0 else nan,
        "policy_age_days": float(age) if age is not None else nan,
        "days_to_expiry": float(to_expiry) if to_expiry is not None else nan,
        "early_claim": age is not None and 0 <= age < params["early_claim_days"],
        "near_expiry": to_expiry is not None and 0 <= to_expiry < params["near_expiry_days"],
        "days_to_report": float(delay),
        "late_report": delay > params["late_report_days"],
        "report_hour": hour,
        "night_report": hour >= params["night_start_hour"] or hour < params["night_end_hour"],
        "prior_claims": prior_claims,
        "same_provider_prior": same_provider_prior,
        "frequent_claimant": prior_claims >= params["frequent_claims"],
        "customer_age": years,
        "provider": provider or None,
        **dict(windows or {}),
    }


def risk_metrics(y: Any, p: Any, *, capacity: float, bins: int = 10) -> dict[str, Any]:
    """Hold-out metrics: ROC AUC, precision and recall at the investigation capacity, Brier score and a
    reliability table by score decile (mean predicted vs observed rate).

    ``capacity`` is the share of claims investigators can look at; the top ``ceil(capacity × n)`` scores
    are "investigated".
    """
    truth = np.asarray(y, dtype=bool)
    score = np.asarray(p, dtype=np.float64)
    n = len(truth)
    k = max(1, math.ceil(capacity * n))
    top = np.argsort(-score, kind="stable")[:k]
    hits = int(truth[top].sum())
    positives = int(truth.sum())
    auc = float(roc_auc_score(truth, score)) if 0 < positives < n else None
    table = []
    order = np.argsort(score, kind="stable")
    for chunk in np.array_split(order, min(bins, n)):
        if len(chunk):
            table.append(
                {
                    "n": len(chunk),
                    "mean_predicted": float(score[chunk].mean()),
                    "observed_rate": float(truth[chunk].mean()),
                }
            )
    return {
        "n": n,
        "positives": positives,
        "base_rate": positives / n if n else None,
        "roc_auc": auc,
        "capacity": capacity,
        "investigated": k,
        "precision_at_capacity": hits / k,
        "recall_at_capacity": hits / positives if positives else None,
        "lift_at_capacity": (hits / k) / (positives / n) if positives else None,
        "threshold_at_capacity": float(score[top[-1]]),
        "brier": float(brier_score_loss(truth, score)),
        "brier_base_rate": float(brier_score_loss(truth, np.full(n, positives / n))) if n else None,
        "reliability": table,
    }
